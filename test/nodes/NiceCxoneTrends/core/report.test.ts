import { DateTime } from 'luxon';

import { analyzeRows } from '../../../../nodes/NiceCxoneTrends/core/analyzeRows';
import { DEFAULT_SETTINGS } from '../../../../nodes/NiceCxoneTrends/core/analyzeSeries';
import {
	seriesAnomalyRecords,
	seriesSummaryRecord,
} from '../../../../nodes/NiceCxoneTrends/core/present';
import {
	MAX_REPORTED_ALERTS,
	MAX_REPORTED_NOTES,
	MAX_REPORT_LIST,
	MAX_REPORT_SERIES,
	MAX_REPORT_TABLE_ROWS,
	reportRecord,
	reportSteps,
	type ReportedAlert,
} from '../../../../nodes/NiceCxoneTrends/core/report';
import { bucketAt, contactVolume } from '../synthetic';

/** Three weeks of 15-minute chat volume for two groups (one named with markup); `spikes` in the second. */
function rows(secondGroup: string, spikes: Array<[day: number, hour: number, value: number]>) {
	const out: Array<Record<string, unknown>> = [];
	for (const [groupId, seed] of [
		['grp_001', 1],
		[secondGroup, 2],
	] as const) {
		const { timesMs, values } = contactVolume(21, seed);
		if (groupId === secondGroup)
			for (const [day, hour, value] of spikes) values[bucketAt(day, hour)] = value;
		timesMs.forEach((t, i) =>
			out.push({
				bucketStart: new Date(t).toISOString(),
				groupId,
				channel: 'chat',
				count_sum: values[i],
			}),
		);
	}
	return out;
}
/** The report's JSON as these tests read it. */
interface ReportJson {
	headline: string;
	alertCount: number;
	alerts: ReportedAlert[];
	text: string;
	slackBlocks: Array<{ type: string; text: { type: string; text: string } }>;
	html: string;
	series: unknown[];
}
/** The report of the last week of three (spikes on days 15 and 16 fall inside it). */
const reportOf = (items: Array<Record<string, unknown>>, days = 7) =>
	reportRecord(analyzeRows(items, config), DEFAULT_SETTINGS.threshold, items.length, days);
const config = {
	timestampField: 'bucketStart',
	missingBuckets: 'auto' as const,
	settings: DEFAULT_SETTINGS,
};

