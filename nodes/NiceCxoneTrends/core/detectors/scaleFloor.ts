import { DAY_MS } from '../../../shared/core/time';

/** The node's fraction of the typical recent spread below which a scale may not fall. */
export const TYPICAL_SPREAD_FRACTION = 0.5;

/** Settings of the floor under a detector's robust scale. */
export interface ScaleFloorOptions {
	/**
	 * Fraction of the series' typical recent spread (a one-day half-life average, in log terms, of the
	 * raw spreads seen so far) below which a bucket's scale may not fall.
	 */
	typicalSpreadFraction: number;
}

/**
 * Keeps a robust scale from collapsing, causally. The floor of a bucket's scale (in the metric's unit) is
 * the largest of:
 * - the data's resolution: the smallest non-zero change between consecutive values seen so far, so a
 *   quantised series (0 / 50 / 100 %) whose reference happens to be all one value still has a scale of
 *   one step;
 * - for counts (every value so far a non-negative integer): √max(expected, 1), the Poisson spread;
 * - `typicalSpreadFraction` × the series' typical recent spread, so one unusually tight reference does not
 *   turn ordinary noise into an alarm;
 * - 1e-9 · max(1, |expected|), so the scale is never zero.
 */
export class ScaleFloor {
	private readonly fraction: number;
	private readonly decay: number;
	private resolution = Infinity;
	private previous = NaN;
	private counts = true;
	private logTypical = NaN;

	constructor(options: ScaleFloorOptions, bucketMs: number) {
		this.fraction = options.typicalSpreadFraction;
		const halfLifeBuckets = Math.max(8, DAY_MS / bucketMs);
		this.decay = Math.pow(0.5, 1 / halfLifeBuckets);
	}

	/** Records a finite value of the series (after its bucket was judged). */
	observe(value: number): void {
		if (Number.isFinite(this.previous)) {
			const change = Math.abs(value - this.previous);
			if (change > 0 && change < this.resolution) this.resolution = change;
		}
		this.previous = value;
		if (this.counts && !(value >= 0 && Number.isInteger(value))) this.counts = false;
	}

	/** Whether every value so far was a non-negative integer (a count). */
	isCounts(): boolean {
		return this.counts;
	}

	/** Records the raw spread a bucket was judged with, for the typical spread. */
	noteSpread(spread: number): void {
		if (!(spread > 0)) return;
		const logSpread = Math.log(spread);
		this.logTypical = Number.isNaN(this.logTypical)
			? logSpread
			: this.decay * this.logTypical + (1 - this.decay) * logSpread;
	}

	/**
	 * Floors a raw spread (standard-deviation estimate) at a bucket whose expected value is `expected`; without
	 * the typical spread when `typical` is false (a bucket whose sampling noise is known floors it instead).
	 */
	apply(spread: number, expected: number, typical = true): number {
		let floor = 1e-9 * Math.max(1, Math.abs(expected));
		if (this.resolution !== Infinity && this.resolution > floor) floor = this.resolution;
		if (this.counts) floor = Math.max(floor, Math.sqrt(Math.max(expected, 1)));
		if (typical && !Number.isNaN(this.logTypical))
			floor = Math.max(floor, this.fraction * Math.exp(this.logTypical));
		return spread > floor ? spread : floor;
	}
}

/** A {@link ScaleFloor} for a series with buckets of `bucketMs`. */
export function createScaleFloor(options: ScaleFloorOptions, bucketMs: number): ScaleFloor {
	return new ScaleFloor(options, bucketMs);
}
