import { sleep } from 'n8n-workflow';

import { ownSignal } from './signals';

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
