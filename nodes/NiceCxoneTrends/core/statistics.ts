/**
 * Small robust statistics: one function, one job, no hidden state. Values are in the series' own unit
 * unless a function says otherwise; `NaN` stands for "no value" and is skipped where documented.
 */

/** Factor that turns a median absolute deviation into a standard-deviation estimate for normal data. */
export const MAD_TO_SD = 1.4826;

/** A median's standard error over a mean's, for a normal sample: √(π/2). */
export const MEDIAN_OVER_MEAN_ERROR = Math.sqrt(Math.PI / 2);

/**
 * Score of a count `value` against an `expected` count (> 0) with a robust spread `scale`: the
 * deviation on the square-root scale, 2·(√(value + 3/8) − √(expected + 3/8)) (Anscombe's transform, under
 * which Poisson noise has unit spread at every level), divided by the spread carried onto that scale,
 * scale / √expected. Close to (value − expected) / scale for small deviations; larger for drops towards
 * zero, smaller for bursts (e.g. 0 against 27.6 ± 7.3 scores −6.7 rather than −3.8). Robust standard
 * deviations.
 */
export function countScore(value: number, expected: number, scale: number): number {
	return (
		(2 * (Math.sqrt(value + 0.375) - Math.sqrt(expected + 0.375)) * Math.sqrt(expected)) / scale
	);
}

/**
 * Score of a rise of an average of durations (handle times) to `value` above `expected` (both > 0) with
 * spread `scale`, on the log scale of a lognormal of that mean and spread: (ln(value / expected) + s² / 2) / s
 * with s² = ln(1 + (scale / expected)²). Durations are right-skewed: one contact of ten times the median
 * is common where a mean of few contacts is judged, and on the linear scale it scored 5 to 9. Close to
 * (value − expected) / scale when the spread is small against the mean (a busy hour), smaller for a rise
 * of a mean of few contacts (3391 s against 321 ± 452 scores 2.78 rather than 6.79).
 */
export function durationRiseScore(value: number, expected: number, scale: number): number {
	const logVariance = Math.log(1 + (scale / expected) ** 2);
	return (Math.log(value / expected) + logVariance / 2) / Math.sqrt(logVariance);
}

/**
 * The rise score of an average of durations at `value` (see {@link durationRiseScore}) measured from its
 * expected value `center` and, where it is higher, from the series' long-run `mean`, whichever is smaller,
 * at least 0: where most contacts never hold or queue, a slot's median is 0 or near it and no promise of
 * none, and a higher level to measure from must not make a rise score more. `NaN` when neither is positive.
 */
export function durationRiseFrom(
	value: number,
	center: number,
	mean: number,
	scale: number,
): number {
	const fromCenter = center > 0 ? durationRiseScore(value, center, scale) : Infinity;
	const fromMean = mean > center ? durationRiseScore(value, mean, scale) : Infinity;
	const score = Math.min(fromCenter, fromMean);
	return score < Infinity ? Math.max(0, score) : NaN;
}

/** Least spread of ln(value) in {@link riseFromTypicalPositive}: a few equal values are no promise of the next. */
const MIN_LOG_SPREAD = 0.25;

/**
 * The rise score of an average of durations at `value` (> 0) in a slot that has no positive level to measure
 * from (its median and its long-run mean are 0: nobody held there yet), against the series' positive values:
 * (ln value − logMean) / logSpread, with `logMean` and `logSpread` the mean and standard deviation of ln of
 * the positive values seen so far (logSpread at least MIN_LOG_SPREAD), at least 0. Where most contacts never
 * hold, a hold somewhere is no news; a hold far longer than holds usually are is.
 */
export function riseFromTypicalPositive(value: number, logMean: number, logSpread: number): number {
	return Math.max(0, (Math.log(value) - logMean) / Math.max(logSpread, MIN_LOG_SPREAD));
}

/**
 * Rearranges `buffer[0..length)` so that `buffer[k]` holds the k-th smallest of those values (0-based),
 * and returns it (Hoare's quickselect, expected O(length)). Values must not be NaN.
 */
export function selectInPlace(buffer: Float64Array, length: number, k: number): number {
	let left = 0;
	let right = length - 1;
	while (right > left) {
		const pivot = buffer[(left + right) >> 1];
		let i = left;
		let j = right;
		while (i <= j) {
			while (buffer[i] < pivot) i++;
			while (buffer[j] > pivot) j--;
			if (i <= j) {
				const swap = buffer[i];
				buffer[i] = buffer[j];
				buffer[j] = swap;
				i++;
				j--;
			}
		}
		if (k <= j) right = j;
		else if (k >= i) left = i;
		else return buffer[k];
	}
	return buffer[k];
}

/**
 * Median of `buffer[0..length)` (mean of the two middle values for an even count), reordering the buffer.
 * `NaN` for an empty range. Values must not be NaN.
 */
