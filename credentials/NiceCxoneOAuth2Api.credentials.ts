import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

/**
 * CXone OAuth 2.0 client credentials (contract §1). The token is fetched by `preAuthentication`
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
			description: 'Space-separated scopes: analytics:query to run queries, analytics:view to read results',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const tokenUrl = String(credentials.tokenUrl);
		const response = await this.helpers.httpRequest({
			method: 'POST',
			url: tokenUrl,
			auth: { username: String(credentials.clientId), password: String(credentials.clientSecret) },
			headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
			body: new URLSearchParams({ grant_type: 'client_credentials', scope: String(credentials.scope ?? '') }).toString(),
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		});
		const body = (response.body ?? {}) as { access_token?: unknown; error?: unknown; error_description?: unknown };
		if (response.statusCode !== 200 || typeof body.access_token !== 'string') {
			const reason = [body.error, body.error_description].filter((x) => typeof x === 'string').join(': ');
			throw new Error(
				`The CXone token endpoint ${tokenUrl} refused the client credentials (HTTP ${response.statusCode}${reason ? ` ${reason}` : ''}). Check Client ID, Client Secret and Token URL in the NICE CXone OAuth2 API credential.`,
			);
		}
		return { accessToken: body.access_token };
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.accessToken}}' },
		},
	};

	// No read-only endpoint exists in the contract: reading an unknown query id answers 404 with a
	// valid token and 401/403 without one, which is what the test needs to tell apart.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/api/v2/analytics/query/qry_credential_test',
			method: 'GET',
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseCode',
				properties: { value: 401, message: 'The CXone API rejected the token. Check Client ID, Client Secret and Base URL.' },
			},
			{
				type: 'responseCode',
				properties: { value: 403, message: 'The token lacks a scope. Grant analytics:query and analytics:view to this client.' },
			},
		],
	};
}
