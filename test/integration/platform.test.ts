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

/** Headers of the simulator's Reporting API, with a token of the full access key. */
async function reportingHeaders() {
	const basic = Buffer.from(`${sim.platformClientId}:${sim.platformClientSecret}`).toString(
		'base64',
	);
	const grant = await request({
		method: 'POST',
		url: `${sim.authHost}/auth/token`,
		headers: {
			'Content-Type': 'application/x-www-form-urlencoded',
			Authorization: `Basic ${basic}`,
		},
		body: `grant_type=password&username=${encodeURIComponent(sim.accessKeyId)}&password=${encodeURIComponent(sim.accessKeySecret)}`,
	});
	return { Authorization: `Bearer ${grant.body.access_token}`, Accept: 'application/json' };
}

let listings = 0;

/**
 * The simulator's completed contacts that started in [startMs, endMs), as the test itself reads them
 * now: every page. `endMs` lies ahead, and each call asks up to a different instant past it (no
 * contact starts there yet), so the simulator makes a fresh listing instead of reusing one of the
 * last 15 seconds.
 */
async function listContacts(startMs: number, endMs: number) {
	const headers = await reportingHeaders();
	const range = `startDate=${iso(startMs)}&endDate=${iso(endMs + ++listings * 1000)}`;
	const contacts: Array<{ contactStartDate: string; lastUpdateTime: string }> = [];
	for (let skip = 0; ; skip += 10_000) {
		const page = await request({
			url: `${sim.baseUrl}/inContactAPI/services/v30.0/contacts/completed?${range}&skip=${skip}`,
			headers,
		});
		if (page.status === 204) break;
		expect(page.status).toBe(200);
		contacts.push(...page.body.completedContacts);
		if (contacts.length >= page.body.totalRecords) break;
	}
	return contacts.filter((contact) => Date.parse(contact.contactStartDate) < endMs);
}

