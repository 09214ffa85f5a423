import { DAY_MS, HOUR_MS } from '../../shared/core/time';
import type { RowsAnalysis, SeriesResult } from './analyzeRows';
import { bucketEndMs, calendarStepOf, localDaysBeforeMs } from './calendar';
import { anomalyTypeName } from './detection';
import {
	bucketTimePhrase,
	describeAnomaly,
	describeGoal,
	durationPhrase,
	formatNumber,
	roundOrNull,
	seriesLabel,
	seriesSubject,
} from './describe';
import { parseMetricValue, type RegularSeries, type Row } from './series';
import { runStepsNow, type Steps } from '../../shared/core/steps';

/** An output record: its JSON and the input rows it comes from (for pairing). */
export interface OutputRecord {
	json: Record<string, unknown>;
	rowIndices: number[];
}

/** Decimal places of values in the output (metric units) and of scores (robust standard deviations). */
const VALUE_DECIMALS = 4;
const SCORE_DECIMALS = 2;

/**
 * Status of one bucket: judged with a value, judged without one, before enough history, or `unfinished`
 * (not over when the node ran, so left out: see `nowMs`).
 */
export type BucketStatus = 'ok' | 'no_value' | 'insufficient_history' | 'unfinished';

/** The per-bucket analysis fields of a series, as they appear on annotated items and anomaly items. */
export function bucketFields(series: SeriesResult, bucket: number): Record<string, unknown> {
	const { detection, trend } = series.analysis;
	const value = series.grid.values[bucket];
	const expected = detection.expected[bucket];
	const judged = detection.judged[bucket] === 1;
	const status: BucketStatus = !judged
		? 'insufficient_history'
		: Number.isFinite(value)
			? 'ok'
			: 'no_value';
	return {
		metric: series.metric,
		value: roundOrNull(value, VALUE_DECIMALS),
		expected: roundOrNull(expected, VALUE_DECIMALS),
		expectedSpread: roundOrNull(detection.scale[bucket], VALUE_DECIMALS),
		deviation: roundOrNull(value - expected, VALUE_DECIMALS),
		score: roundOrNull(detection.score[bucket], SCORE_DECIMALS),
		isAnomaly: detection.alert[bucket] === 1,
		inAnomalyEpisode: detection.episode[bucket] > 0,
		anomalyType: anomalyTypeName(detection.anomalyType[bucket]),
		status,
		movingAverage: roundOrNull(trend.movingAverage[bucket], VALUE_DECIMALS),
		trendDirection: trend.direction,
		trendSlopePerDay: roundOrNull(trend.slopePerDay, VALUE_DECIMALS),
		trendPercentChange: roundOrNull(trend.percentChange, 2),
	};
}

/**
 * Annotate mode: one record per input row and analysed metric (input order, then metric order): the
 * row's own fields plus {@link bucketFields} of its bucket. A row that shares its bucket with others
 * carries the combined bucket's analysis. Made one record at a time, so the node can pause between them.
 */
export function* annotatedRecords(
	rows: readonly Row[],
	analysis: RowsAnalysis,
): Generator<OutputRecord, void, void> {
	// Each row's series and bucket, in series order: flat arrays, the row's from rowStart[row] on.
	const rowStart = new Int32Array(rows.length + 1);
	for (const series of analysis.series)
		for (const rowIndex of series.rowIndices) rowStart[rowIndex + 1]++;
	for (let row = 0; row < rows.length; row++) rowStart[row + 1] += rowStart[row];
	const seriesOf = new Int32Array(rowStart[rows.length]);
	const bucketOf = new Int32Array(rowStart[rows.length]);
	const next = rowStart.slice(0, rows.length);
	analysis.series.forEach((series, s) => {
		const { bucketOfPoint } = series.grid;
		series.rowIndices.forEach((rowIndex, k) => {
			const at = next[rowIndex]++;
			seriesOf[at] = s;
			bucketOf[at] = bucketOfPoint[k];
		});
	});
	const unfinished = new Set(analysis.unfinishedRowIndices);
	for (let rowIndex = 0; rowIndex < rows.length; rowIndex++) {
		const row = rows[rowIndex];
		for (let at = rowStart[rowIndex]; at < rowStart[rowIndex + 1]; at++)
			yield {
				json: withFields(row, bucketFields(analysis.series[seriesOf[at]], bucketOf[at])),
				rowIndices: [rowIndex],
			};
		// Left out, not lost: the row comes through with its values, judged by nothing.
		if (unfinished.has(rowIndex))
			for (const metric of analysis.metrics)
				yield { json: withFields(row, unfinishedFields(row, metric)), rowIndices: [rowIndex] };
	}
}

