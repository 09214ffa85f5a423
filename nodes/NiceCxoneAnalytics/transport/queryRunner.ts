import type { TimeWindow } from '../core/buckets';
import { halveAtBucketBoundary, splitAtBucketBoundaries, toIsoUtc } from '../core/buckets';
import { LIMITS, maxRangeHoursFor } from '../../shared/core/catalogue';
import { PollSchedule } from '../core/pollSchedule';
import type { QueryBody } from '../core/query';
import type { ResultRow } from '../core/rows';
import { QueryValidationError } from '../core/validationError';
import { forEachConcurrently } from './concurrency';
import { ApiFailure, CxoneApiError, QueryCancelledError, pathSegment, stopError } from './errors';
import type { RetryPolicy } from './retry';
import { DEFAULT_RETRY_POLICY, sendWithRetries } from './retry';
import type { QuerySlots } from './slots';
import type { Clock } from '../../shared/transport/clock';
import { settle } from '../../shared/transport/clock';
import { deadlineAfter } from '../../shared/transport/signals';
import { serverText } from '../../shared/transport/serverText';
import type { ApiResponse, Send, TransportStats } from './types';

const QUERY_PATH = '/api/v2/analytics/query';

/**
 * The totalCount a server sent, checked: a whole number of rows from 0 to the API's 1,000,000 per
 * query. Anything else (1e13, -1, 1.5, "10") is an error that says what the server sent, before any
 * page is asked for or any memory is set aside for one.
 */
export function checkedTotalCount(id: string, value: unknown): number {
	if (
		typeof value === 'number' &&
		Number.isSafeInteger(value) &&
		value >= 0 &&
		value <= LIMITS.maxEstimatedRows
	)
		return value;
	const sent = typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : String(value);
	const why =
		typeof value === 'number' && Number.isSafeInteger(value) && value > LIMITS.maxEstimatedRows
			? `the API returns at most ${LIMITS.maxEstimatedRows} rows per query`
			: 'that is not a number of rows';
	throw new CxoneApiError(
		`Query ${id} came back with totalCount ${sent}; ${why}. Nothing was output; run the workflow again, and report it to NICE if it persists.`,
	);
}

export interface RunnerOptions {
	pageSize: number;
	pageConcurrency: number;
	pollFirstMs: number;
	pollMaxMs: number;
	/** Growth of the poll interval after each poll. */
	pollGrowth: number;
	timeoutMs: number;
	retry: RetryPolicy;
	/**
	 * Most rows of the whole result, over every part of a split range (each part alone may bring the
	 * API's 1,000,000): the totalCount of each part is added up as it arrives, and a part that takes the
	 * sum past this fails the run before its other pages are read.
	 */
	maxRows: number;
	/** What the error of a result over maxRows tells the user to do. */
	maxRowsAdvice: string;
}

/** Most rows the node outputs as items, the analytics API's own limit per query: a million items already take n8n about 1.4 GB. */
export const MAX_ITEM_ROWS = LIMITS.maxEstimatedRows;

/** 12345678 as '12,345,678', whatever the locale. */
const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** The node's defaults (Options, and their descriptions), shared with the benchmarks so they measure what users run. */
export const DEFAULT_RUNNER_OPTIONS: RunnerOptions = {
	pageSize: 1000,
	pageConcurrency: 8,
	pollFirstMs: 100,
	pollMaxMs: 2000,
	pollGrowth: 1.25,
	timeoutMs: 600_000,
	retry: DEFAULT_RETRY_POLICY,
	maxRows: MAX_ITEM_ROWS,
	maxRowsAdvice:
		'Narrow the Time Range, choose a larger Bucket Size, remove a dimension or add a Filter.',
};

export interface RunnerContext {
	send: Send;
	/**
	 * Sends requests that must complete even once the execution is cancelled: the submit (so the
	 * id of a query the server accepted is always known, and it can be cancelled) and the DELETEs.
	 */
	detachedSend: Send;
	clock: Clock;
	slots: QuerySlots;
	stats: TransportStats;
	signal?: AbortSignal;
	/** Options the caller sets; the others are DEFAULT_RUNNER_OPTIONS and DEFAULT_RETRY_POLICY. */
	options?: Partial<RunnerOptions>;
}

