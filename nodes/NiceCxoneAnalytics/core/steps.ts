/**
 * Long synchronous work in steps, so that the adapter can hand the event loop back between them: an n8n
 * worker in queue mode that holds it for seconds misses its broker's heartbeats and loses its job. The
 * core's long loops are generators that yield where a pause may come, once a WorkMeter says enough work
 * was done since the last; the adapter awaits a pause at each yield (n8n's `sleep(0)`), tests count them.
 */
export type Steps<T> = Generator<void, T, void>;

/**
 * Work between two pauses, in units of about 0.3 µs: a row's keys or bounds check is 1, hashing a row
 * HASH_COST. About 30 ms of work at a time on the machines measured, so that a million rows stay far
 * from the second n8n can spare, at the cost of a pause (about 1 ms) every 100,000 units.
 */
export const WORK_BETWEEN_PAUSES = 100_000;

/** The work of one row's canonical JSON hashed (or one NDJSON line parsed back and hashed). */
export const HASH_COST = 10;

/** Counts the work done since the last pause. */
export class WorkMeter {
	private used = 0;

	constructor(private readonly budget: number = WORK_BETWEEN_PAUSES) {}

	/** Adds `work`; true when the work since the last pause reaches the budget (the count then starts again). */
	add(work: number): boolean {
		this.used += work;
		if (this.used < this.budget) return false;
		this.used = 0;
		return true;
	}
}

/** A meter that never asks for a pause: for steps run at once. */
export const noPauses = (): WorkMeter => new WorkMeter(Number.POSITIVE_INFINITY);

/** Runs steps to the end, awaiting `pause` at every step. */
export async function runSteps<T>(steps: Steps<T>, pause: () => Promise<void>): Promise<T> {
	for (;;) {
		const step = steps.next();
		if (step.done) return step.value;
		await pause();
	}
}

/** Runs steps to the end without pausing. */
export { runStepsNow } from '../../shared/core/steps';

/** `items.map(map)` in steps: a pause may come after each item (1 on `meter`). */
export function* mapSteps<T, U>(
	items: readonly T[],
	map: (item: T, index: number) => U,
	meter: WorkMeter = new WorkMeter(),
): Steps<U[]> {
	const mapped: U[] = [];
	for (let i = 0; i < items.length; i++) {
		if (meter.add(1)) yield;
		mapped.push(map(items[i], i));
	}
	return mapped;
}

/** Items sorted by one Array.prototype.sort at a time, before they are merged in steps. */
const SORT_RUN = 4096;

/**
 * A stable sort of `items` (in place, and returned) in steps: runs of SORT_RUN sorted at once (each 16
 * units an item on `meter`), then merged pairwise, 1 unit an item. A million rows sorted at once held
 * the event loop for over a second.
 */
export function* sortSteps<T>(
	items: T[],
	compare: (a: T, b: T) => number,
	meter: WorkMeter = new WorkMeter(),
): Steps<T[]> {
	const n = items.length;
	for (let start = 0; start < n; start += SORT_RUN) {
		const run = items.slice(start, start + SORT_RUN).sort(compare);
		for (let i = 0; i < run.length; i++) items[start + i] = run[i];
		if (meter.add(16 * run.length)) yield;
	}
	let from = items;
	let to = new Array<T>(n);
	for (let width = SORT_RUN; width < n; width *= 2) {
		for (let left = 0; left < n; left += 2 * width) {
			const middle = Math.min(left + width, n);
			const end = Math.min(left + 2 * width, n);
			let i = left;
			let j = middle;
			for (let k = left; k < end; k++) {
				if (meter.add(1)) yield;
				to[k] = i < middle && (j >= end || compare(from[i], from[j]) <= 0) ? from[i++] : from[j++];
			}
		}
		[from, to] = [to, from];
	}
	if (from !== items) for (let k = 0; k < n; k++) items[k] = from[k];
	return items;
}
