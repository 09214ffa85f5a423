import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { csvToObjects } from '../../core/platform/csv';
import { QueryValidationError } from '../../core/validationError';
import { runReportJob } from '../../transport/platform';
import { toNodeError } from '../errors';
import { itemTimeZone, readTimeWindow, timeRangeFields } from '../shared/queryFields';
import { PLATFORM_COMMON_OPTIONS, platformContext } from './context';

const properties: INodeProperties[] = [
	{
		displayName: 'Report ID',
		name: 'reportId',
		type: 'string',
		default: '',
		required: true,
		description: 'ID of the custom report in CXone (Reporting › Custom Reports)',
	},
	...timeRangeFields(),
	{
		displayName: 'Output',
		name: 'reportOutput',
		type: 'options',
		options: [
			{ name: 'One Item per Row', value: 'items', description: 'CSV headers become fields' },
			{ name: 'CSV File', value: 'binary', description: 'The file as binary data in the field "data"' },
		],
		default: 'items',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: PLATFORM_COMMON_OPTIONS.filter((o) => o.name !== 'pageConcurrency'),
	},
];

export const description = updateDisplayOptions({ show: { resource: ['platform'], operation: ['runReportJob'] } }, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const output: INodeExecutionData[] = [];
	const items = this.getInputData();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
			const reportId = String(this.getNodeParameter('reportId', itemIndex, '')).trim();
			if (!/^[\w-]+$/.test(reportId)) {
				throw new QueryValidationError('Report ID', `Report ID '${reportId}' is not a report id. Copy it from the report in CXone, e.g. 1001.`);
			}
			const window = readTimeWindow(this, itemIndex, itemTimeZone(this, options));
			const file = await runReportJob(platformContext(this, options), reportId, window, { firstMs: 1000, maxMs: 10_000, growth: 1.5 });
			if (this.getNodeParameter('reportOutput', itemIndex, 'items') === 'binary') {
				const data = await this.helpers.prepareBinaryData(Buffer.from(file.csv, 'utf8'), file.fileName, 'text/csv');
				output.push({ json: { reportId, fileName: file.fileName }, binary: { data }, pairedItem: { item: itemIndex } });
			} else {
				for (const row of csvToObjects(file.csv)) output.push({ json: row, pairedItem: { item: itemIndex } });
			}
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, itemIndex, 'platform');
			if (!this.continueOnFail()) throw nodeError;
			output.push({ json: { error: nodeError.message }, pairedItem: { item: itemIndex } });
		}
	}
	return [output];
}
