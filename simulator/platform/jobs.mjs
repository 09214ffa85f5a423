/**
 * Report jobs: started with a snapshot of their rows, `Pending` then `Running` for a while (× speed),
 * then `Finished` (or `Failed`, from the flaky profile or a queued fault). A finished job's file is
 * fetched through a signed URL minted at each poll and valid for `resultUrlTtlSeconds` (30 s by default,
 * as CXone's result links).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const PENDING_MS = 250;
const RUNNING_MS = 500;
/** Job records kept; the oldest are forgotten first. */
const MAX_JOBS = 500;
export const REPORT_FILE_PATH_PREFIX = '/report-files/';
export const FAILED_JOB_MESSAGE =
	'The report job failed on the server (simulated fault). Start it again.';

export class ReportJobStore {
	/** @param {{ speed: number, resultUrlTtlSeconds: number, faults: object, now: () => number }} options */
	constructor({ speed, resultUrlTtlSeconds, faults, now }) {
		this.speed = speed;
		this.resultUrlTtlSeconds = resultUrlTtlSeconds;
		this.faults = faults;
		this.now = now;
		this.signingKey = randomBytes(32);
		// Ids keep counting across resets, so an old result URL never points at a new job.
		this.nextId = 700_001;
		this.reset();
	}

	reset() {
		this.jobs = new Map();
		this.urlsMinted = 0;
	}

	/** Starts a job over precomputed `{csv, fileName}`; returns the job record. */
	start({ reportId, startDate, endDate, csv, fileName, rowCount }) {
		const nowMs = this.now();
		const jobId = String(this.nextId++);
		const job = {
			jobId,
			reportId,
			startDate,
			endDate,
			csv,
			fileName,
			rowCount,
			createdAtMs: nowMs,
			willFail: this.faults.shouldFailReportJob(`${reportId}|${startDate}|${endDate}`),
		};
		this.jobs.set(jobId, job);
		if (this.jobs.size > MAX_JOBS) this.jobs.delete(this.jobs.keys().next().value);
		return job;
	}

	get(jobId) {
		return this.jobs.get(jobId);
	}

	/** Pending, Running, Finished or Failed, as of now. */
	stateOf(job) {
		const elapsedMs = this.now() - job.createdAtMs;
		if (elapsedMs < PENDING_MS * this.speed) return 'Pending';
		if (elapsedMs < (PENDING_MS + RUNNING_MS) * this.speed) return 'Running';
		return job.willFail ? 'Failed' : 'Finished';
	}

	signature(jobId, expiresMs) {
		return createHmac('sha256', this.signingKey)
			.update(`${jobId}.${expiresMs}`)
			.digest('base64url');
	}

	/** A fresh result URL path (with query) for a finished job, valid for the TTL from now. */
	mintResultPath(job) {
		const expiresMs = this.now() + this.resultUrlTtlSeconds * 1000;
		this.urlsMinted++;
		const query = `expires=${expiresMs}&signature=${this.signature(job.jobId, expiresMs)}`;
		return `${REPORT_FILE_PATH_PREFIX}${job.jobId}/${encodeURIComponent(job.fileName)}?${query}`;
	}

	/**
	 * Checks a result URL: `{job}` when it is valid, else `{problem: 'invalid' | 'expired' | 'unknown'}`.
	 * The signature is checked before the expiry, so a tampered expiry is invalid, not "expired".
	 */
	checkResultUrl(jobId, searchParams) {
		const expiresText = searchParams.get('expires') ?? '';
		const given = Buffer.from(searchParams.get('signature') ?? '', 'base64url');
		const expected = Buffer.from(this.signature(jobId, expiresText), 'base64url');
		if (
			!/^\d+$/.test(expiresText) ||
			given.length !== expected.length ||
			!timingSafeEqual(given, expected)
		)
			return { problem: 'invalid' };
		if (this.now() >= Number(expiresText)) return { problem: 'expired' };
		const job = this.jobs.get(jobId);
		if (job === undefined) return { problem: 'unknown' };
		return { job };
	}

	/** The store's part of `/_sim/stats`. */
	stats() {
		return {
			reportJobs: [...this.jobs.values()].map((job) => ({
				jobId: job.jobId,
				reportId: job.reportId,
				state: this.stateOf(job),
				rowCount: job.rowCount,
				createdAt: new Date(job.createdAtMs).toISOString(),
			})),
			resultUrlsMinted: this.urlsMinted,
		};
	}
}
