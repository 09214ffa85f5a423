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
		expect(rowsToFile(rows, fields, 'csv')).toBe(
			'bucketStart,groupId,count_sum,handle_time_avg\r\n' +
				'2024-01-01T00:00:00Z,grp_001,12,301.5\r\n' +
				'2024-01-01T01:00:00Z,"Sales, ""EMEA""\nnight",0,\r\n',
		);
	});

	it('writes NDJSON, one object per line', () => {
		const text = rowsToFile(rows, fields, 'ndjson');
		expect(text.split('\n')).toHaveLength(3);
		expect(
			text
				.trimEnd()
				.split('\n')
				.map((line) => JSON.parse(line) as unknown),
		).toEqual(rows);
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
