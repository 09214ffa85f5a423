import { ROWS_PER_STEP, runStepsNow, type Steps } from '../../../shared/core/steps';
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
	return runStepsNow(parseCsvSteps(text, maxFields));
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/**
 * {@link parseCsv} in steps (a field is 1 unit, yielded every ROWS_PER_STEP fields), reading text
 * between special characters as one slice rather than a character at a time. `onHeader` sees the first record as soon as it is read,
 * before the rest of the file is parsed.
 */
export function* parseCsvSteps(
	text: string,
	maxFields: number,
	onHeader?: (header: string[]) => void,
): Steps<string[][]> {
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
	const endRecord = () => {
		if (records.length === 0) onHeader?.(record);
		records.push(record);
		record = [];
	};
	let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
	// Where the text not yet added to `field` starts.
	let from = i;
	for (; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (quoted) {
			if (c === QUOTE) {
				field += text.slice(from, i);
				if (text.charCodeAt(i + 1) === QUOTE) {
					field += '"';
					i++;
				} else quoted = false;
				from = i + 1;
			}
		} else if (c === QUOTE) {
			field += text.slice(from, i);
			quoted = true;
			from = i + 1;
		} else if (c === COMMA) {
			field += text.slice(from, i);
			push();
			from = i + 1;
			if (fields % ROWS_PER_STEP === 0) yield ROWS_PER_STEP;
		} else if (c === LF || c === CR) {
			field += text.slice(from, i);
			if (c === CR && text.charCodeAt(i + 1) === LF) i++;
			push();
			endRecord();
			from = i + 1;
			if (fields % ROWS_PER_STEP === 0) yield ROWS_PER_STEP;
		}
	}
	field += text.slice(from);
	if (field !== '' || record.length > 0) {
		push();
		endRecord();
	}
	return records;
}

/**
 * CSV with a header row → one object per record, keyed by the headers. A value that is exactly
 * the text of a number (`42`, `-3.5`, not `007` or `1e3`) becomes that number. A file beyond
 * CSV_LIMITS is refused (a QueryValidationError naming Output) before any object is built.
 */
export function csvToObjects(text: string): Array<Record<string, string | number>> {
	return runStepsNow(csvToObjectsSteps(text));
}

/**
 * {@link csvToObjects} in steps: each field parsed and each value of an object built is 1 unit (the
 * objects' yielded every ROWS_PER_STEP values or so, at least one object's at a time). Too many columns
 * are refused once the header row is read, before the rest is parsed. A report of 1,000 columns and
 * 9,900 rows took 8.3 s in one stretch.
 */
export function* csvToObjectsSteps(text: string): Steps<Array<Record<string, string | number>>> {
	if (text.length > CSV_LIMITS.maxChars) {
		throw tooLarge(
			`The report file has ${grouped(text.length)} characters; the node turns files of at most ${grouped(CSV_LIMITS.maxChars)} characters into items.`,
		);
	}
	const checkHeader = (header: string[]) => {
		if (header.length > CSV_LIMITS.maxColumns) {
			throw tooLarge(
				`The report has ${grouped(header.length)} columns; the node turns reports of at most ${grouped(CSV_LIMITS.maxColumns)} columns into items.`,
			);
		}
	};
	// The header row's fields come on top of the values (a file within both limits holds at most this many).
	const parsed = yield* parseCsvSteps(
		text,
		CSV_LIMITS.maxCells + CSV_LIMITS.maxColumns,
		checkHeader,
	);
	const [headers] = parsed;
	if (!headers) return [];
	const records = parsed.slice(1).filter((r) => !(r.length === 1 && r[0] === ''));
	parsed.length = 0;
	const cells = records.length * headers.length;
	if (cells > CSV_LIMITS.maxCells) {
		throw tooLarge(
			`The report has ${grouped(records.length)} rows of ${grouped(headers.length)} columns (${grouped(cells)} values); the node turns at most ${grouped(CSV_LIMITS.maxCells)} values into items.`,
		);
	}
	const objects: Array<Record<string, string | number>> = [];
	const perStep = Math.max(1, Math.floor(ROWS_PER_STEP / headers.length));
	for (let r = 0; r < records.length; r++) {
		const record = records[r];
		objects.push(Object.fromEntries(headers.map((h, i) => [h, asNumberIfExact(record[i] ?? '')])));
		// Each record is let go once it is an object.
		records[r] = [];
		if ((r + 1) % perStep === 0) yield perStep * headers.length;
	}
	return objects;
}

function asNumberIfExact(value: string): string | number {
	if (!/^-?\d+(\.\d+)?$/.test(value)) return value;
	const n = Number(value);
	return String(n) === value ? n : value;
}
