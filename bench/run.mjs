#!/usr/bin/env node
// npm run bench — the query benchmark (bench/query-bench.mjs), the output memory inside n8n
// (bench/output-memory-bench.mjs) and the trends benchmark (bench/trends-bench.mjs) against the simulator
// on this machine: readable tables, the targets of issues 5 and 15, and with --json FILE every figure.
// Needs `npm run build` first.
//
//   npm run bench                      all sizes (1k…1M), all scenarios, 0 and 20 ms, 3 rounds (1M: 1)
//   npm run bench -- --quick           1k and 10k, 1 round, output memory at 100k once, trends --quick
//   options: --sizes 1k,10k,100k,1m  --scenarios naive,raw,ours,n8n  --latencies 0,20  --repeats N
//            --repeats-1m N  --no-throttled  --no-trends  --no-query  --no-output-memory
//            --output-sizes 100k,1m  --output-repeats N  --json FILE  --markdown
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { evaluateOutputTargets, outputMemoryTable, runOutputMemoryBench } from './output-memory-bench.mjs';
import { evaluateTargets, runQueryBench } from './query-bench.mjs';
import { queryTable, table } from './lib/report.mjs';
import { repoRoot } from './lib/simulator.mjs';
import { parseSizes } from './lib/sizes.mjs';

const log = (line = '') => process.stdout.write(`${line}\n`);

function parseArgs(argv) {
	const options = { query: {}, output: {}, trends: true, runQuery: true, runOutput: true };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const value = () => argv[++i];
		if (arg === '--quick') {
			options.quick = true;
			options.query.sizes ??= ['1k', '10k'];
			options.query.repeats ??= 1;
			options.output.sizes ??= ['100k'];
			options.output.repeats ??= 1;
			options.output.binaryModes ??= ['filesystem'];
		} else if (arg === '--sizes') options.query.sizes = parseSizes(value());
		else if (arg === '--scenarios') options.query.scenarios = value().split(',');
		else if (arg === '--latencies') options.query.latencies = value().split(',').map(Number);
		else if (arg === '--repeats') options.query.repeats = Number(value());
		else if (arg === '--repeats-1m') options.query.repeatsLargest = Number(value());
		else if (arg === '--no-throttled') options.query.throttled = false;
		else if (arg === '--no-trends') options.trends = false;
		else if (arg === '--no-query') options.runQuery = false;
		else if (arg === '--no-output-memory') options.runOutput = false;
		else if (arg === '--output-sizes') options.output.sizes = parseSizes(value());
		else if (arg === '--output-repeats') options.output.repeats = Number(value());
		else if (arg === '--json') options.json = value();
		else if (arg === '--markdown') options.markdown = true;
		else if (arg === '--help' || arg === '-h') {
			log(fs.readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1, 11).join('\n').replace(/^\/\/ ?/gm, ''));
			process.exit(0);
		} else throw new Error(`Unknown option ${arg}; see --help.`);
	}
	return options;
}

/** Runs bench/trends-bench.mjs and reads its lines into {method: {points: pointsPerSecond}}. */
function runTrendsBench(quick) {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, ['bench/trends-bench.mjs', ...(quick ? ['--quick'] : [])], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.stderr.on('data', (chunk) => (stderr += chunk));
		child.on('close', (code) => {
			const methods = {};
			for (const line of stdout.split('\n')) {
				const match = /^(\w+)\s+(\d[\d,]*: .*)$/.exec(line);
				if (!match) continue;
				methods[match[1]] = Object.fromEntries(
					[...match[2].matchAll(/([\d,]+): ([\d,]+)/g)].map((m) => [Number(m[1].replace(/,/g, '')), Number(m[2].replace(/,/g, ''))]),
				);
			}
			const withTrend = /with trend.*?([\d,]+) points\/s/.exec(stdout);
			resolve({ code, output: stdout.trim(), error: code === 0 ? undefined : stderr.slice(-1000), methods, defaultWithTrend1M: withTrend ? Number(withTrend[1].replace(/,/g, '')) : undefined });
		});
	});
}

function trendsTable(trends, markdown) {
	const sizes = [...new Set(Object.values(trends.methods).flatMap((m) => Object.keys(m).map(Number)))].sort((a, b) => a - b);
	const rows = Object.entries(trends.methods).map(([method, figures]) => [
		method,
		...sizes.map((n) => (figures[n] === undefined ? '–' : figures[n].toLocaleString('en-US'))),
	]);
	return table(['method (points/s)', ...sizes.map((n) => `${n.toLocaleString('en-US')} points`)], rows, { markdown, leftColumns: 1 });
}

async function main() {
	const options = parseArgs(process.argv.slice(2));
	if (!fs.existsSync(path.join(repoRoot, 'dist', 'nodes', 'NiceCxoneAnalytics', 'transport', 'queryRunner.js'))) {
		throw new Error('dist/ is missing: run npm run build first.');
	}
	const machine = {
		cpus: os.cpus().length,
		cpuModel: os.cpus()[0]?.model,
		memoryGb: Math.round(os.totalmem() / 2 ** 30),
		node: process.version,
		loadAtStart: os.loadavg(),
		startedAt: new Date().toISOString(),
	};
	log(`${machine.cpus} × ${machine.cpuModel}, node ${machine.node}, load ${machine.loadAtStart.map((l) => l.toFixed(2)).join(' ')}`);
	const report = { machine };
	if (options.runQuery) {
		log('query benchmark (each line one run in its own process):');
		const query = await runQueryBench({ ...options.query, log });
		report.query = query;
		report.targets = evaluateTargets(query.cells);
		log();
		log(queryTable(query.cells, { markdown: options.markdown }));
		for (const reason of query.skipped) log(`skipped ${reason}`);
		log();
		log(table(['target', 'value', 'met'], report.targets.map((t) => [t.target, t.value ?? 'not measured', t.met === undefined ? '–' : t.met ? 'yes' : 'NO']), { markdown: options.markdown }));
	}
	if (options.runOutput) {
		log();
		log('output memory inside n8n (bench/output-memory-bench.mjs; each line one run in a fresh n8n process):');
		const output = await runOutputMemoryBench({ ...options.output, log });
		report.outputMemory = output;
		for (const reason of output.skipped) log(`skipped output memory: ${reason}`);
		if (output.cells.length > 0) {
			log();
			log(outputMemoryTable(output.cells, { markdown: options.markdown }));
			const targets = evaluateOutputTargets(output.cells);
			report.targets = [...(report.targets ?? []), ...targets];
			log();
			log(table(['target', 'value', 'met'], targets.map((t) => [t.target, t.value, t.met ? 'yes' : 'NO']), { markdown: options.markdown }));
		}
	}
	if (options.trends) {
		log();
		log('trends benchmark (bench/trends-bench.mjs):');
		const trends = await runTrendsBench(options.quick);
		report.trends = trends;
		if (trends.code !== 0) log(`trends bench failed (exit ${trends.code}): ${trends.error}`);
		else {
			log(trendsTable(trends, options.markdown));
			if (trends.defaultWithTrend1M) log(`default method with trend, 1M points: ${trends.defaultWithTrend1M.toLocaleString('en-US')} points/s`);
		}
	}
	report.machine.loadAtEnd = os.loadavg();
	log(`load at end ${report.machine.loadAtEnd.map((l) => l.toFixed(2)).join(' ')}`);
	if (options.json) {
		fs.writeFileSync(options.json, JSON.stringify(report, null, 2));
		log(`figures written to ${options.json}`);
	}
}

main().catch((error) => {
	log(`bench failed: ${error?.stack ?? error}`);
	process.exitCode = 1;
});
