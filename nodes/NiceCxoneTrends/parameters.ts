import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
} from 'n8n-workflow';

import {
	DEFAULT_SETTINGS,
	DETECTION_METHODS,
	SENSITIVITY_THRESHOLDS,
	type AlertDirection,
	type DetectionMethod,
	type Sensitivity,
} from './core/analyzeSeries';
import type { RowsConfig } from './core/analyzeRows';
import type { BusinessHours } from './core/businessHours';
import { parseBusinessHours } from './core/businessHours';
import type { Goal } from './core/goals';
import type { Pacer } from '../shared/core/pacer';
import { isValidTimeZone, timeZoneKey } from '../shared/core/time';
import { DEFAULT_CHART_DAYS } from './core/chart/seriesChartInput';
import { DEFAULT_REPORT_DAYS } from './core/report';
import { parseTimestamp, type MissingBuckets } from './core/series';

export type OutputMode = 'annotate' | 'anomalies' | 'summary' | 'report';

export interface TrendsParameters {
	outputMode: OutputMode;
	config: RowsConfig;
	/** Days of each series drawn in its chart (the binary property `chart`); `undefined` = no charts. */
	chartDays?: number;
	/** Days whose alerts a report lists (the last ones). */
	reportDays: number;
	/** Leave out alerts an earlier run raised (and say a raised goal's recovery once). */
	alertOnce: boolean;
	/** Raise only the alerts whose bucket ended in this many ms before the run, without a memory (0 = off). */
	alertWindowMs: number;
	/** When the node runs (UTC ms). */
	runAtMs: number;
}

/** Splits a comma-separated list of field names, dropping blanks. */
export function fieldList(text: string): string[] {
	return text
		.split(',')
		.map((field) => field.trim())
		.filter((field) => field !== '');
}

/** Longest bucket the node takes: a year (a longer one has no calendar to follow). */
const MAX_BUCKET_MINUTES = 527_040;
/** Most History Days, as the editor's field allows: the seasonal method keeps that many days of every slot. */
const MAX_HISTORY_DAYS = 28;
/** Most Rolling Window Buckets, as the editor's field allows. */
const MAX_ROLLING_WINDOW_BUCKETS = 1000;

/**
 * Reads and checks the node's parameters (they apply to all items together, so item 0's values; a Time Zone
 * given by an expression is each item's own, see `readItemTimeZones`).
 */