/**
 * `{ ...row, ...fields }`, made about twenty times faster (Node 20 spreads an object's fields into a new one
 * slowly): Object.assign, except for a row with a field of its own named `__proto__` (JSON can make one),
 * which assigning would turn into the copy's prototype; a spread defines it as a field.
 */
function withFields(row: Row, fields: Record<string, unknown>): Record<string, unknown> {
	if (Object.prototype.hasOwnProperty.call(row, '__proto__')) return { ...row, ...fields };
	return Object.assign({}, row, fields);
}

/** {@link annotatedRecords}, all at once. */
export function annotateRecords(rows: readonly Row[], analysis: RowsAnalysis): OutputRecord[] {
	return [...annotatedRecords(rows, analysis)];
}

/**
 * {@link bucketFields} of a row whose bucket was not over when the node ran: its value, nothing judged (the
 * same fields, each empty; a test holds the two lists together).
 */
function unfinishedFields(row: Row, metric: string): Record<string, unknown> {
	return {
		metric,
		value: roundOrNull(parseMetricValue(row[metric]), VALUE_DECIMALS),
		expected: null,
		expectedSpread: null,
		deviation: null,
		score: null,
		isAnomaly: false,
		inAnomalyEpisode: false,
		anomalyType: null,
		status: 'unfinished' satisfies BucketStatus,
		movingAverage: null,
		trendDirection: null,
		trendSlopePerDay: null,
		trendPercentChange: null,
	};
}

/**
 * The rows a record of each of `buckets` pairs with: the series' rows in that bucket (input order); a
 * bucket without rows pairs with the last row of the series' nearest earlier bucket that has rows (the
 * series' first row before any). Only the buckets asked for are mapped: a series may span a million
 * buckets and alert in a few.
 */
function rowsOfBuckets(series: SeriesResult, buckets: readonly number[]): Map<number, number[]> {
	const { rowCount, bucketOfPoint } = series.grid;
	const rows = new Map<number, number[]>();
	for (const b of buckets) rows.set(b, []);
	// An empty bucket's row: the last of its nearest earlier bucket with rows (-1: none before it).
	const empty = [...rows.keys()].filter((b) => rowCount[b] === 0).sort((a, b) => a - b);
	const sourceOf = new Map<number, number>();
	const lastRowOf = new Map<number, number>();
	let source = -1;
	let b = 0;
	for (const bucket of empty) {
		for (; b < bucket; b++) if (rowCount[b] > 0) source = b;
		sourceOf.set(bucket, source);
		if (source >= 0) lastRowOf.set(source, -1);
	}
	series.rowIndices.forEach((rowIndex, k) => {
		const bucket = bucketOfPoint[k];
		rows.get(bucket)?.push(rowIndex);
		if (lastRowOf.has(bucket)) lastRowOf.set(bucket, rowIndex);
	});
	for (const [bucket, from] of sourceOf)
		rows.get(bucket)!.push(from < 0 ? series.rowIndices[0] : lastRowOf.get(from)!);
	return rows;
}

/**
 * Where bucket `b` of a grid ends: the next bucket's start; for the last one, see `bucketEndMs` (on the
 * grid's own calendar).
 */
function endOfBucket(grid: RegularSeries, b: number): number {
	const { timesMs, bucketMs } = grid;
	return b + 1 < timesMs.length ? timesMs[b + 1] : bucketEndMs(timesMs[b], bucketMs, grid.zone);
}

