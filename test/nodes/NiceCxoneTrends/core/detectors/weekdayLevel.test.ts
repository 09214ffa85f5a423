import { WeekdayLevel } from '../../../../../nodes/NiceCxoneTrends/core/detectors/weekdayLevel';

const WEEKDAY = 0;
const WEEKEND = 1;

/** Day 0 is a Monday; each day is 24 buckets at its level (a day's level is the mean of its values). */
function feed(level: WeekdayLevel, levels: readonly number[]): void {
	levels.forEach((value, day) => {
		const isoWeekday = (day % 7) + 1;
		for (let hour = 0; hour < 24; hour++)
			level.observe(day, isoWeekday, isoWeekday >= 6 ? WEEKEND : WEEKDAY, value);
	});
}

/** Three weeks: Mondays at 128, 130, 132; Tuesday to Friday at 100; weekend days at 40. */
const threeWeeks = [0, 1, 2].flatMap((week) => [128 + 2 * week, 100, 100, 100, 100, 40, 40]);

describe('WeekdayLevel', () => {
	it('follows a weekday that clearly runs above the median day of its kind', () => {
		const level = new WeekdayLevel(4, 3, 7);
		feed(level, threeWeeks);
		// Monday of week 4. The Mondays' mean 130 over the median of the last seven weekdays (132 and six
		// 100s) is 1.3. The day-to-day variance, pooled over the weekdays around their own means, is
		// (2² + 0 + 2²) / 10 degrees of freedom = 0.8; the ratio's variance 0.8 · (1/3 + (π/2)/7) / 100²;
		// the difference 0.3 is kept but for that share of its square.
		const variance = (0.8 * (1 / 3 + Math.PI / 2 / 7)) / 100 ** 2;
		expect(level.factor(21, 1, WEEKDAY)).toBeCloseTo(1 + 0.3 * (1 - variance / 0.09), 12);
		// The Tuesdays run at the median day: factor 1.
		expect(level.factor(22, 2, WEEKDAY)).toBe(1);
	});

	it('keeps nothing of a difference the days’ own spread could explain', () => {
		const level = new WeekdayLevel(4, 3, 7);
		// Mondays at 95, 115, 105 (mean 105); Tuesday to Friday at 90, 110 and 100 in turn: a 5 % difference
		// from the median day (100) that a day-to-day spread of ±10 could make by chance.
		const days = [0, 1, 2].flatMap((week) => [
			[95, 115, 105][week],
			...[0, 1, 2, 3].map((j) => [90, 110, 100][(week + j) % 3]),
			40,
			40,
		]);
		feed(level, days);
		expect(level.factor(21, 1, WEEKDAY)).toBe(1);
	});

	it('says 1 until the weekday has ended `minWeeks` times and its kind `kindDays` days', () => {
		const level = new WeekdayLevel(4, 3, 7);
		feed(level, threeWeeks.slice(0, 14));
		expect(level.factor(14, 1, WEEKDAY)).toBe(1); // two Mondays
		feed(level, threeWeeks);
		expect(level.factor(21, 1, WEEKDAY)).not.toBe(1);
	});

	it('never lets the day being judged inform its own factor', () => {
		const level = new WeekdayLevel(4, 3, 7);
		feed(level, threeWeeks);
		const before = level.factor(21, 1, WEEKDAY);
		for (let hour = 0; hour < 12; hour++) level.observe(21, 1, WEEKDAY, 1000);
		expect(level.factor(21, 1, WEEKDAY)).toBe(before);
		// Once the day has ended, it counts: the Mondays' mean is now (128 + 130 + 132 + 1000) / 4.
		expect(level.factor(28, 1, WEEKDAY)).toBeGreaterThan(before + 1);
	});
});
