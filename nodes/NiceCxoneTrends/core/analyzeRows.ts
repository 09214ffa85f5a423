import type { BusinessHours } from './businessHours';
import { withinBusinessHours } from './businessHours';
import {
	bucketEndMs,
	calendarStepOf,
	gridBucketCount,
	itemsCalendar,
	lastBucketOverBy,
} from './calendar';
import type { Detection } from './detection';
import type { Goal, GoalEpisode } from './goals';
import { goalEpisodes } from './goals';
import type { AlertDirection, AnalysisSettings } from './analyzeSeries';
import { analyzePoints, type PointsAnalysis } from './analyzePoints';
import { contactsOfPercents, type ContactNoise } from './detectors/contactNoise';
import { DAY_MS, HOUR_MS } from '../../shared/core/time';
import { ROWS_PER_STEP, runStepsNow, type Steps } from '../../shared/core/steps';
import {
	SeriesInputError,
	defaultGroupByFields,
	defaultMetricFields,
	detectBucketMs,
	surveyFields,
	gridTimes,
	groupRows,
	missingMeansZero,
	ownField,
	parseMetricValue,
	type MissingBuckets,
	type Row,
	type RowGroup,
} from './series';

/** How rows become series, on top of the analysis settings. */
export interface RowsConfig {
	timestampField: string;
	/** Group-by fields; `undefined` = the query node's dimension fields present in the rows. */
	groupBy?: readonly string[];
	/** Metric fields; `undefined` = every numeric field except the timestamp and group-by fields. */
	metrics?: readonly string[];
	/** Bucket spacing in ms; `undefined` = detected (most common positive gap). */
	bucketMs?: number;
	missingBuckets: MissingBuckets;
	/**
	 * Field with the contacts behind each row (e.g. `count_sum`), used to judge rates (`*_pct`) and averages
	 * (`*_avg`) by their sampling noise; `undefined` = `count_sum` when the rows carry it, `''` = none.
	 */
	countField?: string;
	/** Goals per metric field, judged beside the anomaly test. */
	goals?: readonly Goal[];
	/** Metric fields whose deviations alert one way only (see `AlertDirection`); the others alert both ways. */
	alertDirections?: ReadonlyMap<string, AlertDirection>;
	/** Hours in each series' time zone outside which nothing alerts; undefined = all hours. */
	businessHours?: BusinessHours;
	/**
	 * When the node runs (UTC ms): a row whose bucket is not over by then (its time plus the bucket spacing
	 * is later) is left out, counted in its series' `unfinishedRows`: the current quarter hour of a query
	 * that ends now holds only part of its contacts. `undefined` = every row is judged.
	 */
	nowMs?: number;
	/**
	 * The time (UTC ms) up to which the rows are complete: the query ends then (Today, an intraday check).
	 * Every zone's grid runs to the last bucket over by then (and by `nowMs`), so that the buckets after a
	 * series' last row mean what a missing bucket means (no contacts for a volume): the query returns no row
	 * for a bucket without contacts, and a centre (every series of the items) silent since 08:00 would
	 * otherwise end its series before the outage. `undefined` = the grid ends with the last row.
	 */
	dataUntilMs?: number;
	/** The settings of every series; its `timeZone` is the items' unless each has its own (`itemTimeZones`). */
	settings: AnalysisSettings;
}

/** The query node's field with the contacts of each row. */
const DEFAULT_COUNT_FIELD = 'count_sum';

/** How a metric's noise depends on its contacts, from the query node's `<metric>_<aggregation>` name. */
function contactNoiseOf(metric: string): ContactNoise | undefined {
	if (metric.endsWith('_pct')) return 'percent';
	// Handle, talk, hold, after-call-work and queue times, and the duration: right-skewed (see durationRiseScore).
	if (metric.endsWith('_time_avg') || metric === 'duration_avg') return 'duration';
	if (metric.endsWith('_avg')) return 'mean';
	return undefined;
}

