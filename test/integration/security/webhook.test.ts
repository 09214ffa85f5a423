/**
 * Issue 14, point 12: the webhook fails closed, goes only where it was sent, is retried within the
 * documented bound, and a receiver written from the README can check it safely. Every test posts to
 * hostile receivers on real local HTTP through n8n-like request helpers (support/n8nLike.ts), which
 * follow redirects as n8n 2.41's do unless told not to.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { NiceCxoneAnalytics } from '../../../nodes/NiceCxoneAnalytics/NiceCxoneAnalytics.node';
import { NiceCxoneTrends } from '../../../nodes/NiceCxoneTrends/NiceCxoneTrends.node';
import { signWebhook, verifyWebhookSignature } from '../../../nodes/shared/core/webhookSignature';
import type { Clock } from '../../../nodes/shared/transport/clock';
import { createN8nPost, deliverWebhook } from '../../../nodes/shared/transport/webhook';
import { useTestClockForDateNow } from '../../support/clock';
import { sendJson, startHostileServer, testSecret } from './support/hostile';
import { readmeWebhookReceiver } from './support/readme';
import { createN8nLikeContext, runNode } from './support/n8nLike';
import type { HostileServer } from './support/platform';
import { analyticsQueryParams, serverTracker } from './support/servers';

// The node's 30-day reach and relative ranges read Date.now(): the tests' pinned clock, not the machine's.
useTestClockForDateNow();

const track = serverTracker();

const SECRET = testSecret('webhook-signing');
const AUDIT_RECORD = 'NICE CXone audit record';

/** A receiver that answers every POST with `answer(n)` (n from 1). */
async function receiver(
	answer: (attempt: number, res: Parameters<typeof sendJson>[0]) => void,
): Promise<HostileServer> {
	let attempts = 0;
	return await track(startHostileServer((_request, res) => answer(++attempts, res)));
}

/** An analytics API whose one query completes with `results` (none by default). */
async function analyticsApi(results: IDataObject[] = []): Promise<HostileServer> {
	return await track(
		startHostileServer((request, res) => {
			if (request.url === '/oauth/token')
				return sendJson(res, 200, { access_token: 'tok', token_type: 'Bearer' });
			if (request.method === 'POST' && request.url === '/api/v2/analytics/query')
				return sendJson(res, 202, { id: 'q1', status: 'PENDING' });
			if (request.url.startsWith('/api/v2/analytics/query/q1'))
				return sendJson(res, 200, {
					id: 'q1',
					status: 'COMPLETED',
					totalCount: results.length,
					results,
				});
			sendJson(res, 404, { error: 'not_found' });
		}),
	);
}

const queryParams = (options: IDataObject) =>
	analyticsQueryParams({ timeoutSeconds: 10, ...options });

const trendsItems: INodeExecutionData[] = Array.from({ length: 48 }, (_, i) => ({
	json: {
		bucketStart: new Date(Date.UTC(2024, 0, 1, i)).toISOString(),
		groupId: 'g1',
		count_sum: 10 + (i % 3),
	},
}));
const trendsParams = (options: IDataObject): IDataObject => ({
	outputMode: 'summary',
	method: 'rollingRobust',
	sensitivity: 'medium',
	timestampField: 'bucketStart',
	timeZone: 'UTC',
	options: { metrics: 'count_sum', ...options },
});

const auditRecordsLogged = (logged: string[]) =>
	logged.filter((message) => message === AUDIT_RECORD).length;

