import {
	countScore,
	durationRiseFrom,
	durationRiseScore,
	MAD_TO_SD,
	medianInPlace,
	mostCommonPositiveGap,
	movingAverage,
	percentChange,
	riseFromTypicalPositive,
	selectInPlace,
	theilSenSlope,
} from '../../../../nodes/NiceCxoneTrends/core/statistics';
import {
	medianAndMadOfSorted,
	SlidingSortedWindow,
	SortedRings,
} from '../../../../nodes/NiceCxoneTrends/core/detectors/sortedRings';
import { summariseTrend, trendDirection } from '../../../../nodes/NiceCxoneTrends/core/trend';

describe('medianInPlace', () => {
	it('takes the middle value of an odd count and the mean of the two middle values of an even count', () => {
		expect(medianInPlace(Float64Array.from([3, 1, 2]), 3)).toBe(2);
		expect(medianInPlace(Float64Array.from([4, 1, 3, 2]), 4)).toBe(2.5);
		expect(medianInPlace(Float64Array.from([7]), 1)).toBe(7);
		// Only the first `length` values count.
		expect(medianInPlace(Float64Array.from([5, 1, 100, 100]), 2)).toBe(3);
	});
	it('agrees with selectInPlace and with sorting on ties', () => {
		const buffer = Float64Array.from([2, 2, 1, 2, 3, 2, 1]);
		expect(selectInPlace(Float64Array.from(buffer), 7, 0)).toBe(1);
		expect(selectInPlace(Float64Array.from(buffer), 7, 6)).toBe(3);
		expect(medianInPlace(buffer, 7)).toBe(2);
		expect(medianInPlace(new Float64Array(0), 0)).toBeNaN();
	});
	it('scales a median absolute deviation to a standard deviation with 1.4826', () => {
		expect(MAD_TO_SD).toBe(1.4826);
	});
});

describe('SlidingSortedWindow', () => {
	it('gives the median, smallest and largest finite value of a range, slid one step or jumped', () => {
		const values = Float64Array.from([5, NaN, 3, 9, 3, NaN, 1, 8, 2, 7]);
		const window = new SlidingSortedWindow(4);
		for (let from = 0; from + 4 <= values.length; from++) {
			window.cover(values, from, from + 4);
			const finite = Array.from(values.subarray(from, from + 4)).filter((v) => !Number.isNaN(v));
			expect(window.count).toBe(finite.length);
			expect(window.median()).toBe(medianInPlace(Float64Array.from(finite), finite.length));
			expect(window.smallest()).toBe(Math.min(...finite));
			expect(window.largest()).toBe(Math.max(...finite));
		}
		window.cover(values, 2, 6); // a jump back: rebuilt
		expect([window.count, window.median(), window.smallest(), window.largest()]).toEqual([
			3, 3, 3, 9,
		]);
		window.cover(values, 3, 5);
		expect([window.count, window.median()]).toEqual([2, 6]);
	});
	it('is empty over a range without values', () => {
		const window = new SlidingSortedWindow(2);
		window.cover(Float64Array.from([NaN, NaN]), 0, 2);
		expect([window.count, window.median(), window.smallest(), window.largest()]).toEqual([
			0,
			NaN,
			NaN,
			NaN,
		]);
	});
});

describe('durationRiseScore', () => {
	it('scores a rise of an average of durations on the log scale of a lognormal of that mean and spread', () => {
		// one contact of 3391 s where 321 ± 452 is expected: s² = ln(1 + (452 / 321)²) = 1.0920,
		// (ln(3391 / 321) + 0.5460) / 1.0450 = 2.7778 (plain score 6.79)
		expect(durationRiseScore(3391, 321, 452)).toBeCloseTo(2.7778, 4);
		// a busy hour's mean of 700 s against 400 ± 80: 2.9248 (plain 3.75)
		expect(durationRiseScore(700, 400, 80)).toBeCloseTo(2.9248, 4);
	});
	it('is close to (value − expected) / scale when the spread is small against the mean', () => {
		expect(durationRiseScore(102, 100, 1)).toBeCloseTo(1.9853, 4);
		expect(durationRiseScore(100, 100, 10)).toBeCloseTo(0.0499, 4);
	});
});

