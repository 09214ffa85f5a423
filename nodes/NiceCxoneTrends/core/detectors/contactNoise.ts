/**
 * How a rate's or an average's noise depends on the contacts behind a bucket. `duration`: an average of
 * durations (handle, talk, hold, queue times), noisy as `mean` but right-skewed, so a rise is scored on the
 * log scale (see `durationRiseScore`). `ownSpread`: an average whose contacts are unknown, each bucket
 * counted as one (σ₁ is then the spread of the bucket's value itself), learned for each kind of day apart
 * (a weekend day over fewer contacts is noisier).
 */
export type ContactNoise = 'percent' | 'mean' | 'duration' | 'ownSpread';

/** Weight of each judged bucket in the learned per-contact spread of an average. */
const PER_CONTACT_WEIGHT = 0.02;
/** Buckets an average needs before its per-contact spread is used. */
const MIN_OBSERVATIONS = 20;
/** Weight of a slot's bucket in that slot's per-contact spread (a slot sees one bucket a day: about 20 days). */
const PER_SLOT_WEIGHT = 0.05;
/** Buckets of a slot (a week of them) before its own per-contact spread is used instead of the series'. */
const MIN_SLOT_OBSERVATIONS = 7;
/** E[ln |Z|] for a standard normal Z: turns a mean log absolute deviation into a log standard deviation. */
const MEAN_LOG_ABS_NORMAL = -0.6352;

/**
 * The sampling noise of one bucket of a rate or an average, from the number of contacts behind it — so
 * that an hourly abandon % over 3 contacts (0, 33, 67 or 100 %) is not read as an anomaly, while the same
 * jump over 300 contacts is:
 * - `percent`: binomial, 100 · √(p (1 − p) / n), p the larger of the expected share and the series'
 *   long-run share (an exponentially weighted mean), smoothed by half a contact ((p·n + ½) / (n + 1)), so
 *   an expected 0 % still has a spread;
 * - `mean`: σ₁ / √n, where σ₁, the spread of one contact's value, is learned causally from earlier buckets
 *   (an exponentially weighted mean of ln(|value − expected| · √n), robust to the anomalies among them).
 * `NaN` where the count is unknown or not positive, or σ₁ is not learned yet.
 */
export class SamplingNoise {
	private logPerContact = NaN;
	private observations = 0;
	private meanShare = NaN;
	/** σ₁ of each slot (time of day and kind of day), and the buckets it was learned from. */
	private readonly slotLogPerContact: Float64Array;
	private readonly slotObservations: Int32Array;

	/** `slots`: the slots an average's σ₁ is learned for apart (see {@link sd}). */
	constructor(
		private readonly kind: ContactNoise,
		slots = 1,
	) {
		this.slotLogPerContact = new Float64Array(slots);
		this.slotObservations = new Int32Array(slots);
	}

	/**
	 * Standard deviation of a bucket's value over `count` contacts around `expected`, in the metric's unit. An
	 * average's σ₁ is its `slot`'s own once that slot has MIN_SLOT_OBSERVATIONS buckets, the series' before:
	 * the contacts behind a group's average differ by hour (calls by day, e-mails by night, each with its own
	 * spread), and a series-wide σ₁ judged the day's calls by the nights' e-mails.
	 */
	sd(expected: number, count: number, slot = 0): number {
		if (!(count > 0)) return NaN;
		if (this.kind === 'percent') {
			// A median share of 0 % (most hours without an abandon) is no promise of none: the long-run share is the least.
			const typical = this.meanShare === this.meanShare ? this.meanShare : 0;
			const share = Math.min(1, Math.max(0, expected / 100, typical));
			const p = (share * count + 0.5) / (count + 1);
			return 100 * Math.sqrt((p * (1 - p)) / count);
		}
		const logPerContact =
			this.slotObservations[slot] >= MIN_SLOT_OBSERVATIONS
				? this.slotLogPerContact[slot]
				: this.observations >= MIN_OBSERVATIONS
					? this.logPerContact
					: NaN;
		return Math.exp(logPerContact - MEAN_LOG_ABS_NORMAL) / Math.sqrt(count);
	}

	/** Learns from a judged bucket of `slot`: its value, the expected value and its contacts. */
	observe(value: number, expected: number, count: number, slot = 0): void {
		if (!(count > 0)) return;
		if (this.kind === 'percent') {
			const share = value / 100;
			this.meanShare =
				this.meanShare === this.meanShare
					? this.meanShare + PER_CONTACT_WEIGHT * (share - this.meanShare)
					: share;
			return;
		}
		const deviation = Math.abs(value - expected) * Math.sqrt(count);
		if (!(deviation > 0)) return;
		const logDeviation = Math.log(deviation);
		this.logPerContact =
			this.observations === 0
				? logDeviation
				: this.logPerContact + PER_CONTACT_WEIGHT * (logDeviation - this.logPerContact);
		this.observations++;
		this.slotLogPerContact[slot] = runningMean(
			this.slotLogPerContact[slot],
			logDeviation,
			++this.slotObservations[slot],
			PER_SLOT_WEIGHT,
		);
	}
}