describe('12. Signing fails closed: nothing is sent without a usable secret', () => {
	const hook = (url: string) => ({
		webhookUrl: `${url}/hook`,
		webhookEvents: ['completed', 'failed'],
		audit: 'output',
	});

	it.each([
		[
			'no signing credential on the node',
			undefined,
			/^Webhook signing is on but the node has no readable NICE CXone Webhook Signing API credential\. Select one/,
		],
		[
			'an empty secret',
			{ secret: '' },
			/^Webhook signing is on but the NICE CXone Webhook Signing API credential's Signing Secret is empty\./,
		],
		[
			'a 3-character secret',
			{ secret: 'abc' },
			/^The NICE CXone Webhook Signing API credential's Signing Secret has 3 characters; it needs at least 32\. Replace it with a random secret/,
		],
		[
			'a 31-character secret',
			{ secret: 'x'.repeat(31) },
			/Signing Secret has 31 characters; it needs at least 32\./,
		],
	])(
		'Analytics with %s: an error before the query or the webhook is sent',
		async (_case, webhookSigning, message) => {
			const api = await analyticsApi();
			const { ctx, log } = createN8nLikeContext({
				params: queryParams(hook(api.url)),
				analytics: {
					tokenUrl: `${api.url}/oauth/token`,
					baseUrl: api.url,
					clientId: 'c',
					clientSecret: 's',
				},
				webhookSigning,
			});
			const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
			expect(error?.message).toMatch(message);
			expect(log.requests).toEqual([]);
			expect(api.received).toEqual([]);
		},
	);

	it('Trends with an empty secret: the run fails, and no POST goes out', async () => {
		const hooks = await receiver((_n, res) => sendJson(res, 200, {}));
		const { ctx, log } = createN8nLikeContext({
			params: trendsParams(hook(hooks.url)),
			items: trendsItems,
			webhookSigning: { secret: '' },
			nodeName: 'Trends',
		});
		const { error } = await runNode(new NiceCxoneTrends(), ctx);
		expect(error?.message).toMatch(/Signing Secret is empty/);
		expect(hooks.received).toEqual([]);
		expect(log.requests).toEqual([]);
	});

	it('with Sign Webhook off, the body goes out unsigned without any credential', async () => {
		const hooks = await receiver((_n, res) => sendJson(res, 200, {}));
		const { ctx } = createN8nLikeContext({
			params: trendsParams({ ...hook(hooks.url), webhookSigning: false }),
			items: trendsItems,
		});
		const { error } = await runNode(new NiceCxoneTrends(), ctx);
		expect(error).toBeUndefined();
		expect(hooks.received.length).toBe(1);
		expect(hooks.received[0].headers['x-cxone-signature']).toBeUndefined();
	});

	it('the transport itself refuses a short or missing secret: zero attempts', async () => {
		const hooks = await receiver((_n, res) => sendJson(res, 200, {}));
		const { ctx } = createN8nLikeContext({ params: {} });
		for (const secret of [undefined, '', 'abc']) {
			const outcome = await deliverWebhook(
				createN8nPost(ctx),
				realClock,
				{ url: hooks.url, secret, timeoutMs: 1000, maxAttempts: 3, baseDelayMs: 1, minDelayMs: 1 },
				{ auditId: 'a1' },
			);
			expect(outcome).toMatchObject({ delivered: false, attempts: 0, status: null });
			expect(outcome.error?.startsWith('not sent: ')).toBe(true);
		}
		expect(hooks.received).toEqual([]);
	});
});

/** Real time, every wait recorded, and the random numbers 0.1, 0.75, 0.1, 0.75 … in turn. */
const waits: number[] = [];
let draws = 0;
const realClock: Clock = {
	now: () => Date.now(),
	random: () => [0.1, 0.75][draws++ % 2],
	sleep: async (ms) => {
		waits.push(ms);
		await sleep(ms);
	},
};
beforeEach(() => {
	waits.splice(0);
	draws = 0;
});

async function deliver(url: string, maxRetryAfterMs?: number) {
	const { ctx, log } = createN8nLikeContext({ params: {} });
	const outcome = await deliverWebhook(
		createN8nPost(ctx),
		realClock,
		{
			url,
			secret: SECRET,
			timeoutMs: 2000,
			maxAttempts: 3,
			baseDelayMs: 20,
			minDelayMs: 4,
			maxRetryAfterMs,
		},
		{ event: 'completed', auditId: 'audit-1' },
	);
	return { outcome, log };
}

