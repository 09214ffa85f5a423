/**
 * The node over real HTTP against the simulator: every row of each query must arrive exactly once
 * with the values of the simulator's own ground truth (computed in one pass, unsplit and unpaged).
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { ResultRow } from '../../nodes/NiceCxoneAnalytics/core/rows';
import { flattenRow } from '../../nodes/NiceCxoneAnalytics/core/rows';
import { NiceCxoneAnalytics } from '../../nodes/NiceCxoneAnalytics/NiceCxoneAnalytics.node';
import { createContext, queryParams } from '../support/n8nContext';
import { request } from '../support/http';
import { startSimulatorProcess } from '../support/simulator';
import { useTestClockForDateNow } from '../support/clock';

// The flaky simulator's Retry-After HTTP-dates are read on its pinned clock; the node under test
// measures them with Date.now(), which must be that same clock.
useTestClockForDateNow();

type Simulator = Awaited<ReturnType<typeof startSimulatorProcess>>;

const metrics = (...values: string[]) => ({ metric: values.map((metric) => ({ metric })) });
const FAST = { pollIntervalSeconds: 0.05, maxPollIntervalSeconds: 0.2 };

/** Each case: node parameters, and the body the simulator computes the truth for. */
const QUERIES: Array<[string, Record<string, unknown>, IDataObject]> = [
	[
		'two weeks by group and channel, DAY buckets',
		{
			metrics: metrics('handle_time:avg', 'count:sum', 'abandoned:pct', 'sentiment:min'),
			dimensions: ['group.id', 'channel'],
			bucketSize: 'DAY',
			start: '2024-01-01T00:00:00Z',
			end: '2024-01-15T00:00:00Z',
		},
		{
			metrics: [
				{ name: 'handle_time', aggregation: 'avg' },
				{ name: 'count', aggregation: 'sum' },
				{ name: 'abandoned', aggregation: 'pct' },
				{ name: 'sentiment', aggregation: 'min' },
			],
			dimensions: [{ name: 'group.id' }, { name: 'channel' }],
			timeSeries: {
				bucketSize: 'DAY',
				start: '2024-01-01T00:00:00Z',
				end: '2024-01-15T00:00:00Z',
				timeZone: 'UTC',
			},
		},
	],
	[
		'HOUR buckets in Berlin over the night clocks go back, filtered to two groups',
		{
			metrics: metrics('count:sum', 'queue_time:max'),
			dimensions: ['channel'],
			bucketSize: 'HOUR',
			start: '2024-10-26T00:00:00',
			end: '2024-10-28T00:00:00',
			filterMode: 'conditions',
			filterCombinator: 'and',
			filterConditions: {
				condition: [{ field: 'group.id', operator: 'in', value: 'grp_001, grp_003' }],
			},
			options: { ...FAST, timeZone: 'Europe/Berlin' },
		},
		{
			metrics: [
				{ name: 'count', aggregation: 'sum' },
				{ name: 'queue_time', aggregation: 'max' },
			],
			dimensions: [{ name: 'channel' }],
			filter: { type: 'in', field: 'group.id', values: ['grp_001', 'grp_003'] },
			timeSeries: {
				bucketSize: 'HOUR',
				start: '2024-10-25T22:00:00Z',
				end: '2024-10-27T23:00:00Z',
				timeZone: 'Europe/Berlin',
			},
		},
	],
	[
		'200 days of 15-minute buckets: split into 7 windows at bucket boundaries, run at most 5 at once',
		{
			metrics: metrics('count:sum', 'service_level:pct'),
			dimensions: [],
			bucketSize: 'FIFTEEN_MINUTES',
			start: '2024-01-01T00:07:00Z',
			end: '2024-07-19T00:00:00Z',
		},
		{
			metrics: [
				{ name: 'count', aggregation: 'sum' },
				{ name: 'service_level', aggregation: 'pct' },
			],
			dimensions: [],
			timeSeries: {
				bucketSize: 'FIFTEEN_MINUTES',
				start: '2024-01-01T00:07:00Z',
				end: '2024-07-19T00:00:00Z',
				timeZone: 'UTC',
			},
		},
	],
	[
		'over 100,000 rows: two months of HOUR buckets by agent and channel',
		{
			metrics: metrics('count:sum', 'handle_time:avg'),
			dimensions: ['agent.id', 'channel'],
			bucketSize: 'HOUR',
			start: '2024-01-01T00:00:00Z',
			end: '2024-03-08T00:00:00Z',
		},
		{
			metrics: [
				{ name: 'count', aggregation: 'sum' },
				{ name: 'handle_time', aggregation: 'avg' },
			],
			dimensions: [{ name: 'agent.id' }, { name: 'channel' }],
			timeSeries: {
				bucketSize: 'HOUR',
				start: '2024-01-01T00:00:00Z',
				end: '2024-03-08T00:00:00Z',
				timeZone: 'UTC',
			},
		},
	],
	[
		'HOUR buckets on Lord Howe Island over its 30-minute clock change (the hour before it lasts 30 minutes)',
		{
			metrics: metrics('count:sum'),
			dimensions: ['channel'],
			bucketSize: 'HOUR',
			start: '2024-10-05T00:00:00',
			end: '2024-10-07T00:00:00',
			options: { ...FAST, timeZone: 'Australia/Lord_Howe' },
		},
		{
			metrics: [{ name: 'count', aggregation: 'sum' }],
			dimensions: [{ name: 'channel' }],
			timeSeries: {
				bucketSize: 'HOUR',
				start: '2024-10-04T13:30:00Z',
				end: '2024-10-06T13:00:00Z',
				timeZone: 'Australia/Lord_Howe',
			},
		},
	],
];

