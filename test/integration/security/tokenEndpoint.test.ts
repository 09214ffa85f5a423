/**
 * Issue 14, points 13, 14 and 16: the token endpoint and the messages about it, against hostile local
 * servers through n8n-like request helpers.
 */
import type { IDataObject } from 'n8n-workflow';

import { NiceCxoneAnalytics } from '../../../nodes/NiceCxoneAnalytics/NiceCxoneAnalytics.node';
import { sendJson, startHostileServer } from './support/hostile';
import { useTestClockForDateNow } from '../../support/clock';
import { createN8nLikeContext, runNode } from './support/n8nLike';
import type { HostileServer } from './support/platform';
import { analyticsQueryParams, serverCredential, serverTracker } from './support/servers';
import { aggregateParams, platformCredential, startPlatform } from './support/platform';

// The node's 30-day reach and relative ranges read Date.now(): the tests' pinned clock, not the machine's.
useTestClockForDateNow();

const track = serverTracker();

type TokenAnswer = (attempt: number, res: Parameters<typeof sendJson>[0]) => void;

/** An analytics API whose token endpoint answers with `token(attempt)`; the query completes empty. */
async function startApi(token: TokenAnswer): Promise<HostileServer> {
	let attempts = 0;
	return await track(
		startHostileServer((request, res, self) => {
			const url = new URL(request.url, self.url);
			if (url.pathname === '/oauth/token') return token(++attempts, res);
			if (request.method === 'POST' && url.pathname === '/api/v2/analytics/query')
				return sendJson(res, 202, { id: 'q1', status: 'PENDING' });
			if (request.method === 'DELETE') return sendJson(res, 204, {});
			if (url.pathname === '/api/v2/analytics/query/q1')
				return sendJson(res, 200, { id: 'q1', status: 'COMPLETED', totalCount: 0, results: [] });
			sendJson(res, 404, { error: 'not_found', message: `no route ${url.pathname}` });
		}),
	);
}

const params = (overrides: IDataObject = {}) =>
	analyticsQueryParams({ timeoutSeconds: 20 }, overrides);

const tokenRequests = (server: HostileServer) =>
	server.received.filter((request) => request.url === '/oauth/token').length;
/** A host and path without a scheme, as someone might paste it. */
const NOT_A_URL = ['login', 'mynicecx.com/oauth/token'].join('.');
const ok: TokenAnswer = (_attempt, res) =>
	sendJson(res, 200, { access_token: 'tok', token_type: 'Bearer' });

describe('13. Every URL of the credentials is checked before anything is sent, and named', () => {
	it('a Token URL that is not a URL names Token URL, and nothing is sent or retried', async () => {
		const api = await startApi(ok);
		const { ctx, log } = createN8nLikeContext({
			params: params(),
			analytics: serverCredential(api, { tokenUrl: NOT_A_URL }),
		});
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error?.message).toBe(
			'Token URL is not a URL. Enter it in the NICE CXone OAuth2 API credential as https://host/path.',
		);
		expect(log.requests).toEqual([]);
		expect(api.received).toEqual([]);
	});

	it('a Legacy Token URL that is not a URL is named too', async () => {
		const platform = await track(startPlatform());
		const { ctx, log } = createN8nLikeContext({
			params: aggregateParams(),
			platform: platformCredential(platform, { authRoute: 'legacy', legacyTokenUrl: NOT_A_URL }),
		});
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error?.message).toBe(
			'Legacy Token URL is not a URL. Enter it in the NICE CXone API credential as https://host/path.',
		);
		expect(log.requests).toEqual([]);
	});

	it('an API Base URL Override over http to another machine is named, before the token is asked for', async () => {
		const platform = await track(startPlatform());
		const { ctx, log } = createN8nLikeContext({
			params: aggregateParams(),
			platform: platformCredential(platform, { apiBaseUrl: 'http://api-na1.niceincontact.com' }),
		});
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error?.message).toBe(
			'API Base URL Override (http://api-na1.niceincontact.com) must use https; only this machine (localhost, 127.0.0.1) may use http. Fix it in the NICE CXone API credential.',
		);
		expect(log.requests).toEqual([]);
	});
});

