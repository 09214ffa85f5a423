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

/** The names of UTC (lower case): IANA's links to Etc/UTC, which engines canonicalize differently. */
const UTC_NAMES = new Set([
	'utc',
	'etc/utc',
	'uct',
	'etc/uct',
	'gmt',
	'etc/gmt',
	'gmt0',
	'etc/gmt0',
	'gmt+0',
	'etc/gmt+0',
	'gmt-0',
	'etc/gmt-0',
	'greenwich',
	'etc/greenwich',
	'universal',
	'etc/universal',
	'zulu',
	'etc/zulu',
]);

/**
 * A key that is the same for two spellings of one valid IANA zone: its name as the engine resolves it, in
 * lower case (America/Chicago and america/chicago), and `utc` for every name of UTC (UTC and Etc/UTC: some
 * engines resolve links, newer ones keep the name given).
 */
export function timeZoneKey(zone: string): string {
	const resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone })
		.resolvedOptions()
		.timeZone.toLowerCase();
	return UTC_NAMES.has(resolved) || UTC_NAMES.has(zone.toLowerCase()) ? 'utc' : resolved;
}
