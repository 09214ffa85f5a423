/**
 * Starts the simulator as a child process (`node simulator/cli.mjs --port 0 …`), waits for its
 * `SIMULATOR_READY {json}` line and resolves to what it printed (URLs, credentials) with `stop()` and
 * its test hooks. The one launcher of the tests, the e2e, the demo and the benchmarks (CommonJS, so
 * jest's test support can require it and the ES modules import it).
 */
'use strict';

const { spawn } = require('node:child_process');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..');
const READY_PREFIX = 'SIMULATOR_READY ';
const START_TIMEOUT_MS = 20000;
/** The end of the simulator's output kept for an error message. */
const OUTPUT_KEPT = 10_000;

/**
 * @param {{ seed?: number, profile?: 'clean' | 'flaky', args?: string[] }} [options] `args`: more
 *   command-line options (`--speed 50`, `--latency-ms 20`, `--now …`).
 * @returns {Promise<Record<string, string> & { baseUrl: string, tokenUrl: string, clientId: string,
 *   clientSecret: string, pid: number, stop: () => Promise<void>, truth: (body: unknown) => Promise<any>,
 *   stats: () => Promise<any>, faults: (body: unknown) => Promise<any>, platformUniverse: () => Promise<any> }>}
 */
function launchSimulator({ seed = 1, profile = 'clean', args = [] } = {}) {
	const child = spawn(
		process.execPath,
		[path.join(REPO_ROOT, 'simulator', 'cli.mjs'), '--port', '0', '--seed', String(seed), '--profile', profile, ...args],
		{ cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
	);
	let output = '';
	const keep = (chunk) => (output = (output + chunk).slice(-OUTPUT_KEPT));
	const exited = new Promise((resolve) => child.once('exit', resolve));
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
		await exited;
	};

	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			void stop();
			reject(new Error(`The simulator did not start within ${START_TIMEOUT_MS} ms.\n${output}`));
		}, START_TIMEOUT_MS);
		child.stderr.on('data', keep);
		const onData = (chunk) => {
			keep(chunk);
			const line = output.split('\n').find((candidate) => candidate.startsWith(READY_PREFIX));
			if (line === undefined) return;
			clearTimeout(timer);
			// From here on its output is drained, not kept: a long run must not grow memory.
			child.stdout.off('data', onData);
			child.stdout.resume();
			const ready = JSON.parse(line.slice(READY_PREFIX.length));
			const hook = (method, hookPath, body) => simulatorHook(ready.baseUrl, method, hookPath, body);
			resolve({
				...ready,
				pid: child.pid,
				stop,
				truth: (body) => hook('POST', '/_sim/truth', body),
				stats: () => hook('GET', '/_sim/stats'),
				faults: (body) => hook('POST', '/_sim/faults', body),
				platformUniverse: () => hook('GET', '/_sim/platform/universe'),
			});
		};
		child.stdout.on('data', onData);
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`The simulator exited with code ${code} before it was ready.\n${output}`));
		});
	});
}

async function simulatorHook(baseUrl, method, hookPath, body) {
	const response = await fetch(`${baseUrl}${hookPath}`, {
		method,
		headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`${method} ${hookPath} answered ${response.status}: ${text}`);
	return JSON.parse(text);
}

module.exports = { launchSimulator };
