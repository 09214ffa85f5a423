/**
 * A server's answer is read within a byte cap while it arrives, before anything is parsed, over real
 * local HTTP: an endless result page, an endless submit or token answer, and a body that declares
 * more than its cap are refused with an error that names the answer and the cap, once (not retried),
 * with the connection closed early and memory far below what the server offered; an endless error
 * body is read only for its message.
 */
import { NiceCxoneAnalytics } from '../../../nodes/NiceCxoneAnalytics/NiceCxoneAnalytics.node';
import { ApiFailure } from '../../../nodes/NiceCxoneAnalytics/transport/errors';
import { createN8nSend } from '../../../nodes/NiceCxoneAnalytics/transport/n8n';
import { isRetryable } from '../../../nodes/NiceCxoneAnalytics/transport/retry';
import { sleep } from 'n8n-workflow';

import { useTestClockForDateNow } from '../../support/clock';
import { peakMemoryGrowth } from '../../support/streams';
import type { Flood } from './support/hostile';
import { flood, sendJson, startHostileServer } from './support/hostile';
import { createN8nLikeContext, runNode } from './support/n8nLike';
import type { HostileServer } from './support/platform';
import {
	REPORTING,
	aggregateParams,
	finishedReportJob,
	platformCredential,
	reportParams,
	startPlatform,
} from './support/platform';
import { analyticsQueryParams, serverCredential, serverTracker } from './support/servers';

useTestClockForDateNow();

const track = serverTracker();

const MB = 1024 * 1024;
/** The cap on a JSON answer of the analytics API (ANSWER_CAPS.apiJson). */
const API_CAP = 64 * MB;
/** Room for what sockets and stream buffers hold beyond the cap before the connection closes. */
const IN_FLIGHT = 32 * MB;

const QUERY = '/api/v2/analytics/query';
const ADVICE = 'Nothing was output; run the workflow again, and report it to NICE if it persists.';

type Handler = Parameters<typeof startHostileServer>[0];

/** An analytics API: tokens, a submit answering q1, DELETEs; `route` may answer first (true when it did). */
async function startAnalytics(
	route: (...args: Parameters<Handler>) => boolean,
): Promise<HostileServer> {
	return await track(
		startHostileServer(
			(request, res, server) => {
				if (route(request, res, server)) return;
				const url = new URL(request.url, server.url);
				if (url.pathname === '/oauth/token')
					return sendJson(res, 200, { access_token: 'tok', token_type: 'Bearer' });
				if (request.method === 'POST' && url.pathname === QUERY)
					return sendJson(res, 202, { id: 'q1', status: 'PENDING' });
				if (request.method === 'DELETE') return sendJson(res, 204, {});
				sendJson(res, 404, { error: 'not_found' });
			},
			{ lifetimeMs: 50_000 },
		),
	);
}

/** A context whose analytics query (40 s timeout) goes to `api`. */
const queryContext = (api: HostileServer) =>
	createN8nLikeContext({
		params: analyticsQueryParams({ timeoutSeconds: 40 }),
		analytics: serverCredential(api),
	}).ctx;

/** Runs the node's analytics query against `api`. */
const runQuery = async (api: HostileServer) =>
	await runNode(new NiceCxoneAnalytics(), queryContext(api));

const requestsTo = (server: HostileServer, method: string, path: string) =>
	server.received.filter(
		(request) => request.method === method && new URL(request.url, server.url).pathname === path,
	);

