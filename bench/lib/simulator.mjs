// Starts the simulator as a process of its own (so its CPU and memory stay out of the clients'),
// with a per-request latency, and reads its ground truth.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { httpRequest } from './http.mjs';
import { windowBodies } from './sizes.mjs';

const require = createRequire(import.meta.url);
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const READY = 'SIMULATOR_READY ';

/**
 * Resolves to {baseUrl, tokenUrl, clientId, clientSecret, latencyMs, stop()}. `requestsPerMinute`:
 * the per-token rate limit, the contract's 600 by default; 0 lifts it.
 */
export function startBenchSimulator({ latencyMs = 0, seed = 1, requestsPerMinute = 600 } = {}) {
	const args = ['simulator/cli.mjs', '--port', '0', '--seed', String(seed), '--profile', 'clean', '--latency-ms', String(latencyMs), '--requests-per-minute', String(requestsPerMinute)];
	const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
	const exited = new Promise((resolve) => child.once('exit', resolve));
	let output = '';
	return new Promise((resolve, reject) => {
		child.stderr.on('data', (chunk) => (output += chunk));
		child.stdout.on('data', (chunk) => {
			output += chunk;
			const line = output.split('\n').find((candidate) => candidate.startsWith(READY));
			if (line === undefined) return;
			child.stdout.removeAllListeners('data');
			child.stdout.resume();
			const ready = JSON.parse(line.slice(READY.length));
			resolve({
				baseUrl: ready.baseUrl,
				tokenUrl: ready.tokenUrl,
				clientId: ready.clientId,
				clientSecret: ready.clientSecret,
				latencyMs,
				pid: child.pid,
				stop: async () => {
					if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
					await exited;
				},
			});
		});
		child.once('exit', (code) => reject(new Error(`The simulator exited (${code}) before it was ready.\n${output}`)));
	});
}

/**
 * The ground truth of a size: row count and SHA-256 digests (one JSON row a line) of the rows as the
 * API returns them and as the node flattens them. Read window by window to bound memory.
 */
export async function groundTruth(sim, size) {
	const { flattenRow } = require('../../dist/nodes/NiceCxoneAnalytics/core/rows.js');
	const raw = crypto.createHash('sha256');
	const flat = crypto.createHash('sha256');
	let rowCount = 0;
	for (const body of windowBodies(size)) {
		const response = await httpRequest(`${sim.baseUrl}/_sim/truth`, { method: 'POST', body, fresh: true });
		if (response.status !== 200) throw new Error(`/_sim/truth answered ${response.status}: ${response.text.slice(0, 300)}`);
		const { rows, totalCount } = JSON.parse(response.text);
		if (rows.length !== totalCount) throw new Error('/_sim/truth returned a partial truth');
		rowCount += rows.length;
		for (const row of rows) {
			raw.update(`${JSON.stringify(row)}\n`);
			flat.update(`${JSON.stringify(flattenRow(row))}\n`);
		}
	}
	return { rowCount, rawSha256: raw.digest('hex'), flatSha256: flat.digest('hex') };
}
