// The three clients measured outside n8n. Each resolves to {rows, requests} where `rows` is what a
// caller would hold at the end (an array of rows, or for the raw limit the parsed pages).
import { createRequire } from 'node:module';

import { apiCall, fetchToken, retryAfterMs, sleep, traffic } from './http.mjs';
import { queryBody, windowBodies } from './sizes.mjs';

const require = createRequire(import.meta.url);
const QUERY_PATH = '/api/v2/analytics/query';

/**
 * Repeats a call while it answers 429, waiting what Retry-After asks, and once when a kept-alive
 * connection was closed under it (after a long Retry-After wait).
 */
async function withThrottling(call) {
	for (;;) {
		const response = await call().catch((error) => {
			if (error.code !== 'ECONNRESET') throw error;
			return call();
		});
		if (response.status !== 429) return response;
		await sleep(retryAfterMs(response));
	}
}

function expectOk(response, what) {
	if (response.status < 200 || response.status > 299) {
		throw new Error(`${what} answered HTTP ${response.status}: ${response.text.slice(0, 300)}`);
	}
	return JSON.parse(response.text);
}

/**
 * The tutorial's client: one window after another, sequential pages of 500, a fixed 200 ms sleep
 * while the query is pending, results accumulated with `concat` in the loop. It waits out a 429
 * (without that it would simply fail at 1M rows).
 */
export async function naiveClient(sim, size) {
	const token = await fetchToken(sim);
	let results = [];
	for (const body of windowBodies(size)) {
		const { id } = expectOk(await withThrottling(() => apiCall(sim, token, 'POST', QUERY_PATH, body)), 'submit');
		let page;
		for (;;) {
			page = expectOk(await withThrottling(() => apiCall(sim, token, 'GET', `${QUERY_PATH}/${id}?limit=500&offset=0`)), 'poll');
			if (page.status === 'COMPLETED') break;
			if (page.status === 'FAILED') throw new Error(`query ${id} failed`);
			await sleep(200);
		}
		results = results.concat(page.results);
		for (let offset = 500; offset < page.totalCount; offset += 500) {
			const next = expectOk(
				await withThrottling(() => apiCall(sim, token, 'GET', `${QUERY_PATH}/${id}?limit=500&offset=${offset}`)),
				'page',
			);
			results = results.concat(next.results);
		}
	}
	return { rows: results, rowCount: results.length };
}

/** At most `size` holders at once (the tenant's 5 PENDING/RUNNING queries). */
function semaphore(size) {
	let free = size;
	const waiting = [];
	return {
		acquire: () => (free > 0 ? (free--, Promise.resolve()) : new Promise((resolve) => waiting.push(resolve))),
		release: () => (waiting.length > 0 ? waiting.shift()() : free++),
	};
}

export const RAW_POLL_MS = 50;
export const PAGE_SIZE = 1000;
/** The raw limit fetches pages as concurrently as the node does by default. */
export const PAGE_CONCURRENCY = loadTransport().DEFAULT_RUNNER_OPTIONS.pageConcurrency;

/**
 * The physical limit: every window submitted at once (5 PENDING/RUNNING at most), polled every
 * 50 ms, then every page of 1000 fetched with the node's default concurrency (4 per query) and only
 * JSON.parse'd: no mapping, checks, merging or retries beyond waiting out a 429.
 */
