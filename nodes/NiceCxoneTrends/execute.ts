import {
	NodeOperationError,
	sleep,
	type IBinaryData,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type IPairedItemData,
} from 'n8n-workflow';

import type { AuditSettings } from '../shared/audit';
import { finishAudit, readAuditSettings, readSigningSecret } from '../shared/audit';

import { analyzeRowsPausing } from './core/analyzeRows';
import type { SeriesResult } from './core/analyzeRows';
import { renderSeriesChart } from './core/chart/seriesChart';
import { chartFileName, seriesChartInput } from './core/chart/seriesChartInput';
import {
	annotateRecords,
	seriesAnomalyRecords,
	summaryRecords,
	type OutputRecord,
} from './core/present';
import { alertId, alertsWithin, readAlertMemory, sortOutAlerts } from './core/alertMemory';
import type { ReportedAlert } from './core/report';
import { reportChartProperty, reportRecord, reportStartMs, reportedSeries } from './core/report';
import type { Row } from './core/series';
import { SeriesInputError, fieldInNoRow } from './core/series';
import { readParameters } from './parameters';

function toItems(records: OutputRecord[], chart?: IBinaryData): INodeExecutionData[] {
	return records.map((record) => ({
		json: record.json as INodeExecutionData['json'],
		...(chart ? { binary: { chart } } : {}),
		pairedItem: record.rowIndices.map((item): IPairedItemData => ({ item })),
	}));
}

/**
 * The chart of a series as n8n binary data (a PNG named after the series), rendered once per series and
 * followed by a pause for the event loop.
 */
function chartMaker(
	ctx: IExecuteFunctions,
	zone: string,
	threshold: number,
	days: number,
): (series: SeriesResult) => Promise<IBinaryData> {
	const made = new Map<SeriesResult, IBinaryData>();
	return async (series) => {
		let chart = made.get(series);
		if (chart === undefined) {
			const png = renderSeriesChart(seriesChartInput(series, zone, threshold, days));
			chart = await ctx.helpers.prepareBinaryData(
				Buffer.from(png),
				chartFileName(series),
				'image/png',
			);
			made.set(series, chart);
			await sleep(0);
		}
		return chart;
	};
}