export function readParameters(context: IExecuteFunctions): TrendsParameters {
	const node = context.getNode();
	const outputMode = context.getNodeParameter('outputMode', 0) as OutputMode;
	const method = context.getNodeParameter('method', 0) as DetectionMethod;
	const sensitivity = context.getNodeParameter('sensitivity', 0, 'medium') as Sensitivity;
	const timestampField = String(context.getNodeParameter('timestampField', 0)).trim();
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;

	if (timestampField === '') {
		throw new NodeOperationError(
			node,
			"'Timestamp Field' is empty. Set it to the field that holds the bucket start, e.g. bucketStart.",
		);
	}
	const timeZone = checkedTimeZone(
		context,
		context.getNodeParameter('timeZone', 0, ''),
		timeZonePerItem(context) ? 0 : undefined,
	);
	const threshold = Number(options.threshold ?? 0);
	if (!Number.isFinite(threshold) || threshold < 0) {
		throw new NodeOperationError(
			node,
			`'Score Threshold' is ${String(options.threshold)}. Use 0 (follow Sensitivity) or a positive number such as 5.`,
		);
	}
	if (!DETECTION_METHODS.includes(method)) {
		throw new NodeOperationError(
			node,
			`'Method' is '${method}'. Choose one of ${DETECTION_METHODS.join(', ')}.`,
		);
	}
	if (!(sensitivity in SENSITIVITY_THRESHOLDS)) {
		throw new NodeOperationError(
			node,
			`'Sensitivity' is '${sensitivity}'. Choose Low, Medium or High.`,
		);
	}
	const bucketMinutes = Number(options.bucketMinutes ?? 0);
	if (!Number.isFinite(bucketMinutes) || bucketMinutes < 0 || bucketMinutes > MAX_BUCKET_MINUTES) {
		throw new NodeOperationError(
			node,
			`'Bucket Minutes' is ${String(options.bucketMinutes)}. Use 0 to detect the spacing, or the bucket length in minutes (e.g. 15; at most ${MAX_BUCKET_MINUTES}, a year).`,
		);
	}
	const runAtMs = Date.now();
	const alertWindowMinutes = Number(options.alertWindowMinutes ?? 0);
	if (!Number.isFinite(alertWindowMinutes) || alertWindowMinutes < 0) {
		throw new NodeOperationError(
			node,
			`'Alert Window (Minutes)' is ${String(options.alertWindowMinutes)}. Use 0 (off) or how often the workflow runs, in minutes (e.g. 15).`,
		);
	}
	const dataUntilMs = readDataUntil(node, options.dataUntil, timeZone, runAtMs);
	const weekendOption = options.weekendDays ?? DEFAULT_SETTINGS.weekendDays;
	const weekendDays = Array.isArray(weekendOption) ? weekendOption.map(Number) : [NaN];
	if (!weekendDays.every((day) => Number.isInteger(day) && day >= 1 && day <= 7)) {
		throw new NodeOperationError(
			node,
			`'Weekend Days' is ${JSON.stringify(weekendOption)}. Choose days of the week (1 = Monday … 7 = Sunday), e.g. ["6", "7"].`,
		);
	}
	const positive = (name: string, fallback: number, label: string, most = Infinity): number => {
		const value = Number(options[name] ?? fallback);
		if (!Number.isFinite(value) || value < 1 || value > most) {
			throw new NodeOperationError(
				node,
				`'${label}' is ${String(options[name])}. Use a whole number of at least 1${most < Infinity ? ` and at most ${most}` : ''}.`,
			);
		}
		return Math.floor(value);
	};
	const trendDeadBandPercent = Number(
		options.trendDeadBandPercent ?? DEFAULT_SETTINGS.trendDeadBandPercent,
	);
	if (!Number.isFinite(trendDeadBandPercent) || trendDeadBandPercent < 0) {
		throw new NodeOperationError(
			node,
			`'Trend Dead Band (%)' is ${String(options.trendDeadBandPercent)}. Use a percentage of 0 or more, e.g. 5.`,
		);
	}

	return {
		outputMode,
		chartDays:
			options.attachCharts === true
				? positive('chartDays', DEFAULT_CHART_DAYS, 'Chart Days')
				: undefined,
		reportDays: positive('reportDays', DEFAULT_REPORT_DAYS, 'Report Days'),
		alertOnce: options.alertOnce !== false,
		alertWindowMs: alertWindowMinutes * 60_000,
		runAtMs,
		config: {
			timestampField,
			groupBy: options.groupBy === undefined ? undefined : fieldList(String(options.groupBy)),
			metrics:
				options.metrics === undefined || String(options.metrics).trim() === ''
					? undefined
					: fieldList(String(options.metrics)),
			// Not set: count_sum when the items carry it. Set: that field ('' = none), which must then be in the items.
			countField: options.countField === undefined ? undefined : String(options.countField).trim(),
			bucketMs: bucketMinutes > 0 ? bucketMinutes * 60_000 : undefined,
			missingBuckets: (options.missingBuckets as MissingBuckets | undefined) ?? 'auto',
			goals: readGoals(context),
			alertDirections: readAlertDirections(node, options),
			businessHours: readBusinessHours(context, String(options.businessHours ?? '')),
			// A bucket not over yet holds part of its contacts: left out unless asked for.
			nowMs: options.judgeUnfinishedBuckets === true ? undefined : runAtMs,
			dataUntilMs,
			settings: {
				...DEFAULT_SETTINGS,
				method,
				threshold: threshold > 0 ? threshold : SENSITIVITY_THRESHOLDS[sensitivity],
				timeZone,
				weekendDays,
				historyDays: positive(
					'historyDays',
					DEFAULT_SETTINGS.historyDays,
					'History Days',
					MAX_HISTORY_DAYS,
				),
				rollingWindowBuckets: positive(
					'rollingWindowBuckets',
					DEFAULT_SETTINGS.rollingWindowBuckets,
					'Rolling Window Buckets',
					MAX_ROLLING_WINDOW_BUCKETS,
				),
				movingAverageBuckets: positive(
					'movingAverageBuckets',
					DEFAULT_SETTINGS.movingAverageBuckets,
					'Moving Average Buckets',
				),
				trendDeadBandPercent,
				alertOnLevelShift: Boolean(options.alertOnLevelShift ?? DEFAULT_SETTINGS.alertOnLevelShift),
			},
		},
	};
}

