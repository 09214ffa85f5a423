import type { QueryBody } from '../../../../nodes/NiceCxoneAnalytics/core/query';
import { checkQueryResult } from '../../../../nodes/NiceCxoneAnalytics/core/resultCheck';
import {
	checkEncodedResult,
	createPageEncoder,
	csvCell,
	encodedFile,
	rowsToFile,
} from '../../../../nodes/NiceCxoneAnalytics/core/rowFile';
import type { ResultRow } from '../../../../nodes/NiceCxoneAnalytics/core/rows';
import { flattenRow } from '../../../../nodes/NiceCxoneAnalytics/core/rows';
import { canonicalJson, sha256Hex } from '../../../../nodes/shared/core/canonical';

const rows = [
	{
		bucketStart: '2024-01-01T00:00:00Z',
		groupId: 'grp_001',
		count_sum: 12,
		handle_time_avg: 301.5,
	},
	{
		bucketStart: '2024-01-01T01:00:00Z',
		groupId: 'Sales, "EMEA"\nnight',
		count_sum: 0,
		handle_time_avg: null,
	},
];
const fields = ['bucketStart', 'groupId', 'count_sum', 'handle_time_avg'];

describe('row files', () => {
	it('writes CSV with a header, quoting what needs it, one CRLF line per row', () => {
		expect(rowsToFile(rows, fields, 'csv').toString('utf8')).toBe(
			'bucketStart,groupId,count_sum,handle_time_avg\r\n' +
				'2024-01-01T00:00:00Z,grp_001,12,301.5\r\n' +
				'2024-01-01T01:00:00Z,"Sales, ""EMEA""\nnight",0,\r\n',
		);
	});

	it('writes NDJSON, one object per line', () => {
		const text = rowsToFile(rows, fields, 'ndjson').toString('utf8');
		expect(text.split('\n')).toHaveLength(3);
		expect(
			text
				.trimEnd()
				.split('\n')
				.map((line) => JSON.parse(line) as unknown),
		).toEqual(rows);
	});

	describe('a big file is the same bytes as its lines joined, in one buffer of exactly its size', () => {
		/** The same file the plain way: every line, joined, as UTF-8. */
		const plain = (many: typeof rows, format: 'csv' | 'ndjson') =>
			Buffer.from(
				format === 'csv'
					? [
							fields.join(','),
							...many.map((row) =>
								fields.map((f) => csvCell(row[f as keyof typeof row])).join(','),
							),
						]
							.map((text) => `${text}\r\n`)
							.join('')
					: many.map((row) => `${JSON.stringify(row)}\n`).join(''),
				'utf8',
			);
		const generated = (count: number, groupOf: (i: number) => string) =>
			Array.from({ length: count }, (_, i) => ({
				bucketStart: new Date(Date.UTC(2024, 0, 1) + i * 900_000)
					.toISOString()
					.replace('.000Z', 'Z'),
				groupId: groupOf(i),
				count_sum: i % 97,
				handle_time_avg: i % 5 === 0 ? null : Math.round(i * 1.37) / 100,
			}));

		it.each(['csv', 'ndjson'] as const)(
			'%s: the same bytes as joining the lines, in an allocation of exactly their size',
			(format) => {
				const many = generated(50_000, (i) => `grp_${String(i % 40).padStart(3, '0')}`);
				const file = rowsToFile(many, fields, format);
				expect(file.equals(plain(many, format))).toBe(true);
				expect(file.buffer.byteLength).toBe(file.length);
			},
		);

		it.each(['csv', 'ndjson'] as const)(
			'%s: rows that grow longer than the first ones, and text of several bytes a character',
			(format) => {
				// The first chunk's rows are short; later group names are long and not ASCII.
				const many = generated(20_000, (i) =>
					i < 5000 ? 'g' : `Vertrieb Süd — ${'é'.repeat(i % 50)} 日本`,
				);
				const file = rowsToFile(many, fields, format);
				expect(file.equals(plain(many, format))).toBe(true);
			},
		);

		it('no rows: a CSV header only, an empty NDJSON file', () => {
			expect(rowsToFile([], fields, 'csv').toString('utf8')).toBe(
				'bucketStart,groupId,count_sum,handle_time_avg\r\n',
			);
			expect(rowsToFile([], fields, 'ndjson').length).toBe(0);
		});
	});

	it('keeps text a spreadsheet would run as a formula as text, and numbers as numbers', () => {
		expect(['=HYPERLINK("x")', '+1', '-2', '@SUM(A1)', 'ok'].map(csvCell)).toEqual([
			'"\'=HYPERLINK(""x"")"',
			"'+1",
			"'-2",
			"'@SUM(A1)",
			'ok',
		]);
		expect([-2, 0.25, null, undefined, Number.NaN].map(csvCell)).toEqual([
			'-2',
			'0.25',
			'',
			'',
			'',
		]);
	});
});

