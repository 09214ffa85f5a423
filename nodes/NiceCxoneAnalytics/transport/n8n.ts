import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	IHttpRequestOptions,
} from 'n8n-workflow';

import type { ApiRequest, Send } from './types';
import { ApiFailure, CxoneApiError } from './errors';
import { settle } from '../../shared/transport/clock';
import type { CredentialRequestError } from '../../shared/transport/credentialRequest';
import { displayUrl } from '../../shared/transport/endpoints';
import type { AnswerLimits } from '../../shared/transport/responseBody';
import {
	ANSWER_CAPS,
	AnswerTooLargeError,
	isBodyStream,
	isSuccess,
	parseErrorAnswer,
	parseJsonAnswer,
	readAnswer,
	readAnswerPrefix,
	readAnswerText,
	readErrorAnswer,
} from '../../shared/transport/responseBody';
import { serverText, withoutExactSecrets } from '../../shared/transport/serverText';
import { noteRefusedToken } from '../../shared/transport/tokenRenewal';

export const CREDENTIAL_TYPE = 'niceCxoneOAuth2Api';

/**
 * Per-request socket timeout: a request that hangs this long counts as a dropped connection. n8n's
 * axios applies it until the headers arrive; the node applies it to the body's bytes itself.
 */
const REQUEST_TIMEOUT_MS = 60_000;

type Headers = Record<string, string | undefined>;

/** What n8n's request helpers return with `returnFullResponse`. */
interface FullResponse {
	statusCode: number;
	statusMessage?: string;
	headers?: unknown;
	body?: unknown;
}

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
	/** The per-request timeout (REQUEST_TIMEOUT_MS by default): before the headers, and between a body's bytes. */
	requestTimeoutMs?: number;
}

/**
 * Sends API requests through n8n's `httpRequestWithAuthentication`, which fetches the token with
 * the credential's `preAuthentication`, caches it in the credential, and on a 401 renews it once
 * and repeats the call once (docs/api/analytics-v2.md §1).
 *
 * Every status comes back as a response (`ignoreHttpStatusErrors`): n8n 1.x's NodeApiError drops the
 * HTTP error it wraps, and with it the headers (Retry-After). n8n renews only on a thrown 401, so a
 * 401 response is noted as refusing the token the request carried, and the request is sent once more:
 * the credential's `authenticate` then throws a 401 of its own for that token, and n8n renews and
 * sends the request with the new token. The refused token is not sent again.
 *
 * n8n hands `preAuthentication` the helpers of the context the call is made with, and ties the call
 * to the cancel signal when that context has one; so the call is made with a view of the context
 * whose `httpRequest` (used only for the token) is timed, and which, when detached, has none of the
 * execution's signal (only its own, which the node aborts to drop a connection).
 * n8n also reads the credential through that view (`getCredentials`) and renews into the object it
 * read, so the view knows the token the request carried. Each call gets a signal of its own that
 * follows the execution's (see ownSignal).
 *
 * Every answer is asked for as a stream (`encoding: 'stream'`, `json: false`) and read by the node
 * within a cap (ANSWER_CAPS in shared/transport/responseBody.ts), then parsed: a server cannot make
 * n8n buffer an answer of hundreds of MB, or an endless one. Past a cap the connection is dropped
 * and the request fails with a CxoneApiError that says which answer, and is not retried. So are the
 * credential's token answers (credentialRequest reads them, within ANSWER_CAPS.credential).
 */
