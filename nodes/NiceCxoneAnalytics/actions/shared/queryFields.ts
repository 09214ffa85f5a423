import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { jsonParse } from 'n8n-workflow';

import { BUCKET_SIZES, DIMENSIONS, LIMITS, METRICS } from '../../../shared/core/catalogue';
import type { TimeWindow } from '../../core/buckets';
import type { QueryBody, SimpleCondition } from '../../core/query';
import { buildQueryBody, filterFromConditions } from '../../core/query';
import type { TimeRangePreset } from '../../core/timeRange';
import { TIME_RANGE_PRESETS, resolveTimeRange } from '../../core/timeRange';
import { QueryValidationError } from '../../core/validationError';

/**
 * The parameters of a metrics × dimensions × time-bucket query, shared by the analytics query and
 * the platform's completed-contacts aggregation (which cannot offer everything: `unavailable`
 * maps a metric or dimension name to the reason).
 */
const AGGREGATION_LABELS: Record<string, string> = {
	sum: 'Sum',
	avg: 'Average',
	min: 'Minimum',
	max: 'Maximum',
	pct: 'Percent',
};

/** Every valid metric × aggregation pair of the catalogue, and only those. */
const metricOptions = (unavailable: Record<string, string>) =>
	METRICS.filter((metric) => !(metric.name in unavailable))
		.flatMap((metric) =>
			metric.aggregations.map((aggregation) => ({
				name: `${metric.displayName} (${AGGREGATION_LABELS[aggregation]})`,
				value: `${metric.name}:${aggregation}`,
				description: `${metric.description}. Output field: ${metric.name}_${aggregation}.`,
			})),
		)
		.sort((a, b) => a.name.localeCompare(b.name));

const dimensionOptions = (unavailable: Record<string, string>) =>
	DIMENSIONS.filter((d) => !(d.name in unavailable))
		.map((d) => ({
			name: d.displayName,
			value: d.name,
			description: `${d.name}, output field ${d.fieldName}`,
		}))
		.sort((a, b) => a.name.localeCompare(b.name));

/** Time Range with its Number of Days or Start and End. */
export function timeRangeFields(): INodeProperties[] {
	return [
		{
			displayName: 'Time Range',
			name: 'timeRange',
			type: 'options',
			options: TIME_RANGE_PRESETS.map((p) => ({ name: p.displayName, value: p.value })),
			default: 'yesterday',
			description:
				'Calendar range in the time zone (Options › Time Zone); long ranges are split automatically',
		},
		{
			displayName: 'Number of Days',
			name: 'days',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 7,
			description: 'Whole days before today',
			displayOptions: { show: { timeRange: ['lastNDays'] } },
		},
		{
			displayName: 'Include Today (So Far)',
			name: 'includeToday',
			type: 'boolean',
			default: false,
			description:
				'Whether the range runs on to now, for a workflow that runs every few minutes: the days before today and today so far. The current bucket is still filling; NICE CXone Trends leaves it out until it is over.',
			displayOptions: { show: { timeRange: ['lastNDays'] } },
		},
		{
			displayName: 'Start',
			name: 'start',
			type: 'dateTime',
			default: '',
			required: true,
			description: 'Inclusive. ISO-8601; a value without an offset is read in the time zone.',
			displayOptions: { show: { timeRange: ['custom'] } },
		},
		{
			displayName: 'End',
			name: 'end',
			type: 'dateTime',
			default: '',
			required: true,
			description: 'Exclusive. ISO-8601; a value without an offset is read in the time zone.',
			displayOptions: { show: { timeRange: ['custom'] } },
		},
	];
}

