#!/usr/bin/env node
// Memory of the Analytics node's output inside the real n8n (issue 15: "memory ≤ 1.5× the result's JSON,
// next to the item output"). The benchmark's query (bench/lib/sizes.mjs) in the pinned n8n (`n8n start`,
// 2.41.1, regular mode, SQLite), its output as items (one per row), as One CSV File and as One NDJSON File,
// each run by a production webhook (Webhook, responding at once → NICE CXone Analytics).
//
// What is measured, in a fresh n8n process per case and round: a warm-up run of the same workflow over
// 1k rows; then the kernel's peak-RSS mark of the n8n process is reset (`5` into /proc/<pid>/clear_refs)
// and its RSS read (the baseline), the large query runs, and once n8n has saved the execution
// (EXECUTIONS_DATA_SAVE_ON_SUCCESS left at its default, all) the peak is read (VmHWM). *Extra* = peak −
// baseline: everything the run made n8n hold at its worst moment — the node's pages and rows, the items
// or the file, n8n's run data and the saving of the execution — garbage not yet collected included, and
// the heap V8 grows the first time the process holds that much. Ratio = extra / the result's JSON (the
// rows as the API returns them, as one array). Only the n8n process is measured (the nodes run in it);
// the simulator and this script are processes of their own. --again runs the large query once more in
// the same process and measures that too; --trace prints each run's RSS over time.
//
//   node bench/output-memory-bench.mjs [--sizes 100k,1m] [--outputs items,csv,ndjson]
//     [--binary-modes filesystem,default] [--repeats 3] [--items-sizes 100k,1m] [--again] [--trace] [--audit]
//     [--json FILE] [--markdown]
//
// Binary data: n8n 2.41.1 keeps binary data in files (`filesystem`) by default in regular mode; `default`
// (in memory, base64 in the run data; deprecated for n8n 3) is measured for comparison. Items do not
// depend on it. Needs `npm run build` and the pinned n8n (node scripts/n8n-install.mjs).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { n8nUnavailable } from './lib/n8n-scenario.mjs';
import { median, table } from './lib/report.mjs';
import { groundTruth, startBenchSimulator } from './lib/simulator.mjs';
import { SIZES, parseSizes, queryNodeParameters } from './lib/sizes.mjs';

const OWNER = { email: 'bench@example.com', password: 'Bench-Passw0rd-1' };
const CREDENTIAL_NAME = 'CXone bench';
const WARM_UP_SIZE = '1k';
const ALL_OUTPUTS = ['items', 'csv', 'ndjson'];
/** The option value of each output (Options › Output). */
const OUTPUT_OPTION = { items: 'flat', csv: 'csv', ndjson: 'ndjson' };
const RUN_TIMEOUT_MS = 15 * 60_000;
const MB = 1024 * 1024;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A figure of /proc/<pid>/status in bytes (VmRSS, VmHWM). */
function procStatus(pid, field) {
	const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
	if (!match) throw new Error(`/proc/${pid}/status has no ${field}`);
	return Number(match[1]) * 1024;
}

