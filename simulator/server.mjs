/**
 * The CXone-compatible HTTP simulator: serves the analytics-v2 contract (docs/api/analytics-v2.md)
 * plus test hooks under `/_sim/`. Usable in-process (benchmarks, tests) through `startSimulator`, or
 * from the command line through `cli.mjs`.
 */
import { createServer } from 'node:http';
import { LIMITS } from './catalogue.mjs';
import { createClock } from './clock.mjs';
import { createUniverse } from './data.mjs';
import { estimateRows, pageJson, planQuery } from './aggregate.mjs';
import { FaultInjector } from './faults.mjs';
import { SlotContactsCache } from './slots.mjs';
import { FAILED_QUERY_MESSAGE, QueryStore } from './queries.mjs';
import { SCOPE_QUERY, SCOPE_VIEW, TokenIssuer, createClients } from './tokens.mjs';
import { validateQueryBody, parsePageWindow } from './validate.mjs';
import {
	delay,
	mediaTypeOf,
	parseBasicAuth,
	readBody,
	sendEmpty,
	sendJson,
	sendJsonBytes,
} from './http.mjs';
import { handleSimRequest } from './sim-routes.mjs';
import {
	PLATFORM_TOKEN_PATH,
	classifyPlatformRequest,
	createPlatformState,
	handlePlatformRequest,
} from './platform/routes.mjs';

const QUERY_COLLECTION_PATH = '/api/v2/analytics/query';
const QUERY_ITEM_PATTERN = /^\/api\/v2\/analytics\/query\/([^/]+)$/;
const TOKEN_PATH = '/oauth/token';

export const DEFAULT_OPTIONS = {
	port: 0,
	host: '127.0.0.1',
	seed: 1,
	profile: 'clean',
	tokenTtlSeconds: 3600,
	latencyMs: 0,
	resultTtlSeconds: LIMITS.resultTtlMinutes * 60,
	speed: 1,
	requestsPerMinute: LIMITS.maxRequestsPerMinute,
	pendingMs: 150,
	/** How long a platform report job's result URL stays valid (CXone: 30 seconds). */
	resultUrlTtlSeconds: 30,
};

function emptyRequestCounts() {
	return { token: 0, submit: 0, poll: 0, page: 0, delete: 0, other: 0 };
}

/** Everything the handlers share: configuration, the universe, tokens, queries, faults and counters. */
function createState(options) {
	const now = createClock({ now: options.now, offsetMs: options.clockOffsetMs });
	const faults = new FaultInjector({ profile: options.profile, seed: options.seed, now });
	const universe = createUniverse(options.seed);
	const clients = createClients(options.seed);
	const slotCache = new SlotContactsCache(universe);
	const platform = createPlatformState({ options, universe, slotCache, faults, now });
	return {
		options,
		now,
		universe,
		clients,
		faults,
		tokens: new TokenIssuer({
			clients,
			tokenTtlSeconds: options.tokenTtlSeconds,
			requestBudget: (index) => faults.tokenRequestBudget(index),
			requestsPerMinute: options.requestsPerMinute,
			now,
		}),
		slotCache,
		queries: new QueryStore({
			universe,
			slotCache,
			faults,
			speed: options.speed,
			pendingMs: options.pendingMs,
			resultTtlSeconds: options.resultTtlSeconds,
			now,
		}),
		platform,
		requestCounts: emptyRequestCounts(),
		/** Clears queries, report jobs, faults and counters (`POST /_sim/reset`); tokens stay valid. */
		reset() {
			this.queries.reset();
			this.platform.reset();
			this.faults.reset();
			this.requestCounts = emptyRequestCounts();
		},
	};
}

function classifyRequest(state, method, path) {
	if (path === TOKEN_PATH) return 'token';
	if (path === QUERY_COLLECTION_PATH && method === 'POST') return 'submit';
	const match = QUERY_ITEM_PATTERN.exec(path);
	if (match === null) return 'other';
	if (method === 'DELETE') return 'delete';
	if (method !== 'GET') return 'other';
	const query = state.queries.get(match[1]);
	return query !== undefined && state.queries.statusOf(query) === 'COMPLETED' ? 'page' : 'poll';
}

/** Answers with a fault `{status, body, headers}` or drops the connection for `{reset: true}`. */
function applyFault(req, res, fault) {
	if (fault.reset) {
		req.socket.destroy();
		return;
	}
	sendJson(res, fault.status, fault.body ?? { error: 'simulated_fault' }, fault.headers ?? {});
}

