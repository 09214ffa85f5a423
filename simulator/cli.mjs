#!/usr/bin/env node
/**
 * Command-line entry of the simulator:
 *
 *   node simulator/cli.mjs [--port 0] [--host 127.0.0.1] [--seed 1] [--profile clean|flaky]
 *     [--token-ttl 3600] [--latency-ms 0] [--result-ttl-seconds 3600] [--speed 1]
 *     [--result-url-ttl-seconds 30] [--requests-per-minute 600] [--now ISO-8601 | --clock-offset-ms N]
 *
 * Prints the URLs and credentials for people, then one machine-readable line
 * `SIMULATOR_READY {json}` for scripts and tests. Stops cleanly on SIGINT/SIGTERM.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseInstant } from './clock.mjs';

const CATALOGUE_BUILD = fileURLToPath(
	new URL('../dist/nodes/shared/core/catalogue.js', import.meta.url),
);

/** Option name → [key in startSimulator options, parser]. */
const OPTIONS = {
	'--port': ['port', parseNonNegativeInteger],
	'--host': ['host', String],
	'--seed': ['seed', parseNonNegativeInteger],
	'--profile': ['profile', parseProfile],
	'--token-ttl': ['tokenTtlSeconds', parsePositiveNumber],
	'--latency-ms': ['latencyMs', parseNonNegativeNumber],
	'--result-ttl-seconds': ['resultTtlSeconds', parsePositiveNumber],
	'--speed': ['speed', parseNonNegativeNumber],
	'--requests-per-minute': ['requestsPerMinute', parseNonNegativeInteger],
	'--result-url-ttl-seconds': ['resultUrlTtlSeconds', parsePositiveNumber],
	'--now': ['now', parseNow],
	'--clock-offset-ms': ['clockOffsetMs', parseInteger],
};

const USAGE = `Usage: node simulator/cli.mjs [options]
  --port N                 port to listen on; 0 picks a free port (default 0)
  --host HOST              interface to bind (default 127.0.0.1)
  --seed N                 seed of the simulated data and faults (default 1)
  --profile clean|flaky    fault profile (default clean)
  --token-ttl SECONDS      access token lifetime (default 3600)
  --latency-ms N           delay added to every API request (default 0)
  --result-ttl-seconds N   how long completed results stay readable (default 3600)
  --speed F                multiplies query and report job processing times; 0.1 = ten times faster (default 1)
  --requests-per-minute N  rate limit per token (default 600, the contract's); 0 = none (benchmarks)
  --result-url-ttl-seconds N  how long a platform report job's result URL stays valid (default 30)
  --now ISO-8601           pin the clock: it reads this instant (with Z or an offset) at start, then
                           runs on; the data's "today", retention and job times follow it (default: real time)
  --clock-offset-ms N      the real clock shifted by N ms (how tests share one pinned clock with the simulator)`;

function fail(message) {
	process.stderr.write(`${message}\n\n${USAGE}\n`);
	process.exit(2);
}

function parseNonNegativeInteger(text, name) {
	if (!/^\d+$/.test(text)) fail(`${name} needs a whole number of 0 or more, got "${text}".`);
	return Number(text);
}

function parseNonNegativeNumber(text, name) {
	const value = Number(text);
	if (text === '' || !Number.isFinite(value) || value < 0)
		fail(`${name} needs a number of 0 or more, got "${text}".`);
	return value;
}

function parsePositiveNumber(text, name) {
	const value = parseNonNegativeNumber(text, name);
	if (value === 0) fail(`${name} needs a number above 0.`);
	return value;
}

function parseInteger(text, name) {
	if (!/^-?\d+$/.test(text)) fail(`${name} needs a whole number, got "${text}".`);
	return Number(text);
}

function parseNow(text, name) {
	const ms = parseInstant(text);
	if (ms === null)
		fail(`${name} needs an ISO-8601 date-time with Z or an offset, e.g. 2026-01-14T10:00:00Z, got "${text}".`);
	return ms;
}

