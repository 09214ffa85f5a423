/**
 * Calibrates a detector's scores to the series they come from, causally — the idea behind HTM's
 * "anomaly likelihood" (Ahmad et al., 2017): a score is judged against the distribution of the scores the
 * same series produced before, so that a series whose noise is heavier-tailed than the model assumes
 * (quantised rates, bursty volumes, averages over few contacts) needs a larger deviation to alert, and a
 * well-behaved series keeps the nominal threshold.
 *
 * The |score| of every judged bucket enters a log-spaced histogram after it has been judged. A bucket's
 * inflation factor is c = max(1, q / NOMINAL_QUANTILE): q is the series' own `quantile` of |score| so far and
 * NOMINAL_QUANTILE what that quantile would be for normal noise. Its score and scale become score / c and
 * scale · c. Until `minScores` scores have been seen the factor is that of the scores so far, at least a
 * floor that falls in a straight line from `warmUpFactor` (no score yet) to 1 (`minScores` scores), so a
 * short series is judged conservatively rather than guessed, and each score seen makes it less so. (A floor
 * of `warmUpFactor` until the last of those scores halved every score of the first 100 days at DAY
 * buckets: on day 77 of a calm daily volume, twice Poisson's spread.)
 */
export interface ScoreCalibrationOptions {
	/** Share of past |scores| below the quantile used (e.g. 0.99). */
	quantile: number;
	/** Scores seen before the quantile is trusted. */
	minScores: number;
	/** Least inflation factor before any score has been seen; the floor falls to 1 over `minScores` scores. */
	warmUpFactor: number;
	/** The floor stays at `warmUpFactor` until `minScores` scores have been seen, instead of falling. */
	flatWarmUp?: boolean;
}

/**
 * Histogram bins per factor of 10 in |score|; bins cover 10^LOG_MIN … 10^LOG_MAX. Every |score| below 1
 * counts in the lowest bin: a quantile below 1 gives the factor 1 in whichever bin (the nominal quantile is
 * above 1 for any `quantile` over 0.69), and most scores are below 1, so most need no logarithm. The bins
 * from 1 up keep the edges of LOG_MIN = −2 (other float roundings at an edge would change verdicts).
 */
const BINS_PER_DECADE = 40;
const LOG_MIN = -2;
const LOG_MAX = 4;
const BIN_COUNT = (LOG_MAX - LOG_MIN) * BINS_PER_DECADE;

