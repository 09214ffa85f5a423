#!/usr/bin/env node
// npm run test:calendar — runs the whole jest suite with the tests' clock pinned (CXONE_TEST_NOW) to
// each day of the week, at different times of day, in each of three machine time zones (TZ), and
// prints a weekday × zone matrix. A test that depends on the date, the weekday, the time of day or
// the machine's zone fails here; so does a run that prints a warning.
//
//   node scripts/test-calendar.mjs [--no-build] [--jobs N] [--day Mon]… [--zone Pacific/Kiritimati]…
//
// --jobs N runs N suites at once (default 1; more also checks the tests under load). --day and
// --zone pick some of the combinations (CI runs one). Logs of each run are kept in a temporary folder.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { repoRoot } from './lib/paths.mjs';

/** One pinned instant per UTC weekday (the simulator's calendar is UTC), at varied times of day. */
const PINS = [
	{ day: 'Mon', now: '2026-03-30T00:00:30Z', why: 'just after midnight UTC, the day after Europe moves its clocks' },
	{ day: 'Tue', now: '2026-12-01T09:00:00Z', why: 'the Tuesday the weekend window broke the suite' },
	{ day: 'Wed', now: '2025-12-31T23:58:30Z', why: 'ninety seconds before the year ends' },
	{ day: 'Thu', now: '2027-02-25T16:45:00Z', why: 'late afternoon, a year ahead' },
	{ day: 'Fri', now: '2026-11-06T13:30:00+01:00', why: 'lunchtime in Europe, given with an offset' },
	{ day: 'Sat', now: '2026-10-31T06:00:00Z', why: 'a quiet weekend morning, the last day of a month' },
	{ day: 'Sun', now: '2026-03-08T03:00:00-08:00', why: 'the night America moves its clocks' },
];
const ZONES = ['UTC', 'Pacific/Kiritimati', 'America/Los_Angeles'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const JEST = path.join(repoRoot, 'node_modules', 'jest', 'bin', 'jest.js');
/** A process warning as Node prints it: `(node:123) MaxListenersExceededWarning: …`, `(node:123) [DEP0040] DeprecationWarning: …`. */
const WARNING_LINE = /^\(node:\d+\) (\[\w+\] )?\w*Warning:/;

const log = (line) => process.stdout.write(`${line}\n`);

function fail(message) {
	process.stderr.write(`${message}\n`);
	process.exit(2);
}

function parseArguments(argv) {
	const options = { build: true, jobs: 1, days: [], zones: [] };
	for (let i = 0; i < argv.length; i++) {
		const argument = argv[i];
		if (argument === '--no-build') options.build = false;
		else if (argument === '--jobs') options.jobs = Number(argv[++i]);
		else if (argument === '--day') options.days.push(argv[++i]);
		else if (argument === '--zone') options.zones.push(argv[++i]);
		else fail(`Unknown option "${argument}". Options: --no-build, --jobs N, --day Mon, --zone Area/City.`);
	}
	if (!Number.isInteger(options.jobs) || options.jobs < 1) fail('--jobs needs a whole number of 1 or more.');
	for (const day of options.days)
		if (!PINS.some((pin) => pin.day === day)) fail(`--day ${day}: use one of ${PINS.map((pin) => pin.day).join(', ')}.`);
	return options;
}

/** Checks that each pin falls on the weekday it claims, in UTC. */
function checkPins() {
	for (const { day, now } of PINS) {
		const weekday = WEEKDAYS[new Date(now).getUTCDay()];
		if (weekday !== day) throw new Error(`The pin ${now} is a ${weekday} in UTC, not a ${day}.`);
	}
}

/** Runs jest once with the clock pinned to `pin` in time zone `zone`; resolves with its outcome. */
function runSuite(pin, zone, logDir) {
	const name = `${pin.day}-${zone.replace(/\//g, '_')}`;
	const resultFile = path.join(logDir, `${name}.json`);
	const logFile = path.join(logDir, `${name}.log`);
	const startedMs = Date.now();
	return new Promise((resolve) => {
		const child = spawn(process.execPath, [JEST, '--ci', '--json', '--outputFile', resultFile], {
			cwd: repoRoot,
			env: { ...process.env, CXONE_TEST_NOW: pin.now, TZ: zone },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		child.stdout.on('data', (chunk) => (output += chunk));
		child.stderr.on('data', (chunk) => (output += chunk));
		child.on('close', (code) => {
			fs.writeFileSync(logFile, output);
			let result = null;
			try {
				result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
			} catch {
				// No result file: jest itself failed; the log says why.
			}
			const warnings = output.split('\n').filter((line) => WARNING_LINE.test(line));
			const failedTests = (result?.testResults ?? []).flatMap((file) =>
				file.assertionResults
					.filter((test) => test.status === 'failed')
					.map((test) => `${path.relative(repoRoot, file.name)} › ${test.fullName}`),
			);
			const failedFiles = (result?.testResults ?? [])
				.filter((file) => file.status === 'failed' && file.assertionResults.every((test) => test.status !== 'failed'))
				.map((file) => `${path.relative(repoRoot, file.name)}: ${file.message.split('\n').find((line) => line.trim() !== '')}`);
			resolve({
				pin,
				zone,
				ok: code === 0 && result !== null && warnings.length === 0,
				passed: result?.numPassedTests ?? 0,
				failed: result?.numFailedTests ?? 0,
				total: result?.numTotalTests ?? 0,
				problems: [...failedTests, ...failedFiles, ...warnings],
				seconds: Math.round((Date.now() - startedMs) / 1000),
				logFile,
			});
		});
	});
}

/** Runs `tasks` (functions returning promises) at most `jobs` at a time, in order of start. */
async function pool(tasks, jobs) {
	const results = new Array(tasks.length);
	let next = 0;
	const worker = async () => {
		while (next < tasks.length) {
			const index = next++;
			results[index] = await tasks[index]();
		}
	};
	await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, worker));
	return results;
}

function cell(outcome) {
	if (outcome === undefined) return '';
	const counts = `${outcome.passed}/${outcome.total}`;
	return outcome.ok ? `pass ${counts}` : `FAIL ${counts}${outcome.problems.length > 0 ? ` (${outcome.problems.length} problems)` : ''}`;
}

function printMatrix(outcomes, pins, zones) {
	const header = ['day', 'CXONE_TEST_NOW', ...zones];
	const rows = pins.map((pin) => [
		pin.day,
		pin.now,
		...zones.map((zone) => cell(outcomes.find((o) => o.pin === pin && o.zone === zone))),
	]);
	const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column].length)));
	const line = (row) => row.map((text, column) => text.padEnd(widths[column])).join('  ').trimEnd();
	log(line(header));
	for (const row of rows) log(line(row));
}

