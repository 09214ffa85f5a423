import { DateTime } from 'luxon';

import { DIMENSIONS } from '../../shared/core/catalogue';
import { bucketStarts, calendarStepOf, gridBucketCount } from './calendar';
import { seriesLabel } from './describe';
import { countPositiveGaps, mostCommonPositiveGap, mostFrequent } from './statistics';
import { ROWS_PER_STEP, type Steps } from '../../shared/core/steps';
import { uniqueTruncated } from './truncate';

/** A row as it comes in: the JSON of one item. */
export type Row = Record<string, unknown>;

/** How a bucket with no row is read. */
export type MissingBuckets = 'auto' | 'zero' | 'noValue';

/** How several rows in one bucket of one series are combined. */
export type DuplicateRule = 'sum' | 'mean';

/** The dimension fields of the query node's output, in catalogue order (`groupId`, `channel`, …). */
export const DIMENSION_FIELDS: readonly string[] = DIMENSIONS.map(
	(dimension) => dimension.fieldName,
);

/** Largest number of buckets one series may span, relative to its rows, before the spacing is refused. */
const MAX_BUCKETS_PER_ROW = 50;
const MIN_BUCKET_ALLOWANCE = 100_000;

/** A problem with the input that the user can fix; `field` names the parameter or field concerned. */
export class SeriesInputError extends Error {
	constructor(
		message: string,
		readonly field: string,
		readonly rowIndex?: number,
	) {
		super(message);
		this.name = 'SeriesInputError';
	}
}

/**
 * True when a metric field is additive, so that a bucket with no row means zero rather than no value:
 * fields named `*_sum` or `count_*` (the query node's `<metric>_<aggregation>` names).
 */
export function isAdditiveMetric(field: string): boolean {
	return field.endsWith('_sum') || field.startsWith('count_') || field === 'count';
}

/** Whether a missing bucket of `field` is zero, under the user's choice. */
export function missingMeansZero(field: string, rule: MissingBuckets): boolean {
	if (rule === 'zero') return true;
	if (rule === 'noValue') return false;
	return isAdditiveMetric(field);
}

/**
 * Reads a timestamp as UTC milliseconds: ISO-8601 text (with a UTC offset, or without one, then read as
 * wall-clock time in `zone`), a Date, or a number (milliseconds since 1970, or seconds when below 1e11).
 * `NaN` when it cannot be read.
 */
export function parseTimestamp(raw: unknown, zone: string): number {
	if (typeof raw === 'number')
		return Number.isFinite(raw) ? (Math.abs(raw) < 1e11 ? raw * 1000 : raw) : NaN;
	if (raw instanceof Date) return raw.getTime();
	if (typeof raw !== 'string' || raw.trim() === '') return NaN;
	const text = raw.trim();
	if (/(Z|[+-]\d{2}:?\d{2})$/i.test(text)) {
		const parsed = Date.parse(text);
		if (Number.isFinite(parsed)) return parsed;
	}
	const local = DateTime.fromISO(text.replace(' ', 'T'), { zone });
	return local.isValid ? local.toMillis() : NaN;
}

/** Decimal notation only: `Number()` alone reads "0x10" as 16, "0b11" as 3 and "" as 0. */
const DECIMAL_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * Reads a metric value: a number, or text in decimal notation (`12`, `-3.5`, `1e3`). `NaN` (no value) for
 * anything else, hexadecimal, binary and octal text included. A number past a double's range (`Infinity`,
 * or the text `1e400`) reads as ±Infinity, for the caller to refuse as too large, not to drop as no value.
 */
export function parseMetricValue(raw: unknown): number {
	if (typeof raw === 'number') return raw;
	if (typeof raw === 'string') {
		const text = raw.trim();
		return DECIMAL_TEXT.test(text) ? Number(text) : NaN;
	}
	return NaN;
}

/**
 * A field of an item, read only when the item itself has it: a name such as `constructor` or
 * `__proto__` must not find what every JavaScript object inherits.
 */
export function ownField(row: Row, field: string): unknown {
	return Object.prototype.hasOwnProperty.call(row, field) ? row[field] : undefined;
}

