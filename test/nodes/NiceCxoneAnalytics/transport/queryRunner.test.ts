import nock from 'nock';
import { NodeApiError } from 'n8n-workflow';

import type { QueryBody } from '../../../../nodes/NiceCxoneAnalytics/core/query';
import { flattenRow } from '../../../../nodes/NiceCxoneAnalytics/core/rows';
import { NiceCxoneAnalytics } from '../../../../nodes/NiceCxoneAnalytics/NiceCxoneAnalytics.node';
import { createN8nSend } from '../../../../nodes/NiceCxoneAnalytics/transport/n8n';
import { MAX_FILE_ROWS } from '../../../../nodes/NiceCxoneAnalytics/core/rowFile';
import { QueryValidationError } from '../../../../nodes/NiceCxoneAnalytics/core/validationError';
import {
	DEFAULT_RUNNER_OPTIONS,
	MAX_ITEM_ROWS,
	fetchQueryPages,
	fetchQueryResult,
	queryIdOfLocation,
} from '../../../../nodes/NiceCxoneAnalytics/transport/queryRunner';
import type { Send } from '../../../../nodes/NiceCxoneAnalytics/transport/types';
import { toNodeError } from '../../../../nodes/NiceCxoneAnalytics/actions/errors';
import {
	DEFAULT_RETRY_POLICY,
	retryAfterMs,
} from '../../../../nodes/NiceCxoneAnalytics/transport/retry';
import { QuerySlots } from '../../../../nodes/NiceCxoneAnalytics/transport/slots';
import type { Clock } from '../../../../nodes/shared/transport/clock';
import { newTransportStats } from '../../../../nodes/NiceCxoneAnalytics/transport/types';
import { createContext, queryParams } from '../../../support/n8nContext';
import { API, CREDENTIALS as credentials, TOKEN_HOST } from '../../../support/nockOAuth';

const QUERY = '/api/v2/analytics/query';
const START_MS = Date.parse('2024-06-01T00:00:00Z');

const body: QueryBody = {
	metrics: [{ name: 'count', aggregation: 'sum' }],
	dimensions: [{ name: 'channel' }],
	timeSeries: {
		bucketSize: 'DAY',
		start: '2024-01-01T00:00:00Z',
		end: '2024-01-03T00:00:00Z',
		timeZone: 'UTC',
	},
};

const row = (day: number, channel = 'voice', value = day) => ({
	timeSeries: `2024-01-0${day}T00:00:00Z`,
	dimensions: { channel },
	metrics: [{ name: 'count', aggregation: 'sum', value }],
});
/** A page of 1000 rows of day 1, the most a page holds. */
const FULL_PAGE_OF_DAY_1 = Array.from({ length: 1000 }, () => row(1));

const completed = (id: string, results: unknown[], totalCount = results.length, offset = 0) => ({
	id,
	status: 'COMPLETED',
	totalCount,
	offset,
	limit: 1000,
	results,
});

const connectionReset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

/** A clock whose sleeps return at once, advancing its own time, and that can abort on the n-th sleep. */
function fakeClock(abortOnSleep?: { n: number; controller: AbortController }) {
	const sleeps: number[] = [];
	let now = START_MS;
	const clock: Clock = {
		now: () => now,
		random: () => 0.5,
		sleep: async (ms, signal) => {
			sleeps.push(ms);
			if (abortOnSleep && sleeps.length === abortOnSleep.n) abortOnSleep.controller.abort();
			if (signal?.aborted) throw new Error('aborted');
			now += ms;
		},
	};
	return { clock, sleeps };
}

type Step = ['submit', string] | ['poll', string, object];

/** The API answering in order: a submit accepted with an id, or a poll (any page) with a body. */
function serve(...steps: Step[]) {
	const scope = nock(API);
	for (const step of steps) {
		if (step[0] === 'submit') scope.post(QUERY).reply(202, { id: step[1], status: 'PENDING' });
		else scope.get(`${QUERY}/${step[1]}`).query(true).reply(200, step[2]);
	}
	return scope;
}

const failed = (id: string, error: string) => ({ id, status: 'FAILED', error });

function tokens(...values: string[]) {
	const scope = nock(TOKEN_HOST);
	for (const value of values) {
		scope
			.post(
				'/oauth/token',
				'grant_type=client_credentials&scope=analytics%3Aquery+analytics%3Aview',
			)
			.basicAuth({ user: 'id', pass: 'secret' })
			.reply(200, { access_token: value, token_type: 'Bearer', expires_in: 3600 });
	}
	return scope;
}