async function main() {
	const options = parseArguments(process.argv.slice(2));
	checkPins();
	const pins = options.days.length > 0 ? PINS.filter((pin) => options.days.includes(pin.day)) : PINS;
	const zones = options.zones.length > 0 ? options.zones : ZONES;
	if (options.build) {
		const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'inherit' });
		if (build.status !== 0) fail(`npm run build failed (exit ${build.status}).`);
	}
	const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxone-test-calendar-'));
	const combinations = pins.flatMap((pin) => zones.map((zone) => ({ pin, zone })));
	log(`${combinations.length} runs of the whole jest suite (${pins.length} days × ${zones.length} zones, ${options.jobs} at a time); logs in ${logDir}`);
	const startedMs = Date.now();
	const outcomes = await pool(
		combinations.map(({ pin, zone }) => async () => {
			const outcome = await runSuite(pin, zone, logDir);
			log(`${outcome.ok ? 'pass' : 'FAIL'}  ${pin.day} ${pin.now}  TZ=${zone}  ${outcome.passed}/${outcome.total} tests, ${outcome.seconds} s`);
			for (const problem of outcome.problems) log(`      ${problem}`);
			if (!outcome.ok) log(`      log: ${outcome.logFile}`);
			return outcome;
		}),
		options.jobs,
	);
	log('');
	printMatrix(outcomes, pins, zones);
	const passedRuns = outcomes.filter((outcome) => outcome.ok).length;
	log('');
	log(`${passedRuns} of ${outcomes.length} runs passed, ${outcomes.length - passedRuns} failed, in ${Math.round((Date.now() - startedMs) / 1000)} s`);
	process.exitCode = passedRuns === outcomes.length ? 0 : 1;
}

main().catch((error) => {
	process.stderr.write(`The calendar run could not run: ${error?.stack ?? error}\n`);
	process.exitCode = 1;
});
