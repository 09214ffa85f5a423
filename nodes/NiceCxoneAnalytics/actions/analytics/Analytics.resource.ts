import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../types';
import * as runAggregationQuery from './runAggregationQuery.operation';

export const operations = { runAggregationQuery } satisfies ResourceOperations<'analytics'>;

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['analytics'] } },
		options: [
			{
				name: 'Run Aggregation Query',
				value: 'runAggregationQuery',
				action: 'Run an aggregation query',
				description: 'Submit a query, wait for it, and return one item per result row',
			},
		],
		default: 'runAggregationQuery',
	},
	...runAggregationQuery.description,
];