describe('reportRecord', () => {
	it('says what was found: headline, alerts with severity, plain text, Slack blocks and an HTML body', () => {
		const items = rows('grp_002', [[15, 14, 212]]);
		const report = reportOf(items);
		const json = report.json as unknown as ReportJson;
		expect(json.headline).toBe('1 alert in 2 series');
		expect(json.alerts).toEqual([
			{
				series: 'grp_002 / chat',
				metric: 'count_sum',
				rule: 'anomaly',
				bucketStart: '2024-01-16T14:00:00.000Z',
				severity: 'warning',
				message:
					'Chat volume for grp_002 at Tue 16 Jan 14:00 was 212, expected 120 ± 12.7 (spike).',
			},
		]);
		expect(json.text).toBe(
			'1 alert in 2 series\nChat volume for grp_002 at Tue 16 Jan 14:00 was 212, expected 120 ± 12.7 (spike).',
		);
		expect(json.slackBlocks).toEqual([
			{ type: 'header', text: { type: 'plain_text', text: '1 alert in 2 series' } },
			{
				type: 'section',
				text: {
					type: 'mrkdwn',
					text: ':large_orange_circle: Chat volume for grp_002 at Tue 16 Jan 14:00 was 212, expected 120 ± 12.7 (spike).',
				},
			},
			{
				type: 'context',
				elements: [
					{ type: 'mrkdwn', text: '2 of 2 series judged; 0 without enough history or data.' },
				],
			},
		]);
		expect(json.html).toContain(
			'<li><b>warning</b>: Chat volume for grp_002 at Tue 16 Jan 14:00 was 212, expected 120 ± 12.7 (spike).</li>',
		);
		expect(json.html.match(/<tr>/g)).toHaveLength(3); // the heading row and one per series
		expect(json.series).toHaveLength(2);
		expect(report.rowIndices).toHaveLength(items.length);
	});

	it('with charts, shows each alerted series’ chart inline in the HTML and names them for Send Email', () => {
		const items = rows('grp_002', [[15, 14, 212]]);
		const analysis = analyzeRows(items, config);
		const json = reportRecord(analysis, DEFAULT_SETTINGS.threshold, items.length, 7, {
			withCharts: true,
		}).json as unknown as ReportJson & { chartProperties: string };
		expect(json.chartProperties).toBe('chart_1');
		expect(json.html).toContain(
			'<p><img src="cid:chart_1" alt="grp_002 / chat" width="800" height="400"></p>',
		);
		expect(JSON.parse((json as unknown as { slackBlocksJson: string }).slackBlocksJson)).toEqual({
			blocks: json.slackBlocks,
		});
		expect(reportOf(items).json.chartProperties).toBeUndefined();
	});

	it('ranks critical alerts (twice the threshold or more) first and escapes text from the items', () => {
		const items = rows('<b>&grp', [
			[15, 14, 212],
			[16, 15, 900],
		]);
		const json = reportOf(items).json as unknown as ReportJson;
		expect(json.alerts.map((alert) => [alert.bucketStart, alert.severity])).toEqual([
			['2024-01-17T15:00:00.000Z', 'critical'],
			['2024-01-16T14:00:00.000Z', 'warning'],
		]);
		expect(json.headline).toBe('2 alerts (1 critical) in 2 series');
		expect(json.slackBlocks[1].text.text).toMatch(
			/^:red_circle: Chat volume for &lt;b&gt;&amp;grp at Wed 17 Jan 15:00 was 900/,
		);
		expect(json.html).not.toContain('<b>&grp');
		expect(json.html).toContain('&#60;b&#62;&#38;grp');
	});

	it('lists at most MAX_REPORTED_ALERTS alerts and counts the rest', () => {
		// 22 groups, each with one spike on day 15.
		const items: Array<Record<string, unknown>> = [];
		for (let g = 0; g < 22; g++) {
			const { timesMs, values } = contactVolume(21, 10 + g);
			values[bucketAt(15, 14)] = 400;
			timesMs.forEach((t, i) =>
				items.push({
					bucketStart: new Date(t).toISOString(),
					groupId: `g${g}`,
					count_sum: values[i],
				}),
			);
		}
		const json = reportOf(items).json as unknown as ReportJson;
		expect(json.alertCount).toBe(22);
		expect(json.alerts).toHaveLength(22);
		expect(json.slackBlocks).toHaveLength(1 + MAX_REPORTED_ALERTS + 1 + 1);
		expect(json.slackBlocks[MAX_REPORTED_ALERTS + 1].text.text).toBe('… and 2 more.');
		expect(json.html).toContain('<p>… and 2 more.</p>');
	});

	it('covers its last days only: an alert of an earlier day was that day’s news, and stays in its series summary', () => {
		const items = rows('grp_002', [[15, 14, 212]]); // day 15 of 21
		const lastDay = reportOf(items, 1).json as unknown as ReportJson;
		expect([lastDay.headline, lastDay.alerts]).toEqual(['No alerts in 2 series', []]);
		expect((lastDay.series[1] as { anomalyCount: number }).anomalyCount).toBe(1);
		expect((reportOf(items, 6).json as unknown as ReportJson).alertCount).toBe(1);
	});

	it('says so when nothing is abnormal', () => {
		const items = rows('grp_002', []);
		const json = reportOf(items).json as unknown as ReportJson;
		expect([json.headline, json.alertCount, json.alerts]).toEqual(['No alerts in 2 series', 0, []]);
		expect(json.html).toContain('<p>Nothing abnormal.</p>');
	});

	it('lists a missed goal beside the anomaly, with its own severity and sentence', () => {
		const items = rows('grp_002', [[15, 14, 212]]);
		const goals = [
			{
				metric: 'count_sum',
				direction: 'atMost' as const,
				value: 200,
				forBuckets: 1,
				criticalValue: 210,
			},
		];
		const json = reportRecord(
			analyzeRows(items, { ...config, goals }),
			DEFAULT_SETTINGS.threshold,
			items.length,
			7,
		).json as unknown as ReportJson;
		expect(json.headline).toBe('2 alerts (1 critical) in 2 series');
		expect(
			json.alerts.map(({ rule, severity, bucketStart, message }) => ({
				rule,
				severity,
				bucketStart,
				message,
			})),
		).toEqual([
			{
				rule: 'goal',
				severity: 'critical',
				bucketStart: '2024-01-16T14:00:00.000Z',
				message:
					'Chat volume for grp_002 was above its goal of 200 from Tue 16 Jan 14:00 for 15 min (highest 212); back at goal at Tue 16 Jan 14:15.',
			},
			{
				rule: 'anomaly',
				severity: 'warning',
				bucketStart: '2024-01-16T14:00:00.000Z',
				message:
					'Chat volume for grp_002 at Tue 16 Jan 14:00 was 212, expected 120 ± 12.7 (spike).',
			},
		]);
	});

	it('says a series that stopped reporting has sent no data since when, in every report while it lasts', () => {
		const all = rows('grp_002', []);
		const lastMs = Math.max(...all.map((row) => Date.parse(String(row.bucketStart))));
		// grp_002 sends nothing in the last two hours (8 quarter hours); grp_001 goes on.
		const items = all.filter(
			(row) =>
				row.groupId !== 'grp_002' || Date.parse(String(row.bucketStart)) <= lastMs - 8 * 900_000,
		);
		const json = reportOf(items).json as unknown as ReportJson & { noData: string[] };
		expect(json.noData).toEqual([
			'Chat volume for grp_002 has sent no data since Sun 21 Jan 21:45 (2.25 h).',
		]);
		expect(json.headline.endsWith('; 1 stopped reporting')).toBe(true);
		expect(
			json.slackBlocks
				.map((block) => block.text?.text)
				.filter((text) => text?.startsWith(':grey_question:')),
		).toEqual([
			':grey_question: Chat volume for grp_002 has sent no data since Sun 21 Jan 21:45 (2.25 h).',
		]);
		expect(reportOf(all).json).toMatchObject({ noData: [] });
	});
});

