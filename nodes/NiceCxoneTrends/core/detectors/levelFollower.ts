import { MAD_TO_SD, MEDIAN_OVER_MEAN_ERROR } from '../statistics';
import { WindowShiftScore } from './sustainedScore';

/** Least change of level (as a log ratio, about 5 %) worth moving the history for. */
const LEAST_LOG_CHANGE = 0.05;
/** Spans shorter than this (3 days of DAY buckets) confirm a shift only when every bucket of them moved. */
const MEDIAN_SPAN = 8;
/**
 * Standard errors its median ratio must stand off 1 (as log ratios) for a day of MEDIAN_SPAN buckets or more
 * to confirm a level. A centre open ten hours a day has ten ratios a day, each off by 15–25 % through
 * noise: after a two-hour surge × 2.5 kept the day score at the limit, one of the looks at them passed 5 %
 * in 24 of 40 series, and the history moved up by about 15 % (the next surge scored that much less).
 */
const STANDARD_ERRORS = 2;
/**
 * √(π/2) · 1.4826: times a median absolute distance over √n, the standard error of a normal sample's median
 * (1.4826 turns the distance into a standard deviation; √(π/2) is a median's error over a mean's).
 */
const MEDIAN_ERROR = MEDIAN_OVER_MEAN_ERROR * MAD_TO_SD;
/**
 * Most a level is followed by, either way (as a log ratio: a quarter, or four times). A day at a quarter of
 * its level or less is an outage or a closed day, not a level: if it lasts, the references catch up in four
 * days, as before there was a follower; followed, a closed Monday took an hourly series' history to 5 % of
 * itself, and its next days were expected at 3 contacts where 60 came.
 */
const MOST_LOG_CHANGE = Math.log(4);
/**
 * Most share of a day's weight off its level by more than MOST_LOG_CHANGE for the day to confirm a level.
 * Once a centre's closed hours counted towards the half day a shift needs (a centre open eight hours a day
 * followed none), the day after a holiday confirmed a "shift" to 0.57–0.92 of its level: its median fell
 * between the holiday's zeros and the morning after.
 */
const OFF_LEVEL_SHARE = 0.25;
/**
 * Least share of the way back to the old level (as log ratios) that the buckets after a confirmed shift must
 * have gone for it to be undone (see `wayBack`). At two thirds, a drop to 0.7 followed at 0.45 (the last
 * half day's level) was undone by its next day at 1.71 times the new level, 0.67 of the way back, and
 * alerted twice more; short of the way back, the follower corrects such a level itself.
 */
const BACK_SHARE = 3 / 4;
/**
 * Fewest buckets of the run back to the old level that undo a shift (and a quarter of a span at least): a
 * few hours' incident is no level. Undone by one bucket, a drop to 0.7 followed at 0.45 was undone by an hour
 * at 1.9 of the new level the next afternoon, and its Friday alerted again; by three, a halving or a doubling
 * was undone by one hour of 15-minute buckets back at the old level the next day (a reviewer's series: 15 of
 * 20), and the days after ran as one episode that hid an outage.
 */
const LEAST_RUN_BACK = 3;

/**
 * Whether a share of the way back to the old level (as log ratios, alike either way) lies back near it:
 * nearer it than the new level, and not past it by more than half the way.
 */
function isBack(share: number): boolean {
	return share > 0.5 && share <= 1.5;
}