describe('An analytics answer past its cap is refused as it arrives, once, and its connection closed', () => {
	it('an endless result page (HTTP 200, chunked): the poll fails at 64 MB, not retried, and the query is cancelled', async () => {
		let page: Flood | undefined;
		const api = await startAnalytics((request, res) => {
			if (request.method !== 'GET' || !request.url.startsWith(`${QUERY}/q1`)) return false;
			res.writeHead(200, { 'Content-Type': 'application/json' });
			page = flood(res, {
				head: '{"id":"q1","status":"COMPLETED","totalCount":1,"results":[{"timeSeries":"2024-01-01T00:00:00Z","dimensions":{},"metrics":[{"name":"count","aggregation":"sum","value":1}]}],"padding":"',
			});
			return true;
		});
		const ctx = queryContext(api);
		const { value, growth } = await peakMemoryGrowth(
			async () => await runNode(new NiceCxoneAnalytics(), ctx),
		);
		expect(value.error?.message).toBe(
			`The CXone server's answer to GET ${QUERY}/q1 (HTTP 200) went past 64 MB, the most the node reads of such an answer; it stopped reading there and closed the connection. ${ADVICE}`,
		);
		await page?.done;
		// The connection was dropped early: the server got to write little more than the cap of its 1 GB.
		expect(page?.closedEarly).toBe(true);
		expect(page?.sent).toBeGreaterThan(API_CAP);
		expect(page?.sent).toBeLessThan(API_CAP + IN_FLIGHT);
		// Memory held the cap's bytes at most, never the body (about 1 GB, and 2 GB more as text).
		expect(growth).toBeLessThan(2.5 * API_CAP);
		// Asked once (no retry), and the query the node started was cancelled as after any failure.
		expect(requestsTo(api, 'GET', `${QUERY}/q1`)).toHaveLength(1);
		expect(requestsTo(api, 'DELETE', `${QUERY}/q1`)).toHaveLength(1);
	});

	it('a page that declares 10 GB (Content-Length) is refused before any of it is read', async () => {
		let page: Flood | undefined;
		const api = await startAnalytics((request, res) => {
			if (request.method !== 'GET' || !request.url.startsWith(`${QUERY}/q1`)) return false;
			res.writeHead(200, {
				'Content-Type': 'application/json',
				'Content-Length': String(10 * 1024 ** 3),
			});
			page = flood(res, {
				head: '{"id":"q1","status":"COMPLETED","padding":"',
				size: 10 * 1024 ** 3,
			});
			return true;
		});
		const { error } = await runQuery(api);
		expect(error?.message).toBe(
			`The CXone server's answer to GET ${QUERY}/q1 (HTTP 200) declared 10,737,418,240 bytes (Content-Length), more than the 64 MB the node reads of such an answer; it read none of it and closed the connection. ${ADVICE}`,
		);
		await page?.done;
		expect(page?.closedEarly).toBe(true);
		expect(page?.sent).toBeLessThan(IN_FLIGHT);
		expect(requestsTo(api, 'GET', `${QUERY}/q1`)).toHaveLength(1);
		expect(requestsTo(api, 'DELETE', `${QUERY}/q1`)).toHaveLength(1);
	});

	it('an endless answer to the submit: refused at 64 MB, and the query is not submitted again', async () => {
		let answer: Flood | undefined;
		const api = await startAnalytics((request, res) => {
			if (request.method !== 'POST' || request.url !== QUERY) return false;
			res.writeHead(202, { 'Content-Type': 'application/json' });
			answer = flood(res, { head: '{"id":"q1","status":"PENDING","padding":"' });
			return true;
		});
		const { error } = await runQuery(api);
		expect(error?.message).toBe(
			`The CXone server's answer to POST ${QUERY} (HTTP 202) went past 64 MB, the most the node reads of such an answer; it stopped reading there and closed the connection. ${ADVICE}`,
		);
		await answer?.done;
		expect(answer?.closedEarly).toBe(true);
		expect(answer?.sent).toBeLessThan(API_CAP + IN_FLIGHT);
		expect(requestsTo(api, 'POST', QUERY)).toHaveLength(1);
		// Its id never arrived: there is no query to poll or cancel.
		expect(api.received.filter((request) => request.url.startsWith(`${QUERY}/`))).toEqual([]);
	});

	it('a submit answer without a usable id (endless, broken off, or none) whose Location names its query: that query is cancelled', async () => {
		const cancelled = async (answer: (res: Parameters<Handler>[1]) => void) => {
			const api = await startAnalytics((request, res) => {
				if (request.method !== 'POST' || request.url !== QUERY) return false;
				answer(res);
				return true;
			});
			const { error } = await runQuery(api);
			expect(error).toBeDefined();
			expect(requestsTo(api, 'POST', QUERY)).toHaveLength(1);
			return requestsTo(api, 'DELETE', `${QUERY}/q-1`).length;
		};
		const location = { 'Content-Type': 'application/json', Location: `${QUERY}/q-1` };
		let endless: Flood | undefined;
		expect(
			await cancelled((res) => {
				res.writeHead(202, location);
				endless = flood(res, { head: '{"id":"q-1","status":"PENDING","padding":"' });
			}),
		).toBe(1);
		await endless?.done;
		expect(
			await cancelled((res) => {
				res.writeHead(202, { ...location, 'Content-Length': '200' });
				res.write('{"id":"q-1","sta');
				void sleep(0).then(() => res.socket?.destroy());
			}),
		).toBe(1);
		// A whole answer without a usable id.
		expect(
			await cancelled((res) => {
				res.writeHead(202, location);
				res.end('{"id":"..","status":"PENDING"}');
			}),
		).toBe(1);
	});

	it('an answer to the submit that breaks off: said so, and the query is not submitted again', async () => {
		// Sent again, each submit would start one more query the node could not cancel (its id never came).
		const api = await startAnalytics((request, res) => {
			if (request.method !== 'POST' || request.url !== QUERY) return false;
			res.writeHead(202, { 'Content-Type': 'application/json', 'Content-Length': '200' });
			res.write('{"id":"q1","sta');
			void sleep(0).then(() => res.socket?.destroy());
			return true;
		});
		const { error } = await runQuery(api);
		expect(error?.message).toMatch(
			new RegExp(
				`^The CXone server's answer to POST ${QUERY} \\(HTTP 202\\) broke off before its end \\(.+\\): the request was not sent again, since the server may have acted on it\\. Run the workflow again\\.$`,
			),
		);
		expect(requestsTo(api, 'POST', QUERY)).toHaveLength(1);
	});

	it('a 503 page of 300 KB from the token endpoint is a 503: read for its message, and retried', async () => {
		let tokens = 0;
		const api = await startAnalytics((request, res) => {
			if (request.method === 'GET' && request.url.startsWith(`${QUERY}/q1`)) {
				sendJson(res, 200, { id: 'q1', status: 'COMPLETED', totalCount: 0, results: [] });
				return true;
			}
			if (request.url !== '/oauth/token' || ++tokens > 1) return false;
			res.writeHead(503, { 'Content-Type': 'text/html', 'Retry-After': '0' });
			res.end(`<html><body>${'gateway busy '.repeat(25_000)}</body></html>`);
			return true;
		});
		const { error } = await runQuery(api);
		expect(error).toBeUndefined();
		expect(requestsTo(api, 'POST', '/oauth/token')).toHaveLength(2);
	});

	it('an endless token answer: the token request fails at 256 KB, once, and no API request is sent', async () => {
		let answer: Flood | undefined;
		const api = await startAnalytics((request, res) => {
			if (request.url !== '/oauth/token') return false;
			res.writeHead(200, { 'Content-Type': 'application/json' });
			answer = flood(res, { head: '{"token_type":"Bearer","access_token":"' });
			return true;
		});
		const { error } = await runQuery(api);
		expect(error?.message).toBe(
			`The CXone token endpoint at ${api.url}/oauth/token sent an answer that went past 256 KB, the most the node reads of such an answer; it stopped reading there and closed the connection. Check the address in the credential, and report it to NICE if it persists.`,
		);
		await answer?.done;
		expect(answer?.closedEarly).toBe(true);
		expect(answer?.sent).toBeLessThan(IN_FLIGHT);
		expect(requestsTo(api, 'POST', '/oauth/token')).toHaveLength(1);
		expect(requestsTo(api, 'POST', QUERY)).toEqual([]);
	});
});

