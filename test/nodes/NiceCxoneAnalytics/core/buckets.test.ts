import {
	bucketStartOf,
	bucketStartsBetween,
	halveAtBucketBoundary,
	nextBucketStart,
	splitAtBucketBoundaries,
	toIsoUtc,
} from '../../../../nodes/NiceCxoneAnalytics/core/buckets';
import type { MetricRef } from '../../../../nodes/shared/core/catalogue';
import { createRowFlattener, flattenRow } from '../../../../nodes/NiceCxoneAnalytics/core/rows';
import { resolveTimeRange } from '../../../../nodes/NiceCxoneAnalytics/core/timeRange';

const ms = (iso: string) => Date.parse(iso);
const iso = (windows: Array<{ startMs: number; endMs: number }>) =>
	windows.map((w) => [toIsoUtc(w.startMs), toIsoUtc(w.endMs)]);

describe('bucket alignment', () => {
	it.each([
		['FIFTEEN_MINUTES', 'UTC', '2024-01-01T10:44:59.999Z', '2024-01-01T10:30:00Z'],
		['THIRTY_MINUTES', 'UTC', '2024-01-01T10:44:00Z', '2024-01-01T10:30:00Z'],
		['HOUR', 'America/New_York', '2024-01-01T10:44:00Z', '2024-01-01T10:00:00Z'],
		// Kathmandu is UTC+05:45: local hours start at :15 past the UTC hour.
		['HOUR', 'Asia/Kathmandu', '2024-01-01T10:44:00Z', '2024-01-01T10:15:00Z'],
		['FIFTEEN_MINUTES', 'Asia/Kathmandu', '2024-01-01T10:44:00Z', '2024-01-01T10:30:00Z'],
		['DAY', 'Europe/Berlin', '2024-01-01T22:59:00Z', '2023-12-31T23:00:00Z'],
		['DAY', 'Europe/Berlin', '2024-01-01T23:00:00Z', '2024-01-01T23:00:00Z'],
		// 2024-01-03 is a Wednesday; the week starts Monday 2024-01-01.
		['WEEK', 'UTC', '2024-01-03T12:00:00Z', '2024-01-01T00:00:00Z'],
		['WEEK', 'America/New_York', '2024-01-01T03:00:00Z', '2023-12-25T05:00:00Z'],
		['MONTH', 'Europe/Berlin', '2024-03-31T21:59:00Z', '2024-02-29T23:00:00Z'],
	])('%s in %s: %s starts at %s', (size, zone, at, expected) => {
		expect(toIsoUtc(bucketStartOf(ms(at), size as never, zone))).toBe(expected);
	});

	it('a spring-forward day in Berlin is 23 hours and the fall-back day 25', () => {
		const spring = bucketStartOf(ms('2024-03-31T12:00:00Z'), 'DAY', 'Europe/Berlin');
		expect(toIsoUtc(spring)).toBe('2024-03-30T23:00:00Z');
		expect((nextBucketStart(spring, 'DAY', 'Europe/Berlin') - spring) / 3_600_000).toBe(23);
		const autumn = bucketStartOf(ms('2024-10-27T12:00:00Z'), 'DAY', 'Europe/Berlin');
		expect(toIsoUtc(autumn)).toBe('2024-10-26T22:00:00Z');
		expect((nextBucketStart(autumn, 'DAY', 'Europe/Berlin') - autumn) / 3_600_000).toBe(25);
	});

	it('the repeated local hour when clocks go back gives two HOUR buckets with distinct UTC starts', () => {
		const starts = bucketStartsBetween(
			ms('2024-10-26T23:00:00Z'),
			ms('2024-10-27T03:00:00Z'),
			'HOUR',
			'Europe/Berlin',
		);
		// Local 01:00+02, 02:00+02, 02:00+01 (the repeat), 03:00+01.
		expect(starts.map(toIsoUtc)).toEqual([
			'2024-10-26T23:00:00Z',
			'2024-10-27T00:00:00Z',
			'2024-10-27T01:00:00Z',
			'2024-10-27T02:00:00Z',
		]);
		expect(toIsoUtc(bucketStartOf(ms('2024-10-27T01:30:00Z'), 'HOUR', 'Europe/Berlin'))).toBe(
			'2024-10-27T01:00:00Z',
		);
	});

	it('on Lord Howe Island (+10:30 → +11 at 02:00 local) the hour before the change lasts 30 minutes, then hours start on the hour again', () => {
		const starts = bucketStartsBetween(
			ms('2024-10-05T13:30:00Z'),
			ms('2024-10-05T17:00:00Z'),
			'HOUR',
			'Australia/Lord_Howe',
		);
		// Local 00:00 and 01:00 (+10:30), then 01:30 (+10:30, half an hour before the jump to 02:30 +11), 03:00, 04:00 (+11).
		expect(starts.map(toIsoUtc)).toEqual([
			'2024-10-05T13:30:00Z',
			'2024-10-05T14:30:00Z',
			'2024-10-05T15:00:00Z',
			'2024-10-05T16:00:00Z',
		]);
	});

	it('a DAY range in Berlin across the spring change has buckets at each local midnight', () => {
		const starts = bucketStartsBetween(
			ms('2024-03-30T12:00:00Z'),
			ms('2024-04-01T22:00:00Z'),
			'DAY',
			'Europe/Berlin',
		);
		expect(starts.map(toIsoUtc)).toEqual([
			'2024-03-29T23:00:00Z',
			'2024-03-30T23:00:00Z',
			'2024-03-31T22:00:00Z',
		]);
	});
});

