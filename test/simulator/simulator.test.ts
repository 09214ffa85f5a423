/**
 * The simulator serves the analytics-v2 contract (docs/api/analytics-v2.md) over real HTTP. These
 * tests start it as a child process and speak to it the way the node does.
 */
import { checkPageSerialisation, startSimulatorProcess } from '../support/simulator';
import { basicAuth, request, wait } from '../support/http';

type Simulator = Awaited<ReturnType<typeof startSimulatorProcess>>;
type Response = Awaited<ReturnType<typeof request>>;
type QueryBody = Record<string, unknown>;
interface Row {
	timeSeries: string;
	dimensions: Record<string, string>;
	metrics: Array<{ name: string; aggregation: string; value: number }>;
}

const QUERY_PATH = '/api/v2/analytics/query';
const FORM = 'application/x-www-form-urlencoded';

function dayQuery(overrides: QueryBody = {}): QueryBody {
	return {
		metrics: [
			{ name: 'count', aggregation: 'sum' },
			{ name: 'duration', aggregation: 'avg' },
		],
		dimensions: [{ name: 'agent.id' }],
		timeSeries: {
			bucketSize: 'DAY',
			start: '2024-01-01T00:00:00Z',
			end: '2024-02-01T00:00:00Z',
			timeZone: 'UTC',
		},
		...overrides,
	};
}

function series(bucketSize: string, start: string, end: string, timeZone = 'UTC') {
	return { bucketSize, start, end, timeZone };
}

async function fetchToken(
	sim: Simulator,
	{ viewer = false, scope = 'analytics:query analytics:view' } = {},
): Promise<string> {
	const response = await request({
		method: 'POST',
		url: sim.tokenUrl,
		headers: {
			Authorization: viewer
				? basicAuth(sim.viewerClientId, sim.viewerClientSecret)
				: basicAuth(sim.clientId, sim.clientSecret),
			'Content-Type': FORM,
		},
		body: `grant_type=client_credentials&scope=${encodeURIComponent(scope)}`,
	});
	expect(response.status).toBe(200);
	return response.body.access_token;
}

function bearer(token: string) {
	return { Authorization: `Bearer ${token}` };
}

function submit(sim: Simulator, token: string, body: unknown): Promise<Response> {
	return request({
		method: 'POST',
		url: `${sim.baseUrl}${QUERY_PATH}`,
		headers: bearer(token),
		body,
	});
}

function getQuery(
	sim: Simulator,
	token: string,
	id: string,
	query = '',
	headers: Record<string, string> = {},
) {
	return request({
		url: `${sim.baseUrl}${QUERY_PATH}/${id}${query}`,
		headers: { ...bearer(token), ...headers },
	});
}

function deleteQuery(sim: Simulator, token: string, id: string) {
	return request({
		method: 'DELETE',
		url: `${sim.baseUrl}${QUERY_PATH}/${id}`,
		headers: bearer(token),
	});
}

/** Polls every 50 ms until the query leaves PENDING/RUNNING; returns every poll's body. */
async function pollUntilDone(sim: Simulator, token: string, id: string) {
	const polls: Array<{ status?: string; progress?: number; totalCount: number; results: Row[] }> =
		[];
	for (let attempt = 0; attempt < 400; attempt++) {
		const response = await getQuery(sim, token, id, '?limit=1000');
		expect(response.status).toBe(200);
		polls.push(response.body);
		if (response.body.status !== 'PENDING' && response.body.status !== 'RUNNING') return polls;
		await wait(50);
	}
	throw new Error(`Query ${id} did not finish`);
}

/** Submits, waits, pages through all rows (1000 at a time) and returns them. */
async function runQuery(sim: Simulator, token: string, body: QueryBody): Promise<Row[]> {
	const submitted = await submit(sim, token, body);
	expect(submitted.status).toBe(202);
	const polls = await pollUntilDone(sim, token, submitted.body.id);
	const last = polls[polls.length - 1];
	expect(last.status).toBe('COMPLETED');
	const rows: Row[] = [...last.results];
	while (rows.length < last.totalCount) {
		const page = await getQuery(sim, token, submitted.body.id, `?limit=1000&offset=${rows.length}`);
		rows.push(...page.body.results);
	}
	return rows;
}

async function truth(
	sim: Simulator,
	body: QueryBody,
): Promise<{ rows: Row[]; totalCount: number }> {
	const response = await request({ method: 'POST', url: `${sim.baseUrl}/_sim/truth`, body });
	expect(response.status).toBe(200);
	return response.body;
}

function metricValue(row: Row, name: string, aggregation: string): number {
	const metric = row.metrics.find(
		(entry) => entry.name === name && entry.aggregation === aggregation,
	);
	if (metric === undefined) throw new Error(`No ${name}/${aggregation} in row`);
	return metric.value;
}

function sumCounts(rows: Row[]): number {
	return rows.reduce((total, row) => total + metricValue(row, 'count', 'sum'), 0);
}

