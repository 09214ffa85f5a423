import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

/** Every resource of the node with its operations; a resource file that lacks one fails to compile. */
export type NiceCxoneAnalyticsMap = {
	analytics: 'runAggregationQuery';
	platform: 'aggregateCompletedContacts' | 'getSkillSummary' | 'runReportJob';
};

export type Resource = keyof NiceCxoneAnalyticsMap;

/**
 * One operation: its fields, and how it runs one input item. The router loops over the items, pairs
 * them, and applies Continue On Fail; an operation only produces the items of one input item.
 */
export interface Operation<State = undefined> {
	description: INodeProperties[];
	/** Per-execution state every item shares (query slots, the Audit output …), made once before the first item. */
	prepare?(this: IExecuteFunctions): Promise<State>;
	execute(this: IExecuteFunctions, itemIndex: number, state: State): Promise<INodeExecutionData[]>;
	/** Outputs after the main one (the Audit output), once every item ran. */
	extraOutputs?(this: IExecuteFunctions, state: State): INodeExecutionData[][];
}

/** The operations of one resource, keyed by their `operation` value. */
export type ResourceOperations<R extends Resource> = Record<
	NiceCxoneAnalyticsMap[R],
	Operation<unknown>
>;
