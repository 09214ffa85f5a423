import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { NiceCxoneTrends } from '../../../nodes/NiceCxoneTrends/NiceCxoneTrends.node';
import { DEFAULT_SETTINGS } from '../../../nodes/NiceCxoneTrends/core/analyzeSeries';
import { bucketAt, contactVolume } from './synthetic';
import { evaluateOutputs } from '../../support/outputs';
import { analyzeRows } from '../../../nodes/NiceCxoneTrends/core/analyzeRows';
import {
	ChartColour,
	drawSeriesChart,
} from '../../../nodes/NiceCxoneTrends/core/chart/seriesChart';
import { seriesChartInput } from '../../../nodes/NiceCxoneTrends/core/chart/seriesChartInput';
import { memoryKey } from '../../../nodes/NiceCxoneTrends/core/alertMemory';
import * as present from '../../../nodes/NiceCxoneTrends/core/present';
import { decodeIndexedPng } from './core/chart/pngReader';
import { trendsContext } from '../../support/trendsContext';

/** Query-node items: two groups of chat volume over three weeks in 15-minute buckets, one spike in grp_002. */
function queryItems(): INodeExecutionData[] {
	const items: INodeExecutionData[] = [];
	const spike = bucketAt(15, 14); // Tuesday 16 January 14:00 UTC
	for (const [groupId, seed] of [
		['grp_001', 1],
		['grp_002', 2],
	] as const) {
		const { timesMs, values } = contactVolume(21, seed);
		if (groupId === 'grp_002') values[spike] = 212;
		timesMs.forEach((t, i) => {
			items.push({
				json: {
					bucketStart: new Date(t).toISOString(),
					groupId,
					channel: 'chat',
					count_sum: values[i],
				},
			});
		});
	}
	return items;
}

const run = async (
	items: INodeExecutionData[],
	parameters: IDataObject,
	continueOnFail = false,
	staticData: IDataObject = {},
) =>
	await new NiceCxoneTrends().execute.call(
		trendsContext(
			items,
			{ sensitivity: 'medium', options: {}, ...parameters },
			{ continueOnFail, staticData },
		),
	);