describe('An error answer is read only for its message', () => {
	it('an endless 400: its first 64 KB make the message, the rest is never read', async () => {
		let answer: Flood | undefined;
		const api = await startAnalytics((request, res) => {
			if (request.method !== 'POST' || request.url !== QUERY) return false;
			res.writeHead(400, { 'Content-Type': 'application/json' });
			answer = flood(res, {
				head: '{"error":"invalid_request","message":"the filter is wrong: ',
				fill: 'no ',
			});
			return true;
		});
		const ctx = queryContext(api);
		const { value, growth } = await peakMemoryGrowth(
			async () => await runNode(new NiceCxoneAnalytics(), ctx),
		);
		// The server's own words, clipped to 300 characters as every server text in a message.
		const said = `the filter is wrong: ${'no '.repeat(100)}`.slice(0, 300);
		expect(value.error?.message).toBe(`The CXone API rejected the query: ${said}…`);
		await answer?.done;
		expect(answer?.closedEarly).toBe(true);
		expect(answer?.sent).toBeLessThan(IN_FLIGHT);
		expect(growth).toBeLessThan(IN_FLIGHT);
		expect(requestsTo(api, 'POST', QUERY)).toHaveLength(1);
	});
});

describe('Platform answers have caps of their own', () => {
	it('a report file that declares 600 MB is refused before it is read, saying what to narrow', async () => {
		let file: Flood | undefined;
		const platform = await track(
			startPlatform((request, res, server) => {
				if (request.url === '/files/r.csv') {
					res.writeHead(200, { 'Content-Type': 'text/csv', 'Content-Length': '600000000' });
					file = flood(res, { head: 'skill,offered\n', fill: 'Sales,1\n', size: 600_000_000 });
					return true;
				}
				return finishedReportJob('job-1', `${server.url}/files/r.csv`)(request, res, server);
			}),
		);
		const { ctx } = createN8nLikeContext({
			params: reportParams({ reportOutput: 'binary' }),
			platform: platformCredential(platform),
		});
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error?.message).toBe(
			`The CXone server's file to GET ${platform.url}/files/r.csv (HTTP 200) declared 600,000,000 bytes (Content-Length), more than the 512 MB the node reads of such an answer; it read none of it and closed the connection. Narrow the report (a shorter time range, or fewer columns in CXone) and run again.`,
		);
		await file?.done;
		expect(file?.closedEarly).toBe(true);
		expect(file?.sent).toBeLessThan(IN_FLIGHT);
		expect(platform.received.filter((request) => request.url === '/files/r.csv')).toHaveLength(1);
	});

	it('a page of completed contacts that declares 200 MB is refused at its 128 MB cap', async () => {
		const platform = await track(
			startPlatform((request, res) => {
				if (!request.url.startsWith(`${REPORTING}/contacts/completed`)) return false;
				res.writeHead(200, {
					'Content-Type': 'application/json',
					'Content-Length': String(200 * MB),
				});
				flood(res, { head: '{"completedContacts":[', size: 200 * MB });
				return true;
			}),
		);
		const { ctx } = createN8nLikeContext({
			params: aggregateParams(),
			platform: platformCredential(platform),
		});
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error?.message).toBe(
			`The CXone server's answer to GET ${REPORTING}/contacts/completed (HTTP 200) declared 209,715,200 bytes (Content-Length), more than the 128 MB the node reads of such an answer; it read none of it and closed the connection. ${ADVICE}`,
		);
		expect(
			platform.received.filter((request) =>
				request.url.startsWith(`${REPORTING}/contacts/completed`),
			),
		).toHaveLength(1);
	});
});

