/**
 * createN8nSend asks n8n for every answer as a stream and reads it within a byte cap before parsing
 * it (nodes/shared/transport/responseBody.ts): against nock, through the test context's reproduction
 * of n8n's request helpers on each n8n line (support/n8nContext.ts).
 */
import nock from 'nock';
import type { IHttpRequestOptions } from 'n8n-workflow';

import { ApiFailure, CxoneApiError } from '../../../../nodes/NiceCxoneAnalytics/transport/errors';
import { createN8nSend } from '../../../../nodes/NiceCxoneAnalytics/transport/n8n';
import {
	DEFAULT_RETRY_POLICY,
	isRetryable,
	sendWithRetries,
} from '../../../../nodes/NiceCxoneAnalytics/transport/retry';
import type { ApiRequest, Send } from '../../../../nodes/NiceCxoneAnalytics/transport/types';
import { newTransportStats } from '../../../../nodes/NiceCxoneAnalytics/transport/types';
import { forgetTokenRenewals } from '../../../../nodes/shared/transport/tokenRenewal';
import type { N8nLine } from '../../../support/n8nAuthentication';
import { createContext } from '../../../support/n8nContext';
import { API, CREDENTIALS as credentials, TOKEN_HOST } from '../../../support/nockOAuth';
import { bodyOf, gzip } from '../../../support/streams';

const POLL = '/api/v2/analytics/query/q1';
const ADVICE = 'Nothing was output; run the workflow again, and report it to NICE if it persists.';

const row = (value: number) => ({
	timeSeries: '2024-01-01T00:00:00Z',
	dimensions: { channel: 'voice' },
	metrics: [{ name: 'count', aggregation: 'sum', value }],
});
const PAGE = { id: 'q1', status: 'COMPLETED', totalCount: 2, results: [row(1), row(2)] };

/** A context on `n8nLine` whose credential holds a token; `options` records what the node asked n8n for. */
function context(n8nLine: N8nLine, accessToken = 'tok1') {
	const made = createContext({ params: {}, credentials, n8nLine });
	made.log.stored.accessToken = accessToken;
	const options: IHttpRequestOptions[] = [];
	const { httpRequestWithAuthentication } = made.ctx.helpers;
	made.ctx.helpers.httpRequestWithAuthentication = async function (
		this: unknown,
		type: string,
		request: IHttpRequestOptions,
	) {
		options.push(request);
		return await httpRequestWithAuthentication.call(this as never, type, request);
	} as never;
	return { ...made, options };
}

const outcomeOf = async (promise: Promise<unknown>): Promise<unknown> =>
	await promise.then(
		() => {
			throw new Error('the request succeeded');
		},
		(error: unknown) => error,
	);

/** Sends `request` with the node's retries (any wait is instant): its error, and the attempts made. */
async function withRetries(send: Send, request: ApiRequest) {
	const stats = newTransportStats();
	const error = await sendWithRetries(
		{
			send,
			clock: { now: () => 0, random: () => 0, sleep: async () => undefined },
			policy: DEFAULT_RETRY_POLICY,
			stats,
			deadlineMs: Infinity,
		},
		request,
	).then(
		() => undefined,
		(thrown: unknown) => thrown,
	);
	return { error, requests: stats.requests };
}

beforeAll(() => nock.disableNetConnect());
afterAll(() => {
	nock.enableNetConnect();
	nock.restore();
});
beforeEach(() => forgetTokenRenewals());
afterEach(() => {
	expect(nock.pendingMocks()).toEqual([]);
	nock.cleanAll();
});