/** The first of `fields` that no row has as its own field; undefined when every one is in some row. */
export function fieldInNoRow(rows: readonly Row[], fields: readonly string[]): string | undefined {
	return fields.find((field) => !rows.some((row) => ownField(row, field) !== undefined));
}

/** The fields the rows have: every own field with a value, and those holding a number in some row. */
export interface FieldSurvey {
	present: Set<string>;
	numeric: Set<string>;
}

/** {@link FieldSurvey} of the rows, in one pass, in steps (see `Steps`): one for every ROWS_PER_STEP rows. */
export function* surveyFields(rows: readonly Row[]): Steps<FieldSurvey> {
	const present = new Set<string>();
	const numeric = new Set<string>();
	for (let index = 0; index < rows.length; index++) {
		if (index > 0 && index % ROWS_PER_STEP === 0) yield ROWS_PER_STEP;
		for (const [field, value] of Object.entries(rows[index])) {
			if (value === undefined) continue;
			present.add(field);
			if (typeof value === 'number') numeric.add(field);
		}
	}
	return { present, numeric };
}

/** Default group-by fields: the query node's dimension fields that occur in any row, in catalogue order. */
export function defaultGroupByFields(survey: FieldSurvey): string[] {
	return DIMENSION_FIELDS.filter((field) => survey.present.has(field));
}

/** Default metric fields: every field holding a number in some row, except the timestamp and group-by fields. */
export function defaultMetricFields(
	survey: FieldSurvey,
	timestampField: string,
	groupBy: readonly string[],
): string[] {
	const excluded = new Set([timestampField, ...groupBy]);
	return [...survey.numeric].filter((field) => !excluded.has(field));
}

/** The rows of one group-by combination, with each row's timestamp (UTC ms) and index in the input. */
export interface RowGroup {
	/** Stable key of the combination (JSON of the values). */
	key: string;
	/** Field → value of the group-by fields (missing fields are `null`). */
	groupValues: Record<string, string | number | boolean | null>;
	rowIndices: number[];
	timesMs: number[];
	/** The time zone of its items: their timestamps without an offset are read in it, its series follow it. */
	timeZone: string;
}

/**
 * Longest group-by value (characters) the node groups by: a label, not a document. Each item's values are
 * joined into its group's key: 4,000 items whose values were one shared string of a megabyte took 7.7 s.
 */
export const MAX_GROUP_VALUE_LENGTH = 10_000;

/**
 * Splits rows into one group per combination of `groupBy` values, in order of first appearance, parsing
 * each row's timestamp in its time zone (`zoneOf` its index). Throws {@link SeriesInputError} naming the row
 * when a timestamp is missing or unreadable, a group-by value is longer than {@link MAX_GROUP_VALUE_LENGTH},
 * or a group's rows are in two time zones (a series has one calendar); and, as soon as there are more than
 * `maxGroups` groups, the error `tooManyGroups` makes. In steps (see `Steps`): one for every ROWS_PER_STEP
 * rows, the rows its work.
 */
export function* groupRows(
	rows: readonly Row[],
	timestampField: string,
	groupBy: readonly string[],
	zoneOf: (rowIndex: number) => string,
	maxGroups: number,
	tooManyGroups: (groups: number) => Error,
): Steps<RowGroup[]> {
	const groups = new Map<string, RowGroup>();
	for (let index = 0; index < rows.length; index++) {
		if (index > 0 && index % ROWS_PER_STEP === 0) yield ROWS_PER_STEP;
		const row = rows[index];
		const raw = ownField(row, timestampField);
		if (raw === undefined || raw === null) {
			throw new SeriesInputError(
				`Timestamp field '${timestampField}' is missing in item ${index}. Set 'Timestamp Field' to the field that holds the bucket start.`,
				'timestampField',
				index,
			);
		}
		const zone = zoneOf(index);
		const timeMs = parseTimestamp(raw, zone);
		if (!Number.isFinite(timeMs)) {
			throw new SeriesInputError(
				`Timestamp field '${timestampField}' in item ${index} holds '${String(raw).slice(0, 100)}', which is not a date. Use ISO-8601 text such as 2024-01-01T00:00:00Z or epoch milliseconds.`,
				'timestampField',
				index,
			);
		}
		const groupValues: RowGroup['groupValues'] = {};
		for (const field of groupBy) {
			const value = ownField(row, field);
			if (typeof value === 'string' && value.length > MAX_GROUP_VALUE_LENGTH) {
				throw new SeriesInputError(
					`Group By field '${field}' in item ${index} holds ${value.length.toLocaleString('en-US')} characters; the node groups by values of at most ${MAX_GROUP_VALUE_LENGTH.toLocaleString('en-US')}. Group by a field that names the group (an id or a name).`,
					'groupBy',
					index,
				);
			}
			// defineProperty: a field named __proto__ becomes a field, not the object's prototype.
			Object.defineProperty(groupValues, field, {
				value:
					typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
						? value
						: null,
				enumerable: true,
				writable: true,
				configurable: true,
			});
		}
		const key = JSON.stringify(groupBy.map((field) => groupValues[field]));
		let group = groups.get(key);
		if (!group) {
			if (groups.size >= maxGroups) throw tooManyGroups(maxGroups);
			group = { key, groupValues, rowIndices: [], timesMs: [], timeZone: zone };
			groups.set(key, group);
		} else if (group.timeZone !== zone) throw twoZones(group, index, zone, groupBy.length > 0);
		group.rowIndices.push(index);
		group.timesMs.push(timeMs);
	}
	return [...groups.values()];
}

