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
import { mapSteps } from '../../core/steps';
import type { UpdatedSince } from '../../core/platform/updatedSince';
import {
	chooseContactRead,
	cursorAfterRangeRead,
	parseUpdatedSince,
} from '../../core/platform/updatedSince';
import { QueryValidationError } from '../../core/validationError';
import { PLATFORM_LIMITS } from '../../../shared/core/catalogue';
import { n8nPacer } from '../../../shared/pacing';
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

/** The field of every item, with Only Since Last Run, that holds the cursor of the next run. */
export const NEXT_CURSOR_FIELD = 'nextUpdatedSince';

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
				description: `Whether to aggregate only the contacts of the time range added or changed since the last run (CXone's updatedSince): since Updated Since when it is set, else since this node's last production run, remembered in the workflow's static data (regular mode only). Without either, the whole time range is read. Each item carries the next run's cursor in ${NEXT_CURSOR_FIELD}.`,
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
			{
				displayName: 'Updated Since',
				name: 'updatedSince',
				type: 'string',
				default: '',
				placeholder: "={{ $('Read Cursor').first().json.nextUpdatedSince }}",
				description: `With Only Since Last Run: the cursor to continue from, an ISO-8601 instant such as the ${NEXT_CURSOR_FIELD} of the previous run's items, read by an expression from where the workflow stores it (a Data Table row, say). Needed in queue mode and in manual runs, where static data does not last. Empty: the cursor in static data, else the whole time range.`,
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['platform'], operation: ['aggregateCompletedContacts'] } },
	properties,
);

/** Options › Updated Since, checked: a cursor, or undefined when empty. */
function givenCursor(options: IDataObject, incremental: boolean): UpdatedSince | undefined {
	const given = parseUpdatedSince(options.updatedSince);
	if (given && 'problem' in given) {
		throw new QueryValidationError(
			'Options › Updated Since',
			`Options › Updated Since ${given.problem}. Give an ISO-8601 date-time with Z or an offset, e.g. 2026-01-14T10:00:00Z (the ${NEXT_CURSOR_FIELD} of the previous run's items), or leave it empty to read the whole time range.`,
		);
	}
	if (given && !incremental) {
		throw new QueryValidationError(
			'Options › Updated Since',
			'Options › Updated Since is set but Only Since Last Run is off. Turn Only Since Last Run on to read only what changed since then, or remove Updated Since.',
		);
	}
	return given;
}

/**
 * Aggregate Completed Contacts: the aggregation query's parameters and output, computed from
 * `/contacts/completed` in windows the Reporting API accepts; with Only Since Last Run, from the
 * contacts changed since a cursor (Options › Updated Since, else the workflow's static data).
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
	const incremental = options.onlySinceLastRun === true;
	const given = givenCursor(options, incremental);
	const sinceKey = `updatedSince:${itemIndex}`;
	const remembered = parseUpdatedSince(staticData[sinceKey]);
	const cursor = incremental
		? (given ?? (remembered && !('problem' in remembered) ? remembered : undefined))
		: undefined;
	const read = chooseContactRead(cursor, window.startMs, oldestMs);
	const aggregator = new ContactAggregator(body);
	const add = (contact: CompletedContact) => aggregator.add(contact);
	const next = await withPlatformContext(this, options, async (transport) => {
		if (read.kind === 'updated') {
			const polled = parseUpdatedSince(await readUpdatedContacts(transport, read.since.text, add));
			// No lastPollTime (nothing changed: 204) leaves the cursor where it was.
			return polled && !('problem' in polled) ? polled : read.since;
		}
		const startedMs = Date.now();
		const pollTimes: unknown[] = [];
		for (const part of reportingWindows(window))
			pollTimes.push((await readCompletedContacts(transport, part, add)).lastPollTime);
		return cursorAfterRangeRead(pollTimes, startedMs);
	});
	if (incremental) {
		staticData[sinceKey] = next.text;
		if (read.kind === 'range' && read.reason === 'stale' && cursor)
			staleCursorNotice(this, itemIndex, cursor, given !== undefined);
	}
	const cursorField: IDataObject = incremental ? { [NEXT_CURSOR_FIELD]: next.text } : {};
	// Sorted and made into items in steps, handing the event loop back (n8n's sleep) whenever a tenth of a
	// second has passed.
	const pace = n8nPacer();
	const rows = (await pace.run(aggregator.rowSteps())).slice(0, limit);
	return await pace.run(
		mapSteps(rows, (row) => ({
			json: {
				...(options.output === 'raw' ? (row as unknown as IDataObject) : flattenRow(row)),
				...cursorField,
			},
			pairedItem: { item: itemIndex },
		})),
	);
}

/**
 * Says, above the node's output and in n8n's log, that a cursor older than the reach of completed
 * contacts made the node read the whole time range (which gives exactly the contacts changed since
 * that cursor: the range starts within the reach).
 */
function staleCursorNotice(
	ctx: IExecuteFunctions,
	itemIndex: number,
	cursor: UpdatedSince,
	given: boolean,
): void {
	const what = given
		? `Options › Updated Since (${cursor.text})`
		: `The cursor this node remembered from its last run (${cursor.text})`;
	const message = `${what} is older than the ${RETENTION_DAYS} days CXone keeps completed contacts, so the node read the whole time range instead: every contact in it changed since then. ${given ? `Store each run's ${NEXT_CURSOR_FIELD} and give it to the next run.` : 'The node had not run for that long.'}`;
	ctx.addExecutionHints?.({ message, type: 'warning', location: 'outputPane' });
	ctx.logger?.warn(message, { itemIndex });
}
