import type { TimeWindow } from '../core/buckets';
import { toIsoUtc } from '../core/buckets';
import type { CompletedContact } from '../core/platform/contacts';
import type { Clock } from '../../shared/transport/clock';
import { settle } from '../../shared/transport/clock';
import { CxoneApiError } from './errors';
import type { RetryPolicy } from './retry';
import { sendWithRetries } from './retry';
import type { ApiRequest, ApiResponse, Send, TransportStats } from './types';
import { ApiFailure } from './types';

/** The Reporting API's base path on the tenant's API host. */
export const REPORTING_PATH = '/inContactAPI/services/v30.0';
/** Most completed contacts one page may hold (`top`). */
export const COMPLETED_CONTACTS_PAGE_SIZE = 10_000;
/** Longest window one Reporting API call may cover. */
export const REPORTING_MAX_WINDOW_MS = 31 * 24 * 3_600_000;
/** How far back completed contacts reach. */
export const COMPLETED_CONTACTS_RETENTION_DAYS = 30;

export interface PlatformContext {
	send: Send;
	clock: Clock;
	stats: TransportStats;
	retry: RetryPolicy;
	signal?: AbortSignal;
	deadlineMs: number;
	pageConcurrency: number;
}

async function call(ctx: PlatformContext, request: ApiRequest): Promise<ApiResponse> {
	const { send, clock, retry, stats, signal, deadlineMs } = ctx;
	return await sendWithRetries({ send, clock, policy: retry, stats, signal, deadlineMs }, request);
}

interface CompletedContactsPage {
	completedContacts?: CompletedContact[];
	totalRecords?: number;
	lastPollTime?: string;
	_links?: { next?: string | null };
}

/** Splits a window into consecutive windows the Reporting API accepts (at most 31 days). */
export function reportingWindows(window: TimeWindow): TimeWindow[] {
	const windows: TimeWindow[] = [];
	for (let startMs = window.startMs; startMs < window.endMs; startMs += REPORTING_MAX_WINDOW_MS) {
		windows.push({ startMs, endMs: Math.min(window.endMs, startMs + REPORTING_MAX_WINDOW_MS) });
	}
	return windows;
}

/**
 * Reads every completed contact that started in the window and hands each to `onContact`: the first
 * page says `totalRecords`, then the other pages are read concurrently by `skip` (the order by start
 * date is stable for a past window). 204 means no contacts. Each page must hold exactly the records
 * its `skip` promises, or nothing is trusted.
 */
export async function readCompletedContacts(
	ctx: PlatformContext,
	window: TimeWindow,
	onContact: (contact: CompletedContact) => void,
): Promise<number> {
	const page = async (skip: number) => {
		ctx.stats.pages++;
		const response = await call(ctx, {
			method: 'GET',
			path: `${REPORTING_PATH}/contacts/completed`,
			qs: {
				startDate: toIsoUtc(window.startMs),
				endDate: toIsoUtc(window.endMs),
				top: COMPLETED_CONTACTS_PAGE_SIZE,
				skip,
				orderBy: 'contactStartDate asc',
			},
		});
		return response.status === 204 ? undefined : (response.body as CompletedContactsPage);
	};
	const first = await page(0);
	if (!first) return 0;
	const total = first.totalRecords ?? first.completedContacts?.length ?? 0;
	const expect = (body: CompletedContactsPage | undefined, skip: number) => {
		const contacts = body?.completedContacts ?? [];
		const due = Math.min(COMPLETED_CONTACTS_PAGE_SIZE, total - skip);
		if (contacts.length !== due) {
			throw new CxoneApiError(
				`CXone returned ${contacts.length} completed contacts at skip ${skip}; ${due} were due (totalRecords ${total}). Nothing was output; run the workflow again.`,
			);
		}
		contacts.forEach(onContact);
	};
	expect(first, 0);
	const skips: number[] = [];
	for (let skip = COMPLETED_CONTACTS_PAGE_SIZE; skip < total; skip += COMPLETED_CONTACTS_PAGE_SIZE) skips.push(skip);
	let next = 0;
	const worker = async () => {
		while (next < skips.length) {
			const skip = skips[next++];
			expect(await page(skip), skip);
		}
	};
	await Promise.all(Array.from({ length: Math.min(ctx.pageConcurrency, skips.length) }, worker));
	return total;
}

/**
 * Reads the contacts updated since `updatedSince`, oldest update first, following the `next` links
 * one page at a time (updates keep arriving, so pages are not read concurrently). Returns the
 * server's `lastPollTime`, the `updatedSince` of the next run.
 */
