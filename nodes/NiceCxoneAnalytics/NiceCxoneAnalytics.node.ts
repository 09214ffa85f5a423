import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as aggregateCompletedContacts from './actions/platform/aggregateCompletedContacts.operation';
import * as getSkillSummary from './actions/platform/getSkillSummary.operation';
import * as runReportJob from './actions/platform/runReportJob.operation';
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
			{ name: 'niceCxoneOAuth2Api', required: true, displayOptions: { show: { resource: ['analytics'] } } },
			{ name: 'niceCxoneApi', required: true, displayOptions: { show: { resource: ['platform'] } } },
			{ name: 'niceCxoneWebhookSigningApi', required: false, testedBy: 'testWebhookSigningSecret' },
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Analytics', value: 'analytics', description: 'The analytics-v2 aggregation query API' },
					{ name: 'CXone Platform', value: 'platform', description: 'Access keys, the Reporting API and report jobs' },
				],
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
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['platform'] } },
				options: [
					{
						name: 'Aggregate Completed Contacts',
						value: 'aggregateCompletedContacts',
						action: 'Aggregate completed contacts',
						description: 'Metrics by dimension and time bucket, computed from completed contacts',
					},
					{
						name: 'Get Skill Summary',
						value: 'getSkillSummary',
						action: 'Get skill summaries',
						description: 'One item per skill for a time range, durations in seconds',
					},
					{
						name: 'Run Report Job',
						value: 'runReportJob',
						action: 'Run a report job',
						description: 'Run a custom report and return its rows or its CSV file',
					},
				],
				default: 'aggregateCompletedContacts',
			},
			...runAggregationQuery.description,
			...aggregateCompletedContacts.description,
			...getSkillSummary.description,
			...runReportJob.description,
		],
	};

	methods = { credentialTest: { testWebhookSigningSecret } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