export function createN8nSend(
	ctx: IExecuteFunctions,
	baseUrl: string | undefined,
	options: N8nSendOptions = {},
): Send {
	const {
		tokenTimer,
		detached = false,
		credentialType = CREDENTIAL_TYPE,
		requestTimeoutMs = REQUEST_TIMEOUT_MS,
	} = options;
	/**
	 * A token request of the credential, its answer read within ANSWER_CAPS.credential when it is a
	 * stream (credentialRequest asks for one; it then gets the text). `drop` closes its connection.
	 */
	const tokenRequest = async (request: IHttpRequestOptions, drop: AbortController) => {
		const answer = (await ctx.helpers.httpRequest(request)) as unknown;
		const full = answer as FullResponse | undefined;
		if (!full || typeof full !== 'object' || !isBodyStream(full.body)) return answer;
		const limits: AnswerLimits = {
			maxBytes: ANSWER_CAPS.credential,
			headers: full.headers,
			idleMs: typeof request.timeout === 'number' ? request.timeout : requestTimeoutMs,
			signal: request.abortSignal as AbortSignal | undefined,
			drop: (reason) => drop.abort(reason),
		};
		// An answer outside 2xx is read for its message only (a gateway's 503 page of 300 KB is still a 503).
		const body = isSuccess(full.statusCode)
			? await readAnswerText(full.body, limits)
			: await readErrorAnswer(full.body, limits, 'json');
		return { ...full, body };
	};
	const timedRequest = tokenTimer ? timed(tokenRequest, tokenTimer) : tokenRequest;
	// The tokens the credential fetched through these helpers: an error that quotes one is redacted.
	const tokens = new Set<string>();
	const httpRequest = async (
		request: IHttpRequestOptions,
		drop: AbortController,
	): Promise<unknown> => {
		const answer: unknown = await timedRequest(request, drop);
		const token = accessTokenOf(answer);
		if (token !== undefined) tokens.add(token);
		return answer;
	};
	return async (request: ApiRequest) => {
		// The execution's cancel signal (unless detached) and the request's own deadline.
		const stops = [detached ? undefined : ctx.getExecutionCancelSignal?.(), request.signal].filter(
			(one): one is AbortSignal => one !== undefined,
		);
		// `reading` is aborted to close the connection of an answer the node stops reading (too large,
		// idle); `signal` is it and `stops` as one. Each attempt (a request repeated after a 401) has its own.
		let reading = new AbortController();
		let signal = AbortSignal.any([...stops, reading.signal]);
		const nextAttempt = () => {
			reading = new AbortController();
			signal = AbortSignal.any([...stops, reading.signal]);
		};
		// How the credential's last `preAuthentication` for this request ended (CredentialOutcomeListener).
		let credentialFailure: unknown;
		// The credential's token requests get the same signal, so a deadline bounds them too, and any
		// signal of their own.
		const helpers = {
			...ctx.helpers,
			credentialOutcome: (error: unknown) => {
				credentialFailure = error;
			},
			httpRequest: async (options: IHttpRequestOptions) => {
				const drop = new AbortController();
				const own = options.abortSignal as AbortSignal | undefined;
				return await httpRequest(
					{
						...options,
						abortSignal: AbortSignal.any(own ? [signal, drop.signal, own] : [signal, drop.signal]),
					},
					drop,
				);
			},
		};
		// The credentials n8n read for this request, newest last: their tokens are what it carried.
		const read: ICredentialDataDecryptedObject[] = [];
		const getCredentials = async (type: string, itemIndex?: number) => {
			const credentials = await ctx.getCredentials(type, itemIndex);
			if (type === credentialType) read.push(credentials);
			return credentials;
		};
		const sentTokens = () => read.map((credentials) => String(credentials.accessToken ?? ''));
		const self = new Proxy(ctx, {
			get(target, property) {
				if (property === 'helpers') return helpers;
				if (property === 'getCredentials') return getCredentials;
				if (property === 'getExecutionCancelSignal') return () => signal;
				const value: unknown = Reflect.get(target, property);
				return typeof value === 'function' ? value.bind(target) : value;
			},
			has(target, property) {
				return property === 'getExecutionCancelSignal' || Reflect.has(target, property);
			},
		});
		const common = {
			method: request.method,
			qs: request.qs,
			// The body comes as a stream, read within its cap before it is parsed (readBody).
			json: false,
			encoding: 'stream' as const,
			returnFullResponse: true as const,
			timeout: requestTimeoutMs,
			// No redirect is followed, and none would carry a credential: an answer comes from the address asked.
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
		};
		const authenticated = async (ignoreHttpStatusErrors: boolean): Promise<FullResponse> =>
			await ctx.helpers.httpRequestWithAuthentication.call(self, credentialType, {
				...common,
				ignoreHttpStatusErrors,
				baseURL: baseUrl?.replace(/\/+$/, ''),
				url: request.path,
				body: request.body as never,
				headers:
					request.body === undefined
						? { Accept: 'application/json' }
						: { Accept: 'application/json', 'Content-Type': 'application/json' },
			});
		/**
		 * The body of an answer: a 2xx one within its cap (past it, a CxoneApiError); another only for its
		 * message, its first ANSWER_CAPS.error (the rest is left unread, its connection dropped).
		 */
		const readBody = async (answer: FullResponse): Promise<unknown> => {
			const as = request.text ? 'text' : 'json';
			const limits: AnswerLimits = {
				maxBytes: request.maxBytes ?? (request.text ? ANSWER_CAPS.reportFile : ANSWER_CAPS.apiJson),
				headers: answer.headers,
				idleMs: requestTimeoutMs,
				signal,
				drop: (reason) => reading.abort(reason),
			};
			if (!isSuccess(answer.statusCode)) return await readErrorAnswer(answer.body, limits, as);
			const read = await settle(readAnswer(answer.body, limits, as));
			if (read.ok) return read.value;
			// The headers still say what they say (a submit's Location names its query, to cancel it).
			const headers = lowerCaseHeaders(answer.headers);
			if (read.error instanceof AnswerTooLargeError)
				throw tooLargeError(request, answer.statusCode, read.error, headers);
			// The server took a submit and its answer broke off: sent again, it would start the query again,
			// and the first one's id never arrived to cancel it.
			if (request.method !== 'GET' && !signal.aborted)
				throw new CxoneApiError(
					`The CXone server's answer to ${requestName(request)} (HTTP ${answer.statusCode}) broke off before its end (${(read.error as Error).message}): the request was not sent again, since the server may have acted on it. Run the workflow again.`,
					undefined,
					undefined,
					headers,
				);
			throw read.error;
		};
		const exchange = async (): Promise<{ response: FullResponse; body: unknown }> => {
			if (request.anonymous) {
				// A pre-signed link (a report file): fetched without any credential.
				const answer: FullResponse = await ctx.helpers.httpRequest({
					...common,
					ignoreHttpStatusErrors: true,
					url: request.path,
					headers: { Accept: '*/*' },
					abortSignal: signal,
				});
				return { response: answer, body: await readBody(answer) };
			}
			let answer = await authenticated(true);
			if (answer.statusCode === 401) {
				// The refused answer is read (it is small) so that its connection is free again.
				await readBody(answer);
				// n8n renews on the credential's 401 for the noted token, and repeats the request.
				const refused = sentTokens().at(-1) ?? '';
				noteRefusedToken(refused);
				// Had n8n read no credential through `self`, only a thrown 401 makes it renew.
				nextAttempt();
				answer = await authenticated(refused !== '');
			}
			return { response: answer, body: await readBody(answer) };
		};
		const outcome = await settle(exchange());
		if (!outcome.ok) {
			const { error } = outcome;
			// An answer past its cap: said as it is, and not retried.
			if (error instanceof CxoneApiError) throw error;
			await readThrownBody(error, request, signal, reading, requestTimeoutMs);
			throw toApiFailure(error, [...tokens, ...sentTokens()], credentialFailure);
		}
		const { response, body } = outcome.value;
		if (isSuccess(response.statusCode)) {
			return { status: response.statusCode, headers: lowerCaseHeaders(response.headers), body };
		}
		throw httpFailure(
			{
				status: response.statusCode,
				headers: response.headers,
				body,
				message: response.statusMessage,
			},
			[...tokens, ...sentTokens()],
		);
	};
}

