// Throughput of the Trends node's detection methods: points per second at 10k, 100k, 1M (and 10M for
// the default method), best and median of several runs, with the machine's load average (other
// processes share the CPU: compare figures taken at low load). A benchmark printing figures, not a test.
// Needs the compiled core:
//   npx tsc -p tsconfig.json && node bench/trends-bench.mjs [--quick] [--runs N]
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const { detect, analyzeSeries, DEFAULT_SETTINGS, DETECTION_METHODS } = require('../dist/nodes/NiceCxoneTrends/core/analyzeSeries.js');

/** A seeded seasonal count series (daily and weekly cycle, Poisson-like noise) on a regular grid. */
function seasonalSeries(n, bucketMs, seed = 42) {
	let state = seed >>> 0;
	const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
	const times = new Float64Array(n);
	const values = new Float64Array(n);
	const start = Date.UTC(2024, 0, 1);
	for (let i = 0; i < n; i++) {
		const t = start + i * bucketMs;
		const hour = (t / 3_600_000) % 24;
		const weekday = Math.floor(t / 86_400_000 + 3) % 7; // 0 = Monday
		const level = 40 + 80 * Math.max(0, Math.sin(((hour - 7) / 12) * Math.PI)) * (weekday >= 5 ? 0.4 : 1);
		times[i] = t;
		values[i] = Math.round(level + Math.sqrt(level) * (random() + random() + random() - 1.5) * 2);
	}
	return { times, values };
}

function rate(fn, n) {
	const t0 = performance.now();
	fn();
	const seconds = (performance.now() - t0) / 1000;
	return Math.round(n / seconds);
}

const quick = process.argv.includes('--quick');
const runsArgument = process.argv.indexOf('--runs');
const runs = runsArgument > 0 ? Math.max(1, Number(process.argv[runsArgument + 1])) : 5;
const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');
/** "best / median" of the rates of `runs` runs of `fn` over `n` points. */
function bestAndMedian(fn, n, count) {
	const rates = Array.from({ length: count }, () => rate(fn, n)).sort((a, b) => b - a);
	const fmt = (value) => value.toLocaleString('en-US');
	return `${fmt(rates[0])} / ${fmt(rates[Math.floor((rates.length - 1) / 2)])}`;
}
const sizes = quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
const bucketMs = 5 * 60_000; // the finest common bucket: the largest seasonal reference (13 slots × days)
console.log(`load average (1, 5, 15 min) at start: ${load()}`);
console.log(`bucket ${bucketMs / 60_000} min; points/s of detection, best / median of ${runs} runs after warm-up runs (10k: ${Math.max(runs, 21)}, 10M: ${Math.min(runs, 3)})`);
for (const method of DETECTION_METHODS) {
	const settings = { ...DEFAULT_SETTINGS, method };
	const row = [];
	const runSizes = method === DEFAULT_SETTINGS.method && !quick ? [...sizes, 10_000_000] : sizes;
	for (const n of runSizes) {
		const { times, values } = seasonalSeries(n, bucketMs);
		// Warm-up to steady state (compiled code on every path): about 200,000 points' worth, at least one run.
		for (let w = 0; w < Math.max(1, Math.ceil(200_000 / n)); w++) detect(times, values, bucketMs, settings);
		// Short runs are noisy: at least 21 of them below 100,000 points.
		const count = n >= 10_000_000 ? Math.min(runs, 3) : n < 100_000 ? Math.max(runs, 21) : runs;
		const figures = bestAndMedian(() => detect(times, values, bucketMs, settings), n, count);
		row.push(`${n.toLocaleString('en-US')}: ${figures}`);
	}
	console.log(`${method.padEnd(15)} ${row.join('   ')}`);
}
const { times, values } = seasonalSeries(1_000_000, bucketMs);
const full = bestAndMedian(() => analyzeSeries(times, values, bucketMs, DEFAULT_SETTINGS), 1_000_000, Math.min(runs, 3));
console.log(`default method with trend (Theil–Sen, moving average), 1,000,000 points: ${full} points/s`);
console.log(`load average (1, 5, 15 min) at end: ${load()}`);