describe('countScore', () => {
	it('measures a count deviation on the square-root scale, in robust standard deviations', () => {
		// a silent channel: 2·(√0.375 − √27.975)·√27.6 / 7.3 = −6.7314 (plain score −3.78)
		expect(countScore(0, 27.6, 7.3)).toBeCloseTo(-6.7314, 4);
		// a tripled volume: 150 against 50 ± 12.7 scores 5.7517 (plain score 7.87)
		expect(countScore(150, 50, 12.7)).toBeCloseTo(5.7517, 4);
		expect(countScore(50, 50, 12.7)).toBe(0);
	});
	it('agrees with (value − expected) / scale for small deviations', () => {
		expect(countScore(101, 100, 10)).toBeCloseTo(0.1, 2);
		expect(countScore(99, 100, 10)).toBeCloseTo(-0.1, 2);
	});
	it('weighs a drop to zero more and a burst less than the plain score', () => {
		expect(countScore(0, 100, 10)).toBeCloseTo(-18.8127, 4);
		expect(countScore(200, 100, 10)).toBeCloseTo(8.2733, 4);
	});
});

describe('medianAndMadOfSorted', () => {
	it('matches median and MAD of sorted data of odd and even length', () => {
		const odd = Float64Array.from([1, 1, 2, 2, 4, 6, 9]);
		expect(Array.from(medianAndMadOfSorted(odd, 0, 7))).toEqual([2, 1]);
		const even = Float64Array.from([1, 2, 3, 4, 10, 20]);
		// median 3.5; distances 2.5,1.5,0.5,0.5,6.5,16.5 → sorted 0.5,0.5,1.5,2.5,… → (1.5+2.5)/2
		expect(Array.from(medianAndMadOfSorted(even, 0, 6))).toEqual([3.5, 2]);
		expect(Array.from(medianAndMadOfSorted(even, 0, 0))).toEqual([NaN, NaN]);
	});
	it('reads a run inside a larger array', () => {
		const padded = Float64Array.from([99, 99, 1, 2, 3, 4, 10, 20, -5]);
		expect(Array.from(medianAndMadOfSorted(padded, 2, 6))).toEqual([3.5, 2]);
	});
	it('keeps each ring’s median and MAD of its last values (oldest dropped), exactly as for the values themselves', () => {
		const rings = new SortedRings(2, 4, Int32Array.from([3, 4]));
		[5, 1, 9, 7].forEach((v) => rings.push(0, v)); // ring 0 keeps 1, 9, 7 (5 dropped)
		[2, 8].forEach((v) => rings.push(1, v));
		rings.refresh(0);
		rings.refresh(1);
		expect(rings.size(0)).toBe(3);
		expect([rings.median[0], rings.mad[0]]).toEqual([7, 2]);
		expect([rings.median[1], rings.mad[1]]).toEqual([5, 3]);
		rings.push(0, 7); // keeps 9, 7, 7: a repeated value is evicted once
		rings.push(0, 0); // keeps 7, 7, 0
		rings.refresh(0);
		expect([rings.median[0], rings.mad[0]]).toEqual([7, 0]);
	});
	it('takes pushes back newest first: the values they dropped are the oldest again', () => {
		const rings = new SortedRings(1, 3, Int32Array.from([3]));
		[5, 1].forEach((v) => rings.push(0, v));
		expect(rings.push(0, 9)).toBeNaN(); // not full yet: drops nothing
		expect(rings.push(0, 0)).toBe(5); // keeps 1, 9, 0
		expect(rings.push(0, 0)).toBe(1); // keeps 9, 0, 0
		rings.unpush(0, 1);
		rings.unpush(0, 5); // 5, 1, 9 again
		rings.refresh(0);
		expect([rings.size(0), rings.median[0], rings.mad[0]]).toEqual([3, 5, 4]);
		rings.push(0, 2); // drops 5, the oldest again: keeps 1, 9, 2
		rings.refresh(0);
		expect([rings.median[0], rings.mad[0]]).toEqual([2, 1]);
		rings.unpush(0, 5);
		rings.unpush(0, NaN); // 9 dropped nothing: 5, 1 remain
		rings.refresh(0);
		expect([rings.size(0), rings.median[0]]).toEqual([2, 3]);
		expect(rings.push(0, 4)).toBeNaN();
		expect(rings.push(0, 6)).toBe(5);
	});
	it('scales every ring at once, and keeps dropping the oldest value after it', () => {
		const rings = new SortedRings(2, 3, Int32Array.from([3, 3]));
		[5, 1, 9].forEach((v) => rings.push(0, v));
		[2, 8].forEach((v) => rings.push(1, v));
		rings.refresh(0);
		rings.scaleAll(0.5);
		rings.refresh(0);
		rings.refresh(1);
		expect([rings.median[0], rings.mad[0]]).toEqual([2.5, 2]);
		expect([rings.median[1], rings.mad[1]]).toEqual([2.5, 1.5]);
		rings.push(0, 100); // drops the oldest, 5 · 0.5: keeps 0.5, 4.5, 100
		rings.refresh(0);
		expect(rings.median[0]).toBe(4.5);
	});
	it('scales a ring’s newest values only, and keeps dropping the oldest value after it', () => {
		const rings = new SortedRings(2, 6, Int32Array.from([5, 5]));
		[10, 20, 30, 40, 50, 60].forEach((v) => rings.push(0, v)); // keeps 20 … 60 (10 dropped)
		[7, 8].forEach((v) => rings.push(1, v));
		rings.scaleNewest(0, 2, 0.5); // 20, 30, 40, 25, 30
		rings.scaleNewest(1, 5, 2); // as many as it has: 14, 16
		rings.refresh(0);
		rings.refresh(1);
		expect([rings.median[0], rings.mad[0]]).toEqual([30, 5]);
		expect([rings.median[1], rings.mad[1]]).toEqual([15, 1]);
		rings.push(0, 70); // drops the oldest, 20: keeps 30, 40, 25, 30, 70
		rings.push(0, 0); // drops 30: keeps 40, 25, 30, 70, 0
		rings.refresh(0);
		expect([rings.median[0], rings.mad[0]]).toEqual([30, 10]);
	});
	it('updates a ring’s statistics only when refreshed after a push', () => {
		const rings = new SortedRings(1, 3, Int32Array.from([3]));
		rings.push(0, 4);
		expect(rings.median[0]).toBeNaN();
		rings.refresh(0);
		expect(rings.median[0]).toBe(4);
		rings.push(0, 10);
		expect(rings.median[0]).toBe(4);
		rings.refresh(0);
		expect(rings.median[0]).toBe(7);
	});
});

