import { DateTime } from 'luxon';

import { analyzeRows } from '../../../../nodes/NiceCxoneTrends/core/analyzeRows';
import { DEFAULT_SETTINGS } from '../../../../nodes/NiceCxoneTrends/core/analyzeSeries';
import {
	itemsCalendar,
	lastBucketOverBy,
	localCalendar,
} from '../../../../nodes/NiceCxoneTrends/core/calendar';
import {
	describeAnomaly,
	formatNumber,
	metricPhrase,
	seriesSubject,
} from '../../../../nodes/NiceCxoneTrends/core/describe';
import {
	SeriesInputError,
	defaultGroupByFields,
	defaultMetricFields,
	isAdditiveMetric,
	missingMeansZero,
	parseTimestamp,
	surveyFields,
	toRegularGrid,
} from '../../../../nodes/NiceCxoneTrends/core/series';
import { runStepsNow } from '../../../../nodes/shared/core/steps';
import { DAY_MS } from '../../../../nodes/shared/core/time';

describe('metric fields', () => {
	it('treats *_sum and count_* as additive (a missing bucket is zero) and the rest as not', () => {
		expect(isAdditiveMetric('count_sum')).toBe(true);
		expect(isAdditiveMetric('abandoned_sum')).toBe(true);
		expect(isAdditiveMetric('duration_avg')).toBe(false);
		expect(isAdditiveMetric('abandoned_pct')).toBe(false);
		expect(missingMeansZero('duration_avg', 'zero')).toBe(true);
		expect(missingMeansZero('count_sum', 'noValue')).toBe(false);
	});
	it('defaults to the dimension fields present and every other numeric field', () => {
		const rows = [
			{ bucketStart: 'x', groupId: 'g', channel: 'chat', count_sum: 1, duration_avg: 2, note: 'n' },
		];
		const survey = runStepsNow(surveyFields(rows));
		expect(defaultGroupByFields(survey)).toEqual(['groupId', 'channel']);
		expect(defaultMetricFields(survey, 'bucketStart', ['groupId', 'channel'])).toEqual([
			'count_sum',
			'duration_avg',
		]);
	});
	it('surveys the fields of many items in steps of a thousand, a field with no value not among them', () => {
		const rows = Array.from({ length: 2_500 }, (_, i) => ({
			bucketStart: 'x',
			count_sum: i,
			...(i === 2_400 ? { groupId: 'g', handle_time_avg: undefined } : {}),
		}));
		const steps = surveyFields(rows);
		const work: number[] = [];
		let step = steps.next();
		for (; !step.done; step = steps.next()) work.push(step.value);
		expect(work).toEqual([1000, 1000]);
		expect([...step.value.present]).toEqual(['bucketStart', 'count_sum', 'groupId']);
		expect([...step.value.numeric]).toEqual(['count_sum']);
	});
});

describe('parseTimestamp', () => {
	it('reads ISO text with an offset, wall-clock text in the zone, epoch ms and seconds', () => {
		expect(parseTimestamp('2024-01-01T00:00:00Z', 'UTC')).toBe(Date.UTC(2024, 0, 1));
		expect(parseTimestamp('2024-07-01 09:00', 'Europe/London')).toBe(Date.UTC(2024, 6, 1, 8));
		expect(parseTimestamp(1704067200000, 'UTC')).toBe(1704067200000);
		expect(parseTimestamp(1704067200, 'UTC')).toBe(1704067200000);
		expect(parseTimestamp('yesterday', 'UTC')).toBeNaN();
	});
});

describe('toRegularGrid', () => {
	const h = 3_600_000;
	it('fills gaps with zero or no value, sums or averages duplicates, snaps jitter to the nearest bucket', () => {
		const times = [0, h, h, 3 * h + 60_000];
		const values = [1, 2, 4, NaN];
		const sum = toRegularGrid(times, values, h, 0, 4 * h, true, 'sum');
		expect(Array.from(sum.values)).toEqual([1, 6, 0, NaN, 0]);
		expect(Array.from(sum.rowCount)).toEqual([1, 2, 0, 1, 0]);
		expect(Array.from(sum.bucketOfPoint)).toEqual([0, 1, 1, 3]);
		expect(sum.duplicateBuckets).toBe(1);
		const mean = toRegularGrid(times, values, h, 0, 4 * h, false, 'mean');
		expect(Array.from(mean.values)).toEqual([1, 3, NaN, NaN, NaN]);
	});
	it('refuses a spacing far finer than the data', () => {
		expect(() =>
			toRegularGrid([0, 365 * 86_400_000], [1, 2], 1000, 0, 365 * 86_400_000, false, 'mean'),
		).toThrow(SeriesInputError);
	});
});

