/**
 * Long synchronous work in steps, so that the adapter can hand the event loop back between them: an n8n
 * worker in queue mode whose loop is blocked for long misses its broker's heartbeats and loses its job.
 * A core's long loop is a generator that yields how much work it did since its last yield and returns
 * its result. A unit of work is a small piece of work on one row or record (its keys or checks, a record
 * or item made, a field parsed); heavier work counts more (hashing a row is 10 in the Analytics core).
 * The counts only say how often to look at the clock: the shared `pacer` (shared/core/pacer) pauses by
 * the time passed. A core never pauses itself; `runStepsNow` runs steps to their end at once.
 */
export type Steps<T> = Generator<number, T, void>;

/**
 * Rows (or items, fields, lines) a core's loop goes through between two yields: a yield costs about as
 * much as a cheap row's work, so a loop over many yields once a thousand, their work (a few milliseconds
 * at most). The rows after its last yield go uncounted.
 */
export const ROWS_PER_STEP = 1_000;

/** Runs steps to their end at once, without a pause, and returns their result. */
export function runStepsNow<T>(steps: Steps<T>): T {
	for (;;) {
		const step = steps.next();
		if (step.done) return step.value;
	}
}