describe('theilSenSlope', () => {
	it('is the slope of a straight line', () => {
		expect(theilSenSlope([0, 1, 2, 3], [1, 3, 5, 7])).toBe(2);
	});
	it('ignores one outlier', () => {
		// pairwise slopes of (0,0)(1,1)(2,2)(3,30)(4,4): median is 1
		expect(theilSenSlope([0, 1, 2, 3, 4], [0, 1, 2, 30, 4])).toBe(1);
	});
	it('skips non-finite points and is NaN without two distinct x', () => {
		expect(theilSenSlope([0, 1, 2], [0, NaN, 4])).toBe(2);
		expect(theilSenSlope([1, 1], [0, 5])).toBeNaN();
		expect(theilSenSlope([], [])).toBeNaN();
	});
	it('samples pairs above the exact limit and still finds an exact line', () => {
		const x = Array.from({ length: 3000 }, (_, i) => i);
		const y = x.map((v) => 0.5 * v + 10);
		expect(theilSenSlope(x, y)).toBe(0.5);
	});
});

describe('movingAverage', () => {
	it('is a trailing mean that skips NaN', () => {
		expect(Array.from(movingAverage([2, 4, 6, 8], 2))).toEqual([2, 3, 5, 7]);
		expect(Array.from(movingAverage([2, NaN, 6, NaN, NaN], 2))).toEqual([2, 2, 6, 6, NaN]);
	});
});

describe('percentChange', () => {
	it('is relative to the absolute starting value', () => {
		expect(percentChange(100, 120)).toBe(20);
		expect(percentChange(-50, -25)).toBe(50);
		expect(percentChange(0, 10)).toBeNaN();
	});
});

describe('mostCommonPositiveGap', () => {
	it('finds the usual spacing and prefers the smaller gap on a tie', () => {
		expect(mostCommonPositiveGap([0, 10, 20, 20, 30, 50])).toBe(10);
		expect(mostCommonPositiveGap([0, 5, 15])).toBe(5);
		expect(mostCommonPositiveGap([3, 3])).toBeNaN();
	});
});