/**
 * Notices, causally, when a non-negative series has moved to a new level, so that the seasonal method can
 * move its history with it at once. Without it, the references take days to catch up (a median of the last
 * seven days flips after four of them); meanwhile every bucket scores far off, the episode closes and opens
 * again, and those scores teach the score calibration that this series runs wild: for weeks afterwards a
 * real spike scores a third of what it should.
 *
 * Each judged bucket leaves its deviation from the reference (for the day score below), its ratio to it,
 * and whether its final score reached the alert threshold. A shift is confirmed when
 * - the shift has been reported: a bucket of the last `span` scored at the alert threshold (moving the
 *   history first would silence a shift that has not alerted yet);
 * - the last `span` buckets (a day) deviate as a whole by at least `limit` (the day score Σ deviation /
 *   √Σ scale², as the method's own day score, at the alert threshold after its calibration);
 * - the median of their ratios, each weighted by its expected value (a level that a few hours' spike or
 *   drop barely moves, and that the noisy ratios of quiet night hours do not sway), is at least 5 % from 1;
 *   in a span of a few buckets (three days of DAY buckets), every one of them moved that way by 5 % or more,
 *   so that a one- or two-day drop is no new level; in a longer span, the median stands at least
 *   STANDARD_ERRORS of its own standard errors off 1, so that a day of a few noisy hours is none.
 * Then {@link confirmedShift} returns that ratio (or, where the last half day lies beyond it, that half
 * day's: see `recentLevel`), by which the caller multiplies its history, and forgets the span it measured
 * (it was measured against the old level). A day is all it takes, so one busy day is followed too: within a
 * span of buckets after it, a run back to the old level undoes the shift (`wayBack`), and while that run is
 * under way the caller also judges each bucket against the old level ({@link undoing}).
 */
export class LevelFollower {
	/** Ratio, weight and bucket index of the last `span` recorded buckets, by bucket index modulo `span`. */
	private readonly ratios: Float64Array;
	private readonly weights: Float64Array;
	private readonly scales: Float64Array;
	private readonly buckets: Float64Array;
	/** Bucket index of the last `span` closed buckets (none expected, none came), by index modulo `span`. */
	private readonly closed: Float64Array;
	/** The last recorded bucket whose score reached the alert threshold. */
	private lastAnnounced = -Infinity;
	/** Positions of the window's ratios, sorted by ratio (scratch). */
	private readonly order: Int32Array;
	/** The window's log ratios' distances from their median, by position (scratch). */
	private readonly distances: Float64Array;
	private readonly dayScore: WindowShiftScore;
	private lastDayScore = 0;
	/** Bucket before which no new look at the ratios is taken (one in every eighth of a span at most). */
	private nextLook = 0;
	/**
	 * After a confirmed shift, the first of the span's last buckets that already sat at the new level: each
	 * ratio from it on nearer the new level than the old (the bucket that confirmed it when none did). Their
	 * values joined the history at the new level, and moving them with it counted the shift twice. After a
	 * shift undone, the first bucket of the run back (see `wayBack`).
	 */
	since = 0;
	/**
	 * After a confirmed shift: the factor that undoes it (1 when there is none to undo, or a span of buckets
	 * has been recorded since), the limit that confirmed it, and the buckets recorded since. Of the run back:
	 * the bucket after the last one that ended a run (the first that may have joined the history at the old
	 * level, recorded or not), its buckets back and off the way back, and the sums of their deviations from
	 * the new level, of their squared scales, of their expected values and of their shares of the way back
	 * weighted by them.
	 */
	private back = 1;
	private movedLimit = 0;
	private recordedSince = 0;
	/** `back`, `movedLimit` and `recordedSince` as the day began (see {@link beginDay}). */
	private readonly dayBegan = { back: 1, movedLimit: 0, recordedSince: 0 };
	/** Whether today follows a closed day kept out (see {@link beginDay}). */
	private afterClosed = false;
	/** Today's values and expected values so far, summed, on a day that counts nothing for the way back. */
	private dayValue = 0;
	private dayExpected = 0;
	private runSince = 0;
	private runBack = 0;
	private runOff = 0;
	private runDeviation = 0;
	private runVariance = 0;
	private runWeight = 0;
	private runShare = 0;

	constructor(private readonly span: number) {
		this.ratios = new Float64Array(span);
		this.weights = new Float64Array(span);
		this.scales = new Float64Array(span);
		this.buckets = new Float64Array(span).fill(-Infinity);
		this.closed = new Float64Array(span).fill(-Infinity);
		this.order = new Int32Array(span);
		this.distances = new Float64Array(span);
		this.dayScore = new WindowShiftScore(span);
	}

