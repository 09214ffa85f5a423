import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { LIMITS } from '../../core/catalogue';
import type { QueryBody } from '../../core/query';
import { bucketStartsBetween } from '../../core/buckets';
import type { AccuracyReport, RowKey } from '../../core/resultCheck';
import { checkResult, impossibleResult } from '../../core/resultCheck';
import type { ResultRow } from '../../core/rows';
import { ImpossibleResultError, createRowFlattener, dimensionFieldName } from '../../core/rows';
import { QueryValidationError } from '../../core/validationError';
import { n8nClock } from '../../../shared/transport/clock';
import type { TokenTimer } from '../../transport/n8n';
import { CREDENTIAL_TYPE, createN8nSend } from '../../transport/n8n';
import type { RunnerOptions } from '../../transport/queryRunner';
import { DEFAULT_RUNNER_OPTIONS, runAggregationQuery } from '../../transport/queryRunner';
import { DEFAULT_RETRY_POLICY } from '../../transport/retry';
import { QuerySlots } from '../../transport/slots';
import type { TransportStats } from '../../transport/types';
import { newTransportStats } from '../../transport/types';
import type { AuditSettings } from '../../../shared/audit';
import { AUDIT_AND_WEBHOOK_OPTIONS, auditOrigin, readAuditSettings, readWebhookSecret, sealAudit, sendWebhookFor, webhookFailure } from '../../../shared/audit';
import { toNodeError } from '../errors';
import type { EndpointError } from '../../../shared/transport/endpoints';
import { analyticsApiRoot } from '../../../shared/transport/endpoints';
import type { WebhookOutcome } from '../../../shared/transport/webhook';
import { itemTimeZone, positiveNumber, queryFields, readQueryFields, wholeNumber } from '../shared/queryFields';

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
				description: 'The wait between polls grows by a fifth each time, up to this',
			},
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				options: [
					{ name: 'Flattened Items', value: 'flat', description: 'Fields bucketStart, one per dimension (groupId …) and one per metric (handle_time_avg …)' },
					{ name: 'Raw Rows', value: 'raw', description: 'Rows exactly as the API returns them' },
				],
				default: 'flat',
			},
			{
				displayName: 'Page Concurrency',
				name: 'pageConcurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 10 },
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
				description:
					"First wait before asking whether the query completed. Each wait is 1.25× the last, or shorter when the server's progress says the query ends sooner.",
			},
			{
				displayName: 'Time Zone',
				name: 'timeZone',
				type: 'string',
				default: '',
				placeholder: 'Europe/Berlin',
				description: "IANA time zone of the buckets and of the time range. Empty: the workflow's time zone.",
			},
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
	runner: Omit<RunnerOptions, 'retry'>;
}

/** Reads and checks one item's parameters; throws QueryValidationError before anything is sent. */
function readItemQuery(ctx: IExecuteFunctions, itemIndex: number): ItemQuery {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const { body, limit } = readQueryFields(ctx, itemIndex, itemTimeZone(ctx, options));
	const defaults = DEFAULT_RUNNER_OPTIONS;
	const pollFirstSeconds = positiveNumber(options.pollIntervalSeconds ?? defaults.pollFirstMs / 1000, 'Options › Poll Interval (Seconds)');
	const pollMaxSeconds = positiveNumber(options.maxPollIntervalSeconds ?? defaults.pollMaxMs / 1000, 'Options › Max Poll Interval (Seconds)');
	if (pollMaxSeconds < pollFirstSeconds) {
		throw new QueryValidationError(
			'Options › Max Poll Interval (Seconds)',
			`Max Poll Interval (${pollMaxSeconds} s) is shorter than Poll Interval (${pollFirstSeconds} s). Raise it or lower Poll Interval.`,
		);
	}
	return {
		body,
		limit,
		raw: options.output === 'raw',
		runner: {
			pageSize: wholeNumber(options.pageSize ?? defaults.pageSize, 'Options › Page Size', LIMITS.minPageSize, LIMITS.maxPageSize),
			pageConcurrency: wholeNumber(options.pageConcurrency ?? defaults.pageConcurrency, 'Options › Page Concurrency', 1, 10),
			pollFirstMs: pollFirstSeconds * 1000,
			pollMaxMs: pollMaxSeconds * 1000,
			pollGrowth: defaults.pollGrowth,
			timeoutMs: positiveNumber(options.timeoutSeconds ?? defaults.timeoutMs / 1000, 'Options › Timeout (Seconds)') * 1000,
		},
	};
}