describe('A body read as a stream still has a timeout', () => {
	it('bytes that stop coming for the request timeout: a dropped connection (ETIMEDOUT), retried, and the socket closed', async () => {
		let closed = false;
		const api = await startAnalytics((request, res) => {
			if (request.method !== 'GET' || !request.url.startsWith(`${QUERY}/q1`)) return false;
			res.writeHead(200, { 'Content-Type': 'application/json' });
			// Headers and a first part, then nothing: n8n's axios times out only until the headers.
			res.write('{"id":"q1","status":"COMPLETED",');
			res.on('close', () => (closed = true));
			return true;
		});
		const { ctx } = createN8nLikeContext({
			params: {},
			analytics: serverCredential(api, { accessToken: 'tok' }),
		});
		const startedMs = Date.now();
		const failure = await createN8nSend(ctx, api.url, { requestTimeoutMs: 500 })({
			method: 'GET',
			path: `${QUERY}/q1`,
		}).then(
			() => undefined,
			(error: unknown) => error as ApiFailure,
		);
		expect(failure).toBeInstanceOf(ApiFailure);
		expect([failure?.networkCode, failure && isRetryable(failure)]).toEqual(['ETIMEDOUT', true]);
		expect(Date.now() - startedMs).toBeLessThan(5000);
		await sleep(100);
		expect(closed).toBe(true);
	});
});
