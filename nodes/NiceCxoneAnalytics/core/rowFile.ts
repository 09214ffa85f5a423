import { dimensionFieldName, metricFieldName } from '../../shared/core/catalogue';
import { SequenceHash, canonicalJson } from '../../shared/core/canonical';
import { ROWS_PER_STEP, runStepsNow, type Steps } from '../../shared/core/steps';
import type { QueryBody } from './query';
import type { AccuracyReport, RowKeys } from './resultCheck';
import { QueryRowKeys, checkQueryKeysSteps } from './resultCheck';
import type { FlatRow, FlattenedQuery, ResultRow } from './rows';
import { createRowFlattener } from './rows';
import { HASH_COST } from './steps';

export type RowFileFormat = 'csv' | 'ndjson';

/**
 * Most rows of one file (Output › One CSV File / One NDJSON File), over every part of a split range.
 * A file holds a row in its line (60–150 bytes) and 12 bytes of keys, and is put together once at the
 * end, so 5,000,000 rows take about 1–1.5 GB at their peak, where as many items would take n8n 7 GB.
 */
export const MAX_FILE_ROWS = 5_000_000;

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

/** The fields of a query's flattened rows, in order: its file's columns. */
export function fileFields(query: FlattenedQuery): string[] {
	return [
		'bucketStart',
		...(query.dimensions ?? []).map((d) => dimensionFieldName(d.name)),
		...query.metrics.map(metricFieldName),
	];
}

/** Writes one row as its line of the file: CSV cells (CRLF, as RFC 4180 and spreadsheets expect) or JSON. */
function lineWriter(fields: readonly string[], format: RowFileFormat): (row: FlatRow) => string {
	return format === 'ndjson'
		? (row) => `${JSON.stringify(row)}\n`
		: (row) => `${fields.map((field) => csvCell(row[field])).join(',')}\r\n`;
}

/** What a file starts with: the CSV header line of `fields`; nothing for NDJSON. */
const fileHeader = (fields: readonly string[], format: RowFileFormat) =>
	format === 'csv' ? `${fields.map(csvCell).join(',')}\r\n` : '';

/** The lines of some rows as UTF-8, a block of the file. */
const linesOf = (rows: readonly FlatRow[], line: (row: FlatRow) => string) => {
	let text = '';
	for (const row of rows) text += line(row);
	return Buffer.from(text, 'utf8');
};

/**
 * One file from its header and its blocks of lines, in order, copied into one buffer of exactly their
 * size. Each block is released (its slot emptied) once copied, so a file of F bytes takes at most 2F
 * while it is put together, and F after.
 */
function joinFile(header: string, blocks: Array<Uint8Array | undefined>): Buffer {
	const headerBytes = Buffer.from(header, 'utf8');
	let size = headerBytes.length;
	for (const block of blocks) size += block?.length ?? 0;
	const file = Buffer.alloc(size);
	let used = headerBytes.copy(file, 0);
	for (let i = 0; i < blocks.length; i++) {
		const block = blocks[i];
		if (block === undefined) continue;
		file.set(block, used);
		used += block.length;
		blocks[i] = undefined;
	}
	return file;
}

/**
 * Rows as one file, as UTF-8 bytes: CSV with a header line of `fields`, or NDJSON with one JSON object
 * per line. Every row becomes exactly one line. The node writes its files page by page
 * ({@link createPageEncoder}); this is the same file from rows held all at once, as one page.
 */
export function rowsToFile(
	rows: readonly FlatRow[],
	fields: readonly string[],
	format: RowFileFormat,
): Buffer {
	return joinFile(fileHeader(fields, format), [linesOf(rows, lineWriter(fields, format))]);
}

/**
 * One page of a query's result, turned into what the file and its checks need, without the rows: its
 * lines, where each row sits, and (when a CSV result is hashed) the rows' canonical JSON.
 */
export interface EncodedPage {
	rows: number;
	keys: RowKeys;
	/** The page's lines of the file, UTF-8; emptied once copied into the file. */
	lines?: Uint8Array;
	/**
	 * The canonical JSON of the page's rows, joined by commas, UTF-8; emptied once hashed. Only for CSV: an
	 * NDJSON line is its row's JSON, read back when the result is hashed.
	 */
	canonicalJson?: Uint8Array;
}

