import {
	emptyDetection,
	markEpisodes,
	type Detection,
	type Detector,
	type EpisodeRules,
} from '../detection';
import { MAD_TO_SD, medianInPlace } from '../statistics';
import { createScaleFloor, TYPICAL_SPREAD_FRACTION, type ScaleFloorOptions } from './scaleFloor';

/** Settings of the rolling robust detector. */
export interface RollingRobustOptions extends ScaleFloorOptions {
	/** Number of earlier values (with a value) in the reference window. */
	windowBuckets: number;
	/** Values the window needs before a bucket is judged. */
	minHistoryBuckets: number;
	episodes: EpisodeRules;
}

/**
 * Rolling robust anomaly detection without seasonality: expected value = median of the last
 * `windowBuckets` values, scale = 1.4826 · MAD of that window (floored, see `ScaleFloor`), score =
 * (value − expected) / scale in robust standard deviations. Causal. O(points · window).
 */
export function detectRollingRobust(
	values: Float64Array,
	bucketMs: number,
	options: RollingRobustOptions,
): Detection {
	const n = values.length;
	const detection = emptyDetection(n);
	const w = Math.max(1, Math.floor(options.windowBuckets));
	const minHistory = Math.max(1, Math.min(w, Math.floor(options.minHistoryBuckets)));
	const ring = new Float64Array(w);
	const scratch = new Float64Array(w);
	let size = 0;
	let head = 0;
	const floor = createScaleFloor(options, bucketMs);
	const { expected, scale, score, judged } = detection;
	for (let i = 0; i < n; i++) {
		const value = values[i];
		if (size >= minHistory) {
			scratch.set(size === w ? ring : ring.subarray(0, size));
			const center = medianInPlace(scratch, size);
			for (let j = 0; j < size; j++) scratch[j] = Math.abs(scratch[j] - center);
			const spread = MAD_TO_SD * medianInPlace(scratch, size);
			floor.noteSpread(spread);
			const floored = floor.apply(spread, center);
			expected[i] = center;
			scale[i] = floored;
			judged[i] = 1;
			if (Number.isFinite(value)) score[i] = (value - center) / floored;
		}
		if (Number.isFinite(value)) {
			floor.observe(value);
			ring[head] = value;
			head = (head + 1) % w;
			if (size < w) size++;
		}
	}
	markEpisodes(detection, options.episodes);
	return detection;
}

/** The rolling method as the node runs it: the window of Rolling Window Buckets, judged after 8 values. */
export const rollingRobust: Detector = {
	detect: ({ values, bucketMs, settings, episodes }) =>
		detectRollingRobust(values, bucketMs, {
			windowBuckets: settings.rollingWindowBuckets,
			minHistoryBuckets: Math.min(settings.rollingWindowBuckets, 8),
			typicalSpreadFraction: TYPICAL_SPREAD_FRACTION,
			episodes,
		}),
	usesThreshold: true,
};
