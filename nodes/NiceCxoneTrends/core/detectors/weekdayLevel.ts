import { medianInPlace } from '../statistics';

/**
 * How busy each weekday runs compared with its kind of day (weekdays, or weekend days), causally. Mondays
 * in a contact centre often run busier than the other weekdays and Fridays quieter, while the seasonal
 * method's first reference is the last days of the same kind, which mixes them. Judged against that mix,
 * every Monday bucket sits a little high and every Friday bucket a little low: a drop on a Monday is
 * understated, and the run scores, which add such deviations over a day, run wide on ordinary days.
 *
 * The level of a local day is the mean of its values. When a day ends, its ratio to the median level of
 * the `kindDays` days of its kind before it is kept for its weekday: the days the seasonal reference of
 * that weekday is the median of. (With itself among them, the window held another mix of weekdays than
 * the reference: at weekdays of 1250, 1100, 1000, 950 and 800, Tuesdays were expected at 1000 and
 * Wednesdays at 1100.) A ratio compares days of the same week, so a level shift moves both of its terms
 * and leaves it nearly as it was; only the few days in which the median is still catching up see a
 * distorted ratio.
 * A weekday's factor is the median of its last `weeks` ratios, shrunk towards 1 by its uncertainty:
 * positive-part James–Stein, the difference d from 1 is kept in the share max(0, 1 − se² / d²), with se²
 * the ratios' variance (pooled over the weekdays of the kind, each around its own mean) · (π/2) / count.
 * So a weekday effect that is clearly there is followed, and one the days' own noise could explain is not.
 * Until `minWeeks` ratios of the weekday exist, the factor is 1.
 *
 * Only days that have ended count: the day being judged never informs its own factor. Meant for
 * non-negative series (counts, rates, averages), where one level is a multiple of another.
 */
export class WeekdayLevel {
	/** The last `weeks` ratios of each ISO weekday (index weekday · weeks + j). */
	private readonly ratios: Float64Array;
	private readonly ratioCount = new Int32Array(8);
	private readonly ratioHead = new Int32Array(8);
	/** Kind of each ISO weekday, as last seen. */
	private readonly weekdayKind = new Int8Array(8);
	/** Levels of the last `kindDays` days of each kind (index kind · kindDays + j). */
	private readonly levels: Float64Array;
	private readonly levelCount = new Int32Array(2);
	private readonly levelHead = new Int32Array(2);
	private readonly scratch: Float64Array;
	/** Factors by weekday (index kind · 8 + ISO weekday), NaN until asked for since the last day ended. */
	private readonly factors = new Float64Array(16).fill(NaN);
	/** {@link settled}, brought up to date when a day ends (the only time the ratios change). */
	private weekdaysSettled = false;
	private day = NaN;
	private dayWeekday = 0;
	private dayKind = 0;
	private sum = 0;
	private values = 0;

	constructor(
		private readonly weeks: number,
		private readonly minWeeks: number,
		private readonly kindDays: number,
	) {
		this.ratios = new Float64Array(8 * weeks);
		this.levels = new Float64Array(2 * kindDays);
		this.scratch = new Float64Array(Math.max(weeks, kindDays));
	}

	/** Records a bucket (after it was judged) of local day `dayNumber`; `value` NaN = no value. */
	observe(dayNumber: number, isoWeekday: number, kind: number, value: number): void {
		this.enterDay(dayNumber, isoWeekday, kind);
		if (value === value) {
			this.sum += value;
			this.values++;
		}
	}

	/**
	 * Factor of the expected value of a bucket of local day `dayNumber`, an `isoWeekday` of `kind`
	 * (0 weekday, 1 weekend), from the days that ended before it.
	 */
	factor(dayNumber: number, isoWeekday: number, kind: number): number {
		this.enterDay(dayNumber, isoWeekday, kind);
		const at = kind * 8 + isoWeekday;
		const cached = this.factors[at];
		if (cached === cached) return cached;
		return (this.factors[at] = this.computeFactor(isoWeekday, kind));
	}

