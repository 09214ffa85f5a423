import type { AnalysisSettings } from './analyzeSeries';
import { analyzePoints, type PointsAnalysis } from './analyzePoints';
import type { ContactNoise } from './detectors/contactNoise';
import {
	SeriesInputError,
	defaultGroupByFields,
	defaultMetricFields,
	detectBucketMs,
	groupRows,
	missingMeansZero,
	parseMetricValue,
	type MissingBuckets,
	type Row,
} from './series';

/** How rows become series, on top of the analysis settings. */
export interface RowsConfig {
	timestampField: string;
	/** Group-by fields; `undefined` = the query node's dimension fields present in the rows. */
	groupBy?: readonly string[];
	/** Metric fields; `undefined` = every numeric field except the timestamp and group-by fields. */
	metrics?: readonly string[];
	/** Bucket spacing in ms; `undefined` = detected (most common positive gap). */
	bucketMs?: number;
	missingBuckets: MissingBuckets;
	/**
	 * Field with the contacts behind each row (e.g. `count_sum`), used to judge rates (`*_pct`) and averages
	 * (`*_avg`) by their sampling noise; `undefined` = `count_sum` when the rows carry it, `''` = none.
	 */
	countField?: string;
	settings: AnalysisSettings;
}

/** The query node's field with the contacts of each row. */
const DEFAULT_COUNT_FIELD = 'count_sum';

/** How a metric's noise depends on its contacts, from the query node's `<metric>_<aggregation>` name. */
function contactNoiseOf(metric: string): ContactNoise | undefined {
	if (metric.endsWith('_pct')) return 'percent';
	if (metric.endsWith('_avg')) return 'mean';
	return undefined;
}

/** One analysed series: one group-by combination × one metric. */
export interface SeriesResult extends PointsAnalysis {
	/** Values of the group-by fields. */
	groupValues: Record<string, string | number | boolean | null>;
	metric: string;
	/** Input row indices of the series, in input order (parallel to `grid.bucketOfPoint`). */
	rowIndices: number[];
	/** Whether a bucket without a row was read as 0. */
	missingIsZero: boolean;
}

/** All series of a set of rows, with the choices that were made for them. */
export interface RowsAnalysis {
	groupBy: string[];
	metrics: string[];
	bucketMs: number;
	series: SeriesResult[];
}

/**
 * Splits rows into series (one per group-by combination and metric), places each on the common grid of
 * all rows (so a group with no row in the last buckets shows them as missing) and analyses it. Several
 * rows of one series in one bucket are summed where a missing bucket means zero (counts, sums)
 * and averaged otherwise. Throws
 * {@link SeriesInputError} for a missing or unreadable timestamp, an unknown metric field, or no metric.
 */
export function analyzeRows(rows: readonly Row[], config: RowsConfig): RowsAnalysis {
	const groupBy = config.groupBy ? [...config.groupBy] : defaultGroupByFields(rows);
	const metrics = config.metrics
		? [...config.metrics]
		: defaultMetricFields(rows, config.timestampField, groupBy);
	for (const metric of metrics) {
		if (!rows.some((row) => row[metric] !== undefined)) {
			throw new SeriesInputError(
				`Metric field '${metric}' is not in any item. Check 'Metric Fields' against the incoming fields.`,
				'metrics',
			);
		}
	}
	if (rows.length > 0 && metrics.length === 0) {
		throw new SeriesInputError(
			"No numeric metric field found in the items. Set 'Metric Fields' to the fields to analyse.",
			'metrics',
		);
	}
	const groups = groupRows(rows, config.timestampField, groupBy, config.settings.timeZone);
	let gridStartMs = Infinity;
	let gridEndMs = -Infinity;
	for (const group of groups) {
		for (const t of group.timesMs) {
			if (t < gridStartMs) gridStartMs = t;
			if (t > gridEndMs) gridEndMs = t;
		}
	}
	const countField = config.countField ?? (rows.some((row) => typeof row[DEFAULT_COUNT_FIELD] === 'number') ? DEFAULT_COUNT_FIELD : '');
	let bucketMs = config.bucketMs ?? detectBucketMs(groups);
	if (!Number.isFinite(bucketMs)) bucketMs = config.bucketMs ?? 3_600_000;
	const series: SeriesResult[] = [];
	for (const group of groups) {
		for (const metric of metrics) {
			const values = group.rowIndices.map((index) => parseMetricValue(rows[index][metric]));
			const missingIsZero = missingMeansZero(metric, config.missingBuckets);
			const noise = countField !== '' && metric !== countField ? contactNoiseOf(metric) : undefined;
			const contacts = noise && {
				counts: group.rowIndices.map((index) => parseMetricValue(rows[index][countField])),
				noise,
			};
			const analysed = analyzePoints(group.timesMs, values, config.settings, {
				contacts,
				bucketMs,
				missingIsZero,
				duplicates: missingIsZero ? 'sum' : 'mean',
				gridStartMs,
				gridEndMs,
			});
			series.push({ ...analysed, groupValues: group.groupValues, metric, rowIndices: group.rowIndices, missingIsZero });
		}
	}
	return { groupBy, metrics, bucketMs, series };
}
