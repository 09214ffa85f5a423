import { PLATFORM_LIMITS } from '../../shared/core/catalogue';
import { DAY_MS } from '../../shared/core/time';
import type { TimeWindow } from '../core/buckets';
import { toIsoUtc } from '../core/buckets';
import type { CompletedContact } from '../core/platform/contacts';
import type { PollScheduleOptions } from '../core/pollSchedule';
import { PollSchedule } from '../core/pollSchedule';
import type { Clock } from '../../shared/transport/clock';
import { settle } from '../../shared/transport/clock';
import { forEachConcurrently } from './concurrency';
import { ApiFailure, CxoneApiError, pathSegment } from './errors';
import { safeFileName } from '../core/platform/fileName';
import {
	CXONE_PLATFORM_DOMAINS,
	displayUrl,
	resolveUrl,
	trustedPlatformUrl,
} from '../../shared/transport/endpoints';
import { ANSWER_CAPS } from '../../shared/transport/responseBody';
import { serverText } from '../../shared/transport/serverText';
import type { RetryPolicy } from './retry';
import { sendWithRetries } from './retry';
import type { ApiRequest, ApiResponse, Send, TransportStats } from './types';

/** The Reporting API's base path on the tenant's API host. */
export const REPORTING_PATH = '/inContactAPI/services/v30.0';
/** Longest window one Reporting API call may cover. */
export const REPORTING_MAX_WINDOW_MS = PLATFORM_LIMITS.maxWindowDays * DAY_MS;
const PAGE_SIZE = PLATFORM_LIMITS.completedContactsPageSize;

/** The platform operations' defaults (Options, and their descriptions). */
export const DEFAULT_PLATFORM_OPTIONS = { pageConcurrency: 4, timeoutMs: 600_000 } as const;

export interface PlatformContext {
	send: Send;
	clock: Clock;
	stats: TransportStats;
	retry: RetryPolicy;
	signal?: AbortSignal;
	deadlineMs: number;
	pageConcurrency: number;
	/**
	 * The tenant's API host the credential sends requests to (its override, or the host it found),
	 * once it has found one: a report file link must be on it or on NICE's domains.
	 */
	apiHost?: () => Promise<string | undefined>;
}

/** Sends a request with retries; a JSON answer is read up to ANSWER_CAPS.platformJson (a page of 10,000 contacts). */
async function call(ctx: PlatformContext, request: ApiRequest): Promise<ApiResponse> {
	const { send, clock, retry, stats, signal, deadlineMs } = ctx;
	return await sendWithRetries(
		{ send, clock, policy: retry, stats, signal, deadlineMs },
		request.text ? request : { maxBytes: ANSWER_CAPS.platformJson, ...request },
	);
}

interface CompletedContactsPage {
	completedContacts?: CompletedContact[];
	totalRecords?: number;
	lastPollTime?: string;
	_links?: { next?: string | null };
}

/** Splits a window into consecutive windows the Reporting API accepts (at most `PLATFORM_LIMITS.maxWindowDays`). */
export function reportingWindows(window: TimeWindow): TimeWindow[] {
	const windows: TimeWindow[] = [];
	for (let startMs = window.startMs; startMs < window.endMs; startMs += REPORTING_MAX_WINDOW_MS) {
		windows.push({ startMs, endMs: Math.min(window.endMs, startMs + REPORTING_MAX_WINDOW_MS) });
	}
	return windows;
}

