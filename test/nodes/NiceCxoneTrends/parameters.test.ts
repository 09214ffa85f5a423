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