	/**
	 * Records judged bucket `i`: its value, the reference's expected value and scale, and whether its final
	 * score reached the alert threshold (`announced`).
	 */
	record(i: number, value: number, expected: number, scale: number, announced: boolean): void {
		const at = i % this.span;
		if (!(expected > 0)) {
			if (expected === 0 && value === 0) this.closed[at] = i;
			return;
		}
		if (announced) this.lastAnnounced = i;
		if (this.back !== 1) this.recordBack(i, value, expected, scale);
		this.ratios[at] = value / expected;
		this.weights[at] = expected;
		this.scales[at] = scale;
		this.buckets[at] = i;
		const score = this.dayScore.push(value - expected, scale);
		this.lastDayScore = score === score ? score : 0;
	}

	/**
	 * Whether the last day's deviation reaches `threshold`, or a shift may still be undone (a cheap test
	 * before {@link confirmedShift}).
	 */
	mayHaveMoved(threshold: number): boolean {
		return this.back !== 1 || Math.abs(this.lastDayScore) >= threshold;
	}

	/**
	 * Before bucket `i` is judged: the factor that undoes the last shift (see `wayBack`), or else that of a
	 * level shift the last `span` buckets confirm (day score at least `limit` in size), or 1.
	 */
	confirmedShift(i: number, limit: number): number {
		if (this.back !== 1) {
			const back = this.wayBack();
			if (back !== 1) return back;
		}
		if (
			i < this.span ||
			i < this.nextLook ||
			this.lastAnnounced < i - this.span ||
			Math.abs(this.lastDayScore) < limit
		)
			return 1;
		// Sorting a day of ratios costs O(span log span): on a series whose day stays off by less than 5 %,
		// it is done once in every eighth of a span, not at every bucket.
		this.nextLook = i + Math.max(1, this.span >> 3);
		const from = i - this.span;
		const ratio = this.weightedMedian(from);
		const change = Math.abs(Math.log(ratio));
		if (!(ratio > 0) || change < LEAST_LOG_CHANGE || change > MOST_LOG_CHANGE) return 1;
		let level = ratio;
		if (this.span < MEDIAN_SPAN) {
			if (!this.allMoved(from, ratio, limit)) return 1;
		} else {
			if (!(change >= STANDARD_ERRORS * this.medianError(from, ratio, true))) return 1;
			level = this.recentLevel(i - (this.span >> 1), ratio);
		}
		this.since = this.atNewLevelSince(i, level);
		this.forget();
		this.back = 1 / level;
		this.movedLimit = limit;
		this.runSince = i;
		return level;
	}

	/**
	 * The factor that would undo the last confirmed shift while it may still be undone and the run back has
	 * begun, else 1.
	 */
	get undoing(): number {
		return this.runBack > 0 ? this.back : 1;
	}

	/**
	 * The factor of the old level's second opinion for the next bucket, else 1: {@link undoing} on a day that
	 * counts for the way back. A day that counts nothing for it (a weekend day judged against its own weekday,
	 * `uncounted`, or the day after a closed day kept out) has it while the day's earlier buckets, summed (see
	 * {@link tally}), lie back near the old level: as a bucket is back in a run. Judged against both levels all
	 * day, the Saturday after a real doubling on a Friday heard a two-hour outage to 0.3 in 13 of 160 of a
	 * reviewer's series instead of 72 (scored against the old level, it was a drop to 0.6).
	 */
	secondOpinion(uncounted: boolean): number {
		if (!uncounted && !this.afterClosed) return this.undoing;
		if (this.back === 1 || !(this.dayExpected > 0)) return 1;
		return isBack(this.shareOfWayBack(this.dayValue, this.dayExpected)) ? this.back : 1;
	}

	/**
	 * Adds a bucket of a day that counts nothing for the way back (see {@link secondOpinion}) to the day's
	 * sums: its value and the expected value at the new level.
	 */
	tally(value: number, expected: number): void {
		if (!(expected > 0) || value !== value) return;
		this.dayValue += value;
		this.dayExpected += expected;
	}

	/** The share of the way back to the old level that `value` has gone from the new level `expected`. */
	private shareOfWayBack(value: number, expected: number): number {
		return Math.log(value / expected) / Math.log(this.back);
	}