/** One analysed series: one group-by combination × one metric. */
export interface SeriesResult extends PointsAnalysis {
	/** Values of the group-by fields. */
	groupValues: Record<string, string | number | boolean | null>;
	metric: string;
	/** Input row indices of the series, in input order (parallel to `grid.bucketOfPoint`). */
	rowIndices: number[];
	/** The time zone of its items: of its slots, business hours and sentences. */
	timeZone: string;
	/**
	 * The zone whose calendar its days and months follow (see `itemsCalendar`), where they end: its time zone,
	 * or UTC for items at UTC midnights (`grid.zone`).
	 */
	calendarZone: string;
	/** Whether a bucket without a row was read as 0. */
	missingIsZero: boolean;
	/** The goals of its metric. */
	goals: Goal[];
	/** The episodes in which the series missed one of its metric's goals, on its grid. */
	goalEpisodes: Array<GoalEpisode & { goal: Goal }>;
	/** Items of the series left out because their bucket was not over when the node ran (see `nowMs`). */
	unfinishedRows: number;
}

/** All series of a set of rows, with the choices that were made for them. */
export interface RowsAnalysis {
	groupBy: string[];
	metrics: string[];
	bucketMs: number;
	series: SeriesResult[];
	/** Input indices of the rows left out, their bucket not over when the node ran (see `nowMs`). */
	unfinishedRowIndices: number[];
}

/**
 * Most buckets one series may span (its grid): one series is analysed without a pause, in about half a
 * second at 200,000 hourly buckets (2 vCPU).
 */
export const MAX_SERIES_BUCKETS = 200_000;
/**
 * Most buckets of a day or longer one series may span (27 years of days): on the calendar of a time zone,
 * each costs a look-up of the zone's offset, 200,000 days took 4.9 s.
 */
export const MAX_CALENDAR_BUCKETS = 10_000;
/** Most buckets all series together may span: bounds the node's memory (about 70 bytes a bucket). */
export const MAX_TOTAL_BUCKETS = 5_000_000;
/** Most series (groups × metrics): each costs about 4 KB beside its buckets, and a million crashed n8n. */
export const MAX_SERIES = 50_000;
/**
 * Largest size of a value the node analyses. Past about 1e150 the squares its spreads and fits sum run to
 * infinity: a series at 1e200 had an infinite scale at every bucket and never alerted.
 */
export const MAX_VALUE_MAGNITUDE = 1e100;
/** What a series costs beyond its buckets, as work (see `Steps`): 240,000 series of one bucket took 13.7 s. */
const SERIES_COST = 100;

/** The grid the series of one time zone share. */
interface ZoneGrid {
	/** The settings with the zone as their time zone (slots, business hours, sentences). */
	settings: AnalysisSettings;
	/** The zone whose calendar its days or months follow (see `itemsCalendar`). */
	calendarZone: string;
	gridStartMs: number;
	gridEndMs: number;
	bucketCount: number;
	/** Its bucket starts, made once for all its series when they follow the calendar. */
	gridTimesMs?: Float64Array;
}

/** What `analyzeRows` decided before analysing: the series to make and the grid of each time zone. */
interface RowsPlan {
	groupBy: string[];
	metrics: string[];
	groups: RowGroup[];
	bucketMs: number;
	/** The grid of each group's time zone (`RowGroup.timeZone`). */
	grids: Map<string, ZoneGrid>;
	countField: string;
	/** Rows left out per group key, their bucket not over when the node ran. */
	unfinishedRows: Map<string, number>;
	/** Their input indices. */
	unfinishedRowIndices: number[];
}

/** The groups of each time zone, the zones in order of their first group. */
function groupsByZone(groups: readonly RowGroup[]): Map<string, RowGroup[]> {
	const byZone = new Map<string, RowGroup[]>();
	for (const group of groups) {
		const zoneGroups = byZone.get(group.timeZone);
		if (zoneGroups) zoneGroups.push(group);
		else byZone.set(group.timeZone, [group]);
	}
	return byZone;
}

/**
 * Checks the rows and the configuration and plans the series; throws {@link SeriesInputError}. In steps
 * (see {@link analyzeRowsSteps}).
 */
