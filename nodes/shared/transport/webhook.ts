import type { IExecuteFunctions } from 'n8n-workflow';

import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from '../core/webhookSignature';
import type { Clock } from './clock';
import { settle } from './clock';
import { serverText } from './serverText';

/** What became of a webhook delivery; it goes into the audit record. */
export interface WebhookOutcome {
	delivered: boolean;
	attempts: number;
	/** HTTP status of the last attempt; null when no response came. */
	status: number | null;
	error: string | null;
	durationMs: number;
}

export interface WebhookTarget {
	url: string;
	/** Signing secret; without one the body is sent unsigned. */
	secret?: string;
	timeoutMs: number;
	maxAttempts: number;
	baseDelayMs: number;
}

/** POSTs a body and resolves with the status whatever it is; rejects only when no response came. */
export type PostText = (url: string, body: string, headers: Record<string, string>, timeoutMs: number) => Promise<number>;

/**
 * Delivers a signed JSON body: retried with exponential backoff on network errors and 5xx, never on
 * 4xx (the receiver said no; sending again will not change its mind). Never throws: the outcome says
 * what happened, and the caller decides whether a failed delivery fails the workflow.
 */
export async function deliverWebhook(post: PostText, clock: Clock, target: WebhookTarget, payload: object): Promise<WebhookOutcome> {
	const body = JSON.stringify(payload);
	const startedMs = clock.now();
	let status: number | null = null;
	let error: string | null = null;
	let attempt = 0;
	while (attempt < target.maxAttempts) {
		if (attempt > 0) await clock.sleep(target.baseDelayMs * 2 ** (attempt - 1)).catch(() => undefined);
		attempt++;
		const timestampSeconds = Math.floor(clock.now() / 1000);
		const headers: Record<string, string> = { 'Content-Type': 'application/json', [TIMESTAMP_HEADER]: String(timestampSeconds) };
		if (target.secret) headers[SIGNATURE_HEADER] = signWebhook(target.secret, timestampSeconds, body);
		const outcome = await settle(post(target.url, body, headers, target.timeoutMs));
		if (outcome.ok) {
			status = outcome.value;
			error = status >= 200 && status < 300 ? null : `HTTP ${status}`;
			if (status < 500) break;
		} else {
			status = null;
			// The error text may quote the receiver's answer or address: redacted and clipped.
			error = serverText((outcome.error as Error)?.message ?? String(outcome.error)) || 'no response';
		}
	}
	return { delivered: error === null, attempts: attempt, status, error, durationMs: clock.now() - startedMs };
}

/** PostText through n8n's `httpRequest` (the webhook URL is the user's own endpoint, not the CXone API). */
export function createN8nPost(ctx: IExecuteFunctions): PostText {
	return async (url, body, headers, timeoutMs) => {
		const response = await ctx.helpers.httpRequest({
			method: 'POST',
			url,
			body,
			headers,
			timeout: timeoutMs,
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			sendCredentialsOnCrossOriginRedirect: false,
		});
		return response.statusCode as number;
	};
}