	/**
	 * Counts bucket `i`, recorded after a confirmed shift, in or out of the run back to the old level. A bucket
	 * is back when its ratio lies nearer the old level than the new and not past it by more than half the way
	 * (as log ratios, alike either way); a run begins with one and goes on while its buckets back are at least
	 * as many as those off. Each bucket of the run adds its deviation from the new level, and its share of the
	 * way back, between 0 (the new level or beyond) and 1.5, weighted by its expected value. Ended by any
	 * bucket off, one noisy bucket of a small channel's ended nearly every run (a day × 2 at 15 contacts an
	 * hour: undone in 0 of 20 series at 15-minute buckets); going on while its buckets summed lay nearer the
	 * old level, a run took a surge past the old level a day after a halving and the hours at the new level
	 * after it, and the halving was undone (a reviewer's series: 18 of 20); averaged over the buckets back
	 * alone, a next day between the two levels (a drop to 0.7 followed at 0.45) undid it.
	 */
	private recordBack(i: number, value: number, expected: number, scale: number): void {
		const share = this.shareOfWayBack(value, expected);
		const back = isBack(share);
		// The day after a closed day counts for nothing (see secondOpinion), but a run may begin only after the
		// last bucket of it off the way back.
		if (this.afterClosed) {
			this.tally(value, expected);
			if (!back) this.runSince = i + 1;
			return;
		}
		if (++this.recordedSince > this.span) {
			this.back = 1;
			return;
		}
		if (back) this.runBack++;
		else if (this.runBack === 0 || ++this.runOff > this.runBack) {
			this.endRun(i + 1);
			return;
		}
		this.runDeviation += value - expected;
		this.runVariance += scale * scale;
		this.runWeight += expected;
		this.runShare += expected * (share >= 1.5 ? 1.5 : share > 0 ? share : 0);
	}

	/** Ends the run back; the next may begin at bucket `since`. */
	private endRun(since: number): void {
		this.runSince = since;
		this.runBack = this.runOff = 0;
		this.runDeviation = this.runVariance = this.runWeight = this.runShare = 0;
	}

	/**
	 * The factor that undoes the last confirmed shift, or 1. The run back (see `recordBack`; within a span of
	 * recorded buckets) must have a quarter of a span of buckets back at least (LEAST_RUN_BACK at least), its
	 * deviations from the new level must add up to the limit that confirmed the shift (Σ deviation / √Σ
	 * scale², as the day score), and its mean share of the way back must be at least BACK_SHARE and not past
	 * the old level by more than the rest. A day's mailing (every hour × 2) is confirmed as a level by its
	 * afternoon; followed for good, one to four of the next six days alerted as drops until the follower took
	 * them for a level in turn.
	 */
	private wayBack(): number {
		if (this.runBack < Math.max(LEAST_RUN_BACK, this.span >> 2)) return 1;
		const deviation = this.back > 1 ? this.runDeviation : -this.runDeviation;
		if (!(deviation >= this.movedLimit * Math.sqrt(this.runVariance))) return 1;
		const share = this.runShare / this.runWeight;
		if (!(Math.abs(share - 1) <= 1 - BACK_SHARE)) return 1;
		const back = this.back;
		this.since = this.runSince;
		this.forget();
		return back;
	}

