import { QueryValidationError } from '../validationError';

/**
 * The most a report file may hold to become items (Output › One Item per Row). Each record becomes
 * an object with one property per header column, so a small file of many columns and many short
 * records would otherwise build columns × records properties: the limits are checked before any
 * object is built.
 */
export const CSV_LIMITS = {
	/** Characters of the file (about its size in bytes). */
	maxChars: 100_000_000,
	/** Columns of the header row. */
	maxColumns: 1_000,
	/** Records × header columns, and every field the file holds. */
	maxCells: 10_000_000,
} as const;

/** 12345678 as '12,345,678', whatever the locale. */
const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** The advice every refused report ends with. */
const NARROW =
	'Choose Output › CSV File to get the file as it is, or narrow the report (fewer columns in CXone, or a shorter time range).';

function tooLarge(what: string): QueryValidationError {
	return new QueryValidationError('Output', `${what} ${NARROW}`);
}

/**
 * Parses RFC 4180 CSV: fields separated by commas, records by CRLF or LF, fields in double quotes
 * may hold commas, line breaks and doubled quotes. Returns the records as arrays of text. With
 * `maxFields`, a file of more fields than that is refused as soon as the field after the last is read.
 */
export function parseCsv(text: string, maxFields = Infinity): string[][] {
	const records: string[][] = [];
	let record: string[] = [];
	let field = '';
	let fields = 0;
	let quoted = false;
	const push = () => {
		if (++fields > maxFields) {
			throw tooLarge(
				`The report file holds more than ${grouped(maxFields)} fields; the node turns at most ${grouped(CSV_LIMITS.maxCells)} values (and a header row) into items.`,
			);
		}
		record.push(field);
		field = '';
	};
	let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
	for (; i < text.length; i++) {
		const c = text[i];
		if (quoted) {
			if (c === '"') {
				if (text[i + 1] === '"') {
					field += '"';
					i++;
				} else quoted = false;
			} else field += c;
		} else if (c === '"') quoted = true;
		else if (c === ',') push();
		else if (c === '\n' || c === '\r') {
			if (c === '\r' && text[i + 1] === '\n') i++;
			push();
			records.push(record);
			record = [];
		} else field += c;
	}
	if (field !== '' || record.length > 0) {
		push();
		records.push(record);
	}
	return records;
}

/**
 * CSV with a header row → one object per record, keyed by the headers. A value that is exactly
 * the text of a number (`42`, `-3.5`, not `007` or `1e3`) becomes that number. A file beyond
 * CSV_LIMITS is refused (a QueryValidationError naming Output) before any object is built.
 */
export function csvToObjects(text: string): Array<Record<string, string | number>> {
	if (text.length > CSV_LIMITS.maxChars) {
		throw tooLarge(
			`The report file has ${grouped(text.length)} characters; the node turns files of at most ${grouped(CSV_LIMITS.maxChars)} characters into items.`,
		);
	}
	// The header row's fields come on top of the values (a file within both limits holds at most this many).
	const [headers, ...rest] = parseCsv(text, CSV_LIMITS.maxCells + CSV_LIMITS.maxColumns);
	if (!headers) return [];
	if (headers.length > CSV_LIMITS.maxColumns) {
		throw tooLarge(
			`The report has ${grouped(headers.length)} columns; the node turns reports of at most ${grouped(CSV_LIMITS.maxColumns)} columns into items.`,
		);
	}
	const records = rest.filter((r) => !(r.length === 1 && r[0] === ''));
	const cells = records.length * headers.length;
	if (cells > CSV_LIMITS.maxCells) {
		throw tooLarge(
			`The report has ${grouped(records.length)} rows of ${grouped(headers.length)} columns (${grouped(cells)} values); the node turns at most ${grouped(CSV_LIMITS.maxCells)} values into items.`,
		);
	}
	return records.map((r) =>
		Object.fromEntries(headers.map((h, i) => [h, asNumberIfExact(r[i] ?? '')])),
	);
}

function asNumberIfExact(value: string): string | number {
	if (!/^-?\d+(\.\d+)?$/.test(value)) return value;
	const n = Number(value);
	return String(n) === value ? n : value;
}
