/**
 * Code from the README, run as a reader would paste it. Plain JavaScript, like hostile.js: the linted
 * TypeScript tests read no files and evaluate no text.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

/**
 * The webhook receiver function of the README's "Webhook sync" section (its first js block).
 * @returns {(secret: string, rawBody: string, headers: Record<string, unknown>, seen: Map<string, number>, nowSeconds?: number) => boolean}
 */
function readmeWebhookReceiver() {
	const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8');
	const section = readme.slice(readme.indexOf('## Webhook sync'), readme.indexOf('## Security'));
	const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
	if (!code) throw new Error('README: no js block under Webhook sync');
	return new Function('require', `${code}\nreturn acceptCxoneWebhook;`)(require);
}

module.exports = { readmeWebhookReceiver };
