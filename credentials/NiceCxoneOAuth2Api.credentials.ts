import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import {
	CredentialRequestError,
	credentialRequest,
	credentialResponseError,
} from '../nodes/shared/transport/credentialRequest';
import {
	EndpointError,
	analyticsApiRoot,
	checkEndpointUrl,
	displayUrl,
	resolveUrl,
	sameOrigin,
} from '../nodes/shared/transport/endpoints';
import {
	RENEWAL_ERROR_FIELD,
	preAuthenticate,
	tokenToSend,
} from '../nodes/shared/transport/tokenRenewal';

const WHERE = 'the NICE CXone OAuth2 API credential';

/** The fields that decide which token the endpoint hands out: one renewal at a time per such set. */
const identity = (credentials: ICredentialDataDecryptedObject) => [
	'niceCxoneOAuth2Api',
	credentials.tokenUrl,
	credentials.clientId,
	credentials.clientSecret,
	credentials.scope,
];

/** Asks the token endpoint for a token (client credentials grant); throws what went wrong, named. */
async function requestToken(
	context: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
) {
	// Every URL of the credential is checked before anything is sent, the Base URL included.
	const tokenUrl = checkEndpointUrl(credentials.tokenUrl, 'Token URL', WHERE);
	analyticsApiRoot(credentials.baseUrl);
	for (const [field, label] of [
		['clientId', 'Client ID'],
		['clientSecret', 'Client Secret'],
	] as const) {
		if (String(credentials[field] ?? '').trim() === '') {
			throw new EndpointError(
				label,
				`${label} is empty. Enter the API client's ${label === 'Client ID' ? 'id' : 'secret'} in ${WHERE}.`,
			);
		}
	}
	const secrets = [credentials.clientSecret, credentials.accessToken];
	const response = await credentialRequest(context, 'The CXone token endpoint', {
		method: 'POST',
		url: tokenUrl.href,
		auth: { username: String(credentials.clientId), password: String(credentials.clientSecret) },
		headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
		body: new URLSearchParams({
			grant_type: 'client_credentials',
			scope: String(credentials.scope ?? ''),
		}).toString(),
	});
	const accessToken = response.body.access_token;
	if (response.status === 200 && typeof accessToken === 'string' && accessToken !== '')
		return { accessToken };
	if (response.status === 200) {
		throw new CredentialRequestError(
			`The CXone token endpoint ${displayUrl(tokenUrl.href)} answered without an access token. Check Token URL in ${WHERE}.`,
			false,
			200,
		);
	}
	throw credentialResponseError(
		'The CXone token endpoint',
		tokenUrl.href,
		response,
		(detail) =>
			`The CXone token endpoint ${displayUrl(tokenUrl.href)} refused the client credentials (${detail}). Check Client ID, Client Secret and Token URL in ${WHERE}.`,
		`set Token URL to the token endpoint itself in ${WHERE}.`,
		secrets,
	);
}

/**
 * CXone OAuth 2.0 client credentials (docs/api/analytics-v2.md §1). The token is fetched by `preAuthentication`
 * and kept in the hidden, expirable `accessToken` field: n8n reuses it across items, pages, polls
 * and executions, and on a 401 fetches a new one once and repeats the call once.
 */
export class NiceCxoneOAuth2Api implements ICredentialType {
	name = 'niceCxoneOAuth2Api';

	displayName = 'NICE CXone OAuth2 API';

	icon: Icon = { light: 'file:nice-cxone.svg', dark: 'file:nice-cxone.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-nice-cxone/n8n-nodes-nice-cxone#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Token URL',
			name: 'tokenUrl',
			type: 'string',
			default: 'https://login.mynicecx.com/oauth/token',
			required: true,
			description: 'OAuth 2.0 token endpoint of your CXone tenant',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.mynicecx.com',
			required: true,
			description: 'Base URL of the CXone API, without a trailing path',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default: 'analytics:query analytics:view',
			description:
				'Space-separated scopes: analytics:query to run queries, analytics:view to read results',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'Token Renewal Error',
			name: RENEWAL_ERROR_FIELD,
			type: 'hidden',
			default: '',
		},
	];

	/**
	 * Fetches a token when n8n has none or the API refused the one it had: one renewal at a time per
	 * credential, and a failure stores an empty token, never keeps the refused one (tokenRenewal.ts).
	 */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		return await preAuthenticate(this, credentials, identity(credentials), requestToken);
	}

	/** Adds the token to requests for the Base URL's origin, and to no other: a foreign address is refused. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		// First: without a token the renewal's error says what went wrong, and a refused one is renewed before sending.
		const token = tokenToSend(identity(credentials), credentials);
		const apiOrigin = analyticsApiRoot(credentials.baseUrl).origin;
		if (!sameOrigin(requestOptions.url, requestOptions.baseURL || apiOrigin, apiOrigin)) {
			throw new EndpointError(
				'Base URL',
				`The node refused to send the CXone access token to ${displayUrl(resolveUrl(requestOptions.url, requestOptions.baseURL || apiOrigin)?.href)}: only the Base URL's host (${apiOrigin}) receives it.`,
			);
		}
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: `Bearer ${token}` },
			sendCredentialsOnCrossOriginRedirect: false,
		};
	}

	// No read-only endpoint needs the query scope: an empty query is refused (400) for a working client
	// before any query exists, and answers 401 or 403 (analytics:query missing) otherwise.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "").replace(/\\/api\\/v2$/i, "")}}',
			url: '/api/v2/analytics/query',
			method: 'POST',
			body: {},
			// A 400 for the empty query is the answer a working client gets; n8n applies responseCode
			// rules only to requests that throw, so the API's error codes are read from the body.
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error',
					value: 'invalid_token',
					message: 'The CXone API rejected the token. Check Client ID, Client Secret and Base URL.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error',
					value: 'insufficient_scope',
					message:
						'The token lacks a scope. Grant analytics:query and analytics:view to this client.',
				},
			},
		],
	};
}
