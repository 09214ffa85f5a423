import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { isoDurationSeconds } from '../../core/platform/isoDuration';
import { QueryValidationError } from '../../core/validationError';
import { REPORTING_MAX_WINDOW_MS, readSkillSummaries } from '../../transport/platform';
import { toNodeError } from '../errors';
import { itemTimeZone, readTimeWindow, timeRangeFields } from '../shared/queryFields';
import { PLATFORM_COMMON_OPTIONS, platformContext } from './context';

const properties: INodeProperties[] = [
	...timeRangeFields(),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: PLATFORM_COMMON_OPTIONS.filter((o) => o.name !== 'pageConcurrency'),
	},
];

export const description = updateDisplayOptions({ show: { resource: ['platform'], operation: ['getSkillSummary'] } }, properties);

/**
 * One item per skill; every ISO-8601 duration (`PT4M12S`) becomes a number of seconds in a field
 * named with `Seconds` (`averageHandleTime` → `averageHandleTimeSeconds`).
 */
export function summaryItem(summary: Record<string, unknown>): IDataObject {
	const item: IDataObject = {};
	for (const [field, value] of Object.entries(summary)) {
		const seconds = typeof value === 'string' && value.startsWith('P') ? isoDurationSeconds(value) : undefined;
		if (seconds === undefined) item[field] = value as IDataObject[string];
		else item[`${field}Seconds`] = seconds;
	}
	return item;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const output: INodeExecutionData[] = [];
	const items = this.getInputData();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
			const window = readTimeWindow(this, itemIndex, itemTimeZone(this, options));
			if (window.endMs - window.startMs > REPORTING_MAX_WINDOW_MS) {
				throw new QueryValidationError('Time Range', 'A skill summary covers at most 31 days, and summaries of two ranges cannot be added up. Shorten the range.');
			}
			for (const summary of await readSkillSummaries(platformContext(this, options), window)) {
				output.push({ json: summaryItem(summary), pairedItem: { item: itemIndex } });
			}
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, itemIndex, 'platform');
			if (!this.continueOnFail()) throw nodeError;
			output.push({ json: { error: nodeError.message }, pairedItem: { item: itemIndex } });
		}
	}
	return [output];
}
