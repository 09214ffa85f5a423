/**
 * An n8n execution context whose request helpers behave as n8n-core 2.41's do where security depends
 * on it (packages/core request-helper-functions: convertN8nRequestToAxios, httpRequestWithAuthentication):
 *
 * - redirects are followed (axios' default) unless `disableFollowRedirect`, and on a redirect n8n puts
 *   the `Authorization` header and the Basic `auth` back on the redirected request, whatever its origin,
 *   unless `sendCredentialsOnCrossOriginRedirect` is false;
 * - `httpRequestWithAuthentication` replaces the request's `abortSignal` with the context's
 *   `getExecutionCancelSignal()`, reads the credential with the context's `getCredentials`, runs the
 *   credential's `preAuthentication` (renewing into the object read) when its token is empty
 *   (with the helpers of the context it was called with), then its `authenticate`; on a 401 it renews
 *   the token once and repeats the call once; failures come out wrapped in a NodeApiError;
 * - `timeout` is axios' (a socket idle timeout), `qs` its params, `encoding` its responseType.
 *
 * Every request's options are recorded, so a test can check what the node asked n8n for.
 */
import axios from 'axios';
import type { AxiosRequestConfig } from 'axios';
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
} from 'n8n-workflow';

import type { CredentialTypeName } from '../../../support/n8nAuthentication';
import {
	authenticated,
	credentialTypes,
	sendWithAuthentication,
} from '../../../support/n8nAuthentication';

export interface N8nLikeOptions {
	params: Record<string, unknown>;
	items?: INodeExecutionData[];
	/** The NICE CXone OAuth2 API credential's fields. */
	analytics?: IDataObject;
	/** The NICE CXone API credential's fields (a stored `accessToken` and `apiEndpoint` too, when given). */
	platform?: IDataObject;
	continueOnFail?: boolean;
	signal?: AbortSignal;
	staticData?: IDataObject;
	/** The NICE CXone Webhook Signing API credential's fields; without it the node has none. */
	webhookSigning?: IDataObject;
	/** The node's name (the analytics node's by default). */
	nodeName?: string;
}

export interface N8nLikeLog {
	/** The options of every request the node and its credentials handed to n8n, in order. */
	requests: IHttpRequestOptions[];
	stored: { niceCxoneOAuth2Api: IDataObject; niceCxoneApi: IDataObject };
	logged: string[];
}

/** n8n-core's convertN8nRequestToAxios, reduced to what these nodes use. */
function toAxios(options: IHttpRequestOptions): AxiosRequestConfig {
	const config: AxiosRequestConfig = {
		method: options.method ?? 'GET',
		url: options.url,
		baseURL: options.baseURL,
		headers: { ...(options.headers as Record<string, string>) },
		params: options.qs,
		timeout: options.timeout,
		auth: options.auth,
		signal: options.abortSignal as AbortSignal | undefined,
		maxBodyLength: Infinity,
		maxContentLength: Infinity,
	};
	if (options.disableFollowRedirect === true) config.maxRedirects = 0;
	if (options.encoding !== undefined)
		config.responseType = options.encoding as AxiosRequestConfig['responseType'];
	const sendCredentials = options.sendCredentialsOnCrossOriginRedirect ?? true;
	config.beforeRedirect = (redirected: Record<string, unknown>) => {
		const original = new URL(options.url, options.baseURL);
		const target = new URL(String(redirected.href));
		if (original.origin === target.origin || sendCredentials) {
			const headers = config.headers as Record<string, string>;
			if (headers.Authorization)
				(redirected.headers as Record<string, string>).Authorization = headers.Authorization;
			if (config.auth) redirected.auth = `${config.auth.username}:${config.auth.password}`;
		}
	};
	const body = options.body;
	if (body !== undefined && body !== '' && (options.method ?? 'GET') !== 'GET') config.data = body;
	if (
		options.json &&
		!Object.keys(config.headers ?? {}).some((name) => name.toLowerCase() === 'accept')
	) {
		(config.headers as Record<string, string>).Accept = 'application/json';
	}
	if (options.ignoreHttpStatusErrors) config.validateStatus = () => true;
	return config;
}

