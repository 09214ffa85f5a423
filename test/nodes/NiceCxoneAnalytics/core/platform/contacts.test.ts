import type { CompletedContact } from '../../../../../nodes/NiceCxoneAnalytics/core/platform/contacts';
import {
	ContactAggregator,
	MAX_AGGREGATED_ROWS,
	contactDimension,
} from '../../../../../nodes/NiceCxoneAnalytics/core/platform/contacts';
import {
	CSV_LIMITS,
	csvToObjects,
	csvToObjectsSteps,
	parseCsv,
} from '../../../../../nodes/NiceCxoneAnalytics/core/platform/csv';
import { QueryValidationError } from '../../../../../nodes/NiceCxoneAnalytics/core/validationError';
import { isoDurationSeconds } from '../../../../../nodes/NiceCxoneAnalytics/core/platform/isoDuration';
import type { QueryBody } from '../../../../../nodes/NiceCxoneAnalytics/core/query';
import { skillSummaryRecord } from '../../../../../nodes/NiceCxoneAnalytics/core/platform/skillSummary';
import { reportingWindows } from '../../../../../nodes/NiceCxoneAnalytics/transport/platform';
import { pacedWhenLate } from '../../../../support/pacing';

const contact = (overrides: Partial<CompletedContact>): CompletedContact => ({
	contactId: 1,
	contactStartDate: '2026-11-02T09:10:00Z',
	mediaTypeId: 4,
	skillId: 1001,
	teamId: 2001,
	agentId: 3001,
	isOutbound: false,
	abandoned: false,
	inQueueSeconds: 20,
	agentSeconds: 200,
	holdSeconds: 30,
	acwSeconds: 60,
	totalDurationSeconds: 320,
	serviceLevelFlag: 1,
	transferIndicatorId: 0,
	dispositionCode: 2,
	...overrides,
});

describe('aggregating completed contacts like the analytics API', () => {
	const body: QueryBody = {
		metrics: [
			{ name: 'count', aggregation: 'sum' },
			{ name: 'handle_time', aggregation: 'avg' },
			{ name: 'queue_time', aggregation: 'max' },
			{ name: 'abandoned', aggregation: 'pct' },
			{ name: 'service_level', aggregation: 'pct' },
			{ name: 'transferred', aggregation: 'sum' },
			{ name: 'duration', aggregation: 'min' },
		],
		dimensions: [{ name: 'channel' }, { name: 'skill.id' }],
		filter: { type: 'notEquals', field: 'direction', value: 'outbound' },
		timeSeries: {
			bucketSize: 'HOUR',
			start: '2026-11-02T09:00:00Z',
			end: '2026-11-02T11:00:00Z',
			timeZone: 'Europe/Berlin',
		},
	};

	it('buckets by start in the time zone, groups, filters, and weighs averages over all contacts', () => {
		const aggregator = new ContactAggregator(body);
		[
			contact({ contactId: 1 }),
			contact({
				contactId: 2,
				abandoned: true,
				agentSeconds: 0,
				holdSeconds: 0,
				acwSeconds: 0,
				inQueueSeconds: 95,
				totalDurationSeconds: 95,
				serviceLevelFlag: 0,
			}),
			contact({
				contactId: 3,
				serviceLevelFlag: -1,
				transferIndicatorId: 4,
				totalDurationSeconds: 410,
			}),
			contact({ contactId: 4, mediaTypeId: 3, contactStartDate: '2026-11-02T10:59:59Z' }),
			contact({ contactId: 5, isOutbound: true }),
			contact({ contactId: 6, contactStartDate: '2026-11-02T11:00:00Z' }),
			contact({ contactId: 7, contactStartDate: '2026-11-02T08:59:59Z' }),
		].forEach((c) => aggregator.add(c));
		expect(aggregator.rows()).toEqual([
			{
				timeSeries: '2026-11-02T09:00:00Z',
				dimensions: { channel: 'voice', 'skill.id': '1001' },
				metrics: [
					{ name: 'count', aggregation: 'sum', value: 3 },
					{ name: 'handle_time', aggregation: 'avg', value: 193.3333 },
					{ name: 'queue_time', aggregation: 'max', value: 95 },
					{ name: 'abandoned', aggregation: 'pct', value: 33.3333 },
					// The flag −1 (not applicable) is left out of the service level.
					{ name: 'service_level', aggregation: 'pct', value: 50 },
					{ name: 'transferred', aggregation: 'sum', value: 1 },
					{ name: 'duration', aggregation: 'min', value: 95 },
				],
			},
			{
				timeSeries: '2026-11-02T10:00:00Z',
				dimensions: { channel: 'chat', 'skill.id': '1001' },
				metrics: [
					{ name: 'count', aggregation: 'sum', value: 1 },
					{ name: 'handle_time', aggregation: 'avg', value: 290 },
					{ name: 'queue_time', aggregation: 'max', value: 20 },
					{ name: 'abandoned', aggregation: 'pct', value: 0 },
					{ name: 'service_level', aggregation: 'pct', value: 100 },
					{ name: 'transferred', aggregation: 'sum', value: 0 },
					{ name: 'duration', aggregation: 'min', value: 320 },
				],
			},
		]);
	});

	it('maps media types to channels and ids to text', () => {
		expect(
			[1, 3, 4, 7, 8].map((mediaTypeId) => contactDimension(contact({ mediaTypeId }), 'channel')),
		).toEqual(['email', 'chat', 'voice', 'sms', 'social']);
		expect(contactDimension(contact({ isOutbound: true }), 'direction')).toBe('outbound');
		expect(contactDimension(contact({}), 'agent.id')).toBe('3001');
		expect(contactDimension(contact({}), 'disposition')).toBe('2');
		expect(() => contactDimension(contact({}), 'group.id')).toThrow(
			'Dimension group.id is not available from completed contacts.',
		);
	});

	it('a row whose contacts all have no service-level flag has no service level', () => {
		const aggregator = new ContactAggregator({ ...body, filter: undefined, dimensions: [] });
		aggregator.add(contact({ serviceLevelFlag: -1 }));
		expect(aggregator.rows()[0].metrics[4]).toEqual({
			name: 'service_level',
			aggregation: 'pct',
			value: null,
		});
	});
});