/** What reading one window of completed contacts found. */
export interface CompletedContactsRead {
	totalRecords: number;
	/** The first page's `lastPollTime` as the server sent it (none on 204): when its listing was made. */
	lastPollTime?: unknown;
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
): Promise<CompletedContactsRead> {
	const page = async (skip: number) => {
		ctx.stats.pages++;
		const response = await call(ctx, {
			method: 'GET',
			path: `${REPORTING_PATH}/contacts/completed`,
			qs: {
				startDate: toIsoUtc(window.startMs),
				endDate: toIsoUtc(window.endMs),
				top: PAGE_SIZE,
				skip,
				orderBy: 'contactStartDate asc',
			},
		});
		if (response.status === 204) return undefined;
		documentedList(response.body, 'completedContacts', `completed contacts at skip ${skip}`);
		return response.body as CompletedContactsPage;
	};
	const first = await page(0);
	if (!first) return { totalRecords: 0 };
	const total = checkedTotalRecords(first.totalRecords ?? contactsOf(first, 0).length);
	const seen = new ContactIds();
	const expect = (body: CompletedContactsPage | undefined, skip: number) => {
		const contacts = contactsOf(body, skip);
		const due = Math.min(PAGE_SIZE, total - skip);
		if (contacts.length !== due) {
			throw new CxoneApiError(
				`CXone returned ${contacts.length} completed contacts at skip ${skip}; ${due} were due (totalRecords ${total}). Nothing was output; run the workflow again.`,
			);
		}
		for (const contact of contacts) {
			if (!seen.add(contact)) {
				throw new CxoneApiError(
					`CXone returned contact ${serverText(String(contact.contactId))} twice (again at skip ${skip}): its pages overlap, so every total would be wrong. Nothing was output; run the workflow again.`,
				);
			}
			onContact(contact);
		}
	};
	expect(first, 0);
	// Pages are handed out one at a time: no list of every page is built, whatever the total says.
	await forEachConcurrently(1, Math.ceil(total / PAGE_SIZE), ctx.pageConcurrency, async (index) => {
		const skip = index * PAGE_SIZE;
		expect(await page(skip), skip);
	});
	return { totalRecords: total, lastPollTime: first.lastPollTime };
}

/** Most completed contacts the node reads for one Reporting API window. */
export const MAX_COMPLETED_CONTACTS_PER_WINDOW = 10_000_000;

/** The `totalRecords` CXone sent, checked: a whole number from 0 to MAX_COMPLETED_CONTACTS_PER_WINDOW. */
export function checkedTotalRecords(value: unknown): number {
	if (
		typeof value === 'number' &&
		Number.isSafeInteger(value) &&
		value >= 0 &&
		value <= MAX_COMPLETED_CONTACTS_PER_WINDOW
	)
		return value;
	const sent = typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : String(value);
	const why =
		typeof value === 'number' && Number.isSafeInteger(value) && value > 0
			? `the node reads at most ${MAX_COMPLETED_CONTACTS_PER_WINDOW} contacts of one ${PLATFORM_LIMITS.maxWindowDays}-day window; shorten the time range`
			: 'that is not a number of contacts; run the workflow again, and report it to NICE if it persists';
	throw new CxoneApiError(
		`CXone sent totalRecords ${sent} for completed contacts; ${why}. Nothing was output.`,
	);
}

/**
 * The list named `list` in the body of a 2xx answer other than 204, which must be a JSON object
 * holding it. Anything else is an error, not an empty list: a truncated or otherwise broken JSON
 * body reaches the node as text, and an object without the list is not what the API documents.
 */
export function documentedList(body: unknown, list: string, what: string): unknown[] {
	const isObject = body !== null && typeof body === 'object' && !Array.isArray(body);
	const value = isObject ? (body as Record<string, unknown>)[list] : undefined;
	if (Array.isArray(value)) return value;
	const why =
		typeof body === 'string'
			? body.trim() === ''
				? 'the body was empty'
				: `the body was text that is not JSON, beginning ${serverText(body.slice(0, 40))}`
			: isObject
				? `its ${list} was ${value === undefined ? 'missing' : 'not a list'}`
				: `the body was ${Array.isArray(body) ? 'a list' : String(body)}`;
	throw new CxoneApiError(
		`CXone's answer for ${what} is not the documented JSON (an object with a ${list} list): ${why}. Nothing was output; run the workflow again, and report it to NICE if it persists.`,
	);
}

/** The contacts of a page, which must be a list. */
function contactsOf(body: CompletedContactsPage | undefined, skip: number): CompletedContact[] {
	const contacts = body?.completedContacts ?? [];
	if (!Array.isArray(contacts)) {
		throw new CxoneApiError(
			`CXone's page of completed contacts at skip ${skip} holds no list of contacts. Nothing was output; run the workflow again.`,
		);
	}
	return contacts;
}

