import { DateTime } from 'luxon';

import type { BucketSize } from '../../shared/core/catalogue';
import { HOUR_MS, MINUTE_MS } from '../../shared/core/time';

/**
 * Time-bucket arithmetic in an IANA time zone (docs/api/analytics-v2.md §2): buckets start at local quarter hours,
 * half hours, hours, midnights, Mondays or month starts. Instants are epoch milliseconds.
 */

const MINUTES_PER_BUCKET: Partial<Record<BucketSize, number>> = {
	FIFTEEN_MINUTES: 15,
	THIRTY_MINUTES: 30,
	HOUR: 60,
};

const CALENDAR_UNIT: Partial<Record<BucketSize, 'day' | 'week' | 'month'>> = {
	DAY: 'day',
	WEEK: 'week',
	MONTH: 'month',
};

/** Start (epoch ms) of the bucket that contains `instantMs`. */
export function bucketStartOf(instantMs: number, bucketSize: BucketSize, zone: string): number {
	const local = DateTime.fromMillis(instantMs, { zone });
	const minutes = MINUTES_PER_BUCKET[bucketSize];
	if (minutes !== undefined) {
		// Subtract the local wall-clock remainder instead of setting fields, so that the repeated
		// hour on the night clocks go back stays two distinct buckets.
		const intoBucketMs = ((local.minute % minutes) * 60 + local.second) * 1000 + local.millisecond;
		return instantMs - intoBucketMs;
	}
	return local.startOf(CALENDAR_UNIT[bucketSize] as 'day').toMillis();
}

/** Start (epoch ms) of the bucket after the one that starts at `bucketStartMs`. */
export function nextBucketStart(
	bucketStartMs: number,
	bucketSize: BucketSize,
	zone: string,
): number {
	const minutes = MINUTES_PER_BUCKET[bucketSize];
	if (minutes !== undefined) {
		// Realigned to the local clock, as the server does: where the offset moves by less than a
		// bucket (Lord Howe Island's 30 minutes) the bucket before the change is shorter.
		const aligned = bucketStartOf(bucketStartMs + minutes * MINUTE_MS, bucketSize, zone);
		return aligned > bucketStartMs ? aligned : bucketStartMs + minutes * MINUTE_MS;
	}
	const unit = CALENDAR_UNIT[bucketSize] as 'day';
	return DateTime.fromMillis(bucketStartMs, { zone })
		.plus({ [`${unit}s`]: 1 })
		.startOf(unit)
		.toMillis();
}

/** The bucket starts of every bucket that overlaps [startMs, endMs), in order. */
export function bucketStartsBetween(
	startMs: number,
	endMs: number,
	bucketSize: BucketSize,
	zone: string,
): number[] {
	const starts: number[] = [];
	for (
		let at = bucketStartOf(startMs, bucketSize, zone);
		at < endMs;
		at = nextBucketStart(at, bucketSize, zone)
	) {
		starts.push(at);
	}
	return starts;
}

export interface TimeWindow {
	startMs: number;
	endMs: number;
}

/**
 * Splits [startMs, endMs) into consecutive windows of at most `maxHours` real hours each, cut only
 * at bucket boundaries, so that no bucket is shared by two windows (the server labels a partial
 * bucket with its aligned start, and two partial rows for one bucket would double it).
 */
export function splitAtBucketBoundaries(
	window: TimeWindow,
	bucketSize: BucketSize,
	zone: string,
	maxHours: number,
): TimeWindow[] {
	const windows: TimeWindow[] = [];
	let startMs = window.startMs;
	while (startMs < window.endMs) {
		const latestEndMs = startMs + maxHours * HOUR_MS;
		if (window.endMs <= latestEndMs) {
			windows.push({ startMs, endMs: window.endMs });
			break;
		}
		const cutMs = bucketStartOf(latestEndMs, bucketSize, zone);
		if (cutMs <= startMs) {
			throw new Error(
				`A ${bucketSize} bucket is longer than ${maxHours} hours; it cannot be split.`,
			);
		}
		windows.push({ startMs, endMs: cutMs });
		startMs = cutMs;
	}
	return windows;
}

/**
 * Cuts a window in two at the bucket boundary nearest its middle, for a `result_too_large`
 * answer. Returns undefined when the window holds a single bucket and cannot be cut.
 */
export function halveAtBucketBoundary(
	window: TimeWindow,
	bucketSize: BucketSize,
	zone: string,
): [TimeWindow, TimeWindow] | undefined {
	const middleMs = window.startMs + (window.endMs - window.startMs) / 2;
	let cutMs = bucketStartOf(middleMs, bucketSize, zone);
	if (cutMs <= window.startMs) {
		cutMs = nextBucketStart(bucketStartOf(window.startMs, bucketSize, zone), bucketSize, zone);
	}
	if (cutMs <= window.startMs || cutMs >= window.endMs) return undefined;
	return [
		{ startMs: window.startMs, endMs: cutMs },
		{ startMs: cutMs, endMs: window.endMs },
	];
}

/** ISO-8601 in UTC without milliseconds, the form of the contract's examples. */
export function toIsoUtc(instantMs: number): string {
	return new Date(instantMs).toISOString().replace('.000Z', 'Z');
}
