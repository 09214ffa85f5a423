/**
 * A stand-in for n8n's IExecuteFunctions that does real HTTP (axios, as n8n does) and reproduces
 * n8n-core's `httpRequestWithAuthentication` for a credential with `preAuthentication`: the credential
 * is read with the context's `getCredentials`, the token is fetched when the stored one is empty, kept
 * in the credential, and on a thrown 401 renewed once and the call repeated once; failures surface as
 * NodeApiError wrapping the axios error (as n8n 2.x keeps it, or as n8n 1.x drops it: `n8nLine`).
 * `ignoreHttpStatusErrors`, `returnFullResponse` and `encoding` work as in n8n-core.
 */
import axios from 'axios';
import type { ResponseType } from 'axios';
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import type { CredentialTypeName, N8nLine } from './n8nAuthentication';
import { authenticated, credentialTypes, sendWithAuthentication } from './n8nAuthentication';

export interface CredentialValues {
	tokenUrl: string;
	baseUrl: string;
	clientId: string;
	clientSecret: string;
	scope?: string;
}

export interface ContextOptions {
	params: Record<string, unknown>;
	/** Per-item overrides of `params`. */
	itemParams?: Array<Record<string, unknown>>;
	items?: INodeExecutionData[];
	credentials: CredentialValues;
	continueOnFail?: boolean;
	signal?: AbortSignal;
	timezone?: string;
	node?: Partial<INode>;
	/** The node's workflow static data; pass the same object to chain audit records across runs. */
	staticData?: IDataObject;
	/** n8n's execution mode: 'manual' (a test run, the default) or a production one ('trigger', 'webhook' …). */
	mode?: WorkflowExecuteMode;
	/** The workflow's id; 'wf-1' by default. */
	workflowId?: string;
	/** A webhook signing credential, when the test configures one. */
	webhookSecret?: string;
	/** A NICE CXone API (access key) credential, when the test configures one. */
	platformCredentials?: IDataObject;
	/** Whose NodeApiError wraps a failed request: n8n 2.x's (the default) or n8n 1.x's (no cause). */
	n8nLine?: N8nLine;
}

export interface RequestLog {
	tokenRequests: number;
	apiRequests: Array<{ method: string; url: string; qs?: IDataObject }>;
	/** The credential as n8n would have stored it (the token is kept here). */
	stored: IDataObject;
	/** The NICE CXone API credential as n8n would have stored it (token and API endpoint). */
	storedPlatform: IDataObject;
	/** Requests the NICE CXone API credential made for its token (discovery, token, API host). */
	platformAuthRequests: number;
	/** What the node wrote to n8n's log at info level. */
	logged: Array<{ message: string; meta?: IDataObject }>;
}

async function httpRequest(options: IHttpRequestOptions): Promise<unknown> {
	const url = options.baseURL ? `${options.baseURL}${options.url}` : options.url;
	const ignore = options.ignoreHttpStatusErrors === true;
	const response = await axios.request({
		method: options.method ?? 'GET',
		url,
		params: options.qs,
		data: options.body,
		headers: options.headers as Record<string, string>,
		auth: options.auth,
		timeout: options.timeout,
		signal: options.abortSignal as AbortSignal | undefined,
		// n8n-core hands `encoding` to axios as its responseType ('stream': the body as a stream).
		...(options.encoding === undefined ? {} : { responseType: options.encoding as ResponseType }),
		validateStatus: ignore ? () => true : (status) => status >= 200 && status < 300,
	});
	return options.returnFullResponse
		? {
				body: response.data,
				headers: response.headers,
				statusCode: response.status,
				statusMessage: response.statusText,
			}
		: response.data;
}