/**
 * The mean of a slot's values after its `seen`-th value `value`: their plain mean over its first values,
 * then exponentially weighted by `weight` (so the first value does not weigh for weeks).
 */
export function runningMean(mean: number, value: number, seen: number, weight: number): number {
	return seen <= 1 ? value : mean + Math.max(weight, 1 / seen) * (value - mean);
}

/** Most contacts a percentage's digits are read as (see `contactsOfPercent`). */
const MAX_READ_CONTACTS = 100_000;
/** Decimals of a percentage that are read; a value written with more is taken as unrounded. */
const MAX_READ_DECIMALS = 7;

/**
 * Decimals `value` was rounded to: the fewest at which it is whole to within a few units of its last
 * binary digit (14.290000000000001 is 14.29), MAX_READ_DECIMALS + 1 when it has more (unrounded).
 */
function writtenDecimals(value: number): number {
	for (let decimals = 0; decimals <= MAX_READ_DECIMALS; decimals++) {
		const scaled = value * Math.pow(10, decimals);
		if (Math.abs(scaled - Math.round(scaled)) <= 1e-9 * Math.max(1, Math.abs(scaled)))
			return decimals;
	}
	return MAX_READ_DECIMALS + 1;
}

/**
 * The contacts a percentage of abandoned (or any share of) contacts was most likely measured over, read from
 * its digits when the items do not carry them: the smallest n for which a whole k makes 100 · k / n round to
 * the value at `decimals` decimals (33.3333 → 3, 4.5455 → 22, 0.8403 → 119, 100 → 1). The interval is
 * searched in whole numbers, its ends included, so the true share always lies in it when the value was
 * rounded to `decimals` decimals or fewer: a share k of n contacts reads as (k / g) of (n / g) or a fraction
 * simpler still, never more contacts than the true count, and the sampling noise taken from it is at least
 * the true noise — one abandon among 3 contacts is never an alarm. `NaN` for 0 % (no digits to read), a
 * value outside 0–100, or one no share of at most 100,000 contacts explains.
 */
export function contactsOfPercent(value: number, decimals = writtenDecimals(value)): number {
	if (!(value > 0 && value <= 100)) return NaN;
	const read =
		decimals >= 0 && decimals <= MAX_READ_DECIMALS ? Math.floor(decimals) : MAX_READ_DECIMALS;
	// The share k / n lies in [(2V − w) / D, (2V + w) / D]: V the value in units of its last decimal read, D
	// twice the units of a whole share; w = 1 for a rounded value, 2 for one cut at MAX_READ_DECIMALS.
	const units = Math.pow(10, read);
	const twiceValue = 2 * Math.round(value * units);
	const width = read === decimals ? 1 : 2;
	const whole = 200 * units;
	const n = simplestDenominator(
		Math.max(0, twiceValue - width),
		whole,
		Math.min(whole, twiceValue + width),
		whole,
	);
	return n <= MAX_READ_CONTACTS ? n : NaN;
}

/**
 * Each percentage's contacts as read from its digits (see `contactsOfPercent`). A series' values are rounded
 * alike, and one written with fewer decimals dropped trailing zeros (36 % of 25 contacts is 36.0000 to four
 * decimals): each is read at the most decimals the series' rounded values are written with, or at its own
 * where it has more. Unrounded values (more than seven decimals) set that only when they are most of the
 * series, so one computed share among rounded ones does not make them all read as exact.
 */
export function contactsOfPercents(values: readonly number[]): number[] {
	const written = values.map(writtenDecimals);
	let rounded = 0;
	let unrounded = 0;
	let most = 0;
	written.forEach((decimals, i) => {
		if (!(values[i] > 0)) return;
		if (decimals > MAX_READ_DECIMALS) unrounded++;
		else {
			rounded++;
			most = Math.max(most, decimals);
		}
	});
	const series = unrounded > rounded ? MAX_READ_DECIMALS + 1 : most;
	return values.map((value, i) => contactsOfPercent(value, Math.max(written[i], series)));
}

/**
 * The smallest q for which some p / q lies in [lowP / lowQ, highP / highQ] (0 ≤ low ≤ high, whole numbers),
 * by continued fractions in whole numbers: x = a + 1 / x′ takes the smallest whole number in the interval
 * when there is one, else a = ⌊low⌋ and the simplest x′ in [1 / (high − a), 1 / (low − a)]; denominators
 * follow the convergents' recurrence q = a · q₋₁ + q₋₂.
 */
function simplestDenominator(lowP: number, lowQ: number, highP: number, highQ: number): number {
	let before = 1;
	let last = 0;
	for (;;) {
		const a = Math.floor(lowP / lowQ);
		const ceiling = a * lowQ === lowP ? a : a + 1;
		if (ceiling * highQ <= highP) return ceiling * last + before;
		[before, last] = [last, a * last + before];
		[lowP, lowQ, highP, highQ] = [highQ, highP - a * highQ, lowQ, lowP - a * lowQ];
	}
}
