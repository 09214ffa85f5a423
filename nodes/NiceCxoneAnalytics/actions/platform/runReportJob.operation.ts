import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { n8nPacer } from '../../../shared/pacing';
import { csvToObjectsSteps } from '../../core/platform/csv';
import { mapSteps } from '../../core/steps';
import { QueryValidationError } from '../../core/validationError';
import { runReportJob } from '../../transport/platform';
import { itemTimeZone, readTimeWindow, timeRangeFields } from '../shared/queryFields';
import { PLATFORM_OPTIONS_WITHOUT_PAGING, itemOptions, withPlatformContext } from './context';

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
			{
				name: 'CSV File',
				value: 'binary',
				description: 'The file as binary data in the field "data"',
			},
		],
		default: 'items',
	},
	PLATFORM_OPTIONS_WITHOUT_PAGING,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['platform'], operation: ['runReportJob'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const options = itemOptions(this, itemIndex);
	const reportId = String(this.getNodeParameter('reportId', itemIndex, '')).trim();
	if (!/^[\w-]+$/.test(reportId)) {
		throw new QueryValidationError(
			'Report ID',
			`Report ID '${reportId}' is not a report id. Copy it from the report in CXone, e.g. 1001.`,
		);
	}
	const window = readTimeWindow(this, itemIndex, itemTimeZone(this, options));
	const file = await withPlatformContext(
		this,
		options,
		async (transport) => await runReportJob(transport, reportId, window),
	);
	if (this.getNodeParameter('reportOutput', itemIndex, 'items') === 'binary') {
		const data = await this.helpers.prepareBinaryData(
			Buffer.from(file.csv, 'utf8'),
			file.fileName,
			'text/csv',
		);
		return [
			{
				json: { reportId, fileName: file.fileName },
				binary: { data },
				pairedItem: { item: itemIndex },
			},
		];
	}
	// Parsed and made into items in steps, handing the event loop back (n8n's sleep) whenever a tenth of a
	// second has passed.
	const pace = n8nPacer();
	const rows = await pace.run(csvToObjectsSteps(file.csv));
	return await pace.run(mapSteps(rows, (row) => ({ json: row, pairedItem: { item: itemIndex } })));
}
