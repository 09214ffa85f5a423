/**
 * Starts the CXone simulator as a child process for tests (`node simulator/cli.mjs --port 0 …`), waits
 * for its `SIMULATOR_READY {json}` line and returns the URLs and credentials it printed. The simulator
 * runs on the tests' pinned clock (./clock.js).
 */
'use strict';

const { execFileSync, spawn } = require('node:child_process');
const path = require('node:path');
const { CLOCK_OFFSET_MS } = require('./clock');

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
		// The tests' pinned clock, unless the test pins its own.
		...(extraArgs.some((arg) => /^--(now|clock-offset-ms)(=|$)/.test(arg))
			? []
			: ['--clock-offset-ms', String(CLOCK_OFFSET_MS)]),
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

/**
 * Serialises the results of `bodies` in the simulator's own code (seed 3, one team value made
 * non-ASCII) and compares pages of them with JSON.stringify of the row objects. Returns, per body,
 * one boolean per page window checked and then the result's row count.
 */
function checkPageSerialisation(bodies) {
	const script = `
		import { computeResult, materializeRows, pageJson, serializeRows } from './simulator/aggregate.mjs';
		import { DIMENSION_INDEX, createUniverse } from './simulator/data.mjs';
		const universe = createUniverse(3);
		// Byte offsets must count UTF-8 bytes, not characters.
		universe.dimensionValues[DIMENSION_INDEX['team.id']][0] = 'équipe "ü" €';
		const checks = [];
		for (const body of JSON.parse(process.argv[1])) {
			const result = computeResult(universe, body);
			await serializeRows(result);
			const n = result.rowCount;
			for (const [offset, limit] of [[0, n], [0, 1000], [5, 7], [n - 3, 1000], [n, 10]]) {
				const page = pageJson(result, offset, limit).toString('utf8');
				checks.push(page === JSON.stringify(materializeRows(result, offset, limit)));
			}
			checks.push(n);
		}
		process.stdout.write(JSON.stringify(checks));`;
	const output = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(bodies)], {
		cwd: REPO_ROOT,
		encoding: 'utf8',
	});
	return JSON.parse(output);
}

module.exports = { checkPageSerialisation, startSimulatorProcess };
