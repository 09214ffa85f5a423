/**
 * Issue 14, points 5–8: every limit holds against a hostile server (real local HTTP): totals,
 * the deadline over requests and paging loops, cycles, offsets ignored, trickled bodies, Retry-After,
 * and ids and file names from the server.
 */
import type { IDataObject } from 'n8n-workflow';

import { NiceCxoneAnalytics } from '../../../nodes/NiceCxoneAnalytics/NiceCxoneAnalytics.node';
import { sendJson, startHostileServer, trickle } from './support/hostile';
import { useTestClockForDateNow } from '../../support/clock';
import { createN8nLikeContext, runNode } from './support/n8nLike';
import type { HostileServer } from './support/platform';
import { analyticsQueryParams, serverCredential, serverTracker } from './support/servers';
import {
	REPORTING,
	aggregateParams,
	finishedReportJob,
	contact,
	platformCredential,
	reportParams,
	startPlatform,
} from './support/platform';

// The node's 30-day reach and relative ranges read Date.now(): the tests' pinned clock, not the machine's.
useTestClockForDateNow();

const track = serverTracker();

type Answer = Parameters<Parameters<typeof startHostileServer>[0]>;

/**
 * An analytics API whose token endpoint and submit behave; `poll` answers every GET of the query
 * (offset and limit in its URL), and `submit` may replace the submit's answer.
 */
async function startAnalytics(
	poll: (request: Answer[0], res: Answer[1], url: URL) => void,
	submit?: (request: Answer[0], res: Answer[1]) => void,
	options?: Parameters<typeof startHostileServer>[1],
): Promise<HostileServer> {
	return await track(
		startHostileServer((request, res, server) => {
			const url = new URL(request.url, server.url);
			if (url.pathname === '/oauth/token')
				return sendJson(res, 200, { access_token: 'tok', token_type: 'Bearer' });
			if (request.method === 'POST' && url.pathname === '/api/v2/analytics/query') {
				return submit ? submit(request, res) : sendJson(res, 202, { id: 'q1', status: 'PENDING' });
			}
			if (request.method === 'DELETE') return sendJson(res, 204, {});
			poll(request, res, url);
		}, options),
	);
}

const queryParams = (options: IDataObject = {}) =>
	analyticsQueryParams({ timeoutSeconds: 10, ...options }, { dimensions: ['channel'] });

const row = (channel: string) => ({
	timeSeries: '2024-01-01T00:00:00Z',
	dimensions: { channel },
	metrics: [{ name: 'count', aggregation: 'sum', value: 1 }],
});
const pollsOf = (server: HostileServer) =>
	server.received.filter(
		(request) => request.method === 'GET' && request.url.startsWith('/api/v2/analytics/query/'),
	);

describe('5. Totals are validated before anything is built from them', () => {
	it('a totalCount of 1e13 is an error naming it, at once, with no page asked for', async () => {
		const api = await startAnalytics((_request, res) =>
			sendJson(res, 200, {
				id: 'q1',
				status: 'COMPLETED',
				totalCount: 1e13,
				results: [row('voice')],
			}),
		);
		const { ctx } = createN8nLikeContext({
			params: queryParams(),
			analytics: serverCredential(api),
		});
		const { error, elapsedMs } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error?.message).toBe(
			'Query q1 came back with totalCount 10000000000000; the API returns at most 1000000 rows per query. Nothing was output; run the workflow again, and report it to NICE if it persists.',
		);
		expect(pollsOf(api).length).toBe(1);
		expect(elapsedMs).toBeLessThan(5000);
	});

	it('a totalRecords of 1e13 with a full first page is an error naming it, and no list of pages is built', async () => {
		const fullPage = Array.from({ length: 10_000 }, (_, i) => contact(i + 1));
		const platform = await track(
			startPlatform((request, res) => {
				if (!request.url.startsWith(`${REPORTING}/contacts/completed`)) return false;
				sendJson(res, 200, {
					completedContacts: fullPage,
					totalRecords: 1e13,
					_links: { next: null },
				});
				return true;
			}),
		);
		const { ctx } = createN8nLikeContext({
			params: aggregateParams(),
			platform: platformCredential(platform),
		});
		const { error, elapsedMs } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error?.message).toBe(
			'CXone sent totalRecords 10000000000000 for completed contacts; the node reads at most 10000000 contacts of one 31-day window; shorten the time range. Nothing was output.',
		);
		expect(
			platform.received.filter((request) =>
				request.url.startsWith(`${REPORTING}/contacts/completed`),
			).length,
		).toBe(1);
		expect(elapsedMs).toBeLessThan(10_000);
	});
});

