/**
 * The node hands the event loop back while it builds its output: n8n's sleep(0), counted here with a
 * clock that says every look at it is late (so each look pauses), in every output mode.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { NiceCxoneTrends } from '../../../nodes/NiceCxoneTrends/NiceCxoneTrends.node';
import { analyzeRows } from '../../../nodes/NiceCxoneTrends/core/analyzeRows';
import { DEFAULT_SETTINGS } from '../../../nodes/NiceCxoneTrends/core/analyzeSeries';
import { annotatedRecords, seriesAnomalySteps } from '../../../nodes/NiceCxoneTrends/core/present';
import { pacer } from '../../../nodes/shared/core/pacer';
import { trendsContext } from '../../support/trendsContext';
import { bucketAt, contactVolume } from './synthetic';

jest.mock('n8n-workflow', () => {
	const actual = jest.requireActual<typeof import('n8n-workflow')>('n8n-workflow');
	return { ...actual, sleep: jest.fn(async () => {}) };
});

/** Two groups of three weeks of 15-minute chat volume (2 × 2,016 items), one spike in grp_002. */
function queryItems(): INodeExecutionData[] {
	const items: INodeExecutionData[] = [];
	for (const [groupId, seed] of [
		['grp_001', 1],
		['grp_002', 2],
	] as const) {
		const { timesMs, values } = contactVolume(21, seed);
		if (groupId === 'grp_002') values[bucketAt(15, 14)] = 212;
		timesMs.forEach((t, i) =>
			items.push({
				json: { bucketStart: new Date(t).toISOString(), groupId, count_sum: values[i] },
			}),
		);
	}
	return items;
}

describe('NiceCxoneTrends node: pauses while building its output', () => {
	const items = queryItems();
	const pausesOf = async (parameters: IDataObject) => {
		jest.mocked(sleep).mockClear();
		let nowMs = Date.UTC(2030, 0, 1);
		const clock = jest.spyOn(Date, 'now').mockImplementation(() => (nowMs += 1000));
		try {
			const [main] = await new NiceCxoneTrends().execute.call(
				trendsContext(items, { sensitivity: 'medium', options: {}, ...parameters }),
			);
			return [main.length, jest.mocked(sleep).mock.calls.length];
		} finally {
			clock.mockRestore();
		}
	};

	it('pauses after every 1,000 units of work once the clock says a tenth of a second has passed', async () => {
		// The analysis pauses 14 times in every mode: after each of four thousand items surveyed for their
		// fields, grouped, and checked for their values, and after each of the two series (2,016 buckets each).
		const analysis = 14;
		// The alerts of both series and the one sorted out and output make 5 units; annotating 4,032 items
		// makes the total reach 1,000 four times.
		expect(await pausesOf({})).toEqual([4032, analysis + 4]);
		expect(await pausesOf({ outputMode: 'anomalies' })).toEqual([1, analysis]);
		// A summary pairs with its 2,016 items: each summary is work enough for a look at the clock.
		expect(await pausesOf({ outputMode: 'summary' })).toEqual([2, analysis + 2]);
		expect(await pausesOf({ outputMode: 'report', options: { reportDays: 7 } })).toEqual([
			1,
			analysis,
		]);
	});

	it('pauses after each chart it draws, each series drawn once', async () => {
		const charts = { attachCharts: true, reportDays: 7 };
		// After the analysis's 14: grp_002's chart for its anomaly, then grp_001's for its summary; and the two
		// summaries' looks.
		expect(await pausesOf({ outputMode: 'summary', options: charts })).toEqual([2, 14 + 4]);
		// grp_002's chart, shared by its anomaly and the report.
		expect(await pausesOf({ outputMode: 'report', options: charts })).toEqual([1, 14 + 1]);
	});
});

describe('NiceCxoneTrends core: its steps counted by the pacer', () => {
	it('annotation counts one a record, alerts one a record', async () => {
		const rows = Array.from({ length: 4500 }, (_, h) => ({
			bucketStart: new Date(Date.UTC(2024, 0, 1) + h * 3_600_000).toISOString(),
			count_sum: h === 4000 ? 900 : 100 + (h % 7),
		}));
		const analysis = analyzeRows(rows, {
			timestampField: 'bucketStart',
			missingBuckets: 'auto',
			settings: DEFAULT_SETTINGS,
		});
		// A clock always late (a second a read): every read pauses.
		let nowMs = 0;
		let pauses = 0;
		const pace = pacer(
			async () => {
				pauses++;
			},
			() => (nowMs += 1000),
		);
		const records = await pace.run(seriesAnomalySteps(analysis.series[0]));
		expect(records.map((record) => record.json.bucketStart)).toEqual([
			new Date(Date.UTC(2024, 0, 1) + 4000 * 3_600_000).toISOString(),
		]);
		let annotated = 0;
		for (const record of annotatedRecords(rows, analysis)) {
			annotated += record.rowIndices.length;
			if (pace.due()) await pace.pause();
		}
		// 2 units of alerts, then 4,500 records: reads at 1,000 … 4,000 units in all.
		expect([annotated, pauses]).toEqual([4500, 4]);
	});
});