/** Resets the process's peak-RSS mark to its current RSS (Linux: clear_refs 5). */
function resetPeakRss(pid) {
	fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/**
 * Webhook (POST, answered at once) → the benchmark's query of `size` with its rows output as `output`;
 * with `audit`, Options › Audit set to "Audit output" (the result's hash computed and its record output).
 */
function workflowOf(size, output, credential, audit = false) {
	const webhookPath = `bench-output-${output}-${size}`;
	return {
		webhookPath,
		workflow: {
			name: `bench output ${output} ${size}`,
			nodes: [
				{
					id: crypto.randomUUID(),
					name: 'Webhook',
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2,
					position: [0, 0],
					webhookId: crypto.randomUUID(),
					parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'onReceived', options: {} },
				},
				{
					id: crypto.randomUUID(),
					name: 'Query',
					type: 'CUSTOM.niceCxoneAnalytics',
					typeVersion: 1,
					position: [260, 0],
					parameters: queryNodeParameters(size, { output: OUTPUT_OPTION[output], ...(audit ? { audit: 'output' } : {}) }),
					credentials: { niceCxoneOAuth2Api: { id: credential.id, name: credential.name } },
				},
			],
			connections: { Webhook: { main: [[{ node: 'Query', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1', timezone: 'UTC' },
		},
	};
}

/** The files under `dir` changed at or after `sinceMs`, largest first. */
function newFiles(dir, sinceMs) {
	const found = [];
	const walk = (folder) => {
		for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
			const file = path.join(folder, entry.name);
			if (entry.isDirectory()) walk(file);
			else if (entry.isFile()) {
				const stat = fs.statSync(file);
				if (stat.mtimeMs >= sinceMs) found.push({ file, bytes: stat.size });
			}
		}
	};
	walk(dir);
	return found.sort((a, b) => b.bytes - a.bytes);
}

/**
 * The file a file-output run stored (binary data mode filesystem: the largest file n8n wrote since the
 * run began), checked against the ground truth: NDJSON byte for byte (its SHA-256 is the digest of the
 * flattened truth rows), CSV by its line count. Undefined when there is no file to check.
 */
function checkFile(output, userFolder, sinceMs, truth) {
	const [stored] = newFiles(userFolder, sinceMs).filter(({ file }) => /binary/i.test(file));
	if (!stored) return { ok: false, problem: 'no binary data file was written' };
	const content = fs.readFileSync(stored.file);
	if (output === 'ndjson') {
		const sha256 = crypto.createHash('sha256').update(content).digest('hex');
		return sha256 === truth.flatSha256 ? { ok: true, bytes: stored.bytes } : { ok: false, problem: 'the NDJSON file differs from the truth' };
	}
	let lines = 0;
	for (let i = content.indexOf(10); i !== -1; i = content.indexOf(10, i + 1)) lines++;
	return lines === truth.rowCount + 1 ? { ok: true, bytes: stored.bytes } : { ok: false, problem: `${lines} CSV lines for ${truth.rowCount} rows` };
}

/** Resolves once the workflow has `count` ended executions; the newest of them. */
async function executionEnded(rest, workflowId, count) {
	const deadline = Date.now() + RUN_TIMEOUT_MS;
	for (;;) {
		const executions = await rest.listExecutions(workflowId);
		const ended = executions.filter((execution) => !['new', 'running', 'waiting'].includes(execution.status) && execution.stoppedAt);
		if (ended.length >= count) return ended[0];
		if (Date.now() > deadline) throw new Error(`workflow ${workflowId} did not end within ${RUN_TIMEOUT_MS / 1000} s`);
		await sleep(250);
	}
}

/**
 * What n8n says went wrong in a failed execution: its run data is in n8n's flatted form, a JSON array in
 * which an object's values are the indexes (as text) of other entries.
 */
async function executionError(rest, id) {
	try {
		const table = JSON.parse((await rest.getExecution(id)).data);
		const at = (index) => table[Number(index)];
		const error = at(at(table[0].resultData).error);
		return String(at(error.message)).slice(0, 300);
	} catch (error) {
		return `its run data could not be read (${String(error.message).slice(0, 200)})`;
	}
}

/** POSTs to a production webhook until n8n has registered it (it answers 404 before). */
async function triggerWebhook(url) {
	for (let attempt = 0; ; attempt++) {
		const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		await response.arrayBuffer();
		if (response.ok) return;
		if (attempt >= 40) throw new Error(`the webhook ${url} answered ${response.status}`);
		await sleep(250);
	}
}

/**
 * One measured run of the n8n process `pid`: its RSS (the baseline), its peak mark reset, `run()`, then
 * its peak (VmHWM) once the execution has ended and been saved. RSS is also sampled every 20 ms, to say
 * when the peak came: `peakAfterEndMs` < 0 while the execution ran, > 0 after its recorded end.
 */
async function measureRun(pid, run, { trace, log }) {
	const baselineRss = procStatus(pid, 'VmRSS');
	resetPeakRss(pid);
	const startedAt = Date.now();
	const samples = [];
	const sampler = setInterval(() => samples.push([Date.now(), procStatus(pid, 'VmRSS')]), 20);
	let execution;
	try {
		execution = await run();
		await sleep(500);
	} finally {
		clearInterval(sampler);
	}
	const peakRss = procStatus(pid, 'VmHWM');
	const [peakAt] = samples.reduce((top, sample) => (sample[1] > top[1] ? sample : top), [startedAt, 0]);
	if (trace && samples.length > 0) {
		const stepMs = 250;
		const steps = [];
		for (let t = startedAt; t <= samples.at(-1)[0]; t += stepMs) {
			const inStep = samples.filter(([at]) => at >= t && at < t + stepMs).map(([, rss]) => rss);
			if (inStep.length > 0) steps.push(((Math.max(...inStep) - baselineRss) / MB).toFixed(0));
		}
		log(`    RSS above the baseline, MB, every ${stepMs} ms from the trigger: ${steps.join(' ')}`);
		log(`    execution ${execution.id}: ${execution.startedAt} → ${execution.stoppedAt}; peak sampled at +${peakAt - startedAt} ms`);
	}
	return { execution, baselineRss, peakRss, startedAt, peakAfterEndMs: peakAt - Date.parse(execution.stoppedAt) };
}

/**
 * Runs every case and resolves to {runs, cells, truths}: `runs` every measurement, `cells` the medians
 * per size × output × binary data mode.
 */
export async function runOutputMemoryBench({
	sizes = ['100k', '1m'],
	outputs = ALL_OUTPUTS,
	binaryModes = ['filesystem', 'default'],
	itemsSizes = ['100k', '1m'],
	repeats = 3,
	trace = false,
	again = false,
	audit = false,
	log = (line) => process.stdout.write(`${line}\n`),
} = {}) {
	const unavailable = await n8nUnavailable();
	if (unavailable) return { runs: [], cells: [], truths: {}, skipped: [unavailable] };
	const { createN8nSandbox, cxoneCredential } = await import('../scripts/lib/n8n.mjs');
	const { startN8nServer } = await import('../scripts/lib/n8nServer.mjs');
	const { n8nRestClient } = await import('../scripts/lib/n8nRest.mjs');

	const cases = [];
	for (const size of sizes)
		for (const output of outputs)
			for (const binaryMode of output === 'items' ? [binaryModes[0]] : binaryModes)
				if (output !== 'items' || itemsSizes.includes(size)) cases.push({ size, output, binaryMode });
	const runs = [];
	const truths = {};
	const sim = await startBenchSimulator({ latencyMs: 0, requestsPerMinute: 0 });
	const sandbox = createN8nSandbox({ logLevel: 'warn' });
	try {
		for (const size of sizes) truths[size] = await groundTruth(sim, size);
		// Once: the owner, the credential and a published workflow per size and output (and the warm-ups).
		const setup = await startN8nServer(sandbox);
		const workflows = {};
		try {
			const rest = n8nRestClient(setup.url);
			await rest.setupOwner(OWNER);
			const credential = await rest.createCredential(
				cxoneCredential({ name: CREDENTIAL_NAME, baseUrl: sim.baseUrl, tokenUrl: sim.tokenUrl, clientId: sim.clientId, clientSecret: sim.clientSecret }),
			);
			for (const size of new Set([WARM_UP_SIZE, ...sizes])) {
				for (const output of outputs) {
					const { workflow, webhookPath } = workflowOf(size, output, credential, audit);
					const saved = await rest.createWorkflow(workflow);
					await rest.activateWorkflow(saved.id, saved.versionId);
					workflows[`${output}|${size}`] = { id: saved.id, webhookPath };
				}
			}
		} finally {
			await setup.stop();
		}
		for (let round = 0; round < repeats; round++) {
			for (const { size, output, binaryMode } of cases) {
				const server = await startN8nServer(sandbox, { env: { N8N_DEFAULT_BINARY_DATA_MODE: binaryMode } });
				try {
					const rest = n8nRestClient(server.url);
					await rest.login(OWNER);
					const runWorkflow = async (workflow) => {
						const before = (await rest.listExecutions(workflow.id)).length;
						await triggerWebhook(`${server.url}/webhook/${workflow.webhookPath}`);
						return await executionEnded(rest, workflow.id, before + 1);
					};
					await runWorkflow(workflows[`${output}|${WARM_UP_SIZE}`]);
					// With --again the large run once more in the same process: what it costs beyond the heap
					// the first run grew (little or nothing when that heap holds it, which is why the first
					// run is the measure).
					for (const pass of again ? ['first', 'again'] : ['first']) {
						await sleep(1000);
						const measured = await measureRun(server.pid, () => runWorkflow(workflows[`${output}|${size}`]), { trace, log });
						const { execution, baselineRss, peakRss, startedAt } = measured;
						const truth = truths[size];
						const check =
							execution.status !== 'success'
								? { ok: false, problem: `execution ${execution.id} ended ${execution.status}: ${await executionError(rest, execution.id)}` }
								: output !== 'items' && binaryMode === 'filesystem'
									? checkFile(output, sandbox.userFolder, startedAt - 1000, truth)
									: { ok: undefined };
						const run = {
							size,
							output,
							binaryMode,
							pass,
							round,
							rows: truth.rowCount,
							resultJsonBytes: truth.rawJsonBytes,
							itemsJsonBytes: truth.flatJsonBytes,
							baselineRss,
							peakRss,
							extraRss: peakRss - baselineRss,
							ratio: (peakRss - baselineRss) / truth.rawJsonBytes,
							executionMs: Date.parse(execution.stoppedAt) - Date.parse(execution.startedAt),
							peakAfterEndMs: measured.peakAfterEndMs,
							fileBytes: check.bytes,
							check,
						};
						runs.push(run);
						log(
							`  ${SIZES[size].label.padStart(4)} ${output.padEnd(6)} ${binaryMode.padEnd(10)} ${pass.padEnd(5)} extra RSS ${(run.extraRss / MB).toFixed(0)} MB = ${run.ratio.toFixed(2)}× the result's JSON ` +
								`(${(truth.rawJsonBytes / MB).toFixed(0)} MB), baseline ${(baselineRss / MB).toFixed(0)} MB, ${(run.executionMs / 1000).toFixed(1)} s, ` +
								`${check.ok === true ? 'file = truth' : check.ok === false ? `CHECK FAILED: ${check.problem}` : 'not checked'}`,
						);
					}
				} finally {
					await server.stop();
				}
			}
		}
	} finally {
		sandbox.cleanup();
		await sim.stop();
	}
	return { runs, cells: summarize(runs), truths, skipped: [] };
}

/** Medians per size × output × binary data mode × pass (the first large run of a process, or again). */
export function summarize(runs) {
	const groups = new Map();
	for (const run of runs) {
		const key = `${run.size}|${run.output}|${run.binaryMode}|${run.pass}`;
		if (!groups.has(key)) groups.set(key, []);
		groups.get(key).push(run);
	}
	return [...groups.values()].map((group) => {
		const { size, output, binaryMode, pass, rows, resultJsonBytes, itemsJsonBytes } = group[0];
		return {
			size,
			output,
			binaryMode,
			pass,
			rows,
			resultJsonBytes,
			itemsJsonBytes,
			runs: group.length,
			extraRss: median(group.map((run) => run.extraRss)),
			ratio: median(group.map((run) => run.ratio)),
			ratios: group.map((run) => run.ratio),
			baselineRss: median(group.map((run) => run.baselineRss)),
			executionMs: median(group.map((run) => run.executionMs)),
			fileBytes: median(group.map((run) => run.fileBytes).filter((bytes) => bytes !== undefined)),
			checks: group.every((run) => run.check.ok !== false),
		};
	});
}

/** The cells as a table. */
export function outputMemoryTable(cells, { markdown = false } = {}) {
	const label = { items: 'items (one per row)', csv: 'One CSV File', ndjson: 'One NDJSON File' };
	return table(
		['rows', 'output', 'binary data', 'run', "result's JSON MB", 'file MB', 'n8n baseline RSS MB', 'extra RSS MB', '× JSON', 'runs (each ×)', 'node s', 'checked'],
		cells.map((c) => [
			c.rows.toLocaleString('en-US'),
			label[c.output],
			c.output === 'items' ? '–' : c.binaryMode,
			c.pass === 'first' ? 'first in the process' : 'again',
			(c.resultJsonBytes / MB).toFixed(1),
			Number.isFinite(c.fileBytes) ? (c.fileBytes / MB).toFixed(1) : '–',
			(c.baselineRss / MB).toFixed(0),
			(c.extraRss / MB).toFixed(0),
			c.ratio.toFixed(2),
			`${c.runs} (${c.ratios.map((r) => r.toFixed(2)).join(', ')})`,
			(c.executionMs / 1000).toFixed(1),
			c.output === 'items' || c.binaryMode !== 'filesystem' ? '–' : c.checks ? 'yes' : 'NO',
		]),
		{ markdown, leftColumns: 4 },
	);
}

/** The target of issue 15 on the cells: every file output within 1.5× the result's JSON. */
export function evaluateOutputTargets(cells) {
	return cells
		.filter((c) => c.output !== 'items')
		.map((c) => ({
			target: `${c.output.toUpperCase()} file output in n8n (${SIZES[c.size].label}, binary data ${c.binaryMode}, ${c.pass === 'first' ? 'first run in the process' : 'run again'}): extra RSS ≤ 1.5× the result's JSON`,
			value: `${c.ratio.toFixed(2)}× of ${(c.resultJsonBytes / MB).toFixed(0)} MB`,
			met: c.ratio <= 1.5,
		}));
}

function parseArgs(argv) {
	const options = {};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const value = () => argv[++i];
		if (arg === '--sizes') options.sizes = parseSizes(value());
		else if (arg === '--outputs') options.outputs = value().split(',');
		else if (arg === '--binary-modes') options.binaryModes = value().split(',');
		else if (arg === '--items-sizes') options.itemsSizes = parseSizes(value());
		else if (arg === '--repeats') options.repeats = Number(value());
		else if (arg === '--trace') options.trace = true;
		else if (arg === '--again') options.again = true;
		else if (arg === '--audit') options.audit = true;
		else if (arg === '--json') options.json = value();
		else if (arg === '--markdown') options.markdown = true;
		else throw new Error(`Unknown option ${arg}`);
	}
	return options;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const { json, markdown, ...options } = parseArgs(process.argv.slice(2));
	const result = await runOutputMemoryBench(options);
	for (const reason of result.skipped) process.stdout.write(`skipped: ${reason}\n`);
	if (result.cells.length > 0) {
		process.stdout.write(`\n${outputMemoryTable(result.cells, { markdown })}\n`);
		for (const t of evaluateOutputTargets(result.cells)) process.stdout.write(`${t.met ? 'MET ' : 'MISS'} ${t.target}: ${t.value}\n`);
	}
	if (json) fs.writeFileSync(json, JSON.stringify(result, null, 2));
}