/** `GET /api/v2/analytics/query/q1`: the method and path of a request (a full URL without its query). */
function requestName(request: ApiRequest): string {
	if (/^[a-z][a-z\d+.-]*:/i.test(request.path))
		return `${request.method} ${displayUrl(request.path)}`;
	const path = request.path.split('?')[0];
	return `${request.method} ${path.length > 120 ? `${path.slice(0, 120)}…` : path}`;
}

/**
 * The error of a 2xx answer past its cap: which answer, the cap, and that the server sent it. Not an
 * ApiFailure, so it is not retried (the same server would send the same answer again).
 */
function tooLargeError(
	request: ApiRequest,
	status: number,
	error: AnswerTooLargeError,
	headers: Headers,
): CxoneApiError {
	const advice = request.text
		? 'Narrow the report (a shorter time range, or fewer columns in CXone) and run again.'
		: 'Nothing was output; run the workflow again, and report it to NICE if it persists.';
	return new CxoneApiError(
		`The CXone server's ${request.text ? 'file' : 'answer'} to ${requestName(request)} (HTTP ${status}) ${error.what}. ${advice}`,
		status,
		undefined,
		headers,
	);
}

/**
 * n8n threw for an answer (a status it was asked not to ignore): the body its error holds is still a
 * stream. Its first ANSWER_CAPS.error is read, as of any error answer, and put where toApiFailure
 * looks for it (the HTTP error's `response.data`; the NodeApiError's `context.data` on n8n 1.x, which
 * drops the HTTP error).
 */