/** Whether a contact has a contactId: a number, or text that is not empty. */
function hasContactId(contact: CompletedContact): boolean {
	const id = (contact as { contactId?: unknown })?.contactId;
	return typeof id === 'number' || (typeof id === 'string' && id !== '');
}

/**
 * The contact ids read so far: a repeat means the server's pages overlap (or it ignores skip). Ids
 * that are whole numbers (CXone's are) are kept as numbers, which a Set of ten million holds in a
 * fraction of the memory their text would take; `7` and `"7"` are the same contact.
 */
class ContactIds {
	private readonly ids = new Set<number | string>();

	get size(): number {
		return this.ids.size;
	}

	/** False when the contact was read before; contacts without an id cannot be told apart and pass. */
	add(contact: CompletedContact): boolean {
		const id = (contact as { contactId?: unknown })?.contactId;
		if (typeof id !== 'string' && typeof id !== 'number') return true;
		const key = contactKey(id);
		if (this.ids.has(key)) return false;
		this.ids.add(key);
		return true;
	}
}

/** A contact id as a number when it is a whole number (as text without leading zeros too), else as text. */
function contactKey(id: number | string): number | string {
	if (typeof id === 'number') return Number.isSafeInteger(id) ? id : String(id);
	if (/^(0|[1-9]\d{0,14})$/.test(id)) return Number(id);
	return id;
}

/**
 * Most pages of updated contacts one run reads: twice what MAX_COMPLETED_CONTACTS_PER_WINDOW takes
 * in full pages, so a server that links page after page of one contact each still ends.
 */
export const MAX_UPDATED_CONTACT_PAGES =
	2 * Math.ceil(MAX_COMPLETED_CONTACTS_PER_WINDOW / PAGE_SIZE);

/**
 * Reads the contacts updated since `updatedSince`, oldest update first, following the `next` links
 * one page at a time (updates keep arriving, so pages are not read concurrently). Returns the
 * server's `lastPollTime`, the `updatedSince` of the next run. Every contact must have a contactId
 * (a contact updated again comes again, and only its id tells the two readings apart), every page
 * that links to another must hold a contact not read before, and a run reads at most
 * MAX_UPDATED_CONTACT_PAGES pages.
 */
export async function readUpdatedContacts(
	ctx: PlatformContext,
	updatedSince: string,
	onContact: (contact: CompletedContact) => void,
): Promise<string | undefined> {
	let request: ApiRequest | undefined = {
		method: 'GET',
		path: `${REPORTING_PATH}/contacts/completed`,
		qs: { updatedSince, top: PAGE_SIZE, orderBy: 'lastUpdateTime asc' },
	};
	let lastPollTime: string | undefined;
	const seen = new ContactIds();
	const visited = new Set<string>();
	for (let pageNumber = 1; request; pageNumber++) {
		if (pageNumber > MAX_UPDATED_CONTACT_PAGES) {
			throw new CxoneApiError(
				`CXone's updated contacts went on past ${MAX_UPDATED_CONTACT_PAGES} pages in one run; the node reads at most that many. Nothing was output; run the workflow more often, and report it to NICE if it persists.`,
			);
		}
		ctx.stats.pages++;
		const response = await call(ctx, request);
		if (response.status === 204) break;
		documentedList(response.body, 'completedContacts', `page ${pageNumber} of updated contacts`);
		const body = response.body as CompletedContactsPage;
		const contacts = contactsOf(body, (pageNumber - 1) * PAGE_SIZE);
		if (contacts.some((contact) => !hasContactId(contact))) {
			throw new CxoneApiError(
				`CXone's page ${pageNumber} of updated contacts holds a contact without a contactId; without it a contact updated twice cannot be told apart and would be counted twice. Nothing was output; run the workflow again, and report it to NICE if it persists.`,
			);
		}
		// A contact updated again while the pages are read comes again: its first reading counts.
		const fresh = contacts.filter((contact) => seen.add(contact));
		if (seen.size > MAX_COMPLETED_CONTACTS_PER_WINDOW) {
			throw new CxoneApiError(
				`CXone sent more than ${MAX_COMPLETED_CONTACTS_PER_WINDOW} updated contacts in one run; the node reads at most that many. Nothing was output; shorten the time range or run more often.`,
			);
		}
		fresh.forEach(onContact);
		lastPollTime = typeof body.lastPollTime === 'string' ? body.lastPollTime : lastPollTime;
		const next = body._links?.next;
		if (!next) break;
		if (fresh.length === 0) {
			throw new CxoneApiError(
				`CXone's page ${pageNumber} of updated contacts holds ${contacts.length === 0 ? 'no contacts' : 'only contacts already read'}, and it links to yet another page: the server does not move on. Nothing was output; run the workflow again.`,
			);
		}
		request = { method: 'GET', path: nextLink(next, visited) };
	}
	return lastPollTime;
}

