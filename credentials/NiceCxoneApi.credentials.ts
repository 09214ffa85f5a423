import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	IDataObject,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import type { CredentialResponse } from '../nodes/shared/transport/credentialRequest';
import {
	CredentialRequestError,
	credentialRequest,
	credentialResponseError,
} from '../nodes/shared/transport/credentialRequest';
import {
	EndpointError,
	checkEndpointUrl,
	displayUrl,
	resolveUrl,
	trustedPlatformUrl,
	sameOrigin,
} from '../nodes/shared/transport/endpoints';
import {
	RENEWAL_ERROR_FIELD,
	preAuthenticate,
	tokenToSend,
} from '../nodes/shared/transport/tokenRenewal';

const WHERE = 'the NICE CXone API credential';
const DEFAULT_AUTH_HOST = 'https://cxone.niceincontact.com';

/** The API Base URL Override, checked, without a trailing slash; undefined when empty. */
function apiOverride(credentials: ICredentialDataDecryptedObject): string | undefined {
	const text = String(credentials.apiBaseUrl ?? '').trim();
	if (text === '') return undefined;
	const url = checkEndpointUrl(text, 'API Base URL Override', WHERE);
	return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** The discovered token endpoint, accepted only on the Auth Host's own origin: it receives both secrets. */
function discoveredTokenEndpoint(value: unknown, authHost: URL): string {
	const url = typeof value === 'string' ? resolveUrl(value, undefined) : undefined;
	if (!url || url.origin !== authHost.origin || url.username !== '' || url.password !== '') {
		throw new CredentialRequestError(
			`Token discovery at ${authHost.origin} named the token endpoint ${displayUrl(value)}, which is not on the Auth Host. The node sends the access key only to the Auth Host: check Auth Host in ${WHERE}.`,
			false,
		);
	}
	return url.href;
}

/**
 * The discovered API host: https on NICE's CXone domains (or this machine, when the Auth Host is on it
 * too: the simulator). Any other host receives every call and the token, so it needs the override.
 */
function discoveredApiHost(value: unknown, authHost: URL): string {
	const url = trustedPlatformUrl(value, authHost);
	if (!url) {
		throw new CredentialRequestError(
			`The API host lookup at ${authHost.origin} gave ${displayUrl(value)}, which is not an https address on NICE's CXone domains (niceincontact.com, nice-incontact.com). If that host is right, enter it as API Base URL Override in ${WHERE}.`,
			false,
		);
	}
	return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** The `tenantId` claim of the token (a JWT), or '' when it has none or is not a JWT. */
function tenantIdOf(accessToken: string): string {
	try {
		const claims = JSON.parse(
			Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8'),
		) as { tenantId?: unknown };
		return typeof claims?.tenantId === 'string' || typeof claims?.tenantId === 'number'
			? String(claims.tenantId)
			: '';
	} catch {
		return '';
	}
}

/** The fields that decide which token (and API host) the platform hands out: one renewal at a time per such set. */
const identity = (credentials: ICredentialDataDecryptedObject) => [
	'niceCxoneApi',
	credentials.authRoute,
	credentials.authHost,
	credentials.legacyTokenUrl,
	credentials.apiBaseUrl,
	credentials.accessKeyId,
	credentials.accessKeySecret,
	credentials.clientId,
	credentials.clientSecret,
];

/** Asks for a token by the configured route and finds the API host; throws what went wrong, named. */
async function requestToken(
	context: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
): Promise<IDataObject> {
	const authHost = checkEndpointUrl(credentials.authHost || DEFAULT_AUTH_HOST, 'Auth Host', WHERE);
	const authRoot = `${authHost.origin}${authHost.pathname.replace(/\/+$/, '')}`;
	const override = apiOverride(credentials);
	const legacy = credentials.authRoute === 'legacy';
	const required: Array<[string, string]> = [
		['accessKeyId', 'Access Key ID'],
		['accessKeySecret', 'Access Key Secret'],
		...(legacy
			? []
			: ([
					['clientId', 'Client ID'],
					['clientSecret', 'Client Secret'],
				] as Array<[string, string]>)),
	];
	for (const [field, label] of required) {
		if (String(credentials[field] ?? '').trim() === '')
			throw new EndpointError(label, `${label} is empty. Enter it in ${WHERE}.`);
	}
	const secrets = [credentials.accessKeySecret, credentials.clientSecret, credentials.accessToken];
	const refused = (detail: string) =>
		`CXone refused the access key (${detail}). Check the access key${legacy ? '' : ', the client ID and secret'} in ${WHERE}.`;

	let token: CredentialResponse;
	let tokenUrl: string;
	if (legacy) {
		tokenUrl = checkEndpointUrl(credentials.legacyTokenUrl, 'Legacy Token URL', WHERE).href;
		token = await credentialRequest(context, 'The CXone token endpoint', {
			method: 'POST',
			url: tokenUrl,
			headers: { Accept: 'application/json' },
			body: { accessKeyId: credentials.accessKeyId, accessKeySecret: credentials.accessKeySecret },
		});
	} else {
		const discoveryUrl = `${authRoot}/.well-known/openid-configuration`;
		const discovery = await credentialRequest(context, 'Token discovery', {
			method: 'GET',
			url: discoveryUrl,
		});
		if (discovery.status !== 200)
			throw credentialResponseError(
				'Token discovery',
				discoveryUrl,
				discovery,
				refused,
				`check Auth Host in ${WHERE}.`,
				secrets,
			);
		tokenUrl = discoveredTokenEndpoint(discovery.body.token_endpoint, authHost);
		token = await credentialRequest(context, 'The CXone token endpoint', {
			method: 'POST',
			url: tokenUrl,
			auth: { username: String(credentials.clientId), password: String(credentials.clientSecret) },
			headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
			body: new URLSearchParams({
				grant_type: 'password',
				username: String(credentials.accessKeyId),
				password: String(credentials.accessKeySecret),
			}).toString(),
		});
	}
	const accessToken = token.body.access_token;
	if (token.status !== 200)
		throw credentialResponseError(
			'The CXone token endpoint',
			tokenUrl,
			token,
			refused,
			`check the hosts in ${WHERE}.`,
			secrets,
		);
	if (typeof accessToken !== 'string' || accessToken === '') {
		throw new CredentialRequestError(
			`The CXone token endpoint at ${displayUrl(tokenUrl)} answered without an access token. Check the hosts in ${WHERE}.`,
			false,
			200,
		);
	}
	if (override) return { accessToken, apiEndpoint: override };

	const lookupUrl = `${authRoot}/.well-known/cxone-configuration`;
	const lookup = await credentialRequest(context, 'The API host lookup', {
		method: 'GET',
		url: lookupUrl,
		qs: { tenantId: tenantIdOf(accessToken) },
	});
	if (lookup.status !== 200)
		throw credentialResponseError(
			'The API host lookup',
			lookupUrl,
			lookup,
			refused,
			`set API Base URL Override in ${WHERE}.`,
			secrets,
		);
	return { accessToken, apiEndpoint: discoveredApiHost(lookup.body.api_endpoint, authHost) };
}

/**
 * CXone access keys (the real platform, see the README): the token comes from the password grant
 * with the access key, client-authenticated as the registered application, or from the legacy
 * access-key endpoint. The regional API host is found from the token's tenant and kept with the
 * token, so it is looked up once per token, not per call. The token lives in the hidden, expirable
 * `accessToken` field: reused until a 401, then renewed once and the call repeated once.
 */
export class NiceCxoneApi implements ICredentialType {
	name = 'niceCxoneApi';

	displayName = 'NICE CXone API';

	icon: Icon = { light: 'file:nice-cxone.svg', dark: 'file:nice-cxone.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-nice-cxone/n8n-nodes-nice-cxone#cxone-platform-mode';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Key ID',
			name: 'accessKeyId',
			type: 'string',
			default: '',
			required: true,
		},
		{
			displayName: 'Access Key Secret',
			name: 'accessKeySecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Token Route',
			name: 'authRoute',
			type: 'options',
			options: [
				{ name: 'OpenID (Registered Application)', value: 'openid' },
				{ name: 'Legacy Access-Key Endpoint', value: 'legacy' },
			],
			default: 'openid',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			description: "The registered application's client ID",
			displayOptions: { show: { authRoute: ['openid'] } },
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: "The registered application's client secret",
			displayOptions: { show: { authRoute: ['openid'] } },
		},
		{
			displayName: 'Auth Host',
			name: 'authHost',
			type: 'string',
			default: 'https://cxone.niceincontact.com',
			description:
				'Serves token discovery and the regional API host lookup. FedRAMP tenants: https://cxone-gov.niceincontact.com.',
		},
		{
			displayName: 'Legacy Token URL',
			name: 'legacyTokenUrl',
			type: 'string',
			default: 'https://na1.nice-incontact.com/authentication/v1/token/access-key',
			description:
				'For the legacy route: https://{area}.nice-incontact.com/authentication/v1/token/access-key with area na1, eu1 or au1',
			displayOptions: { show: { authRoute: ['legacy'] } },
		},
		{
			displayName: 'API Base URL Override',
			name: 'apiBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://api-na1.niceincontact.com',
			description: 'Leave empty to find the regional API host from the token',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'API Endpoint',
			name: 'apiEndpoint',
			type: 'hidden',
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
	 * Fetches a token (and the API host) when n8n has none or the API refused the one it had: one
	 * renewal at a time per credential, and a failure stores an empty token, never keeps the refused one.
	 */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		return await preAuthenticate(this, credentials, identity(credentials), requestToken);
	}

	/**
	 * Adds the token to requests for the tenant's API host (the override, or the host found with the
	 * token) and sends relative URLs there; an absolute URL on any other origin is refused, token and all.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		// First: without a token the renewal's error says what went wrong, and a refused one is renewed before sending.
		const token = tokenToSend(identity(credentials), credentials);
		// The stored host is checked again: one kept from before these checks existed is no exception.
		const apiRoot =
			apiOverride(credentials) ??
			discoveredApiHost(
				credentials.apiEndpoint,
				checkEndpointUrl(credentials.authHost || DEFAULT_AUTH_HOST, 'Auth Host', WHERE),
			);
		const api = checkEndpointUrl(apiRoot, 'API Base URL Override', WHERE);
		const base = requestOptions.baseURL || apiRoot;
		if (!sameOrigin(requestOptions.url, base, api.origin)) {
			throw new EndpointError(
				'API Base URL Override',
				`The node refused to send the CXone access token to ${displayUrl(resolveUrl(requestOptions.url, base)?.href)}: only the tenant's API host (${api.origin}) receives it.`,
			);
		}
		return {
			...requestOptions,
			baseURL: base,
			headers: { ...requestOptions.headers, Authorization: `Bearer ${token}` },
			sendCredentialsOnCrossOriginRedirect: false,
		};
	}

	test: ICredentialTestRequest = {
		request: {
			url: '/inContactAPI/services/v30.0/contacts/completed',
			method: 'GET',
			headers: { Accept: 'application/json' },
			// The last hour, one record at most: 200 or 204 for a working key; 401 and 403 throw, and
			// n8n applies the rules below only to a request that throws.
			qs: {
				startDate:
					'={{ $now.toUTC().minus({ hours: 1 }).startOf("second").toISO({ suppressMilliseconds: true }) }}',
				endDate: '={{ $now.toUTC().startOf("second").toISO({ suppressMilliseconds: true }) }}',
				top: 1,
			},
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'CXone rejected the token. Check the access key and the client ID and secret.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						"The access key's role lacks Reporting permissions. Ask a CXone admin to add them.",
				},
			},
		],
	};
}
