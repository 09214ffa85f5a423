/**
 * The query store: submitted queries, their time-based lifecycle (PENDING → RUNNING → COMPLETED or
 * FAILED), background computation, result retention and expiry, and the numbers `/_sim/stats` reports.
 *
 * Lifecycle timing (all × speed): PENDING for `pendingMs`; RUNNING for 300 ms + 0.002 ms per result row
 * (and at least until the rows are computed); then COMPLETED, readable for `resultTtlSeconds`.
 * A finished result is serialised once (see serializeRows), still before it is COMPLETED when the
 * computation is quicker than the simulated running time. Memory stays bounded: finished results are
 * kept up to a budget and the least recently read are dropped; a page of a dropped result is
 * recomputed (the data is deterministic, so it is identical).
 */
import { randomBytes } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Aggregation, planQuery, serializeRows } from './aggregate.mjs';

const RUNNING_BASE_MS = 300;
const RUNNING_MS_PER_ROW = 0.002;
/** The work done per turn of the event loop before yielding, so polls stay responsive during big queries. */
const COMPUTE_SLICE_MS = 15;
const SLOTS_PER_STEP = 16;
/**
 * Finished results kept in memory, in bytes (their numbers and their JSON): room for the nine windows
 * of a 1M-row split range (~26 MB each) and then some, so results being read are not dropped.
 */
const RESULT_BUDGET_BYTES = 512 * 1024 * 1024;
/** Query records kept for 404/410 answers and stats; the oldest finished ones are forgotten first. */
const MAX_QUERY_RECORDS = 5000;

export const FAILED_QUERY_MESSAGE =
	'The query failed on the server (simulated fault). Submit it again.';

/** An aggregation of a validated body that reads its slots through the shared cache. */
export function createAggregation(universe, slotCache, body) {
	const plan = planQuery(universe, body);
	return new Aggregation(universe, plan, slotCache.sourceFor(plan.endSlot - plan.firstSlot));
}

/**
 * Runs an aggregation to the end in slices, yielding to the event loop between slices. `isCancelled()`
 * stops it early (the result is then incomplete and must not be used).
 */
export async function runAggregation(aggregation, isCancelled = () => false) {
	while (!aggregation.done) {
		if (isCancelled()) return null;
		const sliceEnd = performance.now() + COMPUTE_SLICE_MS;
		while (!aggregation.done && performance.now() < sliceEnd) aggregation.step(SLOTS_PER_STEP);
		if (!aggregation.done) await yieldToEventLoop();
	}
	const serialized = await serializeRows(aggregation.result, async () => {
		await yieldToEventLoop();
		return !isCancelled();
	});
	return serialized ? aggregation.result : null;
}

/** A result's weight against the memory budget, in bytes: its columns and its JSON. */
function resultSize(result) {
	return result.rowCount * (2 + result.metrics.length) * 8 + result.rowsJson.length;
}

export class QueryStore {
	/**
	 * @param {{ universe: object, slotCache: import('./slots.mjs').SlotContactsCache,
	 *   faults: import('./faults.mjs').FaultInjector, speed: number, pendingMs: number,
	 *   resultTtlSeconds: number, now: () => number }} options
	 */
	constructor({ universe, slotCache, faults, speed, pendingMs, resultTtlSeconds, now }) {
		this.universe = universe;
		this.slotCache = slotCache;
		this.faults = faults;
		this.speed = speed;
		this.pendingMs = pendingMs;
		this.resultTtlSeconds = resultTtlSeconds;
		this.now = now;
		this.closed = false;
		this.reset();
	}

	reset() {
		// Queries still computing notice `cancelled` and stop.
		for (const query of this.queries?.values() ?? []) query.cancelled = true;
		this.queries = new Map();
		/** Completed results in least-recently-read order (Map keeps insertion order). */
		this.retained = new Map();
		this.retainedBytes = 0;
		this.maxActiveByTenant = new Map();
	}

	close() {
		this.closed = true;
		this.reset();
	}

	/** Queries of a tenant that are PENDING or RUNNING right now. */
	activeCount(tenant) {
		let count = 0;
		for (const query of this.queries.values()) {
			if (query.tenant !== tenant) continue;
			const status = this.statusOf(query);
			if (status === 'PENDING' || status === 'RUNNING') count++;
		}
		return count;
	}

	/** Submits a validated body; the caller has already checked the limits. */
	submit(tenant, body) {
		const nowMs = this.now();
		const id = `qry_${randomBytes(9).toString('base64url')}`;
		const query = {
			id,
			tenant,
			body,
			submittedAtMs: nowMs,
			pendingEndMs: nowMs + this.pendingMs * this.speed,
			willFail: this.faults.shouldFailQuery(JSON.stringify(body)),
			result: null,
			rowCount: null,
			computedAtMs: null,
			completedAtMs: null,
			deleted: false,
			expired: false,
			cancelled: false,
			lastProgress: 0,
			/** Result pages served (a poll of a COMPLETED query): 0 for a query nobody read. */
			pagesRead: 0,
		};
		this.queries.set(id, query);
		this.forgetOldRecords();
		// Computed from the next turn of the event loop, so the 202 goes out first.
		if (!query.willFail) setImmediate(() => this.compute(query));
		const active = this.activeCount(tenant);
		this.maxActiveByTenant.set(tenant, Math.max(active, this.maxActiveByTenant.get(tenant) ?? 0));
		return query;
	}

