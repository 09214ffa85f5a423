import { MINUTE_MS } from '../../../shared/core/time';

/** How far in time of day a past value may lie and still be "at about this time". */
const ABOUT_THIS_TIME_MS = 30 * MINUTE_MS;
/** Days looked back. */
const DAYS_BACK = 7;
/** Days of those that must have had such a value: most of them. */
const DAYS_NEEDED = 4;
/** Share of the deviation a past bucket's own deviation must reach, the same way, to count. */
const DEVIATION_SHARE = 0.5;

/**
 * Whether a deviation is a pattern rather than an anomaly: a deviation at least half as large, the same way,
 * each from its own bucket's expected value (`expected`, as judged then), was seen at about this time of day
 * (within half an hour) on most of the last seven days. Deviations, not values: on a steep morning ramp the
 * quieter buckets half an hour earlier are no precedent for a drop. A nightly batch job whose minute
 * wanders, a callback campaign started by hand around nine: the time-of-day slots' medians cannot hold a
 * spike that moves by a few buckets from day to day, but it is no surprise on the fifth day it happens.
 * Sub-day buckets (`slotsPerDay` > 1); reads only earlier values (causal). Cost: at most
 * 7 × (2 · reach + 1) reads, paid only by the buckets about to alert.
 */
export function seenOnMostRecentDays(
	values: Float64Array,
	expected: Float64Array,
	i: number,
	slotsPerDay: number,
	bucketMs: number,
): boolean {
	const reach = Math.floor(ABOUT_THIS_TIME_MS / bucketMs);
	const deviation = values[i] - expected[i];
	const needed = DEVIATION_SHARE * deviation;
	const up = deviation > 0;
	let days = 0;
	for (let day = 1; day <= DAYS_BACK; day++) {
		const centre = i - day * slotsPerDay;
		if (centre - reach < 0) break;
		for (let offset = -reach; offset <= reach; offset++) {
			const past = values[centre + offset] - expected[centre + offset];
			if (up ? past >= needed : past <= needed) {
				days++;
				break;
			}
		}
		if (days >= DAYS_NEEDED) return true;
	}
	return false;
}