function* planSeries(
	rows: readonly Row[],
	config: RowsConfig,
	itemTimeZones?: readonly string[],
): Steps<RowsPlan> {
	const survey = yield* surveyFields(rows);
	const groupBy = config.groupBy ? [...config.groupBy] : defaultGroupByFields(survey);
	const metrics = config.metrics
		? [...config.metrics]
		: defaultMetricFields(survey, config.timestampField, groupBy);
	const absentMetric = metrics.find((field) => !survey.present.has(field));
	if (absentMetric !== undefined) {
		throw new SeriesInputError(
			`Metric field '${absentMetric}' is not in any item. Check 'Metric Fields' against the incoming fields.`,
			'metrics',
		);
	}
	if (rows.length > 0 && metrics.length === 0) {
		throw new SeriesInputError(
			"No numeric metric field found in the items. Set 'Metric Fields' to the fields to analyse.",
			'metrics',
		);
	}
	const { timeZone } = config.settings;
	const allGroups = yield* groupRows(
		rows,
		config.timestampField,
		groupBy,
		itemTimeZones ? (index) => itemTimeZones[index] : () => timeZone,
		Math.floor(MAX_SERIES / metrics.length),
		(groups) => tooManySeries(`at least ${(groups + 1) * metrics.length}`),
	);
	const countField =
		config.countField ?? (survey.present.has(DEFAULT_COUNT_FIELD) ? DEFAULT_COUNT_FIELD : '');
	if (countField !== '' && rows.length > 0 && !survey.present.has(countField)) {
		throw new SeriesInputError(
			`Contact Count Field '${countField}' is not in any item. Set it to the field with each item's contacts (count_sum from the query node), or empty it to judge rates and averages without counts.`,
			'countField',
		);
	}
	// The spacing is the items' own, whatever their zones.
	let bucketMs = config.bucketMs ?? detectBucketMs(allGroups);
	if (!Number.isFinite(bucketMs)) bucketMs = config.bucketMs ?? 3_600_000;
	// The calendar each zone's items' days or months follow (the zone, or UTC), and months told from four
	// weeks by the items themselves.
	const zones = [...groupsByZone(allGroups)].map(([zone, groups]) => {
		const times = groups.flatMap((group) => group.timesMs);
		return {
			zone,
			times,
			calendar: itemsCalendar(times, bucketMs, zone, config.bucketMs === undefined),
		};
	});
	const disagreeing = zones.find(
		({ calendar }) => calendar.bucketMs !== zones[0].calendar.bucketMs,
	);
	if (disagreeing) {
		const [months, weeks] =
			disagreeing.calendar.bucketMs > zones[0].calendar.bucketMs
				? [disagreeing, zones[0]]
				: [zones[0], disagreeing];
		throw new SeriesInputError(
			`The items are 28 days apart: months on the calendar of ${months.zone} (they start its months) and four weeks on that of ${weeks.zone}. Set 'Bucket Minutes' to 40320 for four weeks or 44640 for months.`,
			'bucketMinutes',
		);
	}
	if (zones.length > 0) bucketMs = zones[0].calendar.bucketMs;
	const unfinishedRows = new Map<string, number>();
	const unfinishedRowIndices: number[] = [];
	const { nowMs } = config;
	let groups = allGroups;
	if (nowMs !== undefined) {
		// A Bucket Minutes finer than the items' own spacing does not make their buckets end sooner.
		const detectedMs = config.bucketMs === undefined ? undefined : detectBucketMs(allGroups) || 0;
		const isOverIn = new Map(
			zones.map(({ zone, times, calendar }) => {
				const itemSpacing =
					detectedMs === undefined
						? bucketMs
						: Math.max(bucketMs, itemsCalendar(times, detectedMs, calendar.zone, true).bucketMs);
				return [zone, (t: number) => bucketOver(t, itemSpacing, nowMs, calendar.zone)];
			}),
		);
		groups = finishedOnly(
			allGroups,
			(group) => isOverIn.get(group.timeZone)!,
			unfinishedRows,
			unfinishedRowIndices,
		);
	}
	const grids = new Map<string, ZoneGrid>();
	let seriesCount = 0;
	let totalBuckets = 0;
	let mostBuckets = 0;
	// The same without Data Complete Until, to tell which of the two crossed a limit.
	let itemsTotalBuckets = 0;
	let itemsMostBuckets = 0;
	let firstMs = Infinity;
	let lastMs = -Infinity;
	for (const [zone, zoneGroups] of groupsByZone(groups)) {
		const calendarZone = zones.find((planned) => planned.zone === zone)!.calendar.zone;
		let gridStartMs = Infinity;
		let gridEndMs = -Infinity;
		for (const group of zoneGroups) {
			for (const t of group.timesMs) {
				if (t < gridStartMs) gridStartMs = t;
				if (t > gridEndMs) gridEndMs = t;
			}
		}
		let bucketCount = gridBucketCount(gridStartMs, gridEndMs, bucketMs, calendarZone);
		const itemsBucketCount = bucketCount;
		if (config.dataUntilMs !== undefined) {
			const untilMs = Math.min(config.dataUntilMs, nowMs ?? Infinity);
			const lastOverMs = lastBucketOverBy(gridStartMs, untilMs, bucketMs, calendarZone);
			if (lastOverMs > gridEndMs) {
				gridEndMs = lastOverMs;
				bucketCount = gridBucketCount(gridStartMs, gridEndMs, bucketMs, calendarZone);
			}
		}
		grids.set(zone, {
			settings: zone === timeZone ? config.settings : { ...config.settings, timeZone: zone },
			calendarZone,
			gridStartMs,
			gridEndMs,
			bucketCount,
		});
		seriesCount += zoneGroups.length * metrics.length;
		totalBuckets += zoneGroups.length * metrics.length * bucketCount;
		mostBuckets = Math.max(mostBuckets, bucketCount);
		itemsTotalBuckets += zoneGroups.length * metrics.length * itemsBucketCount;
		itemsMostBuckets = Math.max(itemsMostBuckets, itemsBucketCount);
		firstMs = Math.min(firstMs, gridStartMs);
		lastMs = Math.max(lastMs, gridEndMs);
	}
	const seriesBuckets = calendarStepOf(bucketMs) ? MAX_CALENDAR_BUCKETS : MAX_SERIES_BUCKETS;
	const overLimits = (most: number, total: number) =>
		most > seriesBuckets || total > MAX_TOTAL_BUCKETS;
	// Data Complete Until is named where it made the span more than twice the items' own.
	if (
		overLimits(mostBuckets, totalBuckets) &&
		!overLimits(itemsMostBuckets, itemsTotalBuckets) &&
		totalBuckets > 2 * itemsTotalBuckets
	) {
		const limit =
			mostBuckets > seriesBuckets
				? `${seriesBuckets.toLocaleString('en-US')} buckets a series`
				: `${MAX_TOTAL_BUCKETS.toLocaleString('en-US')} buckets in all`;
		throw new SeriesInputError(
			`'Data Complete Until' runs the items' series to ${isoText(lastMs)}: ${seriesCount.toLocaleString('en-US')} series of up to ${mostBuckets.toLocaleString('en-US')} buckets of ${bucketMs / 60_000} minutes from ${isoText(firstMs)}, more than the ${limit} the node analyses. ` +
				'Set it to the end of the query, or leave it empty for a range that ended before the run.',
			'dataUntil',
		);
	}
	if (overLimits(mostBuckets, totalBuckets)) {
		throw new SeriesInputError(
			`The items make ${seriesCount} series of ${grids.size > 1 ? 'up to ' : ''}${mostBuckets} buckets of ${bucketMs / 60_000} minutes each, from ${isoText(firstMs)} to ${isoText(lastMs)}; the node analyses at most ` +
				`${seriesBuckets.toLocaleString('en-US')} buckets a series and ${MAX_TOTAL_BUCKETS.toLocaleString('en-US')} in all. ` +
				"Shorten the time range (an item far from the others stretches it), group by fewer fields, name fewer 'Metric Fields', or set 'Bucket Minutes' to a coarser spacing.",
			'bucketMinutes',
		);
	}
	// Made only once the limits hold: a grid's bucket starts cost a look-up of the zone's offset each.
	if (calendarStepOf(bucketMs))
		for (const grid of grids.values())
			grid.gridTimesMs = gridTimes(grid.gridStartMs, grid.bucketCount, bucketMs, grid.calendarZone);
	const readsCounts =
		countField !== '' && metrics.some((metric) => contactNoiseFor(metric, countField));
	yield* checkValues(rows, groups, metrics, readsCounts ? countField : '');
	return {
		groupBy,
		metrics,
		groups,
		bucketMs,
		grids,
		countField,
		unfinishedRows,
		unfinishedRowIndices,
	};
}

