/**
 * Evidence of a sustained deviation: an exponentially weighted mean of a detector's per-bucket scores,
 * in units of its own standard deviation under independent unit-variance scores, √(α / (2 − α)). A level
 * shift or a drop lasting hours moves every bucket by a few robust standard deviations — none alarming
 * alone — and this score grows with each of them (a run of −2 reaches −4.8 at α = 0.3). Each score
 * entering the mean is clipped to ±`clip`, so one large spike (the point score's job) cannot make an
 * episode of its own here. A bucket without a score leaves the mean as it is; an unjudged one resets it.
 */
export class SustainedScore {
	private mean = 0;
	private readonly unitSd: number;

	constructor(
		private readonly alpha: number,
		private readonly clip: number,
	) {
		this.unitSd = Math.sqrt(alpha / (2 - alpha));
	}

	/** Adds a bucket's score and returns the sustained score after it (NaN: no score, nothing changes). */
	push(score: number): number {
		if (score !== score) return this.mean / this.unitSd;
		const clipped = score > this.clip ? this.clip : score < -this.clip ? -this.clip : score;
		this.mean += this.alpha * (clipped - this.mean);
		return this.mean / this.unitSd;
	}

	/** Forgets the past (after a bucket that could not be judged). */
	reset(): void {
		this.mean = 0;
	}
}
