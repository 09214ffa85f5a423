// Starts the simulator as a process of its own (so its CPU and memory stay out of the clients'),
// with a per-request latency, and reads its ground truth.
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { httpRequest } from './http.mjs';
import { windowBodies } from './sizes.mjs';

const require = createRequire(import.meta.url);
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { launchSimulator } = require('../../simulator/launch.cjs');

/**
 * Resolves to {baseUrl, tokenUrl, clientId, clientSecret, latencyMs, stop()}. `requestsPerMinute`:
 * the per-token rate limit, the contract's 600 by default; 0 lifts it.
 */
export async function startBenchSimulator({ latencyMs = 0, seed = 1, requestsPerMinute = 600 } = {}) {
	const args = ['--latency-ms', String(latencyMs), '--requests-per-minute', String(requestsPerMinute)];
	return { ...(await launchSimulator({ seed, profile: 'clean', args })), latencyMs };
}

/**
 * The ground truth of a size: row count, SHA-256 digests (one JSON row a line) of the rows as the API
 * returns them and as the node flattens them, and the size of each as one JSON array (`rawJsonBytes`:
 * the result's JSON, `flatJsonBytes`: the items' JSON). Read window by window to bound memory.
 */
export async function groundTruth(sim, size) {
	const { flattenRow } = require('../../dist/nodes/NiceCxoneAnalytics/core/rows.js');
	const raw = crypto.createHash('sha256');
	const flat = crypto.createHash('sha256');
	let rowCount = 0;
	let rawBytes = 0;
	let flatBytes = 0;
	for (const body of windowBodies(size)) {
		const response = await httpRequest(`${sim.baseUrl}/_sim/truth`, { method: 'POST', body, fresh: true });
		if (response.status !== 200) throw new Error(`/_sim/truth answered ${response.status}: ${response.text.slice(0, 300)}`);
		const { rows, totalCount } = JSON.parse(response.text);
		if (rows.length !== totalCount) throw new Error('/_sim/truth returned a partial truth');
		rowCount += rows.length;
		for (const row of rows) {
			const rawLine = JSON.stringify(row);
			const flatLine = JSON.stringify(flattenRow(row));
			raw.update(`${rawLine}\n`);
			flat.update(`${flatLine}\n`);
			rawBytes += Buffer.byteLength(rawLine);
			flatBytes += Buffer.byteLength(flatLine);
		}
	}
	// As one JSON array: rows, commas and brackets.
	const arrayBytes = (bytes) => bytes + Math.max(0, rowCount - 1) + 2;
	return {
		rowCount,
		rawSha256: raw.digest('hex'),
		flatSha256: flat.digest('hex'),
		rawJsonBytes: arrayBytes(rawBytes),
		flatJsonBytes: arrayBytes(flatBytes),
	};
}