function parseProfile(text, name) {
	if (text !== 'clean' && text !== 'flaky') fail(`${name} must be clean or flaky, got "${text}".`);
	return text;
}

function parseArguments(argv) {
	const options = {};
	for (let i = 0; i < argv.length; i++) {
		const argument = argv[i];
		if (argument === '--help' || argument === '-h') {
			process.stdout.write(`${USAGE}\n`);
			process.exit(0);
		}
		const [name, inlineValue] = argument.split(/=(.*)/s, 2);
		const option = OPTIONS[name];
		if (option === undefined) fail(`Unknown option "${argument}".`);
		const value = inlineValue ?? argv[++i];
		if (value === undefined) fail(`${name} needs a value.`);
		const [key, parse] = option;
		options[key] = parse(value, name);
	}
	return options;
}

async function main() {
	const options = parseArguments(process.argv.slice(2));
	if (options.now !== undefined && options.clockOffsetMs !== undefined)
		fail('Give --now or --clock-offset-ms, not both.');
	if (!existsSync(CATALOGUE_BUILD)) {
		process.stderr.write(
			`The simulator needs the compiled catalogue (${CATALOGUE_BUILD}): run npm run build first.\n`,
		);
		process.exit(1);
	}
	// Imported only now, because server.mjs imports the compiled catalogue.
	const { startSimulator } = await import('./server.mjs');
	const simulator = await startSimulator(options);
	const { profile, seed } = simulator.state.options;
	const pinned = options.now !== undefined || options.clockOffsetMs !== undefined;
	const { platform } = simulator;
	process.stdout.write(
		[
			`CXone analytics simulator (profile ${profile}, seed ${seed})`,
			`  Base URL:       ${simulator.baseUrl}`,
			`  Token URL:      ${simulator.tokenUrl}`,
			`  Client ID:      ${simulator.clientId}`,
			`  Client secret:  ${simulator.clientSecret}`,
			`  Viewer (read-only) client ID / secret: ${simulator.viewerClientId} / ${simulator.viewerClientSecret}`,
			`  Test hooks:     ${simulator.baseUrl}/_sim/stats, /_sim/truth, /_sim/incidents, /_sim/universe`,
			`  Clock:          ${new Date(simulator.state.now()).toISOString()}${pinned ? ' (pinned)' : ''}`,
			'CXone platform mode (same server)',
			`  Auth host:      ${platform.authHost} (token URL ${platform.platformTokenUrl})`,
			`  Access key:     ${platform.accessKeyId} / ${platform.accessKeySecret}`,
			`  Application:    ${platform.platformClientId} / ${platform.platformClientSecret}`,
			`  Tenant ID:      ${platform.tenantId}`,
			`  Limited access key (no reporting permission): ${platform.limitedAccessKeyId} / ${platform.limitedAccessKeySecret}`,
			`  Test hooks:     ${simulator.baseUrl}/_sim/platform/universe, /_sim/platform/report-truth`,
			'',
		].join('\n'),
	);
	const ready = {
		baseUrl: simulator.baseUrl,
		tokenUrl: simulator.tokenUrl,
		clientId: simulator.clientId,
		clientSecret: simulator.clientSecret,
		viewerClientId: simulator.viewerClientId,
		viewerClientSecret: simulator.viewerClientSecret,
		authHost: platform.authHost,
		accessKeyId: platform.accessKeyId,
		accessKeySecret: platform.accessKeySecret,
		platformClientId: platform.platformClientId,
		platformClientSecret: platform.platformClientSecret,
		tenantId: platform.tenantId,
		limitedAccessKeyId: platform.limitedAccessKeyId,
		limitedAccessKeySecret: platform.limitedAccessKeySecret,
	};
	process.stdout.write(`SIMULATOR_READY ${JSON.stringify(ready)}\n`);

	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		await simulator.close();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error) => {
	process.stderr.write(`The simulator could not start: ${error?.message ?? error}\n`);
	process.exit(1);
});
