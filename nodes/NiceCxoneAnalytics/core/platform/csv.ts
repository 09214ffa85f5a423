/**
 * Parses RFC 4180 CSV: fields separated by commas, records by CRLF or LF, fields in double quotes
 * may hold commas, line breaks and doubled quotes. Returns the records as arrays of text.
 */
export function parseCsv(text: string): string[][] {
	const records: string[][] = [];
	let record: string[] = [];
	let field = '';
	let quoted = false;
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
		else if (c === ',') {
			record.push(field);
			field = '';
		} else if (c === '\n' || c === '\r') {
			if (c === '\r' && text[i + 1] === '\n') i++;
			record.push(field);
			records.push(record);
			record = [];
			field = '';
		} else field += c;
	}
	if (field !== '' || record.length > 0) {
		record.push(field);
		records.push(record);
	}
	return records;
}

/**
 * CSV with a header row → one object per record, keyed by the headers. A value that is exactly
 * the text of a number (`42`, `-3.5`, not `007` or `1e3`) becomes that number.
 */
export function csvToObjects(text: string): Array<Record<string, string | number>> {
	const [headers, ...records] = parseCsv(text);
	if (!headers) return [];
	return records
		.filter((r) => !(r.length === 1 && r[0] === ''))
		.map((r) => Object.fromEntries(headers.map((h, i) => [h, asNumberIfExact(r[i] ?? '')])));
}

function asNumberIfExact(value: string): string | number {
	if (!/^-?\d+(\.\d+)?$/.test(value)) return value;
	const n = Number(value);
	return String(n) === value ? n : value;
}
