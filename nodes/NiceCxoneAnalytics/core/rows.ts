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
	const flat: FlatRow = { bucketStart: row.timeSeries };
	for (const [name, value] of Object.entries(row.dimensions)) flat[dimensionFieldName(name)] = value;
	for (const metric of row.metrics) {
		flat[metricFieldName({ name: metric.name, aggregation: metric.aggregation as never })] = metric.value;
	}
	return flat;
}
