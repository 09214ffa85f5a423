/**
 * The simulator's clock: what "now" is for its data (the 30-day reach of completed contacts, contacts
 * still in progress, the default report day) and for its tokens, queries, report jobs and Retry-After
 * dates. The real clock unless the `now` option pins it, so that tests see the same calendar whatever
 * the date: a pinned clock reads the given instant when the simulator starts and then runs on in real
 * time (queries still complete, tokens still expire).
 */

const INSTANT_WITH_OFFSET = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;

/**
 * Milliseconds since the epoch of an ISO-8601 date-time with `Z` or an offset, or null. A value
 * without an offset is refused: read in the machine's time zone, it would move with the machine.
 */
export function parseInstant(text) {
	if (!INSTANT_WITH_OFFSET.test(text)) return null;
	const ms = Date.parse(text);
	return Number.isFinite(ms) ? ms : null;
}

/**
 * `() => ms since the epoch`. `now`: undefined (the real clock); a function (used as is); or the
 * instant the clock reads at this call, as milliseconds or an ISO-8601 date-time with an offset.
 * `offsetMs`: the real clock shifted by that much, for a process that must agree to the millisecond
 * with another one's pinned clock (the tests and the simulators they start).
 */
export function createClock({ now, offsetMs } = {}) {
	if (typeof now === 'function') return now;
	if (now !== undefined && offsetMs !== undefined)
		throw new Error('Give the clock either now or offsetMs, not both.');
	if (now !== undefined) {
		const startMs = typeof now === 'string' ? parseInstant(now) : now;
		if (!Number.isFinite(startMs))
			throw new Error(
				`now must be milliseconds or an ISO-8601 date-time with Z or an offset, got ${JSON.stringify(now)}.`,
			);
		return shiftedClock(startMs - Date.now());
	}
	if (offsetMs !== undefined) {
		if (!Number.isFinite(offsetMs)) throw new Error(`offsetMs must be a number, got ${offsetMs}.`);
		return shiftedClock(offsetMs);
	}
	return () => Date.now();
}

function shiftedClock(offsetMs) {
	const shift = Math.round(offsetMs);
	return () => Date.now() + shift;
}
