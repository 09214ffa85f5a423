/**
 * The CXone Platform resource over real HTTP against the simulator's platform APIs: the
 * completed-contacts aggregation must equal the simulator's analytics ground truth for the same
 * contacts, exactly, after mapping the analytics ids to the platform's numbers.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { ResultRow } from '../../nodes/NiceCxoneAnalytics/core/rows';
import { flattenRow } from '../../nodes/NiceCxoneAnalytics/core/rows';
import { NiceCxoneAnalytics } from '../../nodes/NiceCxoneAnalytics/NiceCxoneAnalytics.node';
import { DAY_MS, TEST_TODAY_MS, testNow, useTestClockForDateNow } from '../support/clock';
import { request } from '../support/http';
import { createContext } from '../support/n8nContext';
import { startSimulatorProcess } from '../support/simulator';

type Simulator = Awaited<ReturnType<typeof startSimulatorProcess>> & Record<string, string>;

// The node reads Date.now() for its 30-day reach and Only Since Last Run: it gets the tests' pinned
// clock, which the simulator shares, so "today" is the same day for both whatever the machine's date.
useTestClockForDateNow();
const todayMs = TEST_TODAY_MS;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

const METRICS = [
	'count:sum',
	'handle_time:avg',
	'abandoned:pct',
	'service_level:pct',
	'queue_time:max',
	'transferred:pct',
	'talk_time:sum',
	'duration:min',
];

let sim: Simulator;
let universe: Record<string, Array<Record<string, string | number>>>;

/** The analytics ids of the ground truth as the platform's numbers (as text, as the node emits them). */
function toPlatformIds(row: ResultRow): ResultRow {
	const lookup: Record<string, [string, string]> = {
		'skill.id': ['skills', 'skillId'],
		'team.id': ['teams', 'teamId'],
		'agent.id': ['agents', 'agentId'],
		disposition: ['dispositions', 'dispositionCode'],
	};
	const dimensions = Object.fromEntries(
		Object.entries(row.dimensions).map(([name, value]) => {
			const [list, field] = lookup[name] ?? [];
			if (!list) return [name, value];
			return [name, String(universe[list].find((entry) => entry.analyticsId === value)?.[field])];
		}),
	);
	return { ...row, dimensions };
}

async function truth(body: IDataObject): Promise<IDataObject[]> {
	const response = await request({ method: 'POST', url: `${sim.baseUrl}/_sim/truth`, body });
	return (response.body.rows as ResultRow[]).map(toPlatformIds).map(flattenRow);
}

function platformCredentials(overrides: IDataObject = {}): IDataObject {
	return {
		accessKeyId: sim.accessKeyId,
		accessKeySecret: sim.accessKeySecret,
		clientId: sim.platformClientId,
		clientSecret: sim.platformClientSecret,
		authHost: sim.authHost,
		...overrides,
	};
}

async function runNode(
	params: IDataObject,
	options: { credentials?: IDataObject; staticData?: IDataObject } = {},
) {
	const { ctx, log } = createContext({
		params: { resource: 'platform', ...params },
		credentials: {
			tokenUrl: 'unused',
			baseUrl: 'unused',
			clientId: 'unused',
			clientSecret: 'unused',
		},
		platformCredentials: options.credentials ?? platformCredentials(),
		staticData: options.staticData,
	});
	const result = await new NiceCxoneAnalytics().execute.call(ctx).then(
		(output) => ({ items: output[0] as INodeExecutionData[], error: undefined }),
		(error: Error) => ({ items: [] as INodeExecutionData[], error }),
	);
	return { ...result, log };
}

const aggregate = (overrides: IDataObject = {}) => ({
	operation: 'aggregateCompletedContacts',
	metrics: { metric: METRICS.map((metric) => ({ metric })) },
	dimensions: ['skill.id', 'channel'],
	bucketSize: 'HOUR',
	timeRange: 'custom',
	start: iso(todayMs - 3 * DAY_MS),
	end: iso(todayMs - DAY_MS),
	filterMode: 'none',
	returnAll: true,
	options: { timeZone: 'UTC' },
	...overrides,
});

beforeAll(async () => {
	sim = (await startSimulatorProcess({
		seed: 4,
		extraArgs: ['--speed', '0.2', '--result-url-ttl-seconds', '30'],
	})) as Simulator;
	universe = (await request({ url: `${sim.baseUrl}/_sim/platform/universe` })).body;
});
afterAll(async () => await sim.stop());

