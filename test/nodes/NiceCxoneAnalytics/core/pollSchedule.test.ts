import { PollSchedule } from '../../../../nodes/NiceCxoneAnalytics/core/pollSchedule';

const OPTIONS = { firstMs: 100, maxMs: 2000, growth: 1.25 };

/**
 * Polls a server whose query ends at `endMs` and reports `progressAt(t)` while running, from t = 0
 * until the end; returns the times of the polls.
 */
function pollTimes(endMs: number, progressAt: (t: number) => unknown): number[] {
	const schedule = new PollSchedule(OPTIONS, 0);
	const times: number[] = [];
	let now = 0;
	while (times.length < 1000) {
		now += schedule.nextWaitMs(now);
		times.push(now);
		if (now >= endMs) return times;
		schedule.observe(now, progressAt(now));
	}
	return times;
}

describe('PollSchedule', () => {
	it('without progress, waits grow 1.25× from the first wait up to the maximum', () => {
		const schedule = new PollSchedule(OPTIONS, 0);
		const waits = Array.from({ length: 16 }, () => schedule.nextWaitMs(0));
		expect(waits.slice(0, 4)).toEqual([100, 125, 156.25, 195.3125]);
		expect(waits[13]).toBeCloseTo(1818.99, 2);
		expect(waits.slice(14)).toEqual([2000, 2000]);
	});

	it.each([
		['missing', () => undefined],
		['text', () => '0.5'],
		['above 1', () => 7],
		['zero', () => 0],
	])('a %s progress changes nothing', (_, progress) => {
		expect(pollTimes(5000, progress)).toEqual(pollTimes(5000, () => undefined));
	});

	it('a steady progress moves the poll to just after the predicted end', () => {
		// Progress t/1000 (as the API rounds it): the schedule alone would poll at 1,125.9 ms.
		const times = pollTimes(1000, (t) => Math.round(t / 10) / 100);
		expect(pollTimes(1000, () => undefined).at(-1)).toBeCloseTo(1125.88, 2);
		expect(times.slice(0, 5)).toEqual([100, 225, 381.25, 576.5625, 820.703125]);
		expect(times).toHaveLength(6);
		expect(times[5]).toBeGreaterThanOrEqual(1000);
		expect(times[5]).toBeLessThan(1015);
	});

	it('a progress that stalls costs a few polls, never a flood', () => {
		// Progress jumps to 0.99 at once and stays there for a minute.
		const times = pollTimes(60_000, () => 0.99);
		const waits = times.map((t, i) => t - (times[i - 1] ?? 0));
		// The prediction (already due) asks for a poll at once: each time it is used, the shortest wait
		// doubles (50, 100, 200, 400 ms), and the schedule's own waits win once they are shorter.
		expect(waits.slice(0, 8).map((w) => Math.round(w * 100) / 100)).toEqual([
			100, 50, 100, 195.31, 200, 305.18, 381.47, 400,
		]);
		expect(times).toHaveLength(pollTimes(60_000, () => undefined).length);
	});
});