describe('the most rows completed contacts are aggregated into', () => {
	const body: QueryBody = {
		metrics: [{ name: 'count', aggregation: 'sum' }],
		dimensions: [{ name: 'agent.id' }],
		timeSeries: {
			bucketSize: 'DAY',
			start: '2026-11-02T00:00:00Z',
			end: '2026-11-03T00:00:00Z',
			timeZone: 'UTC',
		},
	};

	it("is the analytics API's 1,000,000 rows a query", () => {
		expect(MAX_AGGREGATED_ROWS).toBe(1_000_000);
	});

	it('refuses the contact that would start one row more, naming what to narrow; contacts of known rows still count', () => {
		// Every contact with an agent of its own: 10,000,000 of them crashed n8n out of memory.
		const aggregator = new ContactAggregator(body, 3);
		for (const agentId of [1, 2, 3, 1, 2]) aggregator.add(contact({ agentId }));
		let error: unknown;
		try {
			aggregator.add(contact({ agentId: 4 }));
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(QueryValidationError);
		expect(error).toMatchObject({
			field: 'Time Range',
			message:
				'The completed contacts make more than 3 rows (one per bucket and combination of dimension values); the node aggregates at most 3, as the analytics API returns at most that many per query. Narrow the Time Range, choose a larger Bucket Size, remove a dimension (Agent has the most values) or add a Filter.',
		});
		aggregator.add(contact({ agentId: 3 }));
		expect(
			aggregator.rows().map((row) => [row.dimensions['agent.id'], row.metrics[0].value]),
		).toEqual([
			['1', 2],
			['2', 2],
			['3', 2],
		]);
	});
});

describe('reporting windows', () => {
	it('cuts a range into windows of at most 31 days', () => {
		const day = 86_400_000;
		const start = Date.parse('2026-01-01T00:00:00Z');
		expect(
			reportingWindows({ startMs: start, endMs: start + 70 * day }).map(
				(w) => (w.endMs - w.startMs) / day,
			),
		).toEqual([31, 31, 8]);
	});
});

describe('ISO-8601 durations', () => {
	it.each([
		['PT4M12S', 252],
		['PT4M12.5S', 252.5],
		['PT0S', 0],
		['P1DT2H', 93_600],
		['PT1H0M3S', 3603],
		['P2W', 1_209_600],
		['-PT30S', -30],
		['P1M', undefined],
		['PT', undefined],
		['4:12', undefined],
		[252, undefined],
	])('%s → %s s', (text, seconds) => {
		expect(isoDurationSeconds(text)).toBe(seconds);
	});

	it('a skill summary item carries seconds in fields named …Seconds', () => {
		expect(
			skillSummaryRecord({
				skillId: 1001,
				skillName: 'Sales, EMEA',
				averageHandleTime: 'PT4M12S',
				holdTime: 'PT1H',
				abandonRate: 2.5,
			}),
		).toEqual({
			skillId: 1001,
			skillName: 'Sales, EMEA',
			averageHandleTimeSeconds: 252,
			holdTimeSeconds: 3600,
			abandonRate: 2.5,
		});
	});
});

describe('CSV', () => {
	it('parses RFC 4180 quoting, CRLF and a final line without a break', () => {
		expect(parseCsv('a,b,c\r\n"x, y","say ""hi""",3\r\n"two\nlines",,\n4,5,6')).toEqual([
			['a', 'b', 'c'],
			['x, y', 'say "hi"', '3'],
			['two\nlines', '', ''],
			['4', '5', '6'],
		]);
	});

	it('turns records into objects, with exact numbers as numbers and everything else as text', () => {
		expect(
			csvToObjects(
				'\ufeffskill,contacts,rate,code\n"Sales, EMEA",12,2.5,007\nSupport,0,-1.25,1e3\n',
			),
		).toEqual([
			{ skill: 'Sales, EMEA', contacts: 12, rate: 2.5, code: '007' },
			{ skill: 'Support', contacts: 0, rate: -1.25, code: '1e3' },
		]);
	});

	const header = (columns: number) => Array.from({ length: columns }, (_, i) => `c${i}`).join(',');
	const refusal = (what: string) =>
		`${what} Choose Output › CSV File to get the file as it is, or narrow the report (fewer columns in CXone, or a shorter time range).`;

	it('turns a report of 1,000 columns into objects, every column kept', () => {
		const rows = csvToObjects(`${header(1000)}\n${'7,'.repeat(999)}x\n`);
		expect(rows).toHaveLength(1);
		expect(Object.keys(rows[0])).toHaveLength(1000);
		expect(rows[0].c0).toBe(7);
		expect(rows[0].c998).toBe(7);
		expect(rows[0].c999).toBe('x');
	});

	it('refuses a header of more than 1,000 columns, naming Output', () => {
		let error: unknown;
		try {
			csvToObjects(`${header(1001)}\nx\n`);
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(QueryValidationError);
		expect((error as QueryValidationError).field).toBe('Output');
		expect((error as Error).message).toBe(
			refusal(
				'The report has 1,001 columns; the node turns reports of at most 1,000 columns into items.',
			),
		);
	});

	it('refuses records × columns beyond 10,000,000 before building any object', () => {
		// 10,001 one-field records under 1,000 columns: about 20 KB of file, 10,001,000 values as items.
		expect(() => csvToObjects(`${header(1000)}\n${'x\n'.repeat(10_001)}`)).toThrow(
			refusal(
				'The report has 10,001 rows of 1,000 columns (10,001,000 values); the node turns at most 10,000,000 values into items.',
			),
		);
	});

	it('refuses a file of more than 10,000,000 values and a header row of fields while parsing it', () => {
		expect(() => csvToObjects(`a,b\n${','.repeat(10_001_000)}`)).toThrow(
			refusal(
				'The report file holds more than 10,001,000 fields; the node turns at most 10,000,000 values (and a header row) into items.',
			),
		);
	});

	it('counts fields up to its limit exactly: the limit itself parses, one more is refused', () => {
		expect(parseCsv('a,b\n1,2', 4)).toEqual([
			['a', 'b'],
			['1', '2'],
		]);
		expect(() => parseCsv('a,b\n1,2,3', 4)).toThrow('The report file holds more than 4 fields');
	});

	it('refuses a file of more than 100,000,000 characters before parsing it', () => {
		expect(() => csvToObjects(`a\n${'x'.repeat(CSV_LIMITS.maxChars - 1)}`)).toThrow(
			refusal(
				'The report file has 100,000,001 characters; the node turns files of at most 100,000,000 characters into items.',
			),
		);
	});
});

describe('a report file in steps', () => {
	it('pauses as it parses (a field is 1) and as it builds objects (a value is 1), giving what csvToObjects gives', async () => {
		// 1,000 columns × 9,900 rows took 8.3 s in one stretch.
		const text = `a,b,c\r\n${'1,"x,y",z\r\n'.repeat(1000)}`;
		// The pacer looks at a clock always late once 1,000 units are done: a pause each time.
		const { value: rows, work, pauses } = await pacedWhenLate(csvToObjectsSteps(text));
		expect(rows).toEqual(csvToObjects(text));
		expect(rows[999]).toEqual({ a: 1, b: 'x,y', c: 'z' });
		// Parsing: 3,003 fields, yielded 1,000 at a time (3 pauses). Objects: 3 values each, yielded 333
		// objects (999 units) at a time: 3 yields, the second making the pacer's 1,000 (1 pause).
		expect([work, pauses]).toEqual([3000 + 3 * 999, 3 + 1]);
	});

	it('refuses too many columns once the header row is read, before the rest is parsed', () => {
		// The rest holds more fields than any file may: parsed first, it would be refused for that.
		const header = Array.from({ length: 1001 }, (_, i) => `c${i}`).join(',');
		expect(() => csvToObjects(`${header}\n${','.repeat(10_002_000)}`)).toThrow(
			'The report has 1,001 columns; the node turns reports of at most 1,000 columns into items.',
		);
	});
});

describe('the rows of completed contacts, in steps', () => {
	it('are sorted and made with pauses (a row is 1 unit and 1 a metric), the same rows as at once', async () => {
		// 107,000 rows sorted and made at once held the event loop for 1.2 s.
		const body: QueryBody = {
			metrics: [{ name: 'count', aggregation: 'sum' }],
			dimensions: [{ name: 'agent.id' }],
			timeSeries: {
				bucketSize: 'HOUR',
				start: '2026-11-02T00:00:00Z',
				end: '2026-11-03T00:00:00Z',
				timeZone: 'UTC',
			},
		};
		const aggregator = new ContactAggregator(body);
		// And 2,500 agents at 11:00.
		const agents = Array.from({ length: 2500 }, (_, i) => [11, 1000 + i]);
		for (const [hour, agentId] of [[10, 7], [9, 8], [10, 3], ...agents])
			aggregator.add(
				contact({
					contactStartDate: `2026-11-02T${String(hour).padStart(2, '0')}:05:00Z`,
					agentId,
				}),
			);
		// The pacer looks at a clock always late once 1,000 units are done: a pause each time.
		const { value: rows, work, pauses } = await pacedWhenLate(aggregator.rowSteps());
		expect(rows).toEqual(aggregator.rows());
		expect(rows.slice(0, 4).map((row) => [row.timeSeries, row.dimensions['agent.id']])).toEqual([
			['2026-11-02T09:00:00Z', '8'],
			['2026-11-02T10:00:00Z', '3'],
			['2026-11-02T10:00:00Z', '7'],
			['2026-11-02T11:00:00Z', '1000'],
		]);
		expect(rows).toHaveLength(2503);
		// One run of 2,503 sorted (16 units each: a pause), then the rows, 2 units each, yielded 1,000 rows at
		// a time (2 pauses).
		expect([work, pauses]).toEqual([16 * 2503 + 2 * 2000, 3]);
	});
});