/**
 * 'Data Complete Until' as UTC ms, never past the run (`runAtMs`): no item can be complete beyond it.
 * `undefined` when empty. Text without an offset is wall-clock time in `timeZone`.
 */
function readDataUntil(
	node: INode,
	raw: unknown,
	timeZone: string,
	runAtMs: number,
): number | undefined {
	if (raw === undefined || raw === null || raw === '') return undefined;
	// An expression's DateTime ({{ $now }}) reads as its ISO text.
	const value = parseTimestamp(
		typeof raw === 'object' && !(raw instanceof Date) ? String(raw) : raw,
		timeZone,
	);
	if (!Number.isFinite(value)) {
		throw new NodeOperationError(
			node,
			`'Data Complete Until' is ${JSON.stringify(String(raw)).slice(0, 60)}. Use a date and time such as {{ $now }} (the query ends now), or leave it empty when the data ends with its last item.`,
		);
	}
	return Math.min(value, runAtMs);
}

/** n8n's variables that are the same for every item of a run. */
const SAME_FOR_EVERY_ITEM = new Set([
	'$vars',
	'$env',
	'$secrets',
	'$workflow',
	'$execution',
	'$now',
	'$today',
]);

/**
 * Whether 'Time Zone' is an expression that may read the item, so that each item may give its own zone (a
 * site's): any but `$vars`, `$env`, `$secrets`, `$workflow`, `$execution`, `$now` and `$today` may
 * (`$json`, `$('Sites').item`, `$node`, `$itemIndex` …). One that reads none of the others
 * (`{{ $vars.centreTimeZone }}`) is the same for every item and is read once: n8n takes about 0.3 ms to
 * evaluate an expression, 20 s for 67,000 items.
 */
function timeZonePerItem(context: IExecuteFunctions): boolean {
	const raw = context.getNode().parameters.timeZone;
	if (typeof raw !== 'string' || !raw.startsWith('=')) return false;
	const variables = raw.match(/\$[A-Za-z_]*/g) ?? [];
	return variables.some((variable) => !SAME_FOR_EVERY_ITEM.has(variable));
}

/**
 * The time zone a 'Time Zone' value names (empty: the workflow's); one that is not an IANA zone is an error,
 * which names the item when the value is the item's own (`item`).
 */
function checkedTimeZone(context: IExecuteFunctions, value: unknown, item?: number): string {
	if (value === undefined || value === null) {
		throw new NodeOperationError(
			context.getNode(),
			`'Time Zone' gives no value for item ${item ?? 0}: the field its expression reads is missing there. Give every item its zone (e.g. with an Edit Fields node), or set an IANA name such as Europe/London.`,
			{ itemIndex: item ?? 0 },
		);
	}
	const parameter = String(value).trim();
	const zone = parameter === '' ? context.getTimezone() : parameter;
	if (!isValidTimeZone(zone)) {
		throw new NodeOperationError(
			context.getNode(),
			`Time zone '${zone}'${item === undefined ? '' : ` of item ${item}`} is not an IANA time zone. Set 'Time Zone' to a name such as Europe/London or America/New_York.`,
			item === undefined ? {} : { itemIndex: item },
		);
	}
	return zone;
}

/**
 * Work (see `Steps`) of one evaluation of an expression by n8n: about 70 µs (n8n-workflow 2.41), so the clock
 * is read every 100 items, some 7 ms apart.
 */
const EXPRESSION_WORK = 10;

/**
 * Each item's time zone when 'Time Zone' is an expression (`{{ $json.siteTimeZone }}`), evaluated for every
 * item with pauses for the event loop (see `Pacer`); `undefined` when it is not: the one zone of
 * `readParameters` is every item's, read once.
 */
