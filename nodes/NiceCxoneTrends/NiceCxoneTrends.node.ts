import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { properties } from './description';
import { execute } from './execute';
import { outputsWithAudit } from '../shared/audit';
import { testWebhookSigningSecret } from '../shared/methods';

export class NiceCxoneTrends implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'NICE CXone Trends & Anomalies',
		name: 'niceCxoneTrends',
		icon: { light: 'file:trends.svg', dark: 'file:trends.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["method"] + " · " + $parameter["outputMode"]}}',
		description:
			'Find trends and seasonal anomalies per group and metric in contact-centre time series',
		defaults: { name: 'NICE CXone Trends & Anomalies' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: outputsWithAudit(['Output', 'Anomalies']),
		credentials: [
			{ name: 'niceCxoneWebhookSigningApi', required: false, testedBy: 'testWebhookSigningSecret' },
		],
		properties,
	};

	methods = { credentialTest: { testWebhookSigningSecret } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await execute.call(this);
	}
}
