import type { IExecuteFunctions } from 'n8n-workflow';

import type { ApiRequest, Send } from './types';
import { ApiFailure } from './types';
import { ownSignal, settle } from '../../shared/transport/clock';

export const CREDENTIAL_TYPE = 'niceCxoneOAuth2Api';

/** Per-request socket timeout: a request that hangs this long counts as a dropped connection. */
const REQUEST_TIMEOUT_MS = 60_000;

type Headers = Record<string, string | undefined>;

/** Token requests the credential made, and the time they took. */
export interface TokenTimer {
	requests: number;
	ms: number;
}

export interface N8nSendOptions {
	/** The credential type; the analytics OAuth2 one by default. */
	credentialType?: string;
	/** Not tied to the execution's cancel signal: cleanup DELETEs must still go out after a cancel. */
	detached?: boolean;
	/** Counts and times the token requests of the credential's `preAuthentication`. */
	tokenTimer?: TokenTimer;
}

/**
 * Sends API requests through n8n's `httpRequestWithAuthentication`, which fetches the token with
 * the credential's `preAuthentication`, caches it in the credential, and on a 401 renews it once
 * and repeats the call once (contract §1).
 *
 * n8n hands `preAuthentication` the helpers of the context the call is made with, and ties the call
 * to the cancel signal when that context has one; so the call is made with a view of the context
 * whose `httpRequest` (used only for the token) is timed, and which, when detached, has no signal.
 * Each call gets a signal of its own that follows the execution's (see ownSignal).
 */
export function createN8nSend(ctx: IExecuteFunctions, baseUrl: string | undefined, options: N8nSendOptions = {}): Send {
	const { tokenTimer, detached = false, credentialType = CREDENTIAL_TYPE } = options;
	const helpers = tokenTimer ? { ...ctx.helpers, httpRequest: timed(ctx.helpers.httpRequest, tokenTimer) } : ctx.helpers;
	const self = new Proxy(ctx, {
		get(target, property) {
			if (property === 'helpers') return helpers;
			if (property === 'getExecutionCancelSignal') return () => ownSignal(target.getExecutionCancelSignal?.());
			const value: unknown = Reflect.get(target, property);
			return typeof value === 'function' ? value.bind(target) : value;
		},
		has(target, property) {
			return detached && property === 'getExecutionCancelSignal' ? false : Reflect.has(target, property);
		},
	});
	return async (request: ApiRequest) => {
		try {
			const response = await ctx.helpers.httpRequestWithAuthentication.call(self, credentialType, {
				method: request.method,
				baseURL: baseUrl?.replace(/\/+$/, ''),
				url: request.path,
				qs: request.qs,
				body: request.body as never,
				headers: request.body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
				json: !request.text,
				...(request.text ? { encoding: 'text' as const } : {}),
				returnFullResponse: true,
				timeout: REQUEST_TIMEOUT_MS,
			});
			return { status: response.statusCode, headers: lowerCaseHeaders(response.headers), body: response.body };
		} catch (error) {
			throw toApiFailure(error);
		}
	};
}

/** Reads status, headers, body and network code out of what n8n's request helpers throw. */
export function toApiFailure(error: unknown): ApiFailure {
	const outer = error as {
		message?: string;
		httpCode?: string | null;
		code?: string;
		cause?: unknown;
		context?: { data?: unknown };
		response?: unknown;
	};
	const cause = (outer.cause ?? outer) as { code?: string; response?: { status?: number; headers?: unknown; data?: unknown } };
	const response = cause.response ?? (outer.response as typeof cause.response);
	const status =
		response?.status ?? (outer.httpCode && /^\d{3}$/.test(outer.httpCode) ? Number(outer.httpCode) : undefined);
	const body = response?.data ?? outer.context?.data;
	const headers = lowerCaseHeaders(response?.headers);
	// CXone's Reporting API puts its error text in this header rather than the body.
	return new ApiFailure(
		describeFailure(status, body, outer.message, headers.icstatusdescription),
		status,
		headers,
		body,
		status === undefined ? (cause.code ?? outer.code) : undefined,
	);
}

function timed<A extends unknown[], R>(request: (...args: A) => Promise<R>, timer: TokenTimer) {
	return async (...args: A): Promise<R> => {
		const startedMs = Date.now();
		timer.requests++;
		const outcome = await settle(request(...args));
		timer.ms += Date.now() - startedMs;
		if (!outcome.ok) throw outcome.error;
		return outcome.value;
	};
}

function describeFailure(status: number | undefined, body: unknown, fallback: string | undefined, statusText?: string): string {
	const b = body as { error?: unknown; message?: unknown; error_description?: unknown } | undefined;
	const text = statusText ?? [b?.error, b?.message ?? b?.error_description].filter((x) => typeof x === 'string').join(': ');
	if (status === undefined) return fallback ?? 'No response from the CXone API';
	return text ? `HTTP ${status} ${text}` : `HTTP ${status}${fallback ? ` (${fallback})` : ''}`;
}

function lowerCaseHeaders(headers: unknown): Headers {
	const result: Headers = {};
	if (headers && typeof headers === 'object') {
		for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
			result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value === undefined ? undefined : String(value);
		}
	}
	return result;
}
