// Reading the example workflows and deriving the variants the e2e test and the demo run.
import fs from 'node:fs';
import path from 'node:path';

import { examplesDir } from './paths.mjs';

export const ANALYTICS_TYPE_SUFFIX = '.niceCxoneAnalytics';
export const CREDENTIAL_TYPE = 'niceCxoneOAuth2Api';

/** Every workflow in examples/, as {file, workflow}. */
export function readExamples() {
	return fs
		.readdirSync(examplesDir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => ({ file, workflow: JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8')) }));
}

export function readExample(file) {
	return JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8'));
}

/** The workflow's NICE CXone Analytics nodes. */
export function analyticsNodes(workflow) {
	return workflow.nodes.filter((node) => node.type.endsWith(ANALYTICS_TYPE_SUFFIX));
}

/**
 * A copy of a workflow with a new id and name, every analytics node using `credential` and getting
 * `parameters` merged over its own (`options` merged one level deeper), and nodes that cannot run
 * here (whose type is in `disableTypes`, e.g. Slack without a workspace) disabled, which makes n8n
 * pass their input through.
 */
export function workflowVariant(workflow, { id, name, credential, parameters = {}, disableTypes = [] }) {
	return {
		...structuredClone(workflow),
		id,
		name,
		nodes: workflow.nodes.map((node) => {
			if (disableTypes.includes(node.type)) return { ...structuredClone(node), disabled: true };
			if (!node.type.endsWith(ANALYTICS_TYPE_SUFFIX)) return structuredClone(node);
			const merged = { ...structuredClone(node.parameters), ...structuredClone(parameters) };
			merged.options = { ...(node.parameters.options ?? {}), ...(parameters.options ?? {}) };
			return {
				...structuredClone(node),
				parameters: merged,
				credentials: credential
					? { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } }
					: structuredClone(node.credentials),
			};
		}),
	};
}