describe('NiceCxoneTrends node', () => {
	const items = queryItems();

	it('describes a usable-as-tool node with two outputs and defaults matching the core', () => {
		const { description } = new NiceCxoneTrends();
		expect(description.usableAsTool).toBe(true);
		expect(evaluateOutputs(description.outputs, {})).toEqual(['Output', 'Anomalies']);
		const options = description.properties.find((p) => p.name === 'options')
			?.options as unknown as IDataObject[];
		const defaultOf = (name: string) => options.find((o) => o.name === name)?.default;
		expect(defaultOf('historyDays')).toBe(DEFAULT_SETTINGS.historyDays);
		expect(defaultOf('movingAverageBuckets')).toBe(DEFAULT_SETTINGS.movingAverageBuckets);
		expect(defaultOf('rollingWindowBuckets')).toBe(DEFAULT_SETTINGS.rollingWindowBuckets);
		expect(defaultOf('trendDeadBandPercent')).toBe(DEFAULT_SETTINGS.trendDeadBandPercent);
		expect(defaultOf('alertOnLevelShift')).toBe(DEFAULT_SETTINGS.alertOnLevelShift);
	});

	it('annotates every item, pairs each with its input item, and sends the anomaly to the second output', async () => {
		const [main, anomalies] = await run(items, {});
		expect(main).toHaveLength(items.length);
		main.forEach((item, index) => expect(item.pairedItem).toEqual([{ item: index }]));
		const spikeItem = main[2016 + bucketAt(15, 14)].json;
		expect(spikeItem).toMatchObject({
			groupId: 'grp_002',
			metric: 'count_sum',
			value: 212,
			isAnomaly: true,
			inAnomalyEpisode: true,
			anomalyType: 'SPIKE',
			status: 'ok',
		});
		expect(main[0].json).toMatchObject({
			status: 'insufficient_history',
			expected: null,
			isAnomaly: false,
		});
		expect(anomalies).toHaveLength(1);
		expect(anomalies[0].pairedItem).toEqual([{ item: 2016 + bucketAt(15, 14) }]);
		expect(spikeItem).toMatchObject({ expected: 119.5, expectedSpread: 12.6697 });
		expect(anomalies[0].json.message).toBe(
			'Chat volume for grp_002 at Tue 16 Jan 14:00 was 212, expected 120 ± 12.7 (spike).',
		);
	});

	it('writes one summary per series, paired with all the items of the series', async () => {
		const [main, anomalies] = await run(items, { outputMode: 'summary', timeZone: 'Europe/Paris' });
		expect(main.map((item) => item.json.series)).toEqual(['grp_001 / chat', 'grp_002 / chat']);
		expect(main[0].pairedItem).toHaveLength(2016);
		expect((main[1].pairedItem as Array<{ item: number }>)[0]).toEqual({ item: 2016 });
		expect(main[0].json).toMatchObject({ status: 'ok', anomalyCount: 0, bucketMinutes: 15 });
		expect(main[1].json.anomalyCount).toBe(1);
		// Times in messages are in the chosen zone: 14:00 UTC is 15:00 in Paris.
		expect(String(main[1].json.message)).toContain(
			'Chat volume for grp_002 at Tue 16 Jan 15:00 was 212',
		);
		expect(anomalies).toHaveLength(1);
	});

	it('returns only the anomalies in anomalies mode', async () => {
		const [main, anomalies] = await run(items, { outputMode: 'anomalies' });
		expect(main).toEqual(anomalies);
		expect(main[0].json).toMatchObject({
			bucketStart: '2024-01-16T14:00:00.000Z',
			anomalyType: 'SPIKE',
			missingBucket: false,
		});
	});

	it('reads a missing count bucket as zero: a drop to nothing is an anomaly paired with the previous item', async () => {
		const gap = bucketAt(16, 12);
		const withGap = items.filter((_, index) => index !== gap);
		const [, anomalies] = await run(withGap, {
			options: { metrics: 'count_sum', groupBy: 'groupId' },
		});
		const drop = anomalies.find((item) => item.json.groupId === 'grp_001');
		expect(drop?.json).toMatchObject({ value: 0, missingBucket: true, anomalyType: 'DROP' });
		expect(drop?.pairedItem).toEqual([{ item: gap - 1 }]);
	});

	it('attaches a PNG chart of its series to each summary and anomaly item, the alert marked at its time', async () => {
		const [summaries, anomalies] = await run(items, {
			outputMode: 'summary',
			options: { attachCharts: true, chartDays: 7 },
		});
		expect(summaries.map((item) => item.binary?.chart.fileName)).toEqual([
			'grp_001-chat-count_sum.png',
			'grp_002-chat-count_sum.png',
		]);
		expect(anomalies).toHaveLength(1);
		const chart = anomalies[0].binary!.chart;
		expect(chart).toEqual(summaries[1].binary!.chart); // one chart per series, shared by its items
		expect(chart.mimeType).toBe('image/png');
		const png = decodeIndexedPng(Uint8Array.from(Buffer.from(chart.data, 'base64')));
		expect([png.width, png.height, png.badCrcChunks]).toEqual([800, 400, []]);

		// Where the renderer puts the alert's bucket, from the same analysis the node made.
		const analysis = analyzeRows(
			items.map((item) => item.json),
			{
				timestampField: 'bucketStart',
				missingBuckets: 'auto',
				settings: { ...DEFAULT_SETTINGS, timeZone: 'UTC' },
			},
		);
		const series = analysis.series[1];
		const { layout } = drawSeriesChart(seriesChartInput(series, DEFAULT_SETTINGS.threshold, 7));
		const alertX = layout.xOfTimeMs(Date.parse(String(anomalies[0].json.bucketStart)));
		const inPlot: number[] = [];
		const colours = new Set<number>();
		for (let y = Math.ceil(layout.plotTopPx); y < layout.plotBottomPx; y++) {
			for (let x = Math.ceil(layout.plotLeftPx); x < layout.plotRightPx; x++) {
				const colour = png.indices[y * png.width + x];
				colours.add(colour);
				if (colour === ChartColour.anomaly) inPlot.push(x);
			}
		}
		// The mark (a dot of radius 3) and nothing else in the plot in the anomaly colour.
		expect(inPlot.length).toBeGreaterThan(0);
		expect(Math.max(...inPlot) - Math.min(...inPlot)).toBeLessThanOrEqual(6);
		expect(Math.abs(inPlot.reduce((a, b) => a + b, 0) / inPlot.length - alertX)).toBeLessThan(1.5);
		// Not blank: the value line, the expected line, the band and the episode tint are all there.
		for (const colour of [ChartColour.value, ChartColour.expected, ChartColour.band])
			expect(colours.has(colour)).toBe(true);
	});

	it('reports the run as one item for Slack and email, with the charts of the series that alerted', async () => {
		const [main, anomalies] = await run(items, {
			outputMode: 'report',
			options: { attachCharts: true, reportDays: 7 },
		});
		expect(main).toHaveLength(1);
		expect(main[0].json).toMatchObject({
			headline: '1 alert in 2 series',
			alertCount: 1,
			seriesCount: 2,
			chartProperties: 'chart_1',
		});
		expect(Object.keys(main[0].binary!)).toEqual(['chart_1']);
		expect(main[0].binary!.chart_1).toEqual(anomalies[0].binary!.chart);
		expect(main[0].pairedItem).toHaveLength(items.length);
		const [plain] = await run(items, { outputMode: 'report', options: { reportDays: 7 } });
		expect(plain[0].binary).toBeUndefined();
		expect(plain[0].json.chartProperties).toBeUndefined();
	});

	it('attaches to a report the charts of the alerts it lists, at most 20, and counts the rest', async () => {
		// 25 groups of 12 hourly buckets, each with a spike in its last.
		const spiking: INodeExecutionData[] = [];
		for (let g = 0; g < 25; g++)
			for (let h = 0; h < 12; h++)
				spiking.push({
					json: {
						bucketStart: new Date(Date.UTC(2024, 0, 1) + h * 3_600_000).toISOString(),
						groupId: `g${g}`,
						count_sum: h === 11 ? 1000 : 100 + (h % 3),
					},
				});
		const [[report], anomalies] = await run(spiking, {
			outputMode: 'report',
			method: 'rollingRobust',
			options: { attachCharts: true, rollingWindowBuckets: 5 },
		});
		expect(anomalies).toHaveLength(25);
		expect(Object.keys(report.binary!)).toHaveLength(20);
		expect(report.json).toMatchObject({
			alertCount: 25,
			leftOut: { alerts: 0, recoveries: 0, noData: 0, series: 0, charts: 5 },
		});
		expect(String(report.json.chartProperties).split(',')).toEqual(Object.keys(report.binary!));
		expect(report.binary!.chart_20.fileName).toBe('g19-count_sum.png');
	});

	it('makes the alerts of each series once, whichever the output mode', async () => {
		const made = jest.spyOn(present, 'seriesAnomalySteps');
		try {
			for (const outputMode of ['annotate', 'summary', 'report']) {
				made.mockClear();
				await run(items, { outputMode, options: { attachCharts: true } });
				expect([outputMode, made.mock.calls.length]).toEqual([outputMode, 2]);
			}
		} finally {
			made.mockRestore();
		}
	});

	it('Alert Only When Rising / Falling: a metric alerts one way only; a field in both is an error', async () => {
		const withGap = items.filter((_, index) => index !== bucketAt(16, 12)); // grp_001 drops to nothing
		const alerted = async (options: IDataObject) =>
			(await run(withGap, { outputMode: 'anomalies', options }))[1].map((item) => [
				item.json.groupId,
				item.json.anomalyType,
			]);
		expect(await alerted({})).toEqual([
			['grp_001', 'DROP'],
			['grp_002', 'SPIKE'],
		]);
		expect(await alerted({ alertRisingOnly: 'count_sum' })).toEqual([['grp_002', 'SPIKE']]);
		expect(await alerted({ alertFallingOnly: ' count_sum ' })).toEqual([['grp_001', 'DROP']]);
		await expect(run(withGap, { options: { alertRisingOnly: 'abandon_pct' } })).rejects.toThrow(
			"'Alert Only When Rising' names 'abandon_pct', which is not a metric of the items (metrics: count_sum). Check it against the incoming fields.",
		);
		await expect(
			run(withGap, { options: { alertRisingOnly: 'count_sum', alertFallingOnly: 'count_sum' } }),
		).rejects.toThrow(
			"'count_sum' is in both 'Alert Only When Rising' and 'Alert Only When Falling'. Keep it in one of them, or in neither to alert both ways.",
		);
	});

	it('names the field and the fix for a bad parameter', async () => {
		await expect(run(items, { timestampField: 'bucket' })).rejects.toThrow(
			"Timestamp field 'bucket' is missing in item 0. Set 'Timestamp Field' to the field that holds the bucket start.",
		);
		await expect(run(items, { timeZone: 'Mars/Olympus' })).rejects.toThrow(NodeOperationError);
		await expect(run(items, { options: { countField: 'contacts' } })).rejects.toThrow(
			"Contact Count Field 'contacts' is not in any item. Set it to the field with each item's contacts (count_sum from the query node), or empty it to judge rates and averages without counts.",
		);
	});

	it('raises a missed goal as an alert on the Anomalies output, paired with its item, beside the anomaly', async () => {
		const goals = {
			goal: [
				{ metric: 'count_sum', direction: 'atMost', value: 200, forBuckets: 1, criticalValue: '' },
			],
		};
		const [, alerts] = await run(items, { outputMode: 'anomalies', goals });
		expect(
			alerts.map((item) => [
				item.json.rule,
				item.json.bucketStart,
				item.json.severity,
				item.pairedItem,
			]),
		).toEqual([
			['anomaly', '2024-01-16T14:00:00.000Z', undefined, alerts[0].pairedItem],
			['goal', '2024-01-16T14:00:00.000Z', 'warning', alerts[0].pairedItem],
		]);
		expect(alerts[1].json).toMatchObject({
			goal: { direction: 'atMost', value: 200, forBuckets: 1, criticalValue: null },
			episodeStart: '2024-01-16T14:00:00.000Z',
			episodeEnd: '2024-01-16T14:15:00.000Z',
			ongoing: false,
			episodeBuckets: 1,
			worstValue: 212,
		});
	});

	it('with an Alert Window of 15 minutes, runs every quarter hour raise the spike once, remembering nothing', async () => {
		// Queue mode: every run starts with empty static data. Runs at 14:02, 14:17, 14:32 and 14:47, each over
		// the data up to the quarter hour before it.
		const spikeIndex = bucketAt(15, 14);
		const runAt = (last: number) => Date.UTC(2024, 0, 1) + (last + 1) * 15 * 60_000 + 2 * 60_000;
		const raised = async (options: IDataObject) => {
			const found = [];
			for (const last of [-1, 0, 1, 2].map((offset) => spikeIndex + offset)) {
				const upTo = items.filter((_, i) => i % 2016 <= last);
				const staticData: IDataObject = {};
				jest.spyOn(Date, 'now').mockReturnValue(runAt(last));
				const [, anomalies] = await run(
					upTo,
					{ outputMode: 'anomalies', options },
					false,
					staticData,
				);
				jest.restoreAllMocks();
				found.push([anomalies.map((item) => item.json.bucketStart), Object.keys(staticData)]);
			}
			return found;
		};
		const spike = '2024-01-16T14:00:00.000Z';
		// Nothing is written to static data either.
		expect(await raised({ alertWindowMinutes: 15 })).toEqual([
			[[], []],
			[[spike], []],
			[[], []],
			[[], []],
		]);
		// Alert Once alone remembers nothing without static data: the spike again in every run.
		expect((await raised({})).map(([alerts]) => alerts)).toEqual([[], [spike], [spike], [spike]]);
	});

	it('raises an alert once across runs (Alert Once), and says a goal episode it raised while ongoing has recovered, once', async () => {
		const staticData: IDataObject = {};
		const goals = {
			goal: [
				{ metric: 'count_sum', direction: 'atMost', value: 200, forBuckets: 1, criticalValue: '' },
			],
		};
		// Run 1 ends in the spike: the goal episode is ongoing.
		const upToSpike = items.filter(
			(item) => String(item.json.bucketStart) <= '2024-01-16T14:00:00.000Z',
		);
		const first = (await run(upToSpike, { outputMode: 'anomalies', goals }, false, staticData))[1];
		expect(
			first.map((item) => [item.json.rule, item.json.ongoing ?? null, item.json.recovery ?? false]),
		).toEqual([
			['anomaly', null, false],
			['goal', true, false],
		]);
		// Run 2 sees the same spike and its recovery: nothing new, the recovery once.
		const second = (await run(items, { outputMode: 'anomalies', goals }, false, staticData))[1];
		expect(second.map((item) => [item.json.rule, item.json.ongoing, item.json.recovery])).toEqual([
			['goal', false, true],
		]);
		expect(second[0].json.message).toBe(
			'Chat volume for grp_002 was above its goal of 200 from Tue 16 Jan 14:00 for 15 min (highest 212); back at goal at Tue 16 Jan 14:15.',
		);
		// Run 3: nothing to say; the report says so too.
		expect((await run(items, { outputMode: 'anomalies', goals }, false, staticData))[1]).toEqual(
			[],
		);
		const [[report]] = await run(items, { outputMode: 'report', goals }, false, staticData);
		expect([report.json.headline, report.json.recoveries]).toEqual(['No alerts in 2 series', []]);
		// Off: every run says everything it finds.
		expect(
			(
				await run(
					items,
					{ outputMode: 'anomalies', goals, options: { alertOnce: false } },
					false,
					staticData,
				)
			)[1],
		).toHaveLength(2);
	});

	it('reads the Alert Once memory an earlier version wrote (unhashed keys): the spike it raised is not raised again', async () => {
		const spike = '2024-01-16T14:00:00.000Z';
		const oldKey = JSON.stringify(['grp_002 / chat', 'count_sum', 'anomaly']);
		const staticData: IDataObject = {
			alertMemory: { raised: { [oldKey]: Date.parse(spike) }, openGoals: {} },
		};
		const [, anomalies] = await run(items, { outputMode: 'anomalies' }, false, staticData);
		expect(anomalies).toEqual([]);
		// Written back hashed.
		expect(staticData.alertMemory).toEqual({
			raised: { [memoryKey(oldKey)]: Date.parse(spike) },
			openGoals: {},
		});
		expect((await run(items, { outputMode: 'anomalies' }, false, staticData))[1]).toEqual([]);
		expect((await run(items, { outputMode: 'anomalies' }, false, {}))[1]).toHaveLength(1);
	});

	it('raises nothing outside Business Hours (the spike at Tue 14:00 UTC is inside Mon-Fri 08:00-18:00, outside 15:00-18:00)', async () => {
		const inside = (
			await run(items, {
				outputMode: 'anomalies',
				options: { businessHours: 'Mon-Fri 08:00-18:00' },
			})
		)[1];
		expect(inside.map((item) => item.json.bucketStart)).toEqual(['2024-01-16T14:00:00.000Z']);
		expect(
			(
				await run(items, {
					outputMode: 'anomalies',
					options: { businessHours: 'Mon-Fri 15:00-18:00' },
				})
			)[1],
		).toEqual([]);
		await expect(run(items, { options: { businessHours: 'weekdays' } })).rejects.toThrow(
			"'Business Hours': 'weekdays' is not days and hours; write e.g. Mon-Fri 08:00-18:00; Sat 09:00-13:00.",
		);
	});

	it('names the goal and the fix for a goal that cannot be judged', async () => {
		await expect(
			run(items, {
				goals: {
					goal: [
						{
							metric: 'service_level_pct',
							direction: 'atLeast',
							value: 80,
							forBuckets: 2,
							criticalValue: '',
						},
					],
				},
			}),
		).rejects.toThrow(
			"Goal metric 'service_level_pct' is not a metric of the items (metrics: count_sum). Check 'Goals' and 'Metric Fields' against the incoming fields.",
		);
		await expect(
			run(items, {
				goals: {
					goal: [
						{
							metric: 'count_sum',
							direction: 'atLeast',
							value: 80,
							forBuckets: 1,
							criticalValue: '90',
						},
					],
				},
			}),
		).rejects.toThrow(
			"Goals › Goal 1: 'Critical Beyond' is 90. Use a number below the goal of 80, or leave it empty.",
		);
	});

	it('honours continueOnFail with an error item paired with all input items', async () => {
		const [main, anomalies] = await run(items.slice(0, 3), { timestampField: 'bucket' }, true);
		expect(main).toHaveLength(1);
		expect(String(main[0].json.error)).toContain("Timestamp field 'bucket' is missing in item 0");
		expect(main[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(anomalies).toEqual([]);
	});

	it('handles duplicates, nulls and an empty input without crashing', async () => {
		const few = [
			{ json: { bucketStart: '2024-01-01T00:00:00Z', groupId: 'g', count_sum: 2 } },
			{ json: { bucketStart: '2024-01-01T00:00:00Z', groupId: 'g', count_sum: 3 } },
			{ json: { bucketStart: '2024-01-01T01:00:00Z', groupId: 'g', count_sum: null } },
		];
		const [main] = await run(few, { outputMode: 'summary' });
		expect(main[0].json).toMatchObject({
			status: 'insufficient_history',
			duplicateBuckets: 1,
			buckets: 2,
		});
		expect(main[0].json.latest).toMatchObject({ value: null });
		const [empty, none] = await run([], {});
		expect(empty).toEqual([]);
		expect(none).toEqual([]);
	});

	it('outputs a series as long as the node takes, every other bucket an alert (100,000 goal episodes)', async () => {
		// Every other 15-minute bucket misses the goal: one goal episode each. A spread of more than about
		// 120,000 alerts into one push overflowed the call stack; a series now has at most 200,000 buckets.
		const start = Date.UTC(2010, 0, 4);
		const many: INodeExecutionData[] = [];
		for (let i = 0; i < 200_000; i++) {
			const bucketStart = new Date(start + i * 900_000).toISOString();
			many.push({ json: { bucketStart, count_sum: i % 2 === 0 ? 300 : 100 } });
		}
		const goals = {
			goal: [
				{ metric: 'count_sum', direction: 'atMost', value: 200, forBuckets: 1, criticalValue: '' },
			],
		};
		const [, alerts] = await run(many, { outputMode: 'anomalies', goals });
		const goalAlerts = alerts.filter((item) => item.json.rule === 'goal');
		expect(goalAlerts).toHaveLength(100_000);
		expect(goalAlerts[99_999].json.episodeStart).toBe(
			new Date(start + 199_998 * 900_000).toISOString(),
		);
		expect(goalAlerts[99_999].pairedItem).toEqual([{ item: 199_998 }]);
	}, 60_000);
});

describe('NiceCxoneTrends node: the bucket not over when it runs', () => {
	// A query that ends now: chat volume up to Friday 19 January 14:04 UTC, its last quarter hour 4 minutes in.
	const last = bucketAt(18, 14);
	const lastStartMs = Date.UTC(2024, 0, 19, 14);
	const items: INodeExecutionData[] = [];
	const { timesMs, values } = contactVolume(19, 1);
	for (let i = 0; i <= last; i++)
		items.push({
			json: {
				bucketStart: new Date(timesMs[i]).toISOString(),
				groupId: 'grp_001',
				count_sum: i === last ? Math.round((values[i] * 4) / 15) : values[i],
			},
		});
	beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(lastStartMs + 4 * 60_000));
	afterEach(() => jest.restoreAllMocks());

	it('is left out of the judging, its item passed through as unfinished, and no drop is raised', async () => {
		const [main, anomalies] = await run(items, {});
		expect(main).toHaveLength(items.length);
		expect(main[last].json).toMatchObject({
			count_sum: Math.round((values[last] * 4) / 15),
			metric: 'count_sum',
			status: 'unfinished',
			isAnomaly: false,
			expected: null,
		});
		expect(main[last].pairedItem).toEqual([{ item: last }]);
		// The same fields as a judged item's, each empty.
		expect(Object.keys(main[last].json).sort()).toEqual(Object.keys(main[last - 1].json).sort());
		expect(main[last - 1].json.status).toBe('ok');
		expect(anomalies).toEqual([]);
		const [summary] = await run(items, { outputMode: 'summary' });
		expect(summary[0].json).toMatchObject({
			unfinishedRows: 1,
			lastBucket: new Date(lastStartMs - 15 * 60_000).toISOString(),
		});
	});
	it('is judged with Judge Unfinished Buckets on: a quarter hour 4 minutes in reads as a drop', async () => {
		const [, anomalies] = await run(items, { options: { judgeUnfinishedBuckets: true } });
		expect(anomalies.map((item) => [item.json.bucketStart, item.json.anomalyType])).toEqual([
			[new Date(lastStartMs).toISOString(), 'DROP'],
		]);
	});
});

describe('NiceCxoneTrends node: Data Complete Until, a chat channel silent up to the run', () => {
	// Chat volume by quarter hour up to Friday 19 January 2024, when its contacts stop at 13:00 UTC; the node
	// runs at 14:04. The query returns no row for a quarter hour without contacts: the items end at 12:45.
	const runAtMs = Date.UTC(2024, 0, 19, 14, 4);
	const { timesMs, values } = contactVolume(19, 1);
	const items: INodeExecutionData[] = [];
	for (let i = 0; i < bucketAt(18, 13); i++)
		items.push({
			json: {
				bucketStart: new Date(timesMs[i]).toISOString(),
				groupId: 'grp_001',
				count_sum: values[i],
			},
		});
	beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(runAtMs));
	afterEach(() => jest.restoreAllMocks());

	it('raises the silence as a drop at 13:00 when set to the run, and nothing when empty', async () => {
		const [, anomalies] = await run(items, {
			options: { dataUntil: new Date(runAtMs).toISOString() },
		});
		expect(anomalies.map((item) => [item.json.bucketStart, item.json.anomalyType])).toEqual([
			['2024-01-19T13:00:00.000Z', 'DROP'],
		]);
		const [summary] = await run(items, {
			outputMode: 'summary',
			options: { dataUntil: new Date(runAtMs).toISOString() },
		});
		// The quarter hours up to the last one over at 14:04, without contacts.
		expect(summary[0].json).toMatchObject({ lastBucket: '2024-01-19T13:45:00.000Z' });
		expect((await run(items, {}))[1]).toEqual([]);
	});
});

