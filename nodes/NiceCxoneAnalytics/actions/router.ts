import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { operations as analytics } from './analytics/Analytics.resource';
import { toNodeError } from './errors';
import { operations as platform } from './platform/Platform.resource';
import type { Operation, Resource, ResourceOperations } from './types';

const RESOURCES: { [R in Resource]: ResourceOperations<R> } = { analytics, platform };

/**
 * Runs the chosen operation for every input item, in order: each item's output is paired with it, and
 * with Continue On Fail a failing item becomes one error item while the others still run.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = String(this.getNodeParameter('resource', 0));
	const operationName = String(this.getNodeParameter('operation', 0));
	const operation = (
		RESOURCES[resource as Resource] as Record<string, Operation<unknown>> | undefined
	)?.[operationName];
	if (!operation) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation '${operationName}' of '${resource}' is not supported.`,
		);
	}
	const state = await operation.prepare?.call(this);
	const output: INodeExecutionData[] = [];
	const items = this.getInputData();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			// One push per item: spreading a million rows into one call overflows the stack.
			for (const item of await operation.execute.call(this, itemIndex, state)) output.push(item);
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, itemIndex, resource as Resource);
			if (!this.continueOnFail()) throw nodeError;
			output.push({
				json: {
					error: nodeError.message,
					...(nodeError.description ? { errorDetails: nodeError.description } : {}),
				},
				pairedItem: { item: itemIndex },
			});
		}
	}
	return [output, ...(operation.extraOutputs?.call(this, state) ?? [])];
}
