import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';

import { DEFAULT_SETTINGS } from '../../../nodes/NiceCxoneTrends/core/analyzeSeries';
import { properties } from '../../../nodes/NiceCxoneTrends/description';
import { readItemTimeZones, readParameters } from '../../../nodes/NiceCxoneTrends/parameters';
import { pacer } from '../../../nodes/shared/core/pacer';
import { trendsContext } from '../../support/trendsContext';

/** A context that only answers parameter reads. */
const context = (parameters: IDataObject) => trendsContext([], parameters);

describe('Method parameter', () => {
	it('offers every detection method, seasonal first and by default, and hides Sensitivity only for the legacy rule', () => {
		const method = properties.find((property) => property.name === 'method')!;
		expect(method.options!.map((option) => ('value' in option ? option.value : undefined))).toEqual(
			['seasonalRobust', 'rollingRobust', 'legacyZScore'],
		);
		expect(method.default).toBe(DEFAULT_SETTINGS.method);
		const sensitivity = properties.find((property) => property.name === 'sensitivity')!;
		expect(sensitivity.displayOptions).toEqual({ hide: { method: ['legacyZScore'] } });
	});
	it('reads a known method and refuses an unknown one with the list of methods', () => {
		expect(readParameters(context({ method: 'rollingRobust' })).config.settings.method).toBe(
			'rollingRobust',
		);
		expect(() => readParameters(context({ method: 'seasonal' }))).toThrow(
			"'Method' is 'seasonal'. Choose one of seasonalRobust, rollingRobust, legacyZScore.",
		);
	});
});

describe('options given by an expression', () => {
	const read = (options: IDataObject) => () => readParameters(context({ options }));
	it('refuses History Days past what the editor allows: the method keeps that many days of every slot', () => {
		// 1e9 made a typed array of 240 billion entries and a RangeError that named no field.
		expect(read({ historyDays: 1e9 })).toThrow(
			"'History Days' is 1000000000. Use a whole number of at least 1 and at most 28.",
		);
		expect(read({ rollingWindowBuckets: 5000 })).toThrow(
			"'Rolling Window Buckets' is 5000. Use a whole number of at least 1 and at most 1000.",
		);
		expect(
			readParameters(context({ options: { historyDays: 28 } })).config.settings.historyDays,
		).toBe(28);
	});
	it('refuses a Trend Dead Band that is no percentage, weekend days that are no days and a bucket over a year', () => {
		expect(read({ trendDeadBandPercent: 'abc' })).toThrow(
			"'Trend Dead Band (%)' is abc. Use a percentage of 0 or more, e.g. 5.",
		);
		expect(read({ weekendDays: ['6', 'Sunday'] })).toThrow(
			`'Weekend Days' is ["6","Sunday"]. Choose days of the week (1 = Monday … 7 = Sunday), e.g. ["6", "7"].`,
		);
		expect(read({ weekendDays: '6,7' })).toThrow(`'Weekend Days' is "6,7".`);
		// 1e300 minutes left every item unfinished: an empty output and no error.
		expect(read({ bucketMinutes: 1e300 })).toThrow(
			"'Bucket Minutes' is 1e+300. Use 0 to detect the spacing, or the bucket length in minutes (e.g. 15; at most 527040, a year).",
		);
		const settings = readParameters(context({ options: { weekendDays: ['5', '6'] } })).config
			.settings;
		expect(settings.weekendDays).toEqual([5, 6]);
	});
});

describe('Data Complete Until', () => {
	const until = (dataUntil: unknown, timeZone = 'UTC') =>
		readParameters(context({ timeZone, options: { dataUntil } as IDataObject })).config.dataUntilMs;
	it('reads a time with an offset, a wall-clock time in the Time Zone, a Date and an expression’s DateTime', () => {
		expect(until('2024-02-02T14:00:00Z')).toBe(Date.UTC(2024, 1, 2, 14));
		expect(until('2024-02-02 14:00', 'Europe/Paris')).toBe(Date.UTC(2024, 1, 2, 13));
		expect(until(new Date(Date.UTC(2024, 1, 2, 14)))).toBe(Date.UTC(2024, 1, 2, 14));
		// n8n hands an expression's DateTime inside Options over as its text ({{ $now }}); a DateTime itself reads alike.
		expect(until('2024-02-02T15:00:00.123+01:00')).toBe(Date.UTC(2024, 1, 2, 14, 0, 0, 123));
		expect(until(DateTime.fromISO('2024-02-02T15:00:00+01:00'))).toBe(Date.UTC(2024, 1, 2, 14));
		expect(until('')).toBeUndefined();
		expect(until(undefined)).toBeUndefined();
	});
	it('is never later than the run: no item is complete beyond it', () => {
		const before = Date.now();
		const read = until('2999-01-01T00:00:00Z')!;
		expect(read).toBeGreaterThanOrEqual(before);
		expect(read).toBeLessThanOrEqual(Date.now());
	});
	it('refuses what is no time, naming the field and the fix', () => {
		expect(() => until('soon')).toThrow(
			`'Data Complete Until' is "soon". Use a date and time such as {{ $now }} (the query ends now), or leave it empty when the data ends with its last item.`,
		);
	});
});

describe('Time Zone by an expression', () => {
	it('is each item’s own, read for every item with a pause every 100 once a tenth of a second has passed', async () => {
		const items = Array.from({ length: 250 }, (_, i) => ({
			json: { siteTimeZone: i % 2 === 1 ? 'America/Chicago' : '' },
		}));
		const perItem = trendsContext(
			items,
			{},
			{
				expressions: { timeZone: (item) => item.json.siteTimeZone },
			},
		);
		let pauses = 0;
		let nowMs = 0;
		// A clock always late: every look at it pauses.
		const pace = pacer(
			async () => {
				pauses++;
			},
			() => (nowMs += 1000),
		);
		const zones = await readItemTimeZones(perItem, items.length, pace);
		// Empty: the workflow's zone.
		expect(zones?.slice(0, 3)).toEqual(['UTC', 'America/Chicago', 'UTC']);
		expect(zones).toHaveLength(250);
		expect(pauses).toBe(2);
		// Not an expression: no zone of its own for any item.
		expect(
			await readItemTimeZones(
				trendsContext(items, { timeZone: 'Europe/Paris' }),
				items.length,
				pace,
			),
		).toBeUndefined();
	});
});
