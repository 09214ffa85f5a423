/**
 * The analytics-v2 catalogue and the platform limits: the one source of truth for the nodes' option
 * lists, the validation, the output field names, the simulator and the docs (docs/api/analytics-v2.md §2, §3, §5 and §7).
 */

export type Aggregation = 'sum' | 'avg' | 'min' | 'max' | 'pct';

export interface MetricDefinition {
	name: string;
	displayName: string;
	/** What one value means, with its unit. */
	description: string;
	aggregations: readonly Aggregation[];
}

export const METRICS: readonly MetricDefinition[] = [
	{
		name: 'count',
		displayName: 'Contacts',
		description: 'Number of contacts',
		aggregations: ['sum'],
	},
	{
		name: 'duration',
		displayName: 'Duration',
		description: 'Total contact duration, seconds',
		aggregations: ['avg', 'sum', 'min', 'max'],
	},
	{
		name: 'handle_time',
		displayName: 'Handle Time',
		description: 'Talk + hold + after-contact work, seconds',
		aggregations: ['avg', 'sum', 'min', 'max'],
	},
	{
		name: 'talk_time',
		displayName: 'Talk Time',
		description: 'Talk time, seconds',
		aggregations: ['avg', 'sum', 'min', 'max'],
	},
	{
		name: 'hold_time',
		displayName: 'Hold Time',
		description: 'Hold time, seconds',
		aggregations: ['avg', 'sum', 'min', 'max'],
	},
	{
		name: 'acw_time',
		displayName: 'After-Contact Work',
		description: 'After-contact work time, seconds',
		aggregations: ['avg', 'sum', 'min', 'max'],
	},
	{
		name: 'queue_time',
		displayName: 'Queue Time',
		description: 'Wait before answer (speed of answer), seconds',
		aggregations: ['avg', 'max'],
	},
	{
		name: 'abandoned',
		displayName: 'Abandoned',
		description: 'Contacts abandoned before answer (sum) or their share in percent (pct)',
		aggregations: ['sum', 'pct'],
	},
	{
		name: 'first_contact_resolved',
		displayName: 'First Contact Resolved',
		description: 'Contacts resolved without a repeat contact (sum) or their share in percent (pct)',
		aggregations: ['sum', 'pct'],
	},
	{
		name: 'service_level',
		displayName: 'Service Level',
		description: 'Share of contacts answered within the threshold, percent',
		aggregations: ['pct'],
	},
	{
		name: 'transferred',
		displayName: 'Transferred',
		description: 'Contacts transferred (sum) or their share in percent (pct)',
		aggregations: ['sum', 'pct'],
	},
	{
		name: 'sentiment',
		displayName: 'Sentiment',
		description: 'Customer sentiment, -1 to 1',
		aggregations: ['avg', 'min', 'max'],
	},
];

export interface DimensionDefinition {
	name: string;
	displayName: string;
	/** The field name of this dimension in flattened output items (`group.id` → `groupId`). */
	fieldName: string;
	/** Known values, where the catalogue fixes them. */
	values?: readonly string[];
}

export const DIMENSIONS: readonly DimensionDefinition[] = [
	{ name: 'group.id', displayName: 'Group', fieldName: 'groupId' },
	{ name: 'team.id', displayName: 'Team', fieldName: 'teamId' },
	{ name: 'skill.id', displayName: 'Skill', fieldName: 'skillId' },
	{ name: 'agent.id', displayName: 'Agent', fieldName: 'agentId' },
	{
		name: 'channel',
		displayName: 'Channel',
		fieldName: 'channel',
		values: ['voice', 'chat', 'email', 'sms', 'social'],
	},
	{
		name: 'direction',
		displayName: 'Direction',
		fieldName: 'direction',
		values: ['inbound', 'outbound'],
	},
	{ name: 'disposition', displayName: 'Disposition', fieldName: 'disposition' },
];

export type BucketSize = 'FIFTEEN_MINUTES' | 'THIRTY_MINUTES' | 'HOUR' | 'DAY' | 'WEEK' | 'MONTH';

