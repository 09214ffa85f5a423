import {
	MAX_REMEMBERED_ALERTS,
	alertId,
	alertsWithin,
	memoryKey,
	readAlertMemory,
	sortOutAlerts,
} from '../../../../nodes/NiceCxoneTrends/core/alertMemory';

const anomaly = (bucketStart: string) => ({
	series: 'grp_001 / chat',
	metric: 'count_sum',
	rule: 'anomaly',
	bucketStart,
});
const goal = (bucketStart: string, episodeStart: string, ongoing: boolean) => ({
	series: 'grp_001',
	metric: 'service_level_pct',
	rule: 'goal',
	goal: { direction: 'atLeast', value: 80 },
	bucketStart,
	episodeStart,
	ongoing,
});

describe('alert memory', () => {
	it('raises an alert once: a later run raises only alerts after the last one it remembers', () => {
		const first = sortOutAlerts([anomaly('2024-01-01T10:00:00Z')], readAlertMemory(undefined));
		expect(first.fresh).toHaveLength(1);
		const second = sortOutAlerts(
			[anomaly('2024-01-01T10:00:00Z'), anomaly('2024-01-01T12:00:00Z')],
			first.memory,
		);
		expect(second.fresh.map((alert) => alert.bucketStart)).toEqual(['2024-01-01T12:00:00Z']);
	});

	it('says a goal episode raised while ongoing has recovered once, and not one it never raised', () => {
		const first = sortOutAlerts(
			[goal('2024-01-01T10:30:00Z', '2024-01-01T10:15:00Z', true)],
			readAlertMemory({}),
		);
		const second = sortOutAlerts(
			[goal('2024-01-01T10:30:00Z', '2024-01-01T10:15:00Z', false)],
			first.memory,
		);
		expect([second.fresh, second.recovered.length]).toEqual([[], 1]);
		const third = sortOutAlerts(
			[goal('2024-01-01T10:30:00Z', '2024-01-01T10:15:00Z', false)],
			second.memory,
		);
		expect([third.fresh, third.recovered]).toEqual([[], []]);
		// Raised already recovered (a backfill): new, and no separate recovery.
		const backfill = sortOutAlerts(
			[goal('2024-01-02T10:30:00Z', '2024-01-02T10:15:00Z', false)],
			third.memory,
		);
		expect([backfill.fresh.length, backfill.recovered.length]).toEqual([1, 0]);
	});

	it('tells alerts apart whichever object holds them, and two goals on one metric apart', () => {
		expect(alertId(anomaly('2024-01-01T10:00:00Z'))).toBe(
			alertId({ ...anomaly('2024-01-01T10:00:00Z'), value: 3 }),
		);
		const other = {
			...goal('2024-01-01T10:30:00Z', '2024-01-01T10:15:00Z', true),
			goal: { direction: 'atLeast', value: 60 },
		};
		expect(alertId(other)).not.toBe(
			alertId(goal('2024-01-01T10:30:00Z', '2024-01-01T10:15:00Z', true)),
		);
	});

	it('reads anything unreadable as an empty memory, and keeps at most MAX_REMEMBERED_ALERTS keys, the newest', () => {
		expect(readAlertMemory('junk')).toEqual({ raised: {}, openGoals: {} });
		expect(readAlertMemory({ raised: { a: 'x', b: 5 } })).toEqual({
			raised: { b: 5 },
			openGoals: {},
		});
		const many = Array.from({ length: MAX_REMEMBERED_ALERTS + 5 }, (_, i) => ({
			...anomaly(new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString()),
			series: `s${i}`,
		}));
		const { memory } = sortOutAlerts(many, readAlertMemory(undefined));
		expect(Object.keys(memory.raised)).toHaveLength(MAX_REMEMBERED_ALERTS);
		expect(Object.keys(memory.raised)).not.toContain(
			memoryKey(JSON.stringify(['s0', 'count_sum', 'anomaly'])),
		);
		expect(Object.keys(memory.raised)).toContain(
			memoryKey(JSON.stringify([`s${MAX_REMEMBERED_ALERTS + 4}`, 'count_sum', 'anomaly'])),
		);
	});
});

