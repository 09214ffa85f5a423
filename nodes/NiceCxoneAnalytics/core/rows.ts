import { findDimension } from './catalogue';
import type { MetricRef } from './query';
import { metricFieldName } from './query';

/** A result row as the API returns it (contract §4). */
export interface ResultRow {
	timeSeries: string;
	dimensions: Record<string, string>;
	metrics: Array<{ name: string; aggregation: string; value: number | null }>;
}

export type FlatRow = Record<string, string | number | null>;

type ResultMetric = ResultRow['metrics'][number];

/** The output field of a row's metric: `handle_time` `avg` → `handle_time_avg`. */
const resultMetricField = (metric: ResultMetric) => metricFieldName(metric as MetricRef);

/** The output field of a dimension: `group.id` → `groupId`, `channel` → `channel`. */
export function dimensionFieldName(name: string): string {
	return findDimension(name)?.fieldName ?? name.replace(/\.(\w)/g, (_, c: string) => c.toUpperCase());
}

/**
 * One flat object per row for downstream nodes: `bucketStart`, one field per dimension, one field
 * per metric named `<metric>_<aggregation>`.
 */
export function flattenRow(row: ResultRow): FlatRow {
	return flattenRowWith(row, (text) => text, dimensionFieldName, resultMetricField);
}

function flattenRowWith(
	row: ResultRow,
	intern: (text: string) => string,
	dimensionField: (name: string) => string,
	metricField: (metric: ResultMetric) => string,
): FlatRow {
	const flat: FlatRow = { bucketStart: intern(row.timeSeries) };
	const dimensions = row.dimensions;
	for (const name in dimensions) flat[dimensionField(name)] = intern(dimensions[name]);
	for (const metric of row.metrics) flat[metricField(metric)] = metric.value;
	return flat;
}

/**
 * flattenRow for the rows of one query, keeping one copy of each repeated text (bucket starts,
 * dimension values, field names): parsed pages bring a fresh copy per row, and a large result
 * repeats each thousands of times.
 */
export function createRowFlattener(): (row: ResultRow) => FlatRow {
	const texts = new Map<string, string>();
	const intern = (text: string) => {
		const known = texts.get(text);
		if (known !== undefined) return known;
		texts.set(text, text);
		return text;
	};
	const dimensionFields = new Map<string, string>();
	const dimensionField = (name: string) => {
		let field = dimensionFields.get(name);
		if (field === undefined) dimensionFields.set(name, (field = dimensionFieldName(name)));
		return field;
	};
	const metricFields = new Map<string, Map<string, string>>();
	const metricField = (metric: ResultMetric) => {
		let byAggregation = metricFields.get(metric.name);
		if (byAggregation === undefined) metricFields.set(metric.name, (byAggregation = new Map()));
		let field = byAggregation.get(metric.aggregation);
		if (field === undefined) byAggregation.set(metric.aggregation, (field = resultMetricField(metric)));
		return field;
	};
	return (row) => flattenRowWith(row, intern, dimensionField, metricField);
}