/**
 * How long from `startMs` to `endMs` is said: for buckets of days and months in whole days (three local days
 * across the clocks going back are 73 hours, said "3 days"), else as it is.
 */
function lengthMs(startMs: number, endMs: number, bucketMs: number): number {
	const ms = endMs - startMs;
	return calendarStepOf(bucketMs) ? Math.round(ms / DAY_MS) * DAY_MS : ms;
}

/** Buckets from `bucket` to the last anomalous bucket of its episode (calm gaps inside included). */
function episodeBuckets(series: SeriesResult, bucket: number): number {
	const { episode } = series.analysis.detection;
	const id = episode[bucket];
	let last = bucket;
	for (let b = bucket + 1; b < episode.length; b++) {
		if (episode[b] === id) last = b;
		else if (episode[b] > id) break;
	}
	return last - bucket + 1;
}

/**
 * The alerts of one series as records (time order; at one bucket, anomalies before goals), each with a
 * sentence on the series' own calendar (`grid.zone`), made in steps (one a record).
 */
export function* seriesAnomalySteps(series: SeriesResult): Steps<OutputRecord[]> {
	const { grid, analysis } = series;
	const { detection } = analysis;
	const anomalyBuckets: number[] = [];
	for (let b = 0; b < detection.alert.length; b++)
		if (detection.alert[b] === 1) anomalyBuckets.push(b);
	// Goal by goal, each in time order: in time order, a stable sort keeping goals in their order.
	const episodes = [...series.goalEpisodes].sort((a, b) => a.alertIndex - b.alertIndex);
	const rowsOf = rowsOfBuckets(series, [
		...anomalyBuckets,
		...episodes.map((episode) => episode.alertIndex),
	]);
	const label = seriesLabel(series.groupValues);
	const subject = seriesSubject(series.groupValues, series.metric);
	const spanMs = grid.timesMs[grid.timesMs.length - 1] - grid.timesMs[0];
	const records: OutputRecord[] = [];
	yield 1;
	let g = 0;
	for (const b of anomalyBuckets) {
		for (; g < episodes.length && episodes[g].alertIndex < b; g++) {
			records.push(goalRecord(series, episodes[g], label, subject, rowsOf));
			yield 1;
		}
		const length = episodeBuckets(series, b);
		// With hindsight (backfills), an episode that became a level shift is described as one.
		const finalType = anomalyTypeName(detection.anomalyType[b + length - 1]) ?? 'SPIKE';
		const missingBucket = grid.rowCount[b] === 0;
		const message = describeAnomaly({
			subject,
			timePhrase: bucketTimePhrase(grid.timesMs[b], grid.bucketMs, spanMs, grid.zone),
			value: grid.values[b],
			expected: detection.expected[b],
			spread: detection.scale[b],
			type: finalType,
			episodeBuckets: length,
			episodeLength:
				length > 1
					? durationPhrase(
							lengthMs(grid.timesMs[b], endOfBucket(grid, b + length - 1), grid.bucketMs),
						)
					: undefined,
			missingBucket,
		});
		records.push({
			json: {
				series: label,
				...series.groupValues,
				bucketStart: new Date(grid.timesMs[b]).toISOString(),
				...bucketFields(series, b),
				rule: 'anomaly',
				episodeType: finalType,
				episodeBuckets: length,
				missingBucket,
				message,
			},
			rowIndices: rowsOf.get(b)!,
		});
		yield 1;
	}
	for (; g < episodes.length; g++) {
		records.push(goalRecord(series, episodes[g], label, subject, rowsOf));
		yield 1;
	}
	return records;
}

/** The alerts of one series as records (see {@link seriesAnomalySteps}), all at once. */
export function seriesAnomalyRecords(series: SeriesResult): OutputRecord[] {
	return runStepsNow(seriesAnomalySteps(series));
}

/**
 * A missed goal of one series as an alert record: one per episode, at the bucket that raised it, with its
 * start, its end (or `ongoing`), the value furthest from the goal, a severity and a sentence.
 */
