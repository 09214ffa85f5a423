#!/usr/bin/env node
// Renders the Trends node's charts for two series of the contact-centre validation set (the simulator's
// contacts, bench/lib/ccSeries.mjs) into docs/: a group's hourly volume with a planted drop and a channel's
// hourly abandon % judged by its contacts — the pictures the README shows. Needs `npm run build` first.
//
//   node scripts/example-charts.mjs [--out DIR]
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { CC_SEEDS, generateBlock } from '../bench/lib/ccSeries.mjs';
import { repoRoot } from './lib/paths.mjs';

const require = createRequire(import.meta.url);
const { analyzeRows } = require('../dist/nodes/NiceCxoneTrends/core/analyzeRows.js');
const { DEFAULT_SETTINGS } = require('../dist/nodes/NiceCxoneTrends/core/analyzeSeries.js');
const { renderSeriesChart } = require('../dist/nodes/NiceCxoneTrends/core/chart/seriesChart.js');
const { seriesChartInput } = require('../dist/nodes/NiceCxoneTrends/core/chart/seriesChartInput.js');

const args = process.argv.slice(2);
const outDir = args.includes('--out') ? path.resolve(args[args.indexOf('--out') + 1]) : path.join(repoRoot, 'docs');
const DAY_MS = 86_400_000;

/** The chart of the first series of `kind` with an incident of `type`, a week up to two days after it. */
function chartOf(byChannel, kind, type) {
	const block = generateBlock(CC_SEEDS[0], 'HOUR', byChannel);
	const spec = block.series.find((series) => series.kind === kind && series.incident?.type === type);
	const analysis = analyzeRows(block.items, {
		timestampField: 'bucketStart',
		groupBy: Object.keys(spec.groupValues),
		metrics: [spec.metric],
		missingBuckets: 'auto',
		settings: { ...DEFAULT_SETTINGS, timeZone: block.timeZone },
	});
	const series = analysis.series.find((candidate) => JSON.stringify(candidate.groupValues) === JSON.stringify(spec.groupValues));
	// The week up to two days after the incident starts.
	const last = series.grid.timesMs.findIndex((t) => t >= spec.incident.startMs + 2 * DAY_MS);
	return { spec, png: renderSeriesChart(seriesChartInput(series, DEFAULT_SETTINGS.threshold, 7, last)) };
}

fs.mkdirSync(outDir, { recursive: true });
for (const [byChannel, kind, type, name] of [
	[false, 'volume', 'drop', 'chart-hourly-volume-drop.png'],
	[true, 'abandon', 'spike', 'chart-hourly-abandon-spike.png'],
]) {
	const { spec, png } = chartOf(byChannel, kind, type);
	fs.writeFileSync(path.join(outDir, name), png);
	process.stdout.write(`${path.join(outDir, name)}: ${spec.key} (${type}), ${png.length} bytes\n`);
}