async function readThrownBody(
	error: unknown,
	request: ApiRequest,
	signal: AbortSignal,
	reading: AbortController,
	idleMs: number,
): Promise<void> {
	type Response = { headers?: unknown; data?: unknown };
	const e = error as
		| { response?: Response; cause?: { response?: Response }; context?: { data?: unknown } }
		| undefined;
	const holders = [e?.cause?.response, e?.response, e?.context].filter(
		(holder): holder is { data?: unknown } => !!holder && typeof holder === 'object',
	);
	const stream = holders.map((holder) => holder.data).find(isBodyStream);
	if (!stream) return;
	const read = await settle(
		readAnswerPrefix(stream, {
			maxBytes: ANSWER_CAPS.error,
			headers: (e?.cause?.response ?? e?.response)?.headers,
			idleMs,
			signal,
			drop: (reason) => reading.abort(reason),
		}),
	);
	// A body cut short otherwise (the connection dropped) is left out: the status says enough.
	const body = parseErrorAnswer(
		read.ok ? read.value : { text: '', complete: true },
		request.text ? 'text' : 'json',
	);
	for (const holder of holders) if (holder.data === stream) holder.data = body;
}

/** The `access_token` of a token endpoint's answer (a full response or its body), if it has one. */
function accessTokenOf(answer: unknown): string | undefined {
	const full = answer as { body?: unknown; statusCode?: unknown } | undefined;
	const raw = full && typeof full === 'object' && 'statusCode' in full ? full.body : answer;
	// The text of a token answer read as a stream (see tokenRequest in createN8nSend).
	const body = (typeof raw === 'string' ? parseJsonAnswer(raw) : raw) as
		| { access_token?: unknown }
		| undefined;
	const token = body && typeof body === 'object' ? body.access_token : undefined;
	return typeof token === 'string' && token !== '' ? token : undefined;
}

/**
 * The credentials a failed request carried, read from the request config n8n's helpers keep on the
 * error (axios' `config.headers`, the legacy `options.headers`) along its chain of causes: the token
 * of each Authorization header.
 */
export function sentCredentials(error: unknown): string[] {
	const found: string[] = [];
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const e = current as {
			config?: { headers?: unknown };
			options?: { headers?: unknown };
			cause?: unknown;
		};
		for (const headers of [e.config?.headers, e.options?.headers]) {
			if (!headers || typeof headers !== 'object') continue;
			for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
				if (name.toLowerCase() !== 'authorization' || typeof value !== 'string') continue;
				// The token after its scheme (`Bearer`): the scheme itself is no secret.
				found.push(value.replace(/^\s*\w+\s+/, '').trim());
			}
		}
		current = e.cause;
	}
	return found.filter((secret) => secret.length >= 4);
}

/** `value` with every secret replaced, in its strings, arrays and objects (to a bounded depth). */
function withoutSecrets(value: unknown, secrets: readonly string[], depth = 0): unknown {
	if (secrets.length === 0) return value;
	if (typeof value === 'string') return withoutExactSecrets(value, secrets);
	if (!value || typeof value !== 'object' || depth > 8) return value;
	if (Array.isArray(value)) return value.map((entry) => withoutSecrets(entry, secrets, depth + 1));
	return Object.fromEntries(
		Object.entries(value as Record<string, unknown>).map(([key, entry]) => [
			withoutExactSecrets(key, secrets),
			withoutSecrets(entry, secrets, depth + 1),
		]),
	);
}

/**
 * Reads status, headers, body and network code out of what n8n's request helpers throw. The token
 * the request carried (and any of `knownTokens`) is taken out of the body, headers and message: a
 * server that quotes it back must not put it in items, audit records, logs or webhook bodies,
 * whatever it looks like.
 */
