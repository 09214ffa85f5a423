import { csvCell, rowsToFile } from '../../../../nodes/NiceCxoneAnalytics/core/rowFile';

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

	describe('a million-row file is written into one buffer of about its own size', () => {
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
			'%s: the same bytes as joining the lines, in an allocation within a twentieth of them',
			(format) => {
				const many = generated(50_000, (i) => `grp_${String(i % 40).padStart(3, '0')}`);
				const file = rowsToFile(many, fields, format);
				expect(file.equals(plain(many, format))).toBe(true);
				expect(file.buffer.byteLength).toBeLessThanOrEqual(Math.ceil(file.length * 1.06));
			},
		);

		it.each(['csv', 'ndjson'] as const)(
			'%s: rows that grow longer than the first ones predicted, and text of several bytes a character',
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
