/**
 * The simulator for tests (simulator/launch.cjs) on the tests' pinned clock (./clock.js), and a check
 * of its page serialisation.
 */
'use strict';

const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { launchSimulator } = require('../../simulator/launch.cjs');
const { CLOCK_OFFSET_MS } = require('./clock');

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * The simulator on the tests' pinned clock, unless the test pins its own (`--now`, `--clock-offset-ms`).
 * @param {{ seed?: number, profile?: 'clean' | 'flaky', extraArgs?: string[] }} [options]
 */
function startSimulatorProcess({ seed = 1, profile = 'clean', extraArgs = [] } = {}) {
	const ownClock = extraArgs.some((arg) => /^--(now|clock-offset-ms)(=|$)/.test(arg));
	return launchSimulator({ seed, profile, args: [...(ownClock ? [] : ['--clock-offset-ms', String(CLOCK_OFFSET_MS)]), ...extraArgs] });
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
