import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { LIMITS } from '../../../shared/core/catalogue';
import { n8nPacer } from '../../../shared/pacing';
import type { AuditChainState, AuditSettings } from '../../../shared/audit';
import {
	AUDIT_AND_WEBHOOK_OPTIONS,
	finishAudit,
	readAuditSettings,
	readSigningSecret,
} from '../../../shared/audit';
import { n8nClock } from '../../../shared/transport/clock';
import type { EndpointError } from '../../../shared/transport/endpoints';
import { analyticsApiRoot } from '../../../shared/transport/endpoints';
import type { QueryBody } from '../../core/query';
import type { AccuracyReport } from '../../core/resultCheck';
import { checkQueryResultSteps } from '../../core/resultCheck';
import { createRowFlattener, type ResultRow } from '../../core/rows';
import {
	MAX_FILE_ROWS,
	checkEncodedResultSteps,
	createPageEncoder,
	encodedFile,
	type RowFileFormat,
} from '../../core/rowFile';
import { mapSteps } from '../../core/steps';
import { QueryValidationError } from '../../core/validationError';
import type { TokenTimer } from '../../transport/n8n';
import { CREDENTIAL_TYPE, createN8nSend } from '../../transport/n8n';
import type { RunnerContext, RunnerOptions } from '../../transport/queryRunner';
import {
	DEFAULT_RUNNER_OPTIONS,
	MAX_ITEM_ROWS,
	fetchQueryPages,
	fetchQueryResult,
} from '../../transport/queryRunner';
import { QuerySlots } from '../../transport/slots';
import type { Send, TransportStats } from '../../transport/types';
import { newTransportStats } from '../../transport/types';
import { toNodeError } from '../errors';
import {
	TIME_ZONE_OPTION,
	itemTimeZone,
	positiveNumber,
	queryFields,
	readQueryFields,
	wholeNumber,
} from '../shared/queryFields';

// The defaults below are literals (n8n's lint wants them so); a test checks them against DEFAULT_RUNNER_OPTIONS.
const DEFAULTS = DEFAULT_RUNNER_OPTIONS;
/** Most pages of one query read at once (Options › Page Concurrency). */
const MAX_PAGE_CONCURRENCY = 10;

const properties: INodeProperties[] = [
	...queryFields(),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			...AUDIT_AND_WEBHOOK_OPTIONS,
			{
				displayName: 'Max Poll Interval (Seconds)',
				name: 'maxPollIntervalSeconds',
				type: 'number',
				typeOptions: { minValue: 0.05, numberPrecision: 2 },
				default: 2,
				description: `The wait between polls grows ${DEFAULTS.pollGrowth}× each time, up to this`,
			},
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				options: [
					{
						name: 'Flattened Items',
						value: 'flat',
						description:
							'Fields bucketStart, one per dimension (groupId …) and one per metric (handle_time_avg …)',
					},
					{ name: 'Raw Rows', value: 'raw', description: 'Rows exactly as the API returns them' },
					{
						name: 'One CSV File',
						value: 'csv',
						description:
							'One item per query with the flattened rows as a CSV file in the binary property "data", for big extracts headed for a database or a bucket',
					},
					{
						name: 'One NDJSON File',
						value: 'ndjson',
						description:
							'One item per query with the flattened rows as newline-delimited JSON in the binary property "data"',
					},
				],
				default: 'flat',
			},
			{
				displayName: 'Page Concurrency',
				name: 'pageConcurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MAX_PAGE_CONCURRENCY },
				default: 8,
				description: 'Pages of a completed query fetched at once',
			},
			{
				displayName: 'Page Size',
				name: 'pageSize',
				type: 'number',
				typeOptions: { minValue: LIMITS.minPageSize, maxValue: LIMITS.maxPageSize },
				default: 1000,
				description: `Rows per page, ${LIMITS.minPageSize} to ${LIMITS.maxPageSize}`,
			},
			{
				displayName: 'Poll Interval (Seconds)',
				name: 'pollIntervalSeconds',
				type: 'number',
				typeOptions: { minValue: 0.05, numberPrecision: 2 },
				default: 0.1,
				description: `First wait before asking whether the query completed. Each wait is ${DEFAULTS.pollGrowth}× the last, or shorter when the server's progress says the query ends sooner.`,
			},
			TIME_ZONE_OPTION,
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeoutSeconds',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 600,
				description: 'Give up (and cancel the query on the server) after this long',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['analytics'], operation: ['runAggregationQuery'] } },
	properties,
);

