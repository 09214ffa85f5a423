/**
 * Query-parameter rules of the simulated Reporting API: ISO-8601 dates with a literal `Z`, the 31-day
 * range cap, the 30-day reach of completed contacts, `top`/`skip`, `orderBy`, `fields` and the numeric
 * filters. Each parser returns `{value}` or `{problem}` with the text CXone would put in
 * `icStatusDescription`. Pure: the caller passes `nowMs`.
 */
import { PLATFORM_LIMITS } from '../catalogue.mjs';
import { CONTACT_FIELDS, ORDER_FIELDS } from './contacts.mjs';

const DAY_MS = 86_400_000;
export const MAX_RANGE_DAYS = PLATFORM_LIMITS.maxWindowDays;
export const RETENTION_DAYS = PLATFORM_LIMITS.completedContactsRetentionDays;
export const MAX_TOP = PLATFORM_LIMITS.completedContactsPageSize;

const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** Parses an ISO-8601 date-time with a literal Z; `{value: ms}`, `{value: undefined}` when absent. */
export function parseIsoDate(params, name) {
	const text = params.get(name);
	if (text === null || text === '') return { value: undefined };
	const ms = Date.parse(text);
	// The round trip rejects impossible dates that Date.parse rolls over (2024-02-30 → March 1).
	if (
		!ISO_Z.test(text) ||
		Number.isNaN(ms) ||
		new Date(ms).toISOString().slice(0, 19) !== text.slice(0, 19)
	)
		return {
			problem: `${name} must be an ISO-8601 date-time in UTC with a literal Z, e.g. 2024-05-01T00:00:00Z; got "${text}"`,
		};
	return { value: ms };
}

/**
 * Checks a `[startMs, endMs)` window: end after start, at most 31 days, start within the 30-day reach.
 * Returns a problem text or null.
 */
export function checkWindow(startMs, endMs, nowMs) {
	if (endMs <= startMs) return 'endDate must be after startDate';
	if (endMs - startMs > MAX_RANGE_DAYS * DAY_MS)
		return `Date range cannot exceed ${MAX_RANGE_DAYS} days`;
	if (startMs < nowMs - RETENTION_DAYS * DAY_MS)
		return `startDate is outside the ${RETENTION_DAYS}-day retention window`;
	return null;
}

/** `startDate`/`endDate` (both required) checked as a window: `{value: {startMs, endMs}}` or `{problem}`. */
export function parseRequiredWindow(params, nowMs) {
	const start = parseIsoDate(params, 'startDate');
	if (start.problem) return start;
	const end = parseIsoDate(params, 'endDate');
	if (end.problem) return end;
	if (start.value === undefined || end.value === undefined)
		return { problem: 'startDate and endDate are required' };
	const problem = checkWindow(start.value, end.value, nowMs);
	return problem === null ? { value: { startMs: start.value, endMs: end.value } } : { problem };
}

function parseWholeNumber(params, name, { min, max, fallback }) {
	const text = params.get(name);
	if (text === null || text === '') return { value: fallback };
	const value = Number(text);
	if (!/^\d+$/.test(text) || value < min || value > max)
		return {
			problem:
				max === Infinity
					? `${name} must be a whole number of ${min} or more; got "${text}"`
					: `${name} must be a whole number from ${min} to ${max}; got "${text}"`,
		};
	return { value };
}

function parseId(params, name) {
	const text = params.get(name);
	if (text === null || text === '') return { value: undefined };
	if (!/^\d+$/.test(text)) return { problem: `${name} must be a number; got "${text}"` };
	return { value: Number(text) };
}

export function parseBoolean(params, name) {
	const text = params.get(name);
	if (text === null || text === '') return { value: undefined };
	if (/^true$/i.test(text)) return { value: true };
	if (/^false$/i.test(text)) return { value: false };
	return { problem: `${name} must be true or false; got "${text}"` };
}

