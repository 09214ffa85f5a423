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

/**
 * Evidence of a shift over the last `width` buckets: the sum of their deviations from the expected values
 * over the square root of the sum of their variances, Σ(value − expected) / √Σ scale². Busy buckets, where
 * a shift shows most clearly, weigh most; quiet ones (a night at 2 contacts an hour) add little noise. Each
 * deviation is clipped at ±`clip` scales, so that one bucket alone (a holiday, an outage: the bucket
 * score's job) cannot carry the window. A running sum over a ring of the last `width` judged buckets with a
 * value: O(1) a bucket.
 */
export class WindowShiftScore {
	private readonly deviations: Float64Array;
	private readonly variances: Float64Array;
	private head = 0;
	private size = 0;
	private deviationSum = 0;
	private varianceSum = 0;

	constructor(
		private readonly width: number,
		private readonly clip = Infinity,
	) {
		this.deviations = new Float64Array(width);
		this.variances = new Float64Array(width);
	}

	/** Adds a judged bucket's deviation and scale; returns the score of the window, NaN until it is full. */
	push(rawDeviation: number, scale: number): number {
		const limit = this.clip * scale;
		const deviation = rawDeviation > limit ? limit : rawDeviation < -limit ? -limit : rawDeviation;
		if (this.size === this.width) {
			this.deviationSum -= this.deviations[this.head];
			this.varianceSum -= this.variances[this.head];
		} else this.size++;
		const variance = scale * scale;
		this.deviations[this.head] = deviation;
		this.variances[this.head] = variance;
		this.deviationSum += deviation;
		this.varianceSum += variance;
		this.head = (this.head + 1) % this.width;
		return this.size === this.width && this.varianceSum > 0
			? this.deviationSum / Math.sqrt(this.varianceSum)
			: NaN;
	}

	/**
	 * Buckets of the window whose own (clipped) deviation is at least one of its scales the way of `sign`
	 * (any deviation that way, at a scale of 0).
	 */
	agreeing(sign: number): number {
		let count = 0;
		for (let j = 0; j < this.size; j++) {
			const along = sign * this.deviations[j];
			if (along > 0 && along >= Math.sqrt(this.variances[j])) count++;
		}
		return count;
	}

	/** Forgets the past. */
	reset(): void {
		this.head = 0;
		this.size = 0;
		this.deviationSum = 0;
		this.varianceSum = 0;
	}
}

/**
 * Tells when a bucket's own score (its bucket score, or its run's) starts a new incident while an episode is
 * still open. The day score sums a day's deviations: three hours of a channel at zero hold it past the stay
 * level until the next morning, and the same outage the next day fell into that episode and raised no alert
 * (0 of 10 at 15 and 30-minute buckets). A bucket at the alert threshold starts a new incident when the
 * buckets between it and the last one that did, those with a value (a closed hour left out), taken as one
 * (|Σ score| / √n), stayed under `calm` (the series was itself again; a level shift's buckets lean one way
 * between its alerting ones), and
 * - it goes the other way than that last one: an outage two hours after a surge went on in the surge's
 *   episode unheard (0 of 20 at 15, 30 and 60 minutes);
 * - or at least `gap` buckets passed since it, and the calm is known: `gap` buckets with a value stand
 *   between, or the last of them had settled (own score under `calm`). A rate has no value at night, so a
 *   night is time but no calm, and a level shift's run score carried over it has not settled by the next
 *   morning's first hours: counted on those alone, an abandon % that stayed higher alerted again on its
 *   second morning.
 * With no bucket between, none starts.
 */
export class NewIncident {
	private last = -Infinity;
	private sum = 0;
	private count = 0;
	private settled = false;
	private lastSign = 0;

	/** @param direction sign of the own scores that may start one (1 rises, −1 falls, 0 either) */
	constructor(
		private readonly gap: number,
		private readonly threshold: number,
		private readonly calm: number,
		private readonly direction = 0,
	) {}

	/**
	 * Bucket `i` with a value: its own score, its bucket score, and whether it is a closed hour (none expected,
	 * none came). True when it starts a new incident.
	 */
	observe(i: number, own: number, bucketScore: number, closedHour: boolean): boolean {
		const alerting = Math.abs(own) >= this.threshold;
		// An incident the other way, with a direction, is no incident: passed over.
		if (alerting && this.direction !== 0 && Math.sign(own) !== this.direction) return false;
		if (!alerting) {
			if (!closedHour && bucketScore === bucketScore) {
				this.sum += bucketScore;
				this.count++;
				this.settled = Math.abs(own) < this.calm;
			}
			return false;
		}
		const fresh =
			Math.abs(this.sum) < this.calm * Math.sqrt(this.count) &&
			(Math.sign(own) !== this.lastSign ||
				((this.settled || this.count >= this.gap) && i - this.last >= this.gap));
		this.last = i;
		this.lastSign = Math.sign(own);
		this.sum = 0;
		this.count = 0;
		this.settled = false;
		return fresh;
	}
}