describe('simulator, clean profile', () => {
	let sim: Simulator;
	let token: string;

	beforeAll(async () => {
		sim = await startSimulatorProcess({ seed: 1, profile: 'clean' });
		token = await fetchToken(sim);
	});
	afterAll(async () => {
		await sim?.stop();
	});
	beforeEach(async () => {
		await request({ method: 'POST', url: `${sim.baseUrl}/_sim/reset` });
	});

	describe('POST /oauth/token', () => {
		const tokenRequest = (headers: Record<string, string>, body: unknown) =>
			request({ method: 'POST', url: sim.tokenUrl, headers, body });

		it('issues a bearer token for a form body with Basic authentication', async () => {
			const response = await tokenRequest(
				{ Authorization: basicAuth(sim.clientId, sim.clientSecret), 'Content-Type': FORM },
				'grant_type=client_credentials&scope=analytics%3Aquery+analytics%3Aview',
			);
			expect(response.status).toBe(200);
			expect(response.body).toEqual({
				access_token: expect.any(String),
				token_type: 'Bearer',
				expires_in: 3600,
				scope: 'analytics:query analytics:view',
			});
		});

		it('rejects a JSON body with 400 invalid_request', async () => {
			const response = await tokenRequest(
				{ Authorization: basicAuth(sim.clientId, sim.clientSecret) },
				{ grant_type: 'client_credentials' },
			);
			expect(response.status).toBe(400);
			expect(response.body.error).toBe('invalid_request');
		});

		it('rejects credentials in the body with 401 invalid_client', async () => {
			const body = `grant_type=client_credentials&client_id=${sim.clientId}&client_secret=${sim.clientSecret}`;
			const response = await tokenRequest({ 'Content-Type': FORM }, body);
			expect(response.status).toBe(401);
			expect(response.body.error).toBe('invalid_client');
		});

		it('rejects a wrong secret with 401 invalid_client', async () => {
			const response = await tokenRequest(
				{ Authorization: basicAuth(sim.clientId, 'wrong'), 'Content-Type': FORM },
				'grant_type=client_credentials',
			);
			expect(response.status).toBe(401);
			expect(response.body.error).toBe('invalid_client');
		});

		it('rejects another grant type with 400 unsupported_grant_type', async () => {
			const response = await tokenRequest(
				{ Authorization: basicAuth(sim.clientId, sim.clientSecret), 'Content-Type': FORM },
				'grant_type=password',
			);
			expect(response.status).toBe(400);
			expect(response.body.error).toBe('unsupported_grant_type');
		});

		it('drops scopes the viewer client does not hold; the viewer reads but cannot submit', async () => {
			const response = await tokenRequest(
				{
					Authorization: basicAuth(sim.viewerClientId, sim.viewerClientSecret),
					'Content-Type': FORM,
				},
				'grant_type=client_credentials&scope=analytics%3Aquery+analytics%3Aview',
			);
			expect(response.body.scope).toBe('analytics:view');
			const viewerToken = response.body.access_token;
			const submitted = await submit(sim, viewerToken, dayQuery());
			expect(submitted.status).toBe(403);
			expect(submitted.body.error).toBe('insufficient_scope');
			expect((await getQuery(sim, viewerToken, 'qry_unknown')).status).toBe(404);
			expect((await deleteQuery(sim, viewerToken, 'qry_unknown')).status).toBe(403);
		});

		it('answers 401 invalid_token to a missing or unknown token', async () => {
			const missing = await request({
				method: 'POST',
				url: `${sim.baseUrl}${QUERY_PATH}`,
				body: dayQuery(),
			});
			expect(missing.status).toBe(401);
			expect(missing.body.error).toBe('invalid_token');
			const unknown = await getQuery(sim, 'not-a-token', 'qry_x');
			expect(unknown.status).toBe(401);
			expect(unknown.body.error).toBe('invalid_token');
		});
	});

	describe('POST /api/v2/analytics/query validation', () => {
		const oneMetric = [{ name: 'count', aggregation: 'sum' }];
		const day = series('DAY', '2024-01-01T00:00:00Z', '2024-01-08T00:00:00Z');
		const nest = (depth: number): unknown =>
			depth === 0
				? { type: 'equals', field: 'channel', value: 'voice' }
				: { type: 'and', filters: [nest(depth - 1)] };

		const cases: Array<[string, string, unknown]> = [
			['no metrics', 'metrics', { timeSeries: day }],
			['11 metrics', 'metrics', { metrics: Array(11).fill(oneMetric[0]), timeSeries: day }],
			[
				'an unknown metric',
				'metrics[0].name',
				{ metrics: [{ name: 'speed', aggregation: 'avg' }], timeSeries: day },
			],
			[
				'an aggregation the metric does not allow',
				'metrics[3].aggregation',
				{
					metrics: [...Array(3).fill(oneMetric[0]), { name: 'queue_time', aggregation: 'sum' }],
					timeSeries: day,
				},
			],
			[
				'6 dimensions',
				'dimensions',
				{
					metrics: oneMetric,
					dimensions: ['group.id', 'team.id', 'skill.id', 'agent.id', 'channel', 'direction'].map(
						(name) => ({ name }),
					),
					timeSeries: day,
				},
			],
			[
				'an unknown dimension',
				'dimensions[1].name',
				{
					metrics: oneMetric,
					dimensions: [{ name: 'channel' }, { name: 'queue' }],
					timeSeries: day,
				},
			],
			[
				'a repeated dimension',
				'dimensions[1].name',
				{
					metrics: oneMetric,
					dimensions: [{ name: 'channel' }, { name: 'channel' }],
					timeSeries: day,
				},
			],
			[
				'an unknown filter type',
				'filter.type',
				{
					metrics: oneMetric,
					filter: { type: 'like', field: 'channel', value: 'v' },
					timeSeries: day,
				},
			],
			[
				'a filter field that is not a dimension',
				'filter.field',
				{
					metrics: oneMetric,
					filter: { type: 'equals', field: 'duration', value: '1' },
					timeSeries: day,
				},
			],
			[
				'a non-string filter value',
				'filter.value',
				{
					metrics: oneMetric,
					filter: { type: 'equals', field: 'channel', value: 3 },
					timeSeries: day,
				},
			],
			[
				'101 values in an in filter',
				'filter.values',
				{
					metrics: oneMetric,
					filter: { type: 'in', field: 'agent.id', values: Array(101).fill('agent_001') },
					timeSeries: day,
				},
			],
			[
				'an empty in filter inside and',
				'filter.filters[0].values',
				{
					metrics: oneMetric,
					filter: { type: 'and', filters: [{ type: 'in', field: 'channel', values: [] }] },
					timeSeries: day,
				},
			],
			[
				'11 members in or',
				'filter.filters',
				{
					metrics: oneMetric,
					filter: { type: 'or', filters: Array(11).fill(nest(0)) },
					timeSeries: day,
				},
			],
			[
				'4 levels of and/or',
				'filter.filters[0].filters[0].filters[0]',
				{ metrics: oneMetric, filter: nest(4), timeSeries: day },
			],
			['no timeSeries', 'timeSeries', { metrics: oneMetric }],
			[
				'an unknown bucket size',
				'timeSeries.bucketSize',
				{ metrics: oneMetric, timeSeries: { ...day, bucketSize: 'YEAR' } },
			],
			[
				'a date-only start',
				'timeSeries.start',
				{ metrics: oneMetric, timeSeries: { ...day, start: '2024-01-01' } },
			],
			[
				'a zone-less end',
				'timeSeries.end',
				{ metrics: oneMetric, timeSeries: { ...day, end: '2024-01-08T00:00:00' } },
			],
			[
				'end before start',
				'timeSeries.end',
				{ metrics: oneMetric, timeSeries: { ...day, end: '2023-12-31T00:00:00Z' } },
			],
			[
				'366 days of hours',
				'timeSeries.end',
				{
					metrics: oneMetric,
					timeSeries: series('HOUR', '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
				},
			],
			[
				'32 days of 15 minutes',
				'timeSeries.end',
				{
					metrics: oneMetric,
					timeSeries: series('FIFTEEN_MINUTES', '2024-01-01T00:00:00Z', '2024-02-02T00:00:00Z'),
				},
			],
			[
				'an unknown time zone',
				'timeSeries.timeZone',
				{ metrics: oneMetric, timeSeries: { ...day, timeZone: 'Europe/Atlantis' } },
			],
		];

		it.each(cases)('rejects %s, naming %s', async (_label, field, body) => {
			const response = await submit(sim, token, body);
			expect(response.status).toBe(400);
			expect(response.body.error).toBe('invalid_request');
			expect(response.body.details).toContainEqual({ field, problem: expect.any(String) });
		});

		it('reports every problem of a body at once', async () => {
			const response = await submit(sim, token, {
				metrics: [{ name: 'count', aggregation: 'avg' }],
				dimensions: [{ name: 'nope' }],
				timeSeries: { ...day, timeZone: 'Nowhere/Else' },
			});
			expect(response.body.details.map((detail: { field: string }) => detail.field)).toEqual([
				'metrics[0].aggregation',
				'dimensions[0].name',
				'timeSeries.timeZone',
			]);
		});

		const accepted: Array<[string, QueryBody]> = [
			[
				'exactly 365 days of hours',
				{
					metrics: oneMetric,
					timeSeries: series('HOUR', '2023-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
				},
			],
			[
				'exactly 31 days of 15 minutes',
				{
					metrics: oneMetric,
					timeSeries: series('FIFTEEN_MINUTES', '2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z'),
				},
			],
			['3 levels of and/or', { metrics: oneMetric, filter: nest(3), timeSeries: day }],
			[
				'offsets instead of Z, and limit/offset in the body',
				{
					metrics: oneMetric,
					timeSeries: series('DAY', '2024-01-01T00:00:00+01:00', '2024-01-03T00:00:00-05:00'),
					limit: 5,
					offset: 10,
				},
			],
		];

		it.each(accepted)('accepts %s', async (_label, body) => {
			const response = await submit(sim, token, body);
			expect(response.status).toBe(202);
			await deleteQuery(sim, token, response.body.id);
		});

		it('answers 415 to a body that is not application/json', async () => {
			const response = await request({
				method: 'POST',
				url: `${sim.baseUrl}${QUERY_PATH}`,
				headers: { ...bearer(token), 'Content-Type': 'text/plain' },
				body: JSON.stringify(dayQuery()),
			});
			expect(response.status).toBe(415);
		});

		it('answers result_too_large when buckets × distinct dimension values exceed 1,000,000', async () => {
			const response = await submit(sim, token, {
				metrics: oneMetric,
				dimensions: [{ name: 'agent.id' }, { name: 'channel' }],
				timeSeries: series('HOUR', '2024-01-01T00:00:00Z', '2024-12-31T00:00:00Z'),
			});
			expect(response.status).toBe(400);
			// 8760 hours × 40 agents × 5 channels.
			expect(response.body).toMatchObject({
				error: 'result_too_large',
				estimatedRows: 1_752_000,
				maxRows: 1_000_000,
			});
		});
	});

	describe('query lifecycle and paging', () => {
		it('goes PENDING → RUNNING (with progress) → COMPLETED over several polls', async () => {
			const submitted = await submit(sim, token, dayQuery());
			expect(submitted.status).toBe(202);
			expect(submitted.body).toEqual({ id: expect.stringMatching(/^qry_/), status: 'PENDING' });
			expect(submitted.headers.location).toBe(`${QUERY_PATH}/${submitted.body.id}`);

			const polls = await pollUntilDone(sim, token, submitted.body.id);
			const statuses = polls.map((poll) => poll.status);
			expect(statuses[0]).toBe('PENDING');
			expect(statuses).toContain('RUNNING');
			expect(statuses[statuses.length - 1]).toBe('COMPLETED');
			expect(polls.length).toBeGreaterThanOrEqual(4);
			const progresses = polls
				.filter((poll) => poll.status === 'RUNNING')
				.map((poll) => poll.progress);
			for (const progress of progresses) expect(progress).toBeGreaterThan(0);
			for (const progress of progresses) expect(progress).toBeLessThan(1);
			expect(polls[0].results).toBeUndefined();
		});

		it('pages with totalCount and Content-Range, and an empty page past the end', async () => {
			const submitted = await submit(sim, token, dayQuery());
			await pollUntilDone(sim, token, submitted.body.id);
			const id = submitted.body.id;

			const first = await getQuery(sim, token, id, '?limit=500&offset=0');
			expect(first.status).toBe(200);
			// 31 days × 40 agents, every agent busy every day.
			expect(first.body).toMatchObject({
				id,
				status: 'COMPLETED',
				totalCount: 1240,
				offset: 0,
				limit: 500,
			});
			expect(first.body.results).toHaveLength(500);
			expect(first.headers['content-range']).toBe('items 0-499/1240');

			const last = await getQuery(sim, token, id, '?limit=500&offset=1000');
			expect(last.body.results).toHaveLength(240);
			expect(last.headers['content-range']).toBe('items 1000-1239/1240');

			const past = await getQuery(sim, token, id, '?offset=1240');
			expect(past.status).toBe(200);
			expect(past.body.results).toEqual([]);
			expect(past.headers['content-range']).toBe('items */1240');

			const defaults = await getQuery(sim, token, id);
			expect(defaults.body).toMatchObject({ offset: 0, limit: 500 });
		});

		it('honours a Range header, cut to 1000 items; query parameters win', async () => {
			const submitted = await submit(sim, token, dayQuery());
			await pollUntilDone(sim, token, submitted.body.id);
			const id = submitted.body.id;

			const ranged = await getQuery(sim, token, id, '', { Range: 'items=100-5000' });
			expect(ranged.status).toBe(200);
			expect(ranged.body).toMatchObject({ offset: 100, limit: 1000 });
			expect(ranged.headers['content-range']).toBe('items 100-1099/1240');

			const both = await getQuery(sim, token, id, '?offset=5&limit=10', { Range: 'items=0-99' });
			expect(both.headers['content-range']).toBe('items 5-14/1240');
			const mixed = await getQuery(sim, token, id, '?limit=10', { Range: 'items=20-99' });
			expect(mixed.headers['content-range']).toBe('items 20-29/1240');
		});

		it.each(['?limit=0', '?limit=1001', '?limit=abc', '?offset=-1', '?offset=1.5'])(
			'answers 400 to %s',
			async (query) => {
				const submitted = await submit(sim, token, dayQuery());
				await pollUntilDone(sim, token, submitted.body.id);
				const response = await getQuery(sim, token, submitted.body.id, query);
				expect(response.status).toBe(400);
				expect(response.body.error).toBe('invalid_request');
			},
		);

		it('rows follow the contract shape and order', async () => {
			const rows = await runQuery(sim, token, {
				metrics: [
					{ name: 'sentiment', aggregation: 'avg' },
					{ name: 'count', aggregation: 'sum' },
					{ name: 'abandoned', aggregation: 'pct' },
				],
				dimensions: [{ name: 'skill.id' }, { name: 'channel' }],
				timeSeries: series('DAY', '2024-01-01T00:00:00Z', '2024-01-04T00:00:00Z'),
			});
			expect(rows.length).toBeGreaterThan(0);
			for (const row of rows) {
				expect(row.timeSeries).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
				expect(Object.keys(row.dimensions)).toEqual(['skill.id', 'channel']);
				expect(row.metrics.map((metric) => `${metric.name}/${metric.aggregation}`)).toEqual([
					'sentiment/avg',
					'count/sum',
					'abandoned/pct',
				]);
				expect(metricValue(row, 'count', 'sum')).toBeGreaterThan(0);
				expect(metricValue(row, 'abandoned', 'pct')).toBeGreaterThanOrEqual(0);
				expect(metricValue(row, 'abandoned', 'pct')).toBeLessThanOrEqual(100);
				expect(Math.abs(metricValue(row, 'sentiment', 'avg'))).toBeLessThanOrEqual(1);
			}
			const keys = rows.map((row) =>
				[row.timeSeries, row.dimensions['skill.id'], row.dimensions.channel].join('\u0000'),
			);
			expect(keys).toEqual([...keys].sort());
			expect(new Set(keys).size).toBe(keys.length);
		});

		it('pages concatenated equal the ground truth', async () => {
			const body = {
				metrics: [
					{ name: 'handle_time', aggregation: 'avg' },
					{ name: 'count', aggregation: 'sum' },
					{ name: 'queue_time', aggregation: 'max' },
					{ name: 'service_level', aggregation: 'pct' },
				],
				dimensions: [{ name: 'team.id' }, { name: 'direction' }],
				filter: { type: 'notEquals', field: 'disposition', value: 'abandoned' },
				timeSeries: series(
					'HOUR',
					'2024-02-01T00:00:00Z',
					'2024-02-08T00:00:00Z',
					'America/New_York',
				),
			};
			const rows = await runQuery(sim, token, body);
			const expected = await truth(sim, body);
			expect(rows.length).toBeGreaterThan(1000);
			expect(expected.totalCount).toBe(rows.length);
			expect(rows).toEqual(expected.rows);
		});
	});

	describe('404, 410 and DELETE', () => {
		it('answers 404 not_found to an unknown id, for GET and DELETE', async () => {
			const response = await getQuery(sim, token, 'qry_doesnotexist');
			expect(response.status).toBe(404);
			expect(response.body.error).toBe('not_found');
			expect((await deleteQuery(sim, token, 'qry_doesnotexist')).status).toBe(404);
		});

		it('DELETE answers 204; a later GET answers 410 cancelled', async () => {
			const submitted = await submit(sim, token, dayQuery());
			const deleted = await deleteQuery(sim, token, submitted.body.id);
			expect(deleted.status).toBe(204);
			const response = await getQuery(sim, token, submitted.body.id);
			expect(response.status).toBe(410);
			expect(response.body.error).toBe('cancelled');
		});

		it('answers 410 expired once the results have expired', async () => {
			const submitted = await submit(sim, token, dayQuery());
			await pollUntilDone(sim, token, submitted.body.id);
			await request({ method: 'POST', url: `${sim.baseUrl}/_sim/expire/${submitted.body.id}` });
			const response = await getQuery(sim, token, submitted.body.id);
			expect(response.status).toBe(410);
			expect(response.body.error).toBe('expired');
		});

		it('a query made to fail reports FAILED; the same body submitted again completes', async () => {
			await request({
				method: 'POST',
				url: `${sim.baseUrl}/_sim/faults`,
				body: { failNextQueries: 1 },
			});
			const failed = await submit(sim, token, dayQuery());
			const polls = await pollUntilDone(sim, token, failed.body.id);
			expect(polls[polls.length - 1]).toEqual({
				id: failed.body.id,
				status: 'FAILED',
				error: expect.any(String),
			});
			const retried = await submit(sim, token, dayQuery());
			const retriedPolls = await pollUntilDone(sim, token, retried.body.id);
			expect(retriedPolls[retriedPolls.length - 1].status).toBe('COMPLETED');
		});

		it('serves queued faults from /_sim/faults in order', async () => {
			await request({
				method: 'POST',
				url: `${sim.baseUrl}/_sim/faults`,
				body: {
					next: [
						{ method: 'GET', pathPrefix: QUERY_PATH, status: 503, headers: { 'Retry-After': '1' } },
					],
				},
			});
			const faulted = await getQuery(sim, token, 'qry_any');
			expect(faulted.status).toBe(503);
			expect(faulted.headers['retry-after']).toBe('1');
			expect((await getQuery(sim, token, 'qry_any')).status).toBe(404);
		});
	});

	describe('limits', () => {
		it('answers 429 with Retry-After to a sixth PENDING/RUNNING query of the tenant', async () => {
			// Slow queries, so that the first five are still running however loaded the machine is.
			const slow = await startSimulatorProcess({ extraArgs: ['--speed', '50'] });
			try {
				const token = await fetchToken(slow);
				const bodies = [1, 2, 3, 4, 5].map((day) =>
					dayQuery({
						timeSeries: series('DAY', `2024-01-0${day}T00:00:00Z`, '2024-03-01T00:00:00Z'),
					}),
				);
				const accepted = await Promise.all(bodies.map((body) => submit(slow, token, body)));
				expect(accepted.map((response) => response.status)).toEqual([202, 202, 202, 202, 202]);

				const sixth = await submit(slow, token, dayQuery());
				expect(sixth.status).toBe(429);
				expect(sixth.body.error).toBe('too_many_requests');
				expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(0);

				await deleteQuery(slow, token, accepted[0].body.id);
				expect((await submit(slow, token, dayQuery())).status).toBe(202);
				const stats = (await request({ url: `${slow.baseUrl}/_sim/stats` })).body;
				expect(stats.maxActiveObserved).toBe(5);
				expect(stats.requests.submit).toBe(7);
			} finally {
				await slow.stop();
			}
		});

		it('answers 429 when one token sends more than 600 requests in a minute', async () => {
			const busyToken = await fetchToken(sim);
			const statuses: number[] = [];
			for (let batch = 0; batch < 30; batch++) {
				const responses = await Promise.all(
					Array.from({ length: 20 }, () => getQuery(sim, busyToken, 'qry_none')),
				);
				statuses.push(...responses.map((response) => response.status));
			}
			expect(statuses.every((status) => status === 404)).toBe(true);
			const over = await getQuery(sim, busyToken, 'qry_none');
			expect(over.status).toBe(429);
			expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
			// Another token is not affected.
			expect((await getQuery(sim, token, 'qry_none')).status).toBe(404);
		});

		it('--requests-per-minute sets the limit, and 0 lifts it (for benchmarks)', async () => {
			const strict = await startSimulatorProcess({ extraArgs: ['--requests-per-minute', '3'] });
			const open = await startSimulatorProcess({ extraArgs: ['--requests-per-minute', '0'] });
			try {
				const strictToken = await fetchToken(strict);
				const strictStatuses = [];
				for (let i = 0; i < 4; i++)
					strictStatuses.push((await getQuery(strict, strictToken, 'qry_none')).status);
				expect(strictStatuses).toEqual([404, 404, 404, 429]);
				const openToken = await fetchToken(open);
				const openStatuses = await Promise.all(
					Array.from(
						{ length: 700 },
						async () => (await getQuery(open, openToken, 'qry_none')).status,
					),
				);
				expect(openStatuses.filter((status) => status !== 404)).toEqual([]);
			} finally {
				await Promise.all([strict.stop(), open.stop()]);
			}
		});
	});

	describe('time buckets', () => {
		const counts = [{ name: 'count', aggregation: 'sum' }];

		it('a DAY in Europe/Berlin starts at local midnight; the spring-forward day has 23 hours', async () => {
			const days = await truth(sim, {
				metrics: counts,
				timeSeries: series('DAY', '2024-03-29T23:00:00Z', '2024-03-31T22:00:00Z', 'Europe/Berlin'),
			});
			expect(days.rows.map((row) => row.timeSeries)).toEqual([
				'2024-03-29T23:00:00Z',
				'2024-03-30T23:00:00Z',
			]);
			const hours = await truth(sim, {
				metrics: counts,
				timeSeries: series('HOUR', '2024-03-30T23:00:00Z', '2024-03-31T22:00:00Z'),
			});
			expect(hours.rows).toHaveLength(23);
			expect(metricValue(days.rows[1], 'count', 'sum')).toBe(sumCounts(hours.rows));
		});

		it('the repeated hour when Berlin clocks go back gives two HOUR buckets with distinct UTC starts', async () => {
			const hours = await truth(sim, {
				metrics: counts,
				timeSeries: series(
					'HOUR',
					'2024-10-26T22:00:00+02:00',
					'2024-10-27T05:00:00+01:00',
					'Europe/Berlin',
				),
			});
			// Local 22:00 to 04:00 with 02:00 twice (+02:00, then +01:00): eight buckets, eight distinct UTC starts.
			expect(hours.rows.map((row) => row.timeSeries)).toEqual([
				'2024-10-26T20:00:00Z',
				'2024-10-26T21:00:00Z',
				'2024-10-26T22:00:00Z',
				'2024-10-26T23:00:00Z',
				'2024-10-27T00:00:00Z',
				'2024-10-27T01:00:00Z',
				'2024-10-27T02:00:00Z',
				'2024-10-27T03:00:00Z',
			]);
			const fallBackDay = await truth(sim, {
				metrics: counts,
				timeSeries: series('DAY', '2024-10-26T22:00:00Z', '2024-10-27T23:00:00Z', 'Europe/Berlin'),
			});
			expect(fallBackDay.rows.map((row) => row.timeSeries)).toEqual(['2024-10-26T22:00:00Z']);
			const dayHours = await truth(sim, {
				metrics: counts,
				timeSeries: series('HOUR', '2024-10-26T22:00:00Z', '2024-10-27T23:00:00Z', 'Europe/Berlin'),
			});
			expect(dayHours.rows).toHaveLength(25);
			expect(metricValue(fallBackDay.rows[0], 'count', 'sum')).toBe(sumCounts(dayHours.rows));
		});

		it('HOUR buckets in Asia/Kolkata start at half past the UTC hour', async () => {
			const hours = await truth(sim, {
				metrics: counts,
				timeSeries: series('HOUR', '2024-01-01T00:00:00Z', '2024-01-01T03:00:00Z', 'Asia/Kolkata'),
			});
			expect(hours.rows.map((row) => row.timeSeries)).toEqual([
				'2023-12-31T23:30:00Z',
				'2024-01-01T00:30:00Z',
				'2024-01-01T01:30:00Z',
				'2024-01-01T02:30:00Z',
			]);
		});

		it('WEEK buckets start on Monday and MONTH buckets on the first', async () => {
			const weeks = await truth(sim, {
				metrics: counts,
				timeSeries: series('WEEK', '2024-01-03T00:00:00Z', '2024-01-20T00:00:00Z'),
			});
			expect(weeks.rows.map((row) => row.timeSeries)).toEqual([
				'2024-01-01T00:00:00Z',
				'2024-01-08T00:00:00Z',
				'2024-01-15T00:00:00Z',
			]);
			const months = await truth(sim, {
				metrics: counts,
				timeSeries: series(
					'MONTH',
					'2024-01-15T00:00:00Z',
					'2024-03-02T00:00:00Z',
					'America/New_York',
				),
			});
			expect(months.rows.map((row) => row.timeSeries)).toEqual([
				'2024-01-01T05:00:00Z',
				'2024-02-01T05:00:00Z',
				'2024-03-01T05:00:00Z',
			]);
		});

		it('a start inside a bucket labels the row with the bucket start and counts only the in-range part', async () => {
			const partial = await truth(sim, {
				metrics: counts,
				timeSeries: series('DAY', '2024-01-02T12:00:00Z', '2024-01-03T00:00:00Z'),
			});
			const hours = await truth(sim, {
				metrics: counts,
				timeSeries: series('HOUR', '2024-01-02T12:00:00Z', '2024-01-03T00:00:00Z'),
			});
			expect(partial.rows.map((row) => row.timeSeries)).toEqual(['2024-01-02T00:00:00Z']);
			expect(metricValue(partial.rows[0], 'count', 'sum')).toBe(sumCounts(hours.rows));
		});

		it('15- and 30-minute buckets add up to the hour', async () => {
			const range = ['2024-01-02T08:00:00Z', '2024-01-02T12:00:00Z'] as const;
			const quarter = await truth(sim, {
				metrics: counts,
				timeSeries: series('FIFTEEN_MINUTES', ...range),
			});
			const half = await truth(sim, {
				metrics: counts,
				timeSeries: series('THIRTY_MINUTES', ...range),
			});
			const hour = await truth(sim, { metrics: counts, timeSeries: series('HOUR', ...range) });
			expect(quarter.rows).toHaveLength(16);
			expect(half.rows).toHaveLength(8);
			expect(sumCounts(quarter.rows)).toBe(sumCounts(hour.rows));
			expect(sumCounts(half.rows)).toBe(sumCounts(hour.rows));
		});
	});

	describe('data', () => {
		const week = series('DAY', '2024-01-01T00:00:00Z', '2024-01-08T00:00:00Z');

		it('avg is weighted over all contacts of the row; pct is a share of them', async () => {
			const { rows } = await truth(sim, {
				metrics: [
					{ name: 'count', aggregation: 'sum' },
					{ name: 'duration', aggregation: 'sum' },
					{ name: 'duration', aggregation: 'avg' },
					{ name: 'abandoned', aggregation: 'sum' },
					{ name: 'abandoned', aggregation: 'pct' },
					{ name: 'talk_time', aggregation: 'min' },
				],
				dimensions: [{ name: 'channel' }],
				timeSeries: week,
			});
			for (const row of rows) {
				const count = metricValue(row, 'count', 'sum');
				expect(metricValue(row, 'duration', 'avg')).toBeCloseTo(
					metricValue(row, 'duration', 'sum') / count,
					3,
				);
				expect(metricValue(row, 'abandoned', 'pct')).toBeCloseTo(
					(100 * metricValue(row, 'abandoned', 'sum')) / count,
					3,
				);
			}
			// Abandoned contacts have no talk time.
			const voice = rows.filter((row) => row.dimensions.channel === 'voice');
			expect(voice.some((row) => metricValue(row, 'talk_time', 'min') === 0)).toBe(true);
		});

		it('filters select contacts by their dimension values (equals, notEquals, in, and, or)', async () => {
			const byChannel = await truth(sim, {
				metrics: [{ name: 'count', aggregation: 'sum' }],
				dimensions: [{ name: 'channel' }],
				timeSeries: week,
			});
			const countOf = (rows: Row[], channel: string) =>
				rows
					.filter((row) => row.dimensions.channel === channel)
					.reduce((total, row) => total + metricValue(row, 'count', 'sum'), 0);
			const query = (filter: unknown) =>
				truth(sim, {
					metrics: [{ name: 'count', aggregation: 'sum' }],
					dimensions: [{ name: 'channel' }],
					filter,
					timeSeries: week,
				});

			const voiceOrChat = await query({ type: 'in', field: 'channel', values: ['voice', 'chat'] });
			expect(new Set(voiceOrChat.rows.map((row) => row.dimensions.channel))).toEqual(
				new Set(['voice', 'chat']),
			);
			expect(countOf(voiceOrChat.rows, 'voice')).toBe(countOf(byChannel.rows, 'voice'));

			const notVoice = await query({ type: 'notEquals', field: 'channel', value: 'voice' });
			expect(notVoice.rows.some((row) => row.dimensions.channel === 'voice')).toBe(false);

			const either = await query({
				type: 'or',
				filters: [
					{ type: 'equals', field: 'channel', value: 'sms' },
					{ type: 'equals', field: 'channel', value: 'email' },
				],
			});
			expect(new Set(either.rows.map((row) => row.dimensions.channel))).toEqual(
				new Set(['sms', 'email']),
			);

			const none = await query({
				type: 'and',
				filters: [
					{ type: 'equals', field: 'channel', value: 'sms' },
					{ type: 'equals', field: 'channel', value: 'email' },
				],
			});
			expect(none.rows).toEqual([]);
		});

		it('has a business-hours daily cycle and quiet weekends', async () => {
			const hours = await truth(sim, {
				metrics: [{ name: 'count', aggregation: 'sum' }],
				timeSeries: series('HOUR', '2024-01-02T00:00:00Z', '2024-01-03T00:00:00Z'),
			});
			const at = (hour: number) => metricValue(hours.rows[hour], 'count', 'sum');
			expect(at(10)).toBeGreaterThan(3 * at(3));
			const days = await truth(sim, {
				metrics: [{ name: 'count', aggregation: 'sum' }],
				timeSeries: week,
			});
			const [monday, , , , , saturday, sunday] = days.rows.map((row) =>
				metricValue(row, 'count', 'sum'),
			);
			expect(saturday).toBeLessThan(monday * 0.7);
			expect(sunday).toBeLessThan(monday * 0.7);
		});

		it('lists incidents, and an outage leaves its channel without contacts', async () => {
			const incidents = (await request({ url: `${sim.baseUrl}/_sim/incidents` })).body;
			expect(incidents.length).toBeGreaterThanOrEqual(3);
			expect(new Set(incidents.map((incident: { kind: string }) => incident.kind))).toEqual(
				new Set(['volume_spike', 'handle_time_increase', 'channel_outage']),
			);
			const outage = incidents.find(
				(incident: { kind: string }) => incident.kind === 'channel_outage',
			);
			const during = await truth(sim, {
				metrics: [{ name: 'count', aggregation: 'sum' }],
				filter: { type: 'equals', field: 'channel', value: outage.value },
				timeSeries: series('HOUR', outage.start, outage.end),
			});
			expect(during.rows).toEqual([]);

			const spike = incidents.find(
				(incident: { kind: string }) => incident.kind === 'volume_spike',
			);
			const spikeCount = async (shiftDays: number) => {
				const shift = (iso: string) =>
					new Date(Date.parse(iso) + shiftDays * 86_400_000).toISOString();
				const result = await truth(sim, {
					metrics: [{ name: 'count', aggregation: 'sum' }],
					filter: { type: 'equals', field: 'group.id', value: spike.value },
					timeSeries: series('HOUR', shift(spike.start), shift(spike.end)),
				});
				return sumCounts(result.rows);
			};
			expect(await spikeCount(0)).toBeGreaterThan(2 * (await spikeCount(-7)));
		});
	});
});

describe('simulator, determinism', () => {
	it('the same seed gives the same rows; another seed gives other rows', async () => {
		const body = {
			metrics: [
				{ name: 'count', aggregation: 'sum' },
				{ name: 'sentiment', aggregation: 'avg' },
			],
			dimensions: [{ name: 'agent.id' }],
			timeSeries: series('DAY', '2024-05-01T00:00:00Z', '2024-05-08T00:00:00Z'),
		};
		const first = await startSimulatorProcess({ seed: 7 });
		const second = await startSimulatorProcess({ seed: 7 });
		const other = await startSimulatorProcess({ seed: 8 });
		try {
			const [a, b, c] = await Promise.all([
				truth(first, body),
				truth(second, body),
				truth(other, body),
			]);
			expect(a.rows.length).toBeGreaterThan(0);
			expect(b).toEqual(a);
			expect(c).not.toEqual(a);
		} finally {
			await Promise.all([first.stop(), second.stop(), other.stop()]);
		}
	});
});

describe('simulator, page serialisation', () => {
	it('writes exactly the JSON of the row objects, for any window and any query shape', () => {
		// Pages are slices of the result's rows serialised once, without building row objects; the row
		// objects (materializeRows) are the readable definition they must match byte for byte.
		const bodies = [
			dayQuery({ dimensions: [{ name: 'agent.id' }, { name: 'channel' }] }),
			{
				metrics: [
					{ name: 'sentiment', aggregation: 'min' },
					{ name: 'abandoned', aggregation: 'pct' },
					{ name: 'count', aggregation: 'sum' },
				],
				dimensions: [],
				timeSeries: series('DAY', '2024-03-01T00:00:00Z', '2024-04-01T00:00:00Z', 'Europe/Berlin'),
			},
			{
				metrics: [{ name: 'handle_time', aggregation: 'max' }],
				dimensions: [{ name: 'disposition' }, { name: 'team.id' }, { name: 'direction' }],
				filter: { type: 'in', field: 'channel', values: ['voice', 'chat'] },
				timeSeries: series('HOUR', '2024-03-01T00:00:00Z', '2024-03-04T00:00:00Z'),
			},
		];
		const checks = checkPageSerialisation(bodies) as Array<boolean | number>;
		const counts = checks.filter((check) => typeof check === 'number');
		expect(counts.every((count) => (count as number) > 30)).toBe(true);
		expect(checks.filter((check) => check === false)).toEqual([]);
		expect(checks.filter((check) => check === true)).toHaveLength(15);
	});
});

describe('simulator, expiry of tokens and results', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startSimulatorProcess({
			extraArgs: ['--token-ttl', '3', '--result-ttl-seconds', '1', '--speed', '0.2'],
		});
	});
	afterAll(async () => {
		await sim?.stop();
	});

	it('a token stops working after --token-ttl seconds', async () => {
		const token = await fetchToken(sim);
		expect((await getQuery(sim, token, 'qry_x')).status).toBe(404);
		await wait(3100);
		const expired = await getQuery(sim, token, 'qry_x');
		expect(expired.status).toBe(401);
		expect(expired.body.error).toBe('invalid_token');
	});

	it('results expire --result-ttl-seconds after completion (410 expired)', async () => {
		const token = await fetchToken(sim);
		const submitted = await submit(sim, token, dayQuery());
		const polls = await pollUntilDone(sim, token, submitted.body.id);
		expect(polls[polls.length - 1].status).toBe('COMPLETED');
		await wait(1100);
		const fresh = await fetchToken(sim);
		const response = await getQuery(sim, fresh, submitted.body.id);
		expect(response.status).toBe(410);
		expect(response.body.error).toBe('expired');
	});
});