/** Two-sided normal quantile of |z| for a share p below it: Φ⁻¹((1 + p) / 2) (Acklam's rational approximation). */
export function normalAbsQuantile(p: number): number {
	const q = (1 + p) / 2;
	// Acklam (2003), central and upper regions; |error| < 1.2e-9.
	const a = [
		-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
		2.506628277459239,
	];
	const b = [
		-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
		-13.28068155288572,
	];
	const c = [
		-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
		4.374664141464968, 2.938163982698783,
	];
	const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
	if (q <= 0.97575) {
		const r = q - 0.5;
		const s = r * r;
		return (
			((((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r) /
			(((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1)
		);
	}
	const t = Math.sqrt(-2 * Math.log(1 - q));
	return (
		-(((((c[0] * t + c[1]) * t + c[2]) * t + c[3]) * t + c[4]) * t + c[5]) /
		((((d[0] * t + d[1]) * t + d[2]) * t + d[3]) * t + 1)
	);
}

/** The running distribution of one series' |scores| (see the module comment). */
export class ScoreCalibration {
	private readonly bins = new Float64Array(BIN_COUNT + 1);
	private total = 0;
	/** No score was ever observed in a bin above this one: where the walk down to a quantile starts. */
	private top = 0;
	private readonly nominal: number;

	constructor(private readonly options: ScoreCalibrationOptions) {
		this.nominal = normalAbsQuantile(options.quantile);
	}

	/** Records the |score| of a judged bucket (after it was judged). */
	observe(score: number): void {
		const magnitude = Math.abs(score);
		if (magnitude !== magnitude) return;
		const bin = binOf(magnitude);
		this.bins[bin]++;
		this.total++;
		if (bin > this.top) this.top = bin;
	}

	/** Takes back a |score| that {@link observe} recorded (it was measured against a level that has moved). */
	unobserve(score: number): void {
		const magnitude = Math.abs(score);
		if (magnitude !== magnitude) return;
		this.bins[binOf(magnitude)]--;
		this.total--;
	}

	/** Inflation factor (≥ 1) for the next bucket's score and scale; `warmUpFactor` instead of the options'. */
	factor(warmUpFactor = this.options.warmUpFactor): number {
		return this.factorWith(undefined, warmUpFactor);
	}

	/**
	 * The factor of this calibration's scores and `other`'s together (a calibration of the same options),
	 * as one calibration that had observed them all would give it.
	 */
	factorWith(
		other: ScoreCalibration | undefined,
		warmUpFactor = this.options.warmUpFactor,
	): number {
		const { quantile, minScores } = this.options;
		const total = this.total + (other ? other.total : 0);
		if (total === 0) return warmUpFactor;
		// The upper edge of the bin holding the quantile: walk down from the top until the tail is large enough.
		const tail = (1 - quantile) * total;
		let above = 0;
		let bin = other && other.top > this.top ? other.top : this.top;
		for (; bin > 0; bin--) {
			above += other ? this.bins[bin] + other.bins[bin] : this.bins[bin];
			if (above > tail) break;
		}
		const q = Math.pow(10, LOG_MIN + (bin + 1) / BINS_PER_DECADE);
		const factor = Math.max(1, q / this.nominal);
		if (total >= minScores) return factor;
		const share = this.options.flatWarmUp ? 1 : 1 - total / minScores;
		return Math.max(factor, 1 + (warmUpFactor - 1) * share);
	}
}

/**
 * A calibration factor that a run of scores cannot raise while it is young: within the first `span`
 * buckets of a run whose |score| stays at `stayLevel` or more, the factor is the one from the bucket before
 * the run began. Every score still enters the calibration; it is the run's own scores that must not judge
 * the run. Where scores are few (a range of DAY buckets), a level shift's first week is most of the
 * calibration's tail, and its factor grew as fast as the score: a daily volume at 80 % from week 6 on
 * never alerted (now on its sixth day).
 */
export class RunHeldFactor {
	private held = 1;
	private run = 0;

	constructor(
		private readonly span: number,
		private readonly stayLevel: number,
		/** The calibration's warm-up floor instead of its own (see ScoreCalibration.factor). */
		private readonly warmUpFactor?: number,
	) {}

	/**
	 * The factor to divide `score` by, from `calibration` before `score` enters it; 1 below the stay level,
	 * where a score is not divided.
	 */
	of(score: number, calibration: ScoreCalibration): number {
		if (!(Math.abs(score) >= this.stayLevel)) {
			this.run = 0;
			return 1;
		}
		if (this.run === 0) this.held = calibration.factor(this.warmUpFactor);
		this.run++;
		return this.run <= this.span ? this.held : calibration.factor(this.warmUpFactor);
	}

	/** Forgets the run (its scores were measured against a level that has moved). */
	reset(): void {
		this.run = 0;
	}
}

function binOf(magnitude: number): number {
	if (!(magnitude >= 1)) return 0;
	const bin = Math.floor((Math.log10(magnitude) - LOG_MIN) * BINS_PER_DECADE);
	return bin < 0 ? 0 : bin > BIN_COUNT ? BIN_COUNT : bin;
}

/**
 * The scores some calibrations were given over the last `span` buckets, so that they can be taken back:
 * when a level shift is confirmed, the scores of the day that confirmed it were measured against the old
 * level, and would otherwise teach the calibrations that the series runs wild (see `LevelFollower`).
 */
export class RecentScores {
	/** Per slot (bucket index modulo `span`), one score per calibration. */
	private readonly scores: Float64Array;
	private readonly buckets: Float64Array;

	constructor(
		private readonly span: number,
		private readonly calibrations: readonly ScoreCalibration[],
	) {
		this.scores = new Float64Array(span * calibrations.length).fill(NaN);
		this.buckets = new Float64Array(span).fill(-Infinity);
	}

	/** Notes that calibration number `which` observed `score` at bucket `i`. */
	note(i: number, which: number, score: number): void {
		const slot = i % this.span;
		const width = this.calibrations.length;
		if (this.buckets[slot] !== i) {
			this.buckets[slot] = i;
			this.scores.fill(NaN, slot * width, slot * width + width);
		}
		this.scores[slot * width + which] = score;
	}

	/** Forgets the score calibration number `which` was given at bucket `i`, if it is still noted (taken back). */
	forget(i: number, which: number): void {
		const slot = i % this.span;
		if (this.buckets[slot] === i) this.scores[slot * this.calibrations.length + which] = NaN;
	}

	/** Takes back from their calibrations the scores noted in the `span` buckets before bucket `i`. */
	takeBack(i: number): void {
		const width = this.calibrations.length;
		for (let slot = 0; slot < this.span; slot++) {
			if (this.buckets[slot] < i - this.span) continue;
			for (let which = 0; which < width; which++)
				this.calibrations[which].unobserve(this.scores[slot * width + which]);
			this.buckets[slot] = -Infinity;
		}
	}
}

/**
 * A calibration factor read as extra variance beside a bucket's own noise, for a rate or an average over
 * its contacts, whose scale is its sampling noise (or the history's spread, where that is wider). The
 * calibration learns by how much the series' scores run wider than that (staffing that moves a day's
 * abandon %, a centre's mix of calls), and such a cause adds about the same variance τ² whatever the
 * bucket's contacts: the additive overdispersion of funnel plots (Spiegelhalter, 2005). Dividing every score
 * by the calibration's factor c took that variance as a multiple of each bucket's scale: on the review set
 * (group g21 of its Sydney site, a Sunday in March), 5 abandons of 21 after Sundays of none, at a scale of
 * 4.81 points where the weekdays over 1,180–1,460 contacts had 0.44–0.48, was judged as if the weekdays'
 * staffing swung it tenfold: 2.72, where it now scores 4.86. A score z = d / s of variance 1 + τ² / s² has a
 * mean square of 1 + τ² · mean(1 / s²); reading c² as that mean square (c is a ratio of tail quantiles: an
 * approximation) gives τ² = (c² − 1) · s̄², s̄² the harmonic mean of the squared scales of the series'
 * sampled buckets so far, and a bucket of scale s is divided by √(1 + (c² − 1) · s̄² / s²): c at a typical
 * bucket, less over fewer contacts, more over many. (The harmonic mean leans to the busy buckets: a geometric
 * one, pulled up by nights of 1–2 e-mails, divided a group's calls by day by 6.65 where c was 1.09; this
 * mean by 1.59.)
 */
export class SampledExcess {
	private inverseSquareSum = 0;
	private count = 0;

	/** The factor for a sampled bucket of `scale`, from the calibration's `factor` (as it is until a scale is seen). */
	factor(factor: number, scale: number): number {
		if (!(factor > 1) || this.count === 0 || !usable(scale)) return factor;
		const typicalSquare = this.count / this.inverseSquareSum;
		return Math.sqrt(1 + ((factor * factor - 1) * typicalSquare) / (scale * scale));
	}

	/** Records the scale of a sampled bucket (after it was judged). */
	observe(scale: number): void {
		if (!usable(scale)) return;
		this.inverseSquareSum += 1 / (scale * scale);
		this.count++;
	}
}

/** A scale whose square is a positive finite number. */
function usable(scale: number): boolean {
	const square = scale * scale;
	return square > 0 && square < Infinity;
}

/**
 * The run of deviations a bucket's score belongs to, for that score's calibration: buckets in a row whose
 * calibrated score reaches `stayLevel` the same way (a bucket without a value neither ends nor prolongs
 * it). From the run's first bucket at `threshold` on, its first `calibratedBuckets` buckets teach the
 * calibration and the rest do not: bursty noise comes as single spikes and is the series' own, a longer run
 * is an incident. Where it `takesBack` (a count's buckets within the day), a run with more than
 * `calibratedBuckets` buckets at the threshold is an incident whose scores are taken back (the hours that led
 * up to it and its first buckets), its sustained scores too (`runCalibration`), and while a run lasts its
 * scores are divided by the factor from before it began: a holiday's hours, ten of them at −6 to −14, are no
 * noise. Their calibrated scores fell under the threshold one by one as the factor grew, so they all entered
 * the calibration, and a centre with a holiday every three weeks was deaf (a volume × 3 caught 2 times in
 * 20, an outage 11). Where the caller `holdsSecond` (within the day, every metric), a run's second bucket is
 * divided by that factor too: a young calibration took an incident's second hour under the threshold by its
 * first hour's score alone. Beyond the second bucket a rate's or an average's run meets the factor as it
 * grows: held for all of it, noisy averages that drift for hours alerted more often.
 */
export class DeviationRun {
	private sign = 0;
	private length = 0;
	/** Buckets since the run's first at the threshold (0 before it). */
	private sinceAlert = 0;
	/** Buckets of the run at the threshold. */
	private alerting = 0;
	private held = 1;
	private takesBack = false;
	private readonly kept: KeptScores;
	private readonly keptRun: KeptScores;

	constructor(
		private readonly calibration: ScoreCalibration,
		runCalibration: ScoreCalibration,
		private readonly stayLevel: number,
		private readonly threshold: number,
		private readonly calibratedBuckets: number,
		/** Most scores of a run kept to be taken back. */
		capacity: number,
		recent?: RecentScores,
	) {
		this.kept = new KeptScores(capacity, calibration, 0, recent);
		this.keptRun = new KeptScores(capacity, runCalibration, 1, recent);
	}

	/**
	 * The calibration factor for the next bucket's score: the one from before the run for all of a run where
	 * it `takesBack`, and for the run's second bucket where it `holdsSecond`.
	 */
	factor(takesBack: boolean, holdsSecond = false): number {
		return this.length > 0 && (takesBack || (holdsSecond && this.length === 1))
			? this.held
			: this.calibration.factor();
	}

	/**
	 * Continues or ends the run with bucket `i`, judged with `factor` to the calibrated `score` (raw score
	 * `raw`), and gives `raw` to the calibration, unless the run is an incident by now or `uncounted`.
	 */
	observe(
		i: number,
		raw: number,
		score: number,
		factor: number,
		takesBack: boolean,
		uncounted = false,
	): void {
		if (raw !== raw) return;
		this.takesBack = takesBack;
		const sign = Math.sign(score);
		if (this.length > 0 && sign === this.sign && Math.abs(score) >= this.stayLevel) this.length++;
		else {
			this.length = Math.abs(score) >= this.stayLevel ? 1 : 0;
			this.sign = sign;
			this.sinceAlert = 0;
			this.alerting = 0;
			this.forgetKept();
			this.held = factor;
		}
		const alerts = this.length > 0 && Math.abs(score) >= this.threshold;
		if (alerts) this.alerting++;
		if (alerts || this.sinceAlert > 0) this.sinceAlert++;
		if (this.isIncident()) {
			this.kept.takeBack();
			this.keptRun.takeBack();
		}
		if (uncounted || this.sinceAlert > this.calibratedBuckets) return;
		this.kept.observe(i, raw, takesBack && this.length > 0);
	}

	/** Gives bucket `i`'s sustained score to `runCalibration` (after {@link observe}), unless the run is an incident or `uncounted`. */
	observeRun(i: number, raw: number, uncounted = false): void {
		if (raw !== raw || uncounted || this.isIncident()) return;
		this.keptRun.observe(i, raw, this.takesBack && this.length > 0);
	}

	/** Forgets the scores kept to be taken back (the caller took them back from the calibrations). */
	forgetKept(): void {
		this.kept.forget();
		this.keptRun.forget();
	}

	private isIncident(): boolean {
		return this.takesBack && this.alerting > this.calibratedBuckets;
	}
}

/** Scores one calibration was given, kept to be taken back. */
class KeptScores {
	private count = 0;
	private readonly scores: Float64Array;
	private readonly at: Int32Array;

	constructor(
		capacity: number,
		private readonly calibration: ScoreCalibration,
		private readonly which: number,
		private readonly recent?: RecentScores,
	) {
		this.scores = new Float64Array(capacity);
		this.at = new Int32Array(capacity);
	}

	/** Gives the calibration `score` at bucket `i`, keeping it when `keep` (and there is room). */
	observe(i: number, score: number, keep: boolean): void {
		this.calibration.observe(score);
		this.recent?.note(i, this.which, score);
		if (keep && this.count < this.scores.length) {
			this.scores[this.count] = score;
			this.at[this.count++] = i;
		}
	}

	takeBack(): void {
		for (let k = 0; k < this.count; k++) {
			this.calibration.unobserve(this.scores[k]);
			this.recent?.forget(this.at[k], this.which);
		}
		this.count = 0;
	}

	forget(): void {
		this.count = 0;
	}
}
