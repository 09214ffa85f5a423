/**
 * Steps (shared/core/steps) run through the shared pacer with a clock that is always late (a second on
 * every read), so that every look at the clock pauses: one look, and one pause, every time the work since
 * the last reaches `workBetweenReads` (the pacer's 1,000 by default). Deterministic whatever the
 * machine's speed. Returns the steps' result, the work they yielded in all, and the pauses.
 */
import { WORK_BETWEEN_CLOCK_READS, pacer } from '../../nodes/shared/core/pacer';
import type { Steps } from '../../nodes/shared/core/steps';

export async function pacedWhenLate<T>(
	steps: Steps<T>,
	workBetweenReads = WORK_BETWEEN_CLOCK_READS,
): Promise<{ value: T; work: number; pauses: number }> {
	let work = 0;
	let pauses = 0;
	let nowMs = 0;
	function* counted(): Steps<T> {
		for (;;) {
			const step = steps.next();
			if (step.done) return step.value;
			work += step.value;
			yield step.value;
		}
	}
	const pace = pacer(
		async () => {
			pauses++;
		},
		() => (nowMs += 1000),
		100,
		workBetweenReads,
	);
	const value = await pace.run(counted());
	return { value, work, pauses };
}
