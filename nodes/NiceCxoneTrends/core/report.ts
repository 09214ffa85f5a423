import type { RowsAnalysis, SeriesResult } from './analyzeRows';
import type { OutputRecord } from './present';
import { bucketFields, noDataMessage, seriesAnomalySteps, seriesSummaryRecord } from './present';
import { daysBeforeMs } from './calendar';
import { seriesLabel } from './describe';
import { runStepsNow, type Steps } from '../../shared/core/steps';
import { uniqueTruncated } from './truncate';

/** Days a report covers unless the node's 'Report Days' says otherwise: what a daily run has not said yet. */
export const DEFAULT_REPORT_DAYS = 1;

/**
 * Alerts a report says one by one in its Slack blocks, `text` and `html`; the rest are counted ("… and 3
 * more."). Its charts are those of the series of these alerts, so at most as many.
 */
export const MAX_REPORTED_ALERTS = 20;
/**
 * Recoveries, and series that stopped reporting, a report says one by one in each of its Slack blocks,
 * `text` and `html`; the rest are counted. With the alerts, the header, three "… and N more" lines and
 * the context, a report has at most 45 Slack blocks: Slack takes 50 in a message.
 */
export const MAX_REPORTED_NOTES = 10;
/**
 * Entries of a report's machine-readable lists `alerts`, `recoveries` and `noData`; `leftOut` counts the
 * rest (the Anomalies output carries every alert). About 200 bytes an alert, 500 with labels of 120
 * characters: 0.4 to 1 MB at most.
 */
export const MAX_REPORT_LIST = 2_000;
/**
 * Series summaries in a report's `series`, in the analysis' order, each with its latest
 * MAX_REPORTED_ALERTS alerts; `leftOut.series` counts the rest (Summary per Series has them all).
 */
export const MAX_REPORT_SERIES = 1_000;
/**
 * Rows of the series table in a report's `html`, then a row that counts the rest: an email over about
 * 100 KB is clipped by Gmail, and a row is up to about 300 bytes.
 */
export const MAX_REPORT_TABLE_ROWS = 200;

/** Severity of an alert: `critical` from this multiple of the threshold on, else `warning`. */
export const CRITICAL_SCORE_MULTIPLE = 2;

/**
 * First bucket start (UTC ms) of `series` a report covers: the last `days` days of its grid, which the series
 * of its time zone share (days of its calendar for buckets of days and months, see `daysBeforeMs`): each
 * site's last days, wherever in the world.
 */
export function reportStartMs(series: SeriesResult, days: number): number {
	const { timesMs, bucketMs } = series.grid;
	return daysBeforeMs(timesMs[timesMs.length - 1], days, bucketMs, series.calendarZone);
}

/**
 * How a report names a series: its label (group values joined by " / "), cut to MAX_LABEL_CHARS with a
 * fingerprint that keeps two long labels apart (see `uniqueTruncated`).
 */
export function reportLabel(series: SeriesResult): string {
	return uniqueTruncated(seriesLabel(series.groupValues));
}

/** How a report is made beyond its analysis. */
export interface ReportOptions {
	/** Show the charts of the series of the alerts it says (cid:chart_1 …, at most MAX_REPORTED_ALERTS). */
	withCharts?: boolean;
	/** Whether an alert is news (not raised by an earlier run); all are by default. */
	isNew?: (alert: Record<string, unknown>) => boolean;
	/** Goal episodes raised by an earlier run that have recovered since: each said once. */
	recovered?: ReadonlyArray<Record<string, unknown>>;
	/**
	 * The alert records of each series (parallel to `analysis.series`) as `seriesAnomalySteps` made them,
	 * when already made; else the report makes them. `isNew` is asked about these very objects.
	 */
	alertsBySeries?: ReadonlyArray<readonly OutputRecord[]>;
}