describe('6. One deadline covers every request and paging loop; cycles and repeats end', () => {
	it('a next link to itself is a cycle, found on the second page', async () => {
		let id = 0;
		const platform = await track(
			startPlatform((request, res, server) => {
				if (!request.url.startsWith(`${REPORTING}/contacts/completed`)) return false;
				sendJson(res, 200, {
					completedContacts: [contact(++id)],
					lastPollTime: new Date().toISOString(),
					_links: { next: `${server.url}${REPORTING}/contacts/completed?page=again` },
				});
				return true;
			}),
		);
		const { ctx } = createN8nLikeContext({
			params: aggregateParams({
				options: { timeZone: 'UTC', onlySinceLastRun: true, timeoutSeconds: 1 },
			}),
			platform: platformCredential(platform),
			staticData: { 'updatedSince:0': new Date(Date.now() - 3_600_000).toISOString() },
		});
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error?.message).toMatch(
			/^CXone's next link \(http:\/\/127\.0\.0\.1:\d+\/inContactAPI\/services\/v30\.0\/contacts\/completed\) leads back to a page already read/,
		);
		expect(
			platform.received.filter((request) =>
				request.url.startsWith(`${REPORTING}/contacts/completed`),
			).length,
		).toBe(2);
	});

	it('a server that ignores skip repeats contacts: an error, not doubled totals', async () => {
		const page = Array.from({ length: 10_000 }, (_, i) => contact(i + 1));
		const platform = await track(
			startPlatform((request, res) => {
				if (!request.url.startsWith(`${REPORTING}/contacts/completed`)) return false;
				sendJson(res, 200, {
					completedContacts: page,
					totalRecords: 20_000,
					_links: { next: null },
				});
				return true;
			}),
		);
		const { ctx } = createN8nLikeContext({
			params: aggregateParams(),
			platform: platformCredential(platform),
		});
		const { error, items } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(items).toEqual([]);
		expect(error?.message).toBe(
			'CXone returned contact 1 twice (again at skip 10000): its pages overlap, so every total would be wrong. Nothing was output; run the workflow again.',
		);
	});

	it('an analytics server that ignores offsets, without a totalCount, is stopped by Options › Timeout', async () => {
		const full = Array.from({ length: 5 }, (_, i) => row(`c${i}`));
		const api = await startAnalytics(
			(_request, res) => sendJson(res, 200, { id: 'q1', status: 'COMPLETED', results: full }),
			undefined,
			{ maxRequests: 100_000 },
		);
		const { ctx } = createN8nLikeContext({
			params: queryParams({ pageSize: 5, timeoutSeconds: 1 }),
			analytics: serverCredential(api),
		});
		const { error, elapsedMs } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error?.message).toBe(
			'The query did not complete within 1 s (Options › Timeout). Raise the timeout or narrow the query; it was cancelled on the server.',
		);
		expect(elapsedMs).toBeLessThan(6000); // a 1 s deadline, with room for a loaded machine; the whole answer would take far longer
		// The query it started is cancelled on the server.
		expect(
			api.received.some(
				(request) => request.method === 'DELETE' && request.url === '/api/v2/analytics/query/q1',
			),
		).toBe(true);
	});

	it('a page trickled a byte at a time still ends at the deadline', async () => {
		const body = JSON.stringify({
			id: 'q1',
			status: 'COMPLETED',
			totalCount: 1,
			results: [row('voice')],
		});
		const api = await startAnalytics((_request, res) => {
			res.writeHead(200, { 'Content-Type': 'application/json' });
			trickle(res, body, 100);
		});
		const { ctx } = createN8nLikeContext({
			params: queryParams({ timeoutSeconds: 1 }),
			analytics: serverCredential(api),
		});
		const { error, elapsedMs } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error?.message).toBe(
			'The query did not complete within 1 s (Options › Timeout). Raise the timeout or narrow the query; it was cancelled on the server.',
		);
		expect(elapsedMs).toBeLessThan(6000); // a 1 s deadline, with room for a loaded machine; the whole answer would take far longer
	});

	it('a token endpoint that trickles its answer ends at the deadline too', async () => {
		const api = await track(
			startHostileServer((_request, res) => {
				res.writeHead(200, { 'Content-Type': 'application/json' });
				trickle(
					res,
					JSON.stringify({ access_token: 'tok', token_type: 'Bearer', padding: 'x'.repeat(200) }),
					100,
				);
			}),
		);
		const { ctx } = createN8nLikeContext({
			params: queryParams({ timeoutSeconds: 1 }),
			analytics: serverCredential(api),
		});
		const { error, elapsedMs } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error?.message).toMatch(/^The query did not complete within 1 s \(Options › Timeout\)/);
		expect(elapsedMs).toBeLessThan(6000); // a 1 s deadline, with room for a loaded machine; the whole answer would take far longer
	});

	it('a platform answer trickled a byte at a time ends at the platform deadline', async () => {
		const platform = await track(
			startPlatform((request, res) => {
				if (!request.url.startsWith(`${REPORTING}/skills/summary`)) return false;
				res.writeHead(200, { 'Content-Type': 'application/json' });
				trickle(
					res,
					JSON.stringify({ skillSummaries: [{ skillId: 1, padding: 'x'.repeat(200) }] }),
					100,
				);
				return true;
			}),
		);
		const { ctx } = createN8nLikeContext({
			params: {
				...reportParams(),
				operation: 'getSkillSummary',
				options: { timeZone: 'UTC', timeoutSeconds: 1 },
			},
			platform: platformCredential(platform),
		});
		const { error, elapsedMs } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error?.message).toBe(
			'The CXone requests did not finish within 1 s (Options › Timeout). Raise the timeout or shorten the time range.',
		);
		expect(elapsedMs).toBeLessThan(6000); // a 1 s deadline, with room for a loaded machine; the whole answer would take far longer
	});
});