describe('trend', () => {
	it('gives a Theil–Sen slope per day, the percent change of the fitted line and a direction', () => {
		const day = 86_400_000;
		const times = Float64Array.from([0, 1, 2, 3, 4], (d) => d * day);
		const values = Float64Array.from([100, 110, 120, 500, 140]);
		const trend = summariseTrend(times, values, 5, 2);
		expect(trend.slopePerDay).toBe(10);
		expect(trend.fittedStart).toBe(100);
		expect(trend.fittedEnd).toBe(140);
		expect(trend.percentChange).toBe(40);
		expect(trend.direction).toBe('UP');
		expect(Array.from(trend.movingAverage)).toEqual([100, 105, 115, 310, 320]);
	});
	it('skips buckets without a value in the slope and in the intercept of the line', () => {
		const day = 86_400_000;
		const times = Float64Array.from([0, 1, 2, 3, 4], (d) => d * day);
		const trend = summariseTrend(times, Float64Array.from([100, NaN, 120, 500, 150]), 5, 2);
		// Slopes 10, 133.3, 12.5, 380, 15, −350: median 13.75; intercepts 100, 92.5, 458.75, 95: median 97.5.
		expect(trend.slopePerDay).toBe(13.75);
		expect(trend.fittedStart).toBe(97.5);
		expect(trend.fittedEnd).toBe(152.5);
	});
	it('is flat inside the dead band', () => {
		expect(trendDirection(4.9, 4.9, 5)).toBe('FLAT');
		expect(trendDirection(-5, -5, 5)).toBe('DOWN');
		expect(trendDirection(NaN, 3, 5)).toBe('UP');
		expect(trendDirection(NaN, 0, 5)).toBe('FLAT');
	});
});

describe('durationRiseFrom', () => {
	it('measures a rise from the long-run mean where the expected value is 0, and never scores it higher', () => {
		// A slot whose median hold time is 0: from the series' mean of 6 s ± 4 s.
		expect(durationRiseFrom(29, 0, 6, 4)).toBeCloseTo(durationRiseScore(29, 6, 4), 10);
		// From 10 s ± 8 s, 150 s scores 4.20; from a mean of 20 s with the same ± 8 s it would score 5.42.
		expect(durationRiseFrom(150, 10, 20, 8)).toBeCloseTo(4.2019, 4);
		expect(durationRiseScore(150, 20, 8)).toBeCloseTo(5.4227, 4);
		// 30 s over a slot of 1.5 s ± 4 s scores 2.15 from the mean of 20 s, not 2.79 from the slot.
		expect(durationRiseFrom(30, 1.5, 20, 4)).toBeCloseTo(durationRiseScore(30, 20, 4), 10);
		expect(durationRiseScore(30, 1.5, 4)).toBeGreaterThan(durationRiseScore(30, 20, 4));
		// Below the mean, not below 0; no level at all (no mean yet, a median of 0): NaN.
		expect(durationRiseFrom(5, 1, 20, 4)).toBe(0);
		expect(durationRiseFrom(5, 0, NaN, 4)).toBeNaN();
		expect(durationRiseFrom(700, 400, NaN, 80)).toBeCloseTo(durationRiseScore(700, 400, 80), 10);
	});
});

describe('riseFromTypicalPositive', () => {
	it('scores ln of the value against the positive values, in their log spreads, at least 0', () => {
		// Holds of e^4 ≈ 55 s ± 1 (log): 150 s is 1.01 spreads above, 55 s none, 20 s (below) 0.
		expect(riseFromTypicalPositive(150, 4, 1)).toBeCloseTo(Math.log(150) - 4, 10);
		expect(riseFromTypicalPositive(Math.exp(4), 4, 1)).toBeCloseTo(0, 10);
		expect(riseFromTypicalPositive(20, 4, 1)).toBe(0);
		// A spread of equal values is taken as 0.25: e^4.5 over e^4 ± 0.1 scores 2, not 5.
		expect(riseFromTypicalPositive(Math.exp(4.5), 4, 0.1)).toBeCloseTo(2, 10);
	});
});
