import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../types';
import * as aggregateCompletedContacts from './aggregateCompletedContacts.operation';
import * as getSkillSummary from './getSkillSummary.operation';
import * as runReportJob from './runReportJob.operation';

export const operations = {
	aggregateCompletedContacts,
	getSkillSummary,
	runReportJob,
} satisfies ResourceOperations<'platform'>;

export const description: INodeProperties[] = [
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
	...aggregateCompletedContacts.description,
	...getSkillSummary.description,
	...runReportJob.description,
];
