import { DateTime } from 'luxon';

import type { TimeWindow } from './buckets';
import { QueryValidationError } from './validationError';

export const TIME_RANGE_PRESETS = [
	{ value: 'yesterday', displayName: 'Yesterday' },
	{ value: 'today', displayName: 'Today (So Far)' },
	{ value: 'lastNDays', displayName: 'Last N Days (Before Today)' },
	{ value: 'lastWeek', displayName: 'Last Week (Monday to Sunday)' },
	{ value: 'monthToDate', displayName: 'Month to Date' },
	{ value: 'lastMonth', displayName: 'Last Month' },
	{ value: 'custom', displayName: 'Custom' },
] as const;

export type TimeRangePreset = (typeof TIME_RANGE_PRESETS)[number]['value'];

export interface TimeRangeInput {
	preset: TimeRangePreset;
	/** For `custom`: ISO-8601 date-time; one without an offset is read in `zone`. */
	start?: unknown;
	end?: unknown;
	/** For `lastNDays`. */
	days?: number;
	/** For `lastNDays`: run on to now (today so far) instead of ending at today's midnight. */
	includeToday?: boolean;
}

/**
 * Resolves a preset or a custom range to [start, end) in epoch ms. Presets are calendar ranges in
 * `zone` relative to `nowMs`; "today", "month to date" and "last N days" with `includeToday` end now, the
 * others at a local midnight.
 */
export function resolveTimeRange(input: TimeRangeInput, nowMs: number, zone: string): TimeWindow {
	const today = DateTime.fromMillis(nowMs, { zone }).startOf('day');
	const window = (start: DateTime, end: DateTime | number): TimeWindow => ({
		startMs: start.toMillis(),
		endMs: typeof end === 'number' ? end : end.toMillis(),
	});
	switch (input.preset) {
		case 'today':
			return window(today, nowMs);
		case 'yesterday':
			return window(today.minus({ days: 1 }), today);
		case 'lastNDays': {
			const days = input.days;
			if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 3660) {
				throw new QueryValidationError(
					'Number of Days',
					`Number of Days is ${String(days)}; it must be a whole number from 1 to 3660.`,
				);
			}
			return window(today.minus({ days }), input.includeToday === true ? nowMs : today);
		}
		case 'lastWeek': {
			const thisMonday = today.startOf('week');
			return window(thisMonday.minus({ weeks: 1 }), thisMonday);
		}
		case 'monthToDate':
			return window(today.startOf('month'), nowMs);
		case 'lastMonth': {
			const thisMonth = today.startOf('month');
			return window(thisMonth.minus({ months: 1 }), thisMonth);
		}
		case 'custom': {
			const startMs = parseDateTime(input.start, zone, 'Start');
			const endMs = parseDateTime(input.end, zone, 'End');
			if (endMs <= startMs) {
				throw new QueryValidationError(
					'End',
					`End (${new Date(endMs).toISOString()}) is not after Start (${new Date(startMs).toISOString()}). Set End later than Start; End is exclusive.`,
				);
			}
			return { startMs, endMs };
		}
		default:
			throw new QueryValidationError(
				'Time Range',
				`Time Range '${String(input.preset)}' is unknown. Use one of: ${TIME_RANGE_PRESETS.map((p) => p.value).join(', ')}.`,
			);
	}
}

/**
 * Reads a date-time parameter: an ISO-8601 string (with `Z`, an offset, or none — then it is wall
 * time in `zone`), a JavaScript Date, or a luxon DateTime from an expression such as `{{ $now }}`.
 */
export function parseDateTime(value: unknown, zone: string, field: string): number {
	if (value instanceof Date && !Number.isNaN(value.getTime())) return value.getTime();
	if (DateTime.isDateTime(value) && value.isValid) return value.toMillis();
	if (typeof value === 'string' && value.trim() !== '') {
		const parsed = DateTime.fromISO(value.trim(), { zone, setZone: true });
		if (parsed.isValid) return parsed.toMillis();
	}
	// An expression that gave null or nothing is said to have done so, not shown as ''.
	const given =
		value === null
			? ' is null (its expression gave no value), which'
			: value === undefined
				? ' is missing, which'
				: ` '${String(value)}'`;
	throw new QueryValidationError(
		field,
		`${field}${given} is not a date-time. Use ISO-8601, for example 2024-01-31T00:00:00Z, or an expression such as {{ $now.minus({ days: 1 }) }}.`,
	);
}
