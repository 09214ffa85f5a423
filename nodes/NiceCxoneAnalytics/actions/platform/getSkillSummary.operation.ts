import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { skillSummaryRecord } from '../../core/platform/skillSummary';
import { QueryValidationError } from '../../core/validationError';
import { PLATFORM_LIMITS } from '../../../shared/core/catalogue';
import { REPORTING_MAX_WINDOW_MS, readSkillSummaries } from '../../transport/platform';
import { itemTimeZone, readTimeWindow, timeRangeFields } from '../shared/queryFields';
import { PLATFORM_OPTIONS_WITHOUT_PAGING, itemOptions, withPlatformContext } from './context';

const properties: INodeProperties[] = [...timeRangeFields(), PLATFORM_OPTIONS_WITHOUT_PAGING];

export const description = updateDisplayOptions(
	{ show: { resource: ['platform'], operation: ['getSkillSummary'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const options = itemOptions(this, itemIndex);
	const window = readTimeWindow(this, itemIndex, itemTimeZone(this, options));
	if (window.endMs - window.startMs > REPORTING_MAX_WINDOW_MS) {
		throw new QueryValidationError(
			'Time Range',
			`A skill summary covers at most ${PLATFORM_LIMITS.maxWindowDays} days, and summaries of two ranges cannot be added up. Shorten the range.`,
		);
	}
	const summaries = await withPlatformContext(
		this,
		options,
		async (transport) => await readSkillSummaries(transport, window),
	);
	return summaries.map((summary) => ({
		json: skillSummaryRecord(summary) as IDataObject,
		pairedItem: { item: itemIndex },
	}));
}
