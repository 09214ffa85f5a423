/**
 * Aggregate Completed Contacts with Only Since Last Run: where the cursor comes from (Options ›
 * Updated Since before static data), what is sent for it, the next cursor on every item, a bad cursor
 * refused before anything is sent, and a cursor older than the 30-day reach read as the whole range
 * with a notice. HTTP is nock's.
 */
import nock from 'nock';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { NiceCxoneAnalytics } from '../../../../../nodes/NiceCxoneAnalytics/NiceCxoneAnalytics.node';
import { DAY_MS, testNow, useTestClockForDateNow } from '../../../../support/clock';
import {
	aggregateParams,
	COMPLETED_CONTACTS,
	contact,
	iso,
	NOCK_API,
	NOCK_LEGACY_AUTH_HOST,
	NOCK_PLATFORM_CREDENTIALS,
	TWO_DAYS_AGO_MS,
} from '../../../../integration/security/support/platform';
import { createContext } from '../../../../support/n8nContext';

useTestClockForDateNow();

/** The range: the day before yesterday, UTC. */
const RANGE = { start: iso(TWO_DAYS_AGO_MS), end: iso(TWO_DAYS_AGO_MS + DAY_MS) };

function params(options: IDataObject = {}) {
	return aggregateParams({ options: { timeZone: 'UTC', ...options } });
}

/** Runs the node once; `hints` are what it added above its output. */
async function run(options: IDataObject, staticData: IDataObject = {}) {
	const { ctx, log } = createContext({
		params: params(options),
		...NOCK_PLATFORM_CREDENTIALS,
		staticData,
	});
	const hints: unknown[] = [];
	const warnings: string[] = [];
	Object.assign(ctx, {
		addExecutionHints: (...added: unknown[]) => hints.push(...added),
		logger: { ...ctx.logger, warn: (message: string) => warnings.push(message) },
	} as Partial<IExecuteFunctions>);
	const outcome = await new NiceCxoneAnalytics().execute.call(ctx).then(
		(output) => ({ items: output[0] as INodeExecutionData[], error: undefined }),
		(error: Error) => ({ items: [] as INodeExecutionData[], error }),
	);
	return { ...outcome, log, hints, warnings };
}

/** The queries of the completed-contacts requests nock received, in order. */
function contactQueries(requests: URLSearchParams[]) {
	return requests.map((query) => Object.fromEntries(query));
}

beforeAll(() => nock.disableNetConnect());
afterAll(() => {
	nock.enableNetConnect();
	nock.restore();
});
afterEach(() => nock.cleanAll());

/** The token endpoint, and the Reporting API answering with `answer(query)`; resolves the queries asked. */
function platform(answer: (query: URLSearchParams) => [number, unknown?]) {
	nock(NOCK_LEGACY_AUTH_HOST)
		.post('/authentication/v1/token/access-key')
		.reply(200, { access_token: 'tok', token_type: 'Bearer' });
	const asked: URLSearchParams[] = [];
	nock(NOCK_API)
		.get(COMPLETED_CONTACTS)
		.query(true)
		.times(20)
		.reply((uri) => {
			const query = new URL(uri, NOCK_API).searchParams;
			asked.push(query);
			return answer(query) as [number, nock.Body];
		});
	return asked;
}

