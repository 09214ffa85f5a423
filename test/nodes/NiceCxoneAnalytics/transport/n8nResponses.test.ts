/**
 * createN8nSend asks n8n for every status as a response (ignoreHttpStatusErrors), so that an error's
 * headers survive on n8n 1.x too, whose NodeApiError drops the HTTP error it wraps; and it still gets a
 * refused token renewed by n8n, which renews only on a thrown 401. Against nock, through the test
 * context's reproduction of n8n's httpRequestWithAuthentication on each n8n line (support/n8nContext.ts).
 */
import nock from 'nock';
import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { ApiFailure } from '../../../../nodes/NiceCxoneAnalytics/transport/errors';
import { createN8nSend, toApiFailure } from '../../../../nodes/NiceCxoneAnalytics/transport/n8n';
import {
	DEFAULT_RETRY_POLICY,
	sendWithRetries,
} from '../../../../nodes/NiceCxoneAnalytics/transport/retry';
import type { ApiRequest } from '../../../../nodes/NiceCxoneAnalytics/transport/types';
import { newTransportStats } from '../../../../nodes/NiceCxoneAnalytics/transport/types';
import { forgetTokenRenewals } from '../../../../nodes/shared/transport/tokenRenewal';
import type { N8nLine } from '../../../support/n8nAuthentication';
import { createContext } from '../../../support/n8nContext';
import { API, CREDENTIALS as credentials, TOKEN_HOST } from '../../../support/nockOAuth';

const POLL = '/api/v2/analytics/query/q1';
const GET_POLL: ApiRequest = { method: 'GET', path: POLL };
const COMPLETED = { id: 'q1', status: 'COMPLETED', totalCount: 0, results: [] };

/** What reached the servers, in order: token requests, and API requests with the token they carried. */
let hits: string[] = [];

/** The token endpoint handing out `values`, one per request. */
function tokens(...values: string[]) {
	const scope = nock(TOKEN_HOST);
	for (const value of values) {
		scope.post('/oauth/token').reply(() => {
			hits.push('token');
			return [200, { access_token: value, token_type: 'Bearer', expires_in: 3600 }];
		});
	}
}

type Answer = [status: number, body: unknown, headers?: Record<string, string>];

/** The API answering GET POLL with `answers` in order (a function: made when the request arrives). */
function api(...answers: Array<Answer | (() => Answer)>) {
	const scope = nock(API);
	for (const answer of answers) {
		scope.get(POLL).reply(function () {
			hits.push(`GET ${String(this.req.headers.authorization)}`);
			const [status, body, headers] = typeof answer === 'function' ? answer() : answer;
			return [status, body as never, headers ?? {}];
		});
	}
}

/** A context on `n8nLine` whose credential already holds `accessToken` (fetched by an earlier execution). */
function contextWithToken(n8nLine: N8nLine, accessToken: string) {
	const context = createContext({ params: {}, credentials, n8nLine });
	context.log.stored.accessToken = accessToken;
	return context;
}

const failureOf = async (promise: Promise<unknown>): Promise<ApiFailure> =>
	await promise.then(
		() => {
			throw new Error('the request succeeded');
		},
		(error: unknown) => {
			if (!(error instanceof ApiFailure)) throw error;
			return error;
		},
	);

beforeAll(() => nock.disableNetConnect());
afterAll(() => {
	nock.enableNetConnect();
	nock.restore();
});
beforeEach(() => {
	hits = [];
	forgetTokenRenewals();
});
afterEach(() => {
	expect(nock.pendingMocks()).toEqual([]);
	nock.cleanAll();
});

describe('the test context reproduces what each n8n line hands back for a thrown error', () => {
	it.each([
		[1, {}],
		[2, { 'content-type': 'application/json', 'retry-after': '7' }],
	] as const)(
		'n8n %i.x: a 429 thrown through NodeApiError keeps these headers',
		async (n8nLine, headers) => {
			const { ctx } = contextWithToken(n8nLine, 'tok1');
			api([429, { error: 'too_many_requests' }, { 'Retry-After': '7' }]);
			const error: unknown = await ctx.helpers.httpRequestWithAuthentication
				.call(ctx, 'niceCxoneOAuth2Api', { baseURL: API, url: POLL, json: true })
				.catch((thrown: unknown) => thrown);
			const failure = toApiFailure(error);
			expect([failure.status, failure.headers, failure.body]).toEqual([
				429,
				headers,
				{ error: 'too_many_requests' },
			]);
		},
	);
});