describe('a report of thousands of alerts', () => {
	// 2,100 groups of 12 hourly buckets, each with a spike in its last bucket: 2,100 critical alerts.
	const groups = 2100;
	const many: Array<Record<string, unknown>> = [];
	for (let g = 0; g < groups; g++)
		for (let h = 0; h < 12; h++)
			many.push({
				bucketStart: new Date(Date.UTC(2024, 0, 1) + h * 3_600_000).toISOString(),
				groupId: `g${g}`,
				count_sum: h === 11 ? 1000 : 100 + (h % 3),
			});
	const analysis = analyzeRows(many, {
		...config,
		settings: { ...DEFAULT_SETTINGS, method: 'rollingRobust', rollingWindowBuckets: 5 },
	});
	const report = (withCharts = false) =>
		reportRecord(analysis, DEFAULT_SETTINGS.threshold, many.length, 1, { withCharts })
			.json as unknown as ReportJson & {
			leftOut: Record<string, number>;
			chartProperties?: string;
			series: Array<Record<string, unknown>>;
		};

	it('lists MAX_REPORT_LIST alerts for machines, says MAX_REPORTED_ALERTS for people, and counts the rest', () => {
		const json = report();
		expect([MAX_REPORT_LIST, MAX_REPORTED_ALERTS]).toEqual([2000, 20]);
		expect([json.alertCount, json.alerts.length]).toEqual([2100, 2000]);
		expect(json.leftOut).toEqual({ alerts: 100, recoveries: 0, noData: 0, series: 1100 });
		const lines = json.text.split('\n');
		expect(lines).toHaveLength(1 + 20 + 1);
		expect([lines[0], lines[21]]).toEqual([
			'2100 alerts (2100 critical) in 2100 series',
			'… and 2080 more.',
		]);
		expect(json.slackBlocks).toHaveLength(1 + 20 + 1 + 1);
		expect(json.html.match(/<li>/g)).toHaveLength(20);
		expect(json.html).toContain('<p>… and 2080 more.</p>');
	});

	it('holds the first MAX_REPORT_SERIES summaries and a table of the first MAX_REPORT_TABLE_ROWS series', () => {
		const json = report();
		expect([MAX_REPORT_SERIES, MAX_REPORT_TABLE_ROWS]).toEqual([1000, 200]);
		expect(json.series).toHaveLength(1000);
		expect(json.series[999]).toMatchObject({
			series: 'g999',
			anomalyCount: 1,
			anomaliesLeftOut: 0,
		});
		// The heading row, 200 series and the row that counts the rest.
		expect(json.html.match(/<tr>/g)).toHaveLength(1 + 200 + 1);
		expect(json.html).toContain('<tr><td colspan="6">… and 1900 more series.</td></tr>');
	});

	it('shows the charts of the series of the alerts it says, at most MAX_REPORTED_ALERTS, and counts the rest', () => {
		const json = report(true);
		expect(json.chartProperties).toBe(
			Array.from({ length: 20 }, (_, k) => `chart_${k + 1}`).join(','),
		);
		expect(json.leftOut.charts).toBe(2080);
		expect(json.html.match(/<img /g)).toHaveLength(20);
		expect(json.html).toContain('<img src="cid:chart_20" alt="g19"');
	});

	it('made in steps: one a series, then one for the sorting', () => {
		const steps = reportSteps(analysis, DEFAULT_SETTINGS.threshold, many.length, 1);
		let count = 0;
		let work = 0;
		for (let step = steps.next(); !step.done; step = steps.next()) {
			count++;
			work += step.value;
		}
		// Each series makes its alert record (setup, the record) and is reported (1 + its alert).
		expect([count, work]).toEqual([2100 * 3 + 1, 2100 * (1 + 1 + 2) + 2100]);
	});
});

