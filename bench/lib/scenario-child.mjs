// Runs one client scenario in a process of its own, so memory peaks of scenarios never mix, and
// prints one line `BENCH_RESULT {json}`. Started by query-bench.mjs with --expose-gc:
//   node --expose-gc bench/lib/scenario-child.mjs '{"scenario":"ours","size":"100k","sim":{…}}'
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';

import { CLIENTS, loadTransport } from './clients.mjs';
import { traffic } from './http.mjs';

const SAMPLE_MS = 10;
const WARM_UP_SIZE = '1k';

/** SHA-256 over the rows' JSON, one row a line: compared with the same digest of /_sim/truth. */
function digestRows(result) {
	const hash = crypto.createHash('sha256');
	const rows = result.pagesOfRows ? result.rows.flat() : result.rows;
	let bytes = 0;
	for (const row of rows) {
		const line = `${JSON.stringify(row)}\n`;
		bytes += line.length - 1;
		hash.update(line);
	}
	// The JSON array's size: rows, commas and brackets.
	return { sha256: hash.digest('hex'), jsonBytes: bytes + Math.max(0, rows.length - 1) + 2 };
}

/** Allocates ~100 MB of objects that die at once: every page of the young generation is used. */
function churnYoungGeneration() {
	let kept = 0;
	for (let round = 0; round < 20; round++) {
		const batch = Array.from({ length: 100_000 }, (_, i) => ({ i, text: `row ${i}` }));
		kept += batch.length;
	}
	return kept;
}

async function main() {
	const { scenario, size, sim } = JSON.parse(process.argv[2]);
	const client = CLIENTS[scenario];
	if (!client) throw new Error(`Unknown scenario ${scenario}`);

	// Warm up first, as any long-lived n8n process is warm: the code is loaded and compiled (the
	// smallest query, once) and V8's young generation has been used through (short-lived objects, a
	// few times its size), so the baseline holds these one-time costs and the peak is the run's own.
	if (scenario === 'ours') loadTransport();
	if (size !== WARM_UP_SIZE) await client(sim, WARM_UP_SIZE);
	churnYoungGeneration();
	Object.assign(traffic, { requests: 0, throttled: 0, bytes: 0 });
	global.gc();
	global.gc();
	const base = process.memoryUsage();
	const baseMaxRss = process.resourceUsage().maxRSS * 1024;
	const peak = { rss: base.rss, heapUsed: base.heapUsed, external: base.external + base.arrayBuffers };
	const sampler = setInterval(() => {
		const now = process.memoryUsage();
		peak.rss = Math.max(peak.rss, now.rss);
		peak.heapUsed = Math.max(peak.heapUsed, now.heapUsed);
		peak.external = Math.max(peak.external, now.external + now.arrayBuffers);
	}, SAMPLE_MS);
	const cpuBefore = process.cpuUsage();
	const startedAt = performance.now();
	const result = await client(sim, size);
	const elapsedMs = performance.now() - startedAt;
	const cpu = process.cpuUsage(cpuBefore);
	clearInterval(sampler);
	const end = process.memoryUsage();
	peak.heapUsed = Math.max(peak.heapUsed, end.heapUsed);
	// maxRSS catches peaks between samples (the event loop is busy in a large JSON.parse, say); it is
	// the process's lifetime peak, so it counts only when the run raised it.
	const maxRss = process.resourceUsage().maxRSS * 1024;
	peak.rss = Math.max(peak.rss, end.rss, maxRss > baseMaxRss ? maxRss : 0);
	const digest = digestRows(result);

	const output = {
		scenario,
		size,
		elapsedMs,
		cpuMs: (cpu.user + cpu.system) / 1000,
		rowCount: result.rowCount,
		requests: traffic.requests,
		throttled: traffic.throttled,
		bytesReceived: traffic.bytes,
		baseline: { rss: base.rss, heapUsed: base.heapUsed },
		peak,
		extra: { rss: peak.rss - base.rss, heapUsed: peak.heapUsed - base.heapUsed },
		digest,
		transport: result.transport,
	};
	process.stdout.write(`BENCH_RESULT ${JSON.stringify(output)}\n`);
}

main().catch((error) => {
	process.stdout.write(`BENCH_RESULT ${JSON.stringify({ error: String(error?.stack ?? error) })}\n`);
	process.exitCode = 1;
});
