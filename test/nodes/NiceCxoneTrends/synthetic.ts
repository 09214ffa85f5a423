/** Seeded synthetic contact-centre series for the tests: small, readable, reproducible. */

export const QUARTER_HOUR_MS = 15 * 60_000;
export const DAY_MS = 86_400_000;
/** Monday 2024-01-01 00:00 UTC. */
export const START_MS = Date.UTC(2024, 0, 1);

/** A linear congruential generator returning numbers in [0, 1) from a seed. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
		return state / 4294967296;
	};
}

/**
 * Contacts per 15-minute bucket over `days` days (UTC): open 08:00–20:00 with a midday peak, weekend days
 * at 40 % of weekdays, a few contacts at night, and roughly Poisson noise.
 */
export function contactVolume(
	days: number,
	seed = 7,
): { timesMs: Float64Array; values: Float64Array } {
	const random = seededRandom(seed);
	const n = days * 96;
	const timesMs = new Float64Array(n);
	const values = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		const t = START_MS + i * QUARTER_HOUR_MS;
		const hour = (i % 96) / 4;
		const weekday = Math.floor(i / 96) % 7; // 0 = Monday
		const open = hour >= 8 && hour < 20 ? Math.sin(((hour - 8) / 12) * Math.PI) : 0;
		const level = (4 + 116 * open) * (weekday >= 5 ? 0.4 : 1);
		const noise = (random() + random() + random() + random() - 2) * Math.sqrt(level) * 1.7;
		timesMs[i] = t;
		values[i] = Math.max(0, Math.round(level + noise));
	}
	return { timesMs, values };
}

/** Index of the bucket at `day` (0-based from START_MS) and local time hh:mm (UTC). */
export function bucketAt(day: number, hour: number, minute = 0): number {
	return day * 96 + hour * 4 + Math.floor(minute / 15);
}

export const HOUR_MS = 3_600_000;

/**
 * Contacts of a centre open on weekdays from 8:00 to 18:00 (UTC), closed at night and at weekends, in
 * buckets of `bucketMs` (an hour): `peak` contacts in its busiest hour, near-Poisson noise, from START_MS
 * (a Monday).
 */
export function officeHours(
	days: number,
	seed = 7,
	peak = 60,
	bucketMs = HOUR_MS,
): { timesMs: Float64Array; values: Float64Array } {
	const random = seededRandom(seed);
	const perDay = DAY_MS / bucketMs;
	const n = days * perDay;
	const timesMs = new Float64Array(n);
	const values = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		const hour = ((i % perDay) * bucketMs) / HOUR_MS;
		const weekday = Math.floor(i / perDay) % 7; // 0 = Monday
		const middle = hour + bucketMs / HOUR_MS / 2;
		const level =
			weekday < 5 && hour >= 8 && hour < 18
				? (peak * bucketMs * (0.35 + 0.65 * Math.sin(((middle - 8) / 10) * Math.PI))) / HOUR_MS
				: 0;
		const noise = (random() + random() + random() + random() - 2) * Math.sqrt(level) * 1.7;
		timesMs[i] = START_MS + i * bucketMs;
		values[i] = Math.max(0, Math.round(level + noise));
	}
	return { timesMs, values };
}

/**
 * Hourly contacts over `days` days from START_MS (UTC), Poisson at `rate(weekday, hour)` an hour (weekday
 * 1 = Monday … 7 = Sunday).
 */
export function hourlyContacts(
	days: number,
	rate: (weekday: number, hour: number) => number,
	seed: number,
): { timesMs: Float64Array; values: Float64Array } {
	const random = seededRandom(seed);
	const poisson = (mean: number) => {
		let k = 0;
		for (let p = random(); p > Math.exp(-mean); p *= random()) k++;
		return k;
	};
	const timesMs = Float64Array.from({ length: days * 24 }, (_, i) => START_MS + i * HOUR_MS);
	const values = Float64Array.from(timesMs, (_, i) =>
		poisson(rate((Math.floor(i / 24) % 7) + 1, i % 24)),
	);
	return { timesMs, values };
}

/** `peak` contacts an hour at the busiest, about half at the ends of the day's hours [`opens`, `closes`). */
export function dayShape(hour: number, opens: number, closes: number, peak = 60): number {
	return hour >= opens && hour < closes
		? peak * (0.45 + 0.55 * Math.sin((Math.PI * (hour + 0.5 - opens)) / (closes - opens)))
		: 0;
}
