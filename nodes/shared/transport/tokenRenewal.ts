import { createHash } from 'crypto';
import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestHelper } from 'n8n-workflow';

import { CredentialRequestError, toldToNode } from './credentialRequest';
import { EndpointError } from './endpoints';

/**
 * The hidden credential field that carries a failed renewal's error from `preAuthentication`, which
 * must return (n8n stores only what it returns), to `authenticate`, which throws it.
 */
export const RENEWAL_ERROR_FIELD = 'tokenRenewalError';

/**
 * How the credentials' tokens are renewed, within what n8n does (n8n-core's
 * httpRequestWithAuthentication and the CLI's CredentialsHelper.preAuthentication):
 *
 * - n8n calls `preAuthentication` when the stored token is empty, or after the API answered 401 to it;
 *   a call with a token therefore means the API refused that token. It stores whatever the call
 *   returns, and only that: a call that throws leaves the refused token stored for the next execution.
 *   So a renewal that replaces a refused token never throws: a failure returns an empty token and its
 *   error, which `authenticate` throws, and the next request or execution starts with a renewal, not
 *   with the refused token. (With no token stored, a failure is thrown as n8n expects.)
 * - One renewal at a time per credential in this process: requests that need a token while one is
 *   being fetched wait for it, and a request that comes back with the token just replaced gets the new
 *   one. This lives in module memory; queue-mode workers each have their own, and without it every
 *   request is still correct (it renews for itself), only less frugal.
 * - A token this process saw refused is never sent: `authenticate` answers it with a 401 of its own
 *   before sending, which makes n8n renew first. That includes a 401 n8n handed back as a response
 *   (noteRefusedToken), which n8n itself does not renew on.
 */
interface CredentialTokens {
	/** SHA-256 of tokens the API refused, oldest first, at most MAX_REJECTED. */
	rejected: string[];
	inFlight?: Promise<RenewalOutcome>;
	/** What the newest successful renewal returned (the token, and the platform's API host). */
	latest?: IDataObject;
}

type RenewalOutcome =
	| { ok: true; fields: IDataObject }
	| { ok: false; error: SerializedError; aborted: boolean; cause: unknown };

interface SerializedError {
	name: string;
	message: string;
	field?: string;
	retryable?: boolean;
	httpStatus?: number;
	networkCode?: string;
	retryAfter?: string;
}

const MAX_CREDENTIALS = 64;
const MAX_REJECTED = 16;
const registry = new Map<string, CredentialTokens>();

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

function tokensOf(identity: readonly unknown[]): CredentialTokens {
	const key = digest(JSON.stringify(identity));
	let entry = registry.get(key);
	if (!entry) {
		entry = { rejected: [] };
		registry.set(key, entry);
		if (registry.size > MAX_CREDENTIALS) registry.delete(registry.keys().next().value as string);
	}
	return entry;
}

function isRejected(entry: CredentialTokens, token: unknown): boolean {
	return typeof token === 'string' && token !== '' && entry.rejected.includes(digest(token));
}

function reject(entry: CredentialTokens, token: string): void {
	if (isRejected(entry, token)) return;
	entry.rejected.push(digest(token));
	if (entry.rejected.length > MAX_REJECTED) entry.rejected.shift();
}

/**
 * SHA-256 of tokens the API answered 401 to in a response n8n handed back rather than threw (a request
 * made with `ignoreHttpStatusErrors`, which n8n does not renew on), newest last, at most MAX_REJECTED.
 * The credential that sends one next takes it into its own refused tokens (tokenToSend).
 */
let refusedInResponses: string[] = [];

/**
 * Notes that the API answered 401 to `token` in a response n8n did not treat as a failure: the
 * credential's `authenticate` then refuses the token with a 401 of its own, so n8n renews it before a
 * request carries it again, as it does after a thrown 401.
 */
export function noteRefusedToken(token: string): void {
	if (token === '' || refusedInResponses.includes(digest(token))) return;
	refusedInResponses.push(digest(token));
	if (refusedInResponses.length > MAX_REJECTED) refusedInResponses.shift();
}

function serialize(error: unknown): { error: SerializedError; aborted: boolean } {
	const e = (error ?? {}) as Partial<CredentialRequestError & EndpointError> & {
		code?: unknown;
		cause?: { code?: unknown };
	};
	const own = e.name === 'CredentialRequestError' || e.name === 'EndpointError';
	const code = e.code ?? e.cause?.code;
	const aborted =
		!own && (code === 'ERR_CANCELED' || e.name === 'AbortError' || e.name === 'CanceledError');
	if (own) {
		return {
			aborted,
			error: {
				name: String(e.name),
				message: String(e.message),
				field: e.field,
				retryable: e.retryable,
				httpStatus: e.httpStatus,
				networkCode: e.networkCode,
				retryAfter: e.retryAfter,
			},
		};
	}
	const message = aborted
		? 'The token request was stopped: the execution was cancelled or reached Options › Timeout.'
		: 'The token request failed.';
	return { aborted, error: { name: 'CredentialRequestError', message, retryable: true } };
}

