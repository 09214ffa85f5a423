/**
 * Issue 14, point 9: nothing changes without a word. A result that cannot be the answer to its query
 * fails the item, with or without Audit, instead of being repaired quietly (hostile local server).
 */
import type { IDataObject } from 'n8n-workflow';

import { NiceCxoneAnalytics } from '../../../nodes/NiceCxoneAnalytics/NiceCxoneAnalytics.node';
import { sendJson, startHostileServer } from './support/hostile';
import { createN8nLikeContext, runNode } from './support/n8nLike';
import type { HostileServer } from './support/platform';
import { analyticsQueryParams, serverCredential, serverTracker } from './support/servers';

const track = serverTracker();

const row = (day: number, channel: string, extra: IDataObject = {}) => ({
	timeSeries: `2024-01-0${day}T00:00:00Z`,
	dimensions: { channel },
	metrics: [{ name: 'count', aggregation: 'sum', value: day }],
	...extra,
});

/** An analytics API that completes query q1 at once and serves `rows` as its result, paged by offset and limit. */
async function serveResult(
	rows: unknown[],
	totalCount: number | undefined = rows.length,
): Promise<HostileServer> {
	return await track(
		startHostileServer((request, res, self) => {
			const url = new URL(request.url, self.url);
			if (url.pathname === '/oauth/token')
				return sendJson(res, 200, { access_token: 'tok', token_type: 'Bearer' });
			if (request.method === 'POST') return sendJson(res, 202, { id: 'q1', status: 'PENDING' });
			if (request.method === 'DELETE') return sendJson(res, 204, {});
			const offset = Number(url.searchParams.get('offset'));
			const limit = Number(url.searchParams.get('limit'));
			sendJson(res, 200, {
				id: 'q1',
				status: 'COMPLETED',
				totalCount,
				offset,
				limit,
				results: rows.slice(offset, offset + limit),
			});
		}),
	);
}

async function run(server: HostileServer, options: IDataObject = {}, overrides: IDataObject = {}) {
	const { ctx } = createN8nLikeContext({
		params: analyticsQueryParams(options, {
			dimensions: ['channel'],
			end: '2024-01-03T00:00:00Z',
			...overrides,
		}),
		analytics: serverCredential(server),
	});
	return await runNode(new NiceCxoneAnalytics(), ctx);
}

const tail = '. Nothing was output; run the workflow again, and report it to NICE if it persists.';