async function truth(sim: Simulator, body: IDataObject): Promise<IDataObject[]> {
	const response = await request({ method: 'POST', url: `${sim.baseUrl}/_sim/truth`, body });
	expect(response.status).toBe(200);
	return (response.body.rows as ResultRow[]).map(flattenRow);
}

async function simStats(sim: Simulator) {
	return (await request({ url: `${sim.baseUrl}/_sim/stats` })).body;
}

async function runNode(sim: Simulator, params: Record<string, unknown>, signal?: AbortSignal) {
	const { ctx, log } = createContext({
		params: queryParams({ options: FAST, ...params }),
		credentials: {
			tokenUrl: sim.tokenUrl,
			baseUrl: sim.baseUrl,
			clientId: sim.clientId,
			clientSecret: sim.clientSecret,
		},
		signal,
	});
	const result = await new NiceCxoneAnalytics().execute.call(ctx).then(
		(output) => ({ items: output[0] as INodeExecutionData[], error: undefined }),
		(error: Error) => ({ items: [] as INodeExecutionData[], error }),
	);
	return { ...result, log };
}

describe.each(['clean', 'flaky'] as const)('against the simulator (%s profile)', (profile) => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startSimulatorProcess({ seed: 7, profile });
	});
	afterAll(async () => await sim.stop());

	it.each(QUERIES)(
		'%s: every row exactly once, with the true values',
		async (name, params, body) => {
			const expected = await truth(sim, body);
			if (name.startsWith('over 100,000')) expect(expected.length).toBeGreaterThan(100_000);
			const { items, error } = await runNode(sim, params);
			expect(error).toBeUndefined();
			expect(items.length).toBe(expected.length);
			expect(items.map((item) => item.json)).toEqual(expected);
			expect(items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
			const stats = await simStats(sim);
			expect(stats.maxActiveObserved).toBeLessThanOrEqual(5);
			expect(stats.activeQueries).toBe(0);
			if (profile === 'flaky') {
				const { tooManyRequests, unavailable, serverError, connectionReset, tokenExpired } =
					stats.faults;
				expect(
					tooManyRequests + unavailable + serverError + connectionReset + tokenExpired,
				).toBeGreaterThan(0);
			}
		},
	);
});

describe('one file instead of one item per row', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startSimulatorProcess({ seed: 7 });
	});
	afterAll(async () => await sim.stop());

	it.each(['ndjson', 'csv'])(
		'%s: every row of the result exactly once, in one binary file on one item',
		async (format) => {
			const [, params, body] = QUERIES[0];
			const expected = await truth(sim, body);
			const { items, error } = await runNode(sim, {
				...params,
				options: { ...FAST, output: format },
			});
			expect(error).toBeUndefined();
			expect(items).toHaveLength(1);
			const [item] = items;
			const text = Buffer.from(String(item.binary?.data.data), 'base64').toString('utf8');
			const fields = [
				'bucketStart',
				'groupId',
				'channel',
				'handle_time_avg',
				'count_sum',
				'abandoned_pct',
				'sentiment_min',
			];
			expect(item.json).toMatchObject({
				format,
				rows: expected.length,
				bytes: Buffer.byteLength(text),
				fields,
				fileName: `cxone-analytics_2024-01-01_2024-01-15.${format}`,
			});
			expect(item.pairedItem).toEqual({ item: 0 });
			if (format === 'ndjson') {
				expect(
					text
						.trimEnd()
						.split('\n')
						.map((line) => JSON.parse(line) as unknown),
				).toEqual(expected);
			} else {
				const lines = text.trimEnd().split('\r\n');
				expect(lines[0]).toBe(fields.join(','));
				expect(lines.slice(1)).toEqual(
					expected.map((row) =>
						fields.map((field) => (row[field] === null ? '' : String(row[field]))).join(','),
					),
				);
			}
		},
	);
});

