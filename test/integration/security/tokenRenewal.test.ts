/**
 * Issue 14, point 15: token renewal. A token the API refused is never sent again: not by the next
 * execution after a failed renewal (even in another worker, without this process's memory), and not by
 * the concurrent requests of one execution, which share one renewal. Against an instrumented local
 * server that counts token requests and records the token each API request carried, through n8n-like
 * request helpers (support/n8nLike.ts: preAuthentication when the token is empty and after a 401).
 */
import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { NiceCxoneAnalytics } from '../../../nodes/NiceCxoneAnalytics/NiceCxoneAnalytics.node';
import { createN8nSend } from '../../../nodes/NiceCxoneAnalytics/transport/n8n';
import { forgetTokenRenewals } from '../../../nodes/shared/transport/tokenRenewal';
import { useTestClockForDateNow } from '../../support/clock';
import { sendJson, startHostileServer } from './support/hostile';
import { createN8nLikeContext, runNode } from './support/n8nLike';
import type { HostileServer } from './support/platform';
import { analyticsQueryParams, serverCredential, serverTracker } from './support/servers';
import { TOKEN, aggregateParams, platformCredential, startPlatform } from './support/platform';

// The node's 30-day reach and relative ranges read Date.now(): the tests' pinned clock, not the machine's.
useTestClockForDateNow();

const track = serverTracker();

type Received = HostileServer['received'][number];
type Answer = Parameters<typeof sendJson>[0];

/**
 * An analytics API that accepts only `valid()` tokens (401 otherwise) and whose token endpoint answers
 * with `token(n)` (n from 1). Every API request's token is recorded, with when its answer went out.
 */
async function startApi(options: {
	token: (attempt: number, res: Answer) => void;
	valid: (token: string) => boolean;
	hold?: (request: Received) => Promise<void>;
}) {
	let tokenRequests = 0;
	const calls: Array<{
		token: string;
		path: string;
		status: number;
		answeredAtMs: number;
		receivedAtMs: number;
	}> = [];
	const server = await track(
		startHostileServer(async (request, res, self) => {
			const url = new URL(request.url, self.url);
			if (url.pathname === '/oauth/token') return options.token(++tokenRequests, res);
			const token = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
			await options.hold?.(request);
			const status = options.valid(token) ? 200 : 401;
			calls.push({
				token,
				path: url.pathname,
				status,
				receivedAtMs: request.atMs,
				answeredAtMs: Date.now(),
			});
			if (status === 401) return sendJson(res, 401, { error: 'invalid_token' });
			if (request.method === 'POST' && url.pathname === '/api/v2/analytics/query')
				return sendJson(res, 202, { id: 'q1', status: 'PENDING' });
			if (request.method === 'DELETE') return sendJson(res, 204, {});
			sendJson(res, 200, { id: 'q1', status: 'COMPLETED', totalCount: 0, results: [] });
		}),
	);
	return { server, calls, tokenRequests: () => tokenRequests };
}

const credential = (server: HostileServer, accessToken: string): IDataObject =>
	serverCredential(server, { accessToken });

const params = analyticsQueryParams({ timeoutSeconds: 20 });

describe('15. After a failed renewal, the next execution does not start with the refused token', () => {
	it.each([
		['in the same process', false],
		['in another worker (no memory of the refusal)', true],
	])('%s', async (_case, newWorker) => {
		let outage = true;
		const api = await startApi({
			// The renewal meets an outage; once it is over, the endpoint hands out tok-2.
			token: (_n, res) =>
				outage
					? sendJson(res, 503, { error: 'temporarily_unavailable' }, { 'Retry-After': '0' })
					: sendJson(res, 200, { access_token: 'tok-2' }),
			valid: (token) => token === 'tok-2',
		});
		const first = createN8nLikeContext({ params, analytics: credential(api.server, 'tok-1') });
		const failed = await runNode(new NiceCxoneAnalytics(), first.ctx);
		expect(failed.error?.message).toMatch(
			/^The CXone token endpoint at http:\/\/127\.0\.0\.1:\d+\/oauth\/token is unavailable \(HTTP 503 temporarily_unavailable\)/,
		);
		// The refused token is not what n8n keeps.
		expect(first.log.stored.niceCxoneOAuth2Api.accessToken).toBe('');
		expect(api.calls.map((call) => call.token)).toEqual(['tok-1']);

		outage = false;
		if (newWorker) forgetTokenRenewals();
		const second = createN8nLikeContext({ params, analytics: first.log.stored.niceCxoneOAuth2Api });
		const succeeded = await runNode(new NiceCxoneAnalytics(), second.ctx);
		expect(succeeded.error).toBeUndefined();
		expect(api.calls.map((call) => call.token)).toEqual(['tok-1', 'tok-2', 'tok-2']);
		expect(second.log.stored.niceCxoneOAuth2Api.accessToken).toBe('tok-2');
	});
});

