import { analyzeRows } from '../../../nodes/NiceCxoneTrends/core/analyzeRows';
import { DEFAULT_SETTINGS } from '../../../nodes/NiceCxoneTrends/core/analyzeSeries';
import { annotatedRecords, seriesAnomalySteps } from '../../../nodes/NiceCxoneTrends/core/present';
import type { Steps } from '../../../nodes/NiceCxoneTrends/core/steps';
import {
	MS_BETWEEN_PAUSES,
	WORK_BETWEEN_CLOCK_READS,
	pacer,
} from '../../../nodes/NiceCxoneTrends/pacer';

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

/** Steps that do `units` units of work one at a time and return how many they did. */
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

	it('never pauses while the work is fast, and counts a step that did much as much', async () => {
		const fast = fakeTime(1);
		await pacer(fast.pause, fast.now).run(units(50_000));
		expect(fast.seen).toEqual({ reads: 1 + 50, pauses: 0 });
		const slow = fakeTime(1000);
		const pace = pacer(slow.pause, slow.now);
		expect([pace.due(999), pace.due(1), pace.due(5000), pace.due(1)]).toEqual([
			false,
			true,
			true,
			false,
		]);
	});

	it('drives the core in steps: annotation one record a unit, alerts one a record', async () => {
		const rows = Array.from({ length: 4500 }, (_, h) => ({
			bucketStart: new Date(Date.UTC(2024, 0, 1) + h * 3_600_000).toISOString(),
			count_sum: h === 4000 ? 900 : 100 + (h % 7),
		}));
		const analysis = analyzeRows(rows, {
			timestampField: 'bucketStart',
			missingBuckets: 'auto',
			settings: DEFAULT_SETTINGS,
		});
		// A clock always late: every read pauses.
		const late = fakeTime(1000);
		const pace = pacer(late.pause, late.now);
		const records = await pace.run(seriesAnomalySteps(analysis.series[0], 'UTC'));
		expect(records.map((record) => record.json.bucketStart)).toEqual([
			new Date(Date.UTC(2024, 0, 1) + 4000 * 3_600_000).toISOString(),
		]);
		let annotated = 0;
		for (const record of annotatedRecords(rows, analysis)) {
			annotated += record.rowIndices.length;
			if (pace.due()) await pace.pause();
		}
		// 2 units of alerts, then 4,500 records: reads at 1,000 … 4,000 units in all.
		expect([annotated, late.seen.pauses]).toEqual([4500, 4]);
	});
});