/** A report and the series whose charts it shows (`chart_1` … in this order). */
export interface Report {
	record: OutputRecord;
	chartSeries: SeriesResult[];
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
 * `html` email body (the alerts, then a table of the series: latest value, expected, trend, alerts), plus
 * the series' summaries; `slackBlocksJson` is the blocks as the Slack node's Blocks field takes them
 * (`{"blocks": […]}`). With `withCharts`, the body shows the chart of each series of the alerts it lists
 * inline (`cid:chart_1` …) and `chartProperties` names them for Send Email's attachments. Pairs with every
 * row. Text from the items (group values, field names) is escaped for each format.
 *
 * Bounded whatever the input: the lines for people (`text`, `html`, Slack) say at most
 * MAX_REPORTED_ALERTS alerts and MAX_REPORTED_NOTES recoveries and silent series, each list followed by
 * "… and N more"; the lists for machines (`alerts`, `recoveries`, `noData`) hold at most MAX_REPORT_LIST
 * entries, `series` MAX_REPORT_SERIES summaries and the HTML table MAX_REPORT_TABLE_ROWS rows; `leftOut`
 * counts what each left out, `alertCount` all alerts. Made in steps (see `Steps`).
 */
export function* reportSteps(
	analysis: RowsAnalysis,
	threshold: number,
	rowCount: number,
	days: number,
	options: ReportOptions = {},
): Steps<Report> {
	const { withCharts = false, isNew = () => true, recovered = [] } = options;
	const found: Array<{ alert: ReportedAlert; atMs: number; seriesIndex: number }> = [];
	const silent: string[] = [];
	const summaries: Array<Record<string, unknown>> = [];
	const rows: string[] = [];
	let judged = 0;
	const cell = (value: unknown) =>
		`<td>${escapeHtml(value === null || value === undefined ? '–' : String(value))}</td>`;
	for (const [seriesIndex, series] of analysis.series.entries()) {
		const records = options.alertsBySeries?.[seriesIndex] ?? (yield* seriesAnomalySteps(series));
		const sinceMs = reportStartMs(series, days);
		const label = reportLabel(series);
		for (const { json } of records) {
			const atMs = Date.parse(String(json.bucketStart));
			if (!(atMs >= sinceMs) || !isNew(json)) continue;
			found.push({
				alert: {
					series: label,
					metric: uniqueTruncated(series.metric),
					rule: json.rule === 'goal' ? 'goal' : 'anomaly',
					bucketStart: String(json.bucketStart),
					// A missed goal carries its own severity; an anomaly's comes from its score.
					severity:
						json.severity === 'critical' ||
						(json.rule === 'anomaly' &&
							Math.abs(Number(json.score)) >= CRITICAL_SCORE_MULTIPLE * threshold)
							? 'critical'
							: 'warning',
					message: String(json.message),
				},
				atMs,
				seriesIndex,
			});
		}
		if (series.analysis.status === 'ok') judged++;
		// A series that stopped reporting is a state, said in every report while it lasts.
		const stopped = noDataMessage(series);
		if (stopped !== undefined) silent.push(stopped);
		if (seriesIndex < MAX_REPORT_SERIES)
			summaries.push(seriesSummaryRecord(series, records, MAX_REPORTED_ALERTS).json);
		if (seriesIndex < MAX_REPORT_TABLE_ROWS) {
			const latest = bucketFields(series, series.grid.values.length - 1);
			rows.push(
				`<tr>${cell(label)}${cell(uniqueTruncated(series.metric))}${cell(latest.value)}${cell(latest.expected)}${cell(series.analysis.trend.direction)}${cell(records.length)}</tr>`,
			);
		}
		yield 1 + records.length;
	}
	// Critical first, then in time order (a stable sort keeps series order within a bucket).
	found.sort((a, b) =>
		a.alert.severity !== b.alert.severity
			? a.alert.severity === 'critical'
				? -1
				: 1
			: a.atMs - b.atMs,
	);
	yield found.length;
	const seriesCount = analysis.series.length;
	const alerts = found.map(({ alert }) => alert);
	const recoveries = recovered.map((record) => String(record.message));
	const critical = alerts.filter((alert) => alert.severity === 'critical').length;
	const counted =
		alerts.length === 0
			? `No alerts in ${seriesCount} series`
			: `${alerts.length} alert${alerts.length === 1 ? '' : 's'}${critical > 0 ? ` (${critical} critical)` : ''} in ${seriesCount} series`;
	const headline = silent.length > 0 ? `${counted}; ${silent.length} stopped reporting` : counted;
	const context = `${judged} of ${seriesCount} series judged; ${seriesCount - judged} without enough history or data.`;

	// What people read: the first lines of each list, and how many more.
	const listed = alerts.slice(0, MAX_REPORTED_ALERTS);
	const more = alerts.length - listed.length;
	const recoveriesSaid = recoveries.slice(0, MAX_REPORTED_NOTES);
	const moreRecoveries = recoveries.length - recoveriesSaid.length;
	const silentSaid = silent.slice(0, MAX_REPORTED_NOTES);
	const moreSilent = silent.length - silentSaid.length;
	const moreLine = more > 0 ? `… and ${more} more.` : undefined;
	const moreRecoveriesLine =
		moreRecoveries > 0 ? `… and ${moreRecoveries} more recovered.` : undefined;
	const moreSilentLine = moreSilent > 0 ? `… and ${moreSilent} more stopped reporting.` : undefined;
	// The charts of the series of the alerts listed, in the analysis' order.
	const alertedIndices = new Set(found.map(({ seriesIndex }) => seriesIndex));
	const chartIndices = new Set(found.slice(0, MAX_REPORTED_ALERTS).map((f) => f.seriesIndex));
	const chartSeries = withCharts
		? analysis.series.filter((_, seriesIndex) => chartIndices.has(seriesIndex))
		: [];
	const charts = chartSeries.map((series, k) => ({
		property: reportChartProperty(k),
		title: reportLabel(series),
	}));
	const icon = (alert: ReportedAlert) =>
		alert.severity === 'critical' ? ':red_circle:' : ':large_orange_circle:';
	const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

	const slackBlocks: unknown[] = [
		{ type: 'header', text: { type: 'plain_text', text: headline } },
		...listed.map((alert) => section(`${icon(alert)} ${escapeSlack(alert.message)}`)),
		...(moreLine ? [section(moreLine)] : []),
		...recoveriesSaid.map((message) => section(`:white_check_mark: ${escapeSlack(message)}`)),
		...(moreRecoveriesLine ? [section(moreRecoveriesLine)] : []),
		...silentSaid.map((message) => section(`:grey_question: ${escapeSlack(message)}`)),
		...(moreSilentLine ? [section(moreSilentLine)] : []),
		{ type: 'context', elements: [{ type: 'mrkdwn', text: escapeSlack(context) }] },
	];

	const moreSeries = seriesCount - rows.length;
	const html = [
		`<h2>${escapeHtml(headline)}</h2>`,
		listed.length > 0
			? `<ul>${listed.map((alert) => `<li><b>${alert.severity}</b>: ${escapeHtml(alert.message)}</li>`).join('')}</ul>${moreLine ? `<p>${moreLine}</p>` : ''}`
			: '<p>Nothing abnormal.</p>',
		...(recoveriesSaid.length > 0
			? [
					`<ul>${recoveriesSaid.map((message) => `<li><b>recovered</b>: ${escapeHtml(message)}</li>`).join('')}</ul>${moreRecoveriesLine ? `<p>${moreRecoveriesLine}</p>` : ''}`,
				]
			: []),
		...(silentSaid.length > 0
			? [
					`<ul>${silentSaid.map((message) => `<li><b>no data</b>: ${escapeHtml(message)}</li>`).join('')}</ul>${moreSilentLine ? `<p>${moreSilentLine}</p>` : ''}`,
				]
			: []),
		...charts.map(
			({ property, title }) =>
				`<p><img src="cid:${property}" alt="${escapeHtml(title)}" width="800" height="400"></p>`,
		),
		'<table border="1" cellpadding="4" cellspacing="0"><tr><th>Series</th><th>Metric</th><th>Latest</th><th>Expected</th><th>Trend</th><th>Alerts</th></tr>',
		...rows,
		...(moreSeries > 0 ? [`<tr><td colspan="6">… and ${moreSeries} more series.</td></tr>`] : []),
		'</table>',
		`<p>${escapeHtml(context)}</p>`,
	].join('\n');

	const text = [
		headline,
		...listed.map((alert) => alert.message),
		...(moreLine ? [moreLine] : []),
		...recoveriesSaid,
		...(moreRecoveriesLine ? [moreRecoveriesLine] : []),
		...silentSaid,
		...(moreSilentLine ? [moreSilentLine] : []),
	].join('\n');
	const leftOut = (list: readonly unknown[]) => Math.max(0, list.length - MAX_REPORT_LIST);
	const record: OutputRecord = {
		json: {
			headline,
			alertCount: alerts.length,
			criticalCount: critical,
			seriesCount,
			alerts: alerts.slice(0, MAX_REPORT_LIST),
			recoveries: recoveries.slice(0, MAX_REPORT_LIST),
			noData: silent.slice(0, MAX_REPORT_LIST),
			leftOut: {
				alerts: leftOut(alerts),
				recoveries: leftOut(recoveries),
				noData: leftOut(silent),
				series: seriesCount - summaries.length,
				...(withCharts ? { charts: alertedIndices.size - chartSeries.length } : {}),
			},
			text,
			slackBlocks,
			slackBlocksJson: JSON.stringify({ blocks: slackBlocks }),
			html,
			...(withCharts ? { chartProperties: charts.map(({ property }) => property).join(',') } : {}),
			series: summaries,
		},
		rowIndices: Array.from({ length: rowCount }, (_, i) => i),
	};
	return { record, chartSeries };
}

/** The report of {@link reportSteps}, made at once. */
export function reportRecord(
	analysis: RowsAnalysis,
	threshold: number,
	rowCount: number,
	days: number,
	options: ReportOptions = {},
): OutputRecord {
	return runStepsNow(reportSteps(analysis, threshold, rowCount, days, options)).record;
}
