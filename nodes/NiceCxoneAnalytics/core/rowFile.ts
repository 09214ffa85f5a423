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

/** Rows written into the file at a time: one string of a few hundred kilobytes, then its bytes. */
const ROWS_PER_CHUNK = 4096;
/** Room given beyond the size the first rows predict, so that a file is allocated once. */
const SIZE_MARGIN = 1.05;

/**
 * Rows as one file, as UTF-8 bytes: CSV with a header line of `fields` (CRLF line ends, as RFC 4180 and
 * spreadsheets expect), or NDJSON with one JSON object per line. Every row becomes exactly one line.
 *
 * Built for a million rows: the lines are written straight into one buffer, a few thousand at a time,
 * never held as a list of lines or one long string (which cost three times the file). The buffer's size
 * is predicted from the first rows (their bytes per row, times the rows, plus a twentieth) and grows by
 * a quarter when later rows run longer, so a file of F bytes takes about F while it is written.
 */
export function rowsToFile(
	rows: readonly FlatRow[],
	fields: readonly string[],
	format: RowFileFormat,
): Buffer {
	const line =
		format === 'ndjson'
			? (row: FlatRow) => `${JSON.stringify(row)}\n`
			: (row: FlatRow) => `${fields.map((field) => csvCell(row[field])).join(',')}\r\n`;
	let buffer = Buffer.alloc(0);
	let used = 0;
	const write = (text: string, rowsWritten: number) => {
		const bytes = Buffer.byteLength(text, 'utf8');
		if (used + bytes > buffer.length) {
			const needed = used + bytes;
			const predicted =
				rowsWritten > 0 ? Math.ceil((needed / rowsWritten) * rows.length * SIZE_MARGIN) : needed;
			const grown = Buffer.alloc(Math.max(needed, predicted, Math.ceil(buffer.length * 1.25)));
			buffer.copy(grown, 0, 0, used);
			buffer = grown;
		}
		buffer.write(text, used, 'utf8');
		used += bytes;
	};
	if (format === 'csv') write(`${fields.map(csvCell).join(',')}\r\n`, 0);
	for (let start = 0; start < rows.length; start += ROWS_PER_CHUNK) {
		let chunk = '';
		const end = Math.min(rows.length, start + ROWS_PER_CHUNK);
		for (let i = start; i < end; i++) chunk += line(rows[i]);
		write(chunk, end);
	}
	return buffer.subarray(0, used);
}
