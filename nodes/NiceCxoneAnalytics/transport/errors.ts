/** The API refused or failed a query; the message says what happened and what to do. */
export class CxoneApiError extends Error {
	constructor(
		message: string,
		readonly status?: number,
		readonly description?: string,
		/** The headers (lower-case) of an answer whose body could not be read: past its cap, or broken off. */
		readonly headers?: Record<string, string | undefined>,
	) {
		super(message);
		this.name = 'CxoneApiError';
	}
}

/** A request that got an error status, or no response at all (then `networkCode` says why). */
export class ApiFailure extends Error {
	constructor(
		message: string,
		readonly status: number | undefined,
		readonly headers: Record<string, string | undefined>,
		readonly body: unknown,
		readonly networkCode?: string,
		/** Set when the credential failed (its token endpoint, discovery, or a refused address). */
		readonly credential?: { fromCredential: true; retryable: boolean },
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

/** The execution was cancelled while a query ran; its queries were cancelled on the server. */
export class QueryCancelledError extends Error {
	constructor() {
		super('The execution was cancelled; the queries it started were cancelled on the server.');
		this.name = 'QueryCancelledError';
	}
}

/**
 * Why a stop signal aborted: the deadline's error (a CxoneApiError that names Options › Timeout) when
 * the deadline passed, else the execution was cancelled.
 */
export function stopError(signal: AbortSignal | undefined): Error {
	return signal?.reason instanceof CxoneApiError ? signal.reason : new QueryCancelledError();
}

/**
 * An id the server gave (a query id, a job id) as one URL path segment: encoded, and refused when it
 * is empty, `.` or `..` (which a URL would resolve to another path) or absurdly long.
 */
export function pathSegment(id: unknown, what: string): string {
	const text =
		typeof id === 'number' && Number.isSafeInteger(id)
			? String(id)
			: typeof id === 'string'
				? id
				: '';
	if (text === '' || text === '.' || text === '..' || text.length > 200) {
		throw new CxoneApiError(
			`CXone sent a ${what} that cannot be used in a URL (${JSON.stringify(String(id ?? '')).slice(0, 60)}). Nothing more was requested; run the workflow again, and report it to NICE if it persists.`,
		);
	}
	return encodeURIComponent(text);
}