/** The error for a group whose row `index` is in `zone`, another time zone than its earlier rows'. */
function twoZones(
	group: RowGroup,
	index: number,
	zone: string,
	grouped: boolean,
): SeriesInputError {
	const zones = `${group.timeZone} (item ${group.rowIndices[0]}) and ${zone} (item ${index})`;
	return new SeriesInputError(
		grouped
			? `Group '${uniqueTruncated(seriesLabel(group.groupValues))}' has items in two time zones, ${zones}; its series follow one calendar. Give each group one time zone in 'Time Zone', or add the field that tells the sites apart to 'Group By'.`
			: `The items are in two time zones, ${zones}, and no Group By field tells them apart; a series follows one calendar. Set 'Group By' to the field that tells the sites apart (e.g. siteId), or give every item one time zone.`,
		'timeZone',
		index,
	);
}

/**
 * Bucket spacing in ms: the most common positive gap between distinct timestamps of all groups (each
 * group's own gaps). `NaN` when no group has two distinct timestamps.
 */
export function detectBucketMs(groups: readonly RowGroup[]): number {
	const counts = new Map<number, number>();
	for (const group of groups)
		countPositiveGaps(
			[...group.timesMs].sort((a, b) => a - b),
			counts,
		);
	return mostFrequent(counts);
}

/** Bucket spacing in ms of one sorted timestamp list (the most common positive gap). */
export function detectBucketMsOfTimes(sortedTimesMs: ArrayLike<number>): number {
	return mostCommonPositiveGap(sortedTimesMs);
}

/** A series on a regular grid of buckets. */
export interface RegularSeries {
	/** Bucket spacing, ms (a month's: its detected 28 to 31 days). */
	bucketMs: number;
	/**
	 * Bucket start per bucket, UTC ms: grid start + i · bucketMs, or for buckets of whole days and of months
	 * the local calendar steps from the grid start (see `bucketStarts`).
	 */
	timesMs: Float64Array;
	/** Value per bucket in the metric's unit; `NaN` = no value. */
	values: Float64Array;
	/** Rows that fell in each bucket: 0 = none (value filled in or no value). */
	rowCount: Int32Array;
	/** Bucket index of each input point, in input order. */
	bucketOfPoint: Int32Array;
	/** Buckets that received more than one row. */
	duplicateBuckets: number;
	/** The zone whose calendar the grid's days and months follow. */
	zone: string;
}

/**
 * Bucket starts of a grid of `bucketCount` buckets from `gridStartMs` (see `bucketStarts`): calendar steps
 * of `zone` for buckets of days and months (one time-zone computation a bucket, tens of microseconds: a
 * caller with many series on one grid makes it once), else `gridStartMs + b · bucketMs`.
 */
export function gridTimes(
	gridStartMs: number,
	bucketCount: number,
	bucketMs: number,
	zone: string,
): Float64Array {
	const times = new Float64Array(bucketCount);
	const startOf = bucketStarts(gridStartMs, bucketMs, zone);
	for (let b = 0; b < bucketCount; b++) times[b] = startOf(b);
	return times;
}