export function toApiFailure(
	error: unknown,
	knownTokens: readonly string[] = [],
	credentialFailure?: unknown,
): ApiFailure {
	const outer = error as {
		message?: string;
		httpCode?: string | null;
		code?: string;
		cause?: unknown;
		context?: { data?: unknown };
		response?: unknown;
	};
	// The credential's own failures (a refused secret, an unavailable token endpoint, a refused
	// address) already say what happened and what to do; n8n wraps them in a NodeApiError: n8n 2.x
	// keeps them as its cause, n8n 1.x drops them, and the node heard of them from the credential (its
	// last `preAuthentication` for this request failed so, and the message is the same).
	const heard =
		credentialFailure instanceof Error && credentialFailure.message === outer.message
			? credentialFailure
			: undefined;
	const own = [outer.cause, error, heard].find(
		(candidate) =>
			candidate instanceof Error &&
			(candidate.name === 'CredentialRequestError' || candidate.name === 'EndpointError'),
	) as (Error & Partial<CredentialRequestError>) | undefined;
	if (own) {
		return new ApiFailure(
			own.message,
			own.httpStatus,
			own.retryAfter === undefined ? {} : { 'retry-after': own.retryAfter },
			undefined,
			own.networkCode,
			{ fromCredential: true, retryable: own.retryable ?? false },
		);
	}
	const cause = (outer.cause ?? outer) as {
		code?: string;
		response?: { status?: number; headers?: unknown; data?: unknown };
	};
	const response = cause.response ?? (outer.response as typeof cause.response);
	const status =
		response?.status ??
		(outer.httpCode && /^\d{3}$/.test(outer.httpCode) ? Number(outer.httpCode) : undefined);
	// n8n 1.x's NodeApiError keeps no cause: a dropped connection's code is then only in its httpCode.
	const codeInHttpCode =
		outer.httpCode && /^(E[A-Z]+|ERR_[A-Z_]+)$/.test(outer.httpCode) ? outer.httpCode : undefined;
	return httpFailure(
		{
			status,
			headers: response?.headers,
			body: response?.data ?? outer.context?.data,
			message: outer.message,
			networkCode: cause.code ?? outer.code ?? codeInHttpCode,
		},
		[...sentCredentials(error), ...knownTokens],
	);
}

/**
 * The ApiFailure of an answer outside 2xx (or of no answer: `networkCode`), with every secret taken
 * out of its body, headers and message. `message` is what to say when the answer's body says nothing.
 */
function httpFailure(
	answer: {
		status: number | undefined;
		headers: unknown;
		body: unknown;
		message: string | undefined;
		networkCode?: string;
	},
	secrets: readonly string[],
): ApiFailure {
	// Longest first, so a token goes before any shorter one inside it.
	const sorted = [...new Set(secrets)]
		.filter((secret) => secret.length >= 4)
		.sort((a, b) => b.length - a.length);
	const body = withoutSecrets(answer.body, sorted);
	const headers = withoutSecrets(lowerCaseHeaders(answer.headers), sorted) as Headers;
	// CXone's Reporting API puts its error text in this header rather than the body.
	return new ApiFailure(
		describeFailure(answer.status, body, answer.message, headers.icstatusdescription, sorted),
		answer.status,
		headers,
		body,
		answer.status === undefined ? answer.networkCode : undefined,
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

function describeFailure(
	status: number | undefined,
	body: unknown,
	fallback: string | undefined,
	statusText: string | undefined,
	secrets: readonly string[],
): string {
	const b = body as { error?: unknown; message?: unknown; error_description?: unknown } | undefined;
	const text =
		serverText(statusText, secrets) ||
		[b?.error, b?.message ?? b?.error_description]
			.map((x) => serverText(x, secrets))
			.filter((x) => x !== '')
			.join(': ');
	const other = serverText(fallback, secrets);
	if (status === undefined) return other || 'No response from the CXone API';
	return text ? `HTTP ${status} ${text}` : `HTTP ${status}${other ? ` (${other})` : ''}`;
}

function lowerCaseHeaders(headers: unknown): Headers {
	const result: Headers = {};
	if (headers && typeof headers === 'object') {
		for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
			result[name.toLowerCase()] = Array.isArray(value)
				? value.join(', ')
				: value === undefined
					? undefined
					: String(value);
		}
	}
	return result;
}