export async function readUpdatedContacts(
	ctx: PlatformContext,
	updatedSince: string,
	onContact: (contact: CompletedContact) => void,
): Promise<string | undefined> {
	let request: ApiRequest | undefined = {
		method: 'GET',
		path: `${REPORTING_PATH}/contacts/completed`,
		qs: { updatedSince, top: COMPLETED_CONTACTS_PAGE_SIZE, orderBy: 'lastUpdateTime asc' },
	};
	let lastPollTime: string | undefined;
	while (request) {
		ctx.stats.pages++;
		const response = await call(ctx, request);
		if (response.status === 204) break;
		const body = response.body as CompletedContactsPage;
		(body.completedContacts ?? []).forEach(onContact);
		lastPollTime = body.lastPollTime ?? lastPollTime;
		request = body._links?.next ? { method: 'GET', path: body._links.next } : undefined;
	}
	return lastPollTime;
}

/** `GET /skills/summary` for a window (at most 31 days): the skills' summaries, none on 204. */
export async function readSkillSummaries(ctx: PlatformContext, window: TimeWindow): Promise<Array<Record<string, unknown>>> {
	const response = await call(ctx, {
		method: 'GET',
		path: `${REPORTING_PATH}/skills/summary`,
		qs: { startDate: toIsoUtc(window.startMs), endDate: toIsoUtc(window.endMs) },
	});
	if (response.status === 204) return [];
	return ((response.body as { skillSummaries?: Array<Record<string, unknown>> }).skillSummaries ?? []);
}

interface JobResult {
	jobId?: string;
	state?: string;
	resultFileURL?: string | null;
	fileName?: string;
	errorMessage?: string;
}

export interface ReportFile {
	fileName: string;
	csv: string;
}

/**
 * Runs a custom report job: starts it, polls with a growing interval until Finished, and downloads
 * the CSV. The file link lives only 30 seconds, so an expired link is fetched again once from the job.
 */
export async function runReportJob(
	ctx: PlatformContext,
	reportId: string,
	window: TimeWindow | undefined,
	poll: { firstMs: number; maxMs: number; growth: number },
): Promise<ReportFile> {
	const started = await call(ctx, {
		method: 'POST',
		path: `${REPORTING_PATH}/report-jobs/${encodeURIComponent(reportId)}`,
		qs: { fileType: 'CSV', includeHeaders: 'true' },
		body: window ? { startDate: toIsoUtc(window.startMs), endDate: toIsoUtc(window.endMs) } : {},
	});
	const jobId = (started.body as { jobId?: unknown })?.jobId;
	if (typeof jobId !== 'string' && typeof jobId !== 'number') {
		throw new CxoneApiError(`CXone accepted report ${reportId} but returned no job id (HTTP ${started.status}).`);
	}
	const finished = async (): Promise<JobResult> => {
		let intervalMs = poll.firstMs;
		for (;;) {
			ctx.stats.polls++;
			const job = ((await call(ctx, { method: 'GET', path: `${REPORTING_PATH}/report-jobs/${jobId}` })).body as { jobResult?: JobResult }).jobResult ?? {};
			if (job.state === 'Finished' && job.resultFileURL) return job;
			if (job.state === 'Failed' || job.state === 'Cancelled') {
				throw new CxoneApiError(`Report job ${jobId} (report ${reportId}) ended ${job.state}${job.errorMessage ? `: ${job.errorMessage}` : ''}. Check the report in CXone and run again.`);
			}
			if (ctx.clock.now() + intervalMs > ctx.deadlineMs) {
				throw new CxoneApiError(`Report job ${jobId} did not finish within the timeout (Options › Timeout). Raise it and run again.`);
			}
			if (!(await settle(ctx.clock.sleep(intervalMs, ctx.signal))).ok) throw new CxoneApiError('The execution was cancelled while a report job ran.');
			intervalMs = Math.min(poll.maxMs, intervalMs * poll.growth);
		}
	};
	let job = await finished();
	const download = async (url: string) => await settle(call(ctx, { method: 'GET', path: url, text: true }));
	let file = await download(job.resultFileURL as string);
	if (!file.ok && file.error instanceof ApiFailure && (file.error.status === 403 || file.error.status === 404)) {
		job = await finished();
		file = await download(job.resultFileURL as string);
	}
	if (!file.ok) throw file.error;
	return { fileName: job.fileName ?? `report_${reportId}.csv`, csv: String(file.value.body ?? '') };
}
