/**
 * How a rate's or an average's noise depends on the contacts behind a bucket. `ownSpread`: an average
 * whose contacts are unknown, each bucket counted as one (σ₁ is then the spread of the bucket's value itself),
 * learned for each kind of day apart (a weekend day over fewer contacts is noisier).
 */
export type ContactNoise = 'percent' | 'mean' | 'ownSpread';

/** Weight of each judged bucket in the learned per-contact spread of an average. */
const PER_CONTACT_WEIGHT = 0.02;
/** Buckets an average needs before its per-contact spread is used. */
const MIN_OBSERVATIONS = 20;
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

	constructor(private readonly kind: ContactNoise) {}

	/** Standard deviation of a bucket's value over `count` contacts around `expected`, in the metric's unit. */
	sd(expected: number, count: number): number {
		if (!(count > 0)) return NaN;
		if (this.kind === 'percent') {
			// A median share of 0 % (most hours without an abandon) is no promise of none: the long-run share is the least.
			const typical = this.meanShare === this.meanShare ? this.meanShare : 0;
			const share = Math.min(1, Math.max(0, expected / 100, typical));
			const p = (share * count + 0.5) / (count + 1);
			return 100 * Math.sqrt((p * (1 - p)) / count);
		}
		if (this.observations < MIN_OBSERVATIONS) return NaN;
		return Math.exp(this.logPerContact - MEAN_LOG_ABS_NORMAL) / Math.sqrt(count);
	}

	/** Learns from a judged bucket: its value, the expected value and its contacts. */
	observe(value: number, expected: number, count: number): void {
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
	}
}

/** Most contacts a percentage's digits are read as (see `contactsOfPercent`). */
const MAX_READ_CONTACTS = 100_000;

/**
 * Half the finest decimal step every percentage in `values` is a whole multiple of (4 decimals: 0.00005),
 * or 1e-9 when they carry more than 6 decimals (unrounded shares such as 33.333333333333336).
 */
export function percentRounding(values: readonly number[]): number {
	for (let decimals = 0; decimals <= 6; decimals++) {
		const steps = Math.pow(10, decimals);
		let whole = true;
		for (let i = 0; i < values.length && whole; i++) {
			const scaled = values[i] * steps;
			if (Number.isFinite(scaled) && Math.abs(scaled - Math.round(scaled)) > 1e-6) whole = false;
		}
		if (whole) return 0.5 / steps;
	}
	return 1e-9;
}

/**
 * The contacts a percentage of abandoned (or any share of) contacts was most likely measured over, read from
 * its digits when the items do not carry them: the smallest n for which a whole k makes 100 · k / n round to
 * the value (33.3333 → 3, 4.5455 → 22, 0.8403 → 119, 100 → 1). A share k of n contacts reads as
 * (k / g) of (n / g), g their greatest common divisor, so this is at most the true count, and the sampling
 * noise taken from it at least the true noise: one abandon among 3 contacts is never an alarm.
 * `NaN` for 0 % (no digits to read), a value outside 0–100, or one no share of at most 100,000 contacts
 * explains. `halfStep`: the values' rounding (see `percentRounding`).
 */
export function contactsOfPercent(value: number, halfStep: number): number {
	if (!(value > 0 && value <= 100)) return NaN;
	const n = simplestDenominator(
		Math.max(0, (value - halfStep) / 100),
		Math.min(1, (value + halfStep) / 100),
	);
	return n <= MAX_READ_CONTACTS ? n : NaN;
}

/** Each percentage's contacts as read from its digits (see `contactsOfPercent`), at the values' own rounding. */
export function contactsOfPercents(values: readonly number[]): number[] {
	const halfStep = percentRounding(values);
	return values.map((value) => contactsOfPercent(value, halfStep));
}

/** The smallest q for which some p / q lies in [lo, hi] (0 ≤ lo ≤ hi), by continued fractions. */
function simplestDenominator(lo: number, hi: number): number {
	// x = a + 1 / x': the simplest fraction takes the smallest whole number in the interval when there is one,
	// else a = ⌊lo⌋ and the simplest x' in [1 / (hi − a), 1 / (lo − a)]. Denominators follow the
	// convergents' recurrence q = a · q₋₁ + q₋₂.
	let before = 1;
	let last = 0;
	for (let depth = 0; depth < 64; depth++) {
		const whole = Math.ceil(lo);
		if (whole <= hi) return whole * last + before;
		const a = Math.floor(lo);
		[before, last] = [last, a * last + before];
		const nextLo = 1 / (hi - a);
		hi = 1 / (lo - a);
		lo = nextLo;
	}
	return Infinity;
}