describe('alert memory size', () => {
	it('stores a fixed-size hash of each key: 1,000 series named by 5,000 characters take 39 kB, not 5 MB', () => {
		const alerts = Array.from({ length: 1000 }, (_, i) => ({
			...anomaly('2024-01-01T10:00:00Z'),
			series: `${'x'.repeat(5000)}${i}`,
		}));
		const first = sortOutAlerts(alerts, readAlertMemory(undefined));
		expect(first.fresh).toHaveLength(1000);
		expect(new Set(Object.keys(first.memory.raised).map((key) => key.length))).toEqual(
			new Set([22]),
		);
		// {"raised":{ + 1,000 × "<22 characters>":1704103200000 and 999 commas + },"openGoals":{}}
		expect(JSON.stringify(first.memory).length).toBe(11 + 1000 * 38 + 999 + 17);
		// Read back from static data, it raises none of them again.
		const again = sortOutAlerts(alerts, readAlertMemory(JSON.parse(JSON.stringify(first.memory))));
		expect(again.fresh).toEqual([]);
	});

	it('reads a memory written before keys were hashed: nothing raised again, the open goal recovered once', () => {
		// Static data as the earlier version wrote it: the keys themselves.
		const written = {
			raised: {
				'["grp_001 / chat","count_sum","anomaly"]': Date.parse('2024-01-01T10:00:00Z'),
				'["grp_001","service_level_pct","goal:atLeast:80"]': Date.parse('2024-01-01T10:30:00Z'),
			},
			openGoals: {
				'["[\\"grp_001\\",\\"service_level_pct\\",\\"goal:atLeast:80\\"]","2024-01-01T10:15:00Z"]':
					Date.parse('2024-01-01T10:15:00Z'),
			},
		};
		const memory = readAlertMemory(written);
		expect(memory).toEqual({
			raised: {
				[memoryKey('["grp_001 / chat","count_sum","anomaly"]')]: Date.parse('2024-01-01T10:00:00Z'),
				[memoryKey('["grp_001","service_level_pct","goal:atLeast:80"]')]:
					Date.parse('2024-01-01T10:30:00Z'),
			},
			openGoals: {
				[memoryKey(
					'["[\\"grp_001\\",\\"service_level_pct\\",\\"goal:atLeast:80\\"]","2024-01-01T10:15:00Z"]',
				)]: Date.parse('2024-01-01T10:15:00Z'),
			},
		});
		const run = sortOutAlerts(
			[
				anomaly('2024-01-01T10:00:00Z'),
				goal('2024-01-01T10:30:00Z', '2024-01-01T10:15:00Z', false),
				anomaly('2024-01-01T12:00:00Z'),
			],
			memory,
		);
		expect(run.fresh.map((alert) => alert.bucketStart)).toEqual(['2024-01-01T12:00:00Z']);
		expect(run.recovered).toHaveLength(1);
		expect(run.memory.openGoals).toEqual({});
		// What it writes back is hashed: 22 characters a key.
		expect(Object.keys(run.memory.raised).map((key) => key.length)).toEqual([22, 22]);
	});
});

