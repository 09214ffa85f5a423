// The benchmark's queries: one shape (15-minute buckets by agent and channel, two metrics) at four
// sizes, so rows are alike and time per row compares across sizes. Row counts are for seed 1.

const METRICS = [
	{ name: 'count', aggregation: 'sum' },
	{ name: 'handle_time', aggregation: 'avg' },
];
const DIMENSIONS = [{ name: 'agent.id' }, { name: 'channel' }];
const DAY_MS = 86_400_000;
/** The API's longest range for 15-minute buckets (docs/api/analytics-v2.md §2). */
export const MAX_WINDOW_MS = 31 * DAY_MS;

export const SIZES = {
	'1k': { label: '1k', start: '2024-03-04T00:00:00Z', end: '2024-03-04T09:00:00Z', expectedRows: 1212 },
	'10k': { label: '10k', start: '2024-03-04T00:00:00Z', end: '2024-03-07T00:00:00Z', expectedRows: 12172 },
	'100k': { label: '100k', start: '2024-03-01T00:00:00Z', end: '2024-04-01T00:00:00Z', expectedRows: 105956 },
	// Nine 31-day windows: the client has to split it.
	'1m': { label: '1M', start: '2024-01-01T00:00:00Z', end: '2024-10-06T00:00:00Z', expectedRows: 976168 },
};

const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The query body of a size, as a user would write it (the whole range). */
export function queryBody(size) {
	const { start, end } = SIZES[size];
	return {
		metrics: METRICS,
		dimensions: DIMENSIONS,
		timeSeries: { bucketSize: 'FIFTEEN_MINUTES', start, end, timeZone: 'UTC' },
	};
}

/**
 * The body split into consecutive ranges the API accepts (31 days, cut at UTC midnights, which are
 * 15-minute bucket boundaries): what the naive and raw clients submit.
 */
/** The Analytics node's parameters for the benchmark's query of `size` (`options` adds to its Options). */
export function queryNodeParameters(size, options = {}) {
	const body = queryBody(size);
	return {
		resource: 'analytics',
		operation: 'runAggregationQuery',
		metrics: { metric: body.metrics.map((m) => ({ metric: `${m.name}:${m.aggregation}` })) },
		dimensions: body.dimensions.map((d) => d.name),
		bucketSize: body.timeSeries.bucketSize,
		timeRange: 'custom',
		start: body.timeSeries.start,
		end: body.timeSeries.end,
		filterMode: 'none',
		returnAll: true,
		options: { timeZone: 'UTC', ...options },
	};
}

export function windowBodies(size) {
	const body = queryBody(size);
	const endMs = Date.parse(body.timeSeries.end);
	const bodies = [];
	for (let startMs = Date.parse(body.timeSeries.start); startMs < endMs; startMs += MAX_WINDOW_MS) {
		const windowEnd = Math.min(endMs, startMs + MAX_WINDOW_MS);
		bodies.push({ ...body, timeSeries: { ...body.timeSeries, start: iso(startMs), end: iso(windowEnd) } });
	}
	return bodies;
}

/** Parses `1k,10k,100k,1m` (case-insensitive) into size keys. */
export function parseSizes(text) {
	return text.split(',').map((part) => {
		const key = part.trim().toLowerCase();
		if (!(key in SIZES)) throw new Error(`Unknown size '${part}'; use ${Object.keys(SIZES).join(', ')}.`);
		return key;
	});
}
