import type { IDataObject } from 'n8n-workflow';

import { DEFAULT_SETTINGS } from '../../../nodes/NiceCxoneTrends/core/analyzeSeries';
import { properties } from '../../../nodes/NiceCxoneTrends/description';
import { readParameters } from '../../../nodes/NiceCxoneTrends/parameters';
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
