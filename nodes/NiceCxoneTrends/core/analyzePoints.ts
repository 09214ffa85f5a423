import { analyzeSeries, type AnalysisSettings, type SeriesAnalysis } from './analyzeSeries';
import { itemsCalendar } from './calendar';
import type { ContactNoise } from './detectors/contactNoise';
import {
	SeriesInputError,
	detectBucketMsOfTimes,
	toRegularGrid,
	type DuplicateRule,
	type RegularSeries,
} from './series';

/** How raw points are put on a regular grid before analysis. */
export interface GridOptions {
	/** Bucket spacing in ms; detected from the data (most common positive gap) when absent. */
	bucketMs?: number;
	/** Whether a bucket with no point is 0 (counts, sums) rather than no value (averages, rates). */
	missingIsZero: boolean;
	/** How several points in one bucket are combined. */
	duplicates: DuplicateRule;
	/** Grid range (UTC ms); default: the points' own first and last timestamp. */
	gridStartMs?: number;
	gridEndMs?: number;
	/** The zone whose calendar days and months follow; default: the points' own (see `itemsCalendar`). */
	calendarZone?: string;
	/** The grid's bucket starts, when the caller made them once for many series (see `gridTimes`). */
	gridTimesMs?: Float64Array;
	/** Contacts behind each point of a rate or an average (parallel to the values), and their noise model. */
	contacts?: { counts: ArrayLike<number>; noise: ContactNoise; read?: boolean };
}

/** A series of raw points analysed on its regular grid. */
export interface PointsAnalysis {
	grid: RegularSeries;
	analysis: SeriesAnalysis;
}

/**
 * Analyses raw points (UTC ms timestamps in any order, values with `NaN` = no value): places them on a
 * regular grid (see `toRegularGrid`; buckets of days and months on the calendar of the settings' time
 * zone) and runs {@link analyzeSeries}. Throws {@link SeriesInputError} when there are no timestamps or no
 * spacing can be found.
 */
export function analyzePoints(
	timesMs: ArrayLike<number>,
	values: ArrayLike<number>,
	settings: AnalysisSettings,
	grid: GridOptions,
): PointsAnalysis {
	if (timesMs.length === 0) throw new SeriesInputError('There are no points to analyse.', 'items');
	let first = Infinity;
	let last = -Infinity;
	let sorted = true;
	for (let i = 0; i < timesMs.length; i++) {
		const t = timesMs[i];
		if (t < first) first = t;
		if (t > last) last = t;
		if (i > 0 && t < timesMs[i - 1]) sorted = false;
	}
	let bucketMs = grid.bucketMs;
	if (bucketMs === undefined) {
		const ordered = sorted ? timesMs : Float64Array.from(timesMs).sort();
		bucketMs = detectBucketMsOfTimes(ordered);
		// A single bucket has no spacing; any spacing describes it.
		if (!Number.isFinite(bucketMs)) bucketMs = 3_600_000;
	}
	const gridStartMs = grid.gridStartMs ?? first;
	const gridEndMs = grid.gridEndMs ?? last;
	const zone = grid.calendarZone ?? itemsCalendar(timesMs, bucketMs, settings.timeZone, false).zone;
	const regular = toRegularGrid(
		timesMs,
		values,
		bucketMs,
		gridStartMs,
		gridEndMs,
		grid.missingIsZero,
		grid.duplicates,
		zone,
		grid.gridTimesMs,
	);
	const contacts = grid.contacts && {
		counts: toRegularGrid(
			timesMs,
			grid.contacts.counts,
			bucketMs,
			gridStartMs,
			gridEndMs,
			false,
			'sum',
			zone,
			regular.timesMs,
		).values,
		noise: grid.contacts.noise,
		read: grid.contacts.read,
	};
	return {
		grid: regular,
		analysis: analyzeSeries(regular.timesMs, regular.values, bucketMs, settings, contacts),
	};
}