/** The pages of one query as read (each as its page reader made it), and the rows on them. */
interface ReadPages<P> {
	pages: P[];
	rowCount: number;
}

interface CompletedPage {
	status: 'COMPLETED';
	totalCount?: number;
	results: ResultRow[];
}

interface RunningAnswer {
	status: 'PENDING' | 'RUNNING';
	progress?: unknown;
}

/** Thrown inside the runner when the server answers 410 or FAILED: the query may be submitted again. */
class QueryGoneError extends Error {
	constructor(
		readonly reason: string,
		readonly failed: boolean,
	) {
		super(reason);
	}
}

/** The rows of one submitted query: one window of the range, in order. */
export interface ResultPart<T> {
	queryId: string;
	window: TimeWindow;
	/** The server's totalCount for this query, when it sent one. */
	totalCount?: number;
	rows: T[];
}

/** The pages of one submitted query, each as its page reader made it, in order. */
export interface ResultPages<P> extends ReadPages<P> {
	queryId: string;
	window: TimeWindow;
	/** The server's totalCount for this query, when it sent one. */
	totalCount?: number;
}

/**
 * Runs one aggregation query to the end ({@link fetchQueryPages}); rows come back in the server's
 * order, mapped by `mapRow`, as one part per submitted query.
 */
export async function fetchQueryResult<T>(
	ctx: RunnerContext,
	body: QueryBody,
	mapRow: (row: ResultRow) => T,
	limit?: number,
): Promise<Array<ResultPart<T>>> {
	const parts = await fetchQueryPages(ctx, body, (rows) => rows.map(mapRow), limit);
	return parts.map(({ queryId, window, totalCount, pages }) => ({
		queryId,
		window,
		totalCount,
		rows: pages.flat(),
	}));
}

/**
 * Runs one aggregation query to the end: splits a long range at bucket boundaries, submits each
 * part (never more than the tenant's slots at once), polls with a growing interval (shorter when the
 * server's progress predicts the end sooner) until a deadline, pages concurrently once `totalCount`
 * is known, resubmits once after a 410 or FAILED,
 * halves a part the server finds too large, and cancels every query it started when it fails,
 * times out or is cancelled. Each page is handed to `readPage` as it arrives (the pages of a query,
 * and the parts of a split range, arrive in any order; a page read before a resubmission is dropped),
 * and what it returns comes back in the server's order, as one part per submitted query.
 */
export async function fetchQueryPages<P>(
	ctx: RunnerContext,
	body: QueryBody,
	readPage: (rows: ResultRow[]) => P,
	limit?: number,
): Promise<Array<ResultPages<P>>> {
	const options: RunnerOptions = { ...DEFAULT_RUNNER_OPTIONS, ...ctx.options };
	const { bucketSize, timeZone } = body.timeSeries;
	const whole = {
		startMs: Date.parse(body.timeSeries.start),
		endMs: Date.parse(body.timeSeries.end),
	};
	const windows = splitAtBucketBoundaries(
		whole,
		bucketSize,
		timeZone,
		maxRangeHoursFor(bucketSize),
	);
	// One stop signal for the whole run: the execution's cancel, the first failing window, or the
	// deadline (Options › Timeout), which also ends a request in flight.
	const stop = new AbortController();
	const onCancel = () => stop.abort();
	if (ctx.signal?.aborted) stop.abort();
	ctx.signal?.addEventListener('abort', onCancel, { once: true });
	const deadline = deadlineAfter(
		options.timeoutMs,
		() => new CxoneApiError(timeoutMessage(options.timeoutMs)),
	);
	const run = new QueryRun(
		{ ...ctx, options, signal: AbortSignal.any([stop.signal, deadline.signal]) },
		windows.length,
		body,
		readPage,
		ctx.clock.now() + options.timeoutMs,
		deadline.signal,
	);
	let tasks: Array<Promise<Array<ResultPages<P>>>> = [];
	const readAll = async (): Promise<Array<ResultPages<P>>> => {
		if (limit === undefined) {
			tasks = windows.map(async (window) => await run.window(window));
			return (await Promise.all(tasks)).flat();
		}
		const parts: Array<ResultPages<P>> = [];
		let rows = 0;
		for (const window of windows) {
			if (rows >= limit) break;
			for (const part of await run.window(window, limit - rows)) {
				parts.push(part);
				rows += part.rowCount;
			}
		}
		return parts;
	};
	const outcome = await settle(readAll());
	ctx.signal?.removeEventListener('abort', onCancel);
	deadline.end();
	if (outcome.ok) return outcome.value;
	stop.abort();
	await Promise.allSettled(tasks);
	await run.cancelStarted();
	throw ctx.signal?.aborted ? new QueryCancelledError() : outcome.error;
}