	/**
	 * A new local day begins at bucket `i`; `afterClosedDay` when the day before was a closed day that left the
	 * history (see ClosedDays). Then the buckets recorded so far are forgotten, as by {@link forget}, but a shift
	 * that may still be undone stays so, as if that day had not been: as it stood when that day began. Its
	 * buckets count neither towards the span within which it may be undone (a day at a centre open around the
	 * clock is that span) nor in a run back (one under way ends; the next begins at `i`). Forgotten, a busy day
	 * right before a holiday was never undone: a busy Wednesday × 2 and a closed Thursday, and 18 of 20 hourly
	 * series alerted in the week after (2 without the holiday). (A day that moved the history is never kept
	 * out: see ClosedDays.moved.)
	 *
	 * The day after it counts for nothing either, and while it lies back near the old level it is judged
	 * against both levels ({@link secondOpinion}): a bridge day at half the contacts, or a day of catching up,
	 * is no level. Counted, a real doubling from the day before a holiday was undone by a bridge day back at
	 * the old level (a reviewer's series: 13–16 of 20 hourly series, 0–1 before the holiday was kept out of the
	 * way back), and a real halving by a catch-up day (17 of 20).
	 */
	beginDay(i: number, afterClosedDay: boolean): void {
		const began = this.dayBegan;
		if (afterClosedDay) {
			this.forget();
			if (began.back !== 1) {
				this.back = began.back;
				this.movedLimit = began.movedLimit;
				this.recordedSince = began.recordedSince;
				this.runSince = i;
			}
		}
		this.afterClosed = afterClosedDay;
		this.dayValue = this.dayExpected = 0;
		began.back = this.back;
		began.movedLimit = this.movedLimit;
		began.recordedSince = this.recordedSince;
	}

	/**
	 * Forgets the buckets recorded so far: after a confirmed shift (they were measured against the old level),
	 * and after a closed day that left the history (see ClosedDays). Kept, a holiday's hours and an outage the
	 * next morning, now alerting, confirmed the outage as a level of 0.26–0.41 (a reviewer's series: Easter
	 * Monday, then three hours at 0.3), and the days after alerted at its end. A shift forgotten is undone no
	 * more.
	 */
	forget(): void {
		this.buckets.fill(-Infinity);
		this.closed.fill(-Infinity);
		this.dayScore.reset();
		this.lastDayScore = 0;
		this.back = 1;
		this.recordedSince = 0;
		this.endRun(0);
	}

	/**
	 * Standard error of the log of the weighted median `ratio` of the ratios recorded from bucket `from` on:
	 * MEDIAN_ERROR · the median distance of their logs from its log / √(their effective number, (Σw)² / Σw²).
	 * The median distance counts each ratio by the square root of its expected value (`byCount`; a ratio's
	 * noise falls as the square root of its count), else alike. Counted alike, a 24-hour centre's quiet
	 * nights set the error: a day × 1.3 at its ten busy hours was followed in 1 of 10 series instead of 5.
	 * Counted by the expected value itself, the few busy hours of a day straddling a step set it: two of the
	 * synthetic set's 15 doublings were followed at × 1.66 three hours in (one by the square root), and
	 * their rest alerted twice.
	 */
	private medianError(from: number, ratio: number, byCount: boolean): number {
		const { ratios, weights, buckets, distances, order } = this;
		const centre = Math.log(ratio);
		let count = 0;
		let total = 0;
		let squares = 0;
		let counted = 0;
		for (let at = 0; at < this.span; at++) {
			if (buckets[at] < from) continue;
			distances[at] = Math.abs(Math.log(ratios[at]) - centre);
			order[count++] = at;
			total += weights[at];
			squares += weights[at] * weights[at];
			counted += byCount ? Math.sqrt(weights[at]) : 1;
		}
		const sorted = order.subarray(0, count).sort((a, b) => distances[a] - distances[b]);
		let below = 0;
		let median = NaN;
		// The upper middle: one distance, the median's own, is 0. (Past half by more than rounding: equal
		// weights' square roots summed in another order.)
		for (const at of sorted) {
			below += byCount ? Math.sqrt(weights[at]) : 1;
			if (below > (counted / 2) * (1 + 1e-9)) {
				median = distances[at];
				break;
			}
		}
		return (MEDIAN_ERROR * median) / Math.sqrt((total * total) / squares);
	}

