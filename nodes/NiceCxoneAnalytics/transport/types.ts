/** One API call, relative to the credential's base URL. */
export interface ApiRequest {
	method: 'GET' | 'POST' | 'DELETE';
	path: string;
	qs?: Record<string, string | number>;
	body?: unknown;
}

export interface ApiResponse {
	status: number;
	/** Header names in lower case. */
	headers: Record<string, string | undefined>;
	body: unknown;
}

/** Sends one request; resolves on 2xx, rejects with an ApiFailure otherwise. */
export type Send = (request: ApiRequest) => Promise<ApiResponse>;

/** A request that got an error status, or no response at all (then `networkCode` says why). */
export class ApiFailure extends Error {
	constructor(
		message: string,
		readonly status: number | undefined,
		readonly headers: Record<string, string | undefined>,
		readonly body: unknown,
		readonly networkCode?: string,
	) {
		super(message);
		this.name = 'ApiFailure';
	}

	/** The API's `error` code, e.g. `result_too_large` or `invalid_token`. */
	get errorCode(): string | undefined {
		const body = this.body as { error?: unknown } | undefined;
		return typeof body?.error === 'string' ? body.error : undefined;
	}
}

/** Time and randomness, injected so that tests and n8n each bring their own. */
export interface Clock {
	now(): number;
	/** Waits `ms`, rejecting at once when `signal` aborts. */
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
	/** A number in [0, 1), for backoff jitter. */
	random(): number;
}

/** Counters of what the transport did, for the audit record and benchmarks. */
export interface TransportStats {
	requests: number;
	retries: number;
	throttled: number;
	failedResponses: number;
	submits: number;
	polls: number;
	pages: number;
	cancels: number;
	/** Time spent submitting, waiting for completion and paging, summed over the queries of a run. */
	submitMs: number;
	waitMs: number;
	pagingMs: number;
}

export const newTransportStats = (): TransportStats => ({
	requests: 0,
	retries: 0,
	throttled: 0,
	failedResponses: 0,
	submits: 0,
	polls: 0,
	pages: 0,
	cancels: 0,
	submitMs: 0,
	waitMs: 0,
	pagingMs: 0,
});

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Waits for a promise and reports how it ended, so callers branch on failure without a catch block. */
export async function settle<T>(promise: Promise<T>): Promise<Outcome<T>> {
	return await promise.then(
		(value): Outcome<T> => ({ ok: true, value }),
		(error: unknown): Outcome<T> => ({ ok: false, error }),
	);
}
