import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

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

	documentationUrl = 'https://github.com/n8n-nodes-nice-cxone/n8n-nodes-nice-cxone#cxone-platform-mode';

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
			description: 'Serves token discovery and the regional API host lookup. FedRAMP tenants: https://cxone-gov.niceincontact.com.',
		},
		{
			displayName: 'Legacy Token URL',
			name: 'legacyTokenUrl',
			type: 'string',
			default: 'https://na1.nice-incontact.com/authentication/v1/token/access-key',
			description: 'For the legacy route: https://{area}.nice-incontact.com/authentication/v1/token/access-key with area na1, eu1 or au1',
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
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const authHost = String(credentials.authHost || 'https://cxone.niceincontact.com').replace(/\/+$/, '');
		const fail = (what: string, status: number, body: unknown): never => {
			const b = (body ?? {}) as { error?: unknown; error_description?: unknown };
			const reason = [b.error, b.error_description].filter((x) => typeof x === 'string').join(': ');
			throw new Error(`${what} failed (HTTP ${status}${reason ? ` ${reason}` : ''}). Check the access key, the client ID and secret, and the hosts in the NICE CXone API credential.`);
		};
		const call = async (options: IHttpRequestOptions) =>
			await this.helpers.httpRequest({ ...options, json: true, returnFullResponse: true, ignoreHttpStatusErrors: true });

		let token: { statusCode: number; body: { access_token?: unknown } };
		if (credentials.authRoute === 'legacy') {
			token = await call({
				method: 'POST',
				url: String(credentials.legacyTokenUrl),
				body: { accessKeyId: credentials.accessKeyId, accessKeySecret: credentials.accessKeySecret },
			});
		} else {
			const discovery = await call({ method: 'GET', url: `${authHost}/.well-known/openid-configuration` });
			if (discovery.statusCode !== 200 || typeof discovery.body?.token_endpoint !== 'string') fail('Token discovery at ' + authHost, discovery.statusCode, discovery.body);
			token = await call({
				method: 'POST',
				url: discovery.body.token_endpoint,
				auth: { username: String(credentials.clientId), password: String(credentials.clientSecret) },
				headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
				body: new URLSearchParams({
					grant_type: 'password',
					username: String(credentials.accessKeyId),
					password: String(credentials.accessKeySecret),
				}).toString(),
			});
		}
		const accessToken = token.body?.access_token;
		if (token.statusCode !== 200 || typeof accessToken !== 'string') return fail('The CXone token request', token.statusCode, token.body);

		let apiEndpoint = String(credentials.apiBaseUrl ?? '').trim();
		if (apiEndpoint === '') {
			const claims = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8') || '{}') as { tenantId?: unknown };
			const lookup = await call({
				method: 'GET',
				url: `${authHost}/.well-known/cxone-configuration`,
				qs: { tenantId: String(claims.tenantId ?? '') },
			});
			apiEndpoint = lookup.body?.api_endpoint;
			if (lookup.statusCode !== 200 || typeof apiEndpoint !== 'string') fail('The API host lookup for the tenant', lookup.statusCode, lookup.body);
		}
		return { accessToken, apiEndpoint: apiEndpoint.replace(/\/+$/, '') };
	}

	/** Adds the token, and sends relative URLs to the tenant's API host found with the token. */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const relative = !/^https?:\/\//.test(requestOptions.url);
		return {
			...requestOptions,
			baseURL: relative ? requestOptions.baseURL || String(credentials.apiBaseUrl || credentials.apiEndpoint) : requestOptions.baseURL,
			headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.accessToken)}` },
		};
	}

	// Without dates the call answers 400 to a valid token and 401/403 otherwise: enough to tell a
	// working key from a broken one without reading any data.
	test: ICredentialTestRequest = {
		request: {
			url: '/inContactAPI/services/v30.0/contacts/completed',
			method: 'GET',
			headers: { Accept: 'application/json' },
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{ type: 'responseCode', properties: { value: 401, message: 'CXone rejected the token. Check the access key and the client ID and secret.' } },
			{ type: 'responseCode', properties: { value: 403, message: "The access key's role lacks Reporting permissions. Ask a CXone admin to add them." } },
		],
	};
}
