#!/usr/bin/env node
// npm run demo — the whole job in a real n8n on a machine with no CXone account: installs the
// pinned n8n on first run, builds the package, starts the CXone simulator, runs the example
// workflow examples/daily-cxone-report-to-slack.json (its Slack and email nodes disabled) and prints
// what came back: the rows, the report the Trends node made of them, and where it wrote the charts.
//
//   npm run demo [-- --base-url URL --token-url URL --client-id ID --client-secret SECRET [--scope S]]
//                [-- --output FILE] [-- --no-build]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ensureN8nInstalled } from './n8n-install.mjs';
import { createN8nSandbox, cxoneCredential, forCustomExtensions, nodeOutputItems, nodeTask } from './lib/n8n.mjs';
import { N8N_VERSION, repoRoot } from './lib/paths.mjs';
import { startSimulator } from './lib/simulator.mjs';
import { analyticsNodes, readExample, workflowVariant } from './lib/workflows.mjs';

const EXAMPLE_FILE = 'daily-cxone-report-to-slack.json';
const REPORT_NODE = 'Find What Is Abnormal';
/** Nodes that need a Slack workspace or a mail server: disabled, they pass the report through. */
const OUTSIDE_TYPES = ['n8n-nodes-base.slack', 'n8n-nodes-base.emailSend'];
const FIRST_ROWS = 8;

const USAGE = `Usage: npm run demo [-- options]
  --base-url URL        run against this CXone API instead of the simulator (needs the next three too)
  --token-url URL       its OAuth 2.0 token endpoint
  --client-id ID        client credentials
  --client-secret SECRET
  --scope SCOPES        space-separated scopes (default: analytics:query analytics:view)
  --output FILE         write the query node's output items (their json) to FILE as a JSON array
  --no-build            skip npm run build`;

const say = (line = '') => process.stdout.write(`${line}\n`);

/**
 * The bytes of a binary property in n8n's run data: inline (base64) in n8n's in-memory mode, else the file
 * its id names in the user folder's storage (n8n 2's default filesystem mode, "filesystem-v2:<path>").
 */
function binaryBytes(sandbox, binary) {
	const stored = /^filesystem-v2:(.+)$/.exec(binary.id ?? '');
	return stored ? fs.readFileSync(path.join(sandbox.userFolder, '.n8n', 'storage', stored[1])) : Buffer.from(binary.data, 'base64');
}

function parseArguments(argv) {
	const valueFlags = {
		'--base-url': 'baseUrl',
		'--token-url': 'tokenUrl',
		'--client-id': 'clientId',
		'--client-secret': 'clientSecret',
		'--scope': 'scope',
		'--output': 'output',
	};
	const options = { build: true };
	for (let i = 0; i < argv.length; i++) {
		const [name, inline] = argv[i].split(/=(.*)/s, 2);
		if (name === '--help' || name === '-h') {
			say(USAGE);
			process.exit(0);
		} else if (name === '--no-build') {
			options.build = false;
		} else if (name in valueFlags) {
			const value = inline ?? argv[++i];
			if (value === undefined || value === '') usageError(`${name} needs a value.`);
			options[valueFlags[name]] = value;
		} else {
			usageError(`Unknown option "${argv[i]}".`);
		}
	}
	const server = ['baseUrl', 'tokenUrl', 'clientId', 'clientSecret'];
	const given = server.filter((key) => options[key] !== undefined);
	if (given.length > 0 && given.length < server.length) {
		usageError('To use another server give all of --base-url, --token-url, --client-id and --client-secret.');
	}
	options.external = given.length === server.length;
	return options;
}

function usageError(message) {
	process.stderr.write(`${message}\n\n${USAGE}\n`);
	process.exit(2);
}

function seconds(ms) {
	return `${(ms / 1000).toFixed(1)} s`;
}

/** Lays out rows as a text table with a header; numbers right-aligned. */
function table(headers, rows) {
	const cells = rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '–' : String(cell))));
	const widths = headers.map((header, i) => Math.max(header.length, ...cells.map((row) => row[i].length)));
	const numeric = headers.map((_, i) => cells.length > 0 && cells.every((row) => /^(-?[\d.]+|–)$/.test(row[i])));
	const line = (row) =>
		row.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();
	return [line(headers), line(widths.map((w) => '─'.repeat(w))), ...cells.map(line)].map((l) => `  ${l}`).join('\n');
}

/** Rows, contacts, contact-weighted average handle time and abandonment per group. */
function perGroup(rows) {
	const groups = new Map();
	for (const row of rows) {
		const key = row.groupId ?? '(all)';
		const g = groups.get(key) ?? { rows: 0, contacts: 0, handleSeconds: 0, handled: 0, abandoned: 0 };
		const contacts = row.count_sum ?? 0;
		g.rows++;
		g.contacts += contacts;
		if (typeof row.handle_time_avg === 'number') {
			g.handleSeconds += row.handle_time_avg * contacts;
			g.handled += contacts;
		}
		if (typeof row.abandoned_pct === 'number') g.abandoned += (row.abandoned_pct / 100) * contacts;
		groups.set(key, g);
	}
	return [...groups.entries()]
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([group, g]) => [
			group,
			g.rows,
			g.contacts,
			g.handled ? Math.round(g.handleSeconds / g.handled) : null,
			g.contacts ? ((100 * g.abandoned) / g.contacts).toFixed(1) : null,
		]);
}