	async compute(query) {
		const aggregation = createAggregation(this.universe, this.slotCache, query.body);
		query.aggregation = aggregation;
		const result = await runAggregation(aggregation, () => query.cancelled || this.closed);
		query.aggregation = null;
		if (result === null) return;
		query.rowCount = result.rowCount;
		query.computedAtMs = this.now();
		query.completedAtMs = Math.max(
			query.pendingEndMs + this.runningMsFor(result.rowCount),
			query.computedAtMs,
		);
		this.retain(query, result);
	}

	get(id) {
		return this.queries.get(id);
	}

	/** How long a query of `rowCount` rows is RUNNING (simulated), in ms. */
	runningMsFor(rowCount) {
		return (RUNNING_BASE_MS + RUNNING_MS_PER_ROW * rowCount) * this.speed;
	}

	/** PENDING, RUNNING, COMPLETED, FAILED, CANCELLED (deleted) or EXPIRED, as of now. */
	statusOf(query) {
		if (query.deleted) return 'CANCELLED';
		const nowMs = this.now();
		if (nowMs < query.pendingEndMs) return 'PENDING';
		if (query.willFail)
			return nowMs < query.pendingEndMs + this.runningMsFor(0) ? 'RUNNING' : 'FAILED';
		if (query.completedAtMs === null || nowMs < query.completedAtMs) return 'RUNNING';
		if (query.expired || nowMs >= query.completedAtMs + this.resultTtlSeconds * 1000) {
			this.release(query);
			query.expired = true;
			return 'EXPIRED';
		}
		return 'COMPLETED';
	}

	/** Progress of a RUNNING query, 0..1 (two decimals). */
	progressOf(query) {
		const nowMs = this.now();
		if (nowMs < query.pendingEndMs) return 0;
		let progress;
		if (query.completedAtMs !== null) {
			progress =
				(nowMs - query.pendingEndMs) / Math.max(1, query.completedAtMs - query.pendingEndMs);
		} else if (query.aggregation) {
			// The share of the running time gone, with the rows projected from those computed so far,
			// and never ahead of the computation itself.
			const { aggregation } = query;
			const computed = aggregation.progress;
			const projectedRows = computed > 0 ? aggregation.result.rowCount / computed : 0;
			progress = Math.min(computed, (nowMs - query.pendingEndMs) / this.runningMsFor(projectedRows));
		} else {
			progress = (nowMs - query.pendingEndMs) / this.runningMsFor(0);
		}
		// Never report less than before: the estimate changes once the row count is known.
		query.lastProgress = Math.max(
			query.lastProgress,
			Math.round(Math.min(0.99, Math.max(0.01, progress)) * 100) / 100,
		);
		return query.lastProgress;
	}

	/** The full result of a COMPLETED query, recomputing it if it was dropped from memory. */
	async resultOf(query) {
		const kept = this.retained.get(query.id);
		if (kept !== undefined) {
			// Move to the most-recently-read end.
			this.retained.delete(query.id);
			this.retained.set(query.id, kept);
			return kept;
		}
		const result = await runAggregation(
			createAggregation(this.universe, this.slotCache, query.body),
			() => this.closed,
		);
		if (result !== null && !query.deleted && !query.expired) this.retain(query, result);
		return result;
	}

	/** Deletes a query: frees its slot or discards its results. Returns false for an unknown id. */
	delete(id) {
		const query = this.queries.get(id);
		if (query === undefined) return false;
		query.deleted = true;
		query.cancelled = true;
		this.release(query);
		return true;
	}

	/** Makes a query's results expired now (test hook). Returns false for an unknown id. */
	expire(id) {
		const query = this.queries.get(id);
		if (query === undefined) return false;
		query.expired = true;
		this.release(query);
		return true;
	}

	retain(query, result) {
		this.retained.set(query.id, result);
		this.retainedBytes += resultSize(result);
		for (const [id, kept] of this.retained) {
			if (this.retainedBytes <= RESULT_BUDGET_BYTES || id === query.id) break;
			this.retained.delete(id);
			this.retainedBytes -= resultSize(kept);
		}
	}

	release(query) {
		const kept = this.retained.get(query.id);
		if (kept === undefined) return;
		this.retained.delete(query.id);
		this.retainedBytes -= resultSize(kept);
	}

	forgetOldRecords() {
		if (this.queries.size <= MAX_QUERY_RECORDS) return;
		for (const query of this.queries.values()) {
			if (this.queries.size <= MAX_QUERY_RECORDS) break;
			const status = this.statusOf(query);
			if (status === 'PENDING' || status === 'RUNNING') continue;
			this.release(query);
			this.queries.delete(query.id);
		}
	}

	/** The store's part of `/_sim/stats`. */
	stats() {
		const queries = [...this.queries.values()].map((query) => ({
			id: query.id,
			status: this.statusOf(query),
			deleted: query.deleted,
			submittedAt: new Date(query.submittedAtMs).toISOString(),
			rowCount: query.rowCount,
			start: query.body?.timeSeries?.start,
			pagesRead: query.pagesRead,
		}));
		const activeQueries = queries.filter(
			(query) => query.status === 'PENDING' || query.status === 'RUNNING',
		).length;
		return {
			activeQueries,
			maxActiveObserved: Math.max(0, ...this.maxActiveByTenant.values()),
			queries,
			retainedResults: this.retained.size,
		};
	}
}