describe('Only Since Last Run with the cursor the workflow keeps (Options › Updated Since)', () => {
	// Two days up to an hour from now: contacts keep completing in it while the test runs.
	const startMs = todayMs - DAY_MS;
	const endMs = testNow() + 3_600_000;
	const params = (options: IDataObject) =>
		aggregate({
			metrics: { metric: [{ metric: 'count:sum' }] },
			dimensions: [],
			bucketSize: 'DAY',
			start: iso(startMs),
			end: iso(endMs),
			options: { timeZone: 'UTC', onlySinceLastRun: true, ...options },
		});
	/** Contacts per UTC day among `contacts` updated in [fromMs, toMs), as the node's rows. */
	const rowsOf = (
		contacts: Array<{ contactStartDate: string; lastUpdateTime: string }>,
		fromMs: number,
		toMs: number,
		cursor: string,
	) => {
		const counts = new Map<string, number>();
		for (const contact of contacts) {
			const updatedMs = Date.parse(contact.lastUpdateTime);
			if (updatedMs < fromMs || updatedMs >= toMs) continue;
			const day = `${contact.contactStartDate.slice(0, 10)}T00:00:00Z`;
			counts.set(day, (counts.get(day) ?? 0) + 1);
		}
		return [...counts]
			.sort(([a], [b]) => a.localeCompare(b))
			.map(([bucketStart, count]) => ({ bucketStart, count_sum: count, nextUpdatedSince: cursor }));
	};

	it('each run reads exactly the contacts updated since the cursor it was given, and hands on the next one', async () => {
		// Run 1, no cursor stored yet (the expression gives ''): the whole range.
		const staticData: IDataObject = {};
		const first = await runNode(params({ updatedSince: '' }), { staticData });
		expect(first.error).toBeUndefined();
		const firstCursor = String(first.items[0]?.json.nextUpdatedSince);
		// Run 2 from a cursor a day back (inside the range): only what was updated since then.
		const since = iso(Date.parse(firstCursor) - DAY_MS);
		const second = await runNode(params({ updatedSince: since }), { staticData });
		expect(second.error).toBeUndefined();
		const updatedSinceOf = (r: { url: string; qs?: IDataObject }) =>
			r.qs?.updatedSince ?? new URL(r.url, sim.baseUrl).searchParams.get('updatedSince');
		expect(second.log.apiRequests.length).toBeGreaterThan(0);
		expect(second.log.apiRequests.map(updatedSinceOf)).toEqual(
			second.log.apiRequests.map(() => since),
		);
		const secondCursor = String(second.items[0]?.json.nextUpdatedSince);
		// Run 3 from run 2's items, as a workflow hands it on; nothing may have changed since (no items).
		const third = await runNode(params({ updatedSince: secondCursor }), { staticData });
		expect(third.error).toBeUndefined();
		const thirdCursor = String(staticData['updatedSince:0']);

		const contacts = await listContacts(startMs, endMs);
		const at = Date.parse;
		expect(first.items.map((item) => item.json)).toEqual(
			rowsOf(contacts, -Infinity, at(firstCursor), firstCursor),
		);
		const changed = rowsOf(contacts, at(since), at(secondCursor), secondCursor);
		expect(changed.reduce((sum, row) => sum + row.count_sum, 0)).toBeGreaterThan(0);
		expect(second.items.map((item) => item.json)).toEqual(changed);
		expect(third.items.map((item) => item.json)).toEqual(
			rowsOf(contacts, at(secondCursor), at(thirdCursor), thirdCursor),
		);
		expect(at(thirdCursor)).toBeGreaterThanOrEqual(at(secondCursor));
	});

	it('a cursor older than the 30-day reach, which the server refuses, reads the whole range instead', async () => {
		const stale = iso(testNow() - 31 * DAY_MS);
		const { items, error, log } = await runNode(params({ updatedSince: stale }));
		expect(error).toBeUndefined();
		expect(log.apiRequests.length).toBeGreaterThan(0);
		expect(log.apiRequests.some((r) => r.qs?.updatedSince || r.url.includes('updatedSince'))).toBe(
			false,
		);
		const nextUpdatedSince = String(items[0]?.json.nextUpdatedSince);
		const contacts = await listContacts(startMs, endMs);
		expect(items.map((item) => item.json)).toEqual(
			rowsOf(contacts, -Infinity, Date.parse(nextUpdatedSince), nextUpdatedSince),
		);
		// What the node spared itself: the simulator refuses the stale cursor, as CXone does.
		const direct = await request({
			url: `${sim.baseUrl}/inContactAPI/services/v30.0/contacts/completed?updatedSince=${stale}`,
			headers: await reportingHeaders(),
		});
		expect(direct.status).toBe(400);
		expect(direct.headers.icstatusdescription).toBe(
			'updatedSince is outside the 30-day retention window',
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

describe('Skill summaries and report jobs older than 30 days', () => {
	// docs/api/cxone-platform.md §2: only completed contacts are documented to reach back 30 days, so
	// the node leaves older summaries and report jobs to the server; the simulator refuses them.
	it.each([
		['getSkillSummary', {}, '/skills/summary'],
		['runReportJob', { reportId: '1001', reportOutput: 'items' }, '/report-jobs/1001'],
	])(
		"%s: a range older than 30 days is sent, and the server's refusal says why",
		async (operation, extra, path) => {
			const { error, log } = await runNode({
				operation,
				timeRange: 'custom',
				start: iso(todayMs - 40 * DAY_MS),
				end: iso(todayMs - 39 * DAY_MS),
				options: { timeZone: 'UTC' },
				...extra,
			});
			expect(log.apiRequests.map((r) => r.url)).toEqual([`/inContactAPI/services/v30.0${path}`]);
			expect(error?.message).toBe(
				'CXone refused the request: startDate is outside the 30-day retention window (HTTP 400).',
			);
		},
	);
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
