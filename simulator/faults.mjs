/**
 * Fault profiles. `clean` injects nothing beyond the contract's real limits. `flaky` makes a correct
 * client work for its rows: 429s with both Retry-After forms, 5xx, connection resets, tokens that die
 * mid-paging and queries that fail once. Every decision is a pure function of the seed and a request
 * counter, so a run is reproducible; and no request is faulted more than twice in a row, so a client that
 * retries correctly always gets through.
 *
 * Targeted faults for tests can be queued with `inject` (`POST /_sim/faults`); they apply in every profile.
 */
import { hashInts, unitFromInts } from './hash.mjs';

export const PROFILES = ['clean', 'flaky'];

/** Shares of API GETs that the flaky profile answers with each fault; the rest are served normally. */
const FLAKY_RATES = {
	tooManyRequests: 0.08,
	unavailable: 0.04,
	serverError: 0.02,
	connectionReset: 0.02,
};
/** Same GET (method + URL) faulted at most this many times in a row. */
const MAX_CONSECUTIVE_FAULTS = 2;
/** A token in the flaky profile dies after this many API requests (plus 0–10 more, from the seed). */
const FLAKY_TOKEN_MIN_REQUESTS = 20;
/** About one in this many submitted queries ends FAILED in the flaky profile. */
const FLAKY_FAILED_QUERY_EVERY = 4;
/** A request this much before the time its URL's Retry-After named still counts as waiting (timer slack). */
const RETRY_AFTER_SLACK_MS = 50;

function emptyCounts() {
	return {
		injected: 0,
		tooManyRequests: 0,
		unavailable: 0,
		serverError: 0,
		connectionReset: 0,
		tokenExpired: 0,
		failedQueries: 0,
		failedReportJobs: 0,
		/** GETs that came back to a URL sooner than the Retry-After of its last fault asked. */
		earlyRetries: 0,
	};
}

export class FaultInjector {
	/** @param {{ profile: string, seed: number, now?: () => number }} options `now`: the simulator's clock */
	constructor({ profile, seed, now = () => Date.now() }) {
		if (!PROFILES.includes(profile))
			throw new Error(`Unknown profile "${profile}"; use ${PROFILES.join(' or ')}`);
		this.profile = profile;
		this.seed = seed;
		this.now = now;
		this.reset();
	}

	reset() {
		this.queued = [];
		this.failNextQueries = 0;
		this.failNextReportJobs = 0;
		this.reportJobCounter = 0;
		/** Report jobs (report id and dates) made to fail once; the same job started again succeeds. */
		this.failedReportJobs = new Set();
		this.getCounter = 0;
		this.submitCounter = 0;
		this.tooManyRequestsCounter = 0;
		/** URL → how many times in a row it was just faulted. */
		this.consecutiveFaults = new Map();
		/** URL → the time (ms) before which its last fault's Retry-After asked not to come back. */
		this.retryNotBefore = new Map();
		/** Bodies (canonical JSON) whose query was made to fail once; a resubmit succeeds. */
		this.failedBodies = new Set();
		this.counts = emptyCounts();
	}

	/**
	 * Queues targeted faults: `{ next: [{method, pathPrefix, status, body?, headers?, reset?}],
	 * failNextQueries?, failNextReportJobs? }`.
	 */
	inject({ next = [], failNextQueries = 0, failNextReportJobs = 0 }) {
		for (const fault of next) {
			this.queued.push({
				...fault,
				method: typeof fault.method === 'string' ? fault.method.toUpperCase() : undefined,
			});
		}
		this.failNextQueries += failNextQueries;
		this.failNextReportJobs += failNextReportJobs;
	}

	/** Removes and returns the first queued fault matching the request, or null. */
	takeQueued(method, path) {
		const index = this.queued.findIndex(
			(fault) =>
				(fault.method === undefined || fault.method === method) &&
				path.startsWith(fault.pathPrefix ?? '/'),
		);
		if (index < 0) return null;
		const [fault] = this.queued.splice(index, 1);
		this.counts.injected++;
		return {
			status: fault.status,
			body: fault.body,
			headers: fault.headers ?? {},
			reset: fault.reset === true,
		};
	}

	/**
	 * The flaky profile's fault for an API GET, or null. A fault is `{status, body, headers}` or
	 * `{reset: true}` (destroy the socket without answering).
	 */
	faultForGet(url) {
		if (this.profile !== 'flaky') return null;
		this.noteReturn(url);
		const draw = unitFromInts(this.seed, 0x9e7, this.getCounter++);
		const inARow = this.consecutiveFaults.get(url) ?? 0;
		const fault = inARow < MAX_CONSECUTIVE_FAULTS ? this.flakyFault(draw) : null;
		if (fault === null) {
			this.consecutiveFaults.delete(url);
		} else {
			// Bounded: a long run forgets old URLs rather than growing without end.
			if (this.consecutiveFaults.size > 10_000) this.consecutiveFaults.clear();
			this.consecutiveFaults.set(url, inARow + 1);
		}
		const retryAfter = fault?.headers?.['Retry-After'];
		if (retryAfter !== undefined) {
			if (this.retryNotBefore.size > 10_000) this.retryNotBefore.clear();
			this.retryNotBefore.set(
				url,
				/^\d+$/.test(retryAfter) ? this.now() + Number(retryAfter) * 1000 : Date.parse(retryAfter),
			);
		}
		return fault;
	}