const timeoutMessage = (timeoutMs: number) =>
	`The query did not complete within ${timeoutMs / 1000} s (Options › Timeout). Raise the timeout or narrow the query; it was cancelled on the server.`;

/** How long the DELETEs of a failed run may take, once its own deadline has passed. */
const CLEANUP_TIMEOUT_MS = 10_000;

class QueryRun<P> {
	/** Queries submitted and not yet finished with, to cancel if the run fails. */
	private readonly open = new Set<string>();
	/** Rows the parts read so far are to bring, by their totalCount (or as read, without one). */
	private rowsClaimed = 0;

	constructor(
		private readonly ctx: RunnerContext & { options: RunnerOptions },
		/** Parts the range was split into (before any halving). */
		private readonly windowCount: number,
		private readonly body: QueryBody,
		private readonly readPage: (rows: ResultRow[]) => P,
		private readonly deadlineMs: number,
		/** The deadline alone: the submit is not tied to the cancel signal, only to the time limit. */
		private readonly deadlineSignal: AbortSignal,
	) {}

	/** The rows of one window; a window the server finds too large is halved and run again. */
	async window(window: TimeWindow, limit?: number): Promise<Array<ResultPages<P>>> {
		const outcome = await settle(this.once(window, limit));
		if (outcome.ok) return [outcome.value];
		const error = outcome.error;
		if (!(error instanceof ApiFailure) || error.errorCode !== 'result_too_large') throw error;
		const { bucketSize, timeZone } = this.body.timeSeries;
		const halves = halveAtBucketBoundary(window, bucketSize, timeZone);
		if (!halves) {
			throw new CxoneApiError(
				`The CXone API finds even one ${bucketSize} bucket too large (estimated ${serverText((error.body as { estimatedRows?: unknown }).estimatedRows) || 'too many'} rows). Remove a dimension, add a filter or choose a smaller Bucket Size.`,
				400,
			);
		}
		const first = await this.window(halves[0], limit);
		const firstRows = first.reduce((sum, part) => sum + part.rowCount, 0);
		if (limit !== undefined && firstRows >= limit) return first;
		return first.concat(
			await this.window(halves[1], limit === undefined ? undefined : limit - firstRows),
		);
	}

	private async once(window: TimeWindow, limit?: number): Promise<ResultPages<P>> {
		const body: QueryBody = {
			...this.body,
			timeSeries: {
				...this.body.timeSeries,
				start: toIsoUtc(window.startMs),
				end: toIsoUtc(window.endMs),
			},
		};
		// A 410 or FAILED allows one more submission of the same query (docs/api/analytics-v2.md §3).
		const first = await settle(this.submitAndRead(window, body, limit));
		if (first.ok) return first.value;
		if (!(first.error instanceof QueryGoneError)) throw first.error;
		const second = await settle(this.submitAndRead(window, body, limit));
		if (second.ok) return second.value;
		const error = second.error;
		if (!(error instanceof QueryGoneError)) throw error;
		throw new CxoneApiError(
			error.failed
				? `The query failed on the CXone server twice: ${error.reason}`
				: `The query's results were gone twice (${error.reason}); they expire 60 minutes after completion.`,
		);
	}

