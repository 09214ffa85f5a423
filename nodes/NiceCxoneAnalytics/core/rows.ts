import { findDimension } from './catalogue';
import { metricFieldName } from './query';

/** A result row as the API returns it (contract §4). */
export interface ResultRow {
	timeSeries: string;
	dimensions: Record<string, string>;
	metrics: Array<{ name: string; aggregation: string; value: number | null }>;
}

export type FlatRow = Record<string, string | number | null>;

/** The output field of a dimension: `group.id` → `groupId`, `channel` → `channel`. */
export function dimensionFieldName(name: string): string {
	return findDimension(name)?.fieldName ?? name.replace(/\.(\w)/g, (_, c: string) => c.toUpperCase());
}

/**
 * One flat object per row for downstream nodes: `bucketStart`, one field per dimension, one field
 * per metric named `<metric>_<aggregation>`.
 */
export function flattenRow(row: ResultRow): FlatRow {
	return flattenRowWith(row, (text) => text);
}

function flattenRowWith(row: ResultRow, intern: (text: string) => string): FlatRow {
	const flat: FlatRow = { bucketStart: intern(row.timeSeries) };
	for (const [name, value] of Object.entries(row.dimensions)) flat[dimensionFieldName(name)] = intern(value);
	for (const metric of row.metrics) {
		flat[metricFieldName({ name: metric.name, aggregation: metric.aggregation as never })] = metric.value;
	}
	return flat;
}

/**
 * flattenRow for the rows of one query, keeping one copy of each repeated text (bucket starts,
 * dimension values): parsed pages bring a fresh copy per row, and a large result repeats each
 * thousands of times.
 */
export function createRowFlattener(): (row: ResultRow) => FlatRow {
	const texts = new Map<string, string>();
	const intern = (text: string) => {
		const known = texts.get(text);
		if (known !== undefined) return known;
		texts.set(text, text);
		return text;
	};
	return (row) => flattenRowWith(row, intern);
}