async function run(
	options: {
		clock?: Clock;
		signal?: AbortSignal;
		timeoutMs?: number;
		limit?: number;
		query?: QueryBody;
	} = {},
) {
	const { ctx, log } = createContext({ params: {}, credentials, signal: options.signal });
	const stats = newTransportStats();
	const parts = fetchQueryResult(
		{
			send: createN8nSend(ctx, API),
			detachedSend: createN8nSend(ctx, API, { detached: true }),
			clock: options.clock ?? fakeClock().clock,
			slots: new QuerySlots(5),
			stats,
			signal: options.signal,
			options: {
				pageSize: 1000,
				pageConcurrency: 4,
				pollFirstMs: 500,
				pollMaxMs: 5000,
				pollGrowth: 1.5,
				timeoutMs: options.timeoutMs ?? 600_000,
				retry: DEFAULT_RETRY_POLICY,
			},
		},
		options.query ?? body,
		flattenRow,
		options.limit,
	);
	const rows = parts.then((all) => all.flatMap((part) => part.rows));
	return { rows, parts, log, stats, ctx };
}

const outcome = async <T>(promise: Promise<T>) =>
	await promise.then(
		(value) => ({ value, error: undefined as unknown }),
		(error: unknown) => ({ value: undefined, error }),
	);