describe('toRegularGrid on the calendar', () => {
	const DAY = 86_400_000;
	const iso = (times: ArrayLike<number>) => Array.from(times, (t) => new Date(t).toISOString());
	/** Local midnights of `zone`, `days` days from `first` (an ISO date), as UTC ms. */
	const midnights = (first: string, days: number, zone: string) =>
		Array.from({ length: days }, (_, d) =>
			DateTime.fromISO(first, { zone }).plus({ days: d }).toMillis(),
		);
	/** The first of 27 months from February 2024 to April 2026 in `zone`, as UTC ms. */
	const monthStarts = (zone: string) =>
		Array.from({ length: 27 }, (_, m) =>
			DateTime.fromISO('2024-02-01', { zone }).plus({ months: m }).toMillis(),
		);
	/** A grid of the rows `times`, one value a row, with the detected spacing of monthly rows: 31 days. */
	const monthlyGrid = (times: number[], zone?: string) =>
		toRegularGrid(
			times,
			times.map(() => 100),
			31 * DAY,
			times[0],
			times[times.length - 1],
			true,
			'sum',
			zone,
		);

	it('gives 27 monthly rows 27 buckets, each at its row’s month start, not a 31-day step', () => {
		const times = monthStarts('UTC');
		const grid = monthlyGrid(times);
		expect(grid.timesMs).toHaveLength(27);
		expect(Array.from(grid.timesMs)).toEqual(times);
		expect(Array.from(grid.rowCount)).toEqual(times.map(() => 1));
		expect(Array.from(grid.bucketOfPoint)).toEqual(times.map((_, m) => m));
		expect(grid.duplicateBuckets).toBe(0);
		expect(iso([grid.timesMs[1], grid.timesMs[26]])).toEqual([
			'2024-03-01T00:00:00.000Z',
			'2026-04-01T00:00:00.000Z',
		]);
	});
	it('steps months at the local month start of the zone, and reads rows a few hours off it in their month', () => {
		const berlin = monthStarts('Europe/Berlin');
		const grid = monthlyGrid(berlin, 'Europe/Berlin');
		expect(Array.from(grid.timesMs)).toEqual(berlin);
		expect(iso([grid.timesMs[0], grid.timesMs[2]])).toEqual([
			'2024-01-31T23:00:00.000Z',
			'2024-03-31T22:00:00.000Z',
		]);
		// UTC midnights read in New York: the evening before each local month start, one row a bucket.
		const utc = monthStarts('UTC');
		const offZone = monthlyGrid(utc, 'America/New_York');
		expect(offZone.timesMs).toHaveLength(27);
		expect(Array.from(offZone.bucketOfPoint)).toEqual(utc.map((_, m) => m));
		expect(offZone.duplicateBuckets).toBe(0);
	});
	it('puts a month without a row at its own month start', () => {
		const times = monthStarts('UTC').filter((_, m) => m !== 1);
		const grid = monthlyGrid(times);
		expect(Array.from(grid.values.slice(0, 3))).toEqual([100, 0, 100]);
		expect(iso(grid.timesMs.slice(0, 3))).toEqual([
			'2024-02-01T00:00:00.000Z',
			'2024-03-01T00:00:00.000Z',
			'2024-04-01T00:00:00.000Z',
		]);
	});
	it('keeps DAY buckets at local midnight across the New York clock change', () => {
		// 30 September to 9 November 2024, without 5 November; the clocks go back on Sunday 3 November.
		const all = midnights('2024-09-30', 41, 'America/New_York');
		const times = all.filter((_, d) => d !== 36);
		const grid = toRegularGrid(
			times,
			times.map(() => 50),
			DAY,
			times[0],
			times[times.length - 1],
			true,
			'sum',
			'America/New_York',
		);
		expect(Array.from(grid.timesMs)).toEqual(all);
		expect(iso(grid.timesMs.slice(34, 37))).toEqual([
			'2024-11-03T04:00:00.000Z',
			'2024-11-04T05:00:00.000Z',
			'2024-11-05T05:00:00.000Z',
		]);
		expect(grid.values[36]).toBe(0);
		expect(Array.from(grid.rowCount).filter((count) => count !== 1)).toEqual([0]);
	});
	it('keeps week buckets at local midnight too, and without a zone steps whole UTC days', () => {
		const weeks = midnights('2024-03-04', 5 * 7, 'Europe/London').filter((_, d) => d % 7 === 0);
		const weekly = toRegularGrid(
			weeks,
			weeks.map(() => 1),
			7 * DAY,
			weeks[0],
			weeks[weeks.length - 1],
			true,
			'sum',
			'Europe/London',
		);
		expect(iso(weekly.timesMs)).toEqual([
			'2024-03-04T00:00:00.000Z',
			'2024-03-11T00:00:00.000Z',
			'2024-03-18T00:00:00.000Z',
			'2024-03-25T00:00:00.000Z',
			'2024-03-31T23:00:00.000Z',
		]);
		const utc = toRegularGrid([0, 2 * DAY], [1, 1], DAY, 0, 2 * DAY, true, 'sum');
		expect(Array.from(utc.timesMs)).toEqual([0, DAY, 2 * DAY]);
	});
	it('steps four-weekly rows by 28 days, not by months: 80 rows, 80 buckets', () => {
		const times = Array.from({ length: 80 }, (_, i) => Date.UTC(2020, 0, 6) + i * 28 * DAY);
		const grid = toRegularGrid(
			times,
			times.map(() => 1),
			28 * DAY,
			times[0],
			times[79],
			true,
			'sum',
			'UTC',
		);
		// As months, 13 periods a year fell in 12 buckets: 74 buckets, 6 of them holding two rows.
		expect(grid.timesMs.length).toBe(80);
		expect(grid.duplicateBuckets).toBe(0);
		expect(iso(grid.timesMs)).toEqual(iso(times));
	});

	it('keeps items at another zone’s midnights on their own times: UTC days and months read in New York', () => {
		const days = Array.from({ length: 200 }, (_, d) => Date.UTC(2024, 0, 1) + d * DAY);
		const byDay = toRegularGrid(
			days,
			days.map(() => 1),
			DAY,
			days[0],
			days[199],
			true,
			'sum',
			'America/New_York',
		);
		// Stepped on New York's calendar from 19:00 local, every summer bucket sat an hour before its item.
		expect(iso(byDay.timesMs)).toEqual(iso(days));
		// UTC months read in New York follow the UTC calendar (they start no New York month).
		const months = Array.from({ length: 12 }, (_, m) => Date.UTC(2024, m, 1));
		const calendar = itemsCalendar(months, 31 * DAY, 'America/New_York', true);
		expect(calendar).toEqual({ bucketMs: 31 * DAY, zone: 'UTC' });
		const byMonth = toRegularGrid(
			months,
			months.map(() => 1),
			31 * DAY,
			months[0],
			months[11],
			true,
			'sum',
			calendar.zone,
		);
		expect(iso(byMonth.timesMs)).toEqual(iso(months));
	});
});

