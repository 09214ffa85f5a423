import type { SortedRings } from './sortedRings';

/**
 * The day-to-day spread within each weekday, pooled over the weekdays of a kind of day (weekdays, or weekend
 * days), at each time-of-day slot: the sum and the number of the MADs of those weekdays' same-weekday rings
 * that hold two values or more.
 *
 * The last days of a kind mix its weekdays, so the MAD of a slot's kind ring holds how a Monday differs from
 * a Friday as well as how one Monday differs from the next; once the expected value follows each weekday's
 * own level, only the second is noise. One weekday's ring holds only the last few weeks (a MAD of four
 * values is itself very noisy), so the weekdays of the kind are pooled.
 *
 * Kept per kind and slot, and brought up to date only after one of its rings took a value or every ring
 * was rescaled: a neighbourhood of 13 slots costs 13 look-ups, not a refresh of 65 rings.
 */
export class WeekdaySpread {
	/** Sum of the MADs (raw) of the pooled rings, by kind · slotsPerDay + slot. */
	readonly madSum: Float64Array;
	/** Number of the pooled rings, by kind · slotsPerDay + slot. */
	readonly count: Int32Array;
	private readonly stale: Uint8Array;

	/**
	 * @param rings the slot rings; weekday `w`'s (ISO 1–7) ring of slot `s` is group `firstWeekdayGroup + w − 1`
	 * @param kindOfWeekday the kind of each ISO weekday (index 1–7)
	 */
	constructor(
		private readonly rings: SortedRings,
		private readonly slotsPerDay: number,
		private readonly firstWeekdayGroup: number,
		private readonly kindOfWeekday: Uint8Array,
		kinds: number,
	) {
		this.madSum = new Float64Array(kinds * slotsPerDay);
		this.count = new Int32Array(kinds * slotsPerDay);
		this.stale = new Uint8Array(kinds * slotsPerDay).fill(1);
	}

	/** A same-weekday ring of `slot` took a value. */
	touch(slot: number): void {
		for (let at = slot; at < this.stale.length; at += this.slotsPerDay) this.stale[at] = 1;
	}

	/** Every ring was rescaled. */
	touchAll(): void {
		this.stale.fill(1);
	}

	/** Brings kind `kind`'s pool at `slot` up to date; returns its index into {@link madSum} and {@link count}. */
	at(kind: number, slot: number): number {
		const at = kind * this.slotsPerDay + slot;
		if (this.stale[at] === 0) return at;
		this.stale[at] = 0;
		const { rings } = this;
		let madSum = 0;
		let count = 0;
		for (let isoWeekday = 1; isoWeekday <= 7; isoWeekday++) {
			if (this.kindOfWeekday[isoWeekday] !== kind) continue;
			const ring = (this.firstWeekdayGroup + isoWeekday - 1) * this.slotsPerDay + slot;
			if (rings.size(ring) < 2) continue;
			rings.refresh(ring);
			madSum += rings.mad[ring];
			count++;
		}
		this.madSum[at] = madSum;
		this.count[at] = count;
		return at;
	}
}
