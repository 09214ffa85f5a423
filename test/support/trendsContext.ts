/**
 * A minimal IExecuteFunctions for the Trends node, which does no I/O: its parameters (over the defaults
 * below), its input items, continueOnFail, the workflow's static data and binary data as n8n's
 * in-memory mode makes it.
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
	}: { continueOnFail?: boolean; staticData?: IDataObject } = {},
): IExecuteFunctions {
	const all: IDataObject = {
		outputMode: 'annotate',
		method: 'seasonalRobust',
		timestampField: 'bucketStart',
		timeZone: 'UTC',
		...parameters,
	};
	return {
		getInputData: () => items,
		getNodeParameter: (name: string, _index: number, fallback?: unknown) => all[name] ?? fallback,
		getNode: () => TRENDS_NODE,
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
