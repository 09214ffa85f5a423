import { CxoneApiError, stopError } from './errors';
import type { Clock } from '../../shared/transport/clock';
import { settle } from '../../shared/transport/clock';
import { retryAfterMs } from '../../shared/transport/retryAfter';
import type { ApiRequest, ApiResponse, Send, TransportStats } from './types';
import { ApiFailure } from './types';

export { retryAfterMs };

export interface RetryPolicy {
	/** Attempts per request, the first included. */
	maxAttempts: number;
	/** Backoff before retry n (from 0) is random in [0, min(maxDelayMs, baseDelayMs × 2^n)). */
	baseDelayMs: number;
	maxDelayMs: number;
	/** A Retry-After longer than this is an error, not a wait. */
	maxRetryAfterMs: number;
	/** The shortest wait before a retry, whatever Retry-After or the jitter say (0, -1, 0.001 …). */
	minDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 6,
	baseDelayMs: 500,
	maxDelayMs: 30_000,
	maxRetryAfterMs: 120_000,
	minDelayMs: 250,
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

/** Exponential backoff with full jitter, in ms, before retry `retry` (0-based). */
export function backoffMs(retry: number, policy: RetryPolicy, random: number): number {
	return Math.floor(random * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry));
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
 * Sends a request, retrying 429, 5xx and dropped connections: it waits what Retry-After asks, or
 * else backs off exponentially with jitter. Other failures, and the last one, are thrown.
 */
export async function sendWithRetries(ctx: RetryContext, request: ApiRequest): Promise<ApiResponse> {
	for (let attempt = 1; ; attempt++) {
		if (ctx.signal?.aborted) throw stopError(ctx.signal);
		ctx.stats.requests++;
		const requestSignal = ctx.requestSignal ?? ctx.signal;
		const outcome = await settle(ctx.send(requestSignal ? { ...request, signal: requestSignal } : request));
		if (outcome.ok) return outcome.value;
		const error = outcome.error;
		if (ctx.signal?.aborted) throw stopError(ctx.signal);
		if (!(error instanceof ApiFailure)) throw error;
		ctx.stats.failedResponses++;
		if (error.status === 429) ctx.stats.throttled++;
		if (!isRetryable(error) || attempt >= ctx.policy.maxAttempts) throw error;
		const askedMs = retryAfterMs(error.headers['retry-after'], ctx.clock.now());
		if (askedMs !== undefined && askedMs > ctx.policy.maxRetryAfterMs) {
			throw new CxoneApiError(
				`The CXone API asked to wait ${Math.ceil(askedMs / 1000)} s before retrying (HTTP ${error.status}); the node waits at most ${ctx.policy.maxRetryAfterMs / 1000} s. Run the workflow again later.`,
				error.status,
			);
		}
		const waitMs = Math.max(ctx.policy.minDelayMs, askedMs ?? backoffMs(attempt - 1, ctx.policy, ctx.clock.random()));
		if (ctx.clock.now() + waitMs > ctx.deadlineMs) throw error;
		ctx.stats.retries++;
		if (!(await settle(ctx.clock.sleep(waitMs, ctx.signal))).ok) throw stopError(ctx.signal);
	}
}