interface ItemQuery {
	body: QueryBody;
	limit?: number;
	raw: boolean;
	/** One file of the flattened rows instead of one item per row. */
	file?: RowFileFormat;
	/** What the user set under Options; the runner defaults the rest. */
	runner: Partial<RunnerOptions>;
}

/** Reads and checks one item's parameters; throws QueryValidationError before anything is sent. */
function readItemQuery(ctx: IExecuteFunctions, itemIndex: number): ItemQuery {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const { body, limit } = readQueryFields(ctx, itemIndex, itemTimeZone(ctx, options));
	const pollFirstSeconds = positiveNumber(
		options.pollIntervalSeconds ?? DEFAULTS.pollFirstMs / 1000,
		'Options › Poll Interval (Seconds)',
	);
	const pollMaxSeconds = positiveNumber(
		options.maxPollIntervalSeconds ?? DEFAULTS.pollMaxMs / 1000,
		'Options › Max Poll Interval (Seconds)',
	);
	if (pollMaxSeconds < pollFirstSeconds) {
		throw new QueryValidationError(
			'Options › Max Poll Interval (Seconds)',
			`Max Poll Interval (${pollMaxSeconds} s) is shorter than Poll Interval (${pollFirstSeconds} s). Raise it or lower Poll Interval.`,
		);
	}
	const runner: Partial<RunnerOptions> = {
		pollFirstMs: pollFirstSeconds * 1000,
		pollMaxMs: pollMaxSeconds * 1000,
	};
	if (options.pageSize !== undefined)
		runner.pageSize = wholeNumber(
			options.pageSize,
			'Options › Page Size',
			LIMITS.minPageSize,
			LIMITS.maxPageSize,
		);
	if (options.pageConcurrency !== undefined)
		runner.pageConcurrency = wholeNumber(
			options.pageConcurrency,
			'Options › Page Concurrency',
			1,
			MAX_PAGE_CONCURRENCY,
		);
	if (options.timeoutSeconds !== undefined)
		runner.timeoutMs = positiveNumber(options.timeoutSeconds, 'Options › Timeout (Seconds)') * 1000;
	const file = options.output === 'csv' || options.output === 'ndjson' ? options.output : undefined;
	// A split range may bring the API's 1,000,000 rows a part: the whole result is held to what the output can take.
	const narrow =
		'Narrow the Time Range, choose a larger Bucket Size, remove a dimension or add a Filter';
	runner.maxRows = file ? MAX_FILE_ROWS : MAX_ITEM_ROWS;
	runner.maxRowsAdvice = file
		? `${narrow}, or split the range over several items (one query each).`
		: `${narrow}; or choose Options › Output › One CSV File or One NDJSON File, which hold up to ${MAX_FILE_ROWS.toLocaleString('en-US')} rows.`;
	return { body, limit, raw: options.output === 'raw', file, runner };
}

/** What every item of one execution shares: the senders, their token timer and the tenant's query slots. */
interface QueryExecution {
	send: Send;
	detachedSend: Send;
	tokenTimer: TokenTimer;
	slots: QuerySlots;
	signal?: AbortSignal;
	auditOutput: INodeExecutionData[];
	/** The audit chain of this execution: its records continue one from another. */
	chain: AuditChainState;
}