export async function readItemTimeZones(
	context: IExecuteFunctions,
	itemCount: number,
	pace: Pacer,
): Promise<string[] | undefined> {
	if (!timeZonePerItem(context)) return undefined;
	const zones: string[] = [];
	// Each value checked once; its items share one string. One zone written two ways (America/Chicago and
	// america/chicago, UTC and Etc/UTC) is one zone, by the way it was first written.
	const checked = new Map<unknown, string>();
	const firstWritten = new Map<string, string>();
	for (let item = 0; item < itemCount; item++) {
		const value = context.getNodeParameter('timeZone', item, '');
		let zone = checked.get(value);
		if (zone === undefined) {
			const given = checkedTimeZone(context, value, item);
			const key = timeZoneKey(given);
			zone = firstWritten.get(key) ?? given;
			firstWritten.set(key, zone);
			checked.set(value, zone);
		}
		zones.push(zone);
		if (pace.due(EXPRESSION_WORK)) await pace.pause();
	}
	return zones;
}

/**
 * The metric fields that alert one way only (Options › Alert Only When Rising / Falling); a field named in
 * both is an error.
 */
function readAlertDirections(
	node: INode,
	options: IDataObject,
): ReadonlyMap<string, AlertDirection> | undefined {
	const rising = fieldList(String(options.alertRisingOnly ?? ''));
	const falling = fieldList(String(options.alertFallingOnly ?? ''));
	const both = rising.find((field) => falling.includes(field));
	if (both !== undefined) {
		throw new NodeOperationError(
			node,
			`'${both}' is in both 'Alert Only When Rising' and 'Alert Only When Falling'. Keep it in one of them, or in neither to alert both ways.`,
		);
	}
	if (rising.length + falling.length === 0) return undefined;
	return new Map<string, AlertDirection>([
		...rising.map((field): [string, AlertDirection] => [field, 'rises']),
		...falling.map((field): [string, AlertDirection] => [field, 'falls']),
	]);
}

/** Reads and checks the Goals: each names a metric field, a finite goal, buckets in a row and a critical value beyond the goal. */
function readGoals(context: IExecuteFunctions): Goal[] {
	const node = context.getNode();
	const entries = ((context.getNodeParameter('goals', 0, {}) as IDataObject).goal ??
		[]) as IDataObject[];
	return entries.map((entry, k) => {
		const where = `Goals › Goal ${k + 1}`;
		const metric = String(entry.metric ?? '').trim();
		const direction = entry.direction === 'atMost' ? 'atMost' : 'atLeast';
		const value = Number(entry.value);
		const forBuckets = Number(entry.forBuckets ?? 1);
		const criticalText = String(entry.criticalValue ?? '').trim();
		const criticalValue = criticalText === '' ? undefined : Number(criticalText);
		if (metric === '')
			throw new NodeOperationError(
				node,
				`${where}: 'Metric Field' is empty. Set it to a metric field of the items, e.g. service_level_pct.`,
			);
		if (!Number.isFinite(value))
			throw new NodeOperationError(
				node,
				`${where}: 'Goal' is ${String(entry.value)}. Use a number in the metric's unit, e.g. 80.`,
			);
		if (!Number.isInteger(forBuckets) || forBuckets < 1) {
			throw new NodeOperationError(
				node,
				`${where}: 'For Buckets' is ${String(entry.forBuckets)}. Use a whole number of at least 1.`,
			);
		}
		if (
			criticalValue !== undefined &&
			!(
				Number.isFinite(criticalValue) &&
				(direction === 'atLeast' ? criticalValue < value : criticalValue > value)
			)
		) {
			throw new NodeOperationError(
				node,
				`${where}: 'Critical Beyond' is ${criticalText}. Use a number ${direction === 'atLeast' ? 'below' : 'above'} the goal of ${value}, or leave it empty.`,
			);
		}
		return {
			metric,
			direction,
			value,
			forBuckets,
			...(criticalValue === undefined ? {} : { criticalValue }),
		};
	});
}

/** Reads Options › Business Hours; a text that is not hours is an error that shows how to write them. */
function readBusinessHours(context: IExecuteFunctions, text: string): BusinessHours | undefined {
	const hours = parseBusinessHours(text);
	if (hours && 'problem' in hours) {
		throw new NodeOperationError(context.getNode(), `'Business Hours': ${String(hours.problem)}.`);
	}
	return hours as BusinessHours | undefined;
}