function rowKeyOf(body: QueryBody, raw: boolean): (row: IDataObject) => RowKey {
	// A result has few distinct bucket starts and many rows: each text is parsed once.
	const parsed = new Map<string, number>();
	const startMs = (value: unknown) => {
		const text = String(value);
		let ms = parsed.get(text);
		if (ms === undefined) parsed.set(text, (ms = Date.parse(text)));
		return ms;
	};
	if (raw) {
		return (row) => ({
			bucketStartMs: startMs(row.timeSeries),
			series: Object.values((row.dimensions ?? {}) as IDataObject).join('|'),
		});
	}
	const fields = body.dimensions.map((d) => dimensionFieldName(d.name));
	return (row) => ({ bucketStartMs: startMs(row.bucketStart), series: fields.map((f) => row[f]).join('|') });
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	let baseUrl: string;
	try {
		// https (http only on this machine), no user info; a trailing /api/v2 is dropped, the node adds it.
		baseUrl = analyticsApiRoot(credentials.baseUrl).href.replace(/\/+$/, '');
	} catch (error) {
		throw new NodeOperationError(this.getNode(), (error as Error).message, { description: `Field: ${(error as EndpointError).field ?? 'Base URL'}` });
	}
	const tokenTimer: TokenTimer = { requests: 0, ms: 0 };
	const send = createN8nSend(this, baseUrl, { tokenTimer });
	const detachedSend = createN8nSend(this, baseUrl, { detached: true, tokenTimer });
	// Shared by every item of this execution, so together they never exceed the tenant's limit.
	const slots = new QuerySlots(LIMITS.maxActiveQueriesPerTenant);
	const signal = this.getExecutionCancelSignal?.();
	const output: INodeExecutionData[] = [];
	const auditOutput: INodeExecutionData[] = [];
	const auditToOutput = readAuditSettings(this.getNodeParameter('options', 0, {}) as IDataObject);

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const startedMs = Date.now();
		const tokenBefore = { ...tokenTimer };
		const stats = newTransportStats();
		let query: ItemQuery | undefined;
		let settings: AuditSettings | undefined;
		let recorded = false;
		try {
			const read = readAuditSettings(this.getNodeParameter('options', itemIndex, {}) as IDataObject);
			if ('invalid' in read) throw new QueryValidationError('Options', read.invalid);
			settings = read;
			// Before anything is sent: with signing on, a missing, empty or short secret is an error.
			await readWebhookSecret(this, settings, itemIndex);
			query = readItemQuery(this, itemIndex);
			const runQuery = query;
			const mapRow = query.raw ? (row: ResultRow) => row as unknown as IDataObject : createRowFlattener(query.body);
			const parts = await runAggregationQuery(
				{ send, detachedSend, clock: n8nClock, slots, signal, stats, options: { ...query.runner, retry: DEFAULT_RETRY_POLICY } },
				query.body,
				mapRow,
				query.limit,
			);
			const audited = Boolean(settings.toOutput || settings.toLog || settings.webhook);
			// The same checks with or without Audit; only the hash is left out when nobody reads it.
			const { timeSeries } = runQuery.body;
			const grid = bucketStartsBetween(Date.parse(timeSeries.start), Date.parse(timeSeries.end), timeSeries.bucketSize, timeSeries.timeZone);
			const checked = checkResult(parts, rowKeyOf(runQuery.body, runQuery.raw), grid, { hash: audited });
			const impossible = impossibleResult(checked.report, checked.rowsOutOfOrder);
			if (impossible) throw new ImpossibleResultError(`a result that cannot be right: ${impossible}`);
			const rows: IDataObject[] = checked.rows;
			const accuracy: AccuracyReport | undefined = audited ? checked.report : undefined;
			if (audited) {
				// One record per item whatever follows: a failed delivery below is not recorded twice.
				recorded = true;
				const webhook = await recordQuery(this, settings, { itemIndex, query, stats, startedMs, accuracy, queries: parts.length, token: tokenSince(tokenBefore) }, auditOutput);
				const failure = webhookFailure(this, settings, webhook, itemIndex);
				if (failure) throw failure;
			}
			for (const json of rows) output.push({ json, pairedItem: { item: itemIndex } });
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, itemIndex);
			if (settings && !recorded && (settings.toOutput || settings.toLog || settings.webhook)) {
				await recordQuery(this, settings, { itemIndex, query, stats, startedMs, error: nodeError.message, token: tokenSince(tokenBefore) }, auditOutput);
			}
			if (!this.continueOnFail()) throw nodeError;
			output.push({
				json: { error: nodeError.message, ...(nodeError.description ? { errorDetails: nodeError.description } : {}) },
				pairedItem: { item: itemIndex },
			});
		}
	}
	function tokenSince(before: TokenTimer): TokenTimer {
		return { requests: tokenTimer.requests - before.requests, ms: tokenTimer.ms - before.ms };
	}
	return 'invalid' in auditToOutput || !auditToOutput.toOutput ? [output] : [output, auditOutput];
}

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
 * output. Returns the webhook's outcome; whether a failed delivery fails the item is the caller's call.
 */
async function recordQuery(
	ctx: IExecuteFunctions,
	settings: AuditSettings,
	input: QueryRecordInput,
	auditOutput: INodeExecutionData[],
): Promise<WebhookOutcome | undefined> {
	const { stats, accuracy } = input;
	const origin = auditOrigin(ctx);
	const latencyMs = {
		token: input.token.ms,
		submit: stats.submitMs,
		waitingForCompletion: stats.waitMs,
		paging: stats.pagingMs,
		total: Date.now() - input.startedMs,
	};
	const rows = accuracy?.rowsOutput ?? 0;
	const webhook = await sendWebhookFor(ctx, settings, input.error ? 'failed' : 'completed', {
		auditId: origin.id,
		workflowId: origin.workflowId,
		executionId: origin.executionId,
		nodeName: origin.nodeName,
		status: input.error ? 'error' : 'success',
		error: input.error ?? null,
		rows,
		latencyMs: latencyMs.total,
		anomalies: 0,
	});
	const record = sealAudit(ctx, settings, {
		...origin,
		kind: 'query',
		itemIndex: input.itemIndex,
		query: input.query?.body ?? null,
		status: input.error ? 'error' : 'success',
		error: input.error ?? null,
		latencyMs,
		requests: {
			total: stats.requests,
			tokenRequests: input.token.requests,
			retries: stats.retries,
			throttled: stats.throttled,
			failedResponses: stats.failedResponses,
			submits: stats.submits,
			polls: stats.polls,
			pages: stats.pages + (input.queries ?? 0),
			cancels: stats.cancels,
		},
		result: { rows, pages: stats.pages + (input.queries ?? 0), queries: input.queries ?? 0, totalCount: accuracy?.totalCount ?? null },
		accuracy: accuracy ?? null,
		webhook: webhook ?? null,
	});
	auditOutput.push({ json: record as unknown as IDataObject, pairedItem: { item: input.itemIndex } });
	return webhook;
}
