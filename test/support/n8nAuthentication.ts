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

/**
 * Sends as n8n does: `preAuthenticate` first when the stored token is empty; on a 401, once more after
 * `preAuthenticate`; a failure is a NodeApiError wrapping the HTTP error.
 */
export async function sendWithAuthentication(
	node: INode,
	credentials: IDataObject,
	preAuthenticate: () => Promise<void>,
	send: () => Promise<unknown>,
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
				throw new NodeApiError(node, retryError as never);
			}
		}
		throw new NodeApiError(node, error as never);
	}
}
