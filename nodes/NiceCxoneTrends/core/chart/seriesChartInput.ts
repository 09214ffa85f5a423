import type { SeriesResult } from '../analyzeRows';
import { DAY_MS } from '../../../shared/core/time';
import { daysBeforeMs, formatLocalTime } from '../calendar';
import { formatNumber, seriesSubject } from '../describe';
import type { SeriesChartInput } from './seriesChart';
import { MAX_LABEL_CHARS, fingerprint } from '../truncate';

/** Days a chart shows unless the node's 'Chart Days' says otherwise. */
export const DEFAULT_CHART_DAYS = 7;

/**
 * What the chart of one analysed series shows: its last `days` days up to bucket `last` (all of them when
 * shorter), the value
 * line, the expected value and the band inside which a bucket raises no alert (expected ± `threshold` ·
 * scale, the detector's own bound, not below zero for a series that never was nor above 100 for a
 * percentage), its alerts and the buckets of their episodes, titled as the messages
 * name the series ("Chat volume for grp_002") and labelled on the calendar its messages use (its time zone,
 * or UTC for daily items at UTC midnights) — dates when the window spans more than two days, times of day
 * otherwise.
 */
export function seriesChartInput(
	series: SeriesResult,
	threshold: number,
	days: number,
	last = series.grid.timesMs.length - 1,
): SeriesChartInput {
	const { timesMs, values, bucketMs } = series.grid;
	const { expected, scale, alert, episode } = series.analysis.detection;
	const fromMs = daysBeforeMs(timesMs[last], days, bucketMs, series.grid.zone);
	let start = last;
	while (start > 0 && timesMs[start - 1] >= fromMs) start--;
	const window = (array: Float64Array) => array.slice(start, last + 1);
	// A series that has never gone below zero (counts, rates, durations) has no band below zero either.
	const floor = series.grid.values.every((value) => !(value < 0)) ? 0 : -Infinity;
	const lower = window(expected).map((center, i) =>
		Math.max(floor, center - threshold * scale[start + i]),
	);
	const ceiling = series.metric.endsWith('_pct') ? 100 : Infinity;
	const upper = window(expected).map((center, i) =>
		Math.min(ceiling, center + threshold * scale[start + i]),
	);
	const anomalies: number[] = [];
	const episodes: Array<{ startIndex: number; endIndex: number }> = [];
	for (let b = start; b <= last; b++) {
		if (alert[b] === 1) anomalies.push(b - start);
		if (episode[b] > 0) {
			const open = episodes[episodes.length - 1];
			if (open && open.endIndex === b - start - 1) open.endIndex = b - start;
			else episodes.push({ startIndex: b - start, endIndex: b - start });
		}
	}
	const spansDays = timesMs[last] - timesMs[start] > 2 * DAY_MS;
	// The chart has room for one goal line: the metric's first goal.
	const [goal] = series.goals;
	const unit = series.metric.endsWith('_pct') ? '%' : undefined;
	return {
		title: seriesSubject(series.groupValues, series.metric),
		timesMs: window(timesMs),
		values: window(values),
		expected: window(expected),
		lower,
		upper,
		anomalies,
		episodes,
		...(goal
			? {
					goal: {
						value: goal.value,
						label: `goal ${goal.direction === 'atLeast' ? '>=' : '<='} ${formatNumber(goal.value)}${unit ? ` ${unit}` : ''}`,
					},
				}
			: {}),
		// On the calendar its messages use (`grid.zone`): daily items at UTC midnights are UTC days.
		formatTime: (ms) =>
			spansDays
				? formatLocalTime(ms, series.grid.zone, false, true)
				: formatLocalTime(ms, series.grid.zone, false),
		unit,
	};
}

/** Characters of a chart file name before `.png`. */
export const MAX_CHART_FILE_STEM = MAX_LABEL_CHARS;

/**
 * File name of a series' chart: its group values and metric, letters, digits, dot, dash and underscore
 * only. A name longer than MAX_CHART_FILE_STEM is cut and ends in `-` and the fingerprint of the whole
 * (see `fingerprint`), so two long names stay apart.
 */
export function chartFileName(series: SeriesResult): string {
	const parts = [
		...Object.values(series.groupValues).filter((value) => value !== null && value !== ''),
		series.metric,
	].map(String);
	const stem = parts.map((part) => part.replace(/[^A-Za-z0-9._-]+/g, '_')).join('-');
	if (stem.length <= MAX_CHART_FILE_STEM) return `${stem}.png`;
	const tag = `-${fingerprint(JSON.stringify(parts))}`;
	return `${stem.slice(0, MAX_CHART_FILE_STEM - tag.length)}${tag}.png`;
}