describe('a file written page by page as the pages arrive (createPageEncoder)', () => {
	const HOUR_MS = 3_600_000;
	const T0 = Date.parse('2024-01-01T00:00:00Z');
	const body: QueryBody = {
		metrics: [
			{ name: 'count', aggregation: 'sum' },
			{ name: 'handle_time', aggregation: 'avg' },
		],
		dimensions: [{ name: 'group.id' }],
		timeSeries: {
			bucketSize: 'HOUR',
			start: '2024-01-01T00:00:00Z',
			end: '2024-01-03T00:00:00Z',
			timeZone: 'UTC',
		},
	};
	const fileFields = ['bucketStart', 'groupId', 'count_sum', 'handle_time_avg'];
	const GROUPS = ['grp_001', '=SUM(A1), "x"', 'Süd 日本'];
	/** The rows of hours [from, to), one per group, as the API sends them. */
	const apiRows = (from: number, to: number): ResultRow[] =>
		Array.from({ length: to - from }, (_, h) =>
			GROUPS.map((group, g) => ({
				timeSeries: new Date(T0 + (from + h) * HOUR_MS).toISOString().replace('.000Z', 'Z'),
				dimensions: { 'group.id': group },
				metrics: [
					{ name: 'count', aggregation: 'sum', value: (from + h) * 3 + g },
					{ name: 'handle_time', aggregation: 'avg', value: g === 1 ? null : (from + h) / 7 },
				],
			})),
		).flat();
	const pagesOf = (rows: ResultRow[], size: number) =>
		Array.from({ length: Math.ceil(rows.length / size) }, (_, i) =>
			rows.slice(i * size, (i + 1) * size),
		);
	/**
	 * Two parts (a split range: hours 0–30 and 30–48) in pages of 7 rows, encoded in the order they
	 * might arrive — the second part first, each part's pages last to first — and put back in order.
	 */
	function encodedParts(format: 'csv' | 'ndjson', hash: boolean, rows = apiRows(0, 48)) {
		const encoder = createPageEncoder(body, format, { hash });
		const split = rows.findIndex((row) => Date.parse(row.timeSeries) >= T0 + 30 * HOUR_MS);
		const partRows = [rows.slice(0, split), rows.slice(split)];
		const parts = partRows.map((part) => ({
			totalCount: part.length,
			pages: new Array<ReturnType<typeof encoder.encode>>(Math.ceil(part.length / 7)),
		}));
		for (let p = parts.length - 1; p >= 0; p--) {
			const pages = pagesOf(partRows[p], 7);
			for (let i = pages.length - 1; i >= 0; i--) parts[p].pages[i] = encoder.encode(pages[i]);
		}
		return { encoder, parts, partRows };
	}

	it.each(['csv', 'ndjson'] as const)(
		'%s: the same bytes as the file of every row at once',
		(format) => {
			const { encoder, parts } = encodedParts(format, false);
			expect(checkEncodedResult(parts, body, encoder).rowsOutput).toBe(144);
			const file = encodedFile(parts, encoder);
			expect(file.equals(rowsToFile(apiRows(0, 48).map(flattenRow), fileFields, format))).toBe(
				true,
			);
			expect(encoder.fields).toEqual(fileFields);
		},
	);

	it('keeps no row objects: a page becomes its lines, its keys in typed arrays, and a count', () => {
		const encoder = createPageEncoder(body, 'csv', { hash: false });
		const page = encoder.encode(apiRows(0, 2).slice(1, 5));
		expect(page).toEqual({
			rows: 4,
			keys: {
				bucketStartsMs: Float64Array.from([T0, T0, T0 + HOUR_MS, T0 + HOUR_MS]),
				series: Uint32Array.from([0, 1, 2, 0]),
			},
			lines: Buffer.from(
				`2024-01-01T00:00:00Z,"'=SUM(A1), ""x""",1,\r\n` +
					'2024-01-01T00:00:00Z,Süd 日本,2,0\r\n' +
					'2024-01-01T01:00:00Z,grp_001,3,0.14285714285714285\r\n' +
					`2024-01-01T01:00:00Z,"'=SUM(A1), ""x""",4,\r\n`,
				'utf8',
			),
			canonicalJson: undefined,
		});
		expect(encoder.seriesNames).toEqual(['=SUM(A1), "x"', 'Süd 日本', 'grp_001']);
	});

	it('hashed CSV: a page keeps its rows canonical JSON too, released once hashed; its lines once copied', () => {
		const encoder = createPageEncoder(body, 'csv', { hash: true });
		const rows = apiRows(0, 1);
		const page = encoder.encode(rows);
		expect(page.canonicalJson?.toString()).toBe(
			rows.map((row) => canonicalJson(flattenRow(row))).join(','),
		);
		checkEncodedResult([{ pages: [page], totalCount: 3 }], body, encoder);
		expect(page.canonicalJson).toBeUndefined();
		encodedFile([{ pages: [page] }], encoder);
		expect(page.lines).toBeUndefined();
	});

	it('hashed NDJSON: a page keeps no second copy; the hash reads its lines back', () => {
		const encoder = createPageEncoder(body, 'ndjson', { hash: true });
		// Text a line must escape (a line break, quotes, non-ASCII) and numbers JSON writes its own way.
		const rows = apiRows(0, 1).map((row, i) => ({
			...row,
			dimensions: { 'group.id': i === 0 ? 'Zürich "HQ"\nnight' : row.dimensions['group.id'] },
			metrics: [
				{ ...row.metrics[0], value: [0.1 + 0.2, -0, 1e21][i] },
				{ ...row.metrics[1], value: [null, 5e-7, 1 / 3][i] },
			],
		}));
		const page = encoder.encode(rows);
		expect(page.canonicalJson).toBeUndefined();
		const report = checkEncodedResult([{ pages: [page], totalCount: 3 }], body, encoder);
		expect(report.resultSha256).toBe(sha256Hex(canonicalJson(rows.map(flattenRow))));
		expect(page.lines?.length).toBeGreaterThan(0); // still there for the file
	});

	it.each(['csv', 'ndjson'] as const)(
		'%s: the same accuracy report and hash as the items of the same rows',
		(format) => {
			const { encoder, parts, partRows } = encodedParts(format, true);
			const items = checkQueryResult(
				partRows.map((rows) => ({ totalCount: rows.length, rows: rows.map(flattenRow) })),
				body,
				{ raw: false, hash: true },
			);
			const report = checkEncodedResult(parts, body, encoder);
			expect(report).toEqual(items.report);
			expect(report).toEqual({
				rowsReceived: 144,
				totalCount: 144,
				rowsOutput: 144,
				duplicatesDropped: 0,
				splitBoundaryOverlapsResolved: 0,
				rowsOutsideRange: 0,
				series: 3,
				bucketsInRange: 48,
				missingBuckets: 0,
				seriesWithGaps: 0,
				missingBucketsBySeries: {},
				resultSha256: sha256Hex(canonicalJson(apiRows(0, 48).map(flattenRow))),
			});
		},
	);

	it('gaps are counted per series, by name', () => {
		const rows = apiRows(0, 48).filter(
			(row, i) => !(row.dimensions['group.id'] === 'grp_001' && i < 30),
		);
		const { encoder, parts } = encodedParts('csv', false, rows);
		expect(checkEncodedResult(parts, body, encoder)).toMatchObject({
			rowsOutput: 134,
			series: 3,
			missingBuckets: 10,
			seriesWithGaps: 1,
			missingBucketsBySeries: { grp_001: 10 },
		});
	});

	describe('a result that cannot be right is an error, and no file', () => {
		const cannot = (what: string) =>
			`The CXone API sent a result that cannot be right: ${what}. Nothing was output; run the workflow again, and report it to NICE if it persists.`;
		const checking = (...partRows: ResultRow[][]) => {
			const encoder = createPageEncoder(body, 'ndjson', { hash: true });
			const parts = partRows.map((rows) => ({
				totalCount: rows.length,
				pages: pagesOf(rows, 2).map((page) => encoder.encode(page)),
			}));
			return () => checkEncodedResult(parts, body, encoder);
		};
		it('a row repeated on a later page', () => {
			const rows = apiRows(0, 2);
			expect(checking([...rows, rows[4]])).toThrow(
				cannot('1 row repeated a bucket and series already sent'),
			);
		});
		it('the two parts of a split range both holding a bucket', () => {
			const rows = apiRows(0, 4);
			expect(checking(rows.slice(0, 7), rows.slice(5))).toThrow(
				cannot('2 rows repeated a bucket and series of the previous part of the split range'),
			);
		});
		it('rows outside the range, and rows after a later bucket', () => {
			const rows = apiRows(0, 3);
			expect(checking([...apiRows(48, 49), ...rows.slice(6), ...rows.slice(0, 3)])).toThrow(
				cannot(
					'3 rows lay outside the requested range (or had no valid bucket start); 3 rows came after a later bucket',
				),
			);
		});
	});
});