describe('9. A result that cannot be right is an error, Audit on or off', () => {
	it.each([['off'], ['both']])('rows sent twice fail the item (Audit %s)', async (audit) => {
		const server = await serveResult([
			row(1, 'chat'),
			row(1, 'voice'),
			row(1, 'chat'),
			row(1, 'voice'),
			row(2, 'voice'),
		]);
		const { items, error } = await run(server, { audit, pageSize: 2 });
		expect(items).toEqual([]);
		expect(error?.message).toBe(
			`The CXone API sent a result that cannot be right: 2 rows repeated a bucket and series already sent${tail}`,
		);
	});

	it.each([['off'], ['both']])(
		'a page served again at a later offset fails the item (Audit %s)',
		async (audit) => {
			const page = [row(1, 'chat'), row(1, 'voice'), row(2, 'chat')];
			const server = await serveResult([...page, ...page, ...page]);
			const { error } = await run(server, { audit, pageSize: 3 });
			expect(error?.message).toBe(
				`The CXone API sent a result that cannot be right: 6 rows repeated a bucket and series already sent; 4 rows came after a later bucket${tail}`,
			);
		},
	);

	it('a totalCount smaller than the rows sent is an error, not a cut', async () => {
		const server = await serveResult([row(1, 'chat'), row(1, 'voice'), row(2, 'voice')], 1);
		const { items, error } = await run(server);
		expect(items).toEqual([]);
		expect(error?.message).toBe(
			'Query q1 returned 3 rows at offset 0; 1 were due (totalCount 1). No rows were output, so none are lost or doubled; run the workflow again.',
		);
	});

	it('a row without its bucket start fails the item instead of giving an item without bucketStart', async () => {
		const server = await serveResult([
			row(1, 'chat'),
			{ dimensions: { channel: 'voice' }, metrics: [] },
		]);
		const { error } = await run(server);
		expect(error?.message).toBe(
			`The CXone API sent a row without a timeSeries bucket start or without a list of metrics${tail}`,
		);
	});

	it('a dimension the query did not ask for cannot overwrite bucketStart', async () => {
		const server = await serveResult([
			row(1, 'chat', { dimensions: { channel: 'chat', bucketStart: '1999-01-01T00:00:00Z' } }),
		]);
		const { error } = await run(server);
		expect(error?.message).toBe(
			`The CXone API sent a row with the dimension 'bucketStart', which the query did not ask for${tail}`,
		);
	});

	// A metric value nested 5,000 lists deep was output as it came (and with Audit on overflowed the
	// stack while hashing); a 200 kB channel value a row filled gigabytes.
	it.each([
		['flat', 'count:sum is the text "12"', { value: '12' }],
		['raw', 'count:sum is a list', { value: [[[1]]] }],
		['csv', 'count:sum is an object', { value: { n: 1 } }],
		['ndjson', 'count:sum is boolean true', { value: true }],
	])(
		'%s: a metric value that is not a number or null fails the item (%s)',
		async (output, what, metric) => {
			const bad = row(2, 'chat');
			bad.metrics = [{ ...bad.metrics[0], ...metric } as never];
			const { error } = await run(await serveResult([row(1, 'chat'), bad]), { output });
			expect(error?.message).toBe(
				`The CXone API sent a row whose ${what}; metric values are numbers (or null)${tail}`,
			);
		},
	);

	it.each([['flat'], ['raw'], ['ndjson']])(
		'%s: a dimension value that is not text, or longer than 1,000 characters, fails the item; null metrics and 1,000 characters pass',
		async (output) => {
			const notText = await run(await serveResult([row(1, 7 as never)]), { output });
			expect(notText.error?.message).toBe(
				`The CXone API sent a row whose channel is number 7; dimension values are text${tail}`,
			);
			const long = await run(await serveResult([row(1, 'x'.repeat(1001))]), { output });
			expect(long.error?.message).toBe(
				`The CXone API sent a row whose channel is 1001 characters long; the node takes dimension values of at most 1000 characters${tail}`,
			);
			const empty = row(1, 'y'.repeat(1000));
			empty.metrics = [{ ...empty.metrics[0], value: null as never }];
			const fine = await run(await serveResult([empty]), { output });
			expect(fine.error).toBeUndefined();
		},
	);

	it('a row outside the requested range is an error, not a quiet drop', async () => {
		const server = await serveResult([row(1, 'chat'), row(5, 'chat')]);
		const { error } = await run(server, { audit: 'off' });
		expect(error?.message).toBe(
			`The CXone API sent a result that cannot be right: 1 row lay outside the requested range (or had no valid bucket start)${tail}`,
		);
	});

	it('a correct result passes whole, with the same rows with and without Audit', async () => {
		const rows = [row(1, 'chat'), row(1, 'voice'), row(2, 'chat')];
		const off = await run(await serveResult(rows), { audit: 'off', pageSize: 2 });
		const on = await run(await serveResult(rows), { audit: 'both', pageSize: 2 });
		expect(off.error).toBeUndefined();
		expect(off.items.map((item) => item.json)).toEqual(on.items.map((item) => item.json));
		expect(off.items.length).toBe(3);
	});
});

describe('9. … and in a file (One CSV File, One NDJSON File): nothing is output', () => {
	it.each([['csv'], ['ndjson']])('%s: rows sent twice, a page served again', async (output) => {
		const twice = await serveResult([
			row(1, 'chat'),
			row(1, 'voice'),
			row(1, 'chat'),
			row(2, 'voice'),
		]);
		const first = await run(twice, { output, audit: 'both', pageSize: 2 });
		expect(first.items).toEqual([]);
		expect(first.error?.message).toBe(
			`The CXone API sent a result that cannot be right: 1 row repeated a bucket and series already sent${tail}`,
		);
		const page = [row(1, 'chat'), row(1, 'voice'), row(2, 'chat')];
		const again = await run(await serveResult([...page, ...page, ...page]), {
			output,
			pageSize: 3,
		});
		expect(again.error?.message).toBe(
			`The CXone API sent a result that cannot be right: 6 rows repeated a bucket and series already sent; 4 rows came after a later bucket${tail}`,
		);
	});

	it.each([['csv'], ['ndjson']])(
		'%s: a row outside the range, a row without its bucket start',
		async (output) => {
			const outside = await run(await serveResult([row(1, 'chat'), row(5, 'chat')]), { output });
			expect(outside.error?.message).toBe(
				`The CXone API sent a result that cannot be right: 1 row lay outside the requested range (or had no valid bucket start)${tail}`,
			);
			const noStart = await run(
				await serveResult([row(1, 'chat'), { dimensions: { channel: 'voice' }, metrics: [] }]),
				{ output },
			);
			expect(noStart.error?.message).toBe(
				`The CXone API sent a row without a timeSeries bucket start or without a list of metrics${tail}`,
			);
		},
	);

	it.each([['csv'], ['ndjson'], ['flat']])(
		'%s: the two parts of a split range both holding a bucket',
		async (output) => {
			// 40 days of 15-minute buckets are two queries; this server answers both with the same row.
			const server = await serveResult([row(1, 'chat')]);
			const { items, error } = await run(
				server,
				{ output },
				{ bucketSize: 'FIFTEEN_MINUTES', end: '2024-02-10T00:00:00Z' },
			);
			expect(items).toEqual([]);
			expect(error?.message).toBe(
				`The CXone API sent a result that cannot be right: 1 row repeated a bucket and series of the previous part of the split range${tail}`,
			);
		},
	);
});
