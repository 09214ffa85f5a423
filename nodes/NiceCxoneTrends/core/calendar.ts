import { DateTime, IANAZone } from 'luxon';

import { DAY_MS, MINUTE_MS } from '../../shared/core/time';

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
		// 1970-01-01 was a Thursday (ISO weekday 4).
		isoWeekday[i] = ((((day + 3) % 7) + 7) % 7) + 1;
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