describe('transport against a mocked CXone API', () => {
	beforeAll(() => nock.disableNetConnect());
	// nock patches the worker's own `http` module, which every test file of the worker shares: restored, it
	// leaves the real HTTP of later files alone (stacked with another file's nock, it makes each socket
	// read add a 'connect' listener: MaxListenersExceededWarning).
	afterAll(() => {
		nock.enableNetConnect();
		nock.restore();
	});
	afterEach(() => {
		expect(nock.pendingMocks()).toEqual([]);
		nock.cleanAll();
	});

	it('renews the token once on a 401 and repeats the call once', async () => {
		tokens('tok1', 'tok2');
		nock(API)
			.post(QUERY, body as never)
			.matchHeader('authorization', 'Bearer tok1')
			.matchHeader('content-type', 'application/json')
			.reply(202, { id: 'qry_1', status: 'PENDING' })
			.get(`${QUERY}/qry_1`)
			.query({ limit: 1000, offset: 0 })
			.matchHeader('authorization', 'Bearer tok1')
			.reply(401, { error: 'invalid_token' })
			.get(`${QUERY}/qry_1`)
			.query({ limit: 1000, offset: 0 })
			.matchHeader('authorization', 'Bearer tok2')
			.reply(200, completed('qry_1', [row(1), row(2)]));
		const { rows, log } = await run();
		expect(await rows).toEqual([
			{ bucketStart: '2024-01-01T00:00:00Z', channel: 'voice', count_sum: 1 },
			{ bucketStart: '2024-01-02T00:00:00Z', channel: 'voice', count_sum: 2 },
		]);
		expect(log.tokenRequests).toBe(2);
		expect(log.stored.accessToken).toBe('tok2');
	});

	it('reuses the cached token across submit, polls and pages', async () => {
		tokens('tok1');
		nock(API)
			.post(QUERY)
			.reply(202, { id: 'qry_1', status: 'PENDING' })
			.get(`${QUERY}/qry_1`)
			.query(true)
			.reply(200, { id: 'qry_1', status: 'RUNNING', progress: 0.5 })
			.get(`${QUERY}/qry_1`)
			.query({ limit: 1000, offset: 0 })
			.reply(200, completed('qry_1', FULL_PAGE_OF_DAY_1, 1001))
			.get(`${QUERY}/qry_1`)
			.query({ limit: 1, offset: 1000 })
			.reply(200, completed('qry_1', [row(2)], 1001, 1000));
		const { rows, log } = await run();
		expect((await rows).length).toBe(1001);
		expect(log.tokenRequests).toBe(1);
		expect(log.apiRequests.length).toBe(4);
	});

	it("a 401 that lasts through n8n's renewal and five more sends is an error that says to check the credential", async () => {
		// n8n renews once and repeats once per attempt; the node sends it again five times (DEFAULT_RETRY_POLICY.maxUnauthorizedRetries).
		tokens('tok1', 'tok2', 'tok3', 'tok4', 'tok5', 'tok6', 'tok7');
		nock(API).post(QUERY).times(12).reply(401, { error: 'invalid_token' });
		const { ctx, log } = createContext({
			params: queryParams({ options: { pollIntervalSeconds: 0.01 } }),
			credentials,
		});
		const { error } = await outcome(new NiceCxoneAnalytics().execute.call(ctx));
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).message).toBe(
			'The CXone API rejected the access token even after renewing it (HTTP 401). Check Client ID, Client Secret, Token URL and Base URL in the credential.',
		);
		expect((error as NodeApiError).httpCode).toBe('401');
		expect(log.tokenRequests).toBe(7);
		expect(nock.isDone()).toBe(true);
	});

	it("a 401 after n8n's renewal and repeat (the token used up by other executions) is sent again, not an error", async () => {
		tokens('tok1', 'tok2');
		nock(API).post(QUERY).times(2).reply(401, { error: 'invalid_token' });
		nock(API).post(QUERY).reply(400, { error: 'invalid_request', message: 'stop here' });
		const { ctx, log } = createContext({
			params: queryParams({ options: { pollIntervalSeconds: 0.01 } }),
			credentials,
		});
		const { error } = await outcome(new NiceCxoneAnalytics().execute.call(ctx));
		expect((error as Error).message).toBe('The CXone API rejected the query: stop here');
		// The third POST carries the renewed token again: it was never refused before n8n's repeat.
		expect(log.tokenRequests).toBe(2);
		expect(nock.isDone()).toBe(true);
	});

	it('a refused client secret names the credential fields to check', async () => {
		nock(TOKEN_HOST)
			.post('/oauth/token')
			.reply(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
		const { ctx, log } = createContext({ params: queryParams(), credentials });
		const { error } = await outcome(new NiceCxoneAnalytics().execute.call(ctx));
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as Error).message).toBe(
			'The CXone token endpoint https://login.example.test/oauth/token refused the client credentials (HTTP 401 invalid_client: Client authentication failed). Check Client ID, Client Secret and Token URL in the NICE CXone OAuth2 API credential.',
		);
		expect(log.apiRequests).toEqual([]);
	});

	it.each([
		['seconds', '3', 3000],
		['an HTTP-date', new Date(START_MS + 5000).toUTCString(), 5000],
	])(
		'waits what a 429 Retry-After in %s asks, plus up to a fifth more at random',
		async (_form, header, waitMs) => {
			tokens('tok1');
			nock(API)
				.post(QUERY)
				.reply(
					429,
					{ error: 'too_many_requests', message: 'slow down' },
					{ 'Retry-After': header },
				);
			serve(['submit', 'qry_1'], ['poll', 'qry_1', completed('qry_1', [row(1)])]);
			const { clock, sleeps } = fakeClock();
			const { rows, stats } = await run({ clock });
			expect(await rows).toEqual([
				{ bucketStart: '2024-01-01T00:00:00Z', channel: 'voice', count_sum: 1 },
			]);
			// random() = 0.5: a tenth more than asked, so executions turned away together come back apart.
			expect(sleeps).toEqual([Math.round(waitMs * 1.1), 500]);
			expect(stats.throttled).toBe(1);
			expect(stats.retries).toBe(1);
		},
	);

	it('waits out 429s on their own budget: eight in a row, more than the six attempts a failure gets', async () => {
		tokens('tok1');
		const api = nock(API);
		for (let i = 0; i < 8; i++)
			api
				.post(QUERY)
				.reply(429, { error: 'too_many_queries', message: 'five queries are running' });
		serve(['submit', 'qry_1'], ['poll', 'qry_1', completed('qry_1', [row(1)])]);
		const { clock, sleeps } = fakeClock();
		const { rows, stats } = await run({ clock });
		expect((await rows).length).toBe(1);
		// Full-jitter backoff at random() = 0.5: half of 500 · 2^k ms, at most half of 30 s; then the poll wait.
		expect(sleeps).toEqual([250, 500, 1000, 2000, 4000, 8000, 15000, 15000, 500]);
		expect([stats.throttled, stats.retries]).toEqual([8, 8]);
	});

	it('a 429 that never ends is given up after 30 waits, with the server’s answer', async () => {
		tokens('tok1');
		const api = nock(API);
		for (let i = 0; i < 31; i++)
			api
				.post(QUERY)
				.reply(429, { error: 'too_many_queries', message: 'five queries are running' });
		const { clock, sleeps } = fakeClock();
		const { rows, stats } = await run({ clock });
		await expect(rows).rejects.toThrow(/HTTP 429/);
		expect([sleeps.length, stats.throttled, nock.isDone()]).toEqual([30, 31, true]);
	});

	it('a 429 whose wait would end past Options › Timeout fails at once, with no further request', async () => {
		tokens('tok1');
		nock(API).post(QUERY).times(3).reply(
			429,
			{ error: 'too_many_queries', message: 'five queries are running' },
			{
				'Retry-After': '1',
			},
		);
		const { clock, sleeps } = fakeClock();
		const { rows, stats, ctx } = await run({ clock, timeoutMs: 3000 });
		const { error } = await outcome(rows);
		// random() = 0.5: 1100 ms a wait; the third would end at 3300 ms, past the 3000 ms deadline.
		expect(sleeps).toEqual([1100, 1100]);
		expect([stats.requests, stats.throttled, stats.retries]).toEqual([3, 3, 2]);
		expect(toNodeError(ctx.getNode(), error, 0).message).toBe(
			"The CXone API kept answering HTTP 429 (the tenant is at its limit of queries or requests) until the node's timeout: its next retry, in 1.1 s, would come after Options › Timeout. Raise the timeout, or run fewer workflows at once.",
		);
	});

	it('a 503 whose wait would end past Options › Timeout fails at once with its own answer', async () => {
		tokens('tok1');
		nock(API)
			.post(QUERY)
			.times(2)
			.reply(
				503,
				{ error: 'unavailable', message: 'Reporting maintenance until 02:00 UTC' },
				{ 'Retry-After': '2' },
			);
		const { clock, sleeps } = fakeClock();
		const { rows, stats, ctx } = await run({ clock, timeoutMs: 3000 });
		const { error } = await outcome(rows);
		// random() = 0.5: 2200 ms a wait; the second would end at 4400 ms, past the 3000 ms deadline.
		expect(sleeps).toEqual([2200]);
		expect([stats.requests, stats.retries]).toEqual([2, 1]);
		expect(toNodeError(ctx.getNode(), error, 0).message).toBe(
			'The CXone API kept failing (HTTP 503 Reporting maintenance until 02:00 UTC), even after retries. Run the workflow again later.',
		);
	});

	it('retries a 503 without Retry-After after a jittered exponential backoff, and a reset connection', async () => {
		tokens('tok1');
		nock(API)
			.post(QUERY)
			.reply(503, { error: 'unavailable' })
			.post(QUERY)
			.replyWithError(connectionReset())
			.post(QUERY)
			.reply(202, { id: 'qry_1', status: 'PENDING' })
			.get(`${QUERY}/qry_1`)
			.query(true)
			.replyWithError(connectionReset())
			.get(`${QUERY}/qry_1`)
			.query(true)
			.reply(200, completed('qry_1', [row(1)]));
		const { clock, sleeps } = fakeClock();
		const { rows } = await run({ clock });
		expect((await rows).length).toBe(1);
		// random() = 0.5: half of 500 ms, then half of 1000 ms; the poll wait; half of 500 ms.
		expect(sleeps).toEqual([250, 500, 500, 250]);
	});

	it('a Retry-After longer than the cap is an error, not a hang, and the started query is cancelled', async () => {
		tokens('tok1');
		nock(API)
			.post(QUERY)
			.reply(202, { id: 'qry_1', status: 'PENDING' })
			.get(`${QUERY}/qry_1`)
			.query(true)
			.reply(503, { error: 'maintenance' }, { 'Retry-After': '3600' })
			.delete(`${QUERY}/qry_1`)
			.reply(204);
		const { clock, sleeps } = fakeClock();
		const { error } = await outcome((await run({ clock })).rows);
		expect((error as Error).message).toBe(
			'The CXone API asked to wait 3600 s before retrying (HTTP 503); the node waits at most 120 s. Run the workflow again later.',
		);
		expect(sleeps).toEqual([500]);
	});

	it('gives up after the attempt cap with the server status', async () => {
		tokens('tok1');
		nock(API).post(QUERY).times(6).reply(502, { error: 'bad_gateway' });
		const { clock, sleeps } = fakeClock();
		const { error } = await outcome((await run({ clock })).rows);
		expect((error as { status?: number }).status).toBe(502);
		expect(sleeps).toEqual([250, 500, 1000, 2000, 4000]);
	});

	it('polls PENDING and RUNNING with a growing interval until COMPLETED', async () => {
		tokens('tok1');
		const running = ['PENDING', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING'].map(
			(status): Step => ['poll', 'qry_1', { id: 'qry_1', status }],
		);
		serve(['submit', 'qry_1'], ...running, ['poll', 'qry_1', completed('qry_1', [row(1)])]);
		const { clock, sleeps } = fakeClock();
		const { rows, stats } = await run({ clock });
		expect((await rows).length).toBe(1);
		expect(sleeps).toEqual([500, 750, 1125, 1687.5, 2531.25, 3796.875, 5000]);
		expect(stats.polls).toBe(7);
	});

	it("polls at the end the server's progress predicts, when that comes before the schedule", async () => {
		tokens('tok1');
		// Half done after the first 500 ms wait: the end is due at 1000 ms, polled 10 ms after it
		// instead of after the scheduled 750 ms; then 0.98 at 1010 ms predicts 1031 ms, which is sooner
		// than the shortest wait, now doubled to 100 ms.
		serve(
			['submit', 'qry_1'],
			['poll', 'qry_1', { id: 'qry_1', status: 'RUNNING', progress: 0.5 }],
			['poll', 'qry_1', { id: 'qry_1', status: 'RUNNING', progress: 0.98 }],
			['poll', 'qry_1', completed('qry_1', [row(1)])],
		);
		const { clock, sleeps } = fakeClock();
		const { rows, stats } = await run({ clock });
		expect((await rows).length).toBe(1);
		expect(sleeps.map((ms) => Math.round(ms * 10) / 10)).toEqual([500, 510, 100]);
		expect(stats.polls).toBe(3);
	});

	it('submits a FAILED query once more, and reports the second failure', async () => {
		tokens('tok1');
		serve(
			['submit', 'qry_1'],
			['poll', 'qry_1', failed('qry_1', 'worker lost')],
			['submit', 'qry_2'],
			['poll', 'qry_2', failed('qry_2', 'worker lost again')],
		);
		const { error } = await outcome((await run()).rows);
		expect((error as Error).message).toBe(
			'The query failed on the CXone server twice: worker lost again',
		);
	});

	it('a FAILED query that succeeds when submitted again returns its rows', async () => {
		tokens('tok1');
		serve(
			['submit', 'qry_1'],
			['poll', 'qry_1', failed('qry_1', 'worker lost')],
			['submit', 'qry_2'],
			['poll', 'qry_2', completed('qry_2', [row(1), row(2)])],
		);
		expect((await (await run()).rows).length).toBe(2);
	});

	it('a 410 while paging submits the query again and reads every page of the new one', async () => {
		tokens('tok1');
		const first = Array.from({ length: 1000 }, (_, i) =>
			row(1, `c${String(i).padStart(4, '0')}`, i),
		);
		nock(API)
			.post(QUERY)
			.reply(202, { id: 'qry_1', status: 'PENDING' })
			.get(`${QUERY}/qry_1`)
			.query({ limit: 1000, offset: 0 })
			.reply(200, completed('qry_1', first, 1002))
			.get(`${QUERY}/qry_1`)
			.query({ limit: 2, offset: 1000 })
			.reply(410, { error: 'expired' })
			.post(QUERY)
			.reply(202, { id: 'qry_2', status: 'PENDING' })
			.get(`${QUERY}/qry_2`)
			.query({ limit: 1000, offset: 0 })
			.reply(200, completed('qry_2', first, 1002))
			.get(`${QUERY}/qry_2`)
			.query({ limit: 2, offset: 1000 })
			.reply(200, completed('qry_2', [row(2, 'a', 1000), row(2, 'b', 1001)], 1002, 1000));
		const rows = await (await run()).rows;
		expect(rows.map((r) => r.count_sum)).toEqual(Array.from({ length: 1002 }, (_, i) => i));
	});

	it('a page with fewer rows than its offset promises is an error, not a silent loss', async () => {
		tokens('tok1');
		nock(API)
			.post(QUERY)
			.reply(202, { id: 'qry_1', status: 'PENDING' })
			.get(`${QUERY}/qry_1`)
			.query({ limit: 1000, offset: 0 })
			.reply(200, completed('qry_1', [row(1)], 3));
		const { error } = await outcome((await run()).rows);
		expect((error as Error).message).toBe(
			'Query qry_1 returned 1 rows at offset 0; 3 were due (totalCount 3). No rows were output, so none are lost or doubled; run the workflow again.',
		);
	});

	it('halves a result_too_large range at a bucket boundary and merges the halves in order', async () => {
		tokens('tok1');
		const half = (start: string, end: string) => ({
			...body,
			timeSeries: { ...body.timeSeries, start, end },
		});
		nock(API)
			.post(QUERY, body as never)
			.reply(400, {
				error: 'result_too_large',
				message: 'too many rows',
				estimatedRows: 2_000_000,
				maxRows: 1_000_000,
			})
			.post(QUERY, half('2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z') as never)
			.reply(202, { id: 'qry_a', status: 'PENDING' })
			.get(`${QUERY}/qry_a`)
			.query(true)
			.reply(200, completed('qry_a', [row(1, 'chat'), row(1, 'voice')]))
			.post(QUERY, half('2024-01-02T00:00:00Z', '2024-01-03T00:00:00Z') as never)
			.reply(202, { id: 'qry_b', status: 'PENDING' })
			.get(`${QUERY}/qry_b`)
			.query(true)
			.reply(200, completed('qry_b', [row(2, 'chat')]));
		const { rows: rowsPromise, parts } = await run();
		const rows = await rowsPromise;
		expect((await parts).map((p) => [p.queryId, p.totalCount, p.rows.length])).toEqual([
			['qry_a', 2, 2],
			['qry_b', 1, 1],
		]);
		expect(rows.map((r) => `${r.bucketStart} ${r.channel}`)).toEqual([
			'2024-01-01T00:00:00Z chat',
			'2024-01-01T00:00:00Z voice',
			'2024-01-02T00:00:00Z chat',
		]);
	});

	it('cancelling the execution while it polls sends DELETE for the query', async () => {
		tokens('tok1');
		serve(['submit', 'qry_1'], ['poll', 'qry_1', { id: 'qry_1', status: 'RUNNING' }])
			.delete(`${QUERY}/qry_1`)
			.reply(204);
		const controller = new AbortController();
		const { clock } = fakeClock({ n: 2, controller });
		const { rows, stats } = await run({ clock, signal: controller.signal });
		const { error } = await outcome(rows);
		expect((error as Error).message).toBe(
			'The execution was cancelled; the queries it started were cancelled on the server.',
		);
		expect(stats.cancels).toBe(1);
	});

	it('cancelling the execution while the submit is under way still cancels the query the server accepted', async () => {
		tokens('tok1');
		const controller = new AbortController();
		nock(API)
			.post(QUERY)
			.reply(() => {
				controller.abort();
				return [202, { id: 'qry_1', status: 'PENDING' }];
			})
			.delete(`${QUERY}/qry_1`)
			.reply(204);
		const { rows, stats } = await run({ signal: controller.signal });
		const { error } = await outcome(rows);
		expect((error as Error).message).toBe(
			'The execution was cancelled; the queries it started were cancelled on the server.',
		);
		expect([stats.submits, stats.cancels]).toEqual([1, 1]);
	});

	it('a query that outlives the timeout is cancelled on the server', async () => {
		tokens('tok1');
		const running: Step = ['poll', 'qry_1', { id: 'qry_1', status: 'RUNNING' }];
		serve(['submit', 'qry_1'], running, running, running).delete(`${QUERY}/qry_1`).reply(204);
		const { clock, sleeps } = fakeClock();
		const { error } = await outcome((await run({ clock, timeoutMs: 3000 })).rows);
		expect((error as Error).message).toBe(
			'The query did not complete within 3 s (Options › Timeout). Raise the timeout or narrow the query; it was cancelled on the server.',
		);
		expect(sleeps).toEqual([500, 750, 1125]);
	});

	it('with a limit, fetches only the pages it needs', async () => {
		tokens('tok1');
		nock(API)
			.post(QUERY)
			.reply(202, { id: 'qry_1', status: 'PENDING' })
			.get(`${QUERY}/qry_1`)
			.query({ limit: 1000, offset: 0 })
			.reply(200, completed('qry_1', FULL_PAGE_OF_DAY_1, 5000))
			.get(`${QUERY}/qry_1`)
			.query({ limit: 200, offset: 1000 })
			.reply(
				200,
				completed(
					'qry_1',
					Array.from({ length: 200 }, () => row(2)),
					5000,
					1000,
				),
			);
		expect((await (await run({ limit: 1200 })).rows).length).toBe(1200);
	});
});

