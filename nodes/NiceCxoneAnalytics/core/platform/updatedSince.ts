/**
 * The cursor of incremental reads of completed contacts (CXone's `updatedSince`,
 * docs/api/cxone-platform.md §3): parsing a cursor a user or a server gave, choosing between reading
 * what changed since it and reading the whole time range, and the cursor a whole-range read leaves.
 * Instants are epoch milliseconds. Pure: the caller passes the clock's readings.
 */

/** A cursor: the instant, and the text sent to CXone as `updatedSince`. */
export interface UpdatedSince {
	ms: number;
	text: string;
}

/** Date, time, optional seconds and fraction, and a `Z` or an offset: an instant, not a wall-clock time. */
const ISO_INSTANT =
	/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/i;
/** The form CXone itself writes (`lastPollTime`): sent back as it came, to the millisecond. */
const UTC_Z_TO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

const daysInMonth = (year: number, month: number) =>
	new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * The cursor in `value`: an ISO-8601 instant (date and time with `Z` or an offset, e.g.
 * `2026-01-14T10:00:00Z`, `2026-01-14T11:00:00.250+01:00`), a Date, or an object with `toISO()` (a
 * Luxon DateTime, as n8n expressions give `$now`). Undefined when empty; a problem text (what is
 * wrong with it) when it is not an instant. The text to send is UTC with a `Z`, as the Reporting API
 * takes dates; a UTC `Z` value with up to milliseconds is kept as it is.
 */
export function parseUpdatedSince(value: unknown): UpdatedSince | undefined | { problem: string } {
	if (value === undefined || value === null) return undefined;
	if (value instanceof Date) {
		const ms = value.getTime();
		return Number.isFinite(ms) ? { ms, text: utcText(ms) } : { problem: 'is an invalid date' };
	}
	let text: string;
	if (typeof value === 'string') text = value.trim();
	else if (typeof (value as { toISO?: unknown }).toISO === 'function')
		text = String((value as { toISO: () => unknown }).toISO() ?? '').trim();
	else
		return {
			problem: `is ${typeof value === 'object' ? 'an object' : `a ${typeof value}`}, not a date-time`,
		};
	if (text === '') return undefined;
	const match = ISO_INSTANT.exec(text);
	const quoted = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
	if (!match) {
		return /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(text)
			? { problem: `(${quoted}) has no time zone: it is not one instant` }
			: { problem: `(${quoted}) is not an ISO-8601 date-time` };
	}
	const [, year, month, day, hour, minute, second] = match.map(Number);
	if (
		month < 1 ||
		month > 12 ||
		day < 1 ||
		day > daysInMonth(year, month) ||
		hour > 23 ||
		minute > 59 ||
		(second || 0) > 59
	) {
		return { problem: `(${quoted}) is not a date-time that exists` };
	}
	const ms = Date.parse(text.toUpperCase().replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
	if (!Number.isFinite(ms)) return { problem: `(${quoted}) is not an ISO-8601 date-time` };
	return { ms, text: UTC_Z_TO_MS.test(text) ? text.toUpperCase() : utcText(ms) };
}

/** An instant as the Reporting API takes it: UTC with a literal `Z`, milliseconds only when there are some. */
function utcText(ms: number): string {
	return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** How one run reads completed contacts. */
export type ContactRead =
	| { kind: 'updated'; since: UpdatedSince }
	| {
			kind: 'range';
			/**
			 * `noCursor`: none given or remembered. `beforeRange`: the cursor is not after the range's
			 * start, so every contact of the range changed since it. `stale`: the cursor is older than
			 * the reach of completed contacts (the server refuses it); since the range starts within that
			 * reach, this too means every contact of the range changed since it.
			 */
			reason: 'noCursor' | 'beforeRange' | 'stale';
	  };

/**
 * Reads only what changed since the cursor when that can be less than the whole range: a cursor at or
 * before `rangeStartMs` (a stale one, older than `oldestMs`, always is, because the range must start
 * within the reach) changes nothing but the paging, so the whole range is read then, in concurrent
 * windows, and the rows are exactly the ones of the contacts changed since the cursor.
 */
export function chooseContactRead(
	cursor: UpdatedSince | undefined,
	rangeStartMs: number,
	oldestMs: number,
): ContactRead {
	if (!cursor) return { kind: 'range', reason: 'noCursor' };
	if (cursor.ms < oldestMs) return { kind: 'range', reason: 'stale' };
	if (cursor.ms <= rangeStartMs) return { kind: 'range', reason: 'beforeRange' };
	return { kind: 'updated', since: cursor };
}

/**
 * The cursor a whole-range read leaves: the earliest `lastPollTime` of its windows (the server's own
 * clock: every contact updated before it was listed), or `startedMs` (when the run began, on this
 * machine's clock) where a window gave none or an unreadable one (a 204 has no body). Earliest, so
 * that the next run reads again rather than misses.
 */
export function cursorAfterRangeRead(
	pollTimes: readonly unknown[],
	startedMs: number,
): UpdatedSince {
	let earliest: UpdatedSince | undefined;
	const consider = (cursor: UpdatedSince) => {
		if (!earliest || cursor.ms < earliest.ms) earliest = cursor;
	};
	for (const pollTime of pollTimes) {
		const parsed = parseUpdatedSince(pollTime);
		if (parsed && !('problem' in parsed)) consider(parsed);
		else consider({ ms: startedMs, text: utcText(startedMs) });
	}
	return earliest ?? { ms: startedMs, text: utcText(startedMs) };
}
