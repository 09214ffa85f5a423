/**
 * How busy each weekday runs compared with its kind of day (weekdays, or weekend days), causally. Mondays
 * in a contact centre often run busier than the other weekdays and Fridays quieter, while the seasonal
 * method's first reference is the last days of the same kind, which mixes them. Judged against that mix,
 * every Monday bucket sits a little high and every Friday bucket a little low: a drop on a Monday is
 * understated, and the run scores, which add such deviations over a day, run wide on ordinary days.
 *
 * The level of a local day is the mean of its values. A weekday's factor is the mean level of its last
 * `weeks` occurrences over the median level of the last `kindDays` days of its kind (the day its slot
 * medians stand for), shrunk towards 1 by the uncertainty of that ratio: positive-part James–Stein, the
 * difference d is kept in the share max(0, 1 − se² / d²), with se from the day-to-day spread of each
 * weekday's levels around their own mean, pooled over the weekdays of the kind. So a weekday effect that
 * is clearly there is followed, and one the days' own noise could explain is not. Until `minWeeks`
 * occurrences of the weekday and `kindDays` days of its kind have ended, the factor is 1.
 *
 * Only days that have ended count: the day being judged never informs its own factor. Meant for
 * non-negative series (counts, rates, averages), where one level is a multiple of another.
 */
export class WeekdayLevel {
	/** Levels of the last `weeks` occurrences of each ISO weekday (index weekday · weeks + j). */
	private readonly byWeekday: Float64Array;
	private readonly weekdayCount = new Int32Array(8);
	private readonly weekdayHead = new Int32Array(8);
	/** Levels of the last `kindDays` days of each kind (index kind · kindDays + j). */
	private readonly byKind: Float64Array;
	private readonly kindCount = new Int32Array(2);
	private readonly kindHead = new Int32Array(2);
	private day = NaN;
	private dayWeekday = 0;
	private dayKind = 0;
	private sum = 0;
	private values = 0;
	/** Kind of each ISO weekday, as last seen. */
	private readonly weekdayKind = new Int8Array(8);
	private readonly sorted: Float64Array;
	/** Factors by weekday (index kind · 8 + ISO weekday), NaN until asked for since the last day ended. */
	private readonly factors = new Float64Array(16).fill(NaN);

	constructor(
		private readonly weeks: number,
		private readonly minWeeks: number,
		private readonly kindDays: number,
	) {
		this.byWeekday = new Float64Array(8 * weeks);
		this.byKind = new Float64Array(2 * kindDays);
		this.sorted = new Float64Array(kindDays);
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
		const occurrences = this.weekdayCount[isoWeekday];
		const days = this.kindCount[kind];
		if (occurrences < this.minWeeks || days < this.kindDays) return 1;
		const weekdayMean = meanOf(this.byWeekday, isoWeekday * this.weeks, occurrences);
		// The median day of the kind: the level its slot medians stand for.
		const sorted = this.sorted;
		for (let j = 0; j < days; j++) sorted[j] = this.byKind[kind * this.kindDays + j];
		const kindLevel = medianOfFirst(sorted, days);
		if (!(kindLevel > 0)) return 1;
		const difference = weekdayMean / kindLevel - 1;
		if (difference === 0) return 1;
		// Day-to-day variance of a level: pooled over the weekdays of this kind, each around its own mean.
		let squares = 0;
		let freedom = 0;
		for (let weekday = 1; weekday <= 7; weekday++) {
			const count = this.weekdayCount[weekday];
			if (this.weekdayKind[weekday] !== kind || count < 2) continue;
			const start = weekday * this.weeks;
			const mean = meanOf(this.byWeekday, start, count);
			for (let j = start; j < start + count; j++) squares += (this.byWeekday[j] - mean) ** 2;
			freedom += count - 1;
		}
		if (freedom === 0) return 1;
		// Variance of the ratio: the weekday's mean over `occurrences` days, the kind's median over `days`
		// (a median's variance is π/2 that of a mean).
		const variance =
			((squares / freedom) * (1 / occurrences + Math.PI / 2 / days)) / (kindLevel * kindLevel);
		const kept = Math.max(0, 1 - variance / (difference * difference));
		return 1 + difference * kept;
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
			const level = this.sum / this.values;
			const weekday = this.dayWeekday;
			this.byWeekday[weekday * this.weeks + this.weekdayHead[weekday]] = level;
			this.weekdayHead[weekday] = (this.weekdayHead[weekday] + 1) % this.weeks;
			if (this.weekdayCount[weekday] < this.weeks) this.weekdayCount[weekday]++;
			const kind = this.dayKind;
			this.weekdayKind[weekday] = kind;
			this.byKind[kind * this.kindDays + this.kindHead[kind]] = level;
			this.kindHead[kind] = (this.kindHead[kind] + 1) % this.kindDays;
			if (this.kindCount[kind] < this.kindDays) this.kindCount[kind]++;
		}
		this.sum = 0;
		this.values = 0;
	}
}

function meanOf(values: Float64Array, start: number, length: number): number {
	let sum = 0;
	for (let j = start; j < start + length; j++) sum += values[j];
	return sum / length;
}

/** Median of `values[0..length)`, which it sorts. */
function medianOfFirst(values: Float64Array, length: number): number {
	const sorted = values.subarray(0, length).sort();
	const half = length >> 1;
	return length % 2 === 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
}