export function queryFields(unavailable: Record<string, string> = {}): INodeProperties[] {
	const METRIC_OPTIONS = metricOptions(unavailable);
	const DIMENSION_OPTIONS = dimensionOptions(unavailable);
	return [
		{
			displayName: 'Metrics',
			name: 'metrics',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Metric',
			default: { metric: [{ metric: 'count:sum' }] },
			description: `What to measure, 1 to ${LIMITS.maxMetrics} metrics. Each becomes a field named metric_aggregation, e.g. handle_time_avg.`,
			options: [
				{
					displayName: 'Metric',
					name: 'metric',
					values: [
						{
							displayName: 'Metric',
							name: 'metric',
							type: 'options',
							options: METRIC_OPTIONS,
							default: 'count:sum',
							description:
								'Metric and aggregation. In an expression write metric:aggregation, e.g. handle_time:avg.',
						},
					],
				},
			],
		},
		{
			displayName: 'Dimensions',
			name: 'dimensions',
			type: 'multiOptions',
			options: DIMENSION_OPTIONS,
			default: [],
			description: `Group rows by these, 0 to ${LIMITS.maxDimensions}. Each becomes a field such as groupId or channel.`,
		},
		{
			displayName: 'Bucket Size',
			name: 'bucketSize',
			type: 'options',
			options: BUCKET_SIZES.map((b) => ({ name: b.displayName, value: b.value })),
			default: 'HOUR',
			description:
				'Length of each time bucket, aligned to the time zone (days start at local midnight)',
		},
		...timeRangeFields(),
		{
			displayName: 'Filter',
			name: 'filterMode',
			type: 'options',
			options: [
				{ name: 'None', value: 'none' },
				{
					name: 'Conditions',
					value: 'conditions',
					description: 'Simple field / operator / value rows',
				},
				{ name: 'JSON', value: 'json', description: 'A contract filter with and/or compounds' },
			],
			default: 'none',
		},
		{
			displayName: 'Combine Conditions',
			name: 'filterCombinator',
			type: 'options',
			options: [
				{ name: 'All (AND)', value: 'and' },
				{ name: 'Any (OR)', value: 'or' },
			],
			default: 'and',
			displayOptions: { show: { filterMode: ['conditions'] } },
		},
		{
			displayName: 'Conditions',
			name: 'filterConditions',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Condition',
			default: {},
			displayOptions: { show: { filterMode: ['conditions'] } },
			options: [
				{
					displayName: 'Condition',
					name: 'condition',
					values: [
						{
							displayName: 'Field',
							name: 'field',
							type: 'options',
							options: DIMENSION_OPTIONS,
							default: 'group.id',
						},
						{
							displayName: 'Operator',
							name: 'operator',
							type: 'options',
							options: [
								{ name: 'Equals', value: 'equals' },
								{ name: 'Not Equals', value: 'notEquals' },
								{ name: 'Is One Of', value: 'in' },
							],
							default: 'equals',
						},
						{
							displayName: 'Value',
							name: 'value',
							type: 'string',
							default: '',
							description: 'For Is One Of, a comma-separated list (up to 100 values)',
						},
					],
				},
			],
		},
		{
			displayName: 'Filter (JSON)',
			name: 'filterJson',
			type: 'json',
			default:
				'{\n  "type": "and",\n  "filters": [\n    { "type": "equals", "field": "channel", "value": "voice" }\n  ]\n}',
			description: 'Predicates equals, notEquals and in, combined with and / or (up to 3 levels)',
			displayOptions: { show: { filterMode: ['json'] } },
		},
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: true,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
	];
}

