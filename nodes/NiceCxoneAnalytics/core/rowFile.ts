import type { FlatRow } from './rows';

export type RowFileFormat = 'csv' | 'ndjson';

/** A text cell a spreadsheet would run as a formula (`=…`, `+…`, `-…`, `@…`, or after a tab or CR). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180): numbers as JavaScript writes them, null as empty, text quoted when it holds a
 * comma, a quote or a line break. Text a spreadsheet would run as a formula gets a leading `'` (OWASP's
 * advice against CSV injection: a group name from the server is data, never a formula); numbers never do.
 */
export function csvCell(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
	let text = String(value);
	if (FORMULA_START.test(text)) text = `'${text}`;
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Rows as one file: CSV with a header line of `fields` (CRLF line ends, as RFC 4180 and spreadsheets
 * expect), or NDJSON with one JSON object per line. Every row becomes exactly one line.
 */
export function rowsToFile(
	rows: readonly FlatRow[],
	fields: readonly string[],
	format: RowFileFormat,
): string {
	if (format === 'ndjson') return rows.map((row) => `${JSON.stringify(row)}\n`).join('');
	const lines = [fields.map(csvCell).join(',')];
	for (const row of rows) lines.push(fields.map((field) => csvCell(row[field])).join(','));
	return `${lines.join('\r\n')}\r\n`;
}
