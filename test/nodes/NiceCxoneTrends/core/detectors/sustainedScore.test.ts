import {
	NewIncident,
	poissonTailScore,
	ShareTailWindow,
	WindowShiftScore,
} from '../../../../../nodes/NiceCxoneTrends/core/detectors/sustainedScore';

/** Exact Poisson tails, P(X ≥ k) and P(X ≤ k), for the comparison below. */
function poissonTails(k: number, mean: number): [number, number] {
	let term = Math.exp(-mean);
	let below = 0;
	for (let j = 0; j < k; j++) {
		below += term;
		term *= mean / (j + 1);
	}
	return [1 - below, below + term];
}

describe('poissonTailScore', () => {
	it('scores a count as far out in a normal tail as it lies in the Poisson one, never beyond it', () => {
		// 8 events where 1 was expected: exact tail 1.02e-5 (z 4.26); (8 − 1) / √1 would say 7.
		expect(poissonTailScore(8, 1)).toBeCloseTo(4.125, 3);
		expect(poissonTails(8, 1)[0]).toBeCloseTo(1.02e-5, 7);
		// Fewer: none where 10 were expected (exact 4.5e-5, z −3.91), 2 where 18 were (z −4.56).
		expect(poissonTailScore(0, 10)).toBeCloseTo(-3.797, 3);
		expect(poissonTailScore(2, 18)).toBeCloseTo(-4.438, 3);
		// Near the mean, near 0; a count is rounded to whole events first.
		expect(Math.abs(poissonTailScore(10, 10))).toBeLessThan(0.3);
		expect(poissonTailScore(7.8, 1)).toBe(poissonTailScore(8, 1));
		expect(poissonTailScore(3, 0)).toBeNaN();
	});
});

describe('ShareTailWindow', () => {
	it('counts a share’s events against the larger of the expected share and the series’ own, NaN until full', () => {
		const window = new ShareTailWindow(2, 1000, Infinity);
		// No share of its own before it has learned from any contacts: 10 contacts at 1 % expect 0.1 event.
		expect(window.push(0.2, 10, 0.01)).toBeNaN();
		window.learn(0.2, 10); // own share (2 + ½) / (10 + 1) = 0.227, above the 1 % expected
		expect(window.push(0.6, 20, 0.01)).toBeCloseTo(
			poissonTailScore(2 + 12, 0.1 + (20 * 2.5) / 11),
			12,
		);
	});

	it('scores a window only while it expects at most mostExpected events', () => {
		const window = new ShareTailWindow(1, 1000, 10);
		expect(window.push(0.5, 30, 0.2)).toBeCloseTo(poissonTailScore(15, 6), 12);
		expect(window.push(0.5, 60, 0.2)).toBeNaN(); // 12 expected
	});

	it('on a queue that almost never abandons, a few abandons stand far out; only learned buckets teach it', () => {
		// 600 contacts learned with 2 abandons: own share (2 + ½) / (600 + 1).
		const window = new ShareTailWindow(3, 1e9, 10);
		for (let b = 0; b < 150; b++) window.learn(b % 75 === 0 ? 0.25 : 0, 4);
		// 4 of 12 contacts abandon where 12 · 0.0042 = 0.05 were expected: 4.4 by the tail ((4 − 0.05) / √0.05
		// would say 17). The window's own buckets were not learned: the expected share stays.
		window.push(0.25, 4, 0);
		window.push(0.5, 4, 0);
		const score = window.push(0.25, 4, 0);
		expect(score).toBeCloseTo(poissonTailScore(4, (12 * 2.5) / 601), 6);
		expect(score).toBeCloseTo(4.442, 3);
		// Emptied (a bucket not judged), it waits for a full window again.
		window.reset();
		expect(window.push(0, 4, 0)).toBeNaN();
	});
});

