import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as analytics from './actions/analytics/Analytics.resource';
import * as platform from './actions/platform/Platform.resource';
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
			{
				name: 'niceCxoneOAuth2Api',
				required: true,
				displayOptions: { show: { resource: ['analytics'] } },
			},
			{
				name: 'niceCxoneApi',
				required: true,
				displayOptions: { show: { resource: ['platform'] } },
			},
			{ name: 'niceCxoneWebhookSigningApi', required: false, testedBy: 'testWebhookSigningSecret' },
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Analytics',
						value: 'analytics',
						description: 'The analytics-v2 aggregation query API',
					},
					{
						name: 'CXone Platform',
						value: 'platform',
						description: 'Access keys, the Reporting API and report jobs',
					},
				],
				default: 'analytics',
			},
			...analytics.description,
			...platform.description,
		],
	};

	methods = { credentialTest: { testWebhookSigningSecret } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