// ---------------------------------------------------------------------------------------------------
// POST /oauth/token

async function handleToken(state, req, res) {
	if (req.method !== 'POST')
		return sendJson(
			res,
			405,
			{ error: 'invalid_request', error_description: 'Use POST.' },
			{ Allow: 'POST' },
		);
	const text = await readBody(req);
	if (mediaTypeOf(req) !== 'application/x-www-form-urlencoded') {
		return sendJson(res, 400, {
			error: 'invalid_request',
			error_description:
				'The body must be application/x-www-form-urlencoded (grant_type=client_credentials&scope=…), not JSON.',
		});
	}
	const form = new URLSearchParams(text);
	if (form.has('client_secret') || form.has('client_id')) {
		return sendJson(
			res,
			401,
			{
				error: 'invalid_client',
				error_description:
					'Send the client credentials with HTTP Basic authentication, not in the body.',
			},
			{ 'WWW-Authenticate': 'Basic realm="cxone"' },
		);
	}
	const credentials = parseBasicAuth(req.headers.authorization);
	const client =
		credentials && state.tokens.findClient(credentials.clientId, credentials.clientSecret);
	if (!client) {
		return sendJson(
			res,
			401,
			{
				error: 'invalid_client',
				error_description: 'Unknown client or wrong secret (HTTP Basic authentication required).',
			},
			{ 'WWW-Authenticate': 'Basic realm="cxone"' },
		);
	}
	const grantType = form.get('grant_type');
	if (grantType === null)
		return sendJson(res, 400, {
			error: 'invalid_request',
			error_description: 'grant_type is missing; use client_credentials.',
		});
	if (grantType !== 'client_credentials') {
		return sendJson(res, 400, {
			error: 'unsupported_grant_type',
			error_description: `grant_type "${grantType}" is not supported; use client_credentials.`,
		});
	}
	const scope = form.get('scope') ?? undefined;
	sendJson(res, 200, state.tokens.issue(client, scope), {
		'Cache-Control': 'no-store',
		Pragma: 'no-cache',
	});
}

// ---------------------------------------------------------------------------------------------------
// /api/v2/analytics/query

/**
 * Authenticates an API request and applies the token-level limits. Returns the token record, or null
 * after answering (401, 403 or 429).
 */
