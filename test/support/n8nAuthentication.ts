/**
 * n8n-core's `httpRequestWithAuthentication`, as the test contexts reproduce it for the package's
 * credentials (test/support/n8nContext.ts with nock, security/support/n8nLike.ts against hostile servers):
 * how a credential is applied to a request, and when `preAuthentication` runs.
 */
import type { IDataObject, IHttpRequestOptions, INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { NiceCxoneApi } from '../../credentials/NiceCxoneApi.credentials';
import { NiceCxoneOAuth2Api } from '../../credentials/NiceCxoneOAuth2Api.credentials';

export const credentialTypes = {
	niceCxoneOAuth2Api: new NiceCxoneOAuth2Api(),
	niceCxoneApi: new NiceCxoneApi(),
};

export type CredentialTypeName = keyof typeof credentialTypes;

/** The request with the credential applied: its `authenticate` function, or the generic Bearer header of ours. */
export async function authenticated(
	type: CredentialTypeName,
	credentials: IDataObject,
	request: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const { authenticate } = credentialTypes[type];
	if (typeof authenticate === 'function') return await authenticate(credentials as never, request);
	return {
		...request,
		headers: { ...request.headers, Authorization: `Bearer ${String(credentials.accessToken)}` },
	};
}

/** The n8n lines whose NodeApiError the test contexts reproduce. */
export type N8nLine = 1 | 2;

/**
 * n8n's NodeApiError around `error`. On n8n 2.x it keeps the error as its cause. n8n-workflow 1.x's
 * ExecutionBaseError declares a class field `cause` that resets an Error cause after super(): the HTTP
 * error is gone with its response and request (headers, Retry-After, the Authorization sent), and only
 * the message, httpCode and context.data (the response body) are left.
 */
export function nodeApiError(node: INode, error: unknown, n8nLine: N8nLine = 2): NodeApiError {
	const wrapped = new NodeApiError(node, error as never);
	if (n8nLine === 1 && error instanceof Error) wrapped.cause = undefined;
	return wrapped;
}

/**
 * Sends as n8n does: `preAuthenticate` first when the stored token is empty; on a thrown 401 (not a
 * 401 returned because of `ignoreHttpStatusErrors`), once more after `preAuthenticate`; a failure is a
 * NodeApiError wrapping the HTTP error, as `n8nLine` makes it.
 */
export async function sendWithAuthentication(
	node: INode,
	credentials: IDataObject,
	preAuthenticate: () => Promise<void>,
	send: () => Promise<unknown>,
	n8nLine: N8nLine = 2,
): Promise<unknown> {
	try {
		if (credentials.accessToken === '') await preAuthenticate();
		return await send();
	} catch (error) {
		if ((error as { response?: { status?: number } }).response?.status === 401) {
			try {
				await preAuthenticate();
				return await send();
			} catch (retryError) {
				throw nodeApiError(node, retryError, n8nLine);
			}
		}
		throw nodeApiError(node, error, n8nLine);
	}
}