/** Turns the pages of one query's result into EncodedPages, and knows their series and fields. */
export interface PageEncoder {
	encode(rows: ResultRow[]): EncodedPage;
	/** The series of every page encoded so far, by the numbers in their keys. */
	readonly seriesNames: readonly string[];
	readonly fields: readonly string[];
	readonly format: RowFileFormat;
	/** Whether the result is hashed (checkEncodedResult). */
	readonly hashed: boolean;
}

/**
 * Writes a query's result into a file page by page, as the pages arrive, instead of holding a million
 * flattened rows until the end: each page's rows are flattened (createRowFlattener, whose errors a
 * bad row still throws), turned into their lines and keys (and for a hashed CSV file their canonical
 * JSON), and let go. A page keeps about its lines' bytes plus 12 bytes a row.
 */
export function createPageEncoder(
	query: QueryBody,
	format: RowFileFormat,
	options: { hash: boolean },
): PageEncoder {
	const flatten = createRowFlattener(query);
	const keys = new QueryRowKeys(query, false);
	const fields = fileFields(query);
	const line = lineWriter(fields, format);
	return {
		encode(rows) {
			const flat = rows.map(flatten);
			return {
				rows: flat.length,
				keys: keys.keysOf(flat),
				lines: linesOf(flat, line),
				canonicalJson:
					options.hash && format === 'csv'
						? Buffer.from(flat.map(canonicalJson).join(','), 'utf8')
						: undefined,
			};
		},
		seriesNames: keys.seriesNames,
		fields,
		format,
		hashed: options.hash,
	};
}

/**
 * Checks the encoded parts of a query's result (checkQueryKeys: throws when it cannot be right) and,
 * when the encoder hashed, adds the SHA-256 of the rows' canonical JSON array: a CSV page's canonical JSON
 * (released once hashed), or an NDJSON page's lines read back a page at a time — each line is its flat
 * row's JSON, whose values (text, numbers, null) come back the same, so the hash is the rows' — instead
 * of a second copy of the file kept until now. The same report as checkQueryResult gives for the same rows.
 */
export function checkEncodedResult(
	parts: ReadonlyArray<{ pages: EncodedPage[]; totalCount?: number }>,
	body: QueryBody,
	encoder: PageEncoder,
): AccuracyReport {
	return runStepsNow(checkEncodedResultSteps(parts, body, encoder));
}

/**
 * {@link checkEncodedResult} in steps: each row's checks (1 unit), and each hashed row (HASH_COST
 * units for an NDJSON line read back, yielded every ROWS_PER_STEP lines; 1 for a CSV row whose
 * canonical JSON was made as its page came, yielded a page at a time). A million NDJSON lines read back
 * took 3.7 s in one stretch.
 */
export function* checkEncodedResultSteps(
	parts: ReadonlyArray<{ pages: EncodedPage[]; totalCount?: number }>,
	body: QueryBody,
	encoder: PageEncoder,
): Steps<AccuracyReport> {
	const counts = yield* checkQueryKeysSteps(
		parts.map((part) => ({
			keys: part.pages.map((page) => page.keys),
			totalCount: part.totalCount,
		})),
		encoder.seriesNames,
		body,
	);
	let resultSha256 = '';
	if (encoder.hashed) {
		const hash = new SequenceHash();
		let linesHashed = 0;
		for (const page of parts.flatMap((part) => part.pages)) {
			if (page.canonicalJson) {
				hash.addCanonicalJson(page.canonicalJson);
				yield page.rows;
			} else if (page.lines && page.lines.length > 0) {
				const lines = Buffer.from(page.lines.buffer, page.lines.byteOffset, page.lines.length);
				for (const line of lines.toString('utf8').split('\n')) {
					if (line === '') continue;
					if (linesHashed > 0 && linesHashed % ROWS_PER_STEP === 0) yield ROWS_PER_STEP * HASH_COST;
					hash.add(JSON.parse(line));
					linesHashed++;
				}
			}
			page.canonicalJson = undefined;
		}
		resultSha256 = hash.digest();
	}
	return { ...counts, resultSha256 };
}

/** The file of a checked result's encoded parts, in order; each page's lines are released once copied. */
export function encodedFile(
	parts: ReadonlyArray<{ pages: EncodedPage[] }>,
	encoder: PageEncoder,
): Buffer {
	const pages = parts.flatMap((part) => part.pages);
	const blocks = pages.map((page) => page.lines);
	for (const page of pages) page.lines = undefined;
	return joinFile(fileHeader(encoder.fields, encoder.format), blocks);
}
