/**
 * Output › One CSV File / One NDJSON File (issue 15): the file is written page by page as the pages
 * arrive, and is the same, byte for byte, as the file of every row at once — over a split range whose
 * windows, and pages, complete out of order (local server, real HTTP).
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { rowsToFile } from '../../nodes/NiceCxoneAnalytics/core/rowFile';
import type { ResultRow } from '../../nodes/NiceCxoneAnalytics/core/rows';
import { flattenRow } from '../../nodes/NiceCxoneAnalytics/core/rows';
import { NiceCxoneAnalytics } from '../../nodes/NiceCxoneAnalytics/NiceCxoneAnalytics.node';
import { canonicalJson, sha256Hex } from '../../nodes/shared/core/canonical';
import { sendJson, startHostileServer } from './security/support/hostile';
import { createN8nLikeContext, runNode } from './security/support/n8nLike';
import type { HostileServer } from './security/support/platform';
import { analyticsQueryParams, serverCredential, serverTracker } from './security/support/servers';

const track = serverTracker();

const BUCKET_MS = 900_000;
/** 35 days of 15-minute buckets: split into 31 days (8,928 rows) and 4 days (1,152 rows). */
const START = '2024-01-01T00:00:00Z';
const END = '2024-02-05T00:00:00Z';
const SPLIT_MS = Date.parse('2024-02-01T00:00:00Z');
/** Text a CSV must quote or escape, and text of several bytes a character. */
const CHANNELS = ['voice', '=HYPERLINK("x"), "EMEA"', 'Süd — 日本'];
const FIELDS = ['bucketStart', 'channel', 'count_sum', 'handle_time_avg'];

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The rows of [startMs, endMs), by bucket, three channels each. */
function rowsBetween(startMs: number, endMs: number): ResultRow[] {
	const rows: ResultRow[] = [];
	for (let ms = startMs; ms < endMs; ms += BUCKET_MS) {
		CHANNELS.forEach((channel, c) => {
			const n = ms / BUCKET_MS + c;
			rows.push({
				timeSeries: iso(ms),
				dimensions: { channel },
				metrics: [
					{ name: 'count', aggregation: 'sum', value: n % 97 },
					{ name: 'handle_time', aggregation: 'avg', value: n % 5 === 0 ? null : (n % 613) / 8 },
				],
			});
		});
	}
	return rows;
}

const ALL_ROWS = rowsBetween(Date.parse(START), Date.parse(END));

/**
 * An analytics API that completes each query at once with the rows of its window (`w1` before the split,
 * `w2` after it), paged by offset and limit. The first window's second page is held until the second
 * window's second page and the first window's ninth have been served, so windows and pages complete out of
 * order on any machine, whatever its load; `served` says in which.
 */
async function serveWindows(): Promise<HostileServer & { served: string[] }> {
	const windows = new Map<string, ResultRow[]>();
	const served: string[] = [];
	const servedOnce = new Map<string, () => void>();
	const reached = new Map<string, Promise<void>>();
	const whenServed = (key: string) => {
		if (!reached.has(key)) reached.set(key, new Promise((resolve) => servedOnce.set(key, resolve)));
		return reached.get(key) as Promise<void>;
	};
	const server = await track(
		startHostileServer(
			async (request, res, self) => {
				const url = new URL(request.url, self.url);
				if (url.pathname === '/oauth/token')
					return sendJson(res, 200, { access_token: 'tok', token_type: 'Bearer' });
				if (request.method === 'DELETE') return sendJson(res, 204, {});
				if (request.method === 'POST') {
					const { timeSeries } = JSON.parse(request.body) as { timeSeries: IDataObject };
					const startMs = Date.parse(String(timeSeries.start));
					const id = startMs < SPLIT_MS ? 'w1' : 'w2';
					windows.set(id, rowsBetween(startMs, Date.parse(String(timeSeries.end))));
					return sendJson(res, 202, { id, status: 'PENDING' });
				}
				const id = url.pathname.split('/').pop() ?? '';
				const rows = windows.get(id) ?? [];
				const offset = Number(url.searchParams.get('offset'));
				const limit = Number(url.searchParams.get('limit'));
				if (id === 'w1' && offset === 1000)
					await Promise.all([whenServed('w2@1000'), whenServed('w1@8000')]);
				served.push(`${id}@${offset}`);
				whenServed(`${id}@${offset}`);
				servedOnce.get(`${id}@${offset}`)?.();
				sendJson(res, 200, {
					id,
					status: 'COMPLETED',
					totalCount: rows.length,
					offset,
					limit,
					results: rows.slice(offset, offset + limit),
				});
			},
			{ maxRequests: 100 },
		),
	);
	return Object.assign(server, { served });
}

