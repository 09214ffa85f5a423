import { DateTime, IANAZone } from 'luxon';

import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../shared/core/time';

/** ISO weekday numbers (1 = Monday … 7 = Sunday) treated as the weekend unless the user says otherwise. */
export const DEFAULT_WEEKEND_DAYS: readonly number[] = [6, 7];

/**
 * Wall-clock position of each timestamp in a time zone: the local day number (days since 1970-01-01
 * local), the ISO weekday (1 = Monday … 7 = Sunday) and the milliseconds since local midnight.
 */
export interface LocalCalendar {
	dayNumber: Int32Array;
	isoWeekday: Int8Array;
	msOfDay: Float64Array;
}

/** ISO weekday (1 = Monday … 7 = Sunday) of local day number `day` (1970-01-01 was a Thursday). */
export function isoWeekdayOf(day: number): number {
	return ((((day + 3) % 7) + 7) % 7) + 1;
}

/**
 * Maps sorted UTC timestamps (ms) to local wall-clock positions in `zone`. The zone's UTC offset is
 * sampled once per day of data and bisected to the minute where it changes (DST), so the cost is
 * O(points + days) rather than one time-zone lookup per point.
 */
export function localCalendar(sortedTimesMs: Float64Array, zone: string): LocalCalendar {
	const n = sortedTimesMs.length;
	const dayNumber = new Int32Array(n);
	const isoWeekday = new Int8Array(n);
	const msOfDay = new Float64Array(n);
	if (n === 0) return { dayNumber, isoWeekday, msOfDay };
	const tz = IANAZone.create(zone);
	const offsetMs = (t: number): number => tz.offset(t) * 60_000;

	let segmentOffset = offsetMs(sortedTimesMs[0]);
	let segmentEnd = findOffsetChange(
		sortedTimesMs[0],
		sortedTimesMs[n - 1],
		segmentOffset,
		offsetMs,
	);
	for (let i = 0; i < n; i++) {
		const t = sortedTimesMs[i];
		while (t >= segmentEnd) {
			segmentOffset = offsetMs(segmentEnd);
			segmentEnd = findOffsetChange(segmentEnd, sortedTimesMs[n - 1], segmentOffset, offsetMs);
		}
		const local = t + segmentOffset;
		const day = Math.floor(local / DAY_MS);
		dayNumber[i] = day;
		isoWeekday[i] = isoWeekdayOf(day);
		msOfDay[i] = local - day * DAY_MS;
	}
	return { dayNumber, isoWeekday, msOfDay };
}

/**
 * First instant after `from` (at most `until`, then +Infinity) where the zone's offset differs from
 * `offset`. Probes once a day, then bisects to the minute; assumes at most one change per day.
 */
function findOffsetChange(
	from: number,
	until: number,
	offset: number,
	offsetMs: (t: number) => number,
): number {
	for (let probe = from + DAY_MS; probe - DAY_MS < until; probe += DAY_MS) {
		if (offsetMs(probe) !== offset) {
			// Offsets change on whole minutes: bisect over minute-aligned instants.
			let lo = Math.floor((probe - DAY_MS) / MINUTE_MS);
			let hi = Math.ceil(probe / MINUTE_MS);
			while (hi - lo > 1) {
				const mid = Math.floor((lo + hi) / 2);
				if (offsetMs(mid * MINUTE_MS) === offset) lo = mid;
				else hi = mid;
			}
			return hi * MINUTE_MS;
		}
	}
	return Infinity;
}

/**
 * Formats a UTC timestamp (ms) as local wall-clock text in `zone`: "HH:mm" when `withDate` is false,
 * else "ccc d LLL HH:mm" (e.g. "Mon 1 Jan 14:00"); date only ("ccc d LLL") when `dateOnly` is true.
 */
export function formatLocalTime(
	timeMs: number,
	zone: string,
	withDate: boolean,
	dateOnly = false,
): string {
	const local = DateTime.fromMillis(timeMs, { zone });
	if (dateOnly) return local.toFormat('ccc d LLL');
	return local.toFormat(withDate ? 'ccc d LLL HH:mm' : 'HH:mm');
}

/** How buckets step through the calendar of a time zone: by whole local days, or by local months. */
export type CalendarStep = { unit: 'days'; days: number } | { unit: 'months' };

/**
 * How buckets of `bucketMs` step through the calendar: whole local days (`days` of them: days, weeks, four
 * weeks) or local months (a month's spacing is detected as its most common gap, 29 to 31 days, an hour
 * either side where the clocks changed in between; 28 days is four weeks, 13 of them a year); undefined
 * for other spacings, which step by `bucketMs` exactly.
 */
export function calendarStepOf(bucketMs: number): CalendarStep | undefined {
	if (bucketMs >= 29 * DAY_MS - HOUR_MS && bucketMs <= 31 * DAY_MS + HOUR_MS)
		return { unit: 'months' };
	if (bucketMs >= DAY_MS && bucketMs % DAY_MS === 0)
		return { unit: 'days', days: bucketMs / DAY_MS };
	return undefined;
}

/** The local month start in `zone` nearest `timeMs`: the start of its own month or of the next one. */
function nearestMonthStart(timeMs: number, zone: string): DateTime {
	const own = DateTime.fromMillis(timeMs, { zone }).startOf('month');
	const next = own.plus({ months: 1 });
	return timeMs - own.toMillis() <= next.toMillis() - timeMs ? own : next;
}