export const BUCKET_SIZES: ReadonlyArray<{ value: BucketSize; displayName: string }> = [
	{ value: 'FIFTEEN_MINUTES', displayName: '15 Minutes' },
	{ value: 'THIRTY_MINUTES', displayName: '30 Minutes' },
	{ value: 'HOUR', displayName: 'Hour' },
	{ value: 'DAY', displayName: 'Day' },
	{ value: 'WEEK', displayName: 'Week (Starts Monday)' },
	{ value: 'MONTH', displayName: 'Month' },
];

export const FILTER_PREDICATES = ['equals', 'notEquals', 'in'] as const;
export const FILTER_COMPOUNDS = ['and', 'or'] as const;

export const LIMITS = {
	minMetrics: 1,
	maxMetrics: 10,
	maxDimensions: 5,
	minFilterValues: 1,
	maxFilterValues: 100,
	minFilterMembers: 1,
	maxFilterMembers: 10,
	/** Levels of and/or nesting in a filter. */
	maxFilterDepth: 3,
	/** Longest query range, in hours, for HOUR and coarser buckets. */
	maxRangeHours: 365 * 24,
	/** Longest query range, in hours, for FIFTEEN_MINUTES and THIRTY_MINUTES buckets. */
	maxRangeHoursSubHourly: 31 * 24,
	minPageSize: 1,
	maxPageSize: 1000,
	defaultPageSize: 500,
	/** Queries of one tenant that may be PENDING or RUNNING at once. */
	maxActiveQueriesPerTenant: 5,
	/** The server's limit on estimated result rows before it answers `result_too_large`. */
	maxEstimatedRows: 1_000_000,
	/** Requests one token may send in a rolling minute. */
	maxRequestsPerMinute: 600,
	/** How long results of a completed query stay readable. */
	resultTtlMinutes: 60,
} as const;

export const SUB_HOURLY_BUCKETS: readonly BucketSize[] = ['FIFTEEN_MINUTES', 'THIRTY_MINUTES'];

export function findMetric(name: string): MetricDefinition | undefined {
	return METRICS.find((metric) => metric.name === name);
}

export function findDimension(name: string): DimensionDefinition | undefined {
	return DIMENSIONS.find((dimension) => dimension.name === name);
}

/** Longest allowed range for a bucket size, in hours. */
export function maxRangeHoursFor(bucketSize: BucketSize): number {
	return SUB_HOURLY_BUCKETS.includes(bucketSize)
		? LIMITS.maxRangeHoursSubHourly
		: LIMITS.maxRangeHours;
}

/** Limits of the CXone Reporting API (completed contacts, skill summaries, report jobs). */
export const PLATFORM_LIMITS = {
	/** Longest window one Reporting API call may cover, in days. */
	maxWindowDays: 31,
	/** How far back completed contacts reach, in days. */
	completedContactsRetentionDays: 30,
	/** Most completed contacts one page may hold (`top`). */
	completedContactsPageSize: 10_000,
} as const;

/** A metric with one of its aggregations, as a query names it. */
export interface MetricRef {
	name: string;
	aggregation: Aggregation;
}

/** The output field of a metric in flattened items: `handle_time` `avg` → `handle_time_avg`. */
export function metricFieldName(metric: MetricRef): string {
	return `${metric.name}_${metric.aggregation}`;
}

/**
 * The catalogue metric behind an output field (the inverse of {@link metricFieldName}):
 * `handle_time_avg` → `{ name: 'handle_time', aggregation: 'avg' }`; `undefined` for any other field.
 */
export function parseMetricField(field: string): MetricRef | undefined {
	const cut = field.lastIndexOf('_');
	if (cut <= 0) return undefined;
	const metric = findMetric(field.slice(0, cut));
	const aggregation = field.slice(cut + 1) as Aggregation;
	return metric?.aggregations.includes(aggregation)
		? { name: metric.name, aggregation }
		: undefined;
}

/** The output field of a dimension: `group.id` → `groupId`, `channel` → `channel`. */
export function dimensionFieldName(name: string): string {
	return (
		findDimension(name)?.fieldName ?? name.replace(/\.(\w)/g, (_, c: string) => c.toUpperCase())
	);
}
