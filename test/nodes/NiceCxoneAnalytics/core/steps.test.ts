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
import {
	WORK_BETWEEN_PAUSES,
	WorkMeter,
	mapSteps,
	runSteps,
	sortSteps,
} from '../../../../nodes/NiceCxoneAnalytics/core/steps';

// One DAY bucket of 1,000 channels: 1,000 rows, 1,000 series, none with a gap.
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
const rawRows: ResultRow[] = Array.from({ length: 1000 }, (_, i) => ({
	timeSeries: '2024-01-01T00:00:00Z',
	dimensions: { channel: `c${String(i).padStart(4, '0')}` },
	metrics: [{ name: 'count', aggregation: 'sum', value: i }],
}));

/** Runs steps with a pause that counts itself. */
async function counted<T>(steps: Generator<void, T, void>): Promise<{ value: T; pauses: number }> {
	let pauses = 0;
	const value = await runSteps(steps, async () => {
		pauses++;
	});
	return { value, pauses };
}

describe('long work on a result, in steps with pauses between them', () => {
	it('pauses every 100,000 units of work by default', () => {
		expect(WORK_BETWEEN_PAUSES).toBe(100_000);
	});

	it('checking items: each row keys and check count 1, each series 1, each hashed row 10; the result is the same as at once', async () => {
		// At a million rows this was one stretch of 8.4 s (raw, Audit on) or 2.4 s (raw, Audit off).
		const parts = [{ rows: rawRows.map(flattenRow), totalCount: 1000 }];
		const hashed = await counted(
			checkQueryResultSteps(parts, body, { raw: false, hash: true }, new WorkMeter(100)),
		);
		// 1,000 keys + 1,000 checks + 1,000 series + 10 × 1,000 hashed rows = 13,000 units.
		expect(hashed.pauses).toBe(130);
		expect(hashed.value).toEqual(checkQueryResult(parts, body, { raw: false, hash: true }));
		const plain = await counted(
			checkQueryResultSteps(parts, body, { raw: false, hash: false }, new WorkMeter(100)),
		);
		expect(plain.pauses).toBe(30);
		const raw = await counted(
			checkQueryResultSteps(
				[{ rows: rawRows as never[], totalCount: 1000 }],
				body,
				{ raw: true, hash: true },
				new WorkMeter(100),
			),
		);
		expect(raw.pauses).toBe(130);
		expect(raw.value.report.rowsOutput).toBe(1000);
	});

	it.each([
		// checks 1,000 + series 1,000 + 10 × 1,000 lines read back and hashed
		['ndjson', 120],
		// checks 1,000 + series 1,000 (20 pauses), then a page's canonical JSON made as the pages came,
		// its rows' worth at once: each of the two pages of 500 passes the budget of 100 (22 pauses)
		['csv', 22],
	] as const)(
		'checking a %s file: %i pauses, and the same report as at once',
		async (format, pauses) => {
			// NDJSON at a million rows with Audit on: one stretch of 3.8 s.
			const encode = () => {
				const encoder = createPageEncoder(body, format, { hash: true });
				const parts = [
					{
						pages: [encoder.encode(rawRows.slice(0, 500)), encoder.encode(rawRows.slice(500))],
						totalCount: 1000,
					},
				];
				return { encoder, parts };
			};
			const stepped = encode();
			const result = await counted(
				checkEncodedResultSteps(stepped.parts, body, stepped.encoder, new WorkMeter(100)),
			);
			expect(result.pauses).toBe(pauses);
			const atOnce = encode();
			expect(result.value).toEqual(checkEncodedResult(atOnce.parts, body, atOnce.encoder));
		},
	);

	it('making the items: one unit each', async () => {
		const items = await counted(mapSteps(rawRows, (row, i) => i, new WorkMeter(100)));
		expect(items.pauses).toBe(10);
		expect(items.value).toHaveLength(1000);
		expect(items.value[999]).toBe(999);
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
		const { value, pauses } = await counted(
			sortSteps(items, (a, b) => a.key - b.key, new WorkMeter(1000)),
		);
		expect(value).toEqual(expected);
		// Three runs (a pause after each), then two passes of merging 10,000 items (20 pauses).
		expect(pauses).toBe(23);
	});
});
