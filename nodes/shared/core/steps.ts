/**
 * Runs a generator of steps (long work split where a pause may come, see each node's `Steps`) to its end
 * at once, without a pause, and returns its result. Whatever the steps yield (work done, or nothing) is
 * ignored.
 */
export function runStepsNow<T>(steps: Generator<unknown, T, void>): T {
	for (;;) {
		const step = steps.next();
		if (step.done) return step.value;
	}
}