/**
 * What preAuthentication returns for an outcome: the new token; or, when a refused token must not stay
 * stored, an empty one and the error. Without a stored token a failure is simply thrown.
 */
function fieldsOf(outcome: RenewalOutcome, refused: string): IDataObject {
	if (outcome.ok) return { ...outcome.fields, [RENEWAL_ERROR_FIELD]: '' };
	if (refused === '') throw outcome.cause;
	return { accessToken: '', [RENEWAL_ERROR_FIELD]: JSON.stringify(outcome.error) };
}

/**
 * A credential's `preAuthentication`: the token renewed by {@link renewToken} with `request`, and how that
 * ended told to the node that made the request (see `toldToNode`).
 */
export async function preAuthenticate(
	context: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
	identity: readonly unknown[],
	request: (
		context: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
	) => Promise<IDataObject>,
): Promise<IDataObject> {
	return await toldToNode(
		context,
		renewToken(identity, credentials, async () => await request(context, credentials)),
	);
}

/**
 * The body of a credential's `preAuthentication`: renews the token with `request` (which fetches a
 * token and returns the fields to store), sharing one renewal per credential (`identity`: the fields
 * that decide which token the endpoint gives). A failure is thrown when no token was stored, and
 * returned as an empty token otherwise, so that the refused one is not kept (see CredentialTokens).
 */
export async function renewToken(
	identity: readonly unknown[],
	credentials: ICredentialDataDecryptedObject,
	request: () => Promise<IDataObject>,
): Promise<IDataObject> {
	const entry = tokensOf(identity);
	const refused = String(credentials.accessToken ?? '');
	if (refused !== '') reject(entry, refused);
	for (;;) {
		if (entry.inFlight) {
			const shared = await entry.inFlight;
			// Another execution's renewal that its own cancel stopped says nothing about this one: renew.
			if (!shared.ok && shared.aborted) continue;
			return fieldsOf(shared, refused);
		}
		// The token came back refused, but a renewal replaced it already: the newer token serves.
		if (
			refused !== '' &&
			entry.latest &&
			entry.latest.accessToken !== refused &&
			!isRejected(entry, entry.latest.accessToken)
		) {
			return fieldsOf({ ok: true, fields: entry.latest }, refused);
		}
		const renewal: Promise<RenewalOutcome> = request()
			.then(
				(fields): RenewalOutcome => {
					// A token the endpoint hands out again is good again (some endpoints re-issue one until it expires).
					const issued = digest(String(fields.accessToken));
					entry.rejected = entry.rejected.filter((hash) => hash !== issued);
					entry.latest = fields;
					return { ok: true, fields };
				},
				(error: unknown): RenewalOutcome => ({ ok: false, ...serialize(error), cause: error }),
			)
			.finally(() => {
				if (entry.inFlight === renewal) entry.inFlight = undefined;
			});
		entry.inFlight = renewal;
		return fieldsOf(await renewal, refused);
	}
}

/** n8n renews a token when a request fails with a 401; this one is raised before the request is sent. */
export class KnownRejectedTokenError extends Error {
	readonly response = { status: 401 };

	constructor() {
		super(
			'The CXone access token was refused before; it is renewed before any request carries it again.',
		);
		this.name = 'KnownRejectedTokenError';
	}
}

/**
 * The token `authenticate` may send: throws the renewal's error when there is none, and a 401 of its
 * own (n8n then renews and repeats the request) when this process saw the API refuse it, or a node
 * noted the refusal (noteRefusedToken).
 */
export function tokenToSend(
	identity: readonly unknown[],
	credentials: ICredentialDataDecryptedObject,
): string {
	const token = String(credentials.accessToken ?? '');
	if (token === '') throw renewalError(credentials[RENEWAL_ERROR_FIELD]);
	const entry = tokensOf(identity);
	const noted = refusedInResponses.indexOf(digest(token));
	if (noted !== -1) {
		refusedInResponses.splice(noted, 1);
		reject(entry, token);
	}
	if (isRejected(entry, token)) throw new KnownRejectedTokenError();
	return token;
}

function renewalError(stored: unknown): Error {
	let error: SerializedError | undefined;
	try {
		error =
			typeof stored === 'string' && stored !== ''
				? (JSON.parse(stored) as SerializedError)
				: undefined;
	} catch {
		error = undefined;
	}
	if (!error || typeof error.message !== 'string') {
		return new CredentialRequestError(
			'The credential holds no access token: the last renewal failed. Run the workflow again.',
			true,
		);
	}
	if (error.name === 'EndpointError') return new EndpointError(error.field ?? '', error.message);
	return new CredentialRequestError(
		error.message,
		error.retryable === true,
		error.httpStatus,
		error.networkCode,
		error.retryAfter,
	);
}

/** Forgets every renewal and refused token of this process: what a new queue-mode worker knows. For tests. */
export function forgetTokenRenewals(): void {
	registry.clear();
	refusedInResponses = [];
}
