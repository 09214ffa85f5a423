import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';

import { DEFAULT_SETTINGS } from '../../../nodes/NiceCxoneTrends/core/analyzeSeries';
import { properties } from '../../../nodes/NiceCxoneTrends/description';
import { readParameters } from '../../../nodes/NiceCxoneTrends/parameters';

const node: INode = {
	id: 'trends',
	name: 'NICE CXone Trends & Anomalies',
	type: 'n8n-nodes-nice-cxone.niceCxoneTrends',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** A context that only answers parameter reads. */
function context(parameters: IDataObject): IExecuteFunctions {
	const all: IDataObject = {
		outputMode: 'annotate',
		method: 'seasonalRobust',
		timestampField: 'bucketStart',
		timeZone: 'UTC',
		...parameters,
	};
	return {
		getNode: () => node,
		getTimezone: () => 'UTC',
		getNodeParameter: (name: string, _index: number, fallback?: unknown) => all[name] ?? fallback,
	} as unknown as IExecuteFunctions;
}

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
