import nock from 'nock';
import type { INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { NiceCxoneAnalytics } from '../../../nodes/NiceCxoneAnalytics/NiceCxoneAnalytics.node';
import { DEFAULT_PLATFORM_OPTIONS } from '../../../nodes/NiceCxoneAnalytics/transport/platform';
import { DEFAULT_RUNNER_OPTIONS } from '../../../nodes/NiceCxoneAnalytics/transport/queryRunner';
import { createContext, queryParams } from '../../support/n8nContext';

const credentials = {
	tokenUrl: 'https://login.example.test/oauth/token',
	baseUrl: 'https://api.example.test',
	clientId: 'id',
	clientSecret: 'secret',
};

const metrics = (...values: unknown[]) => ({ metric: values.map((metric) => ({ metric })) });
const jsonFilter = (filter: unknown) => ({
	filterMode: 'json',
	filterJson: JSON.stringify(filter),
});
const eq = (value: unknown) => ({ type: 'equals', field: 'channel', value });
const nested = (depth: number): unknown =>
	depth === 0 ? eq('voice') : { type: 'and', filters: [nested(depth - 1)] };
const values = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`);
const ELEVEN_METRICS = [
	'count:sum',
	'duration:avg',
	'duration:sum',
	'duration:min',
	'duration:max',
	'handle_time:avg',
	'handle_time:sum',
	'talk_time:avg',
	'hold_time:avg',
	'acw_time:avg',
	'queue_time:avg',
];

// [case, parameter overrides, field named in the error, message]
const BAD_INPUTS: Array<[string, Record<string, unknown>, string, string]> = [
	[
		'no metric',
		{ metrics: metrics() },
		'Metrics',
		'No metric is selected. Add at least one metric, for example Contacts (Sum).',
	],
	[
		'11 metrics',
		{ metrics: metrics(...ELEVEN_METRICS) },
		'Metrics',
		'11 metrics are selected; the API allows 10. Remove some or split them over two nodes.',
	],
	[
		'unknown metric',
		{ metrics: metrics('foo:sum') },
		'Metrics › Metric 1',
		"Metrics › Metric 1: 'foo' is not a CXone metric. Choose one from the list, e.g. count, handle_time, abandoned.",
	],
	[
		'invalid pair',
		{ metrics: metrics('count:sum', 'count:avg') },
		'Metrics › Metric 2',
		"Metrics › Metric 2: 'count' cannot be aggregated with 'avg'. Use sum.",
	],
	[
		'pct of a duration',
		{ metrics: metrics('queue_time:sum') },
		'Metrics › Metric 1',
		"Metrics › Metric 1: 'queue_time' cannot be aggregated with 'sum'. Use avg, max.",
	],
	[
		'no aggregation',
		{ metrics: metrics('handle_time') },
		'Metrics › Metric 1',
		"Metrics › Metric 1 is 'handle_time'; write it as metric:aggregation, for example handle_time:avg.",
	],
	[
		'extra part',
		{ metrics: metrics('handle_time:avg:x') },
		'Metrics › Metric 1',
		"Metrics › Metric 1 is 'handle_time:avg:x'; write it as metric:aggregation, for example handle_time:avg.",
	],
	[
		'number as metric',
		{ metrics: metrics(42) },
		'Metrics › Metric 1',
		"Metrics › Metric 1 is '42'; write it as metric:aggregation, for example handle_time:avg.",
	],
	[
		'repeated metric',
		{ metrics: metrics('count:sum', 'count:sum') },
		'Metrics › Metric 2',
		"Metrics › Metric 2: 'count:sum' is selected twice. Remove the repeat.",
	],
	[
		'6 dimensions',
		{ dimensions: ['group.id', 'team.id', 'skill.id', 'agent.id', 'channel', 'direction'] },
		'Dimensions',
		'6 dimensions are selected; the API allows 5. Remove some, or filter instead of grouping.',
	],
	[
		'unknown dimension',
		{ dimensions: ['queue.id'] },
		'Dimensions',
		"Dimension 'queue.id' is unknown. Use group.id, team.id, skill.id, agent.id, channel, direction, disposition.",
	],
	[
		'repeated dimension',
		{ dimensions: ['channel', 'channel'] },
		'Dimensions',
		"Dimension 'channel' is selected twice. Remove the repeat.",
	],
	[
		'unknown bucket size',
		{ bucketSize: 'MINUTE' },
		'Bucket Size',
		"Bucket Size 'MINUTE' is unknown. Use FIFTEEN_MINUTES, THIRTY_MINUTES, HOUR, DAY, WEEK, MONTH.",
	],
	[
		'unknown time zone',
		{ options: { timeZone: 'Mars/Olympus' } },
		'Time Zone',
		"Time Zone 'Mars/Olympus' is not an IANA time zone. Use a name such as Europe/Berlin, America/New_York or UTC.",
	],
	[
		'empty start',
		{ start: '' },
		'Start',
		"Start '' is not a date-time. Use ISO-8601, for example 2024-01-31T00:00:00Z, or an expression such as {{ $now.minus({ days: 1 }) }}.",
	],
	[
		'word as start',
		{ start: 'last tuesday' },
		'Start',
		"Start 'last tuesday' is not a date-time. Use ISO-8601, for example 2024-01-31T00:00:00Z, or an expression such as {{ $now.minus({ days: 1 }) }}.",
	],
	[
		'impossible end',
		{ end: '2024-02-30T00:00:00Z' },
		'End',
		"End '2024-02-30T00:00:00Z' is not a date-time. Use ISO-8601, for example 2024-01-31T00:00:00Z, or an expression such as {{ $now.minus({ days: 1 }) }}.",
	],
	[
		'end before start',
		{ end: '2023-12-31T00:00:00Z' },
		'End',
		'End (2023-12-31T00:00:00.000Z) is not after Start (2024-01-01T00:00:00.000Z). Set End later than Start; End is exclusive.',
	],
	[
		'end equals start',
		{ end: '2024-01-01T00:00:00Z' },
		'End',
		'End (2024-01-01T00:00:00.000Z) is not after Start (2024-01-01T00:00:00.000Z). Set End later than Start; End is exclusive.',
	],
	[
		'zero days',
		{ timeRange: 'lastNDays', days: 0 },
		'Number of Days',
		'Number of Days is 0; it must be a whole number from 1 to 3660.',
	],
	[
		'fractional days',
		{ timeRange: 'lastNDays', days: 2.5 },
		'Number of Days',
		'Number of Days is 2.5; it must be a whole number from 1 to 3660.',
	],
	[
		'unknown preset',
		{ timeRange: 'fortnight' },
		'Time Range',
		"Time Range 'fortnight' is unknown. Use one of: yesterday, today, lastNDays, lastWeek, monthToDate, lastMonth, custom.",
	],
	[
		'filter JSON syntax',
		{ filterMode: 'json', filterJson: '{"type": "equals",' },
		'Filter (JSON)',
		'Filter (JSON) is not valid JSON. Fix the syntax, or switch Filter to Conditions.',
	],
	[
		'filter is a list',
		jsonFilter([eq('voice')]),
		'Filter',
		'Filter must be an object such as {"type":"equals","field":"channel","value":"voice"}.',
	],
	[
		'filter type unknown',
		jsonFilter({ type: 'like', field: 'channel', value: 'v%' }),
		'Filter.type',
		"Filter.type 'like' is unknown. Use equals, notEquals, in, and or or.",
	],
	[
		'filter field not a dimension',
		jsonFilter({ type: 'equals', field: 'queue', value: 'q1' }),
		'Filter.field',
		"Filter.field 'queue' is not a dimension. Use group.id, team.id, skill.id, agent.id, channel, direction, disposition.",
	],
	[
		'filter value a number',
		jsonFilter(eq(5)),
		'Filter.value',
		'Filter.value must be a non-empty text value, for example "grp_001"; it is 5.',
	],
	[
		'filter value empty',
		jsonFilter(eq('')),
		'Filter.value',
		'Filter.value must be a non-empty text value, for example "grp_001"; it is "".',
	],
	[
		'filter value missing',
		jsonFilter({ type: 'notEquals', field: 'channel' }),
		'Filter.value',
		'Filter.value must be a non-empty text value, for example "grp_001"; it is missing.',
	],
	[
		'in without values',
		jsonFilter({ type: 'in', field: 'group.id', values: [] }),
		'Filter.values',
		'Filter.values must be a list of 1 to 100 values; it has 0.',
	],
	[
		'in with 101 values',
		jsonFilter({ type: 'in', field: 'group.id', values: values(101) }),
		'Filter.values',
		'Filter.values must be a list of 1 to 100 values; it has 101.',
	],
	[
		'in with a number',
		jsonFilter({ type: 'in', field: 'group.id', values: ['grp_001', 7] }),
		'Filter.values[1]',
		'Filter.values[1] must be a non-empty text value, for example "grp_001"; it is 7.',
	],
	[
		'and without members',
		jsonFilter({ type: 'and', filters: [] }),
		'Filter.filters',
		'Filter.filters must hold 1 to 10 filters; it has 0.',
	],
	[
		'or with 11 members',
		jsonFilter({ type: 'or', filters: Array.from({ length: 11 }, () => eq('voice')) }),
		'Filter.filters',
		'Filter.filters must hold 1 to 10 filters; it has 11.',
	],
	[
		'bad member deep inside',
		jsonFilter({
			type: 'or',
			filters: [eq('voice'), { type: 'and', filters: [eq('chat'), eq(null)] }],
		}),
		'Filter.filters[1].filters[1].value',
		'Filter.filters[1].filters[1].value must be a non-empty text value, for example "grp_001"; it is null.',
	],
	[
		'4 levels of and/or',
		jsonFilter(nested(4)),
		'Filter.filters[0].filters[0].filters[0]',
		'Filter.filters[0].filters[0].filters[0] nests and/or 4 levels deep; the API allows 3. Flatten the filter.',
	],
	[
		'condition "is one of" with no values',
		{
			filterMode: 'conditions',
			filterCombinator: 'and',
			filterConditions: { condition: [{ field: 'group.id', operator: 'in', value: ' , ,' }] },
		},
		'Filter.values',
		'Filter.values must be a list of 1 to 100 values; it has 0.',
	],
	[
		'page size 0',
		{ options: { pageSize: 0 } },
		'Options › Page Size',
		'Options › Page Size is 0; it must be a whole number from 1 to 1000.',
	],
	[
		'page size 1001',
		{ options: { pageSize: 1001 } },
		'Options › Page Size',
		'Options › Page Size is 1001; it must be a whole number from 1 to 1000.',
	],
	[
		'page concurrency 11',
		{ options: { pageConcurrency: 11 } },
		'Options › Page Concurrency',
		'Options › Page Concurrency is 11; it must be a whole number from 1 to 10.',
	],
	[
		'negative poll interval',
		{ options: { pollIntervalSeconds: -1 } },
		'Options › Poll Interval (Seconds)',
		'Options › Poll Interval (Seconds) is -1; it must be a number above 0.',
	],
	[
		'max poll below first',
		{ options: { pollIntervalSeconds: 2, maxPollIntervalSeconds: 1 } },
		'Options › Max Poll Interval (Seconds)',
		'Max Poll Interval (1 s) is shorter than Poll Interval (2 s). Raise it or lower Poll Interval.',
	],
	[
		'zero timeout',
		{ options: { timeoutSeconds: 0 } },
		'Options › Timeout (Seconds)',
		'Options › Timeout (Seconds) is 0; it must be a number above 0.',
	],
	[
		'limit 0',
		{ returnAll: false, limit: 0 },
		'Limit',
		'Limit is 0; it must be a whole number of at least 1.',
	],
];

describe('Run Aggregation Query: bad parameters are refused before anything is sent', () => {
	beforeAll(() => nock.disableNetConnect());
	// nock patches the worker's own `http` module, which every test file of the worker shares: restored, it
	// leaves the real HTTP of later files alone (stacked with another file's nock, it makes each socket
	// read add a 'connect' listener: MaxListenersExceededWarning).
	afterAll(() => {
		nock.enableNetConnect();
		nock.restore();
	});
	afterEach(() => nock.cleanAll());

	it('covers at least 30 bad inputs', () => {
		expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(30);
	});

	it.each(BAD_INPUTS)('%s', async (_name, overrides, field, message) => {
		const { ctx, log } = createContext({ params: queryParams(overrides), credentials });
		const error = await new NiceCxoneAnalytics().execute.call(ctx).then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toBe(message);
		expect((error as NodeOperationError).description).toBe(`Field: ${field}`);
		expect(log.tokenRequests).toBe(0);
		expect(log.apiRequests).toEqual([]);
	});

	/** A token and one query whose result is `results`, its submitted body handed to `onSubmit`. */
	const oneQuery = (results: unknown[], onSubmit: (body: unknown) => void = () => {}) => {
		nock(credentials.tokenUrl.replace('/oauth/token', ''))
			.post('/oauth/token')
			.reply(200, { access_token: 'tok', token_type: 'Bearer', expires_in: 3600 });
		nock(credentials.baseUrl)
			.post('/api/v2/analytics/query', (body: unknown) => {
				onSubmit(body);
				return true;
			})
			.reply(202, { id: 'qry_1', status: 'PENDING' })
			.get('/api/v2/analytics/query/qry_1')
			.query(true)
			.reply(200, {
				id: 'qry_1',
				status: 'COMPLETED',
				totalCount: results.length,
				offset: 0,
				limit: 1000,
				results,
			});
	};

	it('with Continue On Fail, a bad item becomes an error item and the good one still runs', async () => {
		oneQuery([
			{
				timeSeries: '2024-01-01T00:00:00Z',
				dimensions: {},
				metrics: [{ name: 'count', aggregation: 'sum', value: 3 }],
			},
		]);
		const { ctx } = createContext({
			params: queryParams({
				metrics: metrics('count:sum'),
				dimensions: [],
				options: { pollIntervalSeconds: 0.01 },
			}),
			itemParams: [{ bucketSize: 'MINUTE' }, {}],
			items: [{ json: {} }, { json: {} }],
			credentials,
			continueOnFail: true,
		});
		const [output] = await new NiceCxoneAnalytics().execute.call(ctx);
		expect(output).toEqual([
			{
				json: {
					error:
						"Bucket Size 'MINUTE' is unknown. Use FIFTEEN_MINUTES, THIRTY_MINUTES, HOUR, DAY, WEEK, MONTH.",
					errorDetails: 'Field: Bucket Size',
				},
				pairedItem: { item: 0 },
			},
			{ json: { bucketStart: '2024-01-01T00:00:00Z', count_sum: 3 }, pairedItem: { item: 1 } },
		]);
	});

	it.each([
		[false, '2024-03-31T00:00:00Z'],
		[true, '2024-03-31T10:07:00Z'],
	])('Last N Days with Include Today %s: the query ends at %s', async (includeToday, end) => {
		jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2024-03-31T10:07:00Z'));
		let sent: { timeSeries?: { start: string; end: string } } = {};
		oneQuery([], (body) => (sent = body as typeof sent));
		const { ctx } = createContext({
			params: queryParams({
				metrics: metrics('count:sum'),
				dimensions: [],
				bucketSize: 'FIFTEEN_MINUTES',
				timeRange: 'lastNDays',
				days: 3,
				includeToday,
				options: { timeZone: 'UTC', pollIntervalSeconds: 0.01 },
			}),
			credentials,
		});
		await new NiceCxoneAnalytics().execute.call(ctx).finally(() => jest.restoreAllMocks());
		expect(sent.timeSeries).toMatchObject({ start: '2024-03-28T00:00:00Z', end });
	});
});

describe('option defaults', () => {
	const properties = new NiceCxoneAnalytics().description.properties;
	const optionDefault = (operation: string, name: string) => {
		const options = properties.find(
			(p) => p.name === 'options' && p.displayOptions?.show?.operation?.includes(operation),
		);
		return (options?.options as INodeProperties[]).find((option) => option.name === name)?.default;
	};

	it('Run Aggregation Query shows the defaults its runner uses', () => {
		expect(optionDefault('runAggregationQuery', 'pageSize')).toBe(DEFAULT_RUNNER_OPTIONS.pageSize);
		expect(optionDefault('runAggregationQuery', 'pageConcurrency')).toBe(
			DEFAULT_RUNNER_OPTIONS.pageConcurrency,
		);
		expect(optionDefault('runAggregationQuery', 'pollIntervalSeconds')).toBe(
			DEFAULT_RUNNER_OPTIONS.pollFirstMs / 1000,
		);
		expect(optionDefault('runAggregationQuery', 'maxPollIntervalSeconds')).toBe(
			DEFAULT_RUNNER_OPTIONS.pollMaxMs / 1000,
		);
		expect(optionDefault('runAggregationQuery', 'timeoutSeconds')).toBe(
			DEFAULT_RUNNER_OPTIONS.timeoutMs / 1000,
		);
	});

	it('the platform operations show the defaults their transport uses', () => {
		for (const operation of ['aggregateCompletedContacts', 'getSkillSummary', 'runReportJob']) {
			expect(optionDefault(operation, 'timeoutSeconds')).toBe(
				DEFAULT_PLATFORM_OPTIONS.timeoutMs / 1000,
			);
		}
		expect(optionDefault('aggregateCompletedContacts', 'pageConcurrency')).toBe(
			DEFAULT_PLATFORM_OPTIONS.pageConcurrency,
		);
	});
});
