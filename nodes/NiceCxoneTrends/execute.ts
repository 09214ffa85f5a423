import {
	NodeOperationError,
	type IBinaryData,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type IPairedItemData,
} from 'n8n-workflow';

import type { AuditSettings } from '../shared/audit';
import { finishAudit, readAuditSettings, readSigningSecret } from '../shared/audit';
import { type Pacer } from '../shared/core/pacer';
import { n8nPacer } from '../shared/pacing';

import { analyzeRowsSteps } from './core/analyzeRows';
import type { SeriesResult } from './core/analyzeRows';
import { renderSeriesChart } from './core/chart/seriesChart';
import { chartFileName, seriesChartInput } from './core/chart/seriesChartInput';
import {
	annotatedRecords,
	seriesAnomalySteps,
	seriesSummaryRecord,
	type OutputRecord,
} from './core/present';
import { alertsWithinSteps, readAlertMemory, sortOutAlertSteps } from './core/alertMemory';
import { reportChartProperty, reportSteps } from './core/report';
import type { Row } from './core/series';
import { SeriesInputError, fieldInNoRow } from './core/series';
import { readItemTimeZones, readParameters } from './parameters';

function toItem(record: OutputRecord, chart?: IBinaryData): INodeExecutionData {
	return {
		json: record.json as INodeExecutionData['json'],
		...(chart ? { binary: { chart } } : {}),
		pairedItem: record.rowIndices.map((item): IPairedItemData => ({ item })),
	};
}

/**
 * The chart of a series as n8n binary data (a PNG named after the series), rendered once per series and
 * followed by a pause for the event loop.
 */
function chartMaker(
	ctx: IExecuteFunctions,
	threshold: number,
	days: number,
	pace: Pacer,
): (series: SeriesResult) => Promise<IBinaryData> {
	const made = new Map<SeriesResult, IBinaryData>();
	return async (series) => {
		let chart = made.get(series);
		if (chart === undefined) {
			const png = renderSeriesChart(seriesChartInput(series, threshold, days));
			chart = await ctx.helpers.prepareBinaryData(
				Buffer.from(png),
				chartFileName(series),
				'image/png',
			);
			made.set(series, chart);
			await pace.pause();
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
		// Pauses hand the event loop back to n8n (a queue-mode worker must answer its broker) every tenth of a
		// second: while reading each item's time zone, while grouping the items, between series, and while
		// building the output.
		const pace = n8nPacer();
		const itemTimeZones = await readItemTimeZones(this, items.length, pace);
		const analysis = await pace.run(analyzeRowsSteps(rows, config, itemTimeZones));
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
		const oneWay =
			rows.length > 0 && config.alertDirections
				? [...config.alertDirections].find(([field]) => !analysis.metrics.includes(field))
				: undefined;
		if (oneWay) {
			const option = oneWay[1] === 'rises' ? 'Alert Only When Rising' : 'Alert Only When Falling';
			throw new SeriesInputError(
				`'${option}' names '${oneWay[0]}', which is not a metric of the items (metrics: ${analysis.metrics.join(', ')}). Check it against the incoming fields.`,
				option,
			);
		}
		const chartOf =
			parameters.chartDays === undefined
				? undefined
				: chartMaker(this, config.settings.threshold, parameters.chartDays, pace);
		// Each series' alerts, made once: the Anomalies output, the summaries and the report share them.
		const alertsBySeries: OutputRecord[][] = [];
		for (const series of analysis.series)
			alertsBySeries.push(await pace.run(seriesAnomalySteps(series)));
		// Alert Once: what an earlier run raised is not raised again; a goal episode it raised while ongoing
		// is said once more when it recovers. The memory lives in static data (production runs, regular mode);
		// with an Alert Window, a run raises what happened in its window instead, remembering nothing.
		const staticData = this.getWorkflowStaticData('node');
		const allAlerts: Array<Record<string, unknown>> = [];
		for (const records of alertsBySeries) for (const record of records) allAlerts.push(record.json);
		let sorted: { fresh: unknown[]; recovered: Array<Record<string, unknown>> } | undefined;
		const { alertWindowMs, runAtMs } = parameters;
		if (alertWindowMs > 0) {
			// Each alert's bucket ends on its own series' calendar.
			const calendarOf = new Map<Record<string, unknown>, string>();
			for (const [index, records] of alertsBySeries.entries())
				for (const record of records)
					calendarOf.set(record.json, analysis.series[index].calendarZone);
			sorted = await pace.run(
				alertsWithinSteps(
					allAlerts,
					runAtMs - alertWindowMs,
					runAtMs,
					analysis.bucketMs,
					(alert) => calendarOf.get(alert)!,
				),
			);
		} else if (parameters.alertOnce) {
			const memory = readAlertMemory(staticData.alertMemory);
			const once = await pace.run(sortOutAlertSteps(allAlerts, memory));
			staticData.alertMemory = once.memory;
			sorted = once;
		}
		// The alerts sorted out are the records' own objects.
		const fresh = new Set(sorted?.fresh);
		const isNew = (alert: Record<string, unknown>) => !sorted || fresh.has(alert);
		const anomalies: INodeExecutionData[] = [];
		for (const [index, series] of analysis.series.entries()) {
			let chart: IBinaryData | undefined;
			for (const record of alertsBySeries[index]) {
				if (!isNew(record.json)) continue;
				chart ??= await chartOf?.(series);
				anomalies.push(toItem(record, chart));
				if (pace.due()) await pace.pause();
			}
		}
		const recovered = new Set(sorted?.recovered);
		for (const records of alertsBySeries)
			for (const record of records)
				if (recovered.has(record.json))
					anomalies.push(toItem({ ...record, json: { ...record.json, recovery: true } }));
		let main: INodeExecutionData[];
		if (outputMode === 'summary') {
			main = [];
			for (const [index, series] of analysis.series.entries()) {
				const summary = seriesSummaryRecord(series, alertsBySeries[index]);
				main.push(toItem(summary, await chartOf?.(series)));
				if (pace.due(1 + alertsBySeries[index].length + summary.rowIndices.length))
					await pace.pause();
			}
		} else if (outputMode === 'report') {
			const days = parameters.reportDays;
			const { record, chartSeries } = await pace.run(
				reportSteps(analysis, config.settings.threshold, rows.length, days, {
					withCharts: chartOf !== undefined,
					isNew,
					recovered: sorted?.recovered,
					alertsBySeries,
				}),
			);
			const report: INodeExecutionData = { json: record.json as IDataObject, pairedItem: allItems };
			if (chartOf) {
				// The charts of the series of the alerts it lists, as chart_1, chart_2 … (its HTML shows them inline).
				report.binary = {};
				for (const [k, series] of chartSeries.entries())
					report.binary[reportChartProperty(k)] = await chartOf(series);
			}
			main = [report];
		} else if (outputMode === 'anomalies') main = anomalies;
		else {
			main = [];
			for (const record of annotatedRecords(rows, analysis)) {
				main.push(toItem(keepOverwrittenInput(record, rows)));
				if (pace.due()) await pace.pause();
			}
		}
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
function keepOverwrittenInput(record: OutputRecord, rows: readonly Row[]): OutputRecord {
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
	return record;
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
