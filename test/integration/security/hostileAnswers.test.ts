/**
 * Answers a hostile or broken server may send, over real local HTTP: report files that would
 * amplify into millions of properties, errors that quote the token, report links to other hosts,
 * paging that does not move on, and answers that are not the documented JSON.
 */
import { NiceCxoneAnalytics } from '../../../nodes/NiceCxoneAnalytics/NiceCxoneAnalytics.node';
import { useTestClockForDateNow } from '../../support/clock';
import { createN8nLikeContext, runNode } from './support/n8nLike';
import {
	finishedReportJob,
	platformCredential,
	reportParams,
	startPlatform,
} from './support/platform';
import { serverTracker } from './support/servers';

// The node's 30-day reach and relative ranges read Date.now(): the tests' pinned clock, not the machine's.
useTestClockForDateNow();

const track = serverTracker();

/** A platform whose report job finishes with `csv` as its file, served at /files/r.csv. */
async function reportPlatform(csv: string) {
	return await track(
		startPlatform((request, res, server) => {
			if (request.url === '/files/r.csv') {
				res.writeHead(200, { 'Content-Type': 'text/csv' }).end(csv);
				return true;
			}
			return finishedReportJob('job-1', `${server.url}/files/r.csv`)(request, res, server);
		}),
	);
}

const columns = (count: number) => Array.from({ length: count }, (_, i) => `c${i}`).join(',');

describe('Report files become items only within stated limits', () => {
	it.each([
		[
			'4,000 columns and 4,000 one-field records (24 KB)',
			`${columns(4000)}\n${'x\n'.repeat(4000)}`,
			'The report has 4,000 columns; the node turns reports of at most 1,000 columns into items.',
		],
		[
			'1,000 columns and 10,001 one-field records (24 KB)',
			`${columns(1000)}\n${'x\n'.repeat(10_001)}`,
			'The report has 10,001 rows of 1,000 columns (10,001,000 values); the node turns at most 10,000,000 values into items.',
		],
	])('%s are refused, naming Output and what to do', async (_name, csv, what) => {
		const platform = await reportPlatform(csv);
		const { ctx } = createN8nLikeContext({
			params: reportParams(),
			platform: platformCredential(platform),
		});
		const { items, error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(items).toEqual([]);
		expect(error?.message).toBe(
			`${what} Choose Output › CSV File to get the file as it is, or narrow the report (fewer columns in CXone, or a shorter time range).`,
		);
		expect(error?.description).toBe('Field: Output');
	});

	it('the same file is still output whole as a CSV File', async () => {
		const csv = `${columns(4000)}\n${'x\n'.repeat(4000)}`;
		const platform = await reportPlatform(csv);
		const { ctx } = createN8nLikeContext({
			params: reportParams({ reportOutput: 'binary' }),
			platform: platformCredential(platform),
		});
		const { items, error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error).toBeUndefined();
		expect(Buffer.from(String(items[0].binary?.data.data), 'base64').toString('utf8')).toBe(csv);
	});

	it('a normal report becomes one item per row, exactly', async () => {
		const platform = await reportPlatform(
			'skill,offered,rate,code\r\n"Sales, EMEA",12,2.5,007\r\nSupport,0,-1.25,1e3\r\n',
		);
		const { ctx } = createN8nLikeContext({
			params: reportParams(),
			platform: platformCredential(platform),
		});
		const { items, error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json)).toEqual([
			{ skill: 'Sales, EMEA', offered: 12, rate: 2.5, code: '007' },
			{ skill: 'Support', offered: 0, rate: -1.25, code: '1e3' },
		]);
	});
});