/** Reads and checks one item's query fields in `timeZone`; throws QueryValidationError before anything is sent. */
export function readQueryFields(
	ctx: IExecuteFunctions,
	itemIndex: number,
	timeZone: string,
	unavailable: Record<string, string> = {},
): { body: QueryBody; limit?: number } {
	const param = <T>(name: string, fallback?: T): T =>
		ctx.getNodeParameter(name, itemIndex, fallback) as T;
	const window = readTimeWindow(ctx, itemIndex, timeZone);

	const filterMode = param<string>('filterMode', 'none');
	let filter: unknown;
	if (filterMode === 'conditions') {
		const conditions =
			param<{ condition?: SimpleCondition[] }>('filterConditions', {}).condition ?? [];
		filter = filterFromConditions(conditions, param<string>('filterCombinator', 'and'));
	} else if (filterMode === 'json') {
		filter = parseFilterJson(param<unknown>('filterJson', ''));
	}

	const metrics = (param<{ metric?: Array<{ metric: unknown }> }>('metrics', {}).metric ?? []).map(
		(m) => m.metric,
	);
	const body = buildQueryBody({
		metrics,
		dimensions: param<unknown[]>('dimensions', []),
		filter,
		bucketSize: param('bucketSize'),
		window,
		timeZone,
	});
	for (const { name, aggregation } of body.metrics) {
		if (name in unavailable) {
			throw new QueryValidationError(
				'Metrics',
				`The metric ${name}:${aggregation} is not available here: ${unavailable[name]}. Use the Analytics resource for it.`,
			);
		}
	}
	for (const { name } of body.dimensions) {
		if (name in unavailable) {
			throw new QueryValidationError(
				'Dimensions',
				`The dimension ${name} is not available here: ${unavailable[name]}.`,
			);
		}
	}
	const returnAll = param<boolean>('returnAll', true);
	const limit = returnAll
		? undefined
		: wholeNumber(param('limit', 50), 'Limit', 1, Number.MAX_SAFE_INTEGER);
	return { body, limit };
}

/** The item's time range as [start, end) in `timeZone`. */
export function readTimeWindow(
	ctx: IExecuteFunctions,
	itemIndex: number,
	timeZone: string,
): TimeWindow {
	const param = <T>(name: string, fallback?: T): T =>
		ctx.getNodeParameter(name, itemIndex, fallback) as T;
	return resolveTimeRange(
		{
			preset: param<TimeRangePreset>('timeRange'),
			start: param('start', ''),
			end: param('end', ''),
			days: param<number>('days', 7),
			includeToday: param<boolean>('includeToday', false),
		},
		Date.now(),
		timeZone,
	);
}

/** The time zone of an item: Options › Time Zone, else the workflow's. */
export function itemTimeZone(ctx: IExecuteFunctions, options: IDataObject): string {
	return String(options.timeZone || ctx.getTimezone() || 'UTC').trim();
}

const INVALID_JSON = Symbol('invalid JSON');

export function parseFilterJson(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	const parsed = jsonParse<unknown>(value, { fallbackValue: INVALID_JSON });
	if (parsed === INVALID_JSON) {
		throw new QueryValidationError(
			'Filter (JSON)',
			'Filter (JSON) is not valid JSON. Fix the syntax, or switch Filter to Conditions.',
		);
	}
	return parsed;
}

/** A value for a message: null as what an expression gave, empty text as empty, text quoted. */
function shownValue(value: unknown): string {
	if (value === null) return 'null (its expression gave no value)';
	if (value === undefined || value === '') return 'empty';
	return typeof value === 'string' ? `'${value.slice(0, 60)}'` : String(value);
}

export function wholeNumber(value: unknown, field: string, min: number, max: number): number {
	const n = Number(value);
	if (value === null || value === '' || !Number.isInteger(n) || n < min || n > max) {
		// No bound is shown that nobody would type (9007199254740991).
		const range = max >= Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
		throw new QueryValidationError(
			field,
			`${field} is ${shownValue(value)}; it must be a whole number ${range}.`,
		);
	}
	return n;
}

export function positiveNumber(value: unknown, field: string): number {
	const n = Number(value);
	if (value === null || value === '' || !Number.isFinite(n) || n <= 0) {
		throw new QueryValidationError(
			field,
			`${field} is ${shownValue(value)}; it must be a number above 0.`,
		);
	}
	return n;
}

/** Bucket and series of an output row, flattened or raw, for the accuracy check. */

/** Options › Time Zone, the same on every operation. */
export const TIME_ZONE_OPTION: INodeProperties = {
	displayName: 'Time Zone',
	name: 'timeZone',
	type: 'string',
	default: '',
	placeholder: 'Europe/Berlin',
	description:
		"IANA time zone of the buckets and of the time range. Empty: the workflow's time zone.",
};