describe('lastBucketOverBy', () => {
	const paris = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Paris' }).toMillis();
	it('finds the last local day over, across the clocks going forward (a day of 23 hours)', () => {
		const start = paris('2024-03-25T00:00');
		expect(lastBucketOverBy(start, paris('2024-04-02T10:00'), DAY_MS, 'Europe/Paris')).toBe(
			paris('2024-04-01T00:00'),
		);
		// 2 April's day is over at its local midnight, not 24 hours after 1 April's began.
		expect(lastBucketOverBy(start, paris('2024-04-03T00:00'), DAY_MS, 'Europe/Paris')).toBe(
			paris('2024-04-02T00:00'),
		);
	});
	it('counts months on the calendar, quarter hours by their length, and none before the first is over', () => {
		const january = paris('2024-01-01T00:00');
		expect(lastBucketOverBy(january, paris('2024-03-31T23:59'), 31 * DAY_MS, 'Europe/Paris')).toBe(
			paris('2024-02-01T00:00'),
		);
		expect(lastBucketOverBy(0, 3_600_000, 900_000, 'UTC')).toBe(2_700_000);
		expect(lastBucketOverBy(0, 899_999, 900_000, 'UTC')).toBe(-Infinity);
	});
});

describe('localCalendar', () => {
	it('follows daylight saving time in the chosen zone', () => {
		// London moves to BST at 01:00 UTC on 31 March 2024.
		const times = Float64Array.from([
			Date.UTC(2024, 2, 31, 0, 30),
			Date.UTC(2024, 2, 31, 1, 30),
			Date.UTC(2024, 3, 1, 8),
		]);
		const calendar = localCalendar(times, 'Europe/London');
		expect(Array.from(calendar.msOfDay, (ms) => ms / 60_000)).toEqual([30, 150, 540]);
		expect(Array.from(calendar.isoWeekday)).toEqual([7, 7, 1]);
	});
});

