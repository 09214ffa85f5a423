import { WeekdayLevel } from '../../../../../nodes/NiceCxoneTrends/core/detectors/weekdayLevel';

const WEEKDAY = 0;
const WEEKEND = 1;

/** Day d of `levels` (day 0 a Monday) as 24 buckets at its level: a day's level is the mean of its values. */
function feed(level: WeekdayLevel, levels: readonly number[], firstDay = 0): void {
	levels.forEach((value, j) => {
		const day = firstDay + j;
		const isoWeekday = (day % 7) + 1;
		for (let hour = 0; hour < 24; hour++)
			level.observe(day, isoWeekday, isoWeekday >= 6 ? WEEKEND : WEEKDAY, value);
	});
}

/** Five weeks: Tuesday to Friday at 100, weekend days at 40, the Mondays at `mondays`. */
const fiveWeeks = (mondays: readonly number[]): number[] =>
	mondays.flatMap((monday) => [monday, 100, 100, 100, 100, 40, 40]);

describe('WeekdayLevel', () => {
	it('follows a weekday that clearly runs above the median day of its kind', () => {
		const level = new WeekdayLevel(4, 3, 7);
		feed(level, fiveWeeks([130, 128, 128, 130, 132]));
		// A day's ratio is kept once seven weekdays come before it (from day 9): the Mondays of days 14, 21
		// and 28 ran 1.28, 1.30 and 1.32 times the median of the seven weekdays before them (100). Their median
		// 1.30 is kept but for the share of 0.3² that its variance explains: the ratios' variance pooled over
		// the weekdays (0.02² · 2 over 2 + 2 + 3 · 3 degrees of freedom: three ratios of Mondays and Tuesdays,
		// four of the other weekdays, which are all 1) · (π/2) / 3.
		const variance = (((0.02 ** 2 * 2) / 13) * Math.PI) / 2 / 3;
		expect(level.factor(35, 1, WEEKDAY)).toBeCloseTo(1 + 0.3 * (1 - variance / 0.09), 12);
		// The Tuesdays run at the median day: factor 1.
		expect(level.factor(36, 2, WEEKDAY)).toBe(1);
	});

	it('sets a day against the seven days of its kind before it, as the seasonal reference does', () => {
		const level = new WeekdayLevel(4, 3, 7);
		// Weekdays at 1250, 1100, 1000, 950 and 800: the seven weekdays before a Tuesday hold one Tuesday
		// and two Mondays and Fridays (median 1000), those before a Wednesday two Mondays and two Tuesdays
		// (median 1100). A reference of those seven days times the factor gives each weekday its own level.
		feed(
			level,
			[1, 2, 3, 4, 5, 6].flatMap(() => [1250, 1100, 1000, 950, 800, 300, 250]),
		);
		expect(level.factor(42, 2, WEEKDAY)).toBeCloseTo(1100 / 1000, 12);
		expect(level.factor(42, 3, WEEKDAY)).toBeCloseTo(1000 / 1100, 12);
	});

	it('keeps nothing of a difference the days’ own spread could explain', () => {
		const level = new WeekdayLevel(4, 3, 7);
		// The Mondays' ratios 0.8, 1.05 and 1.3: a median 5 % above the median day, well within their spread.
		feed(level, fiveWeeks([100, 100, 80, 105, 130]));
		expect(level.factor(35, 1, WEEKDAY)).toBe(1);
	});

	it('says 1 until `minWeeks` ratios of the weekday exist', () => {
		const level = new WeekdayLevel(4, 3, 7);
		const days = fiveWeeks([130, 128, 128, 130, 132]);
		feed(level, days.slice(0, 28));
		expect(level.factor(28, 1, WEEKDAY)).toBe(1); // the Mondays of days 14 and 21
		feed(level, days.slice(28), 28);
		expect(level.factor(35, 1, WEEKDAY)).toBeGreaterThan(1.29);
	});

	it('says 1 while each weekday has one ratio only (`minWeeks` 1: no spread to judge by yet)', () => {
		const level = new WeekdayLevel(4, 1, 7);
		// Ratios from day 8 on: Tuesday to Friday of the second week and its Monday of day 14, one each.
		feed(level, fiveWeeks([130, 128, 128, 130, 132]).slice(0, 15));
		expect(level.factor(21, 1, WEEKDAY)).toBe(1);
	});

	it('never lets the day being judged inform its own factor', () => {
		const level = new WeekdayLevel(4, 3, 7);
		feed(level, fiveWeeks([130, 128, 128, 130, 132]));
		const before = level.factor(35, 1, WEEKDAY);
		for (let hour = 0; hour < 12; hour++) level.observe(35, 1, WEEKDAY, 1000);
		expect(level.factor(35, 1, WEEKDAY)).toBe(before);
		// Once the day has ended, it counts: its ratio, 1000 / 100, widens the Mondays' spread so far that
		// nothing of their difference is kept.
		feed(level, [100, 100, 100, 100, 40, 40], 36);
		expect(level.factor(42, 1, WEEKDAY)).toBe(1);
	});

	it('leaves a level shift out of the weekday: every day of a week that moved moves its median too', () => {
		const level = new WeekdayLevel(4, 3, 7);
		// Four weeks with Mondays at 120 and the other weekdays at 100, then everything at twice that.
		const weeks = [1, 1, 1, 1, 2, 2].flatMap((x) => [
			120 * x,
			100 * x,
			100 * x,
			100 * x,
			100 * x,
			40,
			40,
		]);
		feed(level, weeks);
		// The Mondays' ratios: 1.2 at days 14 and 21; at day 28 the first doubled Monday ran 240 over a
		// median of 100 (2.4); at day 35, 240 over 200 (1.2). Their median stays 1.2, and the one distorted
		// ratio widens their spread: the factor falls back towards 1 (no adjustment) — it never follows the
		// shift, which would expect the next Monday at more than its own level.
		const monday = level.factor(42, 1, WEEKDAY);
		expect(monday).toBeGreaterThanOrEqual(1);
		expect(monday).toBeLessThanOrEqual(1.2);
		// The Tuesdays likewise: one ratio of 2 (day 29) among ratios of 1.
		expect(level.factor(43, 2, WEEKDAY)).toBe(1);
	});

	it('moves the levels with a new level, but not the part of the day that was at it already', () => {
		// Each day set against the day of its kind before it (kindDays 1). Two flat weeks at 100 (weekend days
		// 40); on the Monday of the third week the series doubles at noon and the new level is followed at the
		// end of that day: its twelve hours at 200 were at the new level already. The Monday's level is then
		// 200, as the Friday's before it, moved, and the Tuesday's after it: every ratio is 1, so is every
		// factor. (Moved with the rest, the Monday's level was 300: its ratio 1.5, the Tuesday's 0.67, and the
		// Mondays' factor 1.14.)
		const level = new WeekdayLevel(2, 2, 1);
		feed(level, [100, 100, 100, 100, 100, 40, 40, 100, 100, 100, 100, 100, 40, 40]);
		for (let hour = 0; hour < 24; hour++) level.observe(14, 1, WEEKDAY, hour < 12 ? 100 : 200);
		level.scaleLevels(2, 12 * 200);
		feed(level, [200, 200, 200, 200, 80, 80, 200, 200], 15);
		expect(level.factor(22, 2, WEEKDAY)).toBe(1);
		expect(level.factor(21, 1, WEEKDAY)).toBe(1);
	});
});
