import { analyzeRows } from '../../../../nodes/NiceCxoneTrends/core/analyzeRows';
import { DEFAULT_SETTINGS } from '../../../../nodes/NiceCxoneTrends/core/analyzeSeries';
import {
	MAX_REPORTED_ALERTS,
	reportRecord,
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
	reportRecord(analyzeRows(items, config), 'UTC', DEFAULT_SETTINGS.threshold, items.length, days);
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
		const json = reportRecord(analysis, 'UTC', DEFAULT_SETTINGS.threshold, items.length, 7, {
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
			'UTC',
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
