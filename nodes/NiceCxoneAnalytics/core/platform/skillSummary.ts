import { isoDurationSeconds } from './isoDuration';

/**
 * A skill summary as one flat record: every ISO-8601 duration (`PT4M12S`) becomes a number of seconds
 * in a field named with `Seconds` (`averageHandleTime` → `averageHandleTimeSeconds`); other fields as sent.
 */
export function skillSummaryRecord(summary: Record<string, unknown>): Record<string, unknown> {
	const record: Record<string, unknown> = {};
	for (const [field, value] of Object.entries(summary)) {
		const seconds =
			typeof value === 'string' && value.startsWith('P') ? isoDurationSeconds(value) : undefined;
		if (seconds === undefined) record[field] = value;
		else record[`${field}Seconds`] = seconds;
	}
	return record;
}