describe('50 concurrent executions against one tenant on the flaky profile', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startSimulatorProcess({ seed: 9, profile: 'flaky' });
	});
	afterAll(async () => await sim.stop());

	it('all succeed with exact rows, never more than the tenant’s 5 queries at once, none left running, one token and one renewal per expiry', async () => {
		const days = Array.from({ length: 50 }, (_, i) =>
			new Date(Date.UTC(2024, 0, 1 + i)).toISOString().replace('.000', ''),
		);
		const nextDay = (day: string) =>
			new Date(Date.parse(day) + 86_400_000).toISOString().replace('.000', '');
		const runs = await Promise.all(
			days.map(async (day) => {
				// The node's default options (poll interval and all), as a scheduled workflow runs it.
				const params = {
					metrics: metrics('count:sum', 'handle_time:avg'),
					dimensions: ['group.id'],
					bucketSize: 'HOUR',
					start: day,
					end: nextDay(day),
					options: {},
				};
				const body = {
					metrics: [
						{ name: 'count', aggregation: 'sum' },
						{ name: 'handle_time', aggregation: 'avg' },
					],
					dimensions: [{ name: 'group.id' }],
					timeSeries: { bucketSize: 'HOUR', start: day, end: nextDay(day), timeZone: 'UTC' },
				};
				const [{ items, error }, expected] = await Promise.all([
					runNode(sim, params),
					truth(sim, body),
				]);
				return { day, error: error?.message, rows: items.map((item) => item.json), expected };
			}),
		);
		expect(
			runs.filter((run) => run.error !== undefined).map(({ day, error }) => [day, error]),
		).toEqual([]);
		for (const run of runs) expect([run.day, run.rows]).toEqual([run.day, run.expected]);
		const stats = await simStats(sim);
		expect(stats.maxActiveObserved).toBeLessThanOrEqual(5);
		expect(stats.activeQueries).toBe(0);
		const { tooManyRequests, unavailable, serverError, connectionReset, tokenExpired } =
			stats.faults;
		expect(
			tooManyRequests + unavailable + serverError + connectionReset + tokenExpired,
		).toBeGreaterThan(0);
		// One token for the 50 executions, then one renewal for each token the simulator let expire
		// (20 or 21 on this seed, as the executions' timing falls): the renewal is shared in the process
		// (tokenRenewal.ts), so executions that start together or find the same token refused wait for one.
		expect(stats.tokensIssued).toBe(1 + tokenExpired);
		expect(tokenExpired).toBeGreaterThan(0);
	}, 240_000);
});

describe('many requests at once against the simulator', () => {
	it("hold one listener on the execution's cancel signal, however many requests run (Node warns past 10)", async () => {
		const sim = await startSimulatorProcess({ seed: 5, extraArgs: ['--latency-ms', '20'] });
		// Counts the listeners the signal holds at once (Node warns past 10: MaxListenersExceededWarning).
		const signal = new AbortController().signal;
		let listening = 0;
		let mostListening = 0;
		const add = signal.addEventListener.bind(signal);
		const remove = signal.removeEventListener.bind(signal);
		signal.addEventListener = (...args: Parameters<AbortSignal['addEventListener']>) => {
			mostListening = Math.max(mostListening, ++listening);
			add(...args);
		};
		signal.removeEventListener = (...args: Parameters<AbortSignal['removeEventListener']>) => {
			listening--;
			remove(...args);
		};
		try {
			// Seven windows, five at a time, each reading 30 pages of 100 rows, 10 at a time, 20 ms each.
			const [, splitParams, body] = QUERIES.find(([name]) => name.startsWith('200 days'))!;
			const params = { ...splitParams, options: { ...FAST, pageSize: 100, pageConcurrency: 10 } };
			const { items, error } = await runNode(sim, params, signal);
			expect(error).toBeUndefined();
			expect(items.length).toBe((await truth(sim, body)).length);
			expect((await simStats(sim)).requests.submit).toBe(7);
			expect(mostListening).toBe(1);
		} finally {
			await sim.stop();
		}
	});
});

describe('cancellation against the simulator', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startSimulatorProcess({ seed: 3, profile: 'clean', extraArgs: ['--speed', '20'] });
	});
	afterAll(async () => await sim.stop());

	it('a cancelled execution leaves no query pending or running on the server', async () => {
		const controller = new AbortController();
		const running = runNode(sim, QUERIES[3][1], controller.signal);
		// Cancel once the simulator has accepted the query.
		for (let i = 0; i < 200 && (await simStats(sim)).requests.submit === 0; i++) {
			await request({ url: `${sim.baseUrl}/_sim/stats` });
		}
		controller.abort();
		const { error } = await running;
		expect(error?.message).toBe(
			'The execution was cancelled; the queries it started were cancelled on the server.',
		);
		const stats = await simStats(sim);
		expect(stats.requests.delete).toBe(1);
		expect(stats.activeQueries).toBe(0);
		expect(stats.queries.map((q: { deleted: boolean }) => q.deleted)).toEqual([true]);
	});
});
