import { dimensionFieldName } from '../../shared/core/catalogue';
import { SequenceHash } from '../../shared/core/canonical';
import { bucketStartsBetween } from './buckets';
import type { QueryBody } from './query';
import { ImpossibleResultError } from './rows';

/** Where a row sits: its bucket start (epoch ms) and its series (the dimension values). */
export interface RowKey {
	bucketStartMs: number;
	series: string;
}

/** Accuracy of a result, measured on the rows themselves (issue: audit records). */
export interface AccuracyReport {
	/** Rows the server sent, before any was dropped. */
	rowsReceived: number;
	/** Sum of the totalCount of every submitted query; null when a server omitted it. */
	totalCount: number | null;
	rowsOutput: number;
	/** The same bucket and series twice within one query's result. */
	duplicatesDropped: number;
	/** The same bucket and series in two consecutive parts of a split range. */
	splitBoundaryOverlapsResolved: number;
	/** Rows whose bucket is not one of the requested range's buckets. */
	rowsOutsideRange: number;
	series: number;
	bucketsInRange: number;
	/** Buckets of the range with no row, summed over series: no contacts there (or a lost row). */
	missingBuckets: number;
	seriesWithGaps: number;
	/** Missing buckets of the series with the most gaps, at most 20 series. */
	missingBucketsBySeries: Record<string, number>;
	/** SHA-256 of the canonical JSON array of the output rows. */
	resultSha256: string;
}

const MAX_SERIES_LISTED = 20;

/**
 * Checks the parts of a result in order against the bucket grid of the requested range: drops rows
 * outside it and repeats of a (bucket, series) pair, counts gaps per series, and hashes what is kept.
 * Rows come sorted by bucket, so repeats are looked for among the last two buckets only.
 */
export function checkResult<T>(
	parts: ReadonlyArray<{ rows: T[]; totalCount?: number }>,
	keyOf: (row: T) => RowKey,
	bucketStartsMs: readonly number[],
	options: { hash?: boolean } = {},
): { rows: T[]; report: AccuracyReport; rowsOutOfOrder: number } {
	const hashing = options.hash ?? true;
	const grid = new Set(bucketStartsMs);
	const kept: T[] = [];
	const hash = new SequenceHash();
	const bucketsPerSeries = new Map<string, number>();
	// bucket start → series → index of the part that brought it
	const recent = new Map<number, Map<string, number>>();
	let duplicates = 0;
	let overlaps = 0;
	let outside = 0;
	let received = 0;
	let outOfOrder = 0;
	let totalCount: number | null = 0;

	parts.forEach((part, partIndex) => {
		totalCount =
			part.totalCount === undefined || totalCount === null ? null : totalCount + part.totalCount;
		let latestMs = Number.NEGATIVE_INFINITY;
		for (const row of part.rows) {
			received++;
			const { bucketStartMs, series } = keyOf(row);
			if (!grid.has(bucketStartMs)) {
				outside++;
				continue;
			}
			// Rows come by bucket start (docs/api/analytics-v2.md §4): an earlier bucket after a later one is a row
			// repeated or misplaced, which the look-back over the last two buckets would not see.
			if (bucketStartMs < latestMs) outOfOrder++;
			latestMs = Math.max(latestMs, bucketStartMs);
			let seen = recent.get(bucketStartMs);
			if (!seen) {
				seen = new Map();
				recent.set(bucketStartMs, seen);
				if (recent.size > 2) recent.delete(recent.keys().next().value as number);
			}
			const firstPart = seen.get(series);
			if (firstPart !== undefined) {
				if (firstPart === partIndex) duplicates++;
				else overlaps++;
				continue;
			}
			seen.set(series, partIndex);
			bucketsPerSeries.set(series, (bucketsPerSeries.get(series) ?? 0) + 1);
			kept.push(row);
			if (hashing) hash.add(row);
		}
	});

	const gaps = [...bucketsPerSeries]
		.map(([series, present]) => [series, grid.size - present] as const)
		.filter(([, missing]) => missing > 0)
		.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
	return {
		rows: kept,
		report: {
			rowsReceived: received,
			totalCount,
			rowsOutput: kept.length,
			duplicatesDropped: duplicates,
			splitBoundaryOverlapsResolved: overlaps,
			rowsOutsideRange: outside,
			series: bucketsPerSeries.size,
			bucketsInRange: grid.size,
			missingBuckets: gaps.reduce((sum, [, missing]) => sum + missing, 0),
			seriesWithGaps: gaps.length,
			missingBucketsBySeries: Object.fromEntries(gaps.slice(0, MAX_SERIES_LISTED)),
			resultSha256: hashing ? hash.digest() : '',
		},
		rowsOutOfOrder: outOfOrder,
	};
}

