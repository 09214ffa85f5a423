import type { Steps } from './steps';

/** Work (see `Steps`) between two looks at the clock. */
export const WORK_BETWEEN_CLOCK_READS = 1_000;
/**
 * How long a node works before it hands the event loop back: a tenth of a second, so that n8n (a
 * queue-mode worker answering its broker, the editor's push connection) waits at most about that long.
 */
export const MS_BETWEEN_PAUSES = 100;

/** Hands the event loop back now and then during long synchronous work. */
export interface Pacer {
	/** Counts `work` done (1 by default); true when it is time to {@link Pacer.pause}. */
	due(work?: number): boolean;
	/** Awaits the pause and starts the next stretch of work. */
	pause(): Promise<void>;
	/** Runs `steps` to their end, pausing whenever {@link Pacer.due}; returns their result. */
	run<T>(steps: Steps<T>): Promise<T>;
}

/**
 * A {@link Pacer} that reads the clock `now` (ms) after every `workBetweenReads` units of work and pauses
 * once `msBetweenPauses` have passed since the last pause (or since it was made). The adapter gives the
 * pause (n8n's `sleep(0)`) and the clock; one pacer serves every piece of work of a node's run.
 */
export function pacer(
	pause: () => Promise<void>,
	now: () => number,
	msBetweenPauses = MS_BETWEEN_PAUSES,
	workBetweenReads = WORK_BETWEEN_CLOCK_READS,
): Pacer {
	let work = 0;
	let sinceMs = now();
	const pacing: Pacer = {
		due(done = 1) {
			work += done;
			if (work < workBetweenReads) return false;
			work = 0;
			return now() - sinceMs >= msBetweenPauses;
		},
		async pause() {
			await pause();
			work = 0;
			sinceMs = now();
		},
		async run<T>(steps: Steps<T>): Promise<T> {
			for (;;) {
				const step = steps.next();
				if (step.done) return step.value;
				if (pacing.due(step.value)) await pacing.pause();
			}
		},
	};
	return pacing;
}