	private async submitAndRead(
		window: TimeWindow,
		body: QueryBody,
		limit?: number,
	): Promise<ResultPages<P>> {
		const { slots, signal, clock, stats } = this.ctx;
		await slots.acquire(signal);
		let id: string;
		let firstPage: CompletedPage;
		const submittedAt = clock.now();
		let completedAt = submittedAt;
		try {
			id = await this.submit(body);
			stats.submitMs += clock.now() - submittedAt;
			const acceptedAt = clock.now();
			firstPage = await this.pollUntilComplete(id);
			completedAt = clock.now();
			stats.waitMs += completedAt - acceptedAt;
		} finally {
			slots.release();
		}
		// A part submitted again (410, FAILED) claims its rows again: the first attempt's claim is given back.
		const claim = { rows: 0 };
		const read = await settle(this.readPages(id, firstPage, limit, claim));
		if (!read.ok) {
			this.rowsClaimed -= claim.rows;
			throw read.error;
		}
		const { pages, rowCount } = read.value;
		stats.pagingMs += clock.now() - completedAt;
		this.open.delete(id);
		return { queryId: id, window, totalCount: firstPage.totalCount, pages, rowCount };
	}

	private async submit(body: QueryBody): Promise<string> {
		this.ctx.stats.submits++;
		const sent = await settle(
			this.request({ method: 'POST', path: QUERY_PATH, body }, this.ctx.detachedSend),
		);
		/**
		 * A submit whose answer brings no usable id (past its cap, broken off, or without one) may still have
		 * started a query: the one its Location names (the contract sends one with the 202) is cancelled with
		 * the run's others, rather than holding one of the tenant's slots until it expires.
		 */
		const noIdIn = (headers: Record<string, string | undefined> | undefined, error: Error) => {
			const named = queryIdOfLocation(headers?.location);
			if (named !== undefined) this.open.add(named);
			return error;
		};
		if (!sent.ok) {
			const { error } = sent;
			throw noIdIn(error instanceof CxoneApiError ? error.headers : undefined, error as Error);
		}
		const { status, headers, body: answer } = sent.value;
		const id = (answer as { id?: unknown })?.id;
		if (typeof id !== 'string' || id === '') {
			throw noIdIn(
				headers,
				new CxoneApiError(
					`The CXone API accepted the query but returned no query id (HTTP ${status}).`,
				),
			);
		}
		try {
			pathSegment(id, 'query id');
		} catch (error) {
			throw noIdIn(headers, error as Error);
		}
		this.open.add(id);
		return id;
	}

	/** Polls until COMPLETED (see PollSchedule for when); the completing poll brings the first page. */
	private async pollUntilComplete(id: string): Promise<CompletedPage> {
		const { clock, options, signal } = this.ctx;
		const schedule = new PollSchedule(
			{ firstMs: options.pollFirstMs, maxMs: options.pollMaxMs, growth: options.pollGrowth },
			clock.now(),
		);
		for (;;) {
			const waitMs = schedule.nextWaitMs(clock.now());
			if (clock.now() + waitMs > this.deadlineMs)
				throw new CxoneApiError(timeoutMessage(options.timeoutMs));
			if (!(await settle(clock.sleep(waitMs, signal))).ok) throw stopError(signal);
			this.ctx.stats.polls++;
			const page = await this.getPage(id, 0, options.pageSize);
			if (page.status === 'COMPLETED') return page;
			schedule.observe(clock.now(), page.progress);
		}
	}

