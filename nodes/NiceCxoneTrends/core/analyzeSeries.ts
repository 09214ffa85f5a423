import { DAY_MS, HOUR_MS } from '../../shared/core/time';
import { DEFAULT_WEEKEND_DAYS } from './calendar';
import type { Detection, Detector, EpisodeRules } from './detection';
import type { ContactNoise } from './detectors/contactNoise';
import { legacyZScore } from './detectors/legacyZScore';
import { rollingRobust } from './detectors/rollingRobust';
import { seasonalRobust } from './detectors/seasonalRobust';
import { summariseTrend, type TrendSummary } from './trend';

/**
 * The detection methods the node offers, by name. A new method is one file under `detectors/` exporting
 * its {@link Detector} and one line here; the compiler then asks for its label in the node's description.
 */
export const DETECTORS = {
	seasonalRobust,
	rollingRobust,
	legacyZScore,
} satisfies Record<string, Detector>;

export type DetectionMethod = keyof typeof DETECTORS;

/** The names of the detection methods, in the order the node lists them. */
export const DETECTION_METHODS = Object.keys(DETECTORS) as DetectionMethod[];

export type Sensitivity = 'low' | 'medium' | 'high';

/** Score threshold (robust standard deviations) of each sensitivity. */
export const SENSITIVITY_THRESHOLDS: Readonly<Record<Sensitivity, number>> = {
	low: 5.5,
	medium: 4.5,
	high: 3,
};

/** Everything that decides how one series is analysed. */
export interface AnalysisSettings {
	method: DetectionMethod;
	/** Score threshold in robust standard deviations (see {@link SENSITIVITY_THRESHOLDS}). */
	threshold: number;
	/** IANA time zone of the time-of-day and day-of-week slots (and of the sentences). */
	timeZone: string;
	/** ISO weekdays (1 = Monday … 7 = Sunday) compared with each other as the weekend. */
	weekendDays: readonly number[];
	/** Seasonal method: earlier days of the same kind in the reference. */
	historyDays: number;
	/** Seasonal method: days of history before a slot is judged. */
	minHistoryDays: number;
	/** Seasonal method: earlier weeks in the same-weekday reference. */
	historyWeeks: number;
	/** Seasonal method: weeks of same-weekday history before that reference is used. */
	minHistoryWeeks: number;
	/** Rolling method: earlier buckets in the reference window. */
	rollingWindowBuckets: number;
	/** Trend: |percent change| below which the direction is FLAT. */
	trendDeadBandPercent: number;
	/** Trend: buckets in the trailing moving average. */
	movingAverageBuckets: number;
	/** Whether a confirmed level shift raises a second alert in its episode. */
	alertOnLevelShift: boolean;
	/** Which deviations may open an episode and alert: both ways, or only rises, or only falls. */
	alertDirection: AlertDirection;
}

/** Which way a metric's deviations alert: a falling abandon rate or a rising service level is good news. */
export type AlertDirection = 'both' | 'rises' | 'falls';

export const DEFAULT_SETTINGS: Readonly<AnalysisSettings> = {
	method: 'seasonalRobust',
	threshold: SENSITIVITY_THRESHOLDS.medium,
	timeZone: 'UTC',
	weekendDays: DEFAULT_WEEKEND_DAYS,
	historyDays: 7,
	minHistoryDays: 3,
	historyWeeks: 4,
	minHistoryWeeks: 3,
	rollingWindowBuckets: 48,
	trendDeadBandPercent: 5,
	movingAverageBuckets: 4,
	alertOnLevelShift: false,
	alertDirection: 'both',
};

export type SeriesStatus = 'ok' | 'insufficient_history' | 'no_data';

/** Result of analysing one regular series. */
export interface SeriesAnalysis {
	status: SeriesStatus;
	/** Buckets with enough earlier data to be judged. */
	judgedBuckets: number;
	detection: Detection;
	trend: TrendSummary;
}

/**
 * Episode rules for buckets of `bucketMs`: an episode closes after an hour (at least two buckets) of calm
 * or a day (at least two buckets) without a score, and a deviation that keeps its sign for an hour (at
 * least three buckets) is a level shift.
 */
export function episodeRulesFor(bucketMs: number, settings: AnalysisSettings): EpisodeRules {
	return {
		threshold: settings.threshold,
		stayRatio: 0.5,
		calmBuckets: Math.max(2, Math.round(HOUR_MS / bucketMs)),
		gapBuckets: Math.max(2, Math.round(DAY_MS / bucketMs)),
		levelShiftBuckets: Math.max(3, Math.round(HOUR_MS / bucketMs)),
		alertOnLevelShift: settings.alertOnLevelShift,
		direction:
			settings.alertDirection === 'rises' ? 1 : settings.alertDirection === 'falls' ? -1 : 0,
	};
}

/**
 * The contacts behind each bucket of a rate or an average (`NaN` = unknown), and how the metric's noise
 * depends on them: `percent` (binomial: a share of the contacts, in %) or `mean` (an average over them).
 */
export interface ContactCounts {
	counts: Float64Array;
	noise: ContactNoise;
	/** The counts were read from a share's digits (see `contactsOfPercents`), not given by the items. */
	read?: boolean;
}

/** Runs the chosen detector on a regular series (values `NaN` = no value). */
export function detect(
	timesMs: Float64Array,
	values: Float64Array,
	bucketMs: number,
	settings: AnalysisSettings,
	contacts?: ContactCounts,
): Detection {
	return DETECTORS[settings.method].detect({
		timesMs,
		values,
		bucketMs,
		settings,
		episodes: episodeRulesFor(bucketMs, settings),
		contacts,
	});
}

/**
 * Analyses one regular series (bucket start times in UTC ms, spacing `bucketMs`, values `NaN` = no value):
 * anomaly detection with the chosen method, the trend, and a status — `no_data` without any value,
 * `insufficient_history` when no bucket had enough earlier data to be judged, else `ok`.
 */
export function analyzeSeries(
	timesMs: Float64Array,
	values: Float64Array,
	bucketMs: number,
	settings: AnalysisSettings,
	contacts?: ContactCounts,
): SeriesAnalysis {
	const detection = detect(timesMs, values, bucketMs, settings, contacts);
	let judgedBuckets = 0;
	let withValue = 0;
	for (let i = 0; i < values.length; i++) {
		judgedBuckets += detection.judged[i];
		if (Number.isFinite(values[i])) withValue++;
	}
	const trend = summariseTrend(
		timesMs,
		values,
		settings.trendDeadBandPercent,
		settings.movingAverageBuckets,
	);
	const status: SeriesStatus =
		withValue === 0 ? 'no_data' : judgedBuckets === 0 ? 'insufficient_history' : 'ok';
	return { status, judgedBuckets, detection, trend };
}