/**
 * The normal score of `observed` events against a Poisson mean of `expected`, as far out in a normal's tail as
 * the count is in the Poisson's (Wilson–Hilferty: P(X ≥ k) = P(χ²₂ₖ ≤ 2λ), and the cube root of a χ² is near
 * normal): positive for more, negative for fewer, NaN without an expected count. Never beyond the exact tail,
 * and within 0.55 of it at |z| 3–8: 8 events where 1 was expected score 4.1 (exactly 4.3), where
 * (observed − expected) / √expected says 7.
 */
export function poissonTailScore(observed: number, expected: number): number {
	if (!(expected > 0)) return NaN;
	const k = Math.round(observed);
	// P(X ≥ k) = Φ(w(k)) above the mean, P(X ≤ k) = Φ(−w(k + 1)) below it: the score is −w either way.
	const m = k > expected ? k : k + 1;
	return -3 * Math.sqrt(m) * (Math.cbrt(expected / m) - 1 + 1 / (9 * m));
}

/**
 * Evidence of a shift in a share of contacts (abandoned, answered in time) over the last `width` buckets, read
 * off the counts themselves: the contacts of that kind against those expected at the larger of each bucket's
 * expected share and the series' own share (contacts weighted, over about `memory` buckets, half an event
 * added; see {@link learn}), scored by the Poisson tail (`poissonTailScore`). A bucket's normal score needs its
 * share smoothed by half a contact on a channel that almost never abandons (one stray abandon among 4 contacts
 * of an e-mail queue at 0.4 % would score 7.9, where its binomial tail says 2.1), and that smoothing (10 % at 4
 * contacts, a spread of 15 points where the queue's own share gives 3) hid a day of a dozen abandons where the
 * queue's share expected about one: the day score, summed over those spreads, stayed near the noise.
 *
 * Only for a window that expects at most `mostExpected` events: there the normal approximation fails and the
 * sampling is most of the noise. A day that expects more is the day score's (its spreads hold there), and its
 * counts vary from day to day far beyond Poisson's (staffing moves an abandon rate by a third: at 1,000
 * contacts an hour and 10 %, a day's abandons spread about ten times as widely as Poisson's), which a young
 * calibration does not yet know: a reviewer's clean channels of 100–1,500 contacts an hour alerted 30 % more
 * often. O(1) a bucket.
 */
export class ShareTailWindow {
	private readonly events: Float64Array;
	private readonly expectedEvents: Float64Array;
	private readonly keep: number;
	private head = 0;
	private size = 0;
	private eventSum = 0;
	private expectedSum = 0;
	private ownEvents = 0;
	private ownContacts = 0;

	constructor(
		private readonly width: number,
		memory: number,
		private readonly mostExpected: number,
	) {
		this.events = new Float64Array(width);
		this.expectedEvents = new Float64Array(width);
		this.keep = 1 - 1 / memory;
	}

	/**
	 * Adds a bucket's `share` (0–1) of its `contacts` and the share expected there; returns the window's score,
	 * NaN until it is full or where it expects more than `mostExpected` events.
	 */
	push(share: number, contacts: number, expectedShare: number): number {
		// Before any contacts the series has no share of its own (half an event in one contact would be 50 %).
		const own = this.ownContacts > 0 ? (this.ownEvents + 0.5) / (this.ownContacts + 1) : 0;
		const events = share * contacts;
		const expected = contacts * (expectedShare > own ? expectedShare : own);
		if (this.size === this.width) {
			this.eventSum -= this.events[this.head];
			this.expectedSum -= this.expectedEvents[this.head];
		} else this.size++;
		this.events[this.head] = events;
		this.expectedEvents[this.head] = expected;
		this.eventSum += events;
		this.expectedSum += expected;
		this.head = (this.head + 1) % this.width;
		return this.size === this.width && this.expectedSum <= this.mostExpected
			? poissonTailScore(this.eventSum, this.expectedSum)
			: NaN;
	}

	/**
	 * Learns the series' own share from a bucket judged calm: an incident's contacts would raise it for weeks
	 * and hide the next (a +30-point day, and a shift three weeks later was heard 0–4 times in 10, not 10).
	 */
	learn(share: number, contacts: number): void {
		this.ownEvents = this.ownEvents * this.keep + share * contacts;
		this.ownContacts = this.ownContacts * this.keep + contacts;
	}

	/** Empties the window (after a bucket that could not be judged); the series' own share stays. */
	reset(): void {
		this.head = this.size = 0;
		this.eventSum = this.expectedSum = 0;
	}
}
