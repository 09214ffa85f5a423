import type { IExecuteFunctions } from 'n8n-workflow';

import {
	SIGNATURE_HEADER,
	TIMESTAMP_HEADER,
	signWebhook,
	signingSecretProblem,
} from '../core/webhookSignature';
import type { Clock } from './clock';
import { settle } from './clock';
import { displayUrl } from './endpoints';
import { retryAfterMs } from './retryAfter';
import { RETRY_AFTER_JITTER_FRACTION, retryWaitMs } from './retryWait';
import { serverText } from './serverText';

/** What became of a webhook delivery; it goes into the audit record. */
export interface WebhookOutcome {
	delivered: boolean;
	/** POSTs sent: 0 when nothing could be sent (no usable signing secret, a cancelled run). */
	attempts: number;
	/** HTTP status of the last attempt; null when no response came. */
	status: number | null;
	error: string | null;
	durationMs: number;
}

export interface WebhookTarget {
	url: string;
	/**
	 * The signing secret; `null` sends unsigned, which the user must have chosen (Options › Sign Webhook
	 * off). Anything else that is not a secret of at least MIN_SIGNING_SECRET_LENGTH characters sends nothing.
	 */
	secret: string | null | undefined;
	timeoutMs: number;
	/** POSTs at most, the first included, whatever the answers. */
	maxAttempts: number;
	/** Backoff before retry n (from 1) is random in [0, baseDelayMs × 2^(n−1)) (full jitter). */
	baseDelayMs: number;
	/** The shortest wait before a retry, whatever the jitter or a Retry-After say. */
	minDelayMs: number;
	/** A 429's Retry-After longer than this ends the delivery instead of a wait; no backoff is longer. */
	maxRetryAfterMs?: number;
	/** The execution's cancel signal: no POST and no wait after it aborts. */
	signal?: AbortSignal;
}

export const DEFAULT_MAX_WEBHOOK_RETRY_AFTER_MS = 30_000;

/** What the receiver answered: the status and the headers a delivery reads (names in lower case). */
export interface PostAnswer {
	status: number;
	retryAfter?: string;
	location?: string;
}

/** POSTs a body without following a redirect; resolves with the answer whatever it is, rejects only when no response came. */
export type PostText = (
	url: string,
	body: string,
	headers: Record<string, string>,
	timeoutMs: number,
	signal?: AbortSignal,
) => Promise<PostAnswer>;

/** The body of every webhook carries the audit record's id: receivers drop a body whose id they have seen. */
export interface WebhookPayload {
	auditId: string;
	[field: string]: unknown;
}

/**
 * Delivers a signed JSON body in at most `maxAttempts` POSTs: network errors, 5xx and 429 are retried
 * after the API's waits (`retryWaitMs`: exponential backoff with full jitter; a 429's Retry-After, up to
 * `maxRetryAfterMs`, plus up to a fifth more at random), so receivers that turned many executions away
 * at once are not hit again in step; a 3xx is
 * not followed (the signed body goes to the configured URL only) and, like a 4xx, is not retried. With
 * no usable secret nothing is sent. Never throws: the outcome says what happened, and the caller
 * decides whether a failed delivery fails the item.
 */
export async function deliverWebhook(
	post: PostText,
	clock: Clock,
	target: WebhookTarget,
	payload: WebhookPayload,
): Promise<WebhookOutcome> {
	const startedMs = clock.now();
	const done = (attempts: number, status: number | null, error: string | null): WebhookOutcome => ({
		delivered: error === null,
		attempts,
		status,
		error,
		durationMs: clock.now() - startedMs,
	});
	const problem = target.secret === null ? undefined : signingSecretProblem(target.secret);
	if (problem !== undefined) return done(0, null, `not sent: ${problem}`);
	const body = JSON.stringify(payload);
	const maxRetryAfterMs = target.maxRetryAfterMs ?? DEFAULT_MAX_WEBHOOK_RETRY_AFTER_MS;
	const waitPolicy = {
		baseDelayMs: target.baseDelayMs,
		maxDelayMs: maxRetryAfterMs,
		minDelayMs: target.minDelayMs,
		retryAfterJitterFraction: RETRY_AFTER_JITTER_FRACTION,
	};
	let status: number | null = null;
	let error: string | null = null;
	/** What the last 429 asked with its Retry-After; undefined after any other failure (then the backoff). */
	let askedMs: number | undefined;
	let attempt = 0;
	while (attempt < target.maxAttempts) {
		// Drawn only when a retry is due: one random number a retry.
		const waitMs =
			attempt === 0 ? 0 : retryWaitMs(askedMs, attempt - 1, waitPolicy, clock.random());
		if (
			target.signal?.aborted ||
			(waitMs > 0 && !(await settle(clock.sleep(waitMs, target.signal))).ok)
		) {
			return done(
				attempt,
				status,
				attempt === 0
					? 'not sent: the execution was cancelled'
					: `${error}; not retried: the execution was cancelled`,
			);
		}
		attempt++;
		askedMs = undefined;
		const timestampSeconds = Math.floor(clock.now() / 1000);
		const headers: Record<string, string> = {
			'Content-Type': 'application/json',
			[TIMESTAMP_HEADER]: String(timestampSeconds),
		};
		if (target.secret)
			headers[SIGNATURE_HEADER] = signWebhook(target.secret, timestampSeconds, body);
		const outcome = await settle(post(target.url, body, headers, target.timeoutMs, target.signal));
		if (!outcome.ok) {
			status = null;
			// The error text may quote the receiver's answer or address: redacted and clipped.
			error =
				serverText((outcome.error as Error)?.message ?? String(outcome.error)) || 'no response';
			continue;
		}
		status = outcome.value.status;
		if (status >= 200 && status < 300) return done(attempt, status, null);
		if (status >= 300 && status < 400) {
			return done(
				attempt,
				status,
				`HTTP ${status}: a redirect to ${displayUrl(outcome.value.location)}, not followed; set Options › Webhook URL to the receiver's own address`,
			);
		}
		error = `HTTP ${status}`;
		if (status === 429) {
			askedMs = retryAfterMs(outcome.value.retryAfter, clock.now());
			if (askedMs !== undefined && askedMs > maxRetryAfterMs) {
				return done(
					attempt,
					status,
					`HTTP 429: the receiver asked to wait ${Math.ceil(askedMs / 1000)} s, more than the ${maxRetryAfterMs / 1000} s the node waits`,
				);
			}
			continue;
		}
		if (status < 500) return done(attempt, status, error);
	}
	return done(attempt, status, error);
}

/** PostText through n8n's `httpRequest` (the webhook URL is the user's own endpoint, not the CXone API). */
export function createN8nPost(ctx: IExecuteFunctions): PostText {
	return async (url, body, headers, timeoutMs, signal) => {
		const response = await ctx.helpers.httpRequest({
			method: 'POST',
			url,
			body,
			headers,
			timeout: timeoutMs,
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// A redirect would re-post the signed body to another address: it is an answer, not a hop.
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
			...(signal ? { abortSignal: signal } : {}),
		});
		const answer = response as { statusCode: number; headers?: Record<string, unknown> };
		const header = (name: string) => {
			const value = answer.headers?.[name];
			return value === undefined || value === null ? undefined : String(value);
		};
		return {
			status: answer.statusCode,
			retryAfter: header('retry-after'),
			location: header('location'),
		};
	};
}