	/** One GET of the query: a page once it is COMPLETED, its progress while PENDING or RUNNING. */
	private async getPage(
		id: string,
		offset: number,
		limit: number,
	): Promise<CompletedPage | RunningAnswer> {
		const outcome = await settle(
			this.request({
				method: 'GET',
				path: `${QUERY_PATH}/${pathSegment(id, 'query id')}`,
				qs: { limit, offset },
			}),
		);
		if (!outcome.ok) {
			const error = outcome.error;
			if (error instanceof ApiFailure && error.status === 410) {
				this.open.delete(id);
				throw new QueryGoneError(serverText(error.errorCode) || 'gone', false);
			}
			throw error;
		}
		const page = outcome.value.body as {
			status?: string;
			error?: string;
			totalCount?: number;
			results?: ResultRow[];
			progress?: unknown;
		};
		switch (page?.status) {
			case 'PENDING':
			case 'RUNNING':
				return { status: page.status, progress: page.progress };
			case 'FAILED':
				this.open.delete(id);
				throw new QueryGoneError(serverText(page.error) || 'no reason given', true);
			case 'COMPLETED':
				if (!Array.isArray(page.results)) {
					throw new CxoneApiError(
						`Query ${id} is COMPLETED but its page at offset ${offset} has no results.`,
					);
				}
				return page as CompletedPage;
			default:
				throw new CxoneApiError(`Query ${id} has an unknown status '${serverText(page?.status)}'.`);
		}
	}

	/**
	 * Adds `rows` to the rows of the whole result, and fails the run when they pass Options' maxRows:
	 * before any page of them past the first is read.
	 */
	private claimRows(id: string, rows: number, claim: { rows: number }): void {
		this.rowsClaimed += rows;
		claim.rows += rows;
		const { maxRows, maxRowsAdvice } = this.ctx.options;
		if (this.rowsClaimed <= maxRows) return;
		const split =
			this.windowCount > 1
				? ` over the ${this.windowCount} parts the range was split into (the API allows ${maxRangeHoursFor(this.body.timeSeries.bucketSize) / 24} days a query at ${this.body.timeSeries.bucketSize} buckets)`
				: '';
		throw new QueryValidationError(
			'Time Range',
			`The result holds more than ${grouped(maxRows)} rows${split}, by the totalCount of query ${id} and the parts before it; the node outputs at most ${grouped(maxRows)} rows this way. Nothing was output. ${maxRowsAdvice}`,
		);
	}

	/** All pages of a completed query (up to `limit` rows), concurrently when totalCount is known. */
	private async readPages(
		id: string,
		first: CompletedPage,
		limit: number | undefined,
		claim: { rows: number },
	): Promise<ReadPages<P>> {
		const { pageSize, pageConcurrency } = this.ctx.options;
		const cap = limit ?? Number.POSITIVE_INFINITY;
		if (first.totalCount === undefined || first.totalCount === null)
			return await this.readPagesSequentially(id, first, cap, claim);

		const total = checkedTotalCount(id, first.totalCount);
		const wanted = Math.min(total, cap);
		this.claimRows(id, wanted, claim);
		const pageCount = Math.ceil(wanted / pageSize);
		const pages: P[] = new Array(pageCount);
		pages[0] = this.checkedPage(id, first, 0, pageSize, total, wanted);
		await forEachConcurrently(1, pageCount, pageConcurrency, async (index) => {
			const offset = index * pageSize;
			const asked = Math.min(pageSize, wanted - offset);
			this.ctx.stats.pages++;
			const page = await this.getPage(id, offset, asked);
			if (page.status !== 'COMPLETED')
				throw new CxoneApiError(`Query ${id} went back to running while its pages were read.`);
			pages[index] = this.checkedPage(id, page, offset, asked, total, wanted);
		});
		return { pages, rowCount: wanted };
	}

	/**
	 * Checks that a page asked for `asked` rows at `offset` holds exactly the rows totalCount promises
	 * there (fewer is a lost row, more a row totalCount hid), and reads those before `wanted`.
	 */
	private checkedPage(
		id: string,
		page: CompletedPage,
		offset: number,
		asked: number,
		total: number,
		wanted: number,
	): P {
		if (page.totalCount !== undefined && page.totalCount !== total) {
			throw new CxoneApiError(
				`Query ${id} changed its totalCount from ${total} to ${String(page.totalCount).slice(0, 30)} between pages.`,
			);
		}
		const due = Math.max(0, Math.min(asked, total - offset));
		if (page.results.length !== due) {
			throw new CxoneApiError(
				`Query ${id} returned ${page.results.length} rows at offset ${offset}; ${due} were due (totalCount ${total}). No rows were output, so none are lost or doubled; run the workflow again.`,
			);
		}
		const keep = Math.min(due, wanted - offset);
		return this.readPage(keep < due ? page.results.slice(0, keep) : page.results);
	}