/** The numeric filters shared by the listing endpoints. */
export function parseFilters(params, names) {
	const filters = {};
	for (const name of names) {
		const parsed =
			name === 'isOutbound' || name === 'isLogged'
				? parseBoolean(params, name)
				: parseId(params, name);
		if (parsed.problem) return parsed;
		if (parsed.value !== undefined) filters[name] = parsed.value;
	}
	return { value: filters };
}

/** `orderBy`: `contactStartDate` or `lastUpdateTime`, optionally followed by `asc` or `desc`. */
function parseOrderBy(params) {
	const text = params.get('orderBy');
	if (text === null || text.trim() === '')
		return { value: { orderBy: 'contactStartDate', ascending: true } };
	const match = /^\s*(\w+)(?:\s+(asc|desc))?\s*$/i.exec(text);
	const field = match && ORDER_FIELDS.find((name) => name.toLowerCase() === match[1].toLowerCase());
	if (!field)
		return {
			problem: `orderBy must be ${ORDER_FIELDS.map((name) => `"${name} asc"`).join(' or ')}; got "${text}"`,
		};
	return { value: { orderBy: field, ascending: (match[2] ?? 'asc').toLowerCase() === 'asc' } };
}

/** `fields`: a comma-separated subset of the record fields, or null for all of them. */
function parseFields(params) {
	const text = params.get('fields');
	if (text === null || text.trim() === '') return { value: null };
	const names = text
		.split(',')
		.map((name) => name.trim())
		.filter((name) => name !== '');
	const unknown = names.filter((name) => !CONTACT_FIELDS.includes(name));
	if (unknown.length > 0)
		return {
			problem: `fields has unknown field(s) ${unknown.join(', ')}; known: ${CONTACT_FIELDS.join(', ')}`,
		};
	return { value: names };
}

/**
 * Every parameter of `GET /contacts/completed`. Dates: `startDate` and `endDate` together (required
 * unless `updatedSince` is given); `updatedSince` also within the 30-day reach.
 */
export function parseCompletedContactsParams(params, nowMs) {
	const start = parseIsoDate(params, 'startDate');
	if (start.problem) return start;
	const end = parseIsoDate(params, 'endDate');
	if (end.problem) return end;
	const updatedSince = parseIsoDate(params, 'updatedSince');
	if (updatedSince.problem) return updatedSince;
	const hasStart = start.value !== undefined;
	const hasEnd = end.value !== undefined;
	if (updatedSince.value === undefined && (!hasStart || !hasEnd))
		return { problem: 'startDate and endDate are required unless updatedSince is given' };
	if (hasStart !== hasEnd) return { problem: 'startDate and endDate must be given together' };
	if (hasStart) {
		const problem = checkWindow(start.value, end.value, nowMs);
		if (problem !== null) return { problem };
	}
	if (updatedSince.value !== undefined && updatedSince.value < nowMs - RETENTION_DAYS * DAY_MS)
		return { problem: `updatedSince is outside the ${RETENTION_DAYS}-day retention window` };
	const top = parseWholeNumber(params, 'top', { min: 1, max: MAX_TOP, fallback: MAX_TOP });
	if (top.problem) return top;
	const skip = parseWholeNumber(params, 'skip', { min: 0, max: Infinity, fallback: 0 });
	if (skip.problem) return skip;
	const order = parseOrderBy(params);
	if (order.problem) return order;
	const fields = parseFields(params);
	if (fields.problem) return fields;
	const filters = parseFilters(params, [
		'skillId',
		'teamId',
		'agentId',
		'mediaTypeId',
		'campaignId',
		'isLogged',
	]);
	if (filters.problem) return filters;
	return {
		value: {
			startMs: hasStart ? start.value : null,
			endMs: hasEnd ? end.value : null,
			updatedSinceMs: updatedSince.value ?? null,
			top: top.value,
			skip: skip.value,
			...order.value,
			fields: fields.value,
			filters: filters.value,
		},
	};
}