describe('12. Where the signed body goes, and how often', () => {
	it('a 307 is not followed: the other host gets nothing, and it is not delivered or retried', async () => {
		const other = await receiver((_n, res) => sendJson(res, 200, {}));
		const hooks = await receiver(
			(_n, res) => void res.writeHead(307, { Location: `${other.url}/steal` }).end(),
		);
		const { outcome, log } = await deliver(`${hooks.url}/hook`);
		expect(outcome).toMatchObject({ delivered: false, attempts: 1, status: 307 });
		expect(outcome.error).toBe(
			`HTTP 307: a redirect to ${other.url}/steal, not followed; set Options › Webhook URL to the receiver's own address`,
		);
		expect(other.received).toEqual([]);
		expect(hooks.received.length).toBe(1);
		expect(log.requests[0]).toMatchObject({
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
		});
	});

	it('a 429 is retried after its Retry-After plus up to a fifth more at random, and then delivered', async () => {
		const hooks = await receiver((n, res) =>
			n === 1 ? sendJson(res, 429, {}, { 'Retry-After': '1' }) : sendJson(res, 200, {}),
		);
		const { outcome } = await deliver(hooks.url);
		expect(outcome).toMatchObject({ delivered: true, attempts: 2, status: 200, error: null });
		// random() = 0.1: 1000 ms + 0.1 × a fifth of it.
		expect(waits).toEqual([1020]);
		expect(hooks.received[1].atMs - hooks.received[0].atMs).toBeGreaterThanOrEqual(1010);
	});

	it('a second 429 draws its own jitter: Retry-After 1 s waits 1020 ms, then 1150 ms', async () => {
		const hooks = await receiver((_n, res) => sendJson(res, 429, {}, { 'Retry-After': '1' }));
		const { outcome } = await deliver(hooks.url);
		expect(outcome).toMatchObject({ delivered: false, attempts: 3, status: 429 });
		expect(waits).toEqual([1020, 1150]);
	});

	it.each([
		// Backoff with full jitter: 0.1 × 20 ms = 2, raised to the 4 ms floor; then 0.75 × 40 ms.
		['-1', [4, 30]],
		['1.5', [4, 30]],
		// Retry-After 0 asks for no wait: the floor.
		['0', [4, 4]],
	])(
		'a Retry-After of %s waits the jittered backoff or the floor: 3 POSTs in all',
		async (header, expected) => {
			const hooks = await receiver((_n, res) => sendJson(res, 429, {}, { 'Retry-After': header }));
			const { outcome } = await deliver(hooks.url);
			expect(outcome).toMatchObject({
				delivered: false,
				attempts: 3,
				status: 429,
				error: 'HTTP 429',
			});
			expect(waits).toEqual(expected);
			expect(hooks.received.length).toBe(3);
		},
	);

	it('a Retry-After over the cap ends the delivery instead of a wait', async () => {
		const hooks = await receiver((_n, res) => sendJson(res, 429, {}, { 'Retry-After': '3600' }));
		const { outcome } = await deliver(hooks.url, 30_000);
		expect(outcome).toMatchObject({ delivered: false, attempts: 1, status: 429 });
		expect(outcome.error).toBe(
			'HTTP 429: the receiver asked to wait 3600 s, more than the 30 s the node waits',
		);
		expect(waits).toEqual([]);
	});

	it('a cancelled execution sends no further attempt', async () => {
		const controller = new AbortController();
		const hooks = await receiver((_n, res) => {
			controller.abort();
			sendJson(res, 503, {});
		});
		const { ctx } = createN8nLikeContext({ params: {} });
		const outcome = await deliverWebhook(
			createN8nPost(ctx),
			realClock,
			{
				url: hooks.url,
				secret: SECRET,
				timeoutMs: 2000,
				maxAttempts: 3,
				baseDelayMs: 20,
				minDelayMs: 4,
				signal: controller.signal,
			},
			{ auditId: 'a1' },
		);
		expect(outcome).toMatchObject({ delivered: false, attempts: 1 });
		expect(outcome.error).toMatch(/not retried: the execution was cancelled$/);
		expect(hooks.received.length).toBe(1);
	});
});

