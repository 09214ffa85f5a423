import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as aggregateCompletedContacts from './platform/aggregateCompletedContacts.operation';
import * as getSkillSummary from './platform/getSkillSummary.operation';
import * as runReportJob from './platform/runReportJob.operation';
import * as runAggregationQuery from './query/runAggregationQuery.operation';

const OPERATIONS: Record<string, Record<string, { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]> }>> = {
	analytics: { runAggregationQuery },
	platform: { aggregateCompletedContacts, getSkillSummary, runReportJob },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0);
	const operation = this.getNodeParameter('operation', 0);
	const handler = OPERATIONS[String(resource)]?.[String(operation)];
	if (handler) return await handler.execute.call(this);
	throw new NodeOperationError(this.getNode(), `The operation '${String(operation)}' of '${String(resource)}' is not supported.`);
}
