import {
	MS_BETWEEN_PAUSES,
	WORK_BETWEEN_CLOCK_READS,
	pacer,
} from '../../../../nodes/shared/core/pacer';
import type { Steps } from '../../../../nodes/shared/core/steps';

/** A clock that moves `stepMs` on every read, and the reads and pauses made. */
function fakeTime(stepMs: number) {
	const seen = { reads: 0, pauses: 0 };
	let ms = 0;
	const now = () => {
		seen.reads++;
		return (ms += stepMs);
	};
	const pause = async () => {
		seen.pauses++;
	};
	return { seen, now, pause };
}

/** Steps that do `count` units of work one at a time and return how many they did. */
function* units(count: number): Steps<number> {
	for (let i = 0; i < count; i++) yield 1;
	return count;
}

describe('pacer', () => {
	it('reads the clock after every WORK_BETWEEN_CLOCK_READS units and pauses once MS_BETWEEN_PAUSES have passed', async () => {
		expect([WORK_BETWEEN_CLOCK_READS, MS_BETWEEN_PAUSES]).toEqual([1000, 100]);
		// 40 ms a read: the reads after 1,000, 2,000 and 3,000 units are 40, 80 and 120 ms after the start,
		// so the third pauses; the pause restarts the stretch (a read), and so on.
		const { seen, now, pause } = fakeTime(40);
		const pace = pacer(pause, now);
		expect(await pace.run(units(20_000))).toBe(20_000);
		// 20 reads of the work, and after each of the 6 pauses (at 3,000, 6,000 … 18,000 units) one more.
		expect(seen).toEqual({ reads: 1 + 20 + 6, pauses: 6 });
	});

	it('does not pause before a tenth of a second has passed, however much work', async () => {
		// 1 ms a read: the 100th read (after 100,000 units) is the first 100 ms after the start.
		const fast = fakeTime(1);
		await pacer(fast.pause, fast.now).run(units(199_000));
		// The next would come 100 reads after the pause (after 200,000 units).
		expect(fast.seen).toEqual({ reads: 1 + 199 + 1, pauses: 1 });
	});

	it('counts a step that did much as much, and starts counting again after each read', () => {
		const slow = fakeTime(1000);
		const pace = pacer(slow.pause, slow.now);
		expect([pace.due(999), pace.due(1), pace.due(5000), pace.due(1)]).toEqual([
			false,
			true,
			true,
			false,
		]);
		expect(slow.seen).toEqual({ reads: 1 + 2, pauses: 0 });
	});

	it('serves several pieces of work: the time since the last pause carries over', async () => {
		// 30 ms a read: the reads after 3,000 units in all (500 of the second piece) and 4,000 are 90 and
		// 120 ms after the start: the second pauses. A pacer that started again with each piece would not.
		const { seen, now, pause } = fakeTime(30);
		const pace = pacer(pause, now);
		await pace.run(units(2_500));
		expect(seen).toEqual({ reads: 1 + 2, pauses: 0 });
		await pace.run(units(1_500));
		expect(seen).toEqual({ reads: 1 + 4 + 1, pauses: 1 });
	});
});
