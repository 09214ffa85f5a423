#!/usr/bin/env node
// Query benchmark (issue 5): the naive tutorial client, the raw limit, our transport outside n8n and
// our node inside n8n, at 1k…1M rows and 0/20 ms latency per request, against the simulator. Every
// client scenario runs in a child process of its own. Usually run through `npm run bench`
// (bench/run.mjs); alone:
//   node bench/query-bench.mjs [--sizes 1k,10k,100k,1m] [--scenarios naive,raw,ours,n8n]
//     [--latencies 0,20] [--repeats 3] [--repeats-1m 1] [--json FILE]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { createN8nBench, n8nUnavailable } from './lib/n8n-scenario.mjs';
import { groundTruth, repoRoot, startBenchSimulator } from './lib/simulator.mjs';
import { SIZES, parseSizes } from './lib/sizes.mjs';
import { median, queryTable } from './lib/report.mjs';

export const ALL_SCENARIOS = ['naive', 'raw', 'ours', 'n8n'];
const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lib', 'scenario-child.mjs');
const CHILD_TIMEOUT_MS = 20 * 60_000;
/** n8n runs only up to 100k rows (its run data of 1M items is the user's problem, not the node's). */
const N8N_SIZES = new Set(['1k', '10k', '100k']);
/** The contract's rate limit per token, for the throttled 1M pass. */
const THROTTLED_RPM = 600;