export async function prepare(this: IExecuteFunctions): Promise<QueryExecution> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	let baseUrl: string;
	try {
		// https (http only on this machine), no user info; a trailing /api/v2 is dropped, the node adds it.
		baseUrl = analyticsApiRoot(credentials.baseUrl).href.replace(/\/+$/, '');
	} catch (error) {
		throw new NodeOperationError(this.getNode(), (error as Error).message, {
			description: `Field: ${(error as EndpointError).field ?? 'Base URL'}`,
		});
	}
	const tokenTimer: TokenTimer = { requests: 0, ms: 0 };
	return {
		send: createN8nSend(this, baseUrl, { tokenTimer }),
		detachedSend: createN8nSend(this, baseUrl, { detached: true, tokenTimer }),
		tokenTimer,
		// Shared by every item of this execution, so together they never exceed the tenant's limit.
		slots: new QuerySlots(LIMITS.maxActiveQueriesPerTenant),
		signal: this.getExecutionCancelSignal?.(),
		auditOutput: [],
		chain: {},
	};
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: QueryExecution,
): Promise<INodeExecutionData[]> {
	const startedMs = Date.now();
	const tokenBefore = { ...run.tokenTimer };
	const tokenSince = (): TokenTimer => ({
		requests: run.tokenTimer.requests - tokenBefore.requests,
		ms: run.tokenTimer.ms - tokenBefore.ms,
	});
	const stats = newTransportStats();
	let query: ItemQuery | undefined;
	let settings: AuditSettings | undefined;
	let recorded = false;
	try {
		const read = readAuditSettings(this.getNodeParameter('options', itemIndex, {}) as IDataObject);
		if ('invalid' in read) throw new QueryValidationError('Options', read.invalid);
		settings = read;
		// Before anything is sent: with signing on, a missing, empty or short secret is an error.
		await readSigningSecret(this, settings, itemIndex);
		query = readItemQuery(this, itemIndex);
		const { send, detachedSend, slots, signal } = run;
		const runner: RunnerContext = {
			send,
			detachedSend,
			clock: n8nClock,
			slots,
			signal,
			stats,
			options: query.runner,
		};
		const audited = isAudited(settings);
		// The same checks with or without Audit; only the hash is left out when nobody reads it.
		const result = query.file
			? await readFile(runner, query, query.file, audited)
			: await readItems(runner, query, audited);
		if (audited) {
			// One record per item whatever follows: a failed delivery below is not recorded twice.
			recorded = true;
			const failure = await recordQuery(
				this,
				settings,
				{
					itemIndex,
					query,
					stats,
					startedMs,
					accuracy: result.report,
					queries: result.queries,
					token: tokenSince(),
				},
				run,
			);
			if (failure) throw failure;
		}
		return await result.output(this, itemIndex);
	} catch (error) {
		const nodeError = toNodeError(this.getNode(), error, itemIndex);
		if (settings && !recorded && isAudited(settings)) {
			await recordQuery(
				this,
				settings,
				{ itemIndex, query, stats, startedMs, error: nodeError.message, token: tokenSince() },
				run,
			);
		}
		throw nodeError;
	}
}