/**
 * The request for a `_links.next` CXone sent: its path and query, asked of the tenant's API host
 * whatever host the link names (the token goes nowhere else, and a link elsewhere is not followed
 * there). The path must be that of completed contacts, and the link new: one back to a page already
 * read would page forever.
 */
function nextLink(value: unknown, visited: Set<string>): string {
	const url = typeof value === 'string' ? resolveUrl(value, 'https://api.invalid') : undefined;
	if (!url || url.pathname !== `${REPORTING_PATH}/contacts/completed`) {
		throw new CxoneApiError(
			`CXone's next link (${displayUrl(url?.href ?? value)}) does not lead to more completed contacts; nothing was requested there. Nothing was output; run the workflow again.`,
		);
	}
	const relative = `${url.pathname}${url.search}`;
	if (visited.has(relative)) {
		throw new CxoneApiError(
			`CXone's next link (${displayUrl(url.href)}) leads back to a page already read, so the pages would never end. Nothing was output; run the workflow again.`,
		);
	}
	visited.add(relative);
	return relative;
}

/** `GET /skills/summary` for a window (at most `PLATFORM_LIMITS.maxWindowDays`): the skills' summaries, none on 204. */
export async function readSkillSummaries(
	ctx: PlatformContext,
	window: TimeWindow,
): Promise<Array<Record<string, unknown>>> {
	const response = await call(ctx, {
		method: 'GET',
		path: `${REPORTING_PATH}/skills/summary`,
		qs: { startDate: toIsoUtc(window.startMs), endDate: toIsoUtc(window.endMs) },
	});
	if (response.status === 204) return [];
	return documentedList(response.body, 'skillSummaries', 'skill summaries') as Array<
		Record<string, unknown>
	>;
}

interface JobResult {
	jobId?: string;
	state?: string;
	resultFileURL?: string | null;
	fileName?: string;
	errorMessage?: string;
}

/** Report jobs take seconds to minutes: polled after 1 s, then 1.5× longer each time, up to 10 s. */
const REPORT_JOB_POLL: PollScheduleOptions = { firstMs: 1000, maxMs: 10_000, growth: 1.5 };

export interface ReportFile {
	fileName: string;
	csv: string;
}

/**
 * Runs a custom report job: starts it, polls on a PollSchedule until Finished, and downloads
 * the CSV. The file link lives only 30 seconds, so an expired link is fetched again once from the job.
 */