export function createN8nLikeContext(options: N8nLikeOptions): {
	ctx: IExecuteFunctions;
	log: N8nLikeLog;
} {
	const node: INode = {
		id: 'node-1',
		name: options.nodeName ?? 'NICE CXone Analytics',
		type: 'n8n-nodes-nice-cxone.niceCxoneAnalytics',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const log: N8nLikeLog = {
		requests: [],
		stored: {
			niceCxoneOAuth2Api: {
				scope: 'analytics:query analytics:view',
				accessToken: '',
				...options.analytics,
			},
			niceCxoneApi: {
				authRoute: 'openid',
				apiBaseUrl: '',
				accessToken: '',
				apiEndpoint: '',
				...options.platform,
			},
		},
		logged: [],
	};

	async function httpRequest(request: IHttpRequestOptions): Promise<unknown> {
		log.requests.push(request);
		const response = await axios.request(toAxios(request));
		return request.returnFullResponse
			? {
					body: response.data,
					headers: response.headers,
					statusCode: response.status,
					statusMessage: response.statusText,
				}
			: response.data;
	}

	async function httpRequestWithAuthentication(
		this: IExecuteFunctions,
		type: string,
		incoming: IHttpRequestOptions,
	): Promise<unknown> {
		const request = { ...incoming };
		if ('getExecutionCancelSignal' in this) request.abortSignal = this.getExecutionCancelSignal();
		const credentialType = credentialTypes[type as CredentialTypeName];
		// n8n reads the credential through the context it was called with.
		const credentials = await this.getCredentials(type);
		const preAuthenticate = async () => {
			const output = await credentialType.preAuthentication.call(
				{ helpers: { httpRequest: this.helpers.httpRequest } } as never,
				credentials as never,
			);
			Object.assign(credentials, output);
			Object.assign(log.stored[type as keyof N8nLikeLog['stored']], output);
		};
		return await sendWithAuthentication(
			node,
			credentials,
			preAuthenticate,
			async () =>
				await httpRequest(await authenticated(type as CredentialTypeName, credentials, request)),
		);
	}

	const items = options.items ?? [{ json: {} }];
	const ctx = {
		getNode: () => node,
		getInputData: () => items,
		getTimezone: () => 'UTC',
		continueOnFail: () => options.continueOnFail ?? false,
		getExecutionCancelSignal: () => options.signal,
		getCredentials: async (type: string) => {
			if (type === 'niceCxoneWebhookSigningApi') {
				if (options.webhookSigning === undefined)
					throw new Error('Node does not have credentials of type niceCxoneWebhookSigningApi');
				return { ...options.webhookSigning };
			}
			return { ...log.stored[type as keyof N8nLikeLog['stored']] };
		},
		getWorkflow: () => ({ id: 'wf-1', name: 'Test workflow', active: false }),
		getExecutionId: () => 'exec-1',
		getMode: () => 'manual',
		getWorkflowStaticData: () => options.staticData ?? {},
		getNodeParameter: (name: string, _itemIndex: number, fallback?: unknown) => {
			const value = options.params[name];
			if (value === undefined) {
				if (fallback !== undefined) return fallback;
				throw new Error(`Could not get parameter "${name}"`);
			}
			return value;
		},
		helpers: {
			httpRequest,
			httpRequestWithAuthentication,
			prepareBinaryData: async (data: Buffer, fileName?: string, mimeType?: string) => ({
				data: data.toString('base64'),
				fileName,
				mimeType: mimeType ?? 'application/octet-stream',
			}),
		},
		logger: {
			debug() {},
			info(message: string) {
				log.logged.push(message);
			},
			warn() {},
			error() {},
		},
	} as unknown as IExecuteFunctions;
	return { ctx, log };
}

/** Runs a node's execute and reports its items or its error, and how long it took. */
export async function runNode(
	node: { execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> },
	ctx: IExecuteFunctions,
): Promise<{
	items: INodeExecutionData[];
	outputs: INodeExecutionData[][];
	error?: Error & { description?: string | null };
	elapsedMs: number;
}> {
	const startedMs = Date.now();
	return await node.execute.call(ctx).then(
		(outputs) => ({ items: outputs[0], outputs, elapsedMs: Date.now() - startedMs }),
		(error: Error) => ({ items: [], outputs: [], error, elapsedMs: Date.now() - startedMs }),
	);
}
