/** How a rate's or an average's noise depends on the contacts behind a bucket. */
export type ContactNoise = 'percent' | 'mean';

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