export async function runReportJob(
	ctx: PlatformContext,
	reportId: string,
	window: TimeWindow | undefined,
	poll: PollScheduleOptions = REPORT_JOB_POLL,
): Promise<ReportFile> {
	const started = await call(ctx, {
		method: 'POST',
		path: `${REPORTING_PATH}/report-jobs/${encodeURIComponent(reportId)}`,
		qs: { fileType: 'CSV', includeHeaders: 'true' },
		body: window ? { startDate: toIsoUtc(window.startMs), endDate: toIsoUtc(window.endMs) } : {},
	});
	const jobId = (started.body as { jobId?: unknown })?.jobId;
	if (typeof jobId !== 'string' && typeof jobId !== 'number') {
		throw new CxoneApiError(
			`CXone accepted report ${reportId} but returned no job id (HTTP ${started.status}).`,
		);
	}
	const jobPath = `${REPORTING_PATH}/report-jobs/${pathSegment(jobId, 'report job id')}`;
	const jobName = serverText(String(jobId));
	const finished = async (): Promise<JobResult> => {
		const schedule = new PollSchedule(poll, ctx.clock.now());
		for (;;) {
			ctx.stats.polls++;
			const job =
				((await call(ctx, { method: 'GET', path: jobPath })).body as { jobResult?: JobResult })
					?.jobResult ?? {};
			if (job.state === 'Finished' && job.resultFileURL) return job;
			if (job.state === 'Failed' || job.state === 'Cancelled') {
				const reason = serverText(job.errorMessage);
				throw new CxoneApiError(
					`Report job ${jobName} (report ${reportId}) ended ${job.state}${reason ? `: ${reason}` : ''}. Check the report in CXone and run again.`,
				);
			}
			const intervalMs = schedule.nextWaitMs(ctx.clock.now());
			if (ctx.clock.now() + intervalMs > ctx.deadlineMs) {
				throw new CxoneApiError(
					`Report job ${jobName} did not finish within the timeout (Options › Timeout). Raise it and run again.`,
				);
			}
			if (!(await settle(ctx.clock.sleep(intervalMs, ctx.signal))).ok) {
				throw ctx.signal?.reason instanceof CxoneApiError
					? ctx.signal.reason
					: new CxoneApiError('The execution was cancelled while a report job ran.');
			}
		}
	};
	let job = await finished();
	const apiHost = resolveUrl((await ctx.apiHost?.()) ?? '', undefined);
	// The link is pre-signed: it is fetched without the token, over https, following no redirect.
	const download = async (link: unknown) =>
		await settle(
			call(ctx, {
				method: 'GET',
				path: fileLink(link, jobName, apiHost),
				text: true,
				anonymous: true,
			}),
		);
	let file = await download(job.resultFileURL);
	if (
		!file.ok &&
		file.error instanceof ApiFailure &&
		(file.error.status === 403 || file.error.status === 404)
	) {
		job = await finished();
		file = await download(job.resultFileURL);
	}
	if (!file.ok) throw downloadError(file.error, jobName, reportId);
	return {
		fileName: safeFileName(job.fileName, `report_${reportId}.csv`),
		csv: String(file.value.body ?? ''),
	};
}

/**
 * What a failed download of a report file means. A file too large for one JavaScript string (about
 * 512 MB: "Cannot create a string longer than …") fails while n8n reads the answer, with its HTTP 200:
 * retrying cannot help, so it says what to narrow instead of that the API kept failing.
 */
function downloadError(error: unknown, jobName: string, reportId: string): unknown {
	const failure = error instanceof ApiFailure ? error : undefined;
	const message = error instanceof Error ? error.message : '';
	const ok = failure?.status !== undefined && failure.status >= 200 && failure.status < 300;
	if (!ok && !/Cannot create a string longer than|Invalid string length/.test(message))
		return error;
	return new CxoneApiError(
		`The file of report job ${jobName} (report ${reportId}) could not be read: ${/Cannot create a string longer than|Invalid string length/.test(message) ? 'it is larger than the about 512 MB of text Node.js can hold at once' : serverText(message)}. Narrow the report (a shorter time range, or fewer columns in CXone) and run again.`,
		failure?.status,
	);
}

/**
 * A report file link: https on the tenant's API host or on NICE's CXone domains, without user info.
 * http and this machine only when the API host is on this machine too (the simulator): a server must
 * not send the node to an internal service. A refused link is not requested at all.
 */
export function fileLink(value: unknown, jobName: string, apiHost: URL | undefined): string {
	const url = trustedPlatformUrl(value, apiHost, apiHost);
	if (!url) {
		throw new CxoneApiError(
			`The file link of report job ${jobName} (${displayUrl(value)}) is not an https address on the tenant's API host${apiHost ? ` (${apiHost.origin})` : ''} or on NICE's CXone domains (${CXONE_PLATFORM_DOMAINS.join(', ')}); nothing was downloaded. Run the workflow again, and report it to NICE if it persists.`,
		);
	}
	return url.href;
}
