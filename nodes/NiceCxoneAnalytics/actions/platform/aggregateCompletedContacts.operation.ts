import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { CompletedContact } from '../../core/platform/contacts';
import {
	ContactAggregator,
	PLATFORM_UNAVAILABLE_DIMENSIONS,
	PLATFORM_UNAVAILABLE_METRICS,
} from '../../core/platform/contacts';
import { flattenRow } from '../../core/rows';
import { toIsoUtc } from '../../core/buckets';
import { QueryValidationError } from '../../core/validationError';
import { PLATFORM_LIMITS } from '../../../shared/core/catalogue';
import { DAY_MS } from '../../../shared/core/time';
import {
	readCompletedContacts,
	readUpdatedContacts,
	reportingWindows,
} from '../../transport/platform';
import { itemTimeZone, queryFields, readQueryFields } from '../shared/queryFields';
import { PLATFORM_COMMON_OPTIONS, itemOptions, withPlatformContext } from './context';

const UNAVAILABLE = { ...PLATFORM_UNAVAILABLE_METRICS, ...PLATFORM_UNAVAILABLE_DIMENSIONS };
const RETENTION_DAYS = PLATFORM_LIMITS.completedContactsRetentionDays;

const properties: INodeProperties[] = [
	{
		displayName: `Computed in n8n from CXone completed contacts (the last ${RETENTION_DAYS} days). Not offered here: First Contact Resolved and Sentiment (completed contacts do not carry them) and the Group dimension.`,
		name: 'platformNotice',
		type: 'notice',
		default: '',
	},
	...queryFields(UNAVAILABLE),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Only Since Last Run',
				name: 'onlySinceLastRun',
				type: 'boolean',
				default: false,
				description:
					"Whether to aggregate only the contacts added or changed since this node's last production run (CXone's updatedSince, remembered in the workflow's static data). The first run reads the whole time range.",
			},
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				options: [
					{ name: 'Flattened Items', value: 'flat' },
					{ name: 'Raw Rows', value: 'raw' },
				],
				default: 'flat',
			},
			...PLATFORM_COMMON_OPTIONS,
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['platform'], operation: ['aggregateCompletedContacts'] } },
	properties,
);

/**
 * Aggregate Completed Contacts: the aggregation query's parameters and output, computed from
 * `/contacts/completed` in windows the Reporting API accepts.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const options = itemOptions(this, itemIndex);
	const staticData = this.getWorkflowStaticData('node');
	const { body, limit } = readQueryFields(
		this,
		itemIndex,
		itemTimeZone(this, options),
		UNAVAILABLE,
	);
	const window = {
		startMs: Date.parse(body.timeSeries.start),
		endMs: Date.parse(body.timeSeries.end),
	};
	const oldestMs = Date.now() - RETENTION_DAYS * DAY_MS;
	if (window.startMs < oldestMs) {
		throw new QueryValidationError(
			'Time Range',
			`Completed contacts reach back ${RETENTION_DAYS} days; this range starts ${Math.floor((Date.now() - window.startMs) / DAY_MS)} days ago. Choose a later start, or use a report job or the Analytics resource for older data.`,
		);
	}
	const aggregator = new ContactAggregator(body);
	const add = (contact: CompletedContact) => aggregator.add(contact);
	const sinceKey = `updatedSince:${itemIndex}`;
	const updatedSince = options.onlySinceLastRun
		? (staticData[sinceKey] as string | undefined)
		: undefined;
	await withPlatformContext(this, options, async (transport) => {
		if (updatedSince) {
			const lastPollTime = await readUpdatedContacts(transport, updatedSince, add);
			if (lastPollTime) staticData[sinceKey] = lastPollTime;
		} else {
			const readFromMs = Date.now();
			for (const part of reportingWindows(window))
				await readCompletedContacts(transport, part, add);
			if (options.onlySinceLastRun) staticData[sinceKey] = toIsoUtc(readFromMs);
		}
	});
	return aggregator
		.rows()
		.slice(0, limit)
		.map((row) => ({
			json: options.output === 'raw' ? (row as unknown as IDataObject) : flattenRow(row),
			pairedItem: { item: itemIndex },
		}));
}