/** A time as ISO-8601 text, or as its milliseconds when no date can hold it. */
function isoText(timeMs: number): string {
	const date = new Date(timeMs);
	return Number.isNaN(date.getTime()) ? `${timeMs} ms` : date.toISOString();
}

/** The error for more than MAX_SERIES series (`series`: how many, in words). */
function tooManySeries(series: string): SeriesInputError {
	return new SeriesInputError(
		`The items make ${series} series (groups × metrics); the node analyses at most ${MAX_SERIES.toLocaleString('en-US')}. ` +
			"Group by fewer fields, name fewer 'Metric Fields', or split the items (e.g. with a Loop Over Items node).",
		'groupBy',
	);
}

/**
 * Whether the bucket of `bucketMs` starting at `t` is over at `nowMs`: when the next bucket starts (see
 * `bucketEndMs`: buckets of whole days end at the local midnight `bucketMs` days on, a day of 25 hours when
 * the clocks go back; month buckets, whose spacing is detected as their most common gap, a month on).
 */
function bucketOver(t: number, bucketMs: number, nowMs: number, zone: string): boolean {
	const step = calendarStepOf(bucketMs);
	// Clearly over: no calendar work for most rows (a clock change moves a day's end by at most two hours,
	// as Antarctica/Troll's).
	if (step?.unit !== 'months' && t + bucketMs + 3 * HOUR_MS <= nowMs) return true;
	if (step === undefined) return t + bucketMs <= nowMs;
	return bucketEndMs(t, bucketMs, zone) <= nowMs;
}

