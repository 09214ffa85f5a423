import { ApiFailure, CxoneApiError, stopError } from './errors';
import type { Clock } from '../../shared/transport/clock';
import { settle } from '../../shared/transport/clock';
import { retryAfterMs } from '../../shared/transport/retryAfter';
import type { RetryWaitPolicy } from '../../shared/transport/retryWait';
import { RETRY_AFTER_JITTER_FRACTION, retryWaitMs } from '../../shared/transport/retryWait';
import type { ApiRequest, ApiResponse, Send, TransportStats } from './types';

export { retryAfterMs };

export interface RetryPolicy extends RetryWaitPolicy {
	/** Attempts per request, the first included. */
	maxAttempts: number;
	/** A Retry-After longer than this is an error, not a wait. */
	maxRetryAfterMs: number;
	/**
	 * 429s a request may wait out, apart from `maxAttempts`: a 429 is a queue to wait in (the tenant's
	 * concurrent-query limit, a rate limit), not a failure, so it is bounded by Options › Timeout and this.
	 */
	maxThrottledRetries: number;
	/**
	 * 401s a request may retry after n8n's own renewal and repeat: under load a renewed token can be
	 * refused again at once (many executions on one credential use it up or replace it). Each retry renews
	 * again; a credential the API really refuses still fails after these.
	 */
	maxUnauthorizedRetries: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 6,
	baseDelayMs: 500,
	maxDelayMs: 30_000,
	maxRetryAfterMs: 120_000,
	minDelayMs: 250,
	retryAfterJitterFraction: RETRY_AFTER_JITTER_FRACTION,
	maxThrottledRetries: 30,
	maxUnauthorizedRetries: 5,
};

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const RETRYABLE_NETWORK_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

export function isRetryable(failure: ApiFailure): boolean {
	// A credential failure is retried only when it is an outage (429, 5xx, a dropped connection).
	if (failure.credential && !failure.credential.retryable) return false;
	if (failure.status !== undefined) return RETRYABLE_STATUS.has(failure.status);
	return failure.networkCode !== undefined && RETRYABLE_NETWORK_CODES.has(failure.networkCode);
}

export interface RetryContext {
	send: Send;
	clock: Clock;
	policy: RetryPolicy;
	stats: TransportStats;
	signal?: AbortSignal;
	/** The signal of the request itself, when it differs from `signal` (a submit must outlive a cancel). */
	requestSignal?: AbortSignal;
	/** Epoch ms after which no wait may end. */
	deadlineMs: number;
}

/**
 * Sends a request, retrying 429, 5xx, dropped connections and (a few times) a 401 after n8n's renewal: it waits what Retry-After asks plus up
 * to a fifth more at random, or else backs off exponentially with full jitter, so that many executions
 * turned away at once come back spread out. 5xx and dropped connections use up `maxAttempts`; 429s have
 * their own budget (`maxThrottledRetries`), so a busy tenant's queue does not eat the retries meant for
 * failures. No wait ends after the deadline. Other failures, and the last one, are thrown.
 */
export async function sendWithRetries(
	ctx: RetryContext,
	request: ApiRequest,
): Promise<ApiResponse> {
	let attempt = 0;
	let throttled = 0;
	let unauthorized = 0;
	for (;;) {
		if (ctx.signal?.aborted) throw stopError(ctx.signal);
		ctx.stats.requests++;
		const requestSignal = ctx.requestSignal ?? ctx.signal;
		const outcome = await settle(
			ctx.send(requestSignal ? { ...request, signal: requestSignal } : request),
		);
		if (outcome.ok) return outcome.value;
		const error = outcome.error;
		if (ctx.signal?.aborted) throw stopError(ctx.signal);
		if (!(error instanceof ApiFailure)) throw error;
		ctx.stats.failedResponses++;
		const isThrottle = error.status === 429;
		// A 401 from the API (not from the credential's token endpoint) after n8n's renewal: renew again, a few times.
		const isUnauthorized = error.status === 401 && !error.credential;
		if (isThrottle) {
			ctx.stats.throttled++;
			throttled++;
		} else if (isUnauthorized) unauthorized++;
		else attempt++;
		if (!isUnauthorized && !isRetryable(error)) throw error;
		const exhausted = isThrottle
			? throttled > ctx.policy.maxThrottledRetries
			: isUnauthorized
				? unauthorized > ctx.policy.maxUnauthorizedRetries
				: attempt >= ctx.policy.maxAttempts;
		if (exhausted) throw error;
		const retry = isThrottle ? throttled : isUnauthorized ? unauthorized : attempt;
		const askedMs = retryAfterMs(error.headers['retry-after'], ctx.clock.now());
		if (askedMs !== undefined && askedMs > ctx.policy.maxRetryAfterMs) {
			throw new CxoneApiError(
				`The CXone API asked to wait ${Math.ceil(askedMs / 1000)} s before retrying (HTTP ${error.status}); the node waits at most ${ctx.policy.maxRetryAfterMs / 1000} s. Run the workflow again later.`,
				error.status,
			);
		}
		const waitMs = retryWaitMs(askedMs, retry - 1, ctx.policy, ctx.clock.random());
		if (ctx.clock.now() + waitMs > ctx.deadlineMs) {
			// A 429 is a queue the node waited in until its timeout: say so. Any other failure says best itself
			// what went wrong (a refused token, a maintenance notice).
			if (!isThrottle) throw error;
			throw new CxoneApiError(
				`The CXone API kept answering HTTP 429 (the tenant is at its limit of queries or requests) until the node's timeout: its next retry, in ${(waitMs / 1000).toFixed(1)} s, would come after Options › Timeout. Raise the timeout, or run fewer workflows at once.`,
				error.status,
			);
		}
		ctx.stats.retries++;
		if (!(await settle(ctx.clock.sleep(waitMs, ctx.signal))).ok) throw stopError(ctx.signal);
	}
}
