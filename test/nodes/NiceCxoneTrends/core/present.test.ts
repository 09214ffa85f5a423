import { analyzeRows } from '../../../../nodes/NiceCxoneTrends/core/analyzeRows';
import { DEFAULT_SETTINGS } from '../../../../nodes/NiceCxoneTrends/core/analyzeSeries';
import { seriesSubject } from '../../../../nodes/NiceCxoneTrends/core/describe';
import {
	annotateRecords,
	seriesAnomalyRecords,
	seriesAnomalySteps,
	seriesSummaryRecord,
} from '../../../../nodes/NiceCxoneTrends/core/present';

const config = {
	timestampField: 'bucketStart',
	missingBuckets: 'auto' as const,
	settings: { ...DEFAULT_SETTINGS, method: 'rollingRobust' as const, rollingWindowBuckets: 5 },
};
const hour = (h: number) => new Date(Date.UTC(2024, 0, 1) + h * 3_600_000).toISOString();

describe('alert records paired with their items', () => {
	// Hourly volume from hour 2 on (hours 0 and 1 belong to another group only), a spike at hour 30 sent as
	// two items, nothing at hour 40 (read as 0: a drop), and a goal of at most 500.
	const rows: Array<Record<string, unknown>> = [
		{ bucketStart: hour(0), groupId: 'other', count_sum: 100 },
		{ bucketStart: hour(1), groupId: 'other', count_sum: 100 },
	];
	for (let h = 2; h < 48; h++) {
		if (h === 40) continue;
		rows.push({ bucketStart: hour(h), groupId: 'g', count_sum: h === 30 ? 400 : 100 + (h % 3) });
		if (h === 30) rows.push({ bucketStart: hour(h), groupId: 'g', count_sum: 400 });
	}
	const goals = [{ metric: 'count_sum', direction: 'atMost' as const, value: 500, forBuckets: 1 }];
	const series = analyzeRows(rows, { ...config, groupBy: ['groupId'], goals }).series[1];
	const indexOf = (h: number) => rows.findIndex((row) => row.bucketStart === hour(h));

	it("gives a summary copies of its alerts, a goal's nested object too: the Anomalies output holds the records", () => {
		const records = seriesAnomalyRecords(series);
		const summary = seriesSummaryRecord(series, records);
		(records[1].json.goal as Record<string, unknown>).value = 1;
		const anomalies = summary.json.anomalies as Array<Record<string, unknown>>;
		expect(anomalies[1].goal).toEqual({
			direction: 'atMost',
			value: 500,
			forBuckets: 1,
			criticalValue: null,
		});
	});

	it('cuts a long metric name in its sentences, as it cuts long group values', () => {
		expect(seriesSubject({ groupId: 'g' }, `${'x'.repeat(4000)}_sum`)).toHaveLength(126);
	});

	it('pairs an alert with every item of its bucket, and one in an empty bucket with the item before it', () => {
		const records = seriesAnomalyRecords(series);
		expect(
			records.map((record) => [record.json.bucketStart, record.json.rule, record.rowIndices]),
		).toEqual([
			[hour(30), 'anomaly', [indexOf(30), indexOf(30) + 1]],
			[hour(30), 'goal', [indexOf(30), indexOf(30) + 1]],
			[hour(40), 'anomaly', [indexOf(39)]],
		]);
	});

	it('is made in steps: one to start, then one a record', () => {
		const steps = seriesAnomalySteps(series);
		const work: number[] = [];
		for (let step = steps.next(); !step.done; step = steps.next()) work.push(step.value);
		expect(work).toEqual([1, 1, 1, 1]);
	});
});

describe('annotated items', () => {
	it("keep an item's own field named __proto__ as a field, not as the copy's prototype", () => {
		const rows = Array.from(
			{ length: 24 },
			(_, h) =>
				JSON.parse(
					`{"bucketStart":"${hour(h)}","count_sum":${100 + (h % 3)},"__proto__":{"polluted":true}}`,
				) as Record<string, unknown>,
		);
		const [first] = annotateRecords(rows, analyzeRows(rows, { ...config, metrics: ['count_sum'] }));
		expect(Object.getPrototypeOf(first.json)).toBe(Object.prototype);
		expect(Object.keys(first.json).slice(0, 4)).toEqual([
			'bucketStart',
			'count_sum',
			'__proto__',
			'metric',
		]);
		expect((first.json as { polluted?: boolean }).polluted).toBeUndefined();
	});
});
