/**
 * The wait a `Retry-After` header asks for, in ms: delta-seconds (digits only) or an HTTP-date (RFC
 * 9110 §10.2.3). Undefined when absent or unreadable (`-1`, `1.5`, `soon`); never negative.
 */
export function retryAfterMs(header: string | undefined, nowMs: number): number | undefined {
	if (header === undefined || header.trim() === '') return undefined;
	const text = header.trim();
	if (/^\d{1,9}$/.test(text)) return Number(text) * 1000;
	// An HTTP-date names a weekday and a month; Date.parse alone reads "-1" and "1.5" as dates.
	if (!/^[A-Za-z]{3},? /.test(text)) return undefined;
	const dateMs = Date.parse(text);
	if (Number.isNaN(dateMs)) return undefined;
	return Math.max(0, dateMs - nowMs);
}
