// The e2e test's own oracle: which contract query a node's parameters stand for, and how the
// simulator's ground-truth rows look once flattened into items. Written independently of the
// node's code on purpose, so that a mistake there cannot hide itself here.

const DAY_MS = 86_400_000;

/** Output field of a dimension: `group.id` → `groupId`, `channel` → `channel`. */
export function dimensionField(name) {
	return name.replace(/\.(\w)/g, (_, letter) => letter.toUpperCase());
}

/** A contract row as the flat item the node emits: bucketStart, dimension fields, `<metric>_<aggregation>`. */
export function flattenContractRow(row) {
	const item = { bucketStart: row.timeSeries };
	for (const [name, value] of Object.entries(row.dimensions)) item[dimensionField(name)] = value;
	for (const metric of row.metrics) item[`${metric.name}_${metric.aggregation}`] = metric.value;
	return item;
}

/** [start, end) of "yesterday" in UTC at `nowMs`, as ISO strings. */
export function yesterdayUtc(nowMs) {
	const todayMs = Math.floor(nowMs / DAY_MS) * DAY_MS;
	return { start: new Date(todayMs - DAY_MS).toISOString(), end: new Date(todayMs).toISOString() };
}

/** [start, end) of the `days` whole UTC days before the day of `nowMs`. */
export function lastDaysUtc(nowMs, days) {
	const todayMs = Math.floor(nowMs / DAY_MS) * DAY_MS;
	return { start: new Date(todayMs - days * DAY_MS).toISOString(), end: new Date(todayMs).toISOString() };
}

function filterFromParameters(parameters) {
	if (parameters.filterMode === 'json') {
		return typeof parameters.filterJson === 'string' ? JSON.parse(parameters.filterJson) : parameters.filterJson;
	}
	if (parameters.filterMode !== 'conditions') return undefined;
	const predicates = (parameters.filterConditions?.condition ?? []).map(({ field, operator, value }) =>
		operator === 'in'
			? { type: 'in', field, values: value.split(',').map((v) => v.trim()).filter(Boolean) }
			: { type: operator, field, value },
	);
	if (predicates.length === 0) return undefined;
	return predicates.length === 1 ? predicates[0] : { type: parameters.filterCombinator ?? 'and', filters: predicates };
}

/**
 * The query body an analytics node's parameters stand for, in UTC (the examples' time zone).
 * Supports the presets the examples use: `custom`, `yesterday` and `lastNDays` (relative to `nowMs`; with
 * Include Today it ends at `nowMs`).
 */
export function expectedQueryBody(parameters, nowMs) {
	let window;
	if (parameters.timeRange === 'custom') window = { start: parameters.start, end: parameters.end };
	else if (parameters.timeRange === 'yesterday') window = yesterdayUtc(nowMs);
	else if (parameters.timeRange === 'lastNDays') {
		window = lastDaysUtc(nowMs, parameters.days);
		if (parameters.includeToday) window.end = new Date(nowMs).toISOString();
	}
	else throw new Error(`The e2e oracle does not know the time range '${parameters.timeRange}'.`);
	const body = {
		metrics: parameters.metrics.metric.map(({ metric }) => {
			const [name, aggregation] = metric.split(':');
			return { name, aggregation };
		}),
		dimensions: (parameters.dimensions ?? []).map((name) => ({ name })),
		timeSeries: {
			bucketSize: parameters.bucketSize,
			start: window.start,
			end: window.end,
			timeZone: parameters.options?.timeZone || 'UTC',
		},
	};
	const filter = filterFromParameters(parameters);
	if (filter !== undefined) body.filter = filter;
	return body;
}

/** A parameter value that is one `$fromAI('key', 'description', 'type')` expression. */
const FROM_AI_VALUE = /^=\{\{\s*\$fromAI\(\s*'([^']*)'\s*(?:,\s*'([^']*)'\s*)?(?:,\s*'([^']*)'\s*)?\)\s*\}\}$/;

function mapStrings(value, fn) {
	if (typeof value === 'string') return fn(value);
	if (Array.isArray(value)) return value.map((element) => mapStrings(element, fn));
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([key, element]) => [key, mapStrings(element, fn)]));
	}
	return value;
}

/**
 * The parameters a tool node leaves to the model: each `$fromAI(…)` value as `{key, description, type}`
 * (type `string` when not given), in the order of the parameters.
 */
export function fromAiParameters(parameters) {
	const found = [];
	mapStrings(parameters, (value) => {
		const match = FROM_AI_VALUE.exec(value);
		if (match) found.push({ key: match[1], description: match[2] ?? '', type: match[3] ?? 'string' });
		return value;
	});
	return found;
}

/** A tool node's parameters with each `$fromAI(…)` value replaced by the model's argument of that key. */
export function withFromAiArguments(parameters, args) {
	return mapStrings(parameters, (value) => {
		const match = FROM_AI_VALUE.exec(value);
		if (!match) return value;
		if (!(match[1] in args)) throw new Error(`The model's arguments have no '${match[1]}': ${JSON.stringify(args)}`);
		return args[match[1]];
	});
}
