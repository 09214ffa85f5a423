import { dimensionFieldName } from '../../shared/core/catalogue';
import { SequenceHash } from '../../shared/core/canonical';
import { ROWS_PER_STEP, runStepsNow, type Steps } from '../../shared/core/steps';
import { bucketStartsBetween } from './buckets';
import type { QueryBody } from './query';
import { ImpossibleResultError } from './rows';
import { HASH_COST } from './steps';

/**
 * Where some rows of a result sit, compactly and in order: row i's bucket start (epoch ms) and the
 * number of its series (its dimension values) among the result's series names. Typed arrays of a
 * million rows take 12 bytes a row, where a key object or a string per row would take ten times that.
 */
export interface RowKeys {
	bucketStartsMs: ArrayLike<number>;
	series: ArrayLike<number>;
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

/** The accuracy of a result without its hash, which the caller computes from the rows it outputs. */
export type AccuracyCounts = Omit<AccuracyReport, 'resultSha256'>;

/**
 * Checks the parts of a result in order against the bucket grid of the requested range: counts rows
 * outside it, repeats of a (bucket, series) pair within a part and across consecutive parts, rows out of
 * order, and the gaps of each series among the rows that are none of those. Each part's rows come as one
 * or more blocks of keys (a page each, say), in order; `seriesNames` names the series by their number.
 * Rows come sorted by bucket, so repeats are looked for among the last two buckets only.
 */
export function checkResult(
	parts: ReadonlyArray<{ keys: readonly RowKeys[]; totalCount?: number }>,
	seriesNames: readonly string[],
	bucketStartsMs: readonly number[],
): { report: AccuracyCounts; rowsOutOfOrder: number } {
	return runStepsNow(checkResultSteps(parts, seriesNames, bucketStartsMs));
}

/** {@link checkResult} in steps: 1 unit a row, and 1 a series, yielded every ROWS_PER_STEP of them. */
export function* checkResultSteps(
	parts: ReadonlyArray<{ keys: readonly RowKeys[]; totalCount?: number }>,
	seriesNames: readonly string[],
	bucketStartsMs: readonly number[],
): Steps<{ report: AccuracyCounts; rowsOutOfOrder: number }> {
	const grid = new Set(bucketStartsMs);
	const bucketsPerSeries = new Map<number, number>();
	// bucket start → series → index of the part that brought it
	const recent = new Map<number, Map<number, number>>();
	let kept = 0;
	let duplicates = 0;
	let overlaps = 0;
	let outside = 0;
	let received = 0;
	let outOfOrder = 0;
	let totalCount: number | null = 0;

	for (let partIndex = 0; partIndex < parts.length; partIndex++) {
		const part = parts[partIndex];
		totalCount =
			part.totalCount === undefined || totalCount === null ? null : totalCount + part.totalCount;
		let latestMs = Number.NEGATIVE_INFINITY;
		for (const block of part.keys) {
			for (let i = 0; i < block.bucketStartsMs.length; i++) {
				if (received > 0 && received % ROWS_PER_STEP === 0) yield ROWS_PER_STEP;
				received++;
				const bucketStartMs = block.bucketStartsMs[i];
				const series = block.series[i];
				if (!grid.has(bucketStartMs)) {
					outside++;
					continue;
				}
				// Rows come by bucket start (docs/api/analytics-v2.md §4): an earlier bucket after a later one is a
				// row repeated or misplaced, which the look-back over the last two buckets would not see.
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
				kept++;
			}
		}
	}

	// The series with the most gaps, without sorting every series (a result may hold a million).
	let missingBuckets = 0;
	let seriesWithGaps = 0;
	const most: Array<readonly [string, number]> = [];
	const before = (a: readonly [string, number], b: readonly [string, number]) =>
		a[1] > b[1] || (a[1] === b[1] && a[0] < b[0]);
	let counted = 0;
	for (const [series, present] of bucketsPerSeries) {
		if (counted > 0 && counted % ROWS_PER_STEP === 0) yield ROWS_PER_STEP;
		counted++;
		const missing = grid.size - present;
		if (missing <= 0) continue;
		missingBuckets += missing;
		seriesWithGaps++;
		const entry = [seriesNames[series], missing] as const;
		if (most.length === MAX_SERIES_LISTED && !before(entry, most[most.length - 1])) continue;
		let at = most.length;
		while (at > 0 && before(entry, most[at - 1])) at--;
		most.splice(at, 0, entry);
		if (most.length > MAX_SERIES_LISTED) most.pop();
	}
	return {
		report: {
			rowsReceived: received,
			totalCount,
			rowsOutput: kept,
			duplicatesDropped: duplicates,
			splitBoundaryOverlapsResolved: overlaps,
			rowsOutsideRange: outside,
			series: bucketsPerSeries.size,
			bucketsInRange: grid.size,
			missingBuckets,
			seriesWithGaps,
			missingBucketsBySeries: Object.fromEntries(most),
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
	report: AccuracyCounts,
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
 * The keys of a query's output rows, read from raw rows (`timeSeries`, `dimensions`) or flattened ones
 * (`bucketStart`, `groupId` …), block by block. Series are numbered in the order first seen, over every
 * block of the query, so the same dimension values have the same number in every part.
 */
export class QueryRowKeys {
	/** The series seen so far (dimension values joined by `|`), by number. */
	readonly seriesNames: string[] = [];
	private readonly seriesNumbers = new Map<string, number>();
	// A result has few distinct bucket starts and many rows: each text is parsed once.
	private readonly parsedStarts = new Map<string, number>();
	private readonly keyOf: (row: Record<string, unknown>) => [start: unknown, series: string];

	constructor(body: QueryBody, raw: boolean) {
		const fields = body.dimensions.map((d) => dimensionFieldName(d.name));
		this.keyOf = raw
			? (row) => [
					row.timeSeries,
					Object.values((row.dimensions ?? {}) as Record<string, unknown>).join('|'),
				]
			: (row) => [row.bucketStart, fields.map((f) => row[f]).join('|')];
	}

	/** The keys of some rows, in their order. */
	keysOf(rows: ReadonlyArray<Record<string, unknown>>): RowKeys {
		return runStepsNow(this.keysOfSteps(rows));
	}

	/** {@link keysOf} in steps: 1 unit a row, yielded every ROWS_PER_STEP rows. */
	*keysOfSteps(rows: ReadonlyArray<Record<string, unknown>>): Steps<RowKeys> {
		const bucketStartsMs = new Float64Array(rows.length);
		const series = new Uint32Array(rows.length);
		for (let i = 0; i < rows.length; i++) {
			if (i > 0 && i % ROWS_PER_STEP === 0) yield ROWS_PER_STEP;
			const [start, name] = this.keyOf(rows[i]);
			bucketStartsMs[i] = this.startMs(start);
			series[i] = this.seriesNumber(name);
		}
		return { bucketStartsMs, series };
	}

	private startMs(value: unknown): number {
		const text = String(value);
		let ms = this.parsedStarts.get(text);
		if (ms === undefined) this.parsedStarts.set(text, (ms = Date.parse(text)));
		return ms;
	}

	private seriesNumber(name: string): number {
		let number = this.seriesNumbers.get(name);
		if (number === undefined) {
			number = this.seriesNames.push(name) - 1;
			this.seriesNumbers.set(name, number);
		}
		return number;
	}
}

/**
 * Checks the keys of a query's result against the bucket grid of its range ({@link checkResult}) and
 * throws an ImpossibleResultError when the result cannot be right; nothing of it may be output then.
 * When it returns, every row received is output, in order.
 */
export function checkQueryKeys(
	parts: ReadonlyArray<{ keys: readonly RowKeys[]; totalCount?: number }>,
	seriesNames: readonly string[],
	body: QueryBody,
): AccuracyCounts {
	return runStepsNow(checkQueryKeysSteps(parts, seriesNames, body));
}

/** {@link checkQueryKeys} in steps. */
export function* checkQueryKeysSteps(
	parts: ReadonlyArray<{ keys: readonly RowKeys[]; totalCount?: number }>,
	seriesNames: readonly string[],
	body: QueryBody,
): Steps<AccuracyCounts> {
	const { timeSeries } = body;
	const grid = bucketStartsBetween(
		Date.parse(timeSeries.start),
		Date.parse(timeSeries.end),
		timeSeries.bucketSize,
		timeSeries.timeZone,
	);
	const checked = yield* checkResultSteps(parts, seriesNames, grid);
	const impossible = impossibleResult(checked.report, checked.rowsOutOfOrder);
	if (impossible) throw new ImpossibleResultError(`a result that cannot be right: ${impossible}`);
	return checked.report;
}

/**
 * Checks the parts of a query's result ({@link checkQueryKeys}) and returns their rows in order, with
 * the accuracy report and, when `hash` is set, the SHA-256 of the rows' canonical JSON array.
 */
export function checkQueryResult<T extends Record<string, unknown>>(
	parts: ReadonlyArray<{ rows: T[]; totalCount?: number }>,
	body: QueryBody,
	options: { raw: boolean; hash: boolean },
): { rows: T[]; report: AccuracyReport } {
	return runStepsNow(checkQueryResultSteps(parts, body, options));
}

/**
 * {@link checkQueryResult} in steps: the keys and checks of every row, and the hash of each (HASH_COST
 * units a row), yielded every ROWS_PER_STEP rows. At a million rows the hash alone took 7 s in one
 * stretch.
 */
export function* checkQueryResultSteps<T extends Record<string, unknown>>(
	parts: ReadonlyArray<{ rows: T[]; totalCount?: number }>,
	body: QueryBody,
	options: { raw: boolean; hash: boolean },
): Steps<{ rows: T[]; report: AccuracyReport }> {
	const keys = new QueryRowKeys(body, options.raw);
	const keyed: Array<{ keys: RowKeys[]; totalCount?: number }> = [];
	for (const part of parts)
		keyed.push({
			keys: [yield* keys.keysOfSteps(part.rows)],
			totalCount: part.totalCount,
		});
	const counts = yield* checkQueryKeysSteps(keyed, keys.seriesNames, body);
	const rows = parts.length === 1 ? parts[0].rows : parts.flatMap((part) => part.rows);
	let resultSha256 = '';
	if (options.hash) {
		const hash = new SequenceHash();
		for (let i = 0; i < rows.length; i++) {
			if (i > 0 && i % ROWS_PER_STEP === 0) yield ROWS_PER_STEP * HASH_COST;
			hash.add(rows[i]);
		}
		resultSha256 = hash.digest();
	}
	return { rows, report: { ...counts, resultSha256 } };
}