/**
 * Reads the parameters, analyses all input items together (series by group and metric) and returns two
 * outputs: the chosen output mode's items and the anomalies.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const startedMs = Date.now();
	const allItems = items.map((_, item) => ({ item }));
	const read = readAuditSettings(this.getNodeParameter('options', 0, {}) as IDataObject);
	if ('invalid' in read) throw new NodeOperationError(this.getNode(), read.invalid);
	const audit = read;
	const audited = audit.toOutput || audit.toLog || audit.webhook !== undefined;
	// One run, one audit record and at most one webhook delivery, whether the run succeeds or fails;
	// a delivery that fails with Fail Workflow on Webhook Error on fails the run like any error.
	const finish = async (
		outputs: INodeExecutionData[][],
		run: TrendsRunRecord,
		failure?: Error,
	): Promise<INodeExecutionData[][]> => {
		let record: IDataObject | undefined;
		if (audited) {
			const recorded = await recordRun(this, audit, {
				...run,
				inputItems: items.length,
				latencyMs: Date.now() - startedMs,
			});
			record = recorded.record;
			failure ??= recorded.failure;
		}
		let main = outputs;
		if (failure) {
			if (!this.continueOnFail()) throw failure;
			main = [[{ json: { error: failure.message }, pairedItem: allItems }], []];
		}
		return record && audit.toOutput ? [...main, [{ json: record, pairedItem: allItems }]] : main;
	};

	let parameters: ReturnType<typeof readParameters> | undefined;
	let outputs: INodeExecutionData[][];
	let run: TrendsRunRecord;
	try {
		// Before anything is sent: with signing on, a missing, empty or short secret is an error.
		await readSigningSecret(this, audit);
		parameters = readParameters(this);
		const { outputMode, config } = parameters;
		const rows = items.map((item) => item.json);
		// Only fields the items have themselves count: 'constructor' is in every object's prototype.
		const absent = fieldInNoRow(rows, [...(config.metrics ?? []), ...(config.groupBy ?? [])]);
		if (rows.length > 0 && absent !== undefined) {
			const which = config.metrics?.includes(absent)
				? ['Metric', 'Metric Fields']
				: ['Group-by', 'Group By'];
			throw new SeriesInputError(
				`${which[0]} field '${absent}' is not in any item. Check '${which[1]}' against the incoming fields.`,
				which[1],
			);
		}
		// Pauses between series hand the event loop back to n8n (a queue-mode worker must answer its broker).
		const analysis = await analyzeRowsPausing(rows, config, async () => await sleep(0));
		const unjudged =
			rows.length > 0
				? config.goals?.find((goal) => !analysis.metrics.includes(goal.metric))
				: undefined;
		if (unjudged) {
			throw new SeriesInputError(
				`Goal metric '${unjudged.metric}' is not a metric of the items (metrics: ${analysis.metrics.join(', ')}). Check 'Goals' and 'Metric Fields' against the incoming fields.`,
				'Goals',
			);
		}
		const zone = config.settings.timeZone;
		const chartOf =
			parameters.chartDays === undefined
				? undefined
				: chartMaker(this, zone, config.settings.threshold, parameters.chartDays);
		const alertsBySeries = analysis.series.map((series) => seriesAnomalyRecords(series, zone));
		// Alert Once: what an earlier run raised is not raised again; a goal episode it raised while ongoing
		// is said once more when it recovers. The memory lives in static data (production runs, regular mode);
		// with an Alert Window, a run raises what happened in its window instead, remembering nothing.
		const staticData = this.getWorkflowStaticData('node');
		const allAlerts = alertsBySeries.flat().map((record) => record.json);
		let sorted: ReturnType<typeof alertsWithin> | undefined;
		const { alertWindowMs, runAtMs } = parameters;
		if (alertWindowMs > 0)
			sorted = alertsWithin(
				allAlerts,
				runAtMs - alertWindowMs,
				runAtMs,
				analysis.bucketMs,
				analysis.calendarZone,
			);
		else if (parameters.alertOnce) {
			const once = sortOutAlerts(allAlerts, readAlertMemory(staticData.alertMemory));
			staticData.alertMemory = once.memory;
			sorted = once;
		}
		const fresh = new Set(sorted?.fresh.map(alertId));
		const isNew = (alert: Record<string, unknown>) => !sorted || fresh.has(alertId(alert));
		const anomalies: INodeExecutionData[] = [];
		for (const [index, series] of analysis.series.entries()) {
			const records = alertsBySeries[index].filter((record) => isNew(record.json));
			// One push per item: a spread of a long list overflows the call stack.
			if (records.length > 0)
				for (const item of toItems(records, await chartOf?.(series))) anomalies.push(item);
		}
		const recoveredRecords = alertsBySeries
			.flat()
			.filter((record) => sorted?.recovered.includes(record.json));
		for (const record of recoveredRecords) record.json.recovery = true;
		for (const item of toItems(recoveredRecords)) anomalies.push(item);
		let main: INodeExecutionData[];
		if (outputMode === 'summary') {
			const summaries = summaryRecords(analysis, zone);
			main = [];
			for (const [index, series] of analysis.series.entries())
				main.push(...toItems([summaries[index]], await chartOf?.(series)));
		} else if (outputMode === 'report') {
			const days = parameters.reportDays;
			const record = reportRecord(analysis, zone, config.settings.threshold, rows.length, days, {
				withCharts: chartOf !== undefined,
				isNew,
				recovered: sorted?.recovered,
			});
			const [report] = toItems([record]);
			if (chartOf) {
				// The charts of the series it lists alerts of, as chart_1, chart_2 … (the report's HTML shows them inline).
				report.binary = {};
				const alerted = reportedSeries(
					analysis,
					reportStartMs(analysis, days),
					record.json.alerts as ReportedAlert[],
				);
				for (const [k, series] of alerted.entries())
					report.binary[reportChartProperty(k)] = await chartOf(series);
			}
			main = [report];
		} else
			main =
				outputMode === 'anomalies'
					? anomalies
					: toItems(keepOverwrittenInput(annotateRecords(rows, analysis), rows));
		outputs = [main, anomalies];
		run = {
			settings: { outputMode, ...config } as unknown as IDataObject,
			seriesAnalysed: analysis.series.length,
			anomalies: anomalies.length,
		};
	} catch (error) {
		const problem =
			error instanceof SeriesInputError
				? new NodeOperationError(this.getNode(), error.message, { itemIndex: error.rowIndex })
				: (error as Error);
		return await finish(
			[],
			{
				settings: parameters
					? ({ outputMode: parameters.outputMode, ...parameters.config } as unknown as IDataObject)
					: null,
				seriesAnalysed: 0,
				anomalies: 0,
				error: problem.message,
			},
			problem,
		);
	}
	return await finish(outputs, run);
}

/**
 * Annotate mode writes its analysis fields (`metric`, `value`, `status`, `score` …) over the item's
 * own. An item field the analysis replaced with a different value is kept as `input_<field>`, so
 * nothing of the input is lost without a trace (README: Security).
 */
function keepOverwrittenInput(records: OutputRecord[], rows: readonly Row[]): OutputRecord[] {
	for (const record of records) {
		const source = rows[record.rowIndices[0]];
		for (const field of Object.keys(source)) {
			if (Object.is(record.json[field], source[field])) continue;
			Object.defineProperty(record.json, `input_${field}`, {
				value: source[field],
				enumerable: true,
				writable: true,
				configurable: true,
			});
		}
	}
	return records;
}

interface TrendsRunRecord {
	settings: IDataObject | null;
	seriesAnalysed: number;
	anomalies: number;
	error?: string;
}

/**
 * The audit record of one run of the node (what was analysed, with which settings, what was found),
 * sealed once, with the outcome of its webhook and the error a failed delivery raises (if it fails the run).
 */
async function recordRun(
	ctx: IExecuteFunctions,
	settings: AuditSettings,
	run: TrendsRunRecord & { inputItems: number; latencyMs: number },
): Promise<{ record: IDataObject; failure?: Error }> {
	return await finishAudit(
		ctx,
		settings,
		{},
		{ error: run.error, rows: run.inputItems, latencyMs: run.latencyMs, anomalies: run.anomalies },
		{
			kind: 'trends',
			latencyMs: { total: run.latencyMs },
			result: {
				inputItems: run.inputItems,
				seriesAnalysed: run.seriesAnalysed,
				anomalies: run.anomalies,
			},
			method: (run.settings?.settings as IDataObject | undefined)?.method ?? null,
			settings: run.settings,
		},
	);
}