async function main() {
	const options = parseArguments(process.argv.slice(2));
	const startedAt = Date.now();

	const install = await ensureN8nInstalled();
	if (install.installed) say(`Installed n8n ${N8N_VERSION} in ${install.seconds} s (once; later runs reuse it).`);
	if (options.build) {
		say('Building the package (npm run build)…');
		const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
		if (build.status !== 0) throw new Error(`npm run build failed (exit ${build.status}).`);
	}

	let simulator;
	const sandbox = createN8nSandbox();
	try {
		let server;
		if (options.external) {
			server = { baseUrl: options.baseUrl, tokenUrl: options.tokenUrl, clientId: options.clientId, clientSecret: options.clientSecret };
		} else {
			simulator = await startSimulator({ seed: 1, profile: 'clean' });
			server = simulator;
		}

		const example = readExample(EXAMPLE_FILE);
		const queryNode = analyticsNodes(example)[0];
		const credential = { id: 'cxoneDemoCredential', name: 'NICE CXone (demo)' };
		const workflow = workflowVariant(example, { id: example.id, name: example.name, credential, disableTypes: OUTSIDE_TYPES });

		say(`Starting n8n ${N8N_VERSION} with a fresh user folder and importing ${path.join('examples', EXAMPLE_FILE)}…`);
		await sandbox.importCredentials([cxoneCredential({ ...credential, ...server, scope: options.scope })]);
		await sandbox.importWorkflows([forCustomExtensions(workflow)]);
		say(`Running "${workflow.name}" (n8n execute)…`);
		const execution = await sandbox.executeWorkflow(workflow.id);

		const task = nodeTask(execution.run, queryNode.name);
		const items = nodeOutputItems(execution.run, queryNode.name);
		const rows = items.map((item) => item.json);
		const parameters = queryNode.parameters;

		say();
		say('NICE CXone Analytics in n8n — demo');
		say(
			simulator
				? `  Server:    CXone simulator at ${server.baseUrl} (seed 1, profile clean; no CXone account needed)`
				: `  Server:    ${server.baseUrl} (token endpoint ${server.tokenUrl})`,
		);
		say(`  Workflow:  ${workflow.name} (examples/${EXAMPLE_FILE}, Slack and email nodes disabled)`);
		say(
			`  Query:     ${parameters.timeRange}, ${parameters.bucketSize} buckets, by ${parameters.dimensions.join(' and ')}; ` +
				`metrics ${parameters.metrics.metric.map((m) => m.metric).join(', ')}`,
		);

		if (!execution.ok) {
			const error = task?.error ?? execution.run?.data?.resultData?.error;
			say();
			say(`The workflow failed: ${error?.message ?? `n8n exited with code ${execution.code} and no run data`}`);
			if (error?.description) say(`  ${error.description}`);
			if (!error) say(`${execution.stdout.slice(-3000)}\n${execution.stderr.slice(-2000)}`);
			process.exitCode = 1;
			return;
		}

		say(
			`  Result:    ${rows.length} rows; the query node took ${seconds(task.executionTime)} ` +
				`(submit, poll, fetch pages); n8n execute took ${seconds(execution.durationMs)} including n8n start-up`,
		);
		if (simulator) {
			const { requests } = await simulator.stats();
			say(
				`  Requests:  ${requests.token} token, ${requests.submit} submit, ${requests.poll} poll, ` +
					`${requests.page} page, ${requests.delete} delete`,
			);
		}

		say();
		say('Rows per group');
		say(table(['group', 'rows', 'contacts', 'avg handle time (s)', 'abandoned (%)'], perGroup(rows)));

		say();
		say(`First ${Math.min(FIRST_ROWS, rows.length)} rows (items as the next node sees them)`);
		const columns = rows.length > 0 ? Object.keys(rows[0]) : [];
		say(table(columns, rows.slice(0, FIRST_ROWS).map((row) => columns.map((column) => row[column]))));

		const report = nodeOutputItems(execution.run, REPORT_NODE)[0];
		if (report) {
			say();
			say('What the Trends node found, as Slack and email would get it');
			say(report.json.text.split('\n').map((line) => `  ${line}`).join('\n'));
			say(`  (Slack: ${report.json.slackBlocks.length} blocks; email: ${report.json.html.length} characters of HTML)`);
			const charts = Object.entries(report.binary ?? {});
			if (charts.length > 0) {
				const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cxone-demo-charts-'));
				for (const [property, chart] of charts) fs.writeFileSync(path.join(folder, `${property}-${chart.fileName}`), binaryBytes(sandbox, chart));
				fs.writeFileSync(path.join(folder, 'report.html'), report.json.html);
				say(`  Charts of the series that alerted and the email body: ${folder}`);
			}
		}

		if (options.output) {
			fs.writeFileSync(options.output, JSON.stringify(rows, null, 2) + '\n');
			say();
			say(`Wrote ${rows.length} items to ${options.output}`);
		}
		say();
		say(`Done in ${seconds(Date.now() - startedAt)}.`);
	} finally {
		await simulator?.stop();
		sandbox.cleanup();
	}
}

main().catch((error) => {
	process.stderr.write(`The demo could not run: ${error?.message ?? error}\n`);
	process.exitCode = 1;
});
