/** Retry-After plus up to a fifth more: enough to spread clients turned away together, little added wait. */
export const RETRY_AFTER_JITTER_FRACTION = 0.2;

/** How long to wait before a retry: the API's retry policy and the webhook delivery share it. */
export interface RetryWaitPolicy {
	/** Backoff before retry n (from 0) is random in [0, min(maxDelayMs, baseDelayMs × 2^n)). */
	baseDelayMs: number;
	maxDelayMs: number;
	/** The shortest wait before a retry, whatever Retry-After or the jitter say (0, -1, 0.001 …). */
	minDelayMs: number;
	/** A Retry-After wait is lengthened by up to this share of it, at random, so rejected clients do not return in step. */
	retryAfterJitterFraction: number;
}

/** Exponential backoff with full jitter, in ms, before retry `retry` (0-based). */
export function backoffMs(retry: number, policy: RetryWaitPolicy, random: number): number {
	return Math.floor(random * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry));
}

/**
 * The wait before retry `retry` (0-based), in ms: what Retry-After asked (`askedMs`) plus up to
 * `retryAfterJitterFraction` of it more, or else the backoff; at least `minDelayMs`. `random` is in
 * [0, 1): callers turned away together draw different ones and so come back spread out.
 */
export function retryWaitMs(
	askedMs: number | undefined,
	retry: number,
	policy: RetryWaitPolicy,
	random: number,
): number {
	return Math.max(
		policy.minDelayMs,
		askedMs === undefined
			? backoffMs(retry, policy, random)
			: askedMs + Math.floor(askedMs * policy.retryAfterJitterFraction * random),
	);
}