/** A query's result, read and checked, not yet output. */
interface CheckedResult {
	report: AccuracyReport;
	/** Queries submitted and read (more than one when the range was split). */
	queries: number;
	output: (ctx: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData[]>;
}

/** One item per row, flattened or raw. */
async function readItems(
	runner: RunnerContext,
	query: ItemQuery,
	hash: boolean,
): Promise<CheckedResult> {
	const flatten = createRowFlattener(query.body);
	// Raw rows go out as the API sent them, checked as the flattened ones are (names, value types, lengths).
	const mapRow = query.raw
		? (row: ResultRow) => {
				flatten(row);
				return row as unknown as IDataObject;
			}
		: flatten;
	const parts = await fetchQueryResult(runner, query.body, mapRow, query.limit);
	const pace = n8nPacer();
	const { rows, report } = await pace.run(
		checkQueryResultSteps(parts, query.body, { raw: query.raw, hash }),
	);
	return {
		report,
		queries: parts.length,
		output: async (_ctx, itemIndex) =>
			await pace.run(mapSteps(rows, (json) => ({ json, pairedItem: { item: itemIndex } }))),
	};
}

/**
 * The rows of one query as one file in the binary property `data` (through n8n's binary data, so a big
 * extract is not a million items), with what it holds in the item's JSON. Each page becomes its lines
 * as it arrives, so the rows are never all held (createPageEncoder).
 */
async function readFile(
	runner: RunnerContext,
	query: ItemQuery,
	format: RowFileFormat,
	hash: boolean,
): Promise<CheckedResult> {
	const encoder = createPageEncoder(query.body, format, { hash });
	const parts = await fetchQueryPages(runner, query.body, encoder.encode, query.limit);
	const report = await n8nPacer().run(checkEncodedResultSteps(parts, query.body, encoder));
	const output = async (ctx: IExecuteFunctions, itemIndex: number) => {
		const content = encodedFile(parts, encoder);
		const { timeSeries } = query.body;
		const day = (iso: string) => iso.slice(0, 10);
		const fileName = `cxone-analytics_${day(timeSeries.start)}_${day(timeSeries.end)}.${format}`;
		const data = await ctx.helpers.prepareBinaryData(
			content,
			fileName,
			format === 'csv' ? 'text/csv' : 'application/x-ndjson',
		);
		return [
			{
				json: {
					fileName,
					format,
					rows: report.rowsOutput,
					bytes: content.length,
					fields: [...encoder.fields],
					start: timeSeries.start,
					end: timeSeries.end,
					series: report.series,
				},
				binary: { data },
				pairedItem: { item: itemIndex },
			},
		];
	};
	return { report, queries: parts.length, output };
}

export function extraOutputs(this: IExecuteFunctions, run: QueryExecution): INodeExecutionData[][] {
	const settings = readAuditSettings(this.getNodeParameter('options', 0, {}) as IDataObject);
	return 'invalid' in settings || !settings.toOutput ? [] : [run.auditOutput];
}

const isAudited = (settings: AuditSettings) =>
	Boolean(settings.toOutput || settings.toLog || settings.webhook);

interface QueryRecordInput {
	itemIndex: number;
	query?: ItemQuery;
	stats: TransportStats;
	startedMs: number;
	accuracy?: AccuracyReport;
	/** Queries submitted and read; each brought its first page with the poll that saw it complete. */
	queries?: number;
	/** Token requests during this query (n8n fetches a token when none is cached, or after a 401). */
	token: TokenTimer;
	error?: string;
}

/**
 * Builds, signs off (webhook) and seals the audit record of one query, and queues it for the Audit
 * output. Returns the error of a failed delivery when it fails the item (Fail Workflow on Webhook Error).
 */
async function recordQuery(
	ctx: IExecuteFunctions,
	settings: AuditSettings,
	input: QueryRecordInput,
	run: QueryExecution,
): Promise<Error | undefined> {
	const { stats, accuracy } = input;
	const latencyMs = {
		token: input.token.ms,
		submit: stats.submitMs,
		waitingForCompletion: stats.waitMs,
		paging: stats.pagingMs,
		total: Date.now() - input.startedMs,
	};
	const rows = accuracy?.rowsOutput ?? 0;
	const pages = stats.pages + (input.queries ?? 0);
	const { record, failure } = await finishAudit(
		ctx,
		settings,
		run.chain,
		{ error: input.error, rows, latencyMs: latencyMs.total, anomalies: 0 },
		{
			kind: 'query',
			itemIndex: input.itemIndex,
			query: (input.query?.body ?? null) as IDataObject | null,
			latencyMs,
			requests: {
				total: stats.requests,
				tokenRequests: input.token.requests,
				retries: stats.retries,
				throttled: stats.throttled,
				failedResponses: stats.failedResponses,
				submits: stats.submits,
				polls: stats.polls,
				pages,
				cancels: stats.cancels,
			},
			result: {
				rows,
				pages,
				queries: input.queries ?? 0,
				totalCount: accuracy?.totalCount ?? null,
			},
			accuracy: (accuracy ?? null) as IDataObject | null,
		},
		input.itemIndex,
	);
	run.auditOutput.push({ json: record, pairedItem: { item: input.itemIndex } });
	return failure;
}