describe('Only Since Last Run: the cursor', () => {
	const POLL_TIME = '2026-01-14T09:59:59.512Z';

	it('Options › Updated Since is sent as updatedSince, before static data, and every item carries the next cursor', async () => {
		const asked = platform(() => [
			200,
			{
				completedContacts: [contact(1), contact(2)],
				totalRecords: 2,
				lastPollTime: POLL_TIME,
				_links: { next: null },
			},
		]);
		const staticData: IDataObject = { 'updatedSince:0': iso(testNow() - 60_000) };
		const given = iso(testNow() - 3_600_000);
		const { items, error } = await run({ onlySinceLastRun: true, updatedSince: given }, staticData);
		expect(error).toBeUndefined();
		expect(contactQueries(asked)).toEqual([
			{ updatedSince: given, top: '10000', orderBy: 'lastUpdateTime asc' },
		]);
		expect(items).toEqual([
			{
				json: { bucketStart: RANGE.start, count_sum: 2, nextUpdatedSince: POLL_TIME },
				pairedItem: { item: 0 },
			},
		]);
		// Static data follows, for a run without the option.
		expect(staticData['updatedSince:0']).toBe(POLL_TIME);
	});

	it('an offset is sent as UTC with a Z', async () => {
		// 09:00 UTC on the range's day, inside the range whatever the test's date.
		const day = RANGE.start.slice(0, 10);
		const asked = platform(() => [204]);
		const { error, items } = await run({
			onlySinceLastRun: true,
			updatedSince: `${day}T10:00:00+01:00`,
		});
		expect(error).toBeUndefined();
		expect(contactQueries(asked)[0].updatedSince).toBe(`${day}T09:00:00Z`);
		expect(items).toEqual([]);
	});

	it('an empty Updated Since (no stored cursor yet) falls back to static data', async () => {
		const remembered = iso(testNow() - 600_000);
		const asked = platform(() => [
			200,
			{ completedContacts: [contact(1)], lastPollTime: POLL_TIME, _links: { next: null } },
		]);
		const staticData: IDataObject = { 'updatedSince:0': remembered };
		const { items } = await run({ onlySinceLastRun: true, updatedSince: '' }, staticData);
		expect(contactQueries(asked)[0].updatedSince).toBe(remembered);
		expect(items.map((item) => item.json.nextUpdatedSince)).toEqual([POLL_TIME]);
	});

	it('nothing changed (204): no items, and the cursor stays where it was', async () => {
		const given = iso(testNow() - 600_000);
		platform(() => [204]);
		const staticData: IDataObject = {};
		const { items, error } = await run({ onlySinceLastRun: true, updatedSince: given }, staticData);
		expect(error).toBeUndefined();
		expect(items).toEqual([]);
		expect(staticData['updatedSince:0']).toBe(given);
	});

	it('without a cursor the whole range is read, and the next cursor is the earliest lastPollTime of its windows', async () => {
		const asked = platform(() => [
			200,
			{ completedContacts: [contact(1)], totalRecords: 1, lastPollTime: POLL_TIME },
		]);
		const staticData: IDataObject = {};
		const { items, error } = await run({ onlySinceLastRun: true, updatedSince: '' }, staticData);
		expect(error).toBeUndefined();
		expect(contactQueries(asked)).toEqual([
			{
				startDate: RANGE.start,
				endDate: RANGE.end,
				top: '10000',
				skip: '0',
				orderBy: 'contactStartDate asc',
			},
		]);
		expect(items.map((item) => item.json)).toEqual([
			{ bucketStart: RANGE.start, count_sum: 1, nextUpdatedSince: POLL_TIME },
		]);
		expect(staticData['updatedSince:0']).toBe(POLL_TIME);
	});

	it('a cursor at or before the range start reads the whole range: every contact in it changed since', async () => {
		const asked = platform(() => [
			200,
			{ completedContacts: [contact(1)], totalRecords: 1, lastPollTime: POLL_TIME },
		]);
		const { error, hints } = await run({ onlySinceLastRun: true, updatedSince: RANGE.start });
		expect(error).toBeUndefined();
		expect(contactQueries(asked).map((query) => query.startDate)).toEqual([RANGE.start]);
		expect(hints).toEqual([]);
	});

	it('without Only Since Last Run the items carry no cursor and static data is left alone', async () => {
		platform(() => [
			200,
			{ completedContacts: [contact(1)], totalRecords: 1, lastPollTime: POLL_TIME },
		]);
		const staticData: IDataObject = {};
		const { items } = await run({}, staticData);
		expect(items.map((item) => item.json)).toEqual([{ bucketStart: RANGE.start, count_sum: 1 }]);
		expect(staticData).toEqual({});
	});

	it('Raw Rows carry it too, beside the row', async () => {
		platform(() => [
			200,
			{ completedContacts: [contact(1)], lastPollTime: POLL_TIME, _links: { next: null } },
		]);
		const { items } = await run({
			onlySinceLastRun: true,
			updatedSince: iso(testNow() - 600_000),
			output: 'raw',
		});
		expect(items.map((item) => item.json)).toEqual([
			{
				timeSeries: RANGE.start,
				dimensions: {},
				metrics: [{ name: 'count', aggregation: 'sum', value: 1 }],
				nextUpdatedSince: POLL_TIME,
			},
		]);
	});
});