describe('Retry-After parsing', () => {
	it.each([
		['120', 120_000],
		['0', 0],
		['Sat, 01 Jun 2024 00:00:07 GMT', 7000],
		['Fri, 31 May 2024 23:00:00 GMT', 0],
		['soon', undefined],
		[undefined, undefined],
	])('%s → %s ms', (header, expected) => {
		expect(retryAfterMs(header, START_MS)).toBe(expected);
	});
});

describe("a submit answer's Location", () => {
	it.each([
		['/api/v2/analytics/query/qry_7', 'qry_7'],
		['/api/v2/analytics/query/q-1.a~b', 'q-1.a~b'],
		['/api/v2/analytics/query/q%201', undefined],
		['/api/v2/analytics/query/..%2F..%2Fadmin%2Fusers', undefined],
		['https://elsewhere.example/api/v2/analytics/query/qry_7', undefined],
		['/api/v2/analytics/query/qry_7/rows', undefined],
		['/api/v2/analytics/query/qry_7?x=1', undefined],
		['/api/v2/analytics/query/..', undefined],
		['/api/v2/analytics/query/.', undefined],
		['/api/v2/other/qry_7', undefined],
		[undefined, undefined],
	])('%s names the query %s', (location, id) => {
		expect(queryIdOfLocation(location)).toBe(id);
	});
});

