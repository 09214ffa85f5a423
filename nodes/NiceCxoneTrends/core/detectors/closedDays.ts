import type { SortedRings } from './sortedRings';

/**
 * Fewest contacts the recent weeks of a weekday must expect over its day (the sum of its slots' medians)
 * for a day of it without any to be taken for closed: under Poisson noise such a day comes by chance once
 * in e^10 ≈ 22,000.
 */
export const CLOSED_DAY_CONTACTS = 10;

/**
 * Most closed days running that are kept out of the rings, of a kind of day (days in a row: Christmas Eve
 * and Christmas Day, or Christmas and Boxing Day) and of a weekday (weeks in a row: Christmas and New Year's
 * Day, a week apart). The third running is learnt, and so is every one after it.
 */
export const MOST_KEPT_OUT_RUNNING = 2;

/**
 * A count's day without any contacts where the recent weeks of its weekday expected some (a holiday) leaves
 * the slot rings when it ends, as if it had not been: it was no sample of its kind of day or its weekday,
 * and it gives its weekday no level (see WeekdayLevel). Kept in, Christmas and New Year's Day, a week apart
 * on the same weekday, were half of that weekday's four-week reference: its next weeks were expected at
 * about half their level, on scales up to 3.7 times as wide (deaf), and alerted where they came as ever; and
 * two pairs of holidays (Christmas and Boxing Day, New Year's Day and the day after) left the week after
 * them deaf.
 *
 * Not every closed day is a holiday: a channel switched off stays closed, a centre may stop opening on
 * Fridays. A closure that goes on past MOST_KEPT_OUT_RUNNING days of its kind, or weeks of its weekday, is
 * learnt from then on, two days or two weeks later than if every closed day were.
 *
 * Per day, the pushes of its buckets (ring, and the value each one dropped) are logged, to be taken back
 * newest first. A level shift that moves the rings within the day ({@link moved}) keeps the day in.
 */
export class ClosedDays {
	private readonly pushedRings: Int32Array;
	private readonly dropped: Float64Array;
	private pushes = 0;
	private open = false;
	private silent = true;
	private day = 0;
	private weekday = 0;
	private kind = 0;
	/** Closed days running up to the last day of each kind (weekday, weekend day): 0 when it was open. */
	private readonly kindClosed = new Int32Array(2);
	/** Day number of the last closed day of each ISO weekday, and how many weeks running it was closed then. */
	private readonly weekdayClosed = new Float64Array(8).fill(-Infinity);
	private readonly weeksClosed = new Int32Array(8);

	/** @param bucketsPerDay most buckets a day holds (a day of 25 hours included) */
	constructor(bucketsPerDay: number) {
		this.pushedRings = new Int32Array(2 * bucketsPerDay);
		this.dropped = new Float64Array(2 * bucketsPerDay);
	}

	/**
	 * Starts local day `day`, an `isoWeekday` of `kind`, whose slots' same-weekday rings are
	 * `weekdayRings` … + `slotsPerDay` − 1: it is open when those with `minWeeks` values expect at least
	 * CLOSED_DAY_CONTACTS over the day.
	 */
	begin(
		day: number,
		isoWeekday: number,
		kind: number,
		rings: SortedRings,
		weekdayRings: number,
		slotsPerDay: number,
		minWeeks: number,
	): void {
		let expected = 0;
		for (let ring = weekdayRings; ring < weekdayRings + slotsPerDay; ring++) {
			if (rings.size(ring) < minWeeks) continue;
			rings.refresh(ring);
			expected += rings.median[ring];
		}
		this.day = day;
		this.weekday = isoWeekday;
		this.kind = kind;
		this.open = expected >= CLOSED_DAY_CONTACTS;
		this.silent = true;
		this.pushes = 0;
	}

	/** A bucket of the day: its value (`NaN` none) and whether the series is a count. */
	observe(value: number, counts: boolean): void {
		if (value === value && value !== 0) this.silent = false;
		if (!counts) this.open = false;
	}

	/** A push of the day's: `dropped` is what {@link SortedRings.push} returned. */
	pushed(ring: number, dropped: number): void {
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
	end(rings: SortedRings): boolean {
		const closed = this.open && this.silent && this.pushes > 0;
		const weekday = this.weekday;
		const weeksBefore =
			this.day - this.weekdayClosed[weekday] === 7 ? this.weeksClosed[weekday] : 0;
		const daysBefore = this.kindClosed[this.kind];
		const keep =
			closed && daysBefore < MOST_KEPT_OUT_RUNNING && weeksBefore < MOST_KEPT_OUT_RUNNING;
		this.kindClosed[this.kind] = closed ? daysBefore + 1 : 0;
		if (closed) {
			this.weekdayClosed[weekday] = this.day;
			this.weeksClosed[weekday] = weeksBefore + 1;
		}
		if (keep)
			for (let k = this.pushes - 1; k >= 0; k--) rings.unpush(this.pushedRings[k], this.dropped[k]);
		return keep;
	}
}