describe('Aggregate Completed Contacts', () => {
	it('equals the ground truth of the same contacts, every row exactly once', async () => {
		const params = aggregate();
		const expected = await truth({
			metrics: METRICS.map((m) => ({ name: m.split(':')[0], aggregation: m.split(':')[1] })),
			dimensions: [{ name: 'skill.id' }, { name: 'channel' }],
			timeSeries: { bucketSize: 'HOUR', start: params.start, end: params.end, timeZone: 'UTC' },
		});
		expect(expected.length).toBeGreaterThan(500);
		const { items, error, log } = await runNode(params);
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json)).toEqual(expected);
		expect(items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
		// Discovery, the password grant and the API host lookup, once: the token is then reused.
		expect(log.platformAuthRequests).toBe(3);
		expect(log.storedPlatform.apiEndpoint).toBe(sim.baseUrl);
	});

	it('in a DST time zone, by team, direction and disposition, filtered, through the legacy token route', async () => {
		const filter = {
			type: 'or',
			filters: [
				{ type: 'equals', field: 'direction', value: 'outbound' },
				{ type: 'in', field: 'channel', values: ['voice', 'chat'] },
			],
		};
		const params = aggregate({
			metrics: {
				metric: [{ metric: 'count:sum' }, { metric: 'hold_time:avg' }, { metric: 'acw_time:max' }],
			},
			dimensions: ['team.id', 'direction', 'disposition'],
			bucketSize: 'DAY',
			filterMode: 'json',
			filterJson: JSON.stringify(filter),
			options: { timeZone: 'America/New_York' },
		});
		const expected = await truth({
			metrics: [
				{ name: 'count', aggregation: 'sum' },
				{ name: 'hold_time', aggregation: 'avg' },
				{ name: 'acw_time', aggregation: 'max' },
			],
			dimensions: [{ name: 'team.id' }, { name: 'direction' }, { name: 'disposition' }],
			filter,
			timeSeries: {
				bucketSize: 'DAY',
				start: params.start,
				end: params.end,
				timeZone: 'America/New_York',
			},
		});
		const { items, error } = await runNode(params, {
			credentials: platformCredentials({
				authRoute: 'legacy',
				legacyTokenUrl: `${sim.authHost}/authentication/v1/token/access-key`,
			}),
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json)).toEqual(expected);
	});

	it('with an API base URL override, skips the host lookup', async () => {
		const { error, log } = await runNode(aggregate({ dimensions: [], bucketSize: 'DAY' }), {
			credentials: platformCredentials({ apiBaseUrl: sim.baseUrl }),
		});
		expect(error).toBeUndefined();
		expect(log.platformAuthRequests).toBe(2);
	});

	it('a key whose role lacks the permission gets an error that names it', async () => {
		const { error } = await runNode(aggregate(), {
			credentials: platformCredentials({
				accessKeyId: sim.limitedAccessKeyId,
				accessKeySecret: sim.limitedAccessKeySecret,
			}),
		});
		expect(error?.message).toBe(
			"The access key's role lacks a permission (HTTP 403: The access key's role lacks the permission Reporting > Completed Contacts). Ask a CXone admin to add it to the role of the key's employee.",
		);
	});

	it('a range older than 30 days is refused before anything is sent', async () => {
		const { error, log } = await runNode(aggregate({ start: iso(todayMs - 40 * DAY_MS) }));
		expect(error?.message).toBe(
			'Completed contacts reach back 30 days; this range starts 40 days ago. Choose a later start, or use a report job or the Analytics resource for older data.',
		);
		expect(log.platformAuthRequests).toBe(0);
		expect(log.apiRequests).toEqual([]);
	});

	it('a metric completed contacts cannot give is refused with the reason', async () => {
		const { error } = await runNode(
			aggregate({ metrics: { metric: [{ metric: 'sentiment:avg' }] } }),
		);
		expect(error?.message).toBe(
			'The metric sentiment:avg is not available here: completed contacts carry no sentiment. Use the Analytics resource for it.',
		);
	});

	it('Only Since Last Run reads the whole range first, then only what changed, remembering where it stopped', async () => {
		const staticData: IDataObject = {};
		const params = aggregate({
			options: { timeZone: 'UTC', onlySinceLastRun: true },
			dimensions: [],
			bucketSize: 'DAY',
		});
		const first = await runNode(params, { staticData });
		expect(first.error).toBeUndefined();
		expect(first.items.length).toBe(2);
		const since = staticData['updatedSince:0'] as string;
		expect(Date.parse(since)).toBeGreaterThan(testNow() - 60_000);
		const second = await runNode(params, { staticData });
		expect(second.error).toBeUndefined();
		// Nothing in a window two days back changed since the first run.
		expect(second.items).toEqual([]);
		expect(Date.parse(staticData['updatedSince:0'] as string)).toBeGreaterThanOrEqual(
			Date.parse(since),
		);
	});
});