	/** Counts a GET of `url` that came sooner than the Retry-After of its last fault asked (earlyRetries). */
	noteReturn(url) {
		const notBefore = this.retryNotBefore.get(url);
		if (notBefore === undefined) return;
		this.retryNotBefore.delete(url);
		if (this.now() < notBefore - RETRY_AFTER_SLACK_MS) this.counts.earlyRetries++;
	}

	flakyFault(draw) {
		let threshold = FLAKY_RATES.tooManyRequests;
		if (draw < threshold) {
			this.counts.tooManyRequests++;
			return {
				status: 429,
				body: {
					error: 'too_many_requests',
					message: 'Rate limited (simulated). Retry after the Retry-After time.',
				},
				headers: { 'Retry-After': this.nextRetryAfter() },
			};
		}
		threshold += FLAKY_RATES.unavailable;
		if (draw < threshold) {
			this.counts.unavailable++;
			const headers = this.counts.unavailable % 2 === 0 ? { 'Retry-After': '1' } : {};
			return {
				status: 503,
				body: { error: 'service_unavailable', message: 'Temporarily unavailable (simulated).' },
				headers,
			};
		}
		threshold += FLAKY_RATES.serverError;
		if (draw < threshold) {
			this.counts.serverError++;
			const status = [500, 502, 504][this.counts.serverError % 3];
			return {
				status,
				body: { error: 'server_error', message: `Transient server error ${status} (simulated).` },
				headers: {},
			};
		}
		threshold += FLAKY_RATES.connectionReset;
		if (draw < threshold) {
			this.counts.connectionReset++;
			return { reset: true };
		}
		return null;
	}

	/** Alternates the two Retry-After forms: delta-seconds and an HTTP-date 1–2 s ahead. */
	nextRetryAfter() {
		const useDate = this.tooManyRequestsCounter++ % 2 === 1;
		return useDate ? new Date(this.now() + 2000).toUTCString() : '1';
	}

	/** How many API requests a newly issued token may make before it stops working. */
	tokenRequestBudget(tokenIndex) {
		if (this.profile !== 'flaky') return Infinity;
		return FLAKY_TOKEN_MIN_REQUESTS + (hashInts(this.seed, 0x70c, tokenIndex) % 11);
	}

	noteTokenExpired() {
		this.counts.tokenExpired++;
	}

	/**
	 * Whether a newly submitted query will end FAILED. Queued `failNextQueries` come first; the flaky profile
	 * fails about every fourth query, but never the same body twice, so one resubmit succeeds.
	 */
	shouldFailQuery(bodyKey) {
		if (this.failNextQueries > 0) {
			this.failNextQueries--;
			this.counts.failedQueries++;
			return true;
		}
		if (this.profile !== 'flaky') return false;
		const index = this.submitCounter++;
		if (this.failedBodies.has(bodyKey)) return false;
		if (hashInts(this.seed, 0xfa1, index) % FLAKY_FAILED_QUERY_EVERY !== 0) return false;
		if (this.failedBodies.size > 10_000) this.failedBodies.clear();
		this.failedBodies.add(bodyKey);
		this.counts.failedQueries++;
		return true;
	}

	/**
	 * Whether a newly started platform report job will end Failed: queued `failNextReportJobs` first; the
	 * flaky profile fails about every fourth job, never the same report and dates twice in a row.
	 */
	shouldFailReportJob(jobKey) {
		if (this.failNextReportJobs > 0) {
			this.failNextReportJobs--;
			this.counts.failedReportJobs++;
			return true;
		}
		if (this.profile !== 'flaky') return false;
		const index = this.reportJobCounter++;
		if (this.failedReportJobs.delete(jobKey)) return false;
		if (hashInts(this.seed, 0x7e9, index) % FLAKY_FAILED_QUERY_EVERY !== 0) return false;
		if (this.failedReportJobs.size > 10_000) this.failedReportJobs.clear();
		this.failedReportJobs.add(jobKey);
		this.counts.failedReportJobs++;
		return true;
	}

	summary() {
		return {
			profile: this.profile,
			queued: this.queued.length,
			failNextQueries: this.failNextQueries,
			failNextReportJobs: this.failNextReportJobs,
			...this.counts,
		};
	}
}
