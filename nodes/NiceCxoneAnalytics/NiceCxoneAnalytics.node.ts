import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as runAggregationQuery from './actions/query/runAggregationQuery.operation';
import { router } from './actions/router';
import { outputsWithAudit } from '../shared/audit';
import { testWebhookSigningSecret } from '../shared/methods';

export class NiceCxoneAnalytics implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'NICE CXone Analytics',
		name: 'niceCxoneAnalytics',
		icon: { light: 'file:nice-cxone.svg', dark: 'file:nice-cxone.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["timeRange"]}}',
		description: 'Run NICE CXone aggregation queries: metrics by dimension and time bucket',
		defaults: { name: 'NICE CXone Analytics' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: outputsWithAudit(['Results']),
		credentials: [
			{ name: 'niceCxoneOAuth2Api', required: true },
			{ name: 'niceCxoneWebhookSigningApi', required: false, testedBy: 'testWebhookSigningSecret' },
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Analytics', value: 'analytics' }],
				default: 'analytics',
			},
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
		],
	};

	methods = { credentialTest: { testWebhookSigningSecret } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