function authorizeApiRequest(state, req, res, neededScope) {
	const token = state.tokens.authenticate(req.headers.authorization);
	if (token === null) {
		sendJson(
			res,
			401,
			{
				error: 'invalid_token',
				message: 'The access token is missing, unknown or expired. Fetch a new token.',
			},
			{ 'WWW-Authenticate': 'Bearer error="invalid_token"' },
		);
		return null;
	}
	if (state.tokens.isOverRateLimit(token)) {
		const retryAfter = state.tokens.secondsUntilRateWindowFrees(token);
		sendJson(
			res,
			429,
			{
				error: 'too_many_requests',
				message: `More than ${state.options.requestsPerMinute} requests in the last minute with this token.`,
			},
			{ 'Retry-After': String(retryAfter) },
		);
		return null;
	}
	token.remainingRequests--;
	if (token.remainingRequests < 0) {
		// Flaky profile: the token dies after a budget of requests, typically mid-paging.
		state.tokens.revoke(token);
		state.faults.noteTokenExpired();
		sendJson(
			res,
			401,
			{ error: 'invalid_token', message: 'The access token has expired. Fetch a new token.' },
			{ 'WWW-Authenticate': 'Bearer error="invalid_token"' },
		);
		return null;
	}
	if (!token.scopes.includes(neededScope)) {
		sendJson(
			res,
			403,
			{
				error: 'insufficient_scope',
				message: `This call needs the scope ${neededScope}; the token has "${token.scopes.join(' ')}".`,
			},
			{ 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${neededScope}"` },
		);
		return null;
	}
	return token;
}

async function handleSubmit(state, req, res) {
	const token = authorizeApiRequest(state, req, res, SCOPE_QUERY);
	if (token === null) return;
	const text = await readBody(req);
	if (mediaTypeOf(req) !== 'application/json') {
		return sendJson(res, 415, {
			error: 'unsupported_media_type',
			message: 'Send the query as Content-Type: application/json.',
		});
	}
	let body;
	try {
		body = JSON.parse(text);
	} catch (error) {
		return sendJson(res, 400, {
			error: 'invalid_request',
			message: 'The body is not valid JSON.',
			details: [{ field: 'body', problem: `is not valid JSON: ${error.message}` }],
		});
	}
	const problems = validateQueryBody(body);
	if (problems.length > 0) {
		const message = problems.map(({ field, problem }) => `${field} ${problem}`).join('; ');
		return sendJson(res, 400, { error: 'invalid_request', message, details: problems });
	}
	const estimatedRows = estimateRows(planQuery(state.universe, body));
	if (estimatedRows > LIMITS.maxEstimatedRows) {
		return sendJson(res, 400, {
			error: 'result_too_large',
			message: `The query may return up to ${estimatedRows} rows; the limit is ${LIMITS.maxEstimatedRows}. Split the time range or use fewer dimensions or larger buckets.`,
			estimatedRows,
			maxRows: LIMITS.maxEstimatedRows,
		});
	}
	const tenant = token.client.tenant;
	if (state.queries.activeCount(tenant) >= LIMITS.maxActiveQueriesPerTenant) {
		return sendJson(
			res,
			429,
			{
				error: 'too_many_requests',
				message: `The tenant already has ${LIMITS.maxActiveQueriesPerTenant} queries PENDING or RUNNING; wait for one to finish or cancel one.`,
			},
			{ 'Retry-After': '1' },
		);
	}
	const query = state.queries.submit(tenant, body);
	const location = `${QUERY_COLLECTION_PATH}/${query.id}`;
	sendJson(res, 202, { id: query.id, status: 'PENDING' }, { Location: location });
}

/** Answers 404/410 for ids that cannot be read; returns the query otherwise. */
function readableQuery(state, res, id) {
	const query = state.queries.get(id);
	if (query === undefined) {
		sendJson(res, 404, { error: 'not_found', message: `No query with id ${id}.` });
		return null;
	}
	const status = state.queries.statusOf(query);
	if (status === 'CANCELLED') {
		sendJson(res, 410, {
			error: 'cancelled',
			message: 'The query was cancelled; submit it again.',
		});
		return null;
	}
	if (status === 'EXPIRED') {
		sendJson(res, 410, {
			error: 'expired',
			message: 'The results have expired; submit the query again.',
		});
		return null;
	}
	return { query, status };
}

async function handlePoll(state, req, res, url, id) {
	if (authorizeApiRequest(state, req, res, SCOPE_VIEW) === null) return;
	const readable = readableQuery(state, res, id);
	if (readable === null) return;
	const window = parsePageWindow(url.searchParams, req.headers.range);
	if (window.problems) {
		return sendJson(res, 400, {
			error: 'invalid_request',
			message: window.problems.map(({ field, problem }) => `${field} ${problem}`).join('; '),
			details: window.problems,
		});
	}
	const { query, status } = readable;
	if (status === 'PENDING' || status === 'RUNNING') {
		return sendJson(res, 200, { id, status, progress: state.queries.progressOf(query) });
	}
	if (status === 'FAILED') return sendJson(res, 200, { id, status, error: FAILED_QUERY_MESSAGE });

	const result = await state.queries.resultOf(query);
	if (result === null)
		return sendJson(res, 503, {
			error: 'service_unavailable',
			message: 'The simulator is shutting down.',
		});
	const { offset, limit } = window;
	const totalCount = result.rowCount;
	const rowCount = Math.max(0, Math.min(totalCount, offset + limit) - offset);
	const contentRange =
		rowCount === 0
			? `items */${totalCount}`
			: `items ${offset}-${offset + rowCount - 1}/${totalCount}`;
	const head = JSON.stringify({ id, status, totalCount, offset, limit }).slice(0, -1);
	query.pagesRead++;
	sendJsonBytes(res, 200, pageJson(result, offset, limit, `${head},"results":`, '}'), {
		'Content-Range': contentRange,
	});
}

function handleDelete(state, req, res, id) {
	if (authorizeApiRequest(state, req, res, SCOPE_QUERY) === null) return;
	if (!state.queries.delete(id))
		return sendJson(res, 404, { error: 'not_found', message: `No query with id ${id}.` });
	sendEmpty(res, 204);
}

async function handleApiRequest(state, req, res, url) {
	const path = url.pathname;
	if (path === QUERY_COLLECTION_PATH) {
		if (req.method === 'POST') return handleSubmit(state, req, res);
		return sendJson(
			res,
			405,
			{ error: 'method_not_allowed', message: 'Use POST to submit a query.' },
			{ Allow: 'POST' },
		);
	}
	const match = QUERY_ITEM_PATTERN.exec(path);
	if (match === null)
		return sendJson(res, 404, { error: 'not_found', message: `No endpoint ${path}.` });
	const id = decodeURIComponent(match[1]);
	if (req.method === 'GET') {
		const fault = state.faults.faultForGet(`${req.method} ${url.pathname}${url.search}`);
		if (fault !== null) return applyFault(req, res, fault);
		return handlePoll(state, req, res, url, id);
	}
	if (req.method === 'DELETE') return handleDelete(state, req, res, id);
	return sendJson(
		res,
		405,
		{ error: 'method_not_allowed', message: 'Use GET or DELETE on a query.' },
		{ Allow: 'GET, DELETE' },
	);
}

async function handleRequest(state, req, res) {
	const url = new URL(req.url, 'http://simulator.local');
	if (url.pathname.startsWith('/_sim/')) return handleSimRequest(state, req, res, url);

	const platformKind = classifyPlatformRequest(req.method, url.pathname);
	if (platformKind !== null) state.platform.requestCounts[platformKind]++;
	else state.requestCounts[classifyRequest(state, req.method, url.pathname)]++;
	if (state.options.latencyMs > 0) await delay(state.options.latencyMs);
	const queued = state.faults.takeQueued(req.method, url.pathname);
	if (queued !== null) return applyFault(req, res, queued);

	if (platformKind !== null) return handlePlatformRequest(state, req, res, url);
	if (url.pathname === TOKEN_PATH) return handleToken(state, req, res);
	if (url.pathname.startsWith('/api/')) return handleApiRequest(state, req, res, url);
	sendJson(res, 404, { error: 'not_found', message: `No endpoint ${url.pathname}.` });
}

/**
 * Starts the simulator. Options (all optional): port (0 = a free port), host, seed, profile
 * ('clean' | 'flaky'), tokenTtlSeconds, latencyMs, resultTtlSeconds, speed, pendingMs,
 * resultUrlTtlSeconds, and the clock (see clock.mjs): `now` (a function, or the instant the clock
 * reads at start, in ms or ISO-8601 with an offset) or `clockOffsetMs`; neither = the real clock.
 *
 * @returns {Promise<{ baseUrl: string, tokenUrl: string, clientId: string, clientSecret: string,
 *   viewerClientId: string, viewerClientSecret: string, port: number, close: () => Promise<void>,
 *   state: object, platform: { authHost: string, platformTokenUrl: string, accessKeyId: string,
 *   accessKeySecret: string, platformClientId: string, platformClientSecret: string, tenantId: string,
 *   limitedAccessKeyId: string, limitedAccessKeySecret: string } }>}
 */
export async function startSimulator(options = {}) {
	const config = {
		...DEFAULT_OPTIONS,
		...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)),
	};
	const state = createState(config);
	const server = createServer((req, res) => {
		handleRequest(state, req, res).catch((error) => {
			if (error?.tooLarge)
				return sendJson(res, 413, {
					error: 'payload_too_large',
					message: 'The body is larger than 1 MB.',
				});
			if (res.headersSent || res.destroyed) return;
			sendJson(res, 500, {
				error: 'internal_error',
				message: `Simulator error: ${error?.message ?? error}`,
			});
		});
	});
	server.keepAliveTimeout = 5000;
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(config.port, config.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const { port } = server.address();
	const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
	const baseUrl = `http://${hostForUrl}:${port}`;
	const [fullClient, viewerClient] = state.clients;
	state.platform.baseUrl = baseUrl;
	const { accessKeys, application, tenant } = state.platform.credentials;
	const [reportingKey, limitedKey] = accessKeys;
	return {
		baseUrl,
		tokenUrl: `${baseUrl}${TOKEN_PATH}`,
		clientId: fullClient.clientId,
		clientSecret: fullClient.clientSecret,
		viewerClientId: viewerClient.clientId,
		viewerClientSecret: viewerClient.clientSecret,
		port,
		state,
		platform: {
			authHost: baseUrl,
			platformTokenUrl: `${baseUrl}${PLATFORM_TOKEN_PATH}`,
			accessKeyId: reportingKey.accessKeyId,
			accessKeySecret: reportingKey.accessKeySecret,
			platformClientId: application.clientId,
			platformClientSecret: application.clientSecret,
			tenantId: tenant.tenantId,
			limitedAccessKeyId: limitedKey.accessKeyId,
			limitedAccessKeySecret: limitedKey.accessKeySecret,
		},
		close() {
			state.queries.close();
			return new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		},
	};
}
