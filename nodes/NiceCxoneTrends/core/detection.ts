import type { AnalysisSettings, ContactCounts } from './analyzeSeries';

/** Anomaly type codes stored in {@link Detection.anomalyType}. */
export const ANOMALY_NONE = 0;
export const ANOMALY_SPIKE = 1;
export const ANOMALY_DROP = 2;
export const ANOMALY_LEVEL_SHIFT = 3;

export type AnomalyType = 'SPIKE' | 'DROP' | 'LEVEL_SHIFT';

/** Name of an anomaly type code; `null` for {@link ANOMALY_NONE}. */
export function anomalyTypeName(code: number): AnomalyType | null {
	if (code === ANOMALY_SPIKE) return 'SPIKE';
	if (code === ANOMALY_DROP) return 'DROP';
	if (code === ANOMALY_LEVEL_SHIFT) return 'LEVEL_SHIFT';
	return null;
}

/**
 * What a detector says about each bucket of a regular series (one entry per bucket). Values are in the
 * metric's unit except `score`, which is in robust standard deviations.
 */
export interface Detection {
	/** Expected value from earlier data; `NaN` where the bucket could not be judged. */
	expected: Float64Array;
	/** Robust spread of the expected value (a standard-deviation estimate, floored); `NaN` if not judged. */
	scale: Float64Array;
	/**
	 * (value − expected) / scale, or a detector's score of the run that ends at this bucket when that says
	 * more (see the detector); `NaN` where there is no value or no judgement.
	 */
	score: Float64Array;
	/** 1 where there was enough earlier data to judge the bucket. */
	judged: Uint8Array;
	/** 1 where an alert is raised: the first bucket of an episode (and, once, a confirmed level shift). */
	alert: Uint8Array;
	/** Episode number (1, 2, …) of an anomalous bucket; 0 for calm buckets. */
	episode: Int32Array;
	/** Type code of the episode at an anomalous bucket (see ANOMALY_*); 0 for calm buckets. */
	anomalyType: Uint8Array;
	/**
	 * 1 where a bucket opens a new episode even inside an open one (a detector's own incident after its
	 * bucket scores had long been calm, see the detector); absent: none does.
	 */
	reopens?: Uint8Array;
}

/** Allocates a detection for `length` buckets with nothing judged. */
export function emptyDetection(length: number): Detection {
	return {
		expected: new Float64Array(length).fill(NaN),
		scale: new Float64Array(length).fill(NaN),
		score: new Float64Array(length).fill(NaN),
		judged: new Uint8Array(length),
		alert: new Uint8Array(length),
		episode: new Int32Array(length),
		anomalyType: new Uint8Array(length),
	};
}

/** How scores are turned into episodes and alerts. */
export interface EpisodeRules {
	/** |score| at or above which a bucket opens an episode (robust standard deviations). */
	threshold: number;
	/** |score| at or above which a bucket keeps an open episode going, as a fraction of `threshold`. */
	stayRatio: number;
	/** Consecutive calm buckets (judged, below the stay level) that close an episode. */
	calmBuckets: number;
	/**
	 * Consecutive buckets without a score (no value, not judged) that close an episode: a night without calls
	 * does not end the day's incident, a weekend does.
	 */
	gapBuckets: number;
	/** Consecutive same-sign anomalous buckets after which an episode is a level shift. */
	levelShiftBuckets: number;
	/** Whether a confirmed level shift raises a second alert in its episode. */
	alertOnLevelShift: boolean;
	/** Sign of the scores that may open an episode: 1 rises only, −1 falls only, 0 both. */
	direction: number;
}

