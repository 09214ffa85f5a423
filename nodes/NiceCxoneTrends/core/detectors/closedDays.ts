import type { SortedRings } from './sortedRings';

/**
 * Fewest contacts the recent weeks of a weekday must expect over its day (the sum of its slots' medians)
 * for a day of it to be taken for closed: at a Poisson mean of 10, a day of one contact or none comes about
 * once in 2,000.
 */
export const CLOSED_DAY_CONTACTS = 10;

/**
 * Most share of what its weekday expects (CLOSED_DAY_CONTACTS at least) a closed day may have: a contact or
 * two on a holiday (a caller who did not know, an e-mail) still leaves it a holiday. Asked for none, one
 * contact on each of Christmas and New Year's Day kept both in the rings (a reviewer's series: the spike of
 * the Monday after heard 7 times in 60, 16 with silent holidays).
 */
export const CLOSED_DAY_SHARE = 0.1;

/**
 * Most closed days of a run kept out of the rings: weekdays in a row (Christmas Eve and Christmas Day, or
 * Christmas and Boxing Day; a weekend between them does not end the run), and days of a weekday within
 * CLOSED_WEEKDAY_WEEKS (Christmas and New Year's Day, a week apart). The next one is learnt, and so is every
 * one after it.
 */
export const MOST_KEPT_OUT = 2;

/**
 * Weeks over which a weekday's closed days count towards MOST_KEPT_OUT: twice the weeks of its reference,
 * so that a weekday closed every other week is learnt. (Counted in a row only, every closed day of a rota
 * was kept out and alerted, for good: every other Monday closed, 600 of 600 closures alerted in a reviewer's
 * series, 348 before closed days were kept out.)
 */
export const CLOSED_WEEKDAY_WEEKS = 8;

/**
 * A count's weekday without contacts (at most CLOSED_DAY_SHARE of them) where the recent weeks of its
 * weekday expected some (a holiday) leaves the slot rings when it ends, as if it had not been: it was no
 * sample of the weekdays or of its weekday, it gives its weekday no level (see WeekdayLevel), and it confirms
 * no level shift (see LevelFollower.forget). It still alerts. Kept in, Christmas and New Year's Day, a week
 * apart on the same weekday, were half of that weekday's four-week reference: its next weeks were expected
 * at about half their level, on scales up to 3.7 times as wide (deaf), and alerted where they came as ever;
 * and two pairs of holidays (Christmas and Boxing Day, New Year's Day and the day after) left the week after
 * them deaf.
 *
 * Not every closed day is a holiday: a channel switched off stays closed, a centre may stop opening on
 * Fridays, or open every other Monday. A closed day after MOST_KEPT_OUT of its run (weekdays in a row, or
 * its weekday within CLOSED_WEEKDAY_WEEKS) is learnt: a closure that goes on or comes back is learnt as
 * before, two days or two weeks later (and a rota's closures alert more: see BENCHMARKS). Weekend days are
 * never kept out: a weekend day's reference is its own weekday, closed or open by turns at some centres (a
 * Saturday rota), and a weekend day judged against the other already allows for one being closed.
 *
 * Per day, the pushes of its buckets (ring, and the value each one dropped) are logged, to be taken back
 * newest first. A level shift that moves the rings within the day ({@link moved}) keeps the day in.
 */
export class ClosedDays {
	private readonly pushedRings: Int32Array;
	private readonly dropped: Float64Array;
	private pushes = 0;
	private expected = 0;
	private contacts = 0;
	private open = false;
	private day = NaN;
	private weekday = 0;
	/** Closed weekdays in a row up to the last weekday: 0 when it was open. */
	private run = 0;
	/** Day numbers of the last closed days of each ISO weekday (index weekday · MOST_KEPT_OUT + j). */
	private readonly weekdayClosed = new Float64Array(8 * MOST_KEPT_OUT).fill(-Infinity);

	/**
	 * @param rings the detector's slot rings: those of ISO weekday d from (`sameWeekday` + d − 1) ·
	 *   `slotsPerDay`
	 * @param bucketsPerDay most buckets a day holds (a day of 25 hours included)
	 * @param minWeeks values a same-weekday ring needs for its median to count
	 */
	constructor(
		private readonly rings: SortedRings,
		private readonly slotsPerDay: number,
		private readonly sameWeekday: number,
		bucketsPerDay: number,
		private readonly minWeeks: number,
	) {
		this.pushedRings = new Int32Array(2 * bucketsPerDay);
		this.dropped = new Float64Array(2 * bucketsPerDay);
	}

	/**
	 * A bucket of local day `day`, an `isoWeekday`, a weekday or not (`weekday`; a weekend day is never kept
	 * out), before it is judged. When it starts a new day, ends the last one: true when that one left the rings.
	 */
	enter(day: number, isoWeekday: number, weekday: boolean): boolean {
		if (day === this.day) return false;
		const keptOut = this.day === this.day && this.end();
		this.begin(day, isoWeekday, weekday);
		return keptOut;
	}

	/** Starts a day: what its weekday's rings with `minWeeks` values expect. */
	private begin(day: number, isoWeekday: number, weekday: boolean): void {
		const rings = this.rings;
		const first = (this.sameWeekday + isoWeekday - 1) * this.slotsPerDay;
		let expected = 0;
		for (let ring = first; ring < first + this.slotsPerDay; ring++) {
			if (rings.size(ring) < this.minWeeks) continue;
			rings.refresh(ring);
			expected += rings.median[ring];
		}
		this.day = day;
		this.weekday = isoWeekday;
		this.expected = expected;
		this.open = weekday && expected >= CLOSED_DAY_CONTACTS;
		this.contacts = 0;
		this.pushes = 0;
	}

	/** A bucket of the day: its value (`NaN` none) and whether the series is a count. */
	observe(value: number, counts: boolean): void {
		if (value === value) this.contacts += value;
		if (!counts) this.open = false;
	}

	/** A push of the day's: `dropped` is what {@link SortedRings.push} returned. */
	pushed(ring: number, dropped: number): void {
		if (!this.open) return;
		if (this.pushes === this.pushedRings.length) {
			this.open = false;
			return;
		}
		this.pushedRings[this.pushes] = ring;
		this.dropped[this.pushes++] = dropped;
	}

	/** The rings were scaled within the day (a level shift): its pushes can no longer be taken back. */
	moved(): void {
		this.open = false;
	}

	/** Ends the day: takes its pushes back when it was closed and may be kept out. True when it was. */
	private end(): boolean {
		const closed =
			this.open && this.pushes > 0 && this.contacts <= CLOSED_DAY_SHARE * this.expected;
		if (!closed) {
			// A day that was not open (a weekend day, a weekday without the weeks to tell) leaves the run as it is.
			if (this.open) this.run = 0;
			return false;
		}
		const base = this.weekday * MOST_KEPT_OUT;
		let weekdayBefore = 0;
		let oldest = base;
		for (let j = base; j < base + MOST_KEPT_OUT; j++) {
			if (this.day - this.weekdayClosed[j] < 7 * CLOSED_WEEKDAY_WEEKS) weekdayBefore++;
			if (this.weekdayClosed[j] < this.weekdayClosed[oldest]) oldest = j;
		}
		const keep = this.run < MOST_KEPT_OUT && weekdayBefore < MOST_KEPT_OUT;
		this.run++;
		this.weekdayClosed[oldest] = this.day;
		if (keep)
			for (let k = this.pushes - 1; k >= 0; k--)
				this.rings.unpush(this.pushedRings[k], this.dropped[k]);
		return keep;
	}
}