describe('the rows of a split range, added up', () => {
	// 63 days of 15-minute buckets: three parts of at most 31 days.
	const split: QueryBody = {
		...body,
		timeSeries: {
			bucketSize: 'FIFTEEN_MINUTES',
			start: '2024-01-01T00:00:00Z',
			end: '2024-03-04T00:00:00Z',
			timeZone: 'UTC',
		},
	};

	/** A server whose every query completes at once with `totalCount` rows, 100 a page; it logs every GET. */
	function server(totalCount: number) {
		const gets: string[] = [];
		let next = 0;
		const send: Send = async (request) => {
			if (request.method === 'POST')
				return { status: 202, headers: {}, body: { id: `q${++next}`, status: 'PENDING' } };
			if (request.method === 'DELETE') return { status: 204, headers: {}, body: undefined };
			const id = request.path.split('/').pop() as string;
			const offset = Number(request.qs?.offset);
			const limit = Number(request.qs?.limit);
			gets.push(`${id}@${offset}`);
			const results = Array.from({ length: Math.min(limit, totalCount - offset) }, () => ({}));
			return { status: 200, headers: {}, body: completed(id, results, totalCount, offset) };
		};
		return { send, gets };
	}

	const runSplit = async (send: Send, maxRows: number) =>
		await outcome(
			fetchQueryPages(
				{
					send,
					detachedSend: send,
					clock: fakeClock().clock,
					slots: new QuerySlots(1),
					stats: newTransportStats(),
					options: {
						pageSize: 100,
						pageConcurrency: 2,
						maxRows,
						maxRowsAdvice: 'Do this.',
					},
				},
				split,
				(rows) => rows.length,
			),
		);

	it('fail once their totalCounts pass the limit, before the pages past the first of that part are read', async () => {
		// A year of 15-minute buckets was 12 parts of 1,000,000 rows: 12 million items, 2.55 GB.
		const { send, gets } = server(400);
		const { error } = await runSplit(send, 1000);
		expect(error).toBeInstanceOf(QueryValidationError);
		expect(error).toMatchObject({
			field: 'Time Range',
			message:
				'The result holds more than 1,000 rows over the 3 parts the range was split into (the API allows 31 days a query at FIFTEEN_MINUTES buckets), by the totalCount of query q3 and the parts before it; the node outputs at most 1,000 rows this way. Nothing was output. Do this.',
		});
		expect(gets.filter((get) => get.startsWith('q3@'))).toEqual(['q3@0']);
	});

	it('are read in full when they stay within it', async () => {
		const { send, gets } = server(400);
		const { value } = await runSplit(send, 1200);
		expect(value?.map((part) => part.rowCount)).toEqual([400, 400, 400]);
		expect(gets).toHaveLength(12);
	});

	it('default to 1,000,000 for items', () => {
		expect(DEFAULT_RUNNER_OPTIONS.maxRows).toBe(1_000_000);
		expect(MAX_ITEM_ROWS).toBe(1_000_000);
		expect(MAX_FILE_ROWS).toBe(5_000_000);
	});
});