/**
 * Groups anomalous buckets into episodes, causally: a bucket with |score| ≥ threshold opens an episode
 * and raises one alert (SPIKE above, DROP below expectation); the episode lasts while buckets stay above
 * `stayRatio · threshold` and closes after `calmBuckets` calm buckets, or `gapBuckets` buckets in a row
 * without a score (which are not part of it either way). A deviation that keeps its sign
 * for `levelShiftBuckets` buckets turns the episode into a LEVEL_SHIFT. With a `direction`, only a score of
 * that sign opens an episode (an abandon rate that falls is no alarm). A bucket the detector marks in
 * `reopens` opens a new episode even while one is open. Fills `alert`, `episode` and `anomalyType` of
 * `detection` from its `score`.
 */
export function markEpisodes(detection: Detection, rules: EpisodeRules): void {
	const { score, alert, episode, anomalyType, reopens } = detection;
	const stay = rules.threshold * rules.stayRatio;
	let current = 0;
	let episodes = 0;
	let type = ANOMALY_NONE;
	let calm = 0;
	let gap = 0;
	let sameSignRun = 0;
	let runSign = 0;
	let shiftConfirmed = false;
	for (let i = 0; i < score.length; i++) {
		const s = score[i];
		// A bucket without a score neither keeps an episode going nor calms it, until a gap of them closes it:
		// the abandon % of a centre closed at night has no value until it opens, and its day score still holds
		// yesterday's incident then; counted as calm, the night closed the episode and the next morning's first
		// hour, at its usual value, opened another: a second alert for one incident.
		if (!Number.isFinite(s)) {
			if (current !== 0 && ++gap >= rules.gapBuckets) {
				current = 0;
				type = ANOMALY_NONE;
			}
			episode[i] = 0;
			anomalyType[i] = ANOMALY_NONE;
			continue;
		}
		gap = 0;
		const magnitude = Math.abs(s);
		const opens =
			magnitude >= rules.threshold && (rules.direction === 0 || Math.sign(s) === rules.direction);
		if (opens && (current === 0 || reopens?.[i] === 1)) {
			current = ++episodes;
			type = s > 0 ? ANOMALY_SPIKE : ANOMALY_DROP;
			alert[i] = 1;
			calm = 0;
			runSign = Math.sign(s);
			sameSignRun = 1;
			shiftConfirmed = false;
		} else if (current !== 0) {
			if (magnitude >= stay) {
				calm = 0;
				const sign = Math.sign(s);
				sameSignRun = sign === runSign ? sameSignRun + 1 : 1;
				runSign = sign;
				if (!shiftConfirmed && sameSignRun >= rules.levelShiftBuckets) {
					shiftConfirmed = true;
					type = ANOMALY_LEVEL_SHIFT;
					if (rules.alertOnLevelShift) alert[i] = 1;
				}
			} else {
				calm++;
				sameSignRun = 0;
				if (calm >= rules.calmBuckets) {
					current = 0;
					type = ANOMALY_NONE;
				}
			}
		}
		// Calm buckets inside an open episode are not part of it; they only count towards closing it.
		const anomalous = current !== 0 && calm === 0;
		episode[i] = anomalous ? current : 0;
		anomalyType[i] = anomalous ? type : ANOMALY_NONE;
	}
}

/** One regular series as a detection method gets it, with the node's settings. */
export interface DetectorInput {
	/** Bucket start times, UTC ms, spacing `bucketMs`. */
	timesMs: Float64Array;
	/** One value per bucket; `NaN` = no value. */
	values: Float64Array;
	bucketMs: number;
	settings: AnalysisSettings;
	/** How scores become episodes and alerts at this bucket size (see `episodeRulesFor`). */
	episodes: EpisodeRules;
	/** Contacts behind each bucket of a rate or an average, when the items carry them. */
	contacts?: ContactCounts;
}

/** A detection method as the node runs it: its detector and what else is particular to it. */
export interface Detector {
	/** Judges every bucket of the series, reading the method's own settings from `input.settings`. */
	detect(input: DetectorInput): Detection;
	/** Whether the method's alerts follow the score threshold (the node's Sensitivity and Score Threshold). */
	usesThreshold: boolean;
}