describe('a report of many recoveries and silent series', () => {
	it('says MAX_REPORTED_NOTES of each in text, html and Slack, within Slack’s 50 blocks', () => {
		// 12 groups that stopped two hours before the others, 2 that go on; 15 recoveries of earlier runs.
		const items: Array<Record<string, unknown>> = [];
		for (let g = 0; g < 14; g++)
			for (let h = 0; h < (g < 12 ? 46 : 48); h++)
				items.push({
					bucketStart: new Date(Date.UTC(2024, 0, 1) + h * 3_600_000).toISOString(),
					groupId: `g${g}`,
					handle_time_avg: 300 + (h % 4),
				});
		const recovered = Array.from({ length: 15 }, (_, i) => ({ message: `Recovered ${i}.` }));
		const json = reportRecord(
			analyzeRows(items, config),
			DEFAULT_SETTINGS.threshold,
			items.length,
			1,
			{ recovered },
		).json as unknown as ReportJson & { noData: string[]; recoveries: string[] };
		expect(MAX_REPORTED_NOTES).toBe(10);
		expect([json.noData.length, json.recoveries.length]).toEqual([12, 15]);
		const lines = json.text.split('\n');
		expect(lines).toHaveLength(1 + 10 + 1 + 10 + 1);
		expect([lines[11], lines[22]]).toEqual([
			'… and 5 more recovered.',
			'… and 2 more stopped reporting.',
		]);
		expect(json.slackBlocks).toHaveLength(1 + 10 + 1 + 10 + 1 + 1);
		expect(json.html.match(/<li>/g)).toHaveLength(20);
		expect(json.html).toContain('<p>… and 5 more recovered.</p>');
		expect(json.html).toContain('<p>… and 2 more stopped reporting.</p>');
	});
});

