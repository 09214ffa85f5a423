import { sleep } from 'n8n-workflow';

/**
 * A signal that aborts with `signal`, for one request or one wait. Whoever receives it may add a
 * listener; `signal` itself gets none, so many concurrent requests and waits never push it past
 * Node's 10-listener warning (MaxListenersExceededWarning).
 */
export function ownSignal(signal: AbortSignal | undefined): AbortSignal | undefined {
	return signal && AbortSignal.any([signal]);
}

/** The longest a timer can wait (2^31 − 1 ms, about 24.8 days); a longer one would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/** A signal that aborts when a time limit passes, and `end()` to stop waiting for it. */
export interface Deadline {
	signal: AbortSignal;
	end(): void;
}

/**
 * A signal that aborts with `reason()` after `ms` of wall time, whatever the injected clock says: one
 * signal every request, wait and paging loop of a run shares, so a request in flight (a body trickled
 * byte by byte included) ends at the deadline too. Call `end()` when the run is over.
 */
export function deadlineAfter(ms: number, reason: () => Error): Deadline {
	const controller = new AbortController();
	const over = new AbortController();
	void sleep(Math.min(MAX_TIMER_MS, Math.max(0, ms)), over.signal).then(
		() => controller.abort(reason()),
		() => undefined,
	);
	return { signal: controller.signal, end: () => over.abort() };
}