describe.each([1, 2] as const)(
	'createN8nSend on n8n %i.x reads answers within a cap',
	(n8nLine) => {
		describe('normal answers', () => {
			it('a result page is asked for as a stream and comes back parsed, exactly', async () => {
				const { ctx, options } = context(n8nLine);
				nock(API).get(POLL).reply(200, PAGE, { 'Content-Type': 'application/json' });
				const response = await createN8nSend(ctx, API)({ method: 'GET', path: POLL });
				expect(response.body).toEqual(PAGE);
				expect([response.status, response.headers['content-type']]).toEqual([
					200,
					'application/json',
				]);
				expect(options.map(({ encoding, json }) => ({ encoding, json }))).toEqual([
					{ encoding: 'stream', json: false },
				]);
				expect(options[0].headers).toEqual({ Accept: 'application/json' });
			});

			it('a gzip-compressed page is inflated and parsed; 204 is an empty body', async () => {
				const { ctx } = context(n8nLine);
				nock(API)
					.get(POLL)
					.reply(200, gzip(JSON.stringify(PAGE)), {
						'Content-Type': 'application/json',
						'Content-Encoding': 'gzip',
					})
					.delete(POLL)
					.reply(204);
				const send = createN8nSend(ctx, API);
				expect((await send({ method: 'GET', path: POLL })).body).toEqual(PAGE);
				expect(await send({ method: 'DELETE', path: POLL })).toEqual({
					status: 204,
					headers: {},
					body: '',
				});
			});

			it('a report file stays text (without its byte order mark), and a page cut short stays text', async () => {
				const { ctx } = context(n8nLine);
				nock('https://files.example.test')
					.get('/r.csv')
					.reply(200, '\uFEFFskill,offered\r\nSales,12\r\n');
				nock(API).get(POLL).reply(200, '{"id":"q1","status":"COMP');
				const send = createN8nSend(ctx, API);
				const file = await send({
					method: 'GET',
					path: 'https://files.example.test/r.csv',
					text: true,
					anonymous: true,
				});
				expect(file.body).toBe('skill,offered\r\nSales,12\r\n');
				expect((await send({ method: 'GET', path: POLL })).body).toBe('{"id":"q1","status":"COMP');
			});

			it('an answer of exactly the cap is read whole', async () => {
				const { ctx } = context(n8nLine);
				nock(API)
					.get(POLL)
					.reply(200, `"${'y'.repeat(4094)}"`);
				const response = await createN8nSend(
					ctx,
					API,
				)({ method: 'GET', path: POLL, maxBytes: 4096 });
				expect(response.body).toBe('y'.repeat(4094));
			});
		});

		describe('answers past their cap', () => {
			it('a 2xx answer past the cap fails at once with what, where and how much; it is not sent again', async () => {
				const { ctx } = context(n8nLine);
				nock(API)
					.get(POLL)
					.reply(200, () => bodyOf(50_000, '{"id":"q1","status":"COMPLETED","padding":"'));
				const { error, requests } = await withRetries(createN8nSend(ctx, API), {
					method: 'GET',
					path: POLL,
					maxBytes: 4096,
				});
				expect(error).toBeInstanceOf(CxoneApiError);
				expect((error as Error).message).toBe(
					`The CXone server's answer to GET ${POLL} (HTTP 200) went past 4 KB, the most the node reads of such an answer; it stopped reading there and closed the connection. ${ADVICE}`,
				);
				expect(requests).toBe(1);
			});

			it('a Content-Length over the cap is refused before the body is read', async () => {
				const { ctx } = context(n8nLine);
				nock(API)
					.get(POLL)
					.reply(200, () => bodyOf(5000), { 'Content-Length': '5000' });
				const error = await outcomeOf(
					createN8nSend(ctx, API)({ method: 'GET', path: POLL, maxBytes: 4096 }),
				);
				expect((error as Error).message).toBe(
					`The CXone server's answer to GET ${POLL} (HTTP 200) declared 5,000 bytes (Content-Length), more than the 4 KB the node reads of such an answer; it read none of it and closed the connection. ${ADVICE}`,
				);
			});

			it('the cap counts bytes as they inflate: 10 MB of gzip in 10 KB is refused at 1 MB', async () => {
				const { ctx } = context(n8nLine);
				const bomb = gzip(Buffer.alloc(10 * 1024 * 1024, 0x20));
				expect(bomb.length).toBeLessThan(20_000);
				nock(API)
					.get(POLL)
					.reply(200, bomb, { 'Content-Encoding': 'gzip', 'Content-Length': String(bomb.length) });
				const error = await outcomeOf(
					createN8nSend(ctx, API)({ method: 'GET', path: POLL, maxBytes: 1024 * 1024 }),
				);
				expect((error as Error).message).toMatch(
					/^The CXone server's answer to GET \/api\/v2\/analytics\/query\/q1 \(HTTP 200\) went past 1 MB, /,
				);
			});

			it("a report file's cap names the file and what to narrow", async () => {
				const { ctx } = context(n8nLine);
				nock('https://files.example.test')
					.get('/r.csv')
					.query(true)
					.reply(200, () => bodyOf(10_000, 'skill,offered\n', 'Sales,1\n'));
				const error = await outcomeOf(
					createN8nSend(
						ctx,
						API,
					)({
						method: 'GET',
						path: 'https://files.example.test/r.csv?signature=abc',
						text: true,
						anonymous: true,
						maxBytes: 4096,
					}),
				);
				expect((error as Error).message).toBe(
					"The CXone server's file to GET https://files.example.test/r.csv (HTTP 200) went past 4 KB, the most the node reads of such an answer; it stopped reading there and closed the connection. Narrow the report (a shorter time range, or fewer columns in CXone) and run again.",
				);
			});

			it("a token answer past 256 KB is the credential's error, not retried, and no API request goes out", async () => {
				const { ctx, log } = context(n8nLine, '');
				nock(TOKEN_HOST)
					.post('/oauth/token')
					.reply(200, () => bodyOf(300 * 1024, '{"token_type":"Bearer","access_token":"'));
				const { error, requests } = await withRetries(createN8nSend(ctx, API), {
					method: 'GET',
					path: POLL,
				});
				expect(error).toBeInstanceOf(ApiFailure);
				expect((error as ApiFailure).message).toBe(
					`The CXone token endpoint at ${TOKEN_HOST}/oauth/token sent an answer that went past 256 KB, the most the node reads of such an answer; it stopped reading there and closed the connection. Check the address in the credential, and report it to NICE if it persists.`,
				);
				// n8n 1.x's NodeApiError drops the credential's own error; the node heard it from the credential.
				expect(isRetryable(error as ApiFailure)).toBe(false);
				expect((error as ApiFailure).credential).toEqual({
					fromCredential: true,
					retryable: false,
				});
				expect([requests, log.tokenRequests, log.apiRequests]).toEqual([1, 1, []]);
			});

			it("a token endpoint's 503, then a token: the credential's outage is retried, and the request goes out", async () => {
				// n8n 1.x's NodeApiError drops the credential's error: the outage was not retried on 1.x before.
				const { ctx, log } = context(n8nLine, '');
				nock(TOKEN_HOST)
					.post('/oauth/token')
					.reply(503, { error: 'temporarily_unavailable' })
					.post('/oauth/token')
					.reply(200, { token_type: 'Bearer', access_token: 'tok2' });
				nock(API).get(POLL).reply(200, PAGE);
				const { error, requests } = await withRetries(createN8nSend(ctx, API), {
					method: 'GET',
					path: POLL,
				});
				expect(error).toBeUndefined();
				expect([requests, log.tokenRequests, log.apiRequests.length]).toEqual([2, 2, 1]);
			});
		});

		describe('error answers are read for their message only', () => {
			it('a 503 of 200 KB: its message comes from its first 64 KB, and it is retried as a 503', async () => {
				const { ctx } = context(n8nLine);
				nock(API)
					.get(POLL)
					.reply(503, () =>
						bodyOf(200 * 1024, '{"error":"unavailable","message":"down for maintenance ', 'z'),
					)
					.get(POLL)
					.reply(200, PAGE);
				const send = createN8nSend(ctx, API);
				const failure = (await outcomeOf(send({ method: 'GET', path: POLL }))) as ApiFailure;
				expect(failure).toBeInstanceOf(ApiFailure);
				expect([failure.status, failure.errorCode, isRetryable(failure)]).toEqual([
					503,
					'unavailable',
					true,
				]);
				expect(failure.message).toBe(
					`HTTP 503 unavailable: down for maintenance ${'z'.repeat(300 - 'down for maintenance '.length)}…`,
				);
				const message = (failure.body as { message: string }).message;
				expect(message.length).toBeLessThanOrEqual(64 * 1024);
				expect(message.length).toBeGreaterThan(60 * 1024);
				expect((await send({ method: 'GET', path: POLL })).body).toEqual(PAGE);
			});

			it('a 401 that goes on and on: read up to 64 KB, then the token is renewed and the request repeated', async () => {
				const { ctx, log } = context(n8nLine);
				nock(API)
					.get(POLL)
					.reply(401, () => bodyOf(2 * 1024 * 1024, '{"error":"invalid_token","padding":"'))
					.get(POLL)
					.reply(200, PAGE);
				nock(TOKEN_HOST)
					.post('/oauth/token')
					.reply(200, { access_token: 'tok2', token_type: 'Bearer', expires_in: 3600 });
				const response = await createN8nSend(ctx, API)({ method: 'GET', path: POLL });
				expect(response.body).toEqual(PAGE);
				expect(log.stored.accessToken).toBe('tok2');
			});
		});
	},
);
