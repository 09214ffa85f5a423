// NAB adapter: runs the Trends node's default method with its default settings on [{timestamp, value}]
// and returns the points where an alert is raised. Score it with
//   node ../shared/nab/eval.mjs bench/nab-detector.mjs --set dev
// Needs the compiled core: npx tsc -p tsconfig.json
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { analyzePoints } = require('../dist/nodes/NiceCxoneTrends/core/analyzePoints.js');
const { DEFAULT_SETTINGS } = require('../dist/nodes/NiceCxoneTrends/core/analyzeSeries.js');

/** A NAB series has no metric name, so "auto" missing buckets mean no value and duplicates are averaged. */
export function detect(points) {
	const times = new Float64Array(points.length);
	const values = new Float64Array(points.length);
	points.forEach((p, i) => {
		times[i] = Date.parse(p.timestamp);
		values[i] = typeof p.value === 'number' ? p.value : NaN;
	});
	const { grid, analysis } = analyzePoints(times, values, DEFAULT_SETTINGS, { missingIsZero: false, duplicates: 'mean' });
	const flagged = [];
	const seen = new Set();
	for (let i = 0; i < points.length; i++) {
		const bucket = grid.bucketOfPoint[i];
		if (analysis.detection.alert[bucket] && !seen.has(bucket)) {
			seen.add(bucket);
			flagged.push({ timestamp: points[i].timestamp });
		}
	}
	return flagged;
}
