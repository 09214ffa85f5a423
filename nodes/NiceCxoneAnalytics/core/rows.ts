import type { MetricRef } from '../../shared/core/catalogue';
import { dimensionFieldName, metricFieldName } from '../../shared/core/catalogue';

/** A result row as the API returns it (docs/api/analytics-v2.md §4). */
export interface ResultRow {
	timeSeries: string;
	dimensions: Record<string, string>;
	metrics: Array<{ name: string; aggregation: string; value: number | null }>;
}

export type FlatRow = Record<string, string | number | null>;

type ResultMetric = ResultRow['metrics'][number];

/**
 * Longest dimension value the node takes, in characters (as the Trends node's group values). The
 * catalogue's values are ids and short names; text longer than this is no dimension value, and a page
 * of a thousand such rows would hold hundreds of megabytes.
 */
export const MAX_DIMENSION_VALUE_LENGTH = 1_000;

/** What a value from the server is, in words, for an error message. */
function described(value: unknown): string {
	if (typeof value === 'string') return `the text ${JSON.stringify(value.slice(0, 40))}`;
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value).slice(0, 40)}`;
}

/** The output field of a row's metric: `handle_time` `avg` → `handle_time_avg`. */
const resultMetricField = (metric: ResultMetric) => metricFieldName(metric as MetricRef);

/**
 * One flat object per row for downstream nodes: `bucketStart`, one field per dimension, one field
 * per metric named `<metric>_<aggregation>`.
 */
export function flattenRow(row: ResultRow): FlatRow {
	const flat: FlatRow = { bucketStart: row.timeSeries };
	for (const [name, value] of Object.entries(row.dimensions))
		flat[dimensionFieldName(name)] = value;
	for (const metric of row.metrics) flat[resultMetricField(metric)] = metric.value;
	return flat;
}

/** What a flattener needs of the query: its dimensions and metrics, in the request's order. */
export interface FlattenedQuery {
	dimensions?: Array<{ name: string }>;
	metrics: MetricRef[];
}

/**
 * flattenRow for the rows of one query, built for results of a million rows: each row starts as a copy
 * of one object holding the query's fields in order (a copy of an object JSON.parse made keeps every
 * field inside the object, instead of a separate store per row), and one copy of each repeated text
 * (bucket starts, dimension values) is kept, where parsed pages bring a fresh one per row. Together
 * that is about 90 bytes a row in place of 140. A field the API leaves out of a row stays null.
 */
export function createRowFlattener(query: FlattenedQuery): (row: ResultRow) => FlatRow {
	const texts = new Map<string, string>();
	const intern = (text: string) => {
		const known = texts.get(text);
		if (known !== undefined) return known;
		texts.set(text, text);
		return text;
	};
	// Only the query's own dimensions and metrics become fields: a name the server made up (say
	// `bucketStart` or `__proto__`) would overwrite another field or the object's prototype.
	const dimensionFields = new Map(
		(query.dimensions ?? []).map((dimension) => [
			dimension.name,
			dimensionFieldName(dimension.name),
		]),
	);
	const metricFields = new Map<string, Map<string, string>>();
	for (const metric of query.metrics) {
		let byAggregation = metricFields.get(metric.name);
		if (byAggregation === undefined) metricFields.set(metric.name, (byAggregation = new Map()));
		byAggregation.set(metric.aggregation, metricFieldName(metric));
	}
	const fields = [
		'bucketStart',
		...dimensionFields.values(),
		...query.metrics.map(metricFieldName),
	];
	const template = JSON.parse(
		JSON.stringify(Object.fromEntries(fields.map((field) => [field, null]))),
	) as FlatRow;
	return (row) => {
		if (typeof row?.timeSeries !== 'string' || !Array.isArray(row.metrics)) {
			throw new ImpossibleResultError(
				'a row without a timeSeries bucket start or without a list of metrics',
			);
		}
		const flat = { ...template };
		flat.bucketStart = intern(row.timeSeries);
		const dimensions = (row.dimensions ?? {}) as Record<string, unknown>;
		if (typeof dimensions !== 'object' || Array.isArray(dimensions))
			throw new ImpossibleResultError(`a row whose dimensions are ${described(dimensions)}`);
		for (const name in dimensions) {
			const field = dimensionFields.get(name);
			if (field === undefined)
				throw new ImpossibleResultError(
					`a row with the dimension '${name.slice(0, 40)}', which the query did not ask for`,
				);
			const value = dimensions[name];
			if (typeof value !== 'string')
				throw new ImpossibleResultError(
					`a row whose ${name} is ${described(value)}; dimension values are text`,
				);
			if (value.length > MAX_DIMENSION_VALUE_LENGTH)
				throw new ImpossibleResultError(
					`a row whose ${name} is ${value.length} characters long; the node takes dimension values of at most ${MAX_DIMENSION_VALUE_LENGTH} characters`,
				);
			flat[field] = intern(value);
		}
		for (const metric of row.metrics) {
			const field = metricFields.get(metric?.name)?.get(metric?.aggregation);
			if (field === undefined) {
				throw new ImpossibleResultError(
					`a row with the metric '${String(metric?.name).slice(0, 40)}:${String(metric?.aggregation).slice(0, 20)}', which the query did not ask for`,
				);
			}
			const value: unknown = metric.value;
			if (typeof value !== 'number' && value !== null)
				throw new ImpossibleResultError(
					`a row whose ${metric.name}:${metric.aggregation} is ${described(value)}; metric values are numbers (or null)`,
				);
			flat[field] = value;
		}
		return flat;
	};
}

/** A result that cannot be the answer to the query; the message says what the server sent. */
export class ImpossibleResultError extends Error {
	constructor(readonly what: string) {
		super(
			`The CXone API sent ${what}. Nothing was output; run the workflow again, and report it to NICE if it persists.`,
		);
		this.name = 'ImpossibleResultError';
	}
}