function goalRecord(
	series: SeriesResult,
	episode: SeriesResult['goalEpisodes'][number],
	label: string,
	subject: string,
	rowsOf: Map<number, number[]>,
): OutputRecord {
	const { grid } = series;
	const { timesMs, values, bucketMs } = grid;
	const spanMs = timesMs[timesMs.length - 1] - timesMs[0];
	const unit = series.metric.endsWith('_pct') ? ' %' : '';
	const iso = (ms: number) => new Date(ms).toISOString();
	const { goal } = episode;
	const startMs = timesMs[episode.startIndex];
	const endMs =
		episode.recoveredIndex === null
			? endOfBucket(grid, timesMs.length - 1)
			: timesMs[episode.recoveredIndex];
	const message = describeGoal({
		subject,
		direction: goal.direction,
		goal: goal.value,
		startPhrase: bucketTimePhrase(startMs, bucketMs, spanMs, grid.zone),
		length: durationPhrase(lengthMs(startMs, endMs, bucketMs)),
		worst: values[episode.worstIndex],
		recoveredPhrase:
			episode.recoveredIndex === null
				? undefined
				: bucketTimePhrase(endMs, bucketMs, spanMs, grid.zone),
		unit,
	});
	const b = episode.alertIndex;
	return {
		json: {
			series: label,
			...series.groupValues,
			bucketStart: iso(timesMs[b]),
			...bucketFields(series, b),
			rule: 'goal',
			goal: {
				direction: goal.direction,
				value: goal.value,
				forBuckets: goal.forBuckets,
				criticalValue: goal.criticalValue ?? null,
			},
			severity: episode.critical ? 'critical' : 'warning',
			episodeStart: iso(startMs),
			episodeEnd: episode.recoveredIndex === null ? null : iso(endMs),
			ongoing: episode.recoveredIndex === null,
			episodeBuckets: episode.buckets,
			worstValue: roundOrNull(values[episode.worstIndex], VALUE_DECIMALS),
			message,
		},
		rowIndices: rowsOf.get(b)!,
	};
}

/**
 * When a series stopped reporting: its last buckets (at least two, and at least an hour) had no row at all
 * while earlier ones had; `lastDataMs` is the start of its last bucket with a row. Undefined otherwise.
 * At sub-day and DAY buckets only a bucket whose local time had rows a week before counts as silent (a day
 * before in the series' first week): a centre's closed nights and weekends are no silence, though a 24-hour
 * channel beside it, or Data Complete Until, runs the series into them. A bucket with nothing of the series
 * before it to compare counts, as every bucket did before.
 */
export function silentSince(series: SeriesResult): { lastDataMs: number } | undefined {
	const { rowCount, timesMs, bucketMs, zone } = series.grid;
	const first = rowCount.findIndex((rows) => rows > 0);
	// The bucket at the same local time `days` days before bucket `b` (a day of 23 or 25 hours between).
	const daysBefore = (b: number, days: number) =>
		b - Math.round((timesMs[b] - localDaysBeforeMs(timesMs[b], days, zone)) / bucketMs);
	const hadRows = (b: number) => {
		if (bucketMs > DAY_MS) return true;
		const weekBefore = daysBefore(b, 7);
		if (weekBefore >= first) return rowCount[weekBefore] > 0;
		const dayBefore = daysBefore(b, 1);
		return dayBefore < first || rowCount[dayBefore] > 0;
	};
	let b = rowCount.length - 1;
	let silentBuckets = 0;
	for (; b >= 0 && rowCount[b] === 0; b--) if (hadRows(b)) silentBuckets++;
	if (b < 0 || silentBuckets < Math.max(2, Math.round(HOUR_MS / bucketMs))) return undefined;
	return { lastDataMs: timesMs[b] };
}

/**
 * The sentence of a series that stopped reporting (see {@link silentSince}): "Chat volume for grp_002 has
 * sent no data since 21:45 (2.25 h)."; undefined while it reports.
 */
