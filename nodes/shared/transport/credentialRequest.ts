import type { IDataObject, IHttpRequestHelper, IHttpRequestOptions } from 'n8n-workflow';

import { settle } from './clock';
import { displayUrl } from './endpoints';
import {
	ANSWER_CAPS,
	AnswerTooLargeError,
	isSuccess,
	readAnswer,
	readErrorAnswer,
} from './responseBody';
import { serverText } from './serverText';

/**
 * A request a credential made for its token (discovery, the token, the API host lookup) failed. It
 * carries what the transport needs to retry it like an API call: the status or the network code,
 * `Retry-After`, and whether another attempt can help (an outage can, a refused secret cannot).
 */
export class CredentialRequestError extends Error {
	constructor(
		message: string,
		readonly retryable: boolean,
		readonly httpStatus?: number,
		readonly networkCode?: string,
		readonly retryAfter?: string,
	) {
		super(message);
		this.name = 'CredentialRequestError';
	}
}

/**
 * What a node that sends through n8n's helpers may add to them, to hear how the credential's
 * `preAuthentication` ended: n8n 1.x wraps a credential's error in a NodeApiError that drops it (its
 * class field `cause` resets it), so the node could not tell a token endpoint's outage (retried) from
 * any other failure (not retried). n8n hands `preAuthentication` the helpers of the context the
 * request was made with, so the node hears it from there on both lines.
 */
export interface CredentialOutcomeListener {
	/** Called once a `preAuthentication` ends: with its error, or with undefined when it succeeded. */
	credentialOutcome?: (error: unknown) => void;
}

/** `renewal` (a credential's `preAuthentication` work), its outcome told to the helpers' listener. */
export async function toldToNode<T>(context: IHttpRequestHelper, renewal: Promise<T>): Promise<T> {
	const outcome = await settle(renewal);
	(context.helpers as CredentialOutcomeListener).credentialOutcome?.(
		outcome.ok ? undefined : outcome.error,
	);
	if (!outcome.ok) throw outcome.error;
	return outcome.value;
}

/** Per-request limit of a token request: a token endpoint that hangs this long has failed. */
const CREDENTIAL_REQUEST_TIMEOUT_MS = 30_000;

export interface CredentialResponse {
	status: number;
	headers: Record<string, string | undefined>;
	body: IDataObject;
}

/**
 * Sends one request of a credential's `preAuthentication`: no redirect is followed and no credential
 * goes along with one (n8n re-sends both on a cross-origin redirect unless told not to), every status
 * comes back as a response, and a request that got no response fails with a CredentialRequestError
 * saying which endpoint did not answer. The answer is read as it arrives, at most
 * ANSWER_CAPS.credential of it (responseBody.ts): a bigger one is refused, its connection closed.
 */
export async function credentialRequest(
	context: IHttpRequestHelper,
	what: string,
	options: IHttpRequestOptions,
): Promise<CredentialResponse> {
	type Answer = { statusCode: number; headers?: unknown; body?: unknown };
	const timeout = options.timeout ?? CREDENTIAL_REQUEST_TIMEOUT_MS;
	// Aborted to close the connection of an answer past the cap.
	const drop = new AbortController();
	const own = options.abortSignal as AbortSignal | undefined;
	const hasAccept = Object.keys(options.headers ?? {}).some(
		(name) => name.toLowerCase() === 'accept',
	);
	const outcome = await context.helpers
		.httpRequest({
			...options,
			timeout,
			headers: hasAccept ? options.headers : { ...options.headers, Accept: 'application/json' },
			// The body comes as a stream, read within the cap before it is parsed.
			json: false,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			maxRedirects: 0,
			sendCredentialsOnCrossOriginRedirect: false,
			abortSignal: own ? AbortSignal.any([drop.signal, own]) : drop.signal,
		})
		.then(async (answer: unknown) => {
			const response = answer as Answer;
			const limits = {
				maxBytes: ANSWER_CAPS.credential,
				headers: response.headers,
				idleMs: timeout,
				drop: (reason: Error) => drop.abort(reason),
			};
			// An answer outside 2xx is read for its message only (a gateway's 503 page of 300 KB is still a 503).
			const body = isSuccess(response.statusCode)
				? await readAnswer(response.body, limits, 'json')
				: await readErrorAnswer(response.body, limits, 'json');
			return { answer: { ...response, body } };
		})
		.catch((error: unknown) => ({
			error: error as Error & { code?: unknown; cause?: { code?: unknown } },
		}));
	if ('error' in outcome) {
		const { error } = outcome;
		if (error instanceof AnswerTooLargeError) {
			throw new CredentialRequestError(
				`${what} at ${displayUrl(options.url)} sent an answer that ${error.what}. Check the address in the credential, and report it to NICE if it persists.`,
				false,
			);
		}
		const code = error.code ?? error.cause?.code;
		// A cancelled execution or a passed deadline is not the endpoint's fault: let the caller see it.
		const aborted =
			code === 'ERR_CANCELED' || error.name === 'AbortError' || error.name === 'CanceledError';
		const networkCode = typeof code === 'string' ? code : 'no response';
		throw aborted
			? error
			: new CredentialRequestError(
					`${what} at ${displayUrl(options.url)} gave no response (${networkCode}). Check the address and the network, then run again.`,
					true,
					undefined,
					networkCode,
				);
	}
	const response = outcome.answer;
	const headers: Record<string, string | undefined> = {};
	if (response.headers && typeof response.headers === 'object') {
		for (const [name, value] of Object.entries(response.headers as Record<string, unknown>)) {
			headers[name.toLowerCase()] = value === undefined ? undefined : String(value);
		}
	}
	const body =
		response.body && typeof response.body === 'object' && !Array.isArray(response.body)
			? (response.body as IDataObject)
			: {};
	return { status: response.statusCode, headers, body };
}

/**
 * The error of a credential request that answered with something other than what was asked for.
 * 400 and 401 mean the secrets were refused (`refused`); 429 and 5xx are an outage or throttling and
 * may be retried; a redirect is refused, since secrets go only to the configured address.
 */
export function credentialResponseError(
	what: string,
	url: string,
	response: CredentialResponse,
	refused: (reason: string) => string,
	fix: string,
	secrets: readonly unknown[],
): CredentialRequestError {
	const { status, body, headers } = response;
	const reason = [body.error, body.error_description ?? body.message]
		.map((part) => serverText(part, secrets))
		.filter((part) => part !== '')
		.join(': ');
	const detail = `HTTP ${status}${reason ? ` ${reason}` : ''}`;
	if (status >= 300 && status < 400) {
		return new CredentialRequestError(
			`${what} at ${displayUrl(url)} answered with a redirect (HTTP ${status} to ${displayUrl(headers.location)}). The node follows no redirect with a secret: ${fix}`,
			false,
			status,
		);
	}
	if (status === 400 || status === 401)
		return new CredentialRequestError(refused(detail), false, status);
	if (status === 429 || status >= 500) {
		return new CredentialRequestError(
			`${what} at ${displayUrl(url)} is unavailable (${detail}), even after retries: an outage or throttling, not a refusal of the credentials. Run the workflow again later.`,
			true,
			status,
			undefined,
			headers['retry-after'],
		);
	}
	return new CredentialRequestError(
		`${what} at ${displayUrl(url)} answered ${detail}: ${fix}`,
		false,
		status,
	);
}