describe('7. Retry-After and totalCount values a server should not send', () => {
	it.each(['0', '-1', '1.5'])(
		'Retry-After %s still waits at least the floor before each retry',
		async (retryAfter) => {
			const api = await startAnalytics(
				() => undefined,
				(_request, res) =>
					sendJson(res, 503, { error: 'unavailable' }, { 'Retry-After': retryAfter }),
				{ lifetimeMs: 40_000 },
			);
			// Unreadable values fall back to the jittered backoff (at most 15.5 s for 5 retries).
			const { ctx } = createN8nLikeContext({
				params: queryParams({ timeoutSeconds: 30 }),
				analytics: serverCredential(api),
			});
			const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
			expect(error?.message).toMatch(
				/^The CXone API kept failing \(HTTP 503 unavailable\), even after retries/,
			);
			const submits = api.received.filter(
				(request) => request.method === 'POST' && request.url === '/api/v2/analytics/query',
			);
			expect(submits.length).toBe(6);
			for (let i = 1; i < submits.length; i++)
				expect(submits[i].atMs - submits[i - 1].atMs).toBeGreaterThanOrEqual(240);
		},
	);

	it.each([
		[-1, '-1; that is not a number of rows'],
		[1.5, '1.5; that is not a number of rows'],
		['10', '"10"; that is not a number of rows'],
	])('a totalCount of %p is an error that says what the server sent', async (totalCount, said) => {
		const api = await startAnalytics((_request, res) =>
			sendJson(res, 200, { id: 'q1', status: 'COMPLETED', totalCount, results: [row('voice')] }),
		);
		const { ctx } = createN8nLikeContext({
			params: queryParams(),
			analytics: serverCredential(api),
		});
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error?.message).toBe(
			`Query q1 came back with totalCount ${said}. Nothing was output; run the workflow again, and report it to NICE if it persists.`,
		);
	});
});

describe('8. Ids and file names from the server', () => {
	it('a job id with ../ stays one encoded path segment', async () => {
		const jobId = '../../../admin';
		const platform = await track(
			startPlatform((request, res, server) => {
				const job = finishedReportJob(
					jobId,
					(platform) => `${platform.url}/files/1`,
					'../../etc/passwd\u0000.csv',
				);
				if (job(request, res, server)) return true;
				if (request.url === '/files/1') {
					res.writeHead(200, { 'Content-Type': 'text/csv' }).end('A\r\n1\r\n');
					return true;
				}
				return false;
			}),
		);
		const { ctx } = createN8nLikeContext({
			params: reportParams({ reportOutput: 'binary' }),
			platform: platformCredential(platform),
		});
		const { error, items } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error).toBeUndefined();
		const polls = platform.received.filter(
			(request) => request.method === 'GET' && request.url.includes('report-jobs'),
		);
		expect(polls.map((request) => request.url)).toEqual([
			`${REPORTING}/report-jobs/..%2F..%2F..%2Fadmin`,
		]);
		expect(platform.received.some((request) => request.url.startsWith('/inContactAPI/admin'))).toBe(
			false,
		);
		// The file name keeps its last segment, without the NUL.
		expect(items[0].json.fileName).toBe('passwd_.csv');
		expect(items[0].binary?.data.fileName).toBe('passwd_.csv');
	});

	it('a query id of .. is refused before it is put in a URL', async () => {
		const api = await startAnalytics(
			(_request, res) =>
				sendJson(res, 200, { id: '..', status: 'COMPLETED', totalCount: 0, results: [] }),
			(_request, res) => sendJson(res, 202, { id: '..', status: 'PENDING' }),
		);
		const { ctx } = createN8nLikeContext({
			params: queryParams(),
			analytics: serverCredential(api),
		});
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error?.message).toBe(
			'CXone sent a query id that cannot be used in a URL (".."). Nothing more was requested; run the workflow again, and report it to NICE if it persists.',
		);
		expect(api.received.filter((request) => request.method !== 'POST')).toEqual([]);
	});
});
