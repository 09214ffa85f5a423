import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as runAggregationQuery from './query/runAggregationQuery.operation';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0);
	const operation = this.getNodeParameter('operation', 0);
	if (resource === 'analytics' && operation === 'runAggregationQuery') {
		return await runAggregationQuery.execute.call(this);
	}
	throw new NodeOperationError(this.getNode(), `The operation '${String(operation)}' of '${String(resource)}' is not supported.`);
}
