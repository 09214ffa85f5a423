import { bucketEndMs } from './calendar';

/**
 * What the node remembers of the alerts it raised, between runs: per series, metric and rule the bucket
 * of the last alert raised, and the goal episodes it raised that had not recovered yet.
 */
export interface AlertMemory {
	/** Alert key → bucket start (UTC ms) of the last alert raised for it. */
	raised: Record<string, number>;
	/** Goal episode key → bucket start (UTC ms) of the episode's start, for episodes raised while ongoing. */
	openGoals: Record<string, number>;
}

/** Most alert keys remembered; past it the oldest are forgotten (a series that stopped, a renamed field). */
export const MAX_REMEMBERED_ALERTS = 10_000;

type AlertRecord = Record<string, unknown>;

/** Which series, metric and rule an alert belongs to (a goal: which goal too). */
function alertKey(record: AlertRecord): string {
	const goal = record.goal as { direction?: unknown; value?: unknown } | undefined;
	const rule =
		record.rule === 'goal' ? `goal:${String(goal?.direction)}:${String(goal?.value)}` : 'anomaly';
	return JSON.stringify([record.series, record.metric, rule]);
}

/** One alert, whichever object holds it: its key and its bucket (a goal's episode start too). */
export function alertId(record: AlertRecord): string {
	return JSON.stringify([alertKey(record), record.bucketStart, record.episodeStart ?? null]);
}

/** A memory read from workflow static data; anything unreadable counts as empty. */
export function readAlertMemory(value: unknown): AlertMemory {
	const memory = (value ?? {}) as Partial<AlertMemory>;
	const numbers = (map: unknown) =>
		Object.fromEntries(
			Object.entries(map && typeof map === 'object' ? map : {}).filter(([, ms]) =>
				Number.isFinite(ms),
			),
		) as Record<string, number>;
	return { raised: numbers(memory.raised), openGoals: numbers(memory.openGoals) };
}

/**
 * Splits this run's alerts (each with `series`, `metric`, `rule`, `bucketStart`; goals with `goal`,
 * `episodeStart` and `ongoing`) into those not raised by an earlier run, and the goal episodes an earlier
 * run raised while ongoing that have recovered since (each reported once). Returns the memory to keep.
 */
export function sortOutAlerts(
	alerts: readonly AlertRecord[],
	memory: AlertMemory,
): { fresh: AlertRecord[]; recovered: AlertRecord[]; memory: AlertMemory } {
	const raised = { ...memory.raised };
	const openGoals = { ...memory.openGoals };
	const fresh: AlertRecord[] = [];
	const recovered: AlertRecord[] = [];
	for (const alert of alerts) {
		const key = alertKey(alert);
		const atMs = Date.parse(String(alert.bucketStart));
		const isNew = !(key in memory.raised) || atMs > memory.raised[key];
		if (isNew) fresh.push(alert);
		raised[key] = Math.max(raised[key] ?? -Infinity, atMs);
		if (alert.rule !== 'goal') continue;
		const episodeKey = JSON.stringify([key, alert.episodeStart]);
		if (alert.ongoing === true) openGoals[episodeKey] = Date.parse(String(alert.episodeStart));
		else if (episodeKey in openGoals) {
			if (!isNew) recovered.push(alert);
			delete openGoals[episodeKey];
		}
	}
	return { fresh, recovered, memory: { raised: newest(raised), openGoals: newest(openGoals) } };
}

/** The map with at most MAX_REMEMBERED_ALERTS entries, the most recent kept. */
function newest(map: Record<string, number>): Record<string, number> {
	const entries = Object.entries(map);
	if (entries.length <= MAX_REMEMBERED_ALERTS) return map;
	return Object.fromEntries(entries.sort((a, b) => b[1] - a[1]).slice(0, MAX_REMEMBERED_ALERTS));
}

/**
 * Alert Once without a memory: this run's alerts whose bucket ended in the window (`fromMs`, `toMs`] (the
 * minutes before the run), and the goal episodes that began before it and whose recovery was confirmed in it
 * (its For Buckets buckets back at goal ended there), each said once. A workflow that runs every N minutes
 * with the N minutes before each run as the window raises each alert once, in the first run after its bucket
 * is over, whatever its workers remember. `bucketMs`: the buckets' spacing; buckets of days and months end
 * on the calendar of `zone` (see `bucketEndMs`: a day at its next local midnight, a month a month on).
 */
export function alertsWithin(
	alerts: readonly AlertRecord[],
	fromMs: number,
	toMs: number,
	bucketMs: number,
	zone = 'UTC',
): { fresh: AlertRecord[]; recovered: AlertRecord[] } {
	const inWindow = (endMs: number) => endMs > fromMs && endMs <= toMs;
	const fresh: AlertRecord[] = [];
	const recovered: AlertRecord[] = [];
	for (const alert of alerts) {
		const raisedEndMs = bucketEndMs(Date.parse(String(alert.bucketStart)), bucketMs, zone);
		if (inWindow(raisedEndMs)) fresh.push(alert);
		else if (alert.rule === 'goal' && raisedEndMs <= fromMs) {
			const forBuckets = Number(
				(alert.goal as { forBuckets?: unknown } | undefined)?.forBuckets ?? 1,
			);
			if (inWindow(bucketEndMs(Date.parse(String(alert.episodeEnd)), bucketMs, zone, forBuckets)))
				recovered.push(alert);
		}
	}
	return { fresh, recovered };
}