export function noDataMessage(
	series: SeriesResult,
	silence = silentSince(series),
): string | undefined {
	if (!silence) return undefined;
	const { grid } = series;
	const last = grid.values.length - 1;
	const since = bucketTimePhrase(
		silence.lastDataMs,
		grid.bucketMs,
		grid.timesMs[last] - grid.timesMs[0],
		grid.zone,
	).replace(/^(at|on) /, '');
	const length = durationPhrase(
		lengthMs(silence.lastDataMs, endOfBucket(grid, last), grid.bucketMs),
	);
	return `${seriesSubject(series.groupValues, series.metric)} has sent no data since ${since} (${length}).`;
}

/**
 * The summary of one series (see {@link summaryRecords}) from its alert records as
 * {@link seriesAnomalySteps} made them (copied into it, not shared). With `maxAlerts`, its `anomalies`
 * and the sentences of its `message` are its latest `maxAlerts` alerts, and `anomaliesLeftOut` counts the
 * earlier ones (`anomalyCount` counts them all).
 */
export function seriesSummaryRecord(
	series: SeriesResult,
	alerts: readonly OutputRecord[],
	maxAlerts?: number,
): OutputRecord {
	const { grid, analysis: result } = series;
	const { trend } = result;
	const leftOut = maxAlerts === undefined ? 0 : Math.max(0, alerts.length - maxAlerts);
	// Copies, nested goal included: the Anomalies output carries the records themselves.
	const anomalies = alerts.slice(leftOut).map((record) => {
		const copy: Record<string, unknown> = { ...record.json };
		if (copy.goal && typeof copy.goal === 'object')
			copy.goal = { ...(copy.goal as Record<string, unknown>) };
		return copy;
	});
	const last = grid.values.length - 1;
	const subject = seriesSubject(series.groupValues, series.metric);
	const trendText = `trend ${trend.direction.toLowerCase()}${
		Number.isFinite(trend.percentChange)
			? ` (${trend.percentChange >= 0 ? '+' : ''}${formatNumber(trend.percentChange)} % over the window)`
			: ''
	}`;
	const silence = silentSince(series);
	const silenceText = noDataMessage(series, silence);
	let message: string;
	if (result.status === 'no_data') message = `${subject}: no values in the window.`;
	else if (result.status === 'insufficient_history')
		message = `${subject}: not enough history to judge yet (${grid.values.length} buckets); ${trendText}.`;
	else if (alerts.length === 0)
		message = `${subject}: no anomalies in ${result.judgedBuckets} judged buckets; ${trendText}.`;
	else
		message = [
			...(leftOut > 0
				? [`${leftOut} earlier alert${leftOut === 1 ? '' : 's'} not listed here.`]
				: []),
			...anomalies.map((anomaly) => String(anomaly.message)),
			`${subject}: ${trendText}.`,
		].join('\n');
	return {
		json: {
			series: seriesLabel(series.groupValues),
			...series.groupValues,
			metric: series.metric,
			status: result.status,
			buckets: grid.values.length,
			judgedBuckets: result.judgedBuckets,
			bucketMinutes: grid.bucketMs / 60_000,
			firstBucket: new Date(grid.timesMs[0]).toISOString(),
			lastBucket: new Date(grid.timesMs[last]).toISOString(),
			latest: {
				bucketStart: new Date(grid.timesMs[last]).toISOString(),
				...bucketFields(series, last),
			},
			anomalyCount: alerts.length,
			anomalies,
			...(maxAlerts === undefined ? {} : { anomaliesLeftOut: leftOut }),
			trendDirection: trend.direction,
			trendSlopePerDay: roundOrNull(trend.slopePerDay, VALUE_DECIMALS),
			trendPercentChange: roundOrNull(trend.percentChange, 2),
			duplicateBuckets: grid.duplicateBuckets,
			unfinishedRows: series.unfinishedRows,
			reporting: silence ? 'stopped' : 'ok',
			lastDataAt: silence ? new Date(silence.lastDataMs).toISOString() : null,
			message: silenceText ? `${silenceText}\n${message}` : message,
			...(silenceText ? { noDataMessage: silenceText } : {}),
		},
		rowIndices: [...series.rowIndices],
	};
}