describe.each([1, 2] as const)('createN8nSend on n8n %i.x', (n8nLine) => {
	it('a 429 comes back with its Retry-After, status, body and message', async () => {
		const { ctx, log } = contextWithToken(n8nLine, 'tok1');
		api([429, { error: 'too_many_requests', message: 'slow down' }, { 'Retry-After': '7' }]);
		const failure = await failureOf(createN8nSend(ctx, API)(GET_POLL));
		expect(failure.message).toBe('HTTP 429 too_many_requests: slow down');
		expect(failure.status).toBe(429);
		expect(failure.headers).toEqual({ 'content-type': 'application/json', 'retry-after': '7' });
		expect(failure.body).toEqual({ error: 'too_many_requests', message: 'slow down' });
		expect(failure.networkCode).toBeUndefined();
		expect(hits).toEqual(['GET Bearer tok1']);
		expect(log.tokenRequests).toBe(0);
	});

	it('the retries wait what that Retry-After asks (7 s, plus a tenth at random 0.5), then succeed', async () => {
		const { ctx } = contextWithToken(n8nLine, 'tok1');
		api([429, { error: 'too_many_requests' }, { 'Retry-After': '7' }], [200, COMPLETED]);
		const sleeps: number[] = [];
		const response = await sendWithRetries(
			{
				send: createN8nSend(ctx, API),
				clock: {
					now: () => Date.parse('2024-06-01T00:00:00Z'),
					random: () => 0.5,
					sleep: async (ms) => void sleeps.push(ms),
				},
				policy: DEFAULT_RETRY_POLICY,
				stats: newTransportStats(),
				deadlineMs: Infinity,
			},
			GET_POLL,
		);
		expect([response.status, response.body]).toEqual([200, COMPLETED]);
		expect(sleeps).toEqual([7700]);
		expect(hits).toEqual(['GET Bearer tok1', 'GET Bearer tok1']);
	});

	it('a 401 answer: n8n renews the token once and repeats the request once with the new one; the refused token is not sent again', async () => {
		const { ctx, log } = contextWithToken(n8nLine, 'tok1');
		api([401, { error: 'invalid_token' }], [200, COMPLETED]);
		tokens('tok2');
		const response = await createN8nSend(ctx, API)(GET_POLL);
		expect([response.status, response.body]).toEqual([200, COMPLETED]);
		expect(hits).toEqual(['GET Bearer tok1', 'token', 'GET Bearer tok2']);
		expect(log.stored.accessToken).toBe('tok2');
		// The next request carries the renewed token, with no renewal of its own.
		api([200, COMPLETED]);
		expect((await createN8nSend(ctx, API)(GET_POLL)).status).toBe(200);
		expect(hits).toEqual(['GET Bearer tok1', 'token', 'GET Bearer tok2', 'GET Bearer tok2']);
	});

	it('a 401 to the renewed token too is the 401 failure, after one renewal', async () => {
		const { ctx, log } = contextWithToken(n8nLine, 'tok1');
		api([401, { error: 'invalid_token' }], [401, { error: 'invalid_token', message: 'expired' }]);
		tokens('tok2');
		const failure = await failureOf(createN8nSend(ctx, API)(GET_POLL));
		expect([failure.status, failure.message]).toEqual([401, 'HTTP 401 invalid_token: expired']);
		expect(hits).toEqual(['GET Bearer tok1', 'token', 'GET Bearer tok2']);
		expect(log.tokenRequests).toBe(1);
	});

	it('an API that echoes the token in a 400 gets the very token the request carried redacted, though another execution stored a new one meanwhile', async () => {
		const sent = 'at_5f3c9e1b72';
		const { ctx, log } = contextWithToken(n8nLine, sent);
		api(() => {
			log.stored.accessToken = 'at_0a1b2c3d4e';
			return [
				400,
				{ error: 'invalid_request', message: `the access token ${sent} has expired` },
				{ icStatusDescription: `token ${sent} is not valid` },
			];
		});
		const failure = await failureOf(createN8nSend(ctx, API)(GET_POLL));
		expect(failure.message).toBe('HTTP 400 token [redacted] is not valid');
		expect(failure.body).toEqual({
			error: 'invalid_request',
			message: 'the access token [redacted] has expired',
		});
		expect(failure.headers).toEqual({
			'content-type': 'application/json',
			icstatusdescription: 'token [redacted] is not valid',
		});
		expect(hits).toEqual([`GET Bearer ${sent}`]);
	});

	it('a pre-signed link is fetched without a credential, and its 403 keeps its headers and body', async () => {
		const { ctx } = contextWithToken(n8nLine, 'tok1');
		nock('https://files.example.test', { badheaders: ['authorization'] })
			.get('/report.csv')
			.query({ sig: 'abc' })
			.reply(403, 'Request has expired', { 'x-amz-request-id': 'req-1' });
		const failure = await failureOf(
			createN8nSend(
				ctx,
				API,
			)({
				method: 'GET',
				path: 'https://files.example.test/report.csv?sig=abc',
				anonymous: true,
				text: true,
			}),
		);
		expect([failure.status, failure.headers['x-amz-request-id'], failure.body]).toEqual([
			403,
			'req-1',
			'Request has expired',
		]);
		expect(failure.message).toBe('HTTP 403 (Forbidden)');
	});
});

it('an n8n that reads the credential past the context: a 401 answer is sent again as n8n renews on, thrown', async () => {
	const { ctx, log } = contextWithToken(1, 'tok1');
	// n8n-core calls getCredentials on the context it is called with; this one does not.
	const elsewhere = {
		...ctx,
		helpers: {
			...ctx.helpers,
			httpRequestWithAuthentication: async (type: string, request: IHttpRequestOptions) =>
				await ctx.helpers.httpRequestWithAuthentication.call(ctx, type, request),
		},
	} as unknown as IExecuteFunctions;
	api([401, { error: 'invalid_token' }], [401, { error: 'invalid_token' }], [200, COMPLETED]);
	tokens('tok2');
	const response = await createN8nSend(elsewhere, API)(GET_POLL);
	expect(response.status).toBe(200);
	expect(hits).toEqual(['GET Bearer tok1', 'GET Bearer tok1', 'token', 'GET Bearer tok2']);
	expect(log.stored.accessToken).toBe('tok2');
});
