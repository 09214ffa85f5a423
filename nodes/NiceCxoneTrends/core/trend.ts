import { DAY_MS } from '../../shared/core/time';
import { medianInPlace, movingAverage, percentChange, theilSenSlope } from './statistics';

/** Series up to this many points get the exact Theil–Sen slope (all pairs). */
const EXACT_TREND_POINTS = 200;
/** Pairs sampled per point above that. */
const SAMPLED_PAIRS_PER_POINT = 20;

export type TrendDirection = 'UP' | 'DOWN' | 'FLAT';

/** The trend of one series over the analysed window. */
export interface TrendSummary {
	direction: TrendDirection;
	/** Theil–Sen slope, metric units per day. */
	slopePerDay: number;
	/** Change of the Theil–Sen line from the first to the last bucket, percent of its first value. */
	percentChange: number;
	/** Value of the Theil–Sen line at the first and last bucket with a value (metric units). */
	fittedStart: number;
	fittedEnd: number;
	/** Trailing moving average per bucket (metric units; `NaN` where the window holds no value). */
	movingAverage: Float64Array;
}

/**
 * Direction of a change given in percent: FLAT inside the dead band (|change| < `deadBandPercent`), else
 * UP or DOWN. Without a percentage (a line starting at 0), any non-zero absolute change gives its sign.
 */
export function trendDirection(
	changePercent: number,
	absoluteChange: number,
	deadBandPercent: number,
): TrendDirection {
	if (Number.isFinite(changePercent)) {
		if (Math.abs(changePercent) < deadBandPercent) return 'FLAT';
		return changePercent > 0 ? 'UP' : 'DOWN';
	}
	if (!Number.isFinite(absoluteChange) || absoluteChange === 0) return 'FLAT';
	return absoluteChange > 0 ? 'UP' : 'DOWN';
}

/**
 * Trend of a series: the Theil–Sen line through (time in days, value) — its slope per day, its percent
 * change over the window and a direction with a dead band of `deadBandPercent` — and a trailing moving
 * average over `movingAverageBuckets` buckets. Buckets without a value are skipped.
 */
export function summariseTrend(
	timesMs: Float64Array,
	values: Float64Array,
	deadBandPercent: number,
	movingAverageBuckets: number,
): TrendSummary {
	const days = new Float64Array(timesMs.length);
	let first = -1;
	let last = -1;
	for (let i = 0; i < timesMs.length; i++) {
		days[i] = (timesMs[i] - timesMs[0]) / DAY_MS;
		if (Number.isFinite(values[i])) {
			if (first < 0) first = i;
			last = i;
		}
	}
	// Exact up to 200 points; beyond, 20 sampled pairs a point (at most 200,000): the cost stays linear in the
	// points, so 5,000 series of a month of hours take a second rather than a minute.
	const slopePerDay = theilSenSlope(
		days,
		values,
		EXACT_TREND_POINTS,
		Math.min(200_000, SAMPLED_PAIRS_PER_POINT * values.length),
	);
	let fittedStart = NaN;
	let fittedEnd = NaN;
	if (Number.isFinite(slopePerDay)) {
		// The finite intercepts, in order, at the front of one buffer.
		const intercepts = new Float64Array(values.length);
		let count = 0;
		for (let i = 0; i < values.length; i++) {
			const intercept = values[i] - slopePerDay * days[i];
			if (Number.isFinite(intercept)) intercepts[count++] = intercept;
		}
		const intercept = medianInPlace(intercepts, count);
		fittedStart = intercept + slopePerDay * days[first];
		fittedEnd = intercept + slopePerDay * days[last];
	}
	const change = percentChange(fittedStart, fittedEnd);
	return {
		direction: trendDirection(change, fittedEnd - fittedStart, deadBandPercent),
		slopePerDay: Number.isFinite(slopePerDay) ? slopePerDay : 0,
		percentChange: change,
		fittedStart,
		fittedEnd,
		movingAverage: movingAverage(values, movingAverageBuckets),
	};
}
