import type { QueryBody } from '../../../../nodes/NiceCxoneAnalytics/core/query';
import {
	checkQueryResult,
	checkQueryResultSteps,
} from '../../../../nodes/NiceCxoneAnalytics/core/resultCheck';
import {
	checkEncodedResult,
	checkEncodedResultSteps,
	createPageEncoder,
} from '../../../../nodes/NiceCxoneAnalytics/core/rowFile';
import type { ResultRow } from '../../../../nodes/NiceCxoneAnalytics/core/rows';
import { flattenRow } from '../../../../nodes/NiceCxoneAnalytics/core/rows';
import { HASH_COST, mapSteps, sortSteps } from '../../../../nodes/NiceCxoneAnalytics/core/steps';
import { ROWS_PER_STEP } from '../../../../nodes/shared/core/steps';
import { pacedWhenLate } from '../../../support/pacing';

// One DAY bucket of 2,500 channels: 2,500 rows, 2,500 series, none with a gap.
const body: QueryBody = {
	metrics: [{ name: 'count', aggregation: 'sum' }],
	dimensions: [{ name: 'channel' }],
	timeSeries: {
		bucketSize: 'DAY',
		start: '2024-01-01T00:00:00Z',
		end: '2024-01-02T00:00:00Z',
		timeZone: 'UTC',
	},
};
const rawRows: ResultRow[] = Array.from({ length: 2500 }, (_, i) => ({
	timeSeries: '2024-01-01T00:00:00Z',
	dimensions: { channel: `c${String(i).padStart(4, '0')}` },
	metrics: [{ name: 'count', aggregation: 'sum', value: i }],
}));

// A loop yields its work every 1,000 rows (ROWS_PER_STEP), not counting the rows after its last yield.
// The pacer looks at the clock once 1,000 units are done, and the clock is always late: a pause each time.
describe('long work on a result, in steps that yield their work', () => {
	it('checking items: each row keys and check count 1, each series 1, each hashed row 10; the result is the same as at once', async () => {
		// At a million rows this was one stretch of 8.4 s (raw, Audit on) or 2.4 s (raw, Audit off).
		expect([ROWS_PER_STEP, HASH_COST]).toEqual([1000, 10]);
		const parts = [{ rows: rawRows.map(flattenRow), totalCount: 2500 }];
		const hashed = await pacedWhenLate(
			checkQueryResultSteps(parts, body, { raw: false, hash: true }),
		);
		// Keys, checks, series: 2 × 1,000 units each, a pause after each; hashes 2 × 10,000 units.
		expect([hashed.work, hashed.pauses]).toEqual([3 * 2000 + 20_000, 8]);
		expect(hashed.value).toEqual(checkQueryResult(parts, body, { raw: false, hash: true }));
		const plain = await pacedWhenLate(
			checkQueryResultSteps(parts, body, { raw: false, hash: false }),
		);
		expect([plain.work, plain.pauses]).toEqual([6000, 6]);
		const raw = await pacedWhenLate(
			checkQueryResultSteps([{ rows: rawRows as never[], totalCount: 2500 }], body, {
				raw: true,
				hash: true,
			}),
		);
		expect([raw.work, raw.pauses]).toEqual([26_000, 8]);
		expect(raw.value.report.rowsOutput).toBe(2500);
	});

	it.each([
		// checks 2 × 1,000 + series 2 × 1,000 + 2 × 1,000 lines read back and hashed (10 each)
		['ndjson', 24_000, 6],
		// checks and series as above (4 pauses), then each page's canonical JSON, made as the pages came,
		// its rows' worth at once: the pages of 1,000 rows pause (2), the last of 500 does not
		['csv', 4000 + 2500, 6],
	] as const)(
		'checking a %s file: %i units, %i pauses, and the same report as at once',
		async (format, work, pauses) => {
			// NDJSON at a million rows with Audit on: one stretch of 3.8 s.
			const encode = () => {
				const encoder = createPageEncoder(body, format, { hash: true });
				const parts = [
					{
						pages: [0, 1000, 2000].map((from) => encoder.encode(rawRows.slice(from, from + 1000))),
						totalCount: 2500,
					},
				];
				return { encoder, parts };
			};
			const stepped = encode();
			const result = await pacedWhenLate(
				checkEncodedResultSteps(stepped.parts, body, stepped.encoder),
			);
			expect([result.work, result.pauses]).toEqual([work, pauses]);
			const atOnce = encode();
			expect(result.value).toEqual(checkEncodedResult(atOnce.parts, body, atOnce.encoder));
		},
	);

	it('making the items: one unit each', async () => {
		const items = await pacedWhenLate(mapSteps(rawRows, (row, i) => i));
		expect([items.work, items.pauses]).toEqual([2000, 2]);
		expect(items.value).toHaveLength(2500);
		expect(items.value[2499]).toBe(2499);
	});

	it('a result with many series lists the 20 with the most gaps, as a full sort would', async () => {
		// Three DAY buckets; series cNNNN has (NNNN mod 3) rows, so 0 to 2 missing buckets.
		const three = { ...body, timeSeries: { ...body.timeSeries, end: '2024-01-04T00:00:00Z' } };
		const rows = [0, 1, 2].flatMap((day) =>
			rawRows
				.filter((_, i) => i % 3 > day)
				.map((row) => ({ ...row, timeSeries: `2024-01-0${day + 1}T00:00:00Z` })),
		);
		const { report } = checkQueryResult(
			[{ rows: rows.map(flattenRow), totalCount: rows.length }],
			three,
			{ raw: false, hash: false },
		);
		const expected = rawRows
			.map((row, i) => [row.dimensions.channel, 3 - (i % 3)] as const)
			.filter(([, missing]) => missing > 0 && missing < 3)
			.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
		expect(report.missingBucketsBySeries).toEqual(Object.fromEntries(expected.slice(0, 20)));
		expect(report.seriesWithGaps).toBe(expected.length);
		expect(report.missingBuckets).toBe(expected.reduce((sum, [, missing]) => sum + missing, 0));
	});
});

describe('sorting in steps', () => {
	it('sorts stably, in runs of 4,096 sorted at once (16 units an item) merged pairwise (1 an item)', async () => {
		// 10,000 items whose keys repeat: each keeps its place among the items of its key.
		const items = Array.from({ length: 10_000 }, (_, i) => ({ key: (i * 7919) % 101, at: i }));
		const expected = [...items].sort((a, b) => a.key - b.key);
		const { value, work, pauses } = await pacedWhenLate(sortSteps(items, (a, b) => a.key - b.key));
		expect(value).toEqual(expected);
		// Three runs (16 × 10,000 units, a pause after each), then two passes of merging 10,000 items, each
		// yielding 9 × 1,000 units (18 pauses).
		expect([work, pauses]).toEqual([160_000 + 18_000, 21]);
	});
});
