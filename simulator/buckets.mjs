/**
 * Time buckets in the request's IANA time zone (docs/api/analytics-v2.md §2): DAY = local midnights (23- or 25-hour days
 * on daylight-saving changes), HOUR = local hours (the repeated hour when clocks go back gives two
 * buckets with distinct UTC starts), WEEK starts on Monday, MONTH = local month starts.
 */
import { DateTime, FixedOffsetZone, IANAZone } from 'luxon';

const MINUTE_MS = 60_000;

/** Bucket sizes that are a fixed number of local clock minutes. */
const CLOCK_BUCKET_MINUTES = { FIFTEEN_MINUTES: 15, THIRTY_MINUTES: 30, HOUR: 60 };

/** Bucket sizes that follow the calendar, with luxon's unit names. */
const CALENDAR_BUCKET_UNITS = { DAY: 'day', WEEK: 'week', MONTH: 'month' };

/**
 * The start (UTC ms) of the clock bucket containing `instantMs`: the latest instant at or before it whose
 * local wall clock shows a multiple of `minutes`. Using the offset in force at the instant is what makes
 * the repeated fall-back hour a bucket of its own.
 */
function clockBucketStart(zone, instantMs, minutes) {
	const offsetMs = zone.offset(instantMs) * MINUTE_MS;
	const sizeMs = minutes * MINUTE_MS;
	const localMs = instantMs + offsetMs;
	const intoBucketMs = ((localMs % sizeMs) + sizeMs) % sizeMs;
	return instantMs - intoBucketMs;
}

function calendarBucketStart(zoneName, instantMs, unit) {
	// luxon's startOf('week') is the ISO week, which starts on Monday.
	return DateTime.fromMillis(instantMs, { zone: zoneName }).startOf(unit).toMillis();
}

function nextCalendarBucketStart(zoneName, bucketStartMs, unit) {
	const start = DateTime.fromMillis(bucketStartMs, { zone: zoneName });
	return start
		.plus({ [`${unit}s`]: 1 })
		.startOf(unit)
		.toMillis();
}

/**
 * Returns the bucket boundaries covering [startMs, endMs) as an ascending array of UTC ms: bucket i is
 * [boundaries[i], boundaries[i+1]). The first boundary is the aligned start of the bucket containing
 * `startMs` (it may lie before `startMs`); the last is at or after `endMs`.
 */
export function bucketBoundaries(bucketSize, timeZone, startMs, endMs) {
	const boundaries = [];
	const minutes = CLOCK_BUCKET_MINUTES[bucketSize];
	if (minutes !== undefined) {
		// UTC has one offset: no need to ask Intl for it at every boundary.
		const zone = timeZone === 'UTC' ? FixedOffsetZone.utcInstance : IANAZone.create(timeZone);
		const sizeMs = minutes * MINUTE_MS;
		let boundary = clockBucketStart(zone, startMs, minutes);
		boundaries.push(boundary);
		while (boundary < endMs) {
			const aligned = clockBucketStart(zone, boundary + sizeMs, minutes);
			// A zone whose offset jumps back by a whole bucket would realign to the same start; step on.
			boundary = aligned > boundary ? aligned : boundary + sizeMs;
			boundaries.push(boundary);
		}
		return boundaries;
	}
	const unit = CALENDAR_BUCKET_UNITS[bucketSize];
	if (unit === undefined) throw new Error(`Unknown bucket size ${bucketSize}`);
	let boundary = calendarBucketStart(timeZone, startMs, unit);
	boundaries.push(boundary);
	while (boundary < endMs) {
		boundary = nextCalendarBucketStart(timeZone, boundary, unit);
		boundaries.push(boundary);
	}
	return boundaries;
}

/** Formats a UTC instant as the contract's bucket label: `2024-01-01T00:00:00Z` (no milliseconds). */
export function formatBucketStart(instantMs) {
	return new Date(instantMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
