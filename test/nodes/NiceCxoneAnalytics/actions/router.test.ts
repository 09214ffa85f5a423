import type { INodeExecutionData } from 'n8n-workflow';

import { operations } from '../../../../nodes/NiceCxoneAnalytics/actions/analytics/Analytics.resource';
import { NiceCxoneAnalytics } from '../../../../nodes/NiceCxoneAnalytics/NiceCxoneAnalytics.node';
import { createContext, queryParams } from '../../../support/n8nContext';

describe('router', () => {
	const original = operations.runAggregationQuery;
	afterEach(() => {
		operations.runAggregationQuery = original;
	});

	it('passes on a million rows of one input item (the API allows 1,000,000 a query)', async () => {
		const rows: INodeExecutionData[] = Array.from({ length: 1_000_000 }, (_, i) => ({
			json: { i },
			pairedItem: { item: 0 },
		}));
		operations.runAggregationQuery = {
			...original,
			prepare: async () => ({}),
			execute: async () => rows,
		} as never;
		const { ctx } = createContext({
			params: queryParams(),
			credentials: {
				tokenUrl: 'unused',
				baseUrl: 'unused',
				clientId: 'unused',
				clientSecret: 'unused',
			},
		});
		const [output] = await new NiceCxoneAnalytics().execute.call(ctx);
		expect(output.length).toBe(1_000_000);
		expect(output[999_999]).toBe(rows[999_999]);
	});
});