	private computeFactor(isoWeekday: number, kind: number): number {
		const count = this.ratioCount[isoWeekday];
		if (count < this.minWeeks) return 1;
		const difference = this.median(this.ratios, isoWeekday * this.weeks, count) - 1;
		if (difference === 0) return 1;
		// The ratios' variance, pooled over the weekdays of this kind, each around its own mean.
		let squares = 0;
		let freedom = 0;
		for (let weekday = 1; weekday <= 7; weekday++) {
			const n = this.ratioCount[weekday];
			if (this.weekdayKind[weekday] !== kind || n < 2) continue;
			const start = weekday * this.weeks;
			let mean = 0;
			for (let j = start; j < start + n; j++) mean += this.ratios[j];
			mean /= n;
			for (let j = start; j < start + n; j++) squares += (this.ratios[j] - mean) ** 2;
			freedom += n - 1;
		}
		// One ratio a weekday (`minWeeks` 1): no spread to judge the difference by yet.
		if (freedom === 0) return 1;
		const variance = ((squares / freedom) * Math.PI) / 2 / count;
		const kept = Math.max(0, 1 - variance / (difference * difference));
		return 1 + difference * kept;
	}

	/** Whether every weekday of the weekdays' kind seen so far has its `minWeeks` ratios (its factor is known). */
	settled(): boolean {
		return this.weekdaysSettled;
	}

	private computeSettled(): boolean {
		let seen = 0;
		for (let weekday = 1; weekday <= 7; weekday++) {
			if (this.weekdayKind[weekday] !== 0 || this.ratioCount[weekday] === 0) continue;
			if (this.ratioCount[weekday] < this.minWeeks) return false;
			seen++;
		}
		return seen > 0;
	}

	/**
	 * Multiplies the days' levels by `factor` (the series moved to a new level; ratios stay as they are), but
	 * for `alreadyMoved`, the part of the day being summed that was at the new level already.
	 */
	scaleLevels(factor: number, alreadyMoved = 0): void {
		for (let j = 0; j < this.levels.length; j++) this.levels[j] *= factor;
		this.sum = (this.sum - alreadyMoved) * factor + alreadyMoved;
	}

	/** Forgets the day being summed: it gives its weekday no ratio and its kind no level. */
	forgetDay(): void {
		this.sum = 0;
		this.values = 0;
	}

	/** Ends the day being summed when `dayNumber` is another. */
	private enterDay(dayNumber: number, isoWeekday: number, kind: number): void {
		if (dayNumber === this.day) return;
		this.closeDay();
		this.day = dayNumber;
		this.dayWeekday = isoWeekday;
		this.dayKind = kind;
	}

	private closeDay(): void {
		this.factors.fill(NaN);
		if (this.values > 0) {
			const kind = this.dayKind;
			const level = this.sum / this.values;
			const typical =
				this.levelCount[kind] === this.kindDays
					? this.median(this.levels, kind * this.kindDays, this.kindDays)
					: NaN;
			this.levels[kind * this.kindDays + this.levelHead[kind]] = level;
			this.levelHead[kind] = (this.levelHead[kind] + 1) % this.kindDays;
			if (this.levelCount[kind] < this.kindDays) this.levelCount[kind]++;
			if (typical > 0) {
				const weekday = this.dayWeekday;
				this.weekdayKind[weekday] = kind;
				this.ratios[weekday * this.weeks + this.ratioHead[weekday]] = level / typical;
				this.ratioHead[weekday] = (this.ratioHead[weekday] + 1) % this.weeks;
				if (this.ratioCount[weekday] < this.weeks) this.ratioCount[weekday]++;
				this.weekdaysSettled = this.computeSettled();
			}
		}
		this.sum = 0;
		this.values = 0;
	}

	/** Median of `values[start..start + length)` (left as they are). */
	private median(values: Float64Array, start: number, length: number): number {
		this.scratch.set(values.subarray(start, start + length));
		return medianInPlace(this.scratch, length);
	}
}