describe('simulator, flaky profile', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startSimulatorProcess({ seed: 3, profile: 'flaky', extraArgs: ['--speed', '0.2'] });
	});
	afterAll(async () => {
		await sim?.stop();
	});

	/** A minimal correct client: renews the token on 401, retries 429/5xx/resets (without waiting). */
	async function resilientGet(state: { token: string }, url: string): Promise<Response> {
		for (let attempt = 0; attempt < 8; attempt++) {
			let response: Response;
			try {
				response = await request({ url, headers: bearer(state.token) });
			} catch {
				continue;
			}
			if (response.status === 401) {
				state.token = await fetchToken(sim);
				continue;
			}
			if (response.status === 429 || response.status >= 500) continue;
			return response;
		}
		throw new Error(`GET ${url} kept failing`);
	}

	it('answers API GETs with 429 (both Retry-After forms), 5xx, resets and expiring tokens', async () => {
		let token = await fetchToken(sim);
		const outcomes: Record<string, number> = {};
		const retryAfters: string[] = [];
		for (let i = 0; i < 400; i++) {
			let outcome: string;
			try {
				const response = await getQuery(sim, token, `qry_probe${i}`);
				outcome = String(response.status);
				if (response.status === 429) retryAfters.push(String(response.headers['retry-after']));
				if (response.status === 401) token = await fetchToken(sim);
			} catch {
				outcome = 'reset';
			}
			outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
		}
		expect(outcomes['404']).toBeGreaterThan(250);
		expect(outcomes['429']).toBeGreaterThan(10);
		expect(outcomes['503']).toBeGreaterThan(3);
		expect(
			(outcomes['500'] ?? 0) + (outcomes['502'] ?? 0) + (outcomes['504'] ?? 0),
		).toBeGreaterThan(0);
		expect(outcomes.reset).toBeGreaterThan(0);
		expect(outcomes['401']).toBeGreaterThan(5);
		expect(retryAfters).toContain('1');
		const dates = retryAfters.filter((value) => value !== '1').map((value) => Date.parse(value));
		expect(dates.length).toBeGreaterThan(0);
		for (const date of dates) expect(Number.isNaN(date)).toBe(false);

		const stats = (await request({ url: `${sim.baseUrl}/_sim/stats` })).body;
		expect(stats.faults).toMatchObject({
			tooManyRequests: outcomes['429'],
			connectionReset: outcomes.reset,
		});
	});

	it('counts a GET that comes back to a URL sooner than its Retry-After asked, and only such', async () => {
		await request({ method: 'POST', url: `${sim.baseUrl}/_sim/reset` });
		const token = await fetchToken(sim);
		let early = 0;
		let patient = 0;
		for (let i = 0; i < 400 && early + patient < 4; i++) {
			const first = await getQuery(sim, token, `qry_wait${i}`).catch(() => undefined);
			if (first?.headers['retry-after'] === undefined) continue;
			// Every Retry-After is at most 2 s (`1`, or an HTTP-date 1–2 s ahead).
			if (early > patient) {
				await wait(2100);
				patient++;
			} else early++;
			await getQuery(sim, token, `qry_wait${i}`).catch(() => undefined);
		}
		const stats = (await request({ url: `${sim.baseUrl}/_sim/stats` })).body;
		expect([early, patient, stats.faults.earlyRetries]).toEqual([2, 2, 2]);
	});

	it('a retrying client still gets every row exactly once, equal to the ground truth', async () => {
		const state = { token: await fetchToken(sim) };
		const body = dayQuery();
		let completed: { totalCount: number } | undefined;
		let id = '';
		for (let submission = 0; submission < 3 && completed === undefined; submission++) {
			const submitted = await submit(sim, state.token, body);
			if (submitted.status === 401) {
				state.token = await fetchToken(sim);
				continue;
			}
			expect(submitted.status).toBe(202);
			id = submitted.body.id;
			for (let poll = 0; poll < 200; poll++) {
				const response = await resilientGet(state, `${sim.baseUrl}${QUERY_PATH}/${id}?limit=100`);
				if (response.body.status === 'COMPLETED') {
					completed = response.body;
					break;
				}
				if (response.body.status === 'FAILED') break;
				await wait(30);
			}
		}
		expect(completed).toBeDefined();
		const rows: Row[] = [];
		for (let offset = 0; offset < completed!.totalCount; offset += 100) {
			const page = await resilientGet(
				state,
				`${sim.baseUrl}${QUERY_PATH}/${id}?limit=100&offset=${offset}`,
			);
			rows.push(...page.body.results);
		}
		expect(rows).toEqual((await truth(sim, body)).rows);
	});
});
