// Starts the CXone simulator for the e2e test and the demo, and reads its test hooks.
import { spawn } from 'node:child_process';

import { repoRoot, simulatorCli } from './paths.mjs';

const READY_PREFIX = 'SIMULATOR_READY ';
const START_TIMEOUT_MS = 20000;

/**
 * Runs `node simulator/cli.mjs --port 0 …` and resolves, once it printed its ready line, to
 * `{baseUrl, tokenUrl, clientId, clientSecret, truth(body), stats(), stop()}`.
 * @param {{seed?: number, profile?: 'clean'|'flaky', speed?: number}} [options]
 */
export function startSimulator({ seed = 1, profile = 'clean', speed } = {}) {
	const args = [simulatorCli, '--port', '0', '--seed', String(seed), '--profile', profile];
	if (speed !== undefined) args.push('--speed', String(speed));
	const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
	const exited = new Promise((resolve) => child.once('exit', resolve));
	let output = '';

	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
		await exited;
	};

	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			stop();
			reject(new Error(`The simulator did not start within ${START_TIMEOUT_MS} ms.\n${output}`));
		}, START_TIMEOUT_MS);
		child.stderr.on('data', (chunk) => (output += chunk));
		child.stdout.on('data', (chunk) => {
			output += chunk;
			const line = output.split('\n').find((candidate) => candidate.startsWith(READY_PREFIX));
			if (line === undefined) return;
			clearTimeout(timer);
			const ready = JSON.parse(line.slice(READY_PREFIX.length));
			resolve({
				...ready,
				args: { seed, profile, speed },
				truth: (body) => simulatorHook(ready.baseUrl, 'POST', '/_sim/truth', body),
				stats: () => simulatorHook(ready.baseUrl, 'GET', '/_sim/stats'),
				platformUniverse: () => simulatorHook(ready.baseUrl, 'GET', '/_sim/platform/universe'),
				stop,
			});
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`The simulator exited with code ${code} before it was ready.\n${output}`));
		});
	});
}

async function simulatorHook(baseUrl, method, path, body) {
	const response = await fetch(`${baseUrl}${path}`, {
		method,
		headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
	return JSON.parse(text);
}
