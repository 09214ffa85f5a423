/**
 * Long synchronous work in steps, so that the adapter can hand the event loop back between them: an n8n
 * worker in queue mode whose loop is blocked for long misses its broker's heartbeats and loses its job.
 * A core's long loop is a generator that yields how much work it did since its last yield and returns its
 * result. A unit of work is a small piece of per-row work (a row's keys or checks, a record made, a field
 * parsed); heavier work counts more (hashing a row is 10). The counts only say how often to look at the
 * clock: the shared `pacer` (shared/core/pacer) pauses by the time passed. The core never pauses itself.
 */
export type Steps<T> = Generator<number, T, void>;

/** Runs steps to their end at once, without a pause, and returns their result. */
export function runStepsNow<T>(steps: Generator<unknown, T, void>): T {
	for (;;) {
		const step = steps.next();
		if (step.done) return step.value;
	}
}