export function medianInPlace(buffer: Float64Array, length: number): number {
	if (length <= 0) return NaN;
	const upper = selectInPlace(buffer, length, length >> 1);
	if (length % 2 === 1) return upper;
	// After selecting the upper middle, the lower middle is the largest value to its left.
	let lower = -Infinity;
	for (let i = 0; i < length >> 1; i++) if (buffer[i] > lower) lower = buffer[i];
	return (lower + upper) / 2;
}

/**
 * Theil–Sen slope: the median of the slopes (y_j − y_i) / (x_j − x_i) over pairs with x_i ≠ x_j, in
 * y-units per x-unit. Pairs with a non-finite x or y are skipped. Exact for up to `maxExactPoints` points;
 * above that the median is taken over `samplePairs` pairs drawn by a fixed-seed generator, so the cost
 * stays bounded and the result is reproducible. `NaN` when fewer than two distinct x values.
 */
export function theilSenSlope(
	x: ArrayLike<number>,
	y: ArrayLike<number>,
	maxExactPoints = 1500,
	samplePairs = 200_000,
): number {
	const length = Math.min(x.length, y.length);
	const xs = new Float64Array(length);
	const ys = new Float64Array(length);
	let n = 0;
	for (let i = 0; i < length; i++) {
		if (Number.isFinite(x[i]) && Number.isFinite(y[i])) {
			xs[n] = x[i];
			ys[n++] = y[i];
		}
	}
	if (n < 2) return NaN;
	let slopes: Float64Array;
	let count = 0;
	if (n <= maxExactPoints) {
		slopes = new Float64Array((n * (n - 1)) / 2);
		for (let i = 0; i < n; i++) {
			for (let j = i + 1; j < n; j++) {
				const dx = xs[j] - xs[i];
				if (dx !== 0) slopes[count++] = (ys[j] - ys[i]) / dx;
			}
		}
	} else {
		slopes = new Float64Array(samplePairs);
		let state = 0x9e3779b9;
		const next = (): number => {
			// xorshift32: deterministic, fast, good enough to pick pairs uniformly.
			state ^= state << 13;
			state ^= state >>> 17;
			state ^= state << 5;
			return (state >>> 0) / 4294967296;
		};
		for (let s = 0; s < samplePairs; s++) {
			const i = Math.floor(next() * n);
			const j = Math.floor(next() * n);
			const dx = xs[j] - xs[i];
			if (dx !== 0) slopes[count++] = (ys[j] - ys[i]) / dx;
		}
	}
	return count === 0 ? NaN : medianInPlace(slopes, count);
}

/**
 * Trailing simple moving average: element i is the mean of the finite values among
 * `values[i − window + 1 .. i]`; `NaN` where that range holds no finite value. O(n).
 */
export function movingAverage(values: ArrayLike<number>, window: number): Float64Array {
	const size = Math.max(1, Math.floor(window));
	const out = new Float64Array(values.length);
	let sum = 0;
	let count = 0;
	for (let i = 0; i < values.length; i++) {
		const v = values[i];
		if (Number.isFinite(v)) {
			sum += v;
			count++;
		}
		if (i >= size) {
			const old = values[i - size];
			if (Number.isFinite(old)) {
				sum -= old;
				count--;
			}
		}
		out[i] = count === 0 ? NaN : sum / count;
	}
	return out;
}

/** Percent change from `from` to `to`: 100 · (to − from) / |from|. `NaN` when `from` is 0 or not finite. */
export function percentChange(from: number, to: number): number {
	if (!Number.isFinite(from) || !Number.isFinite(to) || from === 0) return NaN;
	return (100 * (to - from)) / Math.abs(from);
}

/**
 * The most common positive difference between consecutive sorted values (for timestamps in ms: the
 * bucket spacing in ms). Ties go to the smaller gap. `NaN` when there is no positive gap.
 */
export function mostCommonPositiveGap(sortedValues: ArrayLike<number>): number {
	return mostFrequent(countPositiveGaps(sortedValues, new Map()));
}

/** Adds each positive gap between consecutive values of a sorted list to `counts`, and returns it. */
export function countPositiveGaps(
	sortedValues: ArrayLike<number>,
	counts: Map<number, number>,
): Map<number, number> {
	for (let i = 1; i < sortedValues.length; i++) {
		const gap = sortedValues[i] - sortedValues[i - 1];
		if (gap > 0) counts.set(gap, (counts.get(gap) ?? 0) + 1);
	}
	return counts;
}

/** The key counted most often (ties go to the smaller key); NaN when nothing was counted. */
export function mostFrequent(counts: Map<number, number>): number {
	let best = NaN;
	let bestCount = 0;
	for (const [gap, count] of counts) {
		if (count > bestCount || (count === bestCount && gap < best)) {
			best = gap;
			bestCount = count;
		}
	}
	return best;
}