	/** Pages one after another until a short page, for a server that omits totalCount. */
	private async readPagesSequentially(
		id: string,
		first: CompletedPage,
		cap: number,
		claim: { rows: number },
	): Promise<ReadPages<P>> {
		const { pageSize } = this.ctx.options;
		const firstRows = first.results.slice(0, cap);
		this.claimRows(id, firstRows.length, claim);
		const pages = [this.readPage(firstRows)];
		let rowCount = firstRows.length;
		let last = first.results.length;
		while (last >= pageSize && rowCount < cap) {
			if (rowCount >= LIMITS.maxEstimatedRows) {
				throw new CxoneApiError(
					`Query ${id} sent more than ${LIMITS.maxEstimatedRows} rows without a totalCount; the API returns at most ${LIMITS.maxEstimatedRows} rows per query. Nothing was output; run the workflow again, and report it to NICE if it persists.`,
				);
			}
			this.ctx.stats.pages++;
			const page = await this.getPage(id, rowCount, pageSize);
			if (page.status !== 'COMPLETED')
				throw new CxoneApiError(`Query ${id} went back to running while its pages were read.`);
			if (page.results.length > pageSize) {
				throw new CxoneApiError(
					`Query ${id} returned ${page.results.length} rows at offset ${rowCount}; a page holds at most ${pageSize}. Nothing was output; run the workflow again.`,
				);
			}
			last = page.results.length;
			const rows = page.results.slice(0, cap - rowCount);
			this.claimRows(id, rows.length, claim);
			pages.push(this.readPage(rows));
			rowCount += rows.length;
		}
		return { pages, rowCount };
	}

	private async request(
		request: Parameters<Send>[0],
		send: Send = this.ctx.send,
	): Promise<ApiResponse> {
		const { clock, options, stats, signal } = this.ctx;
		const detached = send === this.ctx.detachedSend;
		return await sendWithRetries(
			{
				send,
				clock,
				policy: options.retry,
				stats,
				signal,
				requestSignal: detached ? this.deadlineSignal : signal,
				deadlineMs: this.deadlineMs,
			},
			request,
		);
	}

	/** DELETEs every query this run started and did not finish with; best effort, never throws. */
	async cancelStarted(): Promise<void> {
		const ids = [...this.open];
		this.open.clear();
		if (ids.length === 0) return;
		const cleanup = deadlineAfter(
			CLEANUP_TIMEOUT_MS,
			() => new CxoneApiError('The cancel requests took too long.'),
		);
		await Promise.all(
			ids.map(async (id) => {
				this.ctx.stats.cancels++;
				await this.ctx
					.detachedSend({
						method: 'DELETE',
						path: `${QUERY_PATH}/${pathSegment(id, 'query id')}`,
						signal: cleanup.signal,
					})
					.catch(() => undefined);
			}),
		);
		cleanup.end();
	}
}

/** A submit answer's `Location`: `/api/v2/analytics/query/{id}`, the path alone, as the contract sends it. */
const QUERY_LOCATION = /^\/api\/v2\/analytics\/query\/([A-Za-z0-9_~-][A-Za-z0-9._~-]{0,199})$/;

/**
 * The query id a submit answer's `Location` names, or undefined: a header of any other form names nothing,
 * and so does an id of anything but letters, digits and `-._~` (no escapes: a gateway that decodes `%2F`
 * would route `..%2F..%2Fadmin` elsewhere on the host, token and all).
 */
export function queryIdOfLocation(location: string | undefined): string | undefined {
	return location === undefined ? undefined : QUERY_LOCATION.exec(location)?.[1];
}