describe('a series summary in a report', () => {
	it('carries its latest MAX_REPORTED_ALERTS alerts and says how many earlier ones it left out', () => {
		// Every third hour above the goal: 40 goal episodes, one alert each.
		const items = Array.from({ length: 120 }, (_, h) => ({
			bucketStart: new Date(Date.UTC(2024, 0, 1) + h * 3_600_000).toISOString(),
			count_sum: h % 3 === 0 ? 300 : 100,
		}));
		const goals = [
			{ metric: 'count_sum', direction: 'atMost' as const, value: 200, forBuckets: 1 },
		];
		const [series] = analyzeRows(items, { ...config, goals }).series;
		const alerts = seriesAnomalyRecords(series);
		const all = alerts.length;
		expect(alerts.filter((alert) => alert.json.rule === 'goal')).toHaveLength(40);
		const json = seriesSummaryRecord(series, alerts, 20).json;
		expect(json).toMatchObject({ anomalyCount: all, anomaliesLeftOut: all - 20 });
		const anomalies = json.anomalies as Array<Record<string, unknown>>;
		expect(anomalies).toHaveLength(20);
		expect(anomalies[19]).toEqual(alerts[all - 1].json);
		expect(anomalies[19]).not.toBe(alerts[all - 1].json); // a copy
		const lines = String(json.message).split('\n');
		expect(lines[0]).toBe(`${all - 20} earlier alerts not listed here.`);
		expect(lines).toHaveLength(1 + 20 + 1);
		// Summary per Series itself leaves nothing out.
		expect(seriesSummaryRecord(series, alerts).json.anomalies).toHaveLength(all);
	});
});

describe('a report of sites in several time zones', () => {
	it('counts its Report Days back from each site’s own last day, on its own calendar', () => {
		// Two weeks of days at each site's local midnights from Monday 1 January 2024; the volume misses its
		// goal on each site's Saturday 13 January, the day before its last.
		const items: Array<Record<string, unknown>> = [];
		const zones: string[] = [];
		for (const [site, zone] of [
			['chicago', 'America/Chicago'],
			['sydney', 'Australia/Sydney'],
		]) {
			for (let d = 0; d < 14; d++) {
				const day = DateTime.fromISO('2024-01-01', { zone }).plus({ days: d });
				items.push({
					bucketStart: new Date(day.toMillis()).toISOString(),
					site,
					count_sum: d === 12 ? 20 : 100,
				});
				zones.push(zone);
			}
		}
		const goals = [
			{ metric: 'count_sum', direction: 'atLeast' as const, value: 50, forBuckets: 1 },
		];
		const analysis = analyzeRows(items, { ...config, groupBy: ['site'], goals }, zones);
		const json = reportRecord(analysis, DEFAULT_SETTINGS.threshold, items.length, 1)
			.json as unknown as ReportJson;
		// Counted back from Chicago's last day, the latest, Sydney's Saturday (13:00 UTC on the 12th) was left out.
		expect(json.alerts.map((alert) => [alert.series, alert.bucketStart, alert.message])).toEqual([
			[
				'sydney',
				'2024-01-12T13:00:00.000Z',
				'Volume for sydney was below its goal of 50 from Sat 13 Jan for 24 h (lowest 20); back at goal on Sun 14 Jan.',
			],
			[
				'chicago',
				'2024-01-13T06:00:00.000Z',
				'Volume for chicago was below its goal of 50 from Sat 13 Jan for 24 h (lowest 20); back at goal on Sun 14 Jan.',
			],
		]);
	});
});
