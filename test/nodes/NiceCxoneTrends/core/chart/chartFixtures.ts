import type { SeriesChartInput } from '../../../../../nodes/NiceCxoneTrends/core/chart/seriesChart';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Time labels in UTC, e.g. "Mon 12 Jan" at midnight and "Mon 12 Jan 06:00" otherwise. */
export function formatUtc(ms: number): string {
	const date = new Date(ms);
	const day = `${WEEKDAYS[date.getUTCDay()]} ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}`;
	const hours = date.getUTCHours();
	const minutes = date.getUTCMinutes();
	if (hours === 0 && minutes === 0) return day;
	return `${day} ${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

/** A uniform pseudo-random number generator in [0, 1) started at `seed` (mulberry32). */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * Two weeks of hourly average handle time (seconds) from Monday 5 January 2026 00:00 UTC: a daily
 * cycle, noise from `seed`, an expected value with a ±40 s band, a six-hour incident on day 10 from
 * 10:00 (alerted, one episode), a gap of three hours on day 4 and a goal at 420 s.
 */
export function twoWeekHourlySeries(
	seed: number,
): SeriesChartInput & { incidentIndices: number[] } {
	const count = 14 * 24;
	const startMs = Date.UTC(2026, 0, 5);
	const random = seededRandom(seed);
	const timesMs = new Float64Array(count);
	const values = new Float64Array(count);
	const expected = new Float64Array(count);
	const lower = new Float64Array(count);
	const upper = new Float64Array(count);
	const incidentIndices: number[] = [];
	for (let i = 0; i < count; i++) {
		const hour = i % 24;
		timesMs[i] = startMs + i * 3_600_000;
		expected[i] = 300 + 40 * Math.sin(((hour - 8) / 24) * 2 * Math.PI);
		lower[i] = expected[i] - 40;
		upper[i] = expected[i] + 40;
		values[i] = expected[i] + (random() - 0.5) * 40;
		if (i >= 10 * 24 + 10 && i < 10 * 24 + 16) {
			values[i] += 140;
			incidentIndices.push(i);
		}
	}
	for (let i = 4 * 24 + 3; i < 4 * 24 + 6; i++) values[i] = NaN;
	return {
		title: 'Handle time (average) · Group 2 · voice',
		timesMs,
		values,
		expected,
		lower,
		upper,
		goal: { value: 420, label: 'goal ≤ 420 s' },
		anomalies: incidentIndices,
		episodes: [
			{ startIndex: incidentIndices[0], endIndex: incidentIndices[incidentIndices.length - 1] },
		],
		formatTime: formatUtc,
		unit: 'seconds',
		incidentIndices,
	};
}