describe('range splitting', () => {
	it('splits a leap year of DAY buckets into 365 days and the rest, at a midnight', () => {
		const windows = splitAtBucketBoundaries(
			{ startMs: ms('2024-01-01T00:00:00Z'), endMs: ms('2025-01-01T00:00:00Z') },
			'DAY',
			'UTC',
			365 * 24,
		);
		expect(iso(windows)).toEqual([
			['2024-01-01T00:00:00Z', '2024-12-31T00:00:00Z'],
			['2024-12-31T00:00:00Z', '2025-01-01T00:00:00Z'],
		]);
	});

	it('leaves a range within the limit whole, even with an unaligned start', () => {
		const window = { startMs: ms('2024-01-01T10:07:00Z'), endMs: ms('2024-01-20T00:00:00Z') };
		expect(splitAtBucketBoundaries(window, 'FIFTEEN_MINUTES', 'UTC', 31 * 24)).toEqual([window]);
	});

	it('cuts 15-minute ranges into 31-day windows at bucket boundaries, the last one short', () => {
		const windows = splitAtBucketBoundaries(
			{ startMs: ms('2024-01-01T00:07:00Z'), endMs: ms('2024-03-05T00:00:00Z') },
			'FIFTEEN_MINUTES',
			'UTC',
			31 * 24,
		);
		expect(iso(windows)).toEqual([
			['2024-01-01T00:07:00Z', '2024-02-01T00:00:00Z'],
			['2024-02-01T00:00:00Z', '2024-03-03T00:00:00Z'],
			['2024-03-03T00:00:00Z', '2024-03-05T00:00:00Z'],
		]);
	});

	it('cuts at local midnights in a DST zone, each window at most the limit in real hours', () => {
		const windows = splitAtBucketBoundaries(
			{ startMs: ms('2024-03-01T00:00:00+01:00'), endMs: ms('2024-04-10T00:00:00+02:00') },
			'DAY',
			'Europe/Berlin',
			31 * 24,
		);
		expect(iso(windows)).toEqual([
			// 744 h after the start is 01:00 on 1 April local; the cut is that day's midnight (743 h).
			['2024-02-29T23:00:00Z', '2024-03-31T22:00:00Z'],
			['2024-03-31T22:00:00Z', '2024-04-09T22:00:00Z'],
		]);
		for (const w of windows) expect(w.endMs - w.startMs).toBeLessThanOrEqual(31 * 24 * 3_600_000);
	});

	it('halves a window at the bucket boundary nearest its middle, and refuses a single bucket', () => {
		const halves = halveAtBucketBoundary(
			{ startMs: ms('2024-01-01T00:00:00Z'), endMs: ms('2024-01-04T00:00:00Z') },
			'DAY',
			'UTC',
		);
		expect(iso(halves!)).toEqual([
			['2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z'],
			['2024-01-02T00:00:00Z', '2024-01-04T00:00:00Z'],
		]);
		expect(
			halveAtBucketBoundary(
				{ startMs: ms('2024-01-01T00:00:00Z'), endMs: ms('2024-01-02T00:00:00Z') },
				'DAY',
				'UTC',
			),
		).toBeUndefined();
		expect(
			iso(
				halveAtBucketBoundary(
					{ startMs: ms('2024-01-01T06:00:00Z'), endMs: ms('2024-01-02T12:00:00Z') },
					'DAY',
					'UTC',
				)!,
			),
		).toEqual([
			['2024-01-01T06:00:00Z', '2024-01-02T00:00:00Z'],
			['2024-01-02T00:00:00Z', '2024-01-02T12:00:00Z'],
		]);
	});
});