async function run(server: HostileServer, options: IDataObject, overrides: IDataObject = {}) {
	const { ctx } = createN8nLikeContext({
		params: analyticsQueryParams(options, {
			metrics: { metric: [{ metric: 'count:sum' }, { metric: 'handle_time:avg' }] },
			dimensions: ['channel'],
			bucketSize: 'FIFTEEN_MINUTES',
			start: START,
			end: END,
			...overrides,
		}),
		analytics: serverCredential(server),
	});
	return await runNode(new NiceCxoneAnalytics(), ctx);
}

const fileOf = (item: INodeExecutionData) => Buffer.from(String(item.binary?.data.data), 'base64');
const accuracyOf = (outputs: INodeExecutionData[][]) =>
	(outputs[1][0].json as { accuracy: IDataObject }).accuracy;

describe('a file written page by page, over a split range completing out of order', () => {
	it.each(['ndjson', 'csv'] as const)(
		'%s: the same bytes as the file of every row at once, and the same accuracy and hash as the items',
		async (format) => {
			const server = await serveWindows();
			const file = await run(server, { output: format, audit: 'output' });
			expect(file.error).toBeUndefined();
			// The second window's last page came before the first window's first paged one, and within the
			// first window a later page before an earlier one: the parts and pages completed out of order.
			expect(server.served.indexOf('w2@1000')).toBeLessThan(server.served.indexOf('w1@1000'));
			expect(server.served.indexOf('w1@8000')).toBeLessThan(server.served.indexOf('w1@1000'));

			const flat = ALL_ROWS.map(flattenRow);
			const [item] = file.items;
			expect(fileOf(item).equals(rowsToFile(flat, FIELDS, format))).toBe(true);
			expect(item.json).toEqual({
				fileName: `cxone-analytics_2024-01-01_2024-02-05.${format}`,
				format,
				rows: 10_080,
				bytes: rowsToFile(flat, FIELDS, format).length,
				fields: FIELDS,
				start: START,
				end: END,
				series: 3,
			});

			const items = await run(await serveWindows(), { output: 'flat', audit: 'output' });
			expect(items.items.map((i) => i.json)).toEqual(flat);
			expect(accuracyOf(file.outputs)).toEqual(accuracyOf(items.outputs));
			expect(accuracyOf(file.outputs)).toMatchObject({
				rowsReceived: 10_080,
				totalCount: 10_080,
				rowsOutput: 10_080,
				series: 3,
				bucketsInRange: 3360,
				missingBuckets: 0,
				resultSha256: sha256Hex(canonicalJson(flat)),
			});
		},
	);

	it.each(['ndjson', 'csv'] as const)(
		'%s with a Limit: the first rows, the same bytes as the file of those rows',
		async (format) => {
			const server = await serveWindows();
			const { items, error } = await run(
				server,
				{ output: format, pageSize: 400 },
				{ returnAll: false, limit: 9000 },
			);
			expect(error).toBeUndefined();
			const flat = ALL_ROWS.slice(0, 9000).map(flattenRow);
			expect(fileOf(items[0]).equals(rowsToFile(flat, FIELDS, format))).toBe(true);
			expect(items[0].json).toMatchObject({ rows: 9000, series: 3 });
		},
	);
});