function runChild(scenario, size, sim) {
	const simInfo = { baseUrl: sim.baseUrl, tokenUrl: sim.tokenUrl, clientId: sim.clientId, clientSecret: sim.clientSecret };
	return new Promise((resolve) => {
		const child = spawn(process.execPath, ['--expose-gc', CHILD, JSON.stringify({ scenario, size, sim: simInfo })], {
			cwd: repoRoot,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.stderr.on('data', (chunk) => (stderr += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
		child.on('close', (code) => {
			clearTimeout(timer);
			const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
			if (!line) return resolve({ scenario, size, error: `exit ${code}: ${stderr.slice(-800)}` });
			resolve({ scenario, size, ...JSON.parse(line.slice('BENCH_RESULT '.length)) });
		});
	});
}

/** Checks a run's rows against the ground truth: count always, and the exact digest. */
function check(run, truth) {
	if (run.error) return { ok: false, problem: run.error };
	const expected = run.scenario === 'naive' || run.scenario === 'raw' ? truth.rawSha256 : truth.flatSha256;
	if (run.rowCount !== truth.rowCount) return { ok: false, problem: `${run.rowCount} rows, truth ${truth.rowCount}` };
	if (run.digest?.sha256 !== expected) return { ok: false, problem: 'same count, different rows' };
	return { ok: true };
}

/**
 * Runs the matrix and resolves to {runs, cells, skipped}: `runs` every measurement, `cells` the
 * medians per latency × size × scenario.
 */
export async function runQueryBench({
	sizes = Object.keys(SIZES),
	scenarios = ALL_SCENARIOS,
	latencies = [0, 20],
	repeats = 3,
	repeatsLargest = 1,
	throttled = true,
	log = (line) => process.stdout.write(`${line}\n`),
} = {}) {
	const runs = [];
	const skipped = [];
	const truths = {};
	let n8nReason = scenarios.includes('n8n') ? await n8nUnavailable() : undefined;
	if (n8nReason) skipped.push(`n8n: ${n8nReason}`);
	// The matrix measures the clients, so the simulator's per-token rate limit is lifted (it only
	// binds at 1M, where it sets a floor of a minute for any client); then 1M once more under the
	// contract's 600 requests a minute, to show ours at that floor.
	const passes = latencies.map((latencyMs) => ({ latencyMs, requestsPerMinute: 0, sizes, scenarios }));
	if (throttled && sizes.includes('1m')) {
		const limited = scenarios.filter((scenario) => scenario === 'raw' || scenario === 'ours');
		passes.push({ latencyMs: Math.max(...latencies), requestsPerMinute: THROTTLED_RPM, sizes: ['1m'], scenarios: limited });
	}
	for (const pass of passes) {
		const { latencyMs, requestsPerMinute } = pass;
		const sim = await startBenchSimulator({ latencyMs, requestsPerMinute });
		let n8n;
		try {
			const n8nSizes = pass.sizes.filter((size) => N8N_SIZES.has(size));
			if (pass.scenarios.includes('n8n') && !n8nReason && n8nSizes.length > 0) {
				try {
					n8n = await createN8nBench(sim, n8nSizes);
				} catch (error) {
					n8nReason = `could not prepare n8n: ${error.message.slice(0, 300)}`;
					skipped.push(`n8n: ${n8nReason}`);
				}
			}
			for (const size of pass.sizes) {
				truths[size] ??= await groundTruth(sim, size);
				const truth = truths[size];
				const rounds = size === '1m' ? repeatsLargest : repeats;
				for (let round = 0; round < rounds; round++) {
					// Rotate the order so no scenario always runs first (or last) on a busy machine.
					const order = pass.scenarios.filter((s) => s !== 'n8n' || (n8n && N8N_SIZES.has(size)));
					const rotated = order.map((_, i) => order[(i + round) % order.length]);
					for (const scenario of rotated) {
						const load1 = os.loadavg()[0];
						const run = scenario === 'n8n' ? await n8n.run(size) : await runChild(scenario, size, sim);
						const outcome = check(run, truth);
						const record = { ...run, latencyMs, requestsPerMinute, round, load1, check: outcome };
						delete record.digest;
						record.resultJsonBytes = run.digest?.jsonBytes;
						runs.push(record);
						log(
							`  ${String(latencyMs).padStart(2)} ms${requestsPerMinute ? ` ${requestsPerMinute}/min` : ''} ${SIZES[size].label.padStart(4)} ${scenario.padEnd(5)} ` +
								(run.error
									? `FAILED ${run.error.split('\n')[0]}`
									: `${(run.elapsedMs / 1000).toFixed(2)} s, ${run.rowCount} rows, ${outcome.ok ? 'rows = truth' : `CHECK FAILED: ${outcome.problem}`}, load ${load1.toFixed(2)}`),
						);
					}
				}
			}
		} finally {
			n8n?.cleanup();
			await sim.stop();
		}
	}
	return { runs, cells: summarize(runs, truths), truths, skipped };
}

/** Medians per latency × size × scenario. */
export function summarize(runs, truths) {
	const groups = new Map();
	for (const run of runs) {
		const key = `${run.latencyMs}|${run.requestsPerMinute}|${run.size}|${run.scenario}`;
		if (!groups.has(key)) groups.set(key, []);
		groups.get(key).push(run);
	}
	// The result's JSON size: the rows as the API returns them (naive and raw hold exactly those).
	const apiJsonBytes = {};
	for (const run of runs) {
		if ((run.scenario === 'raw' || run.scenario === 'naive') && run.resultJsonBytes) apiJsonBytes[run.size] = run.resultJsonBytes;
	}
	return [...groups.values()].map((group) => {
		const good = group.filter((run) => !run.error);
		const { latencyMs, requestsPerMinute, size, scenario } = group[0];
		const pick = (f) => (good.length ? median(good.map(f).filter((v) => v !== undefined)) : undefined);
		const rows = truths[size]?.rowCount;
		const elapsedMs = pick((r) => r.elapsedMs);
		return {
			latencyMs,
			requestsPerMinute,
			size,
			scenario,
			runs: group.length,
			failures: group.length - good.length,
			checksOk: group.every((run) => run.check.ok),
			rows,
			elapsedMs,
			rowsPerSecond: elapsedMs ? (rows / elapsedMs) * 1000 : undefined,
			usPerRow: elapsedMs ? (elapsedMs * 1000) / rows : undefined,
			cpuMsPer1kRows: pick((r) => (r.cpuMs === undefined ? undefined : (r.cpuMs / r.rowCount) * 1000)),
			processMs: pick((r) => r.processMs),
			peakRss: pick((r) => r.peak?.rss),
			extraRss: pick((r) => r.extra?.rss),
			extraHeap: pick((r) => r.extra?.heapUsed),
			requestsPerRow: pick((r) => (r.requests === undefined ? undefined : r.requests / r.rowCount)),
			requests: pick((r) => r.requests),
			throttled: pick((r) => r.throttled ?? r.transport?.throttled),
			apiJsonBytes: apiJsonBytes[size],
			outputJsonBytes: scenario === 'ours' ? pick((r) => r.resultJsonBytes) : undefined,
			load1: median(group.map((r) => r.load1)),
			errors: group.filter((run) => !run.check.ok).map((run) => run.check.problem),
		};
	});
}

/** The issue's targets, evaluated on the cells; each {target, value, met} (met undefined: not measured). */
export function evaluateTargets(cells) {
	const cell = (latencyMs, size, scenario) =>
		cells.find(
			(c) => c.latencyMs === latencyMs && !c.requestsPerMinute && c.size === size && c.scenario === scenario && c.failures < c.runs,
		);
	const targets = [];
	const naive = cell(20, '100k', 'naive');
	const raw = cell(20, '100k', 'raw');
	const ours = cell(20, '100k', 'ours');
	const ratio = (a, b) => (a && b ? a.elapsedMs / b.elapsedMs : undefined);
	const speedup = ratio(naive, ours);
	targets.push({ target: 'ours ≥ 5× faster than naive (100k rows, 20 ms)', value: speedup && `${speedup.toFixed(1)}×`, met: speedup && speedup >= 5 });
	const rawSpeedup = ratio(naive, raw);
	targets.push({ target: 'context: raw limit vs naive (100k rows, 20 ms), the most any client could gain here', value: rawSpeedup && `${rawSpeedup.toFixed(1)}×`, met: undefined });
	const overRaw = ratio(ours, raw);
	targets.push({ target: 'ours ≤ 1.3× the raw limit (100k rows, 20 ms)', value: overRaw && `${overRaw.toFixed(2)}×`, met: overRaw && overRaw <= 1.3 });
	for (const latencyMs of [20, 0]) {
		for (const size of ['100k', '1m']) {
			const c = cell(latencyMs, size, 'ours');
			if (!c?.apiJsonBytes) continue;
			const worst = Math.max(c.extraRss, c.extraHeap) / c.apiJsonBytes;
			targets.push({
				target: `ours peak extra memory ≤ 2× the result's JSON (${SIZES[size].label}, ${latencyMs} ms)`,
				value: `RSS ${(c.extraRss / c.apiJsonBytes).toFixed(2)}×, heap ${(c.extraHeap / c.apiJsonBytes).toFixed(2)}× of ${(c.apiJsonBytes / 1e6).toFixed(0)} MB`,
				met: worst <= 2,
			});
		}
	}
	for (const latencyMs of [20, 0]) {
		const steps = ['10k', '100k', '1m'].map((size) => cell(latencyMs, size, 'ours')).filter(Boolean);
		if (steps.length < 2) continue;
		const first = steps[0];
		const last = steps.at(-1);
		const path = (value) => steps.map(value).join(' → ');
		// No quadratic step: neither the client's CPU per row nor its wall time per row may grow by more
		// than half from one size to the next (smaller results carry the fixed wait for completion, so
		// time per row usually falls).
		const worstStep = (value) => Math.max(...steps.slice(1).map((c, i) => value(c) / value(steps[i])));
		const cpuStep = worstStep((c) => c.cpuMsPer1kRows);
		targets.push({
			target: `ours client CPU per row flat ${SIZES[first.size].label} → ${SIZES[last.size].label} (${latencyMs} ms; each step ≤ 1.5×)`,
			value: `${path((c) => c.cpuMsPer1kRows.toFixed(1))} ms per 1k rows (worst step ${cpuStep.toFixed(2)}×)`,
			met: cpuStep <= 1.5,
		});
		const wallStep = worstStep((c) => c.usPerRow);
		targets.push({
			target: `ours wall time per row flat ${SIZES[first.size].label} → ${SIZES[last.size].label} (${latencyMs} ms; each step ≤ 1.5×)`,
			value: `${path((c) => c.usPerRow.toFixed(1))} µs (worst step ${wallStep.toFixed(2)}×)`,
			met: wallStep <= 1.5,
		});
	}
	const limitedOurs = cells.find((c) => c.requestsPerMinute > 0 && c.scenario === 'ours' && c.failures < c.runs);
	const limitedRaw = cells.find((c) => c.requestsPerMinute > 0 && c.scenario === 'raw' && c.failures < c.runs);
	if (limitedOurs) {
		// Under the rate limit no client can send its requests faster than the limit allows.
		const floorS = (Math.ceil(limitedOurs.requests / limitedOurs.requestsPerMinute) - 1) * 60;
		const overRawLimited = limitedRaw ? limitedOurs.elapsedMs / limitedRaw.elapsedMs : undefined;
		targets.push({
			target: `ours at 1M under the contract's ${limitedOurs.requestsPerMinute} requests/min (${limitedOurs.latencyMs} ms): ≤ 1.3× the raw limit`,
			value: `${(limitedOurs.elapsedMs / 1000).toFixed(1)} s for ${limitedOurs.requests} requests (${limitedOurs.throttled} × 429; the limit alone takes ≥ ${floorS} s)${overRawLimited ? `, ${overRawLimited.toFixed(2)}× the raw limit` : ''}`,
			met: overRawLimited === undefined ? undefined : overRawLimited <= 1.3,
		});
	}
	const allChecks = cells.every((c) => c.checksOk);
	targets.push({ target: 'every scenario returns exactly the /_sim/truth rows', value: allChecks ? 'yes' : 'no', met: allChecks });
	return targets;
}

function parseArgs(argv) {
	const options = {};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const value = () => argv[++i];
		if (arg === '--sizes') options.sizes = parseSizes(value());
		else if (arg === '--scenarios') options.scenarios = value().split(',');
		else if (arg === '--latencies') options.latencies = value().split(',').map(Number);
		else if (arg === '--repeats') options.repeats = Number(value());
		else if (arg === '--repeats-1m') options.repeatsLargest = Number(value());
		else if (arg === '--no-throttled') options.throttled = false;
		else if (arg === '--json') options.json = value();
		else throw new Error(`Unknown option ${arg}`);
	}
	return options;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const { json, ...options } = parseArgs(process.argv.slice(2));
	const result = await runQueryBench(options);
	process.stdout.write(`\n${queryTable(result.cells)}\n`);
	for (const t of evaluateTargets(result.cells)) process.stdout.write(`${t.met ? 'MET ' : t.met === false ? 'MISS' : '  - '} ${t.target}: ${t.value ?? 'not measured'}\n`);
	if (json) fs.writeFileSync(json, JSON.stringify({ ...result, targets: evaluateTargets(result.cells) }, null, 2));
}