describe('WindowShiftScore', () => {
	it('sums the window’s deviations over the root of its variances, NaN until the window is full', () => {
		const window = new WindowShiftScore(3);
		expect(window.push(2, 1)).toBeNaN();
		expect(window.push(4, 2)).toBeNaN();
		// (2 + 4 + 0) / √(1 + 4 + 4)
		expect(window.push(0, 2)).toBe(2);
		// (4 + 0 + 6) / √(4 + 4 + 9) — the first bucket has left the window
		expect(window.push(6, 3)).toBeCloseTo(10 / Math.sqrt(17), 12);
	});

	it('clips each deviation at ± clip scales, so one bucket alone cannot carry the window', () => {
		const window = new WindowShiftScore(4, 1.5);
		window.push(-40, 2); // a holiday: clipped to −3
		window.push(1, 2);
		window.push(1, 2);
		// (−3 + 1 + 1 + 1) / √16
		expect(window.push(1, 2)).toBe(0);
		expect(new WindowShiftScore(1, 1.5).push(-40, 2)).toBe(-1.5);
	});

	it('counts the buckets that carry the window a given way, each by one of its own scales or more', () => {
		const window = new WindowShiftScore(4, 1.5);
		window.push(-40, 2); // clipped to −3: one scale and a half down
		window.push(-2, 2); // one scale down, exactly
		window.push(-1.9, 2);
		window.push(5, 2);
		expect(window.agreeing(-1)).toBe(2);
		expect(window.agreeing(1)).toBe(1);
		// The first bucket has left the window.
		window.push(-2, 1);
		expect(window.agreeing(-1)).toBe(2);
		// At a scale of 0 any deviation that way agrees, and none is no deviation.
		const flat = new WindowShiftScore(2);
		flat.push(0, 0);
		flat.push(1, 0);
		expect([flat.agreeing(1), flat.agreeing(-1)]).toEqual([1, 0]);
	});
});

describe('NewIncident', () => {
	// A new incident: 4 buckets or more after the last alerting one, the buckets between under 2 as a whole.
	const watch = () => new NewIncident(4, 4.5, 2);
	/** Feeds buckets from index 1 on: [own score, bucket score, closed hour]; the buckets that start one. */
	const fresh = (incident: NewIncident, buckets: [number, number, boolean?][]) =>
		buckets.flatMap(([own, bucket, closed], k) =>
			incident.observe(k + 1, own, bucket, closed ?? false) ? [k + 1] : [],
		);
	/** Buckets whose own score is their bucket score. */
	const own = (...scores: number[]) => scores.map((score): [number, number] => [score, score]);

	it('starts one after calm buckets, at the first bucket at the threshold', () => {
		// A run of buckets at the threshold is one incident (the first, with no bucket before it, is the episode's
		// own start); after 4 calm buckets, another.
		expect(fresh(watch(), own(-9, -8, 1, -1, 0.5, -0.5, -4.5, 6))).toEqual([7]);
	});

	it('starts none sooner than the gap after the last alerting bucket', () => {
		expect(fresh(watch(), own(-9, 0, 0, -9))).toEqual([]);
	});

	it('starts none inside a level shift: its buckets between deviate the same way as a whole', () => {
		// Σ 1.5 × 4 / √4 = 3, over 2, between alerting buckets 5 apart.
		const shift: [number, number][] = [
			[2, 1.5],
			[3, 1.5],
			[2, 1.5],
			[3, 1.5],
		];
		expect(fresh(watch(), [[5, 5], ...shift, [5, 5], ...shift, [5, 5]])).toEqual([]);
	});

	it('starts one the other way without the gap, once a bucket between was calm', () => {
		// A surge at 1–2, a calm bucket, an outage at 4: new. Straight after the surge, with none between: not.
		expect(fresh(watch(), [...own(6, 5), [3, 0.5], ...own(-6)])).toEqual([4]);
		expect(fresh(watch(), own(6, -6))).toEqual([]);
	});

	it('with a direction, passes over a bucket at the threshold the other way', () => {
		// Rises only: the fall at 5 neither restarts the gap nor stands in the calm; the rise at 6 is new.
		const buckets: [number, number][] = [...own(5, 0), [1, 0.5], [-1, -0.5], ...own(-5, 5)];
		expect(fresh(new NewIncident(4, 4.5, 2, 1), buckets)).toEqual([6]);
		// Either way: the fall is the new incident, and the rise right after it is part of it.
		expect(fresh(watch(), buckets)).toEqual([5]);
	});

	it('counts closed hours as time, not as calm: after a night, the series must have settled', () => {
		const night: [number, number, boolean][] = Array.from({ length: 4 }, () => [0, 0, true]);
		// The next morning's bucket settled (own score 1, under 2): a new incident.
		expect(fresh(watch(), [[5, 5], ...night, [1, 0.5], [5, 5]])).toEqual([7]);
		// Its run score still at 3 from the day before (a rate has no value at night, and a level shift's run
		// score carries over it): the same incident, unless 4 buckets with a value stand between.
		expect(fresh(watch(), [[5, 5], ...night, [3, 0.5], [5, 5]])).toEqual([]);
		expect(
			fresh(watch(), [[5, 5], ...night, [3, 0.5], [3, 0.5], [3, -0.5], [3, 0.5], [5, 5]]),
		).toEqual([10]);
	});
});