describe('alerts of the minutes before the run', () => {
	it('raises the alerts whose bucket ended in the window, and the recoveries of earlier goal episodes confirmed in it', () => {
		// A run at 14:17 with a window of 15 minutes and 15-minute buckets: (14:02, 14:17].
		const fromMs = Date.parse('2024-01-16T14:02:00Z');
		const toMs = Date.parse('2024-01-16T14:17:00Z');
		const withEnd = (
			record: Record<string, unknown>,
			episodeEnd: string | null,
			forBuckets = 1,
		) => ({
			...record,
			goal: { direction: 'atLeast', value: 80, forBuckets },
			episodeEnd,
		});
		// Back at goal from 13:45 for two buckets: confirmed when 14:00–14:15 ended.
		const recovering = withEnd(
			goal('2024-01-16T13:30:00Z', '2024-01-16T13:15:00Z', false),
			'2024-01-16T13:45:00Z',
			2,
		);
		const confirmedBefore = withEnd(
			goal('2024-01-16T12:00:00Z', '2024-01-16T12:00:00Z', false),
			'2024-01-16T13:30:00Z',
		);
		const ongoing = withEnd(goal('2024-01-16T13:00:00Z', '2024-01-16T13:00:00Z', true), null);
		const inWindow = anomaly('2024-01-16T14:00:00Z');
		const { fresh, recovered } = alertsWithin(
			[anomaly('2024-01-16T13:45:00Z'), inWindow, recovering, confirmedBefore, ongoing],
			fromMs,
			toMs,
			15 * 60_000,
		);
		expect(fresh).toEqual([inWindow]);
		expect(recovered).toEqual([recovering]);
	});
});

describe('alerts of the minutes before the run, for buckets of days and months', () => {
	const DAY = 86_400_000;
	const window = (from: string, to: string) => [Date.parse(from), Date.parse(to)] as const;
	it('ends a day at its next local midnight: Sunday 10 March 2024 in New York has 23 hours', () => {
		// Sunday's bucket starts at 05:00 UTC and ends at Monday's local midnight, 04:00 UTC.
		const sunday = anomaly('2024-03-10T05:00:00.000Z');
		const [fromMs, toMs] = window('2024-03-11T03:30:00Z', '2024-03-11T04:30:00Z');
		expect(alertsWithin([sunday], fromMs, toMs, DAY, () => 'America/New_York').fresh).toEqual([
			sunday,
		]);
		expect(alertsWithin([sunday], fromMs, toMs, DAY, () => 'UTC').fresh).toEqual([]);
	});
	it('ends each alert’s day on the calendar of its own series', () => {
		// New York's Sunday 10 March 2024 has 23 hours (05:00 to 04:00 UTC), Sydney's Sunday 7 April 25 (13:00
		// UTC on the 6th to 14:00 UTC on the 7th).
		const newYork = { ...anomaly('2024-03-10T05:00:00.000Z'), series: 'new-york' };
		const sydney = { ...anomaly('2024-04-06T13:00:00.000Z'), series: 'sydney' };
		const calendarOf = (alert: Record<string, unknown>) =>
			alert.series === 'sydney' ? 'Australia/Sydney' : 'America/New_York';
		const within = (from: string, to: string) =>
			alertsWithin([newYork, sydney], ...window(from, to), DAY, calendarOf).fresh;
		expect(within('2024-03-11T03:30:00Z', '2024-03-11T04:30:00Z')).toEqual([newYork]);
		expect(within('2024-04-07T13:30:00Z', '2024-04-07T14:30:00Z')).toEqual([sydney]);
	});
	it('ends a month bucket a month on, and confirms a recovery For Buckets months on', () => {
		const february = anomaly('2024-02-01T00:00:00.000Z');
		const [fromMs, toMs] = window('2024-02-29T23:30:00Z', '2024-03-01T00:30:00Z');
		expect(alertsWithin([february], fromMs, toMs, 31 * DAY).fresh).toEqual([february]);
		// Below goal in January, back at goal from February: two months at goal end on 1 April.
		const recovering = {
			...goal('2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z', false),
			goal: { direction: 'atLeast', value: 80, forBuckets: 2 },
			episodeEnd: '2024-02-01T00:00:00.000Z',
		};
		const [aprilFrom, aprilTo] = window('2024-03-31T23:30:00Z', '2024-04-01T00:30:00Z');
		expect(alertsWithin([recovering], aprilFrom, aprilTo, 31 * DAY).recovered).toEqual([
			recovering,
		]);
	});
});