describe('Get Skill Summary', () => {
	it('gives one item per skill with durations in seconds, consistent with the contacts', async () => {
		const start = iso(todayMs - 2 * DAY_MS);
		const end = iso(todayMs - DAY_MS);
		const { items, error } = await runNode({
			operation: 'getSkillSummary',
			timeRange: 'custom',
			start,
			end,
			options: { timeZone: 'UTC' },
		});
		expect(error).toBeUndefined();
		const counts = await truth({
			metrics: [{ name: 'count', aggregation: 'sum' }],
			dimensions: [{ name: 'skill.id' }],
			timeSeries: { bucketSize: 'DAY', start, end, timeZone: 'UTC' },
		});
		expect(items.map((item) => [String(item.json.skillId), item.json.contactsOffered])).toEqual(
			counts.map((row) => [row.skillId, row.count_sum]),
		);
		for (const { json } of items) {
			expect(typeof json.averageHandleTimeSeconds).toBe('number');
			expect(typeof json.holdTimeSeconds).toBe('number');
			expect(json.averageHandleTime).toBeUndefined();
		}
	});
});

describe('Run Report Job', () => {
	const start = iso(todayMs - 2 * DAY_MS);
	const end = iso(todayMs);
	const exact = (value: string) =>
		/^-?\d+(\.\d+)?$/.test(value) && String(Number(value)) === value ? Number(value) : value;

	it('returns the CSV rows as items, quoting and all', async () => {
		const reportTruth = (
			await request({
				method: 'POST',
				url: `${sim.baseUrl}/_sim/platform/report-truth`,
				body: { reportId: '1001', startDate: start, endDate: end },
			})
		).body;
		const { items, error } = await runNode({
			operation: 'runReportJob',
			reportId: '1001',
			timeRange: 'custom',
			start,
			end,
			reportOutput: 'items',
			options: { timeZone: 'UTC' },
		});
		expect(error).toBeUndefined();
		const expected = (reportTruth.rows as Array<Record<string, string>>).map((row) =>
			Object.fromEntries(Object.entries(row).map(([k, v]) => [k, exact(v)])),
		);
		expect(expected.length).toBeGreaterThan(10);
		expect(items.map((item) => item.json)).toEqual(expected);
		expect(JSON.stringify(expected)).toMatch(/[",]/);
	});

	it('or the CSV file as binary data', async () => {
		const { items, error } = await runNode({
			operation: 'runReportJob',
			reportId: '1002',
			timeRange: 'custom',
			start,
			end,
			reportOutput: 'binary',
			options: { timeZone: 'UTC' },
		});
		expect(error).toBeUndefined();
		expect(items.length).toBe(1);
		expect(items[0].json).toEqual({ reportId: '1002', fileName: expect.stringMatching(/\.csv$/) });
		const csv = Buffer.from(String(items[0].binary?.data.data), 'base64').toString('utf8');
		expect(csv.split(/\r?\n/)[0]).toBe(
			'Date,Agent ID,Agent Name,Team,Contacts,Contacts Handled,Talk Time (s),Hold Time (s),After Contact Work (s),Transfers',
		);
		expect(items[0].binary?.data.mimeType).toBe('text/csv');
	});

	it('an unknown report gives a clear error', async () => {
		const { error } = await runNode({
			operation: 'runReportJob',
			reportId: '9999',
			timeRange: 'custom',
			start,
			end,
			reportOutput: 'items',
			options: {},
		});
		expect(error?.message).toMatch(
			/^CXone does not know what was asked for \(HTTP 404: .+\)\. Check the report ID or the API Base URL\.$/,
		);
	});
});
