import {
	MAD_TO_SD,
	mean,
	median,
	medianAbsoluteDeviation,
	medianInPlace,
	mostCommonPositiveGap,
	movingAverage,
	percentChange,
	selectInPlace,
	theilSenSlope,
} from '../../nodes/NiceCxoneTrends/core/statistics';
import { medianAndMadOfSorted, SortedRings } from '../../nodes/NiceCxoneTrends/core/detectors/sortedRings';
import { summariseTrend, trendDirection } from '../../nodes/NiceCxoneTrends/core/trend';

describe('median', () => {
	it('takes the middle value of an odd count and the mean of the two middle values of an even count', () => {
		expect(median([3, 1, 2])).toBe(2);
		expect(median([4, 1, 3, 2])).toBe(2.5);
		expect(median([7])).toBe(7);
	});
	it('skips NaN and is NaN when nothing is left', () => {
		expect(median([NaN, 5, 1, NaN])).toBe(3);
		expect(median([])).toBeNaN();
		expect(median([NaN])).toBeNaN();
	});
	it('does not modify its input', () => {
		const values = [5, 1, 4];
		median(values);
		expect(values).toEqual([5, 1, 4]);
	});
	it('medianInPlace and selectInPlace agree with sorting on ties', () => {
		const buffer = Float64Array.from([2, 2, 1, 2, 3, 2, 1]);
		expect(selectInPlace(Float64Array.from(buffer), 7, 0)).toBe(1);
		expect(selectInPlace(Float64Array.from(buffer), 7, 6)).toBe(3);
		expect(medianInPlace(buffer, 7)).toBe(2);
		expect(medianInPlace(new Float64Array(0), 0)).toBeNaN();
	});
});

describe('mean', () => {
	it('averages finite values', () => {
		expect(mean([1, 2, 3, NaN])).toBe(2);
		expect(mean([])).toBeNaN();
	});
});

describe('medianAbsoluteDeviation', () => {
	it('is the median distance from the median', () => {
		// median 2; distances 1,1,0,0,2,4,7 → 1
		expect(medianAbsoluteDeviation([1, 1, 2, 2, 4, 6, 9])).toBe(1);
		expect(medianAbsoluteDeviation([5, 5, 5])).toBe(0);
	});
	it('takes an explicit centre', () => {
		expect(medianAbsoluteDeviation([0, 10, 20], 0)).toBe(10);
	});
	it('scales to a standard deviation with 1.4826', () => {
		expect(MAD_TO_SD).toBe(1.4826);
	});
});

describe('medianAndMadOfSorted', () => {
	it('matches median and MAD of sorted data of odd and even length', () => {
		const odd = Float64Array.from([1, 1, 2, 2, 4, 6, 9]);
		expect(Array.from(medianAndMadOfSorted(odd, 7))).toEqual([2, 1]);
		const even = Float64Array.from([1, 2, 3, 4, 10, 20]);
		// median 3.5; distances 2.5,1.5,0.5,0.5,6.5,16.5 → sorted 0.5,0.5,1.5,2.5,… → (1.5+2.5)/2
		expect(Array.from(medianAndMadOfSorted(even, 6))).toEqual([3.5, 2]);
		expect(Array.from(medianAndMadOfSorted(even, 0))).toEqual([NaN, NaN]);
	});
	it('pools sorted rings (oldest values dropped) exactly like median and MAD of the union', () => {
		const rings = new SortedRings(2, 3, Int32Array.from([3, 3]), 2);
		[5, 1, 9, 7].forEach((v) => rings.push(0, v)); // ring 0 keeps 1, 9, 7 (5 dropped)
		[2, 8].forEach((v) => rings.push(1, v));
		expect(rings.pooledMedianAndMad(Int32Array.from([0, 1]), 2)).toBe(5);
		expect(rings.median).toBe(median([1, 9, 7, 2, 8]));
		expect(rings.mad).toBe(medianAbsoluteDeviation([1, 9, 7, 2, 8]));
		expect(rings.median).toBe(7);
		expect(rings.mad).toBe(2);
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
	it('is flat inside the dead band', () => {
		expect(trendDirection(4.9, 4.9, 5)).toBe('FLAT');
		expect(trendDirection(-5, -5, 5)).toBe('DOWN');
		expect(trendDirection(NaN, 3, 5)).toBe('UP');
		expect(trendDirection(NaN, 0, 5)).toBe('FLAT');
	});
});