/**
 * What makes a checked result impossible as the answer to its query, in words; undefined when nothing
 * does. A repeated (bucket, series), a row outside the requested range, a row out of order or two
 * parts of a split range both holding a bucket are never repaired quietly: one of the rows is wrong,
 * and which cannot be known.
 */
export function impossibleResult(
	report: AccuracyReport,
	rowsOutOfOrder: number,
): string | undefined {
	const problems = [
		[report.duplicatesDropped, 'repeated a bucket and series already sent'],
		[
			report.splitBoundaryOverlapsResolved,
			'repeated a bucket and series of the previous part of the split range',
		],
		[report.rowsOutsideRange, 'lay outside the requested range (or had no valid bucket start)'],
		[rowsOutOfOrder, 'came after a later bucket'],
	] as const;
	const found = problems
		.filter(([count]) => count > 0)
		.map(([count, what]) => `${count} ${count === 1 ? 'row' : 'rows'} ${what}`);
	return found.length === 0 ? undefined : found.join('; ');
}

/**
 * Where an output row of a query sits: its bucket start and its dimension values, read from a raw row
 * (`timeSeries`, `dimensions`) or a flattened one (`bucketStart`, `groupId` …).
 */
export function queryRowKey(
	body: QueryBody,
	raw: boolean,
): (row: Record<string, unknown>) => RowKey {
	// A result has few distinct bucket starts and many rows: each text is parsed once.
	const parsed = new Map<string, number>();
	const startMs = (value: unknown) => {
		const text = String(value);
		let ms = parsed.get(text);
		if (ms === undefined) parsed.set(text, (ms = Date.parse(text)));
		return ms;
	};
	if (raw) {
		return (row) => ({
			bucketStartMs: startMs(row.timeSeries),
			series: Object.values((row.dimensions ?? {}) as Record<string, unknown>).join('|'),
		});
	}
	const fields = body.dimensions.map((d) => dimensionFieldName(d.name));
	return (row) => ({
		bucketStartMs: startMs(row.bucketStart),
		series: fields.map((f) => row[f]).join('|'),
	});
}

/**
 * Checks the parts of a query's result against the bucket grid of its range ({@link checkResult}) and
 * throws an ImpossibleResultError when the result cannot be right; nothing of it may be output then.
 */
export function checkQueryResult<T extends Record<string, unknown>>(
	parts: ReadonlyArray<{ rows: T[]; totalCount?: number }>,
	body: QueryBody,
	options: { raw: boolean; hash: boolean },
): { rows: T[]; report: AccuracyReport } {
	const { timeSeries } = body;
	const grid = bucketStartsBetween(
		Date.parse(timeSeries.start),
		Date.parse(timeSeries.end),
		timeSeries.bucketSize,
		timeSeries.timeZone,
	);
	const checked = checkResult(parts, queryRowKey(body, options.raw), grid, { hash: options.hash });
	const impossible = impossibleResult(checked.report, checked.rowsOutOfOrder);
	if (impossible) throw new ImpossibleResultError(`a result that cannot be right: ${impossible}`);
	return { rows: checked.rows, report: checked.report };
}
