import { WindowShiftScore } from '../../../../../nodes/NiceCxoneTrends/core/detectors/sustainedScore';

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