describe('15. The platform credential keeps no refused token either', () => {
	it('a refused token, a renewal that meets an outage, then a new worker: the refused token is sent once', async () => {
		let outage = true;
		const platform = await track(
			startPlatform((request, res) => {
				if (request.url !== '/auth/token' || !outage) return false;
				sendJson(res, 503, { error: 'temporarily_unavailable' }, { 'Retry-After': '0' });
				return true;
			}),
		);
		const sentWith = (token: string) =>
			platform.received.filter((request) => request.headers.authorization === `Bearer ${token}`)
				.length;
		const first = createN8nLikeContext({
			params: aggregateParams(),
			platform: platformCredential(platform, {
				accessToken: 'refused-token',
				apiEndpoint: platform.url,
			}),
		});
		expect((await runNode(new NiceCxoneAnalytics(), first.ctx)).error?.message).toMatch(
			/is unavailable \(HTTP 503 temporarily_unavailable\)/,
		);
		expect(first.log.stored.niceCxoneApi.accessToken).toBe('');

		outage = false;
		forgetTokenRenewals();
		const second = createN8nLikeContext({
			params: aggregateParams(),
			platform: first.log.stored.niceCxoneApi,
		});
		expect((await runNode(new NiceCxoneAnalytics(), second.ctx)).error).toBeUndefined();
		expect(sentWith('refused-token')).toBe(1);
		expect(sentWith(TOKEN)).toBeGreaterThan(0);
	});
});

describe('15. Concurrent requests that meet an expired token share one renewal', () => {
	it('five requests refused at once: one token request, and every request after the 401s carries the new token', async () => {
		// The first five requests are held until all five arrived, then all refused together.
		let waiting: Array<() => void> = [];
		const api = await startApi({
			token: (_n, res) =>
				void sleep(50).then(() => sendJson(res, 200, { access_token: 'tok-new' })),
			valid: (token) => token === 'tok-new',
			hold: async (request) => {
				if (!String(request.headers.authorization).endsWith('tok-old')) return;
				await new Promise<void>((resolve) => {
					waiting.push(resolve);
					if (waiting.length === 5) {
						for (const release of waiting) release();
						waiting = [];
					}
				});
			},
		});
		const { ctx } = createN8nLikeContext({ params, analytics: credential(api.server, 'tok-old') });
		const send = createN8nSend(ctx, api.server.url);
		const responses = await Promise.all(
			[1, 2, 3, 4, 5].map(
				async (n) => await send({ method: 'GET', path: `/api/v2/analytics/query/q${n}` }),
			),
		);
		expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
		expect(api.tokenRequests()).toBe(1);
		const firstRefusalMs = Math.min(
			...api.calls.filter((call) => call.status === 401).map((call) => call.answeredAtMs),
		);
		expect(api.calls.filter((call) => call.token === 'tok-old').length).toBe(5);
		expect(
			api.calls.filter((call) => call.token === 'tok-old' && call.receivedAtMs > firstRefusalMs),
		).toEqual([]);
		expect(api.calls.filter((call) => call.token === 'tok-new').length).toBe(5);
	});

	it('a request that starts while the renewal runs, with the refused token still stored, is not sent with it', async () => {
		let renewalStarted: () => void = () => undefined;
		const started = new Promise<void>((resolve) => (renewalStarted = resolve));
		const api = await startApi({
			token: (_n, res) => {
				renewalStarted();
				void sleep(200).then(() => sendJson(res, 200, { access_token: 'tok-new' }));
			},
			valid: (token) => token === 'tok-new',
		});
		const { ctx, log } = createN8nLikeContext({
			params,
			analytics: credential(api.server, 'tok-old'),
		});
		const send = createN8nSend(ctx, api.server.url);
		const first = send({ method: 'GET', path: '/api/v2/analytics/query/q1' });
		await started;
		// n8n still has tok-old stored: the renewal has not returned yet.
		expect(log.stored.niceCxoneOAuth2Api.accessToken).toBe('tok-old');
		const later = await Promise.all(
			[2, 3, 4].map(
				async (n) => await send({ method: 'GET', path: `/api/v2/analytics/query/q${n}` }),
			),
		);
		expect((await first).status).toBe(200);
		expect(later.map((response) => response.status)).toEqual([200, 200, 200]);
		expect(api.tokenRequests()).toBe(1);
		expect(api.calls.map((call) => call.token).sort()).toEqual([
			'tok-new',
			'tok-new',
			'tok-new',
			'tok-new',
			'tok-old',
		]);
	});
});
