import type { RowsAnalysis, SeriesResult } from './analyzeRows';
import type { OutputRecord } from './present';
import { summaryRecords } from './present';
import { daysBeforeMs } from './calendar';
import { seriesLabel } from './describe';

/** Days a report covers unless the node's 'Report Days' says otherwise: what a daily run has not said yet. */
export const DEFAULT_REPORT_DAYS = 1;

/** Alerts listed one by one in a report; the rest are counted ("and 3 more"). Slack allows 50 blocks. */
export const MAX_REPORTED_ALERTS = 20;

/** Severity of an alert: `critical` from this multiple of the threshold on, else `warning`. */
export const CRITICAL_SCORE_MULTIPLE = 2;

/**
 * First bucket start (UTC ms) a report covers: the last `days` days of the analysed buckets (days of the
 * items' calendar for buckets of days and months, see `daysBeforeMs`).
 */
export function reportStartMs(analysis: RowsAnalysis, days: number): number {
	let lastMs = -Infinity;
	for (const series of analysis.series)
		lastMs = Math.max(lastMs, series.grid.timesMs[series.grid.timesMs.length - 1]);
	return daysBeforeMs(lastMs, days, analysis.bucketMs, analysis.calendarZone);
}

/** The series with an alert at or after `sinceMs`, in the analysis' order: whose charts a report carries. */
export function alertedSeries(analysis: RowsAnalysis, sinceMs: number): SeriesResult[] {
	return analysis.series.filter((series) => {
		const { alert } = series.analysis.detection;
		const { timesMs } = series.grid;
		for (let b = timesMs.length - 1; b >= 0 && timesMs[b] >= sinceMs; b--)
			if (alert[b] === 1) return true;
		return series.goalEpisodes.some((episode) => timesMs[episode.alertIndex] >= sinceMs);
	});
}

/**
 * The series whose charts a report carries: those with an alert the report lists (an alert of its last
 * days that an earlier run did not raise), in the analysis' order.
 */
export function reportedSeries(
	analysis: RowsAnalysis,
	sinceMs: number,
	alerts: readonly ReportedAlert[],
): SeriesResult[] {
	return alertedSeries(analysis, sinceMs).filter((series) =>
		alerts.some(
			(alert) => alert.series === seriesLabel(series.groupValues) && alert.metric === series.metric,
		),
	);
}

/** How a report is made beyond its analysis. */
export interface ReportOptions {
	/** Show the charts of the series it lists alerts of (cid:chart_1 …). */
	withCharts?: boolean;
	/** Whether an alert is news (not raised by an earlier run); all are by default. */
	isNew?: (alert: Record<string, unknown>) => boolean;
	/** Goal episodes raised by an earlier run that have recovered since: each said once. */
	recovered?: ReadonlyArray<Record<string, unknown>>;
}

/** Binary property of the k-th chart of a report (0-based): chart_1, chart_2 … */
export function reportChartProperty(k: number): string {
	return `chart_${k + 1}`;
}

/** One alert as a report lists it. */
export interface ReportedAlert {
	series: string;
	metric: string;
	/** What raised it: the anomaly test or a goal. */
	rule: 'anomaly' | 'goal';
	bucketStart: string;
	severity: 'warning' | 'critical';
	message: string;
}

