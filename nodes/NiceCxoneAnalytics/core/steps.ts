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
export function runStepsNow<T>(steps: Steps<T>): T {
	for (;;) {
		const step = steps.next();
		if (step.done) return step.value;
	}
}

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