describe('12. Fail Workflow on Webhook Error: one record, three POSTs at most, Continue On Fail honoured', () => {
	const failing = (url: string, audit = 'both') => ({
		webhookUrl: `${url}/hook`,
		webhookEvents: ['completed', 'anomaliesFound', 'failed'],
		webhookFailWorkflow: true,
		webhookTimeoutSeconds: 2,
		audit,
	});

	it('Trends with Continue On Fail: an error item, one record emitted and logged, 3 POSTs', async () => {
		const hooks = await receiver((_n, res) => sendJson(res, 500, { error: 'down' }));
		const { ctx, log } = createN8nLikeContext({
			params: trendsParams(failing(hooks.url)),
			items: trendsItems,
			webhookSigning: { secret: SECRET },
			continueOnFail: true,
			nodeName: 'Trends',
		});
		const { error, outputs } = await runNode(new NiceCxoneTrends(), ctx);
		expect(error).toBeUndefined();
		expect(outputs[0]).toEqual([
			{
				json: {
					error: `The webhook to ${hooks.url}/hook was not delivered after 3 attempts (HTTP 500).`,
				},
				pairedItem: trendsItems.map((_, item) => ({ item })),
			},
		]);
		expect(outputs[1]).toEqual([]);
		expect(outputs[2].length).toBe(1);
		expect(outputs[2][0].json).toMatchObject({
			kind: 'trends',
			status: 'success',
			webhook: { delivered: false, attempts: 3, status: 500, error: 'HTTP 500' },
		});
		expect(auditRecordsLogged(log.logged)).toBe(1);
		expect(hooks.received.length).toBe(3);
	});

	it('Trends without Continue On Fail: the run throws, one record logged, 3 POSTs (not 6)', async () => {
		const hooks = await receiver((_n, res) => sendJson(res, 500, { error: 'down' }));
		const staticData: IDataObject = {};
		const { ctx, log } = createN8nLikeContext({
			params: trendsParams(failing(hooks.url)),
			items: trendsItems,
			webhookSigning: { secret: SECRET },
			staticData,
			nodeName: 'Trends',
		});
		const { error } = await runNode(new NiceCxoneTrends(), ctx);
		expect(error?.message).toBe(
			`The webhook to ${hooks.url}/hook was not delivered after 3 attempts (HTTP 500).`,
		);
		expect(auditRecordsLogged(log.logged)).toBe(1);
		expect(staticData.auditChainHead).toMatchObject({ seq: 1 });
		expect(hooks.received.length).toBe(3);
	});

	it('Trends whose analysis fails, with a failing webhook: the analysis error, one record, 3 POSTs', async () => {
		const hooks = await receiver((_n, res) => sendJson(res, 500, { error: 'down' }));
		const { ctx, log } = createN8nLikeContext({
			params: trendsParams({ ...failing(hooks.url), metrics: 'no_such_field' }),
			items: trendsItems,
			webhookSigning: { secret: SECRET },
			continueOnFail: true,
			nodeName: 'Trends',
		});
		const { error, outputs } = await runNode(new NiceCxoneTrends(), ctx);
		expect(error).toBeUndefined();
		expect(String(outputs[0][0].json.error)).toMatch(
			/^Metric field 'no_such_field' is not in any item\./,
		);
		expect(outputs[2].length).toBe(1);
		expect(outputs[2][0].json).toMatchObject({
			status: 'error',
			webhook: { delivered: false, attempts: 3 },
		});
		expect(auditRecordsLogged(log.logged)).toBe(1);
		expect(hooks.received.length).toBe(3);
	});

	it('Analytics with Continue On Fail: an error item instead of the rows, one record on the Audit output, 3 POSTs', async () => {
		const api = await analyticsApi([
			{
				timeSeries: '2024-01-01T00:00:00Z',
				dimensions: {},
				metrics: [{ name: 'count', aggregation: 'sum', value: 5 }],
			},
		]);
		const hooks = await receiver((_n, res) => sendJson(res, 502, {}));
		const { ctx, log } = createN8nLikeContext({
			params: queryParams(failing(hooks.url)),
			analytics: {
				tokenUrl: `${api.url}/oauth/token`,
				baseUrl: api.url,
				clientId: 'c',
				clientSecret: 's',
			},
			webhookSigning: { secret: SECRET },
			continueOnFail: true,
		});
		const { error, outputs } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error).toBeUndefined();
		expect(outputs[0].map((item) => item.json.error)).toEqual([
			`The webhook to ${hooks.url}/hook was not delivered after 3 attempts (HTTP 502).`,
		]);
		expect(outputs[0][0].pairedItem).toEqual({ item: 0 });
		expect(outputs[1].length).toBe(1);
		expect(outputs[1][0].json).toMatchObject({
			status: 'success',
			result: { rows: 1 },
			webhook: { delivered: false, attempts: 3, status: 502 },
		});
		expect(auditRecordsLogged(log.logged)).toBe(1);
		expect(hooks.received.length).toBe(3);
	});
});