/** Characters HTML gives a meaning to, as entities. */
function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Slack's mrkdwn gives `&`, `<` and `>` a meaning; they are escaped as Slack documents. */
function escapeSlack(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Report mode: one record for the whole run, ready for the next node, about its last `days` days (older
 * alerts were news on their day; the series summaries still hold them) — a `headline`, the alerts with a
 * `severity` (critical at `CRITICAL_SCORE_MULTIPLE` × `threshold` or more, else warning), the plain `text`,
 * Slack Block Kit `slackBlocks` (header, one section per alert, a context line with what was judged) and an
 * `html` email body (the alerts, then a table of every series: latest value, expected, trend, alerts), plus
 * every series' summary; `slackBlocksJson` is the blocks as the Slack node's Blocks field takes them
 * (`{"blocks": […]}`). With `withCharts`, the body shows the chart of each series that alerted inline
 * (`cid:chart_1` …, see {@link alertedSeries}) and `chartProperties` names them for Send Email's
 * attachments. Pairs with every row. Text from the items (group values, field names) is escaped for each
 * format.
 */
export function reportRecord(
	analysis: RowsAnalysis,
	zone: string,
	threshold: number,
	rowCount: number,
	days: number,
	options: ReportOptions = {},
): OutputRecord {
	const { withCharts = false, isNew = () => true, recovered = [] } = options;
	const sinceMs = reportStartMs(analysis, days);
	const summaries = summaryRecords(analysis, zone).map((record) => record.json);
	const alerts: ReportedAlert[] = summaries.flatMap((summary) =>
		(summary.anomalies as Array<Record<string, unknown>>)
			.filter((anomaly) => Date.parse(String(anomaly.bucketStart)) >= sinceMs && isNew(anomaly))
			.map((anomaly) => ({
				series: String(summary.series),
				metric: String(summary.metric),
				rule: anomaly.rule === 'goal' ? 'goal' : 'anomaly',
				bucketStart: String(anomaly.bucketStart),
				// A missed goal carries its own severity; an anomaly's comes from its score.
				severity:
					anomaly.severity === 'critical' ||
					(anomaly.rule === 'anomaly' &&
						Math.abs(Number(anomaly.score)) >= CRITICAL_SCORE_MULTIPLE * threshold)
						? 'critical'
						: 'warning',
				message: String(anomaly.message),
			})),
	);
	alerts.sort((a, b) =>
		a.severity === b.severity
			? a.bucketStart.localeCompare(b.bucketStart)
			: a.severity === 'critical'
				? -1
				: 1,
	);
	const recoveries = recovered.map((record) => String(record.message));
	// A series that stopped reporting is a state, said in every report while it lasts.
	const silent = summaries
		.filter((summary) => summary.reporting === 'stopped')
		.map((summary) => String(summary.noDataMessage));
	const judged = summaries.filter((summary) => summary.status === 'ok').length;
	const critical = alerts.filter((alert) => alert.severity === 'critical').length;
	const found =
		alerts.length === 0
			? `No alerts in ${summaries.length} series`
			: `${alerts.length} alert${alerts.length === 1 ? '' : 's'}${critical > 0 ? ` (${critical} critical)` : ''} in ${summaries.length} series`;
	const headline = silent.length > 0 ? `${found}; ${silent.length} stopped reporting` : found;
	const listed = alerts.slice(0, MAX_REPORTED_ALERTS);
	const more = alerts.length - listed.length;
	const context = `${judged} of ${summaries.length} series judged; ${summaries.length - judged} without enough history or data.`;
	const icon = (alert: ReportedAlert) =>
		alert.severity === 'critical' ? ':red_circle:' : ':large_orange_circle:';

	const slackBlocks: unknown[] = [
		{ type: 'header', text: { type: 'plain_text', text: headline } },
		...listed.map((alert) => ({
			type: 'section',
			text: { type: 'mrkdwn', text: `${icon(alert)} ${escapeSlack(alert.message)}` },
		})),
		...(more > 0
			? [{ type: 'section', text: { type: 'mrkdwn', text: `… and ${more} more.` } }]
			: []),
		...recoveries.map((message) => ({
			type: 'section',
			text: { type: 'mrkdwn', text: `:white_check_mark: ${escapeSlack(message)}` },
		})),
		...silent.slice(0, MAX_REPORTED_ALERTS).map((message) => ({
			type: 'section',
			text: { type: 'mrkdwn', text: `:grey_question: ${escapeSlack(message)}` },
		})),
		{ type: 'context', elements: [{ type: 'mrkdwn', text: escapeSlack(context) }] },
	];

	const cell = (value: unknown) =>
		`<td>${escapeHtml(value === null || value === undefined ? '–' : String(value))}</td>`;
	const rows = summaries.map((summary) => {
		const latest = summary.latest as Record<string, unknown>;
		return `<tr>${cell(summary.series)}${cell(summary.metric)}${cell(latest.value)}${cell(latest.expected)}${cell(summary.trendDirection)}${cell(summary.anomalyCount)}</tr>`;
	});
	const charts = withCharts
		? reportedSeries(analysis, sinceMs, alerts).map((series, k) => ({
				property: reportChartProperty(k),
				title: seriesLabel(series.groupValues),
			}))
		: [];
	const html = [
		`<h2>${escapeHtml(headline)}</h2>`,
		listed.length > 0
			? `<ul>${listed.map((alert) => `<li><b>${alert.severity}</b>: ${escapeHtml(alert.message)}</li>`).join('')}</ul>${more > 0 ? `<p>… and ${more} more.</p>` : ''}`
			: '<p>Nothing abnormal.</p>',
		...(recoveries.length > 0
			? [
					`<ul>${recoveries.map((message) => `<li><b>recovered</b>: ${escapeHtml(message)}</li>`).join('')}</ul>`,
				]
			: []),
		...(silent.length > 0
			? [
					`<ul>${silent.map((message) => `<li><b>no data</b>: ${escapeHtml(message)}</li>`).join('')}</ul>`,
				]
			: []),
		...charts.map(
			({ property, title }) =>
				`<p><img src="cid:${property}" alt="${escapeHtml(title)}" width="800" height="400"></p>`,
		),
		'<table border="1" cellpadding="4" cellspacing="0"><tr><th>Series</th><th>Metric</th><th>Latest</th><th>Expected</th><th>Trend</th><th>Alerts</th></tr>',
		...rows,
		'</table>',
		`<p>${escapeHtml(context)}</p>`,
	].join('\n');

	return {
		json: {
			headline,
			alertCount: alerts.length,
			criticalCount: critical,
			seriesCount: summaries.length,
			alerts,
			recoveries,
			noData: silent,
			text: [headline, ...alerts.map((alert) => alert.message), ...recoveries, ...silent].join(
				'\n',
			),
			slackBlocks,
			slackBlocksJson: JSON.stringify({ blocks: slackBlocks }),
			html,
			...(withCharts ? { chartProperties: charts.map(({ property }) => property).join(',') } : {}),
			series: summaries,
		},
		rowIndices: Array.from({ length: rowCount }, (_, i) => i),
	};
}