export async function rawLimitClient(sim, size) {
	const token = await fetchToken(sim);
	const slots = semaphore(5);
	const get = (id, offset) =>
		withThrottling(() => apiCall(sim, token, 'GET', `${QUERY_PATH}/${id}?limit=${PAGE_SIZE}&offset=${offset}`));
	const windows = await Promise.all(
		windowBodies(size).map(async (body) => {
			await slots.acquire();
			let first;
			let id;
			try {
				({ id } = JSON.parse((await withThrottling(() => apiCall(sim, token, 'POST', QUERY_PATH, body))).text));
				for (;;) {
					await sleep(RAW_POLL_MS);
					first = JSON.parse((await get(id, 0)).text);
					if (first.status === 'COMPLETED') break;
				}
			} finally {
				slots.release();
			}
			const pageCount = Math.ceil(first.totalCount / PAGE_SIZE);
			const pages = new Array(pageCount);
			pages[0] = first.results;
			let next = 1;
			const worker = async () => {
				while (next < pageCount) {
					const index = next++;
					pages[index] = JSON.parse((await get(id, index * PAGE_SIZE)).text).results;
				}
			};
			await Promise.all(Array.from({ length: Math.min(PAGE_CONCURRENCY, pageCount - 1) }, worker));
			return pages;
		}),
	);
	const pages = windows.flat();
	return { rows: pages, rowCount: pages.reduce((sum, page) => sum + page.length, 0), pagesOfRows: true };
}

/** The compiled transport (dist/, from `npm run build`). */
export function loadTransport() {
	const dist = '../../dist/nodes';
	return {
		...require(`${dist}/NiceCxoneAnalytics/transport/queryRunner.js`),
		...require(`${dist}/NiceCxoneAnalytics/transport/types.js`),
		...require(`${dist}/NiceCxoneAnalytics/transport/errors.js`),
		...require(`${dist}/NiceCxoneAnalytics/transport/slots.js`),
		...require(`${dist}/NiceCxoneAnalytics/transport/retry.js`),
		...require(`${dist}/shared/transport/clock.js`),
		...require(`${dist}/NiceCxoneAnalytics/core/rows.js`),
	};
}

/**
 * The query node's own code path outside n8n: the compiled `fetchQueryResult` with the node's
 * default options, its row flattener, and a `send` on node:http with a token fetched once.
 */
export async function ourTransportClient(sim, size) {
	const { fetchQueryResult, ApiFailure, newTransportStats, QuerySlots, DEFAULT_RETRY_POLICY, DEFAULT_RUNNER_OPTIONS, n8nClock, createRowFlattener } =
		loadTransport();

	let token = await fetchToken(sim);
	const sendOnce = async (request) => {
		const query = request.qs
			? `?${new URLSearchParams(Object.entries(request.qs).map(([k, v]) => [k, String(v)]))}`
			: '';
		let response;
		try {
			response = await apiCall(sim, token, request.method, `${request.path}${query}`, request.body);
		} catch (error) {
			throw new ApiFailure(error.message, undefined, {}, undefined, error.code);
		}
		const body = response.text === '' ? undefined : JSON.parse(response.text);
		if (response.status < 200 || response.status > 299) {
			throw new ApiFailure(`HTTP ${response.status}`, response.status, response.headers, body);
		}
		return { status: response.status, headers: response.headers, body };
	};
	// As n8n's authentication helper does: on a 401, renew the token once and repeat the call once.
	const send = async (request) => {
		try {
			return await sendOnce(request);
		} catch (error) {
			if (!(error instanceof ApiFailure) || error.status !== 401) throw error;
			token = await fetchToken(sim);
			return await sendOnce(request);
		}
	};
	const stats = newTransportStats();
	const options = {
		...DEFAULT_RUNNER_OPTIONS,
		retry: DEFAULT_RETRY_POLICY,
		// For trying other option values (e.g. a faster poll schedule) without touching the node.
		...(process.env.BENCH_OURS_OPTIONS ? JSON.parse(process.env.BENCH_OURS_OPTIONS) : {}),
	};
	const parts = await fetchQueryResult(
		{ send, detachedSend: send, clock: n8nClock, slots: new QuerySlots(5), stats, options },
		queryBody(size),
		createRowFlattener(queryBody(size)),
	);
	// What the node then outputs: the parts' rows in order.
	const rows = parts.flatMap((part) => part.rows);
	return { rows, rowCount: rows.length, transport: { ...stats, queries: parts.length }, trafficCheck: traffic.requests };
}

export const CLIENTS = { naive: naiveClient, raw: rawLimitClient, ours: ourTransportClient };