describe('NiceCxoneTrends node: Time Zone by an expression, each item’s own', () => {
	/**
	 * Three sites' hourly volume, merged: six hours from 14:00 UTC on Monday 8 January 2024, 100 an hour but
	 * 20 at 16:00 UTC, below a goal of at least 50. Each item names its site's zone in `siteTimeZone`
	 * ('' for the third: the workflow's, UTC).
	 */
	const siteItems = (zones = ['America/Chicago', 'Australia/Sydney', '']) =>
		['chicago', 'sydney', 'here'].flatMap((site, s) =>
			[0, 1, 2, 3, 4, 5].map(
				(h): INodeExecutionData => ({
					json: {
						bucketStart: new Date(Date.UTC(2024, 0, 8, 14 + h)).toISOString(),
						site,
						siteTimeZone: zones[s],
						count_sum: h === 2 ? 20 : 100,
					},
				}),
			),
		);
	const parameters = {
		outputMode: 'anomalies',
		options: { groupBy: 'site', metrics: 'count_sum' },
		goals: {
			goal: [{ metric: 'count_sum', direction: 'atLeast', value: 50, forBuckets: 1 }],
		},
	};
	const itemZone = { timeZone: (item: INodeExecutionData) => item.json.siteTimeZone };
	const runWith = async (
		items: INodeExecutionData[],
		expressions: Record<string, (item: INodeExecutionData) => unknown> = itemZone,
		extra: IDataObject = {},
		expressionTexts: Record<string, string> = {},
	) => {
		const context = trendsContext(
			items,
			{ sensitivity: 'medium', ...parameters, ...extra },
			{ expressions, expressionTexts },
		);
		const read = jest.spyOn(context, 'getNodeParameter');
		const outputs = await new NiceCxoneTrends().execute.call(context);
		return { outputs, zoneReads: read.mock.calls.filter(([name]) => name === 'timeZone').length };
	};
	/** The error a run with `items` fails with (undefined if it succeeds). */
	const errorOf = async (items: INodeExecutionData[]) =>
		await runWith(items).then(
			() => undefined,
			(error: unknown) => error as NodeOperationError,
		);

	it('reads each item’s zone and says each site’s alert on its own clock (empty: the workflow’s)', async () => {
		const items = siteItems();
		const {
			outputs: [, alerts],
			zoneReads,
		} = await runWith(items);
		expect(
			alerts.map((item) => [item.json.bucketStart, item.json.message, item.pairedItem]),
		).toEqual([
			[
				'2024-01-08T16:00:00.000Z',
				'Volume for chicago was below its goal of 50 from 10:00 for 1 h (lowest 20); back at goal at 11:00.',
				[{ item: 2 }],
			],
			[
				'2024-01-08T16:00:00.000Z',
				'Volume for sydney was below its goal of 50 from 03:00 for 1 h (lowest 20); back at goal at 04:00.',
				[{ item: 8 }],
			],
			[
				'2024-01-08T16:00:00.000Z',
				'Volume for here was below its goal of 50 from 16:00 for 1 h (lowest 20); back at goal at 17:00.',
				[{ item: 14 }],
			],
		]);
		// Item 0's for the run's settings, then each item's.
		expect(zoneReads).toBe(items.length + 1);
	});

	it('reads a Time Zone that is no expression once: one zone for every item, as before', async () => {
		const {
			outputs: [, alerts],
			zoneReads,
		} = await runWith(siteItems(), {}, { timeZone: 'Australia/Sydney' });
		expect(alerts.map((item) => String(item.json.message).replace(/ for 1 h.*/, ''))).toEqual([
			'Volume for chicago was below its goal of 50 from 03:00',
			'Volume for sydney was below its goal of 50 from 03:00',
			'Volume for here was below its goal of 50 from 03:00',
		]);
		expect(zoneReads).toBe(1);
	});

	it('reads an expression that does not read the item once (n8n takes about 0.3 ms an item)', async () => {
		const {
			outputs: [, alerts],
			zoneReads,
		} = await runWith(
			siteItems(),
			{ timeZone: () => 'Australia/Sydney' },
			{},
			{
				timeZone: '={{ $vars.centreTimeZone }}',
			},
		);
		expect(alerts.map((item) => String(item.json.message).replace(/ for 1 h.*/, ''))).toEqual([
			'Volume for chicago was below its goal of 50 from 03:00',
			'Volume for sydney was below its goal of 50 from 03:00',
			'Volume for here was below its goal of 50 from 03:00',
		]);
		expect(zoneReads).toBe(1);
		// Anything else may read the item: $itemIndex, $('Sites').item, $node …
		for (const text of [
			"={{ $itemIndex < 6 ? 'America/Chicago' : 'UTC' }}",
			"={{ $('Sites').item.json.timeZone }}",
		]) {
			const { zoneReads: perItem } = await runWith(siteItems(), itemZone, {}, { timeZone: text });
			expect(perItem).toBe(siteItems().length + 1);
		}
	});

	it('takes one zone written two ways as one, and says which item lacks its zone', async () => {
		const items = siteItems();
		items[1].json.siteTimeZone = 'america/chicago';
		// The third site in UTC, written two ways.
		for (const [k, item] of items.entries())
			if (item.json.site === 'here') item.json.siteTimeZone = k % 2 === 0 ? 'Etc/UTC' : 'UTC';
		const {
			outputs: [, alerts],
		} = await runWith(items);
		expect(alerts.map((item) => String(item.json.message).replace(/ for 1 h.*/, ''))).toEqual([
			'Volume for chicago was below its goal of 50 from 10:00',
			'Volume for sydney was below its goal of 50 from 03:00',
			'Volume for here was below its goal of 50 from 16:00',
		]);
		const missing = siteItems();
		delete missing[4].json.siteTimeZone;
		const error = await errorOf(missing);
		expect(error?.message).toBe(
			"'Time Zone' gives no value for item 4: the field its expression reads is missing there. Give every item its zone (e.g. with an Edit Fields node), or set an IANA name such as Europe/London.",
		);
		expect(error?.context.itemIndex).toBe(4);
	});

	it('names the item whose zone is no time zone, and a site whose items are in two zones', async () => {
		const items = siteItems();
		items[7].json.siteTimeZone = 'Mars/Olympus';
		const invalid = await errorOf(items);
		expect(invalid).toBeInstanceOf(NodeOperationError);
		expect(invalid?.message).toBe(
			"Time zone 'Mars/Olympus' of item 7 is not an IANA time zone. Set 'Time Zone' to a name such as Europe/London or America/New_York.",
		);
		expect(invalid?.context.itemIndex).toBe(7);
		const mixed = siteItems();
		mixed[3].json.siteTimeZone = 'America/Denver';
		const twoZones = await errorOf(mixed);
		expect(twoZones).toBeInstanceOf(NodeOperationError);
		expect(twoZones?.message).toBe(
			"Group 'chicago' has items in two time zones, America/Chicago (item 0) and America/Denver (item 3); its series follow one calendar. Give each group one time zone in 'Time Zone', or add the field that tells the sites apart to 'Group By'.",
		);
		expect(twoZones?.context.itemIndex).toBe(3);
	});
});