/** Index of the time in sorted `times` nearest `t` (the earlier of two as near). */
function nearestIndex(times: Float64Array, t: number): number {
	let lo = 0;
	let hi = times.length - 1;
	while (hi - lo > 1) {
		const mid = (lo + hi) >> 1;
		if (times[mid] <= t) lo = mid;
		else hi = mid;
	}
	return t - times[lo] <= times[hi] - t ? lo : hi;
}

/**
 * Places points on the regular grid of buckets from `gridStartMs` to `gridEndMs` — `gridStartMs + i ·
 * bucketMs`, or calendar days and months of `zone` for such buckets (see `bucketStarts`; default UTC) —
 * each point in its nearest bucket (on the calendar, the nearest bucket start). Several points in one bucket
 * are combined by `duplicates` (non-finite values are skipped); a bucket with no point is 0 when
 * `missingIsZero` (from the first point on; before it, no value), else no value (`NaN`). A bucket whose points all lack a value stays no value. Throws
 * {@link SeriesInputError} when the grid would be absurdly large for the number of points (a spacing far
 * finer than the data).
 *
 * A bucket's time is its calendar start, not the time of the rows in it: every series of a set of rows
 * shares one grid, whichever buckets its own rows fill.
 */
export function toRegularGrid(
	timesMs: ArrayLike<number>,
	values: ArrayLike<number>,
	bucketMs: number,
	gridStartMs: number,
	gridEndMs: number,
	missingIsZero: boolean,
	duplicates: DuplicateRule,
	zone = 'UTC',
	/** The grid's bucket starts when the caller made them (see {@link gridTimes}); copied. */
	knownTimes?: Float64Array,
): RegularSeries {
	const pointCount = timesMs.length;
	const bucketCount = gridBucketCount(gridStartMs, gridEndMs, bucketMs, zone);
	if (bucketCount > Math.max(MIN_BUCKET_ALLOWANCE, MAX_BUCKETS_PER_ROW * pointCount)) {
		throw new SeriesInputError(
			`A bucket spacing of ${bucketMs / 1000} s would spread ${pointCount} rows over ${bucketCount} buckets. Set 'Bucket Minutes' to the spacing of your data.`,
			'bucketMinutes',
		);
	}
	const times =
		knownTimes?.length === bucketCount
			? knownTimes.slice()
			: gridTimes(gridStartMs, bucketCount, bucketMs, zone);
	const sums = new Float64Array(bucketCount);
	const valueCounts = new Int32Array(bucketCount);
	const rowCount = new Int32Array(bucketCount);
	const bucketOfPoint = new Int32Array(pointCount);
	// On the calendar, the nearest bucket start; else the fixed step.
	if (calendarStepOf(bucketMs) !== undefined)
		for (let i = 0; i < pointCount; i++) bucketOfPoint[i] = nearestIndex(times, timesMs[i]);
	else
		for (let i = 0; i < pointCount; i++)
			bucketOfPoint[i] = Math.min(
				bucketCount - 1,
				Math.max(0, Math.round((timesMs[i] - gridStartMs) / bucketMs)),
			);
	for (let i = 0; i < pointCount; i++) {
		const bucket = bucketOfPoint[i];
		rowCount[bucket]++;
		const value = values[i];
		if (Number.isFinite(value)) {
			sums[bucket] += value;
			valueCounts[bucket]++;
		}
	}
	const series = new Float64Array(bucketCount);
	let duplicateBuckets = 0;
	// Before a series' first row it did not exist yet (a channel launched in the window): no value, not
	// zero contacts; a zero history would make its first days' every contact a spike.
	let started = false;
	for (let b = 0; b < bucketCount; b++) {
		if (rowCount[b] > 0) started = true;
		if (rowCount[b] > 1) duplicateBuckets++;
		if (valueCounts[b] > 0) series[b] = duplicates === 'sum' ? sums[b] : sums[b] / valueCounts[b];
		else series[b] = rowCount[b] === 0 && missingIsZero && started ? 0 : NaN;
	}
	return {
		bucketMs,
		timesMs: times,
		values: series,
		rowCount,
		bucketOfPoint,
		duplicateBuckets,
		zone,
	};
}