/**
 * The start (UTC ms) of bucket `b` of a grid whose bucket 0 starts at `startMs`, as a function of `b`.
 * Buckets of whole days step by local days in `zone` (a day of 23 or 25 hours where the clocks change, so
 * each bucket starts at the same local time as the first, its local midnight). Month buckets step by local
 * months from the month start nearest `startMs`, keeping `startMs`' distance from it: the local month starts
 * themselves for items of the zone, and for items a few hours off them (UTC midnights read in New York) the
 * same few hours off each month start, not a day of the month that drifts where a month is shorter (31
 * January + 1 month is 29 February). Other spacings: `startMs + b · bucketMs`, without any calendar work.
 */
export function bucketStarts(
	startMs: number,
	bucketMs: number,
	zone: string,
): (b: number) => number {
	const step = calendarStepOf(bucketMs);
	if (step?.unit === 'days') {
		const local = DateTime.fromMillis(startMs, { zone });
		// Only from a local midnight: items at another zone's midnights (UTC days read in New York) keep
		// their fixed 24 hours, instead of sitting an hour off every item in summer.
		if (!local.zone.isUniversal && +local.startOf('day') === startMs)
			return (b) => local.plus({ days: b * step.days }).toMillis();
	} else if (step?.unit === 'months') {
		const anchor = nearestMonthStart(startMs, zone);
		const offsetMs = startMs - anchor.toMillis();
		return (b) => anchor.plus({ months: b }).toMillis() + offsetMs;
	}
	return (b) => startMs + b * bucketMs;
}

/**
 * The calendar a set of items of spacing `bucketMs` follows: the zone in which every item starts a day (or
 * a month) — `zone`, else UTC (UTC days read in London start a local day in winter and not in summer),
 * else `zone` — and their spacing. A detected spacing of 28 days whose items all start months is months
 * (January to March: gaps of 31 and 28 days, the tie going to 28), else four weeks.
 */
export function itemsCalendar(
	times: ArrayLike<number>,
	bucketMs: number,
	zone: string,
	detected: boolean,
): { bucketMs: number; zone: string } {
	const fourWeeks = Math.abs(bucketMs - 28 * DAY_MS) <= HOUR_MS;
	const step = calendarStepOf(bucketMs);
	if (step === undefined && !fourWeeks) return { bucketMs, zone };
	const distinct = [...new Set(Array.from(times))];
	const startAll = (unit: 'day' | 'month', where: string) =>
		distinct.every((t) => +DateTime.fromMillis(t, { zone: where }).startOf(unit) === t);
	if (detected && fourWeeks) {
		const monthZone = startAll('month', zone) ? zone : startAll('month', 'UTC') ? 'UTC' : undefined;
		if (monthZone !== undefined) return { bucketMs: 31 * DAY_MS, zone: monthZone };
	}
	const unit = step?.unit === 'months' ? 'month' : 'day';
	if (startAll(unit, zone)) return { bucketMs, zone };
	return { bucketMs, zone: startAll(unit, 'UTC') ? 'UTC' : zone };
}

/** Where the bucket starting at `startMs` ends (the start of the next one), or `buckets` buckets on. */
export function bucketEndMs(startMs: number, bucketMs: number, zone: string, buckets = 1): number {
	return bucketStarts(startMs, bucketMs, zone)(buckets);
}

/**
 * Buckets of a grid from `startMs` to `endMs` (both bucket starts, see {@link bucketStarts}): months
 * counted on the calendar, other spacings as `(endMs − startMs) / bucketMs` rounded (a day or a week an
 * hour short or long where the clocks changed still counts whole), plus one.
 */
export function gridBucketCount(
	startMs: number,
	endMs: number,
	bucketMs: number,
	zone: string,
): number {
	if (calendarStepOf(bucketMs)?.unit !== 'months')
		return Math.floor((endMs - startMs) / bucketMs + 0.5) + 1;
	const anchor = nearestMonthStart(startMs, zone);
	const end = nearestMonthStart(endMs - (startMs - anchor.toMillis()), zone);
	return (end.year - anchor.year) * 12 + end.month - anchor.month + 1;
}

/**
 * The start of the last bucket of a grid from `startMs` (see {@link bucketStarts}) that is over by `untilMs`
 * (the next bucket starts at or before it); `-Infinity` when none is.
 */
export function lastBucketOverBy(
	startMs: number,
	untilMs: number,
	bucketMs: number,
	zone: string,
): number {
	if (!(untilMs > startMs)) return -Infinity;
	const startOf = bucketStarts(startMs, bucketMs, zone);
	// Near the bucket holding `untilMs`, then a step or two to the exact one.
	let b = gridBucketCount(startMs, untilMs, bucketMs, zone) - 1;
	while (b >= 0 && startOf(b + 1) > untilMs) b--;
	while (startOf(b + 2) <= untilMs) b++;
	return b >= 0 ? startOf(b) : -Infinity;
}

/**
 * `days` days before `timeMs`: local calendar days in `zone` for buckets of whole days and months (so a
 * window of N days holds N + 1 daily bucket starts whatever the clocks did), else `days` × 24 h.
 */
export function daysBeforeMs(timeMs: number, days: number, bucketMs: number, zone: string): number {
	if (calendarStepOf(bucketMs) === undefined) return timeMs - days * DAY_MS;
	return localDaysBeforeMs(timeMs, days, zone);
}

/** The same local time in `zone` `days` calendar days before `timeMs` (a day of 23 or 25 hours between). */
export function localDaysBeforeMs(timeMs: number, days: number, zone: string): number {
	return DateTime.fromMillis(timeMs, { zone }).minus({ days }).toMillis();
}