/**
 * The groups with only their rows whose bucket is over (`isOverIn` the group); the rows left out are
 * counted per group key in `leftOut` and their indices pushed to `leftOutIndices`. A group with none left
 * is dropped.
 */
function finishedOnly(
	groups: readonly RowGroup[],
	isOverIn: (group: RowGroup) => (t: number) => boolean,
	leftOut: Map<string, number>,
	leftOutIndices: number[],
): RowGroup[] {
	const kept: RowGroup[] = [];
	for (const group of groups) {
		const finished = group.timesMs.map(isOverIn(group));
		const left = finished.filter((isFinished) => !isFinished).length;
		if (left === 0) {
			kept.push(group);
			continue;
		}
		leftOut.set(group.key, left);
		group.rowIndices.forEach((index, j) => {
			if (!finished[j]) leftOutIndices.push(index);
		});
		if (left < finished.length)
			kept.push({
				...group,
				rowIndices: group.rowIndices.filter((_, j) => finished[j]),
				timesMs: group.timesMs.filter((_, j) => finished[j]),
			});
	}
	return kept;
}

/**
 * Refuses, before any series is analysed, a value of the `metrics` or of `countField` (none when empty) in
 * the rows the `groups` hold that is larger in size than MAX_VALUE_MAGNITUDE: the first such item is named
 * (its first such field in the item's own order), with the setting it came through. Each row's own fields
 * are looked at once, in steps (see `Steps`): one for every ROWS_PER_STEP rows.
 */
