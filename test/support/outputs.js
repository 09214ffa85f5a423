/**
 * Evaluates a node's `outputs` expression the way n8n does, for a given `options` parameter, and
 * returns the output names. (Plain JS: evaluating the expression needs the Function constructor.)
 */
'use strict';

/**
 * @param {unknown} outputs the node description's `outputs`
 * @param {Record<string, unknown>} options the node's `options` parameter
 * @returns {string[]}
 */
function evaluateOutputs(outputs, options) {
	if (typeof outputs !== 'string') return outputs.map((o) => String(o.displayName ?? o));
	const body = outputs.replace(/^=\{\{/, '').replace(/\}\}$/, '');
	const result = new Function('$parameter', `return ${body};`)({ options });
	for (const output of result) if (output.type !== 'main') throw new Error(`output type ${output.type}`);
	return result.map((o) => o.displayName);
}

module.exports = { evaluateOutputs };
