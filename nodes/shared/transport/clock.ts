import { sleep } from 'n8n-workflow';

/** Time and randomness, injected so that tests and n8n each bring their own. */
export interface Clock {
	now(): number;
	/** Waits `ms`, rejecting at once when `signal` aborts. */
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
	/** A number in [0, 1), for backoff jitter. */
	random(): number;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Waits for a promise and reports how it ended, so callers branch on failure without a catch block. */
export async function settle<T>(promise: Promise<T>): Promise<Outcome<T>> {
	return await promise.then(
		(value): Outcome<T> => ({ ok: true, value }),
		(error: unknown): Outcome<T> => ({ ok: false, error }),
	);
}

/**
 * A signal that aborts with `signal`, for one request or one wait. Whoever receives it may add a
 * listener; `signal` itself gets none, so many concurrent requests and waits never push it past
 * Node's 10-listener warning (MaxListenersExceededWarning).
 */
export function ownSignal(signal: AbortSignal | undefined): AbortSignal | undefined {
	return signal && AbortSignal.any([signal]);
}

/** Wall time and n8n's `sleep`, raced against the cancel signal for n8n versions whose sleep ignores it. */
export const n8nClock: Clock = {
	now: () => Date.now(),
	random: () => Math.random(),
	sleep: async (ms, cancelSignal) => {
		const signal = ownSignal(cancelSignal);
		if (!signal) return await sleep(ms);
		if (signal.aborted) throw new Error('aborted');
		let onAbort: () => void = () => undefined;
		const aborted = new Promise<never>((_, reject) => {
			onAbort = () => reject(new Error('aborted'));
			signal.addEventListener('abort', onAbort, { once: true });
		});
		try {
			await Promise.race([sleep(ms, signal), aborted]);
		} finally {
			signal.removeEventListener('abort', onAbort);
		}
	},
};

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