	/**
	 * The level to follow once the day confirms `ratio`: the weighted median of the ratios recorded from
	 * bucket `from` on (the last half day; a quarter of a day of them at least) where it lies beyond `ratio`
	 * the same way by at least its own standard error (its ratios counted alike: the more cautious), and
	 * within the most a level is followed by; else `ratio`. A day that confirms a step still straddles it:
	 * the doubling of an hourly volume, confirmed 7 hours in at × 1.6 (4 hours in at × 1.15 before the
	 * standard errors were asked), left a rest too small to confirm again once its own day scores had taught
	 * the calibration, and it alerted again a day later. Asked for two of its standard errors, the last half
	 * day's × 1.88 was not taken there; asked for none, a 7-hour drop to 0.45 was followed at 0.49 instead of
	 * 0.54, and its end alerted as a rise.
	 */
	private recentLevel(from: number, ratio: number): number {
		const { weights, buckets, order } = this;
		let count = 0;
		let total = 0;
		for (let at = 0; at < this.span; at++) {
			if (buckets[at] < from) continue;
			order[count++] = at;
			total += weights[at];
		}
		// A few hours say little of a level (a look at 9:00 at a centre that opened at 8:00).
		if (count < this.span >> 2) return ratio;
		const recent = this.medianOf(count, total);
		const change = Math.log(recent);
		return change / Math.log(ratio) > 1 &&
			Math.abs(change) <= MOST_LOG_CHANGE &&
			Math.abs(change - Math.log(ratio)) >= this.medianError(from, recent, false)
			? recent
			: ratio;
	}

	/**
	 * Whether every one of the last `span` buckets was recorded, moved by 5 % or more the way `ratio` did, and
	 * sits at the new level: within `limit` of its scale of `ratio` times its expected value. Three low days
	 * around a holiday (Thanksgiving: × 0.85, closed, × 0.55) are no level; followed, the days after were
	 * expected at 0.56 of their level, and an outage a week later went unheard.
	 */
	private allMoved(from: number, ratio: number, limit: number): boolean {
		const up = ratio > 1;
		for (let at = 0; at < this.span; at++) {
			if (this.buckets[at] < from) return false;
			const change = Math.log(this.ratios[at]);
			if (!(Math.abs(change) >= LEAST_LOG_CHANGE) || change > 0 !== up) return false;
			const offLevel = Math.abs(this.ratios[at] - ratio) * this.weights[at];
			if (!(offLevel <= limit * this.scales[at])) return false;
		}
		return true;
	}

	/** The first bucket of the trailing run of the span's recorded ratios nearer `level` than 1 (see `since`). */
	private atNewLevelSince(i: number, level: number): number {
		const logLevel = Math.log(level);
		let since = i;
		for (let j = i - 1; j >= i - this.span; j--) {
			const at = j % this.span;
			if (this.buckets[at] !== j) continue;
			const logRatio = Math.log(this.ratios[at]);
			if (!(Math.abs(logRatio - logLevel) < Math.abs(logRatio))) break;
			since = j;
		}
		return since;
	}

	/**
	 * Weighted median of the ratios recorded from bucket `from` on; NaN when they and the closed buckets (a
	 * centre's nights: nothing to follow there) cover less than half a span, or there are fewer than two, or
	 * more than OFF_LEVEL_SHARE of their weight is a quarter of its level or less, or four times or more:
	 * such a day straddles an outage or a closed day (a holiday's afternoon and the next morning), and the
	 * median between them is no level.
	 */
	private weightedMedian(from: number): number {
		const { ratios, weights, buckets, order } = this;
		let count = 0;
		let closed = 0;
		let total = 0;
		let offLevel = 0;
		for (let at = 0; at < this.span; at++) {
			if (this.closed[at] >= from) closed++;
			if (buckets[at] < from) continue;
			order[count++] = at;
			total += weights[at];
			if (!(Math.abs(Math.log(ratios[at])) <= MOST_LOG_CHANGE)) offLevel += weights[at];
		}
		if (count < 2 || count + closed < this.span >> 1 || offLevel > OFF_LEVEL_SHARE * total)
			return NaN;
		return this.medianOf(count, total);
	}

	/** Weighted median of the ratios at the first `count` positions of `order`, whose weights sum to `total`. */
	private medianOf(count: number, total: number): number {
		const { ratios, weights } = this;
		const sorted = this.order.subarray(0, count).sort((a, b) => ratios[a] - ratios[b]);
		let below = 0;
		for (const at of sorted) {
			below += weights[at];
			if (below >= total / 2) return ratios[at];
		}
		return NaN;
	}
}