describe('a cursor older than the 30-day reach (CXone would answer 400)', () => {
	it('reads the whole range instead, says so above the output and in the log, and moves the cursor on', async () => {
		const stale = iso(testNow() - 31 * DAY_MS);
		const asked = platform(() => [
			200,
			{
				completedContacts: [contact(1), contact(2)],
				totalRecords: 2,
				lastPollTime: '2026-01-14T10:00:00.100Z',
			},
		]);
		const staticData: IDataObject = {};
		const { items, error, hints, warnings } = await run(
			{ onlySinceLastRun: true, updatedSince: stale },
			staticData,
		);
		expect(error).toBeUndefined();
		expect(contactQueries(asked).every((query) => query.updatedSince === undefined)).toBe(true);
		expect(contactQueries(asked)[0].startDate).toBe(RANGE.start);
		const message = `Options › Updated Since (${stale}) is older than the 30 days CXone keeps completed contacts, so the node read the whole time range instead: every contact in it changed since then. Store each run's nextUpdatedSince and give it to the next run.`;
		expect(hints).toEqual([{ message, type: 'warning', location: 'outputPane' }]);
		expect(warnings).toEqual([message]);
		expect(items.map((item) => item.json)).toEqual([
			{ bucketStart: RANGE.start, count_sum: 2, nextUpdatedSince: '2026-01-14T10:00:00.100Z' },
		]);
		expect(staticData['updatedSince:0']).toBe('2026-01-14T10:00:00.100Z');
	});

	it('the same for a cursor remembered in static data (the node had not run for a month)', async () => {
		const stale = iso(testNow() - 45 * DAY_MS);
		platform(() => [200, { completedContacts: [contact(1)], totalRecords: 1 }]);
		const { error, hints, items } = await run(
			{ onlySinceLastRun: true },
			{ 'updatedSince:0': stale },
		);
		expect(error).toBeUndefined();
		expect(hints).toEqual([
			{
				message: `The cursor this node remembered from its last run (${stale}) is older than the 30 days CXone keeps completed contacts, so the node read the whole time range instead: every contact in it changed since then. The node had not run for that long.`,
				type: 'warning',
				location: 'outputPane',
			},
		]);
		// No lastPollTime came: the next cursor is when the run started, on this machine's clock.
		const next = Date.parse(String(items[0].json.nextUpdatedSince));
		expect(next).toBeLessThanOrEqual(testNow());
		expect(next).toBeGreaterThan(testNow() - 60_000);
	});
});

describe('a bad cursor is refused before anything is sent', () => {
	it.each([
		[
			'a date without a time zone',
			{ onlySinceLastRun: true, updatedSince: '2026-01-14T09:00:00' },
			'Options › Updated Since ("2026-01-14T09:00:00") has no time zone: it is not one instant. Give an ISO-8601 date-time with Z or an offset, e.g. 2026-01-14T10:00:00Z (the nextUpdatedSince of the previous run\'s items), or leave it empty to read the whole time range.',
		],
		[
			'text',
			{ onlySinceLastRun: true, updatedSince: 'last run' },
			'Options › Updated Since ("last run") is not an ISO-8601 date-time. Give an ISO-8601 date-time with Z or an offset, e.g. 2026-01-14T10:00:00Z (the nextUpdatedSince of the previous run\'s items), or leave it empty to read the whole time range.',
		],
		[
			'a whole item instead of its field',
			{ onlySinceLastRun: true, updatedSince: { nextUpdatedSince: '2026-01-14T09:00:00Z' } },
			"Options › Updated Since is an object, not a date-time. Give an ISO-8601 date-time with Z or an offset, e.g. 2026-01-14T10:00:00Z (the nextUpdatedSince of the previous run's items), or leave it empty to read the whole time range.",
		],
		[
			'a cursor without Only Since Last Run',
			{ updatedSince: '2026-01-14T09:00:00Z' },
			'Options › Updated Since is set but Only Since Last Run is off. Turn Only Since Last Run on to read only what changed since then, or remove Updated Since.',
		],
	])('%s', async (_name, options, message) => {
		const { error, log } = await run(options);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe(message);
		expect((error as NodeOperationError).description).toBe('Field: Options › Updated Since');
		expect(log.platformAuthRequests).toBe(0);
		expect(log.apiRequests).toEqual([]);
	});
});
