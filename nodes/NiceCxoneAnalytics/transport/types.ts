/** One API call, relative to the credential's base URL. */
export interface ApiRequest {
	method: 'GET' | 'POST' | 'DELETE';
	/** Relative to the base URL, or a full URL (a `next` link, a result file). */
	path: string;
	qs?: Record<string, string | number>;
	body?: unknown;
	/** Read the body as text (a CSV file) instead of JSON. */
	text?: boolean;
	/** A full URL fetched without any credential (a pre-signed file link). */
	anonymous?: boolean;
	/**
	 * The most of a 2xx answer's body the node reads, counted as it arrives: ANSWER_CAPS.apiJson by
	 * default, ANSWER_CAPS.reportFile for text (nodes/shared/transport/responseBody.ts). An answer
	 * outside 2xx is read up to ANSWER_CAPS.error whatever this says.
	 */
	maxBytes?: number;
	/** Aborts the request (and the token requests it needs): the execution's deadline or stop. */
	signal?: AbortSignal;
}

export interface ApiResponse {
	status: number;
	/** Header names in lower case. */
	headers: Record<string, string | undefined>;
	body: unknown;
}

/** Sends one request; resolves on 2xx, rejects with an ApiFailure otherwise. */
export type Send = (request: ApiRequest) => Promise<ApiResponse>;

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