describe('14. The token endpoint is retried like the API; "refused" only for 400 and 401', () => {
	it('two 503s, then a token: the run succeeds', async () => {
		const api = await startApi((attempt, res) =>
			attempt <= 2
				? sendJson(res, 503, { error: 'temporarily_unavailable' }, { 'Retry-After': '0' })
				: ok(attempt, res),
		);
		const { ctx } = createN8nLikeContext({ params: params(), analytics: serverCredential(api) });
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error).toBeUndefined();
		expect(tokenRequests(api)).toBe(3);
	});

	it('a dropped connection, then a token: the run succeeds', async () => {
		const api = await startApi((attempt, res) =>
			attempt === 1 ? res.socket?.destroy() : ok(attempt, res),
		);
		const { ctx } = createN8nLikeContext({ params: params(), analytics: serverCredential(api) });
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error).toBeUndefined();
		expect(tokenRequests(api)).toBe(2);
	});

	it('an outage that lasts is called an outage, not a refusal, after the API’s six attempts', async () => {
		const api = await startApi((_attempt, res) =>
			sendJson(res, 503, { error: 'temporarily_unavailable' }, { 'Retry-After': '0' }),
		);
		const { ctx } = createN8nLikeContext({ params: params(), analytics: serverCredential(api) });
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error?.message).toMatch(
			/^The CXone token endpoint at http:\/\/127\.0\.0\.1:\d+\/oauth\/token is unavailable \(HTTP 503 temporarily_unavailable\), even after retries: an outage or throttling, not a refusal of the credentials\. Run the workflow again later\.$/,
		);
		expect(tokenRequests(api)).toBe(6);
	});

	it('the platform token endpoint is retried too', async () => {
		let tokens = 0;
		const platform = await track(
			startPlatform((request, res) => {
				if (request.url !== '/auth/token' || ++tokens > 1) return false;
				sendJson(res, 502, { error: 'bad_gateway' });
				return true;
			}),
		);
		const { ctx } = createN8nLikeContext({
			params: aggregateParams(),
			platform: platformCredential(platform),
		});
		const { error, items } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error).toBeUndefined();
		expect(items.length).toBe(1);
		expect(tokens).toBe(2);
	});

	it('a 401 is a refusal, said once and not retried', async () => {
		const api = await startApi((_attempt, res) =>
			sendJson(res, 401, {
				error: 'invalid_client',
				error_description: 'Client authentication failed',
			}),
		);
		const { ctx } = createN8nLikeContext({ params: params(), analytics: serverCredential(api) });
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error?.message).toMatch(
			/^The CXone token endpoint http:\/\/127\.0\.0\.1:\d+\/oauth\/token refused the client credentials \(HTTP 401 invalid_client: Client authentication failed\)\. Check Client ID, Client Secret and Token URL in the NICE CXone OAuth2 API credential\.$/,
		);
		expect(tokenRequests(api)).toBe(1);
	});
});

describe('16. Messages that say exactly what is wrong', () => {
	it('an empty Client Secret says so, and nothing is sent', async () => {
		const api = await startApi(ok);
		const { ctx } = createN8nLikeContext({
			params: params(),
			analytics: serverCredential(api, { clientSecret: '' }),
		});
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error?.message).toBe(
			"Client Secret is empty. Enter the API client's secret in the NICE CXone OAuth2 API credential.",
		);
		expect(api.received).toEqual([]);
	});

	it('a Base URL ending in /api/v2/ posts to /api/v2/analytics/query, not /api/v2/api/v2/…', async () => {
		const api = await startApi(ok);
		const { ctx } = createN8nLikeContext({
			params: params(),
			analytics: serverCredential(api, { baseUrl: `${api.url}/api/v2/` }),
		});
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error).toBeUndefined();
		expect(
			api.received.filter((request) => request.method === 'POST').map((request) => request.url),
		).toEqual(['/oauth/token', '/api/v2/analytics/query']);
	});

	it.each([
		[
			{ metrics: { metric: [{ metric: 'Duration:avg' }] } },
			"Metrics › Metric 1: 'Duration' is not a CXone metric; did you mean 'duration'? Metric names are lower case, e.g. duration:avg.",
		],
		[
			{ metrics: { metric: [{ metric: 'handle_time:AVG' }] } },
			"Metrics › Metric 1: aggregation 'AVG' is not known; did you mean 'avg'? Write it as handle_time:avg.",
		],
		[{ dimensions: ['Channel'] }, "Dimension 'Channel' is unknown; did you mean 'channel'?"],
		[{ returnAll: false, limit: 0 }, 'Limit is 0; it must be a whole number of at least 1.'],
		[{ start: null }, 'Start is null (its expression gave no value), which is not a date-time.'],
	])('%j is refused with a message that gives the fix', async (overrides, message) => {
		const api = await startApi(ok);
		const { ctx } = createN8nLikeContext({
			params: params(overrides),
			analytics: serverCredential(api),
		});
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error?.message.startsWith(message)).toBe(true);
		expect(api.received).toEqual([]);
	});
});