export function createContext(options: ContextOptions): {
	ctx: IExecuteFunctions;
	log: RequestLog;
} {
	const node: INode = {
		id: 'node-1',
		name: 'NICE CXone Analytics',
		type: 'n8n-nodes-nice-cxone.niceCxoneAnalytics',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		...options.node,
	};
	const log: RequestLog = {
		tokenRequests: 0,
		apiRequests: [],
		stored: { scope: 'analytics:query analytics:view', ...options.credentials, accessToken: '' },
		storedPlatform: {
			authRoute: 'openid',
			apiBaseUrl: '',
			...options.platformCredentials,
			accessToken: '',
			apiEndpoint: '',
		},
		platformAuthRequests: 0,
		logged: [],
	};
	const staticData = options.staticData ?? {};
	const helpers = {
		httpRequest: async (request: IHttpRequestOptions) => {
			if (request.url === log.stored.tokenUrl) log.tokenRequests++;
			else log.platformAuthRequests++;
			return await httpRequest(request);
		},
	};
	// n8n hands preAuthentication the helpers of the context the request is made with.
	const preAuthenticate = async (
		self: IExecuteFunctions,
		type: string,
		credentials: IDataObject,
	) => {
		const credentialType = credentialTypes[type as keyof typeof credentialTypes];
		const output = await credentialType.preAuthentication.call(
			{ helpers: self.helpers } as never,
			credentials as never,
		);
		Object.assign(credentials, output);
		Object.assign(type === 'niceCxoneApi' ? log.storedPlatform : log.stored, output);
	};
	async function httpRequestWithAuthentication(
		this: IExecuteFunctions,
		_type: string,
		request: IHttpRequestOptions,
	): Promise<unknown> {
		if ('getExecutionCancelSignal' in this) request.abortSignal = this.getExecutionCancelSignal();
		const credentials = await this.getCredentials(_type);
		const send = async () => {
			log.apiRequests.push({
				method: request.method ?? 'GET',
				url: `${request.url}`,
				...(request.qs ? { qs: request.qs } : {}),
			});
			return await httpRequest(
				await authenticated(_type as CredentialTypeName, credentials, request),
			);
		};
		return await sendWithAuthentication(
			node,
			credentials,
			async () => await preAuthenticate(this, _type, credentials),
			send,
			options.n8nLine,
		);
	}

	const items = options.items ?? [{ json: {} }];
	const ctx = {
		getNode: () => node,
		getInputData: () => items,
		getTimezone: () => options.timezone ?? 'UTC',
		continueOnFail: () => options.continueOnFail ?? false,
		getExecutionCancelSignal: () => options.signal,
		getCredentials: async (type: string) => {
			if (type === 'niceCxoneWebhookSigningApi') {
				if (options.webhookSecret === undefined)
					throw new Error('Node does not have credentials of type niceCxoneWebhookSigningApi');
				return { secret: options.webhookSecret };
			}
			if (type === 'niceCxoneApi') return { ...log.storedPlatform };
			return { ...log.stored };
		},
		getWorkflow: () => ({ id: options.workflowId ?? 'wf-1', name: 'Test workflow', active: false }),
		getExecutionId: () => 'exec-1',
		getMode: () => options.mode ?? 'manual',
		getWorkflowStaticData: () => staticData,
		getNodeParameter: (name: string, itemIndex: number, fallback?: unknown) => {
			const own = options.itemParams?.[itemIndex];
			const value = own && name in own ? own[name] : options.params[name];
			if (value === undefined) {
				if (fallback !== undefined) return fallback;
				throw new Error(`Could not get parameter "${name}"`);
			}
			return value;
		},
		helpers: {
			...helpers,
			httpRequestWithAuthentication,
			prepareBinaryData: async (data: Buffer, fileName?: string, mimeType?: string) => ({
				data: data.toString('base64'),
				fileName,
				mimeType: mimeType ?? 'application/octet-stream',
			}),
		},
		logger: {
			debug() {},
			info(message: string, meta?: IDataObject) {
				log.logged.push({ message, meta });
			},
			warn() {},
			error() {},
		},
	} as unknown as IExecuteFunctions;
	return { ctx, log };
}

/** Valid parameters of a Run Aggregation Query node, to override per test. */
export function queryParams(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		resource: 'analytics',
		operation: 'runAggregationQuery',
		metrics: { metric: [{ metric: 'handle_time:avg' }, { metric: 'count:sum' }] },
		dimensions: ['group.id', 'channel'],
		bucketSize: 'DAY',
		timeRange: 'custom',
		start: '2024-01-01T00:00:00Z',
		end: '2024-01-08T00:00:00Z',
		filterMode: 'none',
		returnAll: true,
		options: {},
		...overrides,
	};
}