describe('analyzeRows', () => {
	const settings = { ...DEFAULT_SETTINGS };
	it('makes one series per group and metric on the common grid; a missing count bucket is zero', () => {
		const rows = [
			{ bucketStart: '2024-01-01T00:00:00Z', groupId: 'a', count_sum: 5, duration_avg: 100 },
			{ bucketStart: '2024-01-01T01:00:00Z', groupId: 'a', count_sum: 6, duration_avg: 110 },
			{ bucketStart: '2024-01-01T02:00:00Z', groupId: 'a', count_sum: 7, duration_avg: 120 },
			{ bucketStart: '2024-01-01T00:00:00Z', groupId: 'b', count_sum: 1, duration_avg: 90 },
		];
		const result = analyzeRows(rows, {
			timestampField: 'bucketStart',
			missingBuckets: 'auto',
			settings,
		});
		expect(result.groupBy).toEqual(['groupId']);
		expect(result.metrics).toEqual(['count_sum', 'duration_avg']);
		expect(result.bucketMs).toBe(3_600_000);
		expect(result.series.map((s) => `${String(s.groupValues.groupId)}:${s.metric}`)).toEqual([
			'a:count_sum',
			'a:duration_avg',
			'b:count_sum',
			'b:duration_avg',
		]);
		expect(Array.from(result.series[2].grid.values)).toEqual([1, 0, 0]);
		expect(Array.from(result.series[3].grid.values)).toEqual([90, NaN, NaN]);
	});
	it('names the item and the fix when a timestamp is missing', () => {
		const rows = [
			{ bucketStart: '2024-01-01T00:00:00Z', v: 1 },
			{ when: 'x', v: 2 },
		];
		expect(() =>
			analyzeRows(rows, { timestampField: 'bucketStart', missingBuckets: 'auto', settings }),
		).toThrow(
			"Timestamp field 'bucketStart' is missing in item 1. Set 'Timestamp Field' to the field that holds the bucket start.",
		);
	});
	it('names an unknown metric field', () => {
		const rows = [{ bucketStart: '2024-01-01T00:00:00Z', v: 1 }];
		expect(() =>
			analyzeRows(rows, {
				timestampField: 'bucketStart',
				metrics: ['w'],
				missingBuckets: 'auto',
				settings,
			}),
		).toThrow(
			"Metric field 'w' is not in any item. Check 'Metric Fields' against the incoming fields.",
		);
	});
});

describe('sentences', () => {
	it('speak the catalogue’s language', () => {
		expect(metricPhrase('count_sum')).toBe('volume');
		expect(metricPhrase('handle_time_avg')).toBe('average handle time');
		expect(metricPhrase('my_metric')).toBe('my_metric');
		expect(seriesSubject({ groupId: 'grp_002', channel: 'chat' }, 'count_sum')).toBe(
			'Chat volume for grp_002',
		);
		expect(formatNumber(119.6)).toBe('120');
		expect(formatNumber(14.96)).toBe('15');
		expect(formatNumber(0.125)).toBe('0.13');
	});
	it('say value, expectation and spread', () => {
		expect(
			describeAnomaly({
				subject: 'Chat volume for grp_002',
				timePhrase: 'at 14:00',
				value: 212,
				expected: 120,
				spread: 15,
				type: 'SPIKE',
				episodeBuckets: 1,
				missingBucket: false,
			}),
		).toBe('Chat volume for grp_002 at 14:00 was 212, expected 120 ± 15 (spike).');
	});
});