describe("12. The README's receiver checks a real delivery safely", () => {
	it('accepts a signed body once, refuses its replay, an old timestamp and odd signature headers without throwing', async () => {
		const hooks = await receiver((_n, res) => sendJson(res, 200, {}));
		const { ctx } = createN8nLikeContext({
			params: trendsParams({
				webhookUrl: hooks.url,
				webhookEvents: ['completed', 'anomaliesFound'],
			}),
			items: trendsItems,
			webhookSigning: { secret: SECRET },
		});
		expect((await runNode(new NiceCxoneTrends(), ctx)).error).toBeUndefined();
		const [{ body, headers }] = hooks.received;
		const accept = readmeWebhookReceiver();
		const timestamp = Number(headers['x-cxone-timestamp']);
		const seen = new Map<string, number>();
		// The id and the timestamp a receiver needs are in the signed material.
		expect(typeof JSON.parse(body).auditId).toBe('string');
		expect(headers['x-cxone-signature']).toBe(signWebhook(SECRET, timestamp, body));
		expect(accept(SECRET, body, headers as IDataObject, seen, timestamp)).toBe(true);
		expect(accept(SECRET, body, headers as IDataObject, seen, timestamp)).toBe(false);
		expect(accept(SECRET, body, headers as IDataObject, new Map(), timestamp + 301)).toBe(false);
		expect(
			accept(
				'another-secret-of-32-characters-x',
				body,
				headers as IDataObject,
				new Map(),
				timestamp,
			),
		).toBe(false);
		for (const signature of [
			`v1=${'é'.repeat(64)}`,
			`v1=${'ü'.repeat(32)}`,
			'v1=',
			'',
			`v1=${'A'.repeat(64)}`,
			'\u0000'.repeat(67),
		]) {
			const odd = { ...headers, 'x-cxone-signature': signature };
			expect(accept(SECRET, body, odd as IDataObject, new Map(), timestamp)).toBe(false);
			expect(verifyWebhookSignature(SECRET, timestamp, body, signature)).toBe(false);
		}
		expect(
			accept(
				SECRET,
				body,
				{ ...headers, 'x-cxone-timestamp': `${timestamp}é` } as IDataObject,
				new Map(),
				timestamp,
			),
		).toBe(false);
	});
});