describe('time range presets', () => {
	// Sunday 2024-03-31 10:00 UTC = 12:00 in Berlin, the day clocks went forward.
	const now = ms('2024-03-31T10:00:00Z');
	it.each([
		['yesterday', {}, 'Europe/Berlin', '2024-03-29T23:00:00Z', '2024-03-30T23:00:00Z'],
		['today', {}, 'Europe/Berlin', '2024-03-30T23:00:00Z', '2024-03-31T10:00:00Z'],
		['lastNDays', { days: 3 }, 'UTC', '2024-03-28T00:00:00Z', '2024-03-31T00:00:00Z'],
		[
			'lastNDays',
			{ days: 3, includeToday: true },
			'Europe/Berlin',
			'2024-03-27T23:00:00Z',
			'2024-03-31T10:00:00Z',
		],
		['lastWeek', {}, 'UTC', '2024-03-18T00:00:00Z', '2024-03-25T00:00:00Z'],
		['monthToDate', {}, 'America/New_York', '2024-03-01T05:00:00Z', '2024-03-31T10:00:00Z'],
		['lastMonth', {}, 'Europe/Berlin', '2024-01-31T23:00:00Z', '2024-02-29T23:00:00Z'],
		[
			'custom',
			{ start: '2024-03-01T00:00:00', end: '2024-03-02T00:00:00+00:00' },
			'Europe/Berlin',
			'2024-02-29T23:00:00Z',
			'2024-03-02T00:00:00Z',
		],
		[
			'custom',
			{ start: '2024-03-01', end: '2024-03-02' },
			'UTC',
			'2024-03-01T00:00:00Z',
			'2024-03-02T00:00:00Z',
		],
	])('%s %j in %s', (preset, extra, zone, start, end) => {
		const window = resolveTimeRange({ preset: preset as never, ...extra }, now, zone);
		expect([toIsoUtc(window.startMs), toIsoUtc(window.endMs)]).toEqual([start, end]);
	});
});

describe('flattening rows', () => {
	const query = {
		dimensions: [{ name: 'group.id' }, { name: 'channel' }],
		metrics: [
			{ name: 'count', aggregation: 'sum' },
			{ name: 'handle_time', aggregation: 'avg' },
		] as MetricRef[],
	};

	it("the flattener of a query gives flattenRow's items, fields in the same order", () => {
		const flatten = createRowFlattener(query);
		const rows = [1, 2, 1].map((day) => ({
			timeSeries: `2024-01-0${day}T00:00:00Z`,
			dimensions: { 'group.id': `grp_00${day}`, channel: 'voice' },
			metrics: [
				{ name: 'count', aggregation: 'sum', value: day },
				{ name: 'handle_time', aggregation: 'avg', value: 300.5 + day },
			],
		}));
		const items = rows.map(flatten);
		expect(items.map((item) => JSON.stringify(item))).toEqual(
			rows.map((row) => JSON.stringify(flattenRow(row))),
		);
		expect(items[2]).toEqual({
			bucketStart: '2024-01-01T00:00:00Z',
			groupId: 'grp_001',
			channel: 'voice',
			count_sum: 1,
			handle_time_avg: 301.5,
		});
	});

	it('a field the API leaves out of a row stays null', () => {
		const row = {
			timeSeries: '2024-01-01T00:00:00Z',
			dimensions: { channel: 'chat' },
			metrics: [{ name: 'count', aggregation: 'sum', value: 4 }],
		};
		expect(createRowFlattener(query)(row)).toEqual({
			bucketStart: '2024-01-01T00:00:00Z',
			groupId: null,
			channel: 'chat',
			count_sum: 4,
			handle_time_avg: null,
		});
	});

	it('gives bucketStart, a field per dimension and one per metric', () => {
		expect(
			flattenRow({
				timeSeries: '2024-01-01T00:00:00Z',
				dimensions: { 'group.id': 'grp_001', channel: 'voice', 'agent.id': 'agent_007' },
				metrics: [
					{ name: 'duration', aggregation: 'avg', value: 312.4 },
					{ name: 'count', aggregation: 'sum', value: 118 },
					{ name: 'abandoned', aggregation: 'pct', value: 0 },
				],
			}),
		).toEqual({
			bucketStart: '2024-01-01T00:00:00Z',
			groupId: 'grp_001',
			channel: 'voice',
			agentId: 'agent_007',
			duration_avg: 312.4,
			count_sum: 118,
			abandoned_pct: 0,
		});
	});
});
