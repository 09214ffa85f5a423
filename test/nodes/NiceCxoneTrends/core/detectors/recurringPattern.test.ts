import { seenOnMostRecentDays } from '../../../../../nodes/NiceCxoneTrends/core/detectors/recurringPattern';

const FIVE_MINUTES_MS = 5 * 60_000;
const SLOTS = 288;

/** Eight days of 5-minute buckets at 10 (expected 10), with `deviate(day, slot)` added. */
function days(deviate: (day: number, slot: number) => number): {
	values: Float64Array;
	expected: Float64Array;
} {
	const values = Float64Array.from(
		{ length: 8 * SLOTS },
		(_, i) => 10 + deviate(Math.floor(i / SLOTS), i % SLOTS),
	);
	return { values, expected: new Float64Array(8 * SLOTS).fill(10) };
}

describe('seenOnMostRecentDays', () => {
	const today = 7 * SLOTS + 40; // day 8, 3:20
	it('takes a spike that came at about this time on four of the last seven days, its minute wandering, for a pattern', () => {
		// A nightly job near 3:20 (slot 40), 25 minutes early or late, on days 3 to 6.
		const job = days((day, slot) =>
			day >= 3 && day <= 6 && slot === 40 + (day % 2 ? 5 : -5) ? 140 : 0,
		);
		job.values[today] = 150;
		expect(seenOnMostRecentDays(job.values, job.expected, today, SLOTS, FIVE_MINUTES_MS)).toBe(
			true,
		);
	});
	it('not on three days, not 35 minutes away, not at a third of the size, and not the other way', () => {
		const three = days((day, slot) => (day >= 4 && day <= 6 && slot === 40 ? 140 : 0));
		three.values[today] = 150;
		expect(seenOnMostRecentDays(three.values, three.expected, today, SLOTS, FIVE_MINUTES_MS)).toBe(
			false,
		);
		const away = days((day, slot) => (day >= 1 && slot === 47 ? 140 : 0));
		away.values[today] = 150;
		expect(seenOnMostRecentDays(away.values, away.expected, today, SLOTS, FIVE_MINUTES_MS)).toBe(
			false,
		);
		const small = days((day, slot) => (day >= 1 && slot === 40 ? 60 : 0));
		small.values[today] = 150;
		expect(seenOnMostRecentDays(small.values, small.expected, today, SLOTS, FIVE_MINUTES_MS)).toBe(
			false,
		);
		const drops = days((day, slot) => (day >= 1 && slot === 40 ? -9 : 0));
		drops.values[today] = 150;
		expect(seenOnMostRecentDays(drops.values, drops.expected, today, SLOTS, FIVE_MINUTES_MS)).toBe(
			false,
		);
	});
	it('reads deviations, not values: the quieter buckets before a ramp are no precedent for a drop', () => {
		// A ramp: expected 10 + slot, the values on it; today's bucket drops to 0.
		const values = Float64Array.from({ length: 8 * SLOTS }, (_, i) => 10 + (i % SLOTS));
		const expected = Float64Array.from(values);
		values[today] = 0;
		expect(seenOnMostRecentDays(values, expected, today, SLOTS, FIVE_MINUTES_MS)).toBe(false);
	});
});