function* checkValues(
	rows: readonly Row[],
	groups: readonly RowGroup[],
	metrics: readonly string[],
	countField: string,
): Steps<void> {
	type Setting = { field: 'metrics' | 'countField'; names: string };
	const settings = new Map<string, Setting>(
		metrics.map((metric) => [metric, { field: 'metrics', names: "'Metric Fields'" }]),
	);
	if (countField !== '')
		settings.set(countField, {
			field: 'countField',
			names: settings.has(countField)
				? "'Metric Fields' and 'Contact Count Field'"
				: "'Contact Count Field'",
		});
	const held = new Uint8Array(rows.length);
	for (const group of groups) for (const index of group.rowIndices) held[index] = 1;
	for (let index = 0; index < rows.length; index++) {
		if (index > 0 && index % ROWS_PER_STEP === 0) yield ROWS_PER_STEP;
		if (held[index] === 0) continue;
		for (const field of Object.getOwnPropertyNames(rows[index])) {
			const setting = settings.get(field);
			if (setting === undefined) continue;
			const raw = rows[index][field];
			const value = parseMetricValue(raw);
			if (Math.abs(value) > MAX_VALUE_MAGNITUDE)
				throw new SeriesInputError(
					`Field '${field}' in item ${index} holds ${typeof raw === 'string' ? raw.trim().slice(0, 100) : value}, larger in size than the ${MAX_VALUE_MAGNITUDE} the node analyses. Divide it by a power of ten before this node (e.g. in an Edit Fields node), or take it out of ${setting.names}.`,
					setting.field,
					index,
				);
		}
	}
}

/** The values of `field` in a group's rows (`NaN` = no value; see `checkValues` for their size). */
function valuesOf(rows: readonly Row[], group: RowGroup, field: string): number[] {
	return group.rowIndices.map((index) => parseMetricValue(ownField(rows[index], field)));
}

/** How the sampling noise of `metric` follows its contacts, read from `countField`; none for that field itself. */
function contactNoiseFor(metric: string, countField: string): ContactNoise | undefined {
	return metric !== countField ? contactNoiseOf(metric) : undefined;
}

/**
 * Analyses one group's metric on the grid of its time zone, in that zone; `groupCounts` gives the group's
 * values of the count field (read once for all its rates and averages).
 */
function analyseSeries(
	rows: readonly Row[],
	config: RowsConfig,
	plan: RowsPlan,
	group: RowGroup,
	metric: string,
	groupCounts: () => number[],
): SeriesResult {
	const values = valuesOf(rows, group, metric);
	const missingIsZero = missingMeansZero(metric, config.missingBuckets);
	const noise = contactNoiseFor(metric, plan.countField);
	const contacts =
		plan.countField !== ''
			? noise && {
					counts: groupCounts(),
					noise,
				}
			: noise === 'percent'
				? { counts: contactsOfPercents(values), noise, read: true }
				: (noise === 'mean' || noise === 'duration') && plan.bucketMs >= DAY_MS
					? // A day is judged against a handful of days (a Sunday against its last four): their spread is a
						// guess, so the spread its own days have shown is the least.
						{ counts: values.map(() => 1), noise: 'ownSpread' as const }
					: noise && { counts: values.map(() => NaN), noise };
	const zoneGrid = plan.grids.get(group.timeZone)!;
	const direction = config.alertDirections?.get(metric);
	const settings = direction
		? { ...zoneGrid.settings, alertDirection: direction }
		: zoneGrid.settings;
	const analysed = analyzePoints(group.timesMs, values, settings, {
		contacts,
		bucketMs: plan.bucketMs,
		missingIsZero,
		duplicates: missingIsZero ? 'sum' : 'mean',
		gridStartMs: zoneGrid.gridStartMs,
		gridEndMs: zoneGrid.gridEndMs,
		calendarZone: zoneGrid.calendarZone,
		gridTimesMs: zoneGrid.gridTimesMs,
	});
	const { businessHours } = config;
	const zone = group.timeZone;
	const inHours = businessHours && ((ms: number) => withinBusinessHours(ms, businessHours, zone));
	if (inHours) moveAlertsIntoHours(analysed.analysis.detection, analysed.grid.timesMs, inHours);
	// Outside business hours a goal is neither missed nor met.
	const { grid } = analysed;
	const goalValues = inHours
		? grid.values.map((value, b) => (inHours(grid.timesMs[b]) ? value : NaN))
		: grid.values;
	const goalEpisodesOf = (goal: Goal) =>
		goalEpisodes(goalValues, goal).map((episode) => ({ ...episode, goal }));
	const goals = (config.goals ?? []).filter((goal) => goal.metric === metric);
	return {
		...analysed,
		groupValues: group.groupValues,
		metric,
		rowIndices: group.rowIndices,
		timeZone: group.timeZone,
		calendarZone: zoneGrid.calendarZone,
		missingIsZero,
		goals,
		goalEpisodes: goals.flatMap(goalEpisodesOf),
		unfinishedRows: plan.unfinishedRows.get(group.key) ?? 0,
	};
}

