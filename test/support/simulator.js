/**
 * Starts the CXone simulator as a child process for tests (`node simulator/cli.mjs --port 0 …`), waits
 * for its `SIMULATOR_READY {json}` line and returns the URLs and credentials it printed.
 */
'use strict';

const { spawn } = require('node:child_process');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const READY_PREFIX = 'SIMULATOR_READY ';
const START_TIMEOUT_MS = 20000;

/**
 * @param {{ seed?: number, profile?: 'clean' | 'flaky', extraArgs?: string[] }} [options]
 * @returns {Promise<{ baseUrl: string, tokenUrl: string, clientId: string, clientSecret: string,
 *   viewerClientId: string, viewerClientSecret: string, stop: () => Promise<void> }>}
 */
function startSimulatorProcess({ seed = 1, profile = 'clean', extraArgs = [] } = {}) {
	const args = [
		path.join(REPO_ROOT, 'simulator', 'cli.mjs'),
		'--port',
		'0',
		'--seed',
		String(seed),
		'--profile',
		profile,
		...extraArgs,
	];
	const child = spawn(process.execPath, args, {
		cwd: REPO_ROOT,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	const exited = new Promise((resolve) => child.once('exit', resolve));

	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
		await exited;
	};

	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			stop();
			reject(
				new Error(`The simulator did not start within ${START_TIMEOUT_MS} ms.\n${stdout}${stderr}`),
			);
		}, START_TIMEOUT_MS);
		child.stderr.on('data', (chunk) => {
			stderr += chunk;
		});
		child.stdout.on('data', (chunk) => {
			stdout += chunk;
			const line = stdout.split('\n').find((candidate) => candidate.startsWith(READY_PREFIX));
			if (line === undefined) return;
			clearTimeout(timer);
			resolve({ ...JSON.parse(line.slice(READY_PREFIX.length)), stop });
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(
				new Error(
					`The simulator exited with code ${code} before it was ready.\n${stdout}${stderr}`,
				),
			);
		});
	});
}

module.exports = { startSimulatorProcess };
