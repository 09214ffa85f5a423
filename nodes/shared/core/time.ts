import { IANAZone } from 'luxon';

/** Milliseconds in one minute. */
export const MINUTE_MS = 60_000;
/** Milliseconds in one hour. */
export const HOUR_MS = 3_600_000;
/** Milliseconds in one (24-hour) day. */
export const DAY_MS = 86_400_000;
/** Milliseconds in one week. */
export const WEEK_MS = 7 * DAY_MS;

/**
 * True when `zone` is an IANA time-zone name ("Europe/Berlin", "UTC"), the only kind the API accepts
 * (docs/api/analytics-v2.md §2); offsets such as "UTC+3" are not.
 */
export function isValidTimeZone(zone: string): boolean {
	return IANAZone.isValidZone(zone);
}

/** The canonical name of a valid IANA zone (america/chicago: America/Chicago; Etc/UTC: UTC), as Intl knows it. */
export function canonicalTimeZone(zone: string): string {
	return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
}
