import {
	ANOMALY_DROP,
	ANOMALY_SPIKE,
	emptyDetection,
	type Detection,
	type Detector,
} from '../detection';

/**
 * The original tutorial's rule, kept only as a named legacy method: z = (value − mean) / sd over the
 * previous 3 values (population sd), skipped when sd = 0; every bucket with |z| > 2 is an alert of its
 * own (SPIKE above, DROP below). Not robust and not seasonal: it flags a large share of normal points.
 * Buckets without a value are skipped and do not count as "previous". With a `direction` (1 rises, −1
 * falls), only deviations that way alert.
 */
export function detectLegacyZScore(values: Float64Array, direction = 0): Detection {
	const n = values.length;
	const detection = emptyDetection(n);
	const previous: number[] = [];
	let episodes = 0;
	for (let i = 0; i < n; i++) {
		const value = values[i];
		if (previous.length === 3) {
			const mean = (previous[0] + previous[1] + previous[2]) / 3;
			const variance =
				((previous[0] - mean) ** 2 + (previous[1] - mean) ** 2 + (previous[2] - mean) ** 2) / 3;
			const sd = Math.sqrt(variance);
			detection.expected[i] = mean;
			detection.scale[i] = sd;
			detection.judged[i] = 1;
			if (sd > 0 && Number.isFinite(value)) {
				const z = (value - mean) / sd;
				detection.score[i] = z;
				if (Math.abs(z) > 2 && (direction === 0 || Math.sign(z) === direction)) {
					detection.alert[i] = 1;
					detection.episode[i] = ++episodes;
					detection.anomalyType[i] = z > 0 ? ANOMALY_SPIKE : ANOMALY_DROP;
				}
			}
		}
		if (Number.isFinite(value)) {
			previous.push(value);
			if (previous.length > 3) previous.shift();
		}
	}
	return detection;
}

/** The legacy method as the node runs it: no settings, and its own fixed rule instead of the score threshold. */
export const legacyZScore: Detector = {
	detect: ({ values, episodes }) => detectLegacyZScore(values, episodes.direction),
	usesThreshold: false,
};