/**
 * Business hours for anomalies: an alert outside them is not raised; an episode that began outside them
 * and is still going on when they open raises its alert then, at its first bucket within them.
 */
function moveAlertsIntoHours(
	detection: Detection,
	timesMs: ArrayLike<number>,
	inHours: (ms: number) => boolean,
): void {
	const { alert, episode } = detection;
	let waiting = 0;
	for (let b = 0; b < alert.length; b++) {
		const open = inHours(timesMs[b]);
		if (alert[b] === 1 && !open) {
			alert[b] = 0;
			waiting = episode[b];
		} else if (waiting !== 0 && episode[b] !== waiting) waiting = 0;
		else if (waiting !== 0 && open) {
			alert[b] = 1;
			waiting = 0;
		}
	}
}

/**
 * Splits rows into series (one per group-by combination and metric), places each on the common grid of the
 * rows of its time zone (so a group with no row in the last buckets shows them as missing) and analyses it
 * in that zone: its rows' own (`itemTimeZones`, parallel to `rows`), else the settings'. Several rows of one
 * series in one bucket are summed where a missing bucket means zero (counts, sums) and averaged otherwise.
 * Throws {@link SeriesInputError} for a missing or unreadable timestamp, an unknown metric field, no metric,
 * a group whose rows are in two time zones, more series than {@link MAX_SERIES}, more buckets than
 * {@link MAX_SERIES_BUCKETS} (days and longer: {@link MAX_CALENDAR_BUCKETS}) / {@link MAX_TOTAL_BUCKETS}, or a
 * value larger in size than {@link MAX_VALUE_MAGNITUDE}.
 */
export function analyzeRows(
	rows: readonly Row[],
	config: RowsConfig,
	itemTimeZones?: readonly string[],
): RowsAnalysis {
	return runStepsNow(analyzeRowsSteps(rows, config, itemTimeZones));
}

/**
 * {@link analyzeRows} in steps (see `Steps`), for the node to hand the event loop back between them (a
 * queue-mode worker whose loop is blocked loses its job): a step for every thousand items surveyed for their
 * fields, grouped, and checked (see `checkValues`), and one after each series analysed, its work its buckets
 * and SERIES_COST.
 */
export function* analyzeRowsSteps(
	rows: readonly Row[],
	config: RowsConfig,
	itemTimeZones?: readonly string[],
): Steps<RowsAnalysis> {
	const plan = yield* planSeries(rows, config, itemTimeZones);
	const series: SeriesResult[] = [];
	for (const group of plan.groups) {
		const { bucketCount } = plan.grids.get(group.timeZone)!;
		let counts: number[] | undefined;
		const groupCounts = () => (counts ??= valuesOf(rows, group, plan.countField));
		for (const metric of plan.metrics) {
			series.push(analyseSeries(rows, config, plan, group, metric, groupCounts));
			yield bucketCount + SERIES_COST;
		}
	}
	return {
		groupBy: plan.groupBy,
		metrics: plan.metrics,
		bucketMs: plan.bucketMs,
		series,
		unfinishedRowIndices: plan.unfinishedRowIndices,
	};
}
