import { LevelFollower } from '../../../../../nodes/NiceCxoneTrends/core/detectors/levelFollower';

/** Records `values` against an expected 100 ± 10 from bucket `from` on, each reported as an alert or not. */
function record(
	follower: LevelFollower,
	values: readonly number[],
	from = 0,
	announced = true,
): void {
	values.forEach((value, j) => follower.record(from + j, value, 100, 10, announced));
}

describe('LevelFollower', () => {
	it('confirms a day at a new level and gives its ratio, then forgets that day', () => {
		const follower = new LevelFollower(24);
		// A day of 200s: its day score is 24 · 100 / √(24 · 10²) = 49; the median ratio is 2.
		record(follower, Array<number>(24).fill(200));
		expect(follower.confirmedShift(24, 4.5)).toBe(2);
		// Every hour of it was at the new level already.
		expect(follower.since).toBe(0);
		// The day was measured against the old level: nothing more to confirm from it.
		expect(follower.confirmedShift(24, 4.5)).toBe(1);
	});

	it('follows a centre open eight hours a day: its closed hours count towards the day it needs', () => {
		const follower = new LevelFollower(24);
		// Days of 16 closed hours (none expected, none came) and 8 open ones, at half their level from day 3.
		const moved: number[] = [];
		for (let i = 0; i < 5 * 24; i++) {
			const ratio = follower.confirmedShift(i, 4.5);
			if (ratio !== 1) moved.push(i, ratio);
			if (i % 24 < 16) follower.record(i, 0, 0, 1, false);
			else follower.record(i, i >= 3 * 24 ? 50 : 100, 100, 10, i >= 3 * 24);
		}
		// Before, only the open hours counted, fewer than half a day's: no shift was ever confirmed.
		expect(moved).toEqual([3 * 24 + 21, 0.5]);
	});

	it('takes no day that straddles a holiday for a level: the holiday’s zeros and the day after', () => {
		const follower = new LevelFollower(24);
		// The same centre, open from 8:00 to 18:00 (hours 8–17), at its level but for day 2 (a holiday).
		const moved: number[] = [];
		for (let i = 0; i < 5 * 24; i++) {
			const ratio = follower.confirmedShift(i, 4.5);
			if (ratio !== 1) moved.push(i, ratio);
			const open = i % 24 >= 8 && i % 24 < 18;
			const holiday = Math.floor(i / 24) === 2;
			if (!open) follower.record(i, 0, 0, 1, false);
			else follower.record(i, holiday ? 0 : 60 + 10 * ((i * 7) % 9), 100, 10, holiday);
		}
		// Counting the closed hours but not the share off level, the holiday's morning and the afternoon
		// before it confirmed a level of 0.6, at 12:00 on the holiday.
		expect(moved).toEqual([]);
	});

	it('does not take a few hours’ drop for a new level: their ratios do not move the day’s median', () => {
		const follower = new LevelFollower(24);
		// Six hours at 20 in a day of 100s: the day score is −6 · 80 / 49 = −9.8, beyond the limit, but the
		// median ratio is 1.
		record(follower, [...Array<number>(18).fill(100), ...Array<number>(6).fill(20)]);
		expect(follower.confirmedShift(24, 4.5)).toBe(1);
	});

	it('follows no day at a quarter of its level or less, nor at four times or more: a closed day is no level', () => {
		const closed = new LevelFollower(24);
		record(closed, Array<number>(24).fill(5));
		expect(closed.confirmedShift(24, 4.5)).toBe(1);
		const quarter = new LevelFollower(24);
		record(quarter, Array<number>(24).fill(26));
		expect(quarter.confirmedShift(24, 4.5)).toBe(0.26);
		const fourfold = new LevelFollower(24);
		record(fourfold, Array<number>(24).fill(410));
		expect(fourfold.confirmedShift(24, 4.5)).toBe(1);
	});

	it('at DAY buckets follows three days only when each sits at the new level: low days around a holiday are none', () => {
		// Thanksgiving: Wednesday × 0.85, Thursday closed (× 0.05), Friday × 0.55, against 100 ± 10.
		const holiday = new LevelFollower(3);
		record(holiday, [85, 5, 55]);
		expect(holiday.confirmedShift(3, 4.5)).toBe(1);
		// A new level of 55 with each day's noise: within 4.5 scales of 55 each.
		const shifted = new LevelFollower(3);
		record(shifted, [60, 50, 55]);
		expect(shifted.confirmedShift(3, 4.5)).toBe(0.55);
	});

	/** A follower that confirmed a doubling at bucket 24 (a day of 200s against 100 ± 10). */
	const doubled = () => {
		const follower = new LevelFollower(24);
		record(follower, Array<number>(24).fill(200));
		expect(follower.confirmedShift(24, 4.5)).toBe(2);
		return follower;
	};
	/** Records `values` from bucket `from` on against the new level, 200 ± 20. */
	const atNewLevel = (follower: LevelFollower, values: readonly number[], from: number) =>
		values.forEach((value, j) => follower.record(from + j, value, 200, 20, true));
	/** After the doubling, `values` against the new level: whether a run back is under way, and the move. */
	const afterDoubling = (values: readonly number[]) => {
		const follower = doubled();
		atNewLevel(follower, values, 24);
		return [follower.undoing, follower.confirmedShift(24 + values.length, 4.5)];
	};

	it('undoes a shift when the buckets after it come back to the old level: a day’s mailing', () => {
		const follower = doubled();
		// Judged against the new level from here on. No bucket has come back yet.
		expect(follower.undoing).toBe(1);
		atNewLevel(follower, [60], 24); // an hour's outage, past the old level by more than half the way
		atNewLevel(follower, [105], 26); // bucket 25 not recorded (closed, or at DAY buckets a weekend day)
		// The level before the shift is a second opinion once the run back has begun.
		expect(follower.undoing).toBe(0.5);
		// A noisy bucket nearer the new level (150: log 0.75 against log 0.5) does not end the run: it has as
		// many buckets back as off.
		atNewLevel(follower, [150, 95, 100, 90, 110], 27);
		// Five buckets back, deviating by (500 − 1000) / (20 · √5) = −11.2 scales, beyond the 4.5 that
		// confirmed the shift, but a quarter of a day of them is six.
		expect(follower.confirmedShift(32, 4.5)).toBe(1);
		atNewLevel(follower, [105], 32);
		// Six, and the run's shares of the way back (0.42 for the 150) average 0.91.
		expect(follower.confirmedShift(33, 4.5)).toBe(0.5);
		// Moved back from bucket 25 on, the first after the last one outside the run: recorded or not, it
		// joined the history at the old level.
		expect(follower.since).toBe(25);
		expect(follower.undoing).toBe(1);
	});

	it('undoes no shift whose next buckets lie short of three quarters of the way back, or beyond the old level', () => {
		// No run back begins with a bucket at 142 (log 0.71 / log 0.5 = 0.49 of the way back: nearer the new
		// level than the old) or at 68 (1.56 of the way: past the old level by more than half of it).
		for (const value of [142, 68]) {
			const follower = doubled();
			atNewLevel(follower, [value], 24);
			expect([value, follower.undoing]).toEqual([value, 1]);
		}
		// A run begins at 123 (0.7 of the way) and goes on: six buckets at 738 / 1200, 0.7 of the way, short of
		// three quarters.
		expect(afterDoubling(Array<number>(6).fill(123))).toEqual([0.5, 1]);
		// Or begun at 81 (1.3 of the way), six buckets at 486 / 1200, 1.3 of the way: past the old level by
		// more than a quarter.
		expect(afterDoubling(Array<number>(6).fill(81))).toEqual([0.5, 1]);
		expect(afterDoubling(Array<number>(6).fill(90))).toEqual([0.5, 0.5]);
		// Seven buckets at 107 (0.9 of the way) and five at 146 (0.45: off the way, fewer): 0.71 of the way as a
		// run. Averaged over the buckets back alone, 0.9: a drop to 0.7 followed at 0.45, whose next day lay
		// between the two levels, was undone, and alerted twice more (the synthetic set).
		const between = [107, 146, 107, 146, 107, 146, 107, 146, 107, 146, 107, 107];
		expect(afterDoubling(between)).toEqual([0.5, 1]);
		// A bucket without contacts inside a run counts as half past the old level (1.5 of the way), not as
		// infinitely far: six at 100 and one at 0 average 1.07.
		expect(afterDoubling([100, 100, 100, 0, 100, 100, 100])).toEqual([0.5, 0.5]);
	});

	it('undoes no shift whose run back stays under the limit that confirmed it', () => {
		// Six buckets at 110 against 200 ± 300 (a wide scale): −540 / (300 · √6) = −0.73 scales.
		const undone = (scale: number) => {
			const follower = doubled();
			for (let j = 0; j < 6; j++) follower.record(24 + j, 110, 200, scale, true);
			return follower.confirmedShift(30, 4.5);
		};
		expect(undone(300)).toBe(1);
		expect(undone(20)).toBe(0.5);
	});

	it('ends a run back when its buckets off the way outnumber those back: a surge past the old level', () => {
		// A bucket at 100 begins a run; two at 40 (2.3 of the way: past the old level) end it, and the hours at
		// the new level after them begin none. Summed with them, the run stood at 0.7 of the new level, nearer
		// the old: a halving was undone this way by a surge a day later, in 18 of a reviewer's 20 series.
		expect(afterDoubling([100, 40])).toEqual([0.5, 1]);
		expect(afterDoubling([100, 40, 40])).toEqual([1, 1]);
		expect(afterDoubling([100, 40, 40, 200, 200, 200, 200, 200])).toEqual([1, 1]);
	});

	it('undoes no shift whose next buckets hold the new level, or fall to nothing', () => {
		expect(afterDoubling([210, 190, 200, 205, 195, 200])).toEqual([1, 1]);
		// Closed (nothing came): no level at all, and no run back begins.
		expect(afterDoubling(Array<number>(6).fill(0))).toEqual([1, 1]);
	});

	it('undoes a shift only within a span of recorded buckets after it', () => {
		// A day at the new level, then six buckets back at the old: the way back is closed, and a quarter of a
		// day off its level is no new level either.
		const late = doubled();
		atNewLevel(late, Array<number>(24).fill(200), 24);
		atNewLevel(late, Array<number>(6).fill(100), 48);
		expect(late.undoing).toBe(1);
		expect(late.confirmedShift(54, 4.5)).toBe(1);
		// At DAY buckets (a span of three days), three days back within the span undo it.
		const days = new LevelFollower(3);
		record(days, [52, 50, 48]);
		expect(days.confirmedShift(3, 4.5)).toBe(0.5);
		[100, 98].forEach((value, j) => days.record(3 + j, value, 50, 5, true));
		expect(days.undoing).toBe(2);
		expect(days.confirmedShift(5, 4.5)).toBe(1);
		days.record(5, 102, 50, 5, true);
		expect(days.confirmedShift(6, 4.5)).toBe(2);
	});

	it('keeps the way back across a closed day that left the history, as it stood when that day began', () => {
		/**
		 * After the doubling and `before` at the new level, a day begins at bucket 24 + before.length with
		 * `holiday` (nothing came), kept out; the day after it (a Saturday) records nothing, and the next
		 * brings `after`: whether that undoes the doubling.
		 */
		const undoneAfter = (
			before: readonly number[],
			holiday: readonly number[],
			after: readonly number[],
			kept = true,
		) => {
			const follower = doubled();
			atNewLevel(follower, before, 24);
			follower.beginDay(24 + before.length, false);
			const from = 24 + before.length + holiday.length;
			atNewLevel(follower, holiday, 24 + before.length);
			if (kept) follower.beginDay(from, true);
			else {
				follower.forget();
				follower.beginDay(from, false);
			}
			follower.beginDay(from, false);
			atNewLevel(follower, after, from);
			return [follower.confirmedShift(from + after.length, 4.5), follower.since];
		};
		// A day of 24 closed hours is itself a span of recorded buckets: forgotten, the way back closed with it.
		// Kept out of the history, the holiday is kept out of the way back too: six hours back undo the doubling,
		// moved back from the first bucket after the holiday (its buckets left the history).
		const holiday = Array<number>(24).fill(0);
		const back = Array<number>(6).fill(100);
		expect(undoneAfter([], holiday, back, false)[0]).toBe(1);
		expect(undoneAfter([], holiday, back)).toEqual([0.5, 48]);
		// A run back under way as the holiday began ends with it: four hours back, four of holiday, then two
		// back are not yet the six a run needs, and six are, from after the holiday.
		const short = Array<number>(4).fill(0);
		expect(undoneAfter([100, 100, 100, 100], short, [100, 100])[0]).toBe(1);
		expect(undoneAfter([100, 100, 100, 100], short, back)).toEqual([0.5, 32]);
		// The buckets recorded before the holiday still count towards the span: twenty hours at the new level,
		// the holiday, then six back. The way back closed at the fifth of them.
		expect(undoneAfter(Array<number>(20).fill(200), Array<number>(6).fill(0), back)[0]).toBe(1);
	});

	it('counts nothing of the day after a closed day for the way back, and judges it against both levels', () => {
		/** After the doubling, a holiday of four recorded hours kept out, and `bridge` on the day after it. */
		const afterHoliday = (bridge: readonly number[]) => {
			const follower = doubled();
			follower.beginDay(24, false);
			atNewLevel(follower, Array<number>(4).fill(0), 24);
			follower.beginDay(28, true);
			atNewLevel(follower, bridge, 28);
			// A bridge day back at the old level (or a catch-up day after a halving) undoes nothing.
			expect(follower.confirmedShift(28 + bridge.length, 4.5)).toBe(1);
			// The next day counts, and the span runs from there.
			follower.beginDay(28 + bridge.length, false);
			atNewLevel(follower, Array<number>(6).fill(100), 28 + bridge.length);
			expect(follower.confirmedShift(34 + bridge.length, 4.5)).toBe(0.5);
			return follower.since;
		};
		// Moved back from the day after the holiday when it was back at the old level too; else from the bucket
		// after its last one off the way back.
		expect(afterHoliday(Array<number>(6).fill(100))).toBe(28);
		expect(afterHoliday([100, 100, 200, 100, 100, 100])).toBe(31);
		// Twenty-four buckets of a bridge day do not close the way back.
		expect(afterHoliday(Array<number>(24).fill(200))).toBe(52);
	});

	it('gives a day that counts nothing for the way back the old level as a second opinion while that day lies back near it', () => {
		const follower = doubled();
		follower.beginDay(24, false);
		// A weekday that counts: only once a run back has begun.
		expect(follower.secondOpinion(false)).toBe(1);
		// A weekend day judged against its own weekday (uncounted): not at its first bucket, nor while its
		// buckets so far, summed, lie near the new level (an outage on a Saturday at the new level is judged
		// against it alone, until the outage has taken the day's sum back near the old level).
		expect(follower.secondOpinion(true)).toBe(1);
		follower.tally(190, 200);
		expect(follower.secondOpinion(true)).toBe(1);
		follower.tally(30, 200);
		expect(follower.secondOpinion(true)).toBe(0.5); // 220 / 400: log 0.55 / log 0.5, 0.86 of the way back
		follower.tally(190, 200);
		follower.tally(190, 200);
		expect(follower.secondOpinion(true)).toBe(1); // 600 / 800: 0.42 of the way
		// A day back at the old level: the second opinion from its second bucket on.
		follower.beginDay(48, false);
		follower.tally(105, 200);
		expect(follower.secondOpinion(true)).toBe(0.5);
		expect(follower.secondOpinion(false)).toBe(1);
		// Past the old level by more than half the way (a day at a fifth): none.
		follower.tally(0, 200);
		expect(follower.secondOpinion(true)).toBe(1);
		// The day after a closed day kept out counts nothing either (see beginDay); once the way back has closed,
		// nothing has the second opinion.
		const holiday = doubled();
		holiday.beginDay(24, false);
		holiday.beginDay(24, true);
		atNewLevel(holiday, [100], 24);
		expect([holiday.secondOpinion(false), holiday.undoing]).toEqual([0.5, 1]);
		const closed = doubled();
		atNewLevel(closed, Array<number>(25).fill(200), 24);
		closed.beginDay(49, false);
		closed.tally(100, 200);
		expect(closed.secondOpinion(true)).toBe(1);
	});

	it('needs the day score at the limit and a change of at least 5 %', () => {
		const small = new LevelFollower(24);
		// A day at 104: day score 4 · 24 / 49 = 1.96, under the limit.
		record(small, Array<number>(24).fill(104));
		expect(small.confirmedShift(24, 4.5)).toBe(1);
		expect(small.confirmedShift(24, 1.9)).toBe(1); // beyond a limit of 1.9, but only 4 % off
		const moved = new LevelFollower(24);
		record(moved, Array<number>(24).fill(106));
		expect(moved.confirmedShift(24, 1.9)).toBe(1.06);
	});

	it('looks at the ratios again at most once in every eighth of a day', () => {
		const follower = new LevelFollower(24);
		record(follower, [...Array<number>(22).fill(104), ...Array<number>(12).fill(300)]);
		// Bucket 34: half of the last day at 3 times, half at 1.04 — the weighted median is 1.04, too little.
		expect(follower.confirmedShift(34, 1.9)).toBe(1);
		// Bucket 35: the median would be 3 now, but the next look is at bucket 37 (24 / 8 buckets later).
		record(follower, [300], 34);
		expect(follower.confirmedShift(35, 1.9)).toBe(1);
		record(follower, [300, 300], 35);
		expect(follower.confirmedShift(37, 1.9)).toBe(3);
	});

	it('moves nothing before the shift has been reported: no bucket of the day scored at the threshold', () => {
		const follower = new LevelFollower(24);
		record(follower, Array<number>(24).fill(200), 0, false);
		expect(follower.confirmedShift(24, 4.5)).toBe(1);
		record(follower, [200], 24, true);
		expect(follower.confirmedShift(25, 4.5)).toBe(2);
	});

	it('over a span of three days, needs every one of them moved the same way', () => {
		const twoDayDrop = new LevelFollower(3);
		record(twoDayDrop, [100, 50, 50]);
		expect(twoDayDrop.confirmedShift(3, 4.5)).toBe(1);
		const mixed = new LevelFollower(3);
		record(mixed, [150, 50, 50]);
		expect(mixed.confirmedShift(3, 4.5)).toBe(1);
		const moved = new LevelFollower(3);
		record(moved, [52, 50, 48]);
		expect(moved.confirmedShift(3, 4.5)).toBe(0.5);
	});

	it('takes no day for a level whose median ratio stands less than two of its standard errors off 1', () => {
		/** The ratios of a day against an expected 100 ± 10, all reported: the day's shift factor. */
		const dayOf = (ratios: readonly number[]) => {
			const follower = new LevelFollower(24);
			record(
				follower,
				ratios.map((ratio) => Math.round(100 * ratio)),
			);
			return follower.confirmedShift(24, 4.5);
		};
		// Hours off by up to 30 % through noise and a two-hour surge × 2.5: day score 391 / 49 = 8.0, median
		// 1.1, but the logs' median distance from it, 0.167, gives a standard error of 1.86 · 0.167 / √24 =
		// 0.063 (twice that is more than log 1.1 = 0.095). Before, the surge moved the history up by 10 %.
		const noisy = [
			0.75, 1.3, 0.85, 1.25, 1.1, 0.8, 1.2, 0.9, 1.15, 1.06, 0.95, 1.35, 0.7, 1.2, 1.1, 0.9, 1.3,
			1.08, 0.85, 1.1, 1.12, 0.9, 2.5, 2.5,
		];
		expect(dayOf(noisy)).toBe(1);
		// The same day with a tenth of the noise: the median stands 1.09, well beyond its error.
		expect(dayOf(noisy.map((ratio) => (ratio > 2 ? ratio : 1.08 + (ratio - 1) / 10)))).toBe(1.09);
	});

	it('follows the last half day where a step is still under way and it lies beyond its own noise', () => {
		const follower = new LevelFollower(24);
		// Nine hours at the old level, three on the way up, twelve at twice it: the day's median is 1.9 (the
		// twelfth of 24 equal weights), the last half day's 2, further by log(2 / 1.9) = 0.05, beyond its
		// standard error of 1.86 · 0.01 / √12 = 0.005. Followed at 1.9, the rest was too little to confirm.
		const ratios = [
			...Array<number>(9).fill(1),
			1.6,
			1.75,
			1.9,
			2,
			2.05,
			1.95,
			2,
			2.1,
			1.98,
			2.02,
			2,
			1.97,
			2.03,
			2,
			2.01,
		];
		record(
			follower,
			ratios.map((ratio) => Math.round(100 * ratio)),
		);
		expect(follower.confirmedShift(24, 4.5)).toBe(2);
		// From the hour at 1.6 on, each hour sat nearer the new level than the old: already at it.
		expect(follower.since).toBe(9);
	});

	it('measures a day’s noise by its busy hours more than by its quiet nights', () => {
		const follower = new LevelFollower(24);
		// A 24-hour centre: sixteen night hours expecting 1 contact (0 to 3 came), eight busy hours expecting
		// 150 at × 1.3. Day score (366 + 3) / √(16 + 8 · 12²) = 10.8; weighted median 1.3. Its distances
		// counted alike, the middle one is a night's (0.262, a night of 1 contact): twice the error, 0.34, is
		// more than log 1.3, and no level was followed; counted by the square root of 150 against 1, the busy
		// hours set it: a standard error of 0.010.
		const nights = [0, 2, 1, 3, 0, 1, 2, 0, 1, 3, 0, 2, 1, 0, 2, 1];
		const busy = [195, 190, 200, 198, 192, 196, 201, 194];
		nights.forEach((value, j) => follower.record(j, value, 1, 1, true));
		busy.forEach((value, j) => follower.record(16 + j, value, 150, 12, true));
		expect(follower.confirmedShift(24, 4.5)).toBe(1.3);
	});

	it('follows the last half day only where it lies further off the old level than the day', () => {
		const follower = new LevelFollower(24);
		// Fourteen hours at 2, then ten at 1.5: the day's median is 2, the last half day's 1.5 (on its way
		// back, or noise): the day's is followed.
		record(follower, [...Array<number>(14).fill(200), ...Array<number>(10).fill(150)]);
		expect(follower.confirmedShift(24, 4.5)).toBe(2);
	});

	it('follows the last half day no further than four times the old level: beyond, the day’s median', () => {
		const follower = new LevelFollower(24);
		// A busy morning (expected 200) at 2.5, then a quieter afternoon (expected 100): five hours at 3, seven at
		// 4.5. The hours past four times weigh 700 of the day's 3,600 (under a quarter: the day is a level, at
		// its median, 2.5), but most of the afternoon's 1,200: its median is 4.5, which is no level to follow.
		for (let i = 0; i < 24; i++) {
			if (i < 12) follower.record(i, 500, 200, 14, true);
			else follower.record(i, i < 17 ? 300 : 450, 100, 10, true);
		}
		expect(follower.confirmedShift(24, 4.5)).toBe(2.5);
	});

	it('takes no level from a last half day of fewer than a quarter of a day’s ratios', () => {
		const follower = new LevelFollower(24);
		// A day at 1.5; then ten open hours at 1.5, thirteen closed, and one open hour at 2.5: the last half
		// day is that hour alone, with no noise of its own to measure.
		record(follower, Array<number>(24).fill(150));
		for (let i = 24; i < 48; i++) {
			if (i < 34) follower.record(i, 150, 100, 10, true);
			else if (i < 47) follower.record(i, 0, 0, 1, false);
			else follower.record(i, 250, 100, 10, true);
		}
		expect(follower.confirmedShift(48, 4.5)).toBe(1.5);
	});

	it('waits for a whole day', () => {
		const follower = new LevelFollower(24);
		record(follower, Array<number>(23).fill(300));
		expect(follower.confirmedShift(23, 4.5)).toBe(1);
	});
});
