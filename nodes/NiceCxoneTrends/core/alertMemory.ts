import { createHash } from 'crypto';

import { bucketEndMs } from './calendar';
import { runStepsNow, type Steps } from '../../shared/core/steps';

/**
 * What the node remembers of the alerts it raised, between runs: per series, metric and rule the bucket
 * of the last alert raised, and the goal episodes it raised that had not recovered yet. Keys are
 * {@link memoryKey}s — fixed-size hashes, so that a memory's size does not depend on the group values
 * (an id of kilobytes in a group field): about 40 bytes an entry in the workflow's static data.
 */
export interface AlertMemory {
	/** Hashed alert key → bucket start (UTC ms) of the last alert raised for it. */
	raised: Record<string, number>;
	/** Hashed goal episode key → the episode's start (UTC ms), for episodes raised while ongoing. */
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

/**
 * The key a memory stores for an alert or goal episode key: 22 characters of its SHA-256 (base64url,
 * 132 bits), whatever its length.
 */
export function memoryKey(key: string): string {
	return createHash('sha256').update(key).digest('base64url').slice(0, 22);
}

/**
 * A memory read from workflow static data; anything unreadable counts as empty. A memory the node wrote
 * before it hashed its keys (each key the JSON array itself, `["grp_001","count_sum","anomaly"]`) is read
 * with its keys hashed, so an existing workflow does not raise everything once more.
 */
export function readAlertMemory(value: unknown): AlertMemory {
	const memory = (value ?? {}) as Partial<AlertMemory>;
	const numbers = (map: unknown) => {
		const read = new Map<string, number>();
		for (const [key, ms] of Object.entries(map && typeof map === 'object' ? map : {})) {
			if (typeof ms !== 'number' || !Number.isFinite(ms)) continue;
			// A hash never starts with '['; a key of the earlier format always does.
			const hashed = key.startsWith('[') ? memoryKey(key) : key;
			read.set(hashed, Math.max(read.get(hashed) ?? -Infinity, ms));
		}
		return Object.fromEntries(read);
	};
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
	return runStepsNow(sortOutAlertSteps(alerts, memory));
}

/** {@link sortOutAlerts} in steps (one an alert). */
export function* sortOutAlertSteps(
	alerts: readonly AlertRecord[],
	memory: AlertMemory,
): Steps<{ fresh: AlertRecord[]; recovered: AlertRecord[]; memory: AlertMemory }> {
	const remembered = new Map(Object.entries(memory.raised));
	const raised = new Map(remembered);
	const openGoals = new Map(Object.entries(memory.openGoals));
	const fresh: AlertRecord[] = [];
	const recovered: AlertRecord[] = [];
	for (const alert of alerts) {
		const plainKey = alertKey(alert);
		const key = memoryKey(plainKey);
		const atMs = Date.parse(String(alert.bucketStart));
		const before = remembered.get(key);
		const isNew = before === undefined || atMs > before;
		if (isNew) fresh.push(alert);
		raised.set(key, Math.max(raised.get(key) ?? -Infinity, atMs));
		if (alert.rule === 'goal') {
			const episodeKey = memoryKey(JSON.stringify([plainKey, alert.episodeStart]));
			if (alert.ongoing === true) openGoals.set(episodeKey, Date.parse(String(alert.episodeStart)));
			else if (openGoals.has(episodeKey)) {
				if (!isNew) recovered.push(alert);
				openGoals.delete(episodeKey);
			}
		}
		yield 1;
	}
	return { fresh, recovered, memory: { raised: newest(raised), openGoals: newest(openGoals) } };
}

/** The map as an object with at most MAX_REMEMBERED_ALERTS entries, the most recent kept. */
function newest(map: Map<string, number>): Record<string, number> {
	const entries = [...map];
	if (entries.length <= MAX_REMEMBERED_ALERTS) return Object.fromEntries(entries);
	return Object.fromEntries(entries.sort((a, b) => b[1] - a[1]).slice(0, MAX_REMEMBERED_ALERTS));
}

/**
 * Alert Once without a memory: this run's alerts whose bucket ended in the window (`fromMs`, `toMs`] (the
 * minutes before the run), and the goal episodes that began before it and whose recovery was confirmed in it
 * (its For Buckets buckets back at goal ended there), each said once. A workflow that runs every N minutes
 * with the N minutes before each run as the window raises each alert once, in the first run after its bucket
 * is over, whatever its workers remember. `bucketMs`: the buckets' spacing; buckets of days and months end
 * on the calendar of the zone `calendarOf` the alert (its series' `calendarZone`; see `bucketEndMs`: a day at
 * its next local midnight, a month a month on).
 */
export function alertsWithin(
	alerts: readonly AlertRecord[],
	fromMs: number,
	toMs: number,
	bucketMs: number,
	calendarOf: (alert: AlertRecord) => string = () => 'UTC',
): { fresh: AlertRecord[]; recovered: AlertRecord[] } {
	return runStepsNow(alertsWithinSteps(alerts, fromMs, toMs, bucketMs, calendarOf));
}

/** {@link alertsWithin} in steps (one an alert). */
export function* alertsWithinSteps(
	alerts: readonly AlertRecord[],
	fromMs: number,
	toMs: number,
	bucketMs: number,
	calendarOf: (alert: AlertRecord) => string = () => 'UTC',
): Steps<{ fresh: AlertRecord[]; recovered: AlertRecord[] }> {
	const inWindow = (endMs: number) => endMs > fromMs && endMs <= toMs;
	const fresh: AlertRecord[] = [];
	const recovered: AlertRecord[] = [];
	for (const alert of alerts) {
		const zone = calendarOf(alert);
		const raisedEndMs = bucketEndMs(Date.parse(String(alert.bucketStart)), bucketMs, zone);
		if (inWindow(raisedEndMs)) fresh.push(alert);
		else if (alert.rule === 'goal' && raisedEndMs <= fromMs) {
			const forBuckets = Number(
				(alert.goal as { forBuckets?: unknown } | undefined)?.forBuckets ?? 1,
			);
			if (inWindow(bucketEndMs(Date.parse(String(alert.episodeEnd)), bucketMs, zone, forBuckets)))
				recovered.push(alert);
		}
		yield 1;
	}
	return { fresh, recovered };
}
