/**
 * A minimal IExecuteFunctions for the Trends node, which does no I/O: its parameters (over the defaults
 * below), its input items, continueOnFail, the workflow's static data and binary data as n8n's
 * in-memory mode makes it. A parameter set by an expression is one of `expressions`: the node's raw value
 * starts with '=', as n8n stores it (`={{ $json.<name> }}`, or its text in `expressionTexts`), and each
 * item's value is what the function gives for that item.
 */
import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

export const TRENDS_NODE: INode = {
	id: 'trends',
	name: 'NICE CXone Trends & Anomalies',
	type: 'n8n-nodes-nice-cxone.niceCxoneTrends',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

export function trendsContext(
	items: INodeExecutionData[],
	parameters: IDataObject,
	{
		continueOnFail = false,
		staticData = {},
		expressions = {},
		expressionTexts = {},
	}: {
		continueOnFail?: boolean;
		staticData?: IDataObject;
		expressions?: Record<string, (item: INodeExecutionData, index: number) => unknown>;
		expressionTexts?: Record<string, string>;
	} = {},
): IExecuteFunctions {
	const all: IDataObject = {
		outputMode: 'annotate',
		method: 'seasonalRobust',
		timestampField: 'bucketStart',
		timeZone: 'UTC',
		...parameters,
	};
	const node: INode = {
		...TRENDS_NODE,
		parameters: Object.fromEntries(
			Object.keys(expressions).map((name) => [
				name,
				expressionTexts[name] ?? `={{ $json.${name} }}`,
			]),
		),
	};
	return {
		getInputData: () => items,
		getNodeParameter: (name: string, index: number, fallback?: unknown) =>
			name in expressions ? expressions[name](items[index], index) : (all[name] ?? fallback),
		getNode: () => node,
		getTimezone: () => 'UTC',
		continueOnFail: () => continueOnFail,
		getWorkflowStaticData: () => staticData,
		helpers: {
			prepareBinaryData: async (data: Buffer, fileName?: string, mimeType?: string) => ({
				data: data.toString('base64'),
				fileName,
				mimeType,
			}),
		},
	} as unknown as IExecuteFunctions;
}
