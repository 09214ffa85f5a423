import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, jsonParse, updateDisplayOptions } from 'n8n-workflow';

import { BUCKET_SIZES, DIMENSIONS, LIMITS, METRICS } from '../../core/catalogue';
import type { QueryBody, SimpleCondition } from '../../core/query';
import { buildQueryBody, filterFromConditions } from '../../core/query';
import { bucketStartsBetween } from '../../core/buckets';
import type { AccuracyReport, RowKey } from '../../core/resultCheck';
import { checkResult } from '../../core/resultCheck';
import type { ResultRow } from '../../core/rows';
import { dimensionFieldName, flattenRow } from '../../core/rows';
import type { TimeRangePreset } from '../../core/timeRange';
import { TIME_RANGE_PRESETS, resolveTimeRange } from '../../core/timeRange';
import { QueryValidationError } from '../../core/validationError';
import { n8nClock } from '../../../shared/transport/clock';
import type { TokenTimer } from '../../transport/n8n';
import { CREDENTIAL_TYPE, createN8nSend } from '../../transport/n8n';
import type { RunnerOptions } from '../../transport/queryRunner';
import { runAggregationQuery } from '../../transport/queryRunner';
import { DEFAULT_RETRY_POLICY } from '../../transport/retry';
import { QuerySlots } from '../../transport/slots';
import type { TransportStats } from '../../transport/types';
import { newTransportStats } from '../../transport/types';
import type { AuditSettings } from '../../../shared/audit';
import { AUDIT_AND_WEBHOOK_OPTIONS, auditOrigin, readAuditSettings, sealAudit, sendWebhookFor } from '../../../shared/audit';
import { toNodeError } from '../errors';

const AGGREGATION_LABELS: Record<string, string> = {
	sum: 'Sum',
	avg: 'Average',
	min: 'Minimum',
	max: 'Maximum',
	pct: 'Percent',
};

/** Every valid metric × aggregation pair of the catalogue, and only those. */
const METRIC_OPTIONS = METRICS.flatMap((metric) =>
	metric.aggregations.map((aggregation) => ({
		name: `${metric.displayName} (${AGGREGATION_LABELS[aggregation]})`,
		value: `${metric.name}:${aggregation}`,
		description: `${metric.description}. Output field: ${metric.name}_${aggregation}.`,
	})),
).sort((a, b) => a.name.localeCompare(b.name));

const DIMENSION_OPTIONS = DIMENSIONS.map((d) => ({
	name: d.displayName,
	value: d.name,
	description: `${d.name}, output field ${d.fieldName}`,
})).sort((a, b) => a.name.localeCompare(b.name));

const properties: INodeProperties[] = [
	{
		displayName: 'Metrics',
		name: 'metrics',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Metric',
		default: { metric: [{ metric: 'count:sum' }] },
		description: `What to measure, 1 to ${LIMITS.maxMetrics} metrics. Each becomes a field named metric_aggregation, e.g. handle_time_avg.`,
		options: [
			{
				displayName: 'Metric',
				name: 'metric',
				values: [
					{
						displayName: 'Metric',
						name: 'metric',
						type: 'options',
						options: METRIC_OPTIONS,
						default: 'count:sum',
						description: 'Metric and aggregation. In an expression write metric:aggregation, e.g. handle_time:avg.',
					},
				],
			},
		],
	},
	{
		displayName: 'Dimensions',
		name: 'dimensions',
		type: 'multiOptions',
		options: DIMENSION_OPTIONS,
		default: [],
		description: `Group rows by these, 0 to ${LIMITS.maxDimensions}. Each becomes a field such as groupId or channel.`,
	},
	{
		displayName: 'Bucket Size',
		name: 'bucketSize',
		type: 'options',
		options: BUCKET_SIZES.map((b) => ({ name: b.displayName, value: b.value })),
		default: 'HOUR',
		description: 'Length of each time bucket, aligned to the time zone (days start at local midnight)',
	},
	{
		displayName: 'Time Range',
		name: 'timeRange',
		type: 'options',
		options: TIME_RANGE_PRESETS.map((p) => ({ name: p.displayName, value: p.value })),
		default: 'yesterday',
		description: 'Calendar range in the time zone (Options › Time Zone); long ranges are split automatically',
	},
	{
		displayName: 'Number of Days',
		name: 'days',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 7,
		description: 'Whole days before today',
		displayOptions: { show: { timeRange: ['lastNDays'] } },
	},
	{
		displayName: 'Start',
		name: 'start',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'Inclusive. ISO-8601; a value without an offset is read in the time zone.',
		displayOptions: { show: { timeRange: ['custom'] } },
	},
	{
		displayName: 'End',
		name: 'end',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'Exclusive. ISO-8601; a value without an offset is read in the time zone.',
		displayOptions: { show: { timeRange: ['custom'] } },
	},
	{
		displayName: 'Filter',
		name: 'filterMode',
		type: 'options',
		options: [
			{ name: 'None', value: 'none' },
			{ name: 'Conditions', value: 'conditions', description: 'Simple field / operator / value rows' },
			{ name: 'JSON', value: 'json', description: 'A contract filter with and/or compounds' },
		],
		default: 'none',
	},
	{
		displayName: 'Combine Conditions',
		name: 'filterCombinator',
		type: 'options',
		options: [
			{ name: 'All (AND)', value: 'and' },
			{ name: 'Any (OR)', value: 'or' },
		],
		default: 'and',
		displayOptions: { show: { filterMode: ['conditions'] } },
	},
	{
		displayName: 'Conditions',
		name: 'filterConditions',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Condition',
		default: {},
		displayOptions: { show: { filterMode: ['conditions'] } },
		options: [
			{
				displayName: 'Condition',
				name: 'condition',
				values: [
					{
						displayName: 'Field',
						name: 'field',
						type: 'options',
						options: DIMENSION_OPTIONS,
						default: 'group.id',
					},
					{
						displayName: 'Operator',
						name: 'operator',
						type: 'options',
						options: [
							{ name: 'Equals', value: 'equals' },
							{ name: 'Not Equals', value: 'notEquals' },
							{ name: 'Is One Of', value: 'in' },
						],
						default: 'equals',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						description: 'For Is One Of, a comma-separated list (up to 100 values)',
					},
				],
			},
		],
	},
	{
		displayName: 'Filter (JSON)',
		name: 'filterJson',
		type: 'json',
		default: '{\n  "type": "and",\n  "filters": [\n    { "type": "equals", "field": "channel", "value": "voice" }\n  ]\n}',
		description: 'Predicates equals, notEquals and in, combined with and / or (up to 3 levels)',
		displayOptions: { show: { filterMode: ['json'] } },
	},
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: true,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
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
				default: 5,
				description: 'The wait between polls grows by half each time, up to this',
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
				default: 4,
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
				default: 0.5,
				description: 'First wait before asking whether the query completed',
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

const INVALID_JSON = Symbol('invalid JSON');

interface ItemQuery {
	body: QueryBody;
	limit?: number;
	raw: boolean;
	runner: Omit<RunnerOptions, 'retry'>;
}

/** Reads and checks one item's parameters; throws QueryValidationError before anything is sent. */
function readItemQuery(ctx: IExecuteFunctions, itemIndex: number): ItemQuery {
	const param = <T>(name: string, fallback?: T): T => ctx.getNodeParameter(name, itemIndex, fallback) as T;
	const options = param<IDataObject>('options', {});
	const timeZone = String(options.timeZone || ctx.getTimezone() || 'UTC').trim();

	const window = resolveTimeRange(
		{
			preset: param<TimeRangePreset>('timeRange'),
			start: param('start', ''),
			end: param('end', ''),
			days: param<number>('days', 7),
		},
		Date.now(),
		timeZone,
	);

	const filterMode = param<string>('filterMode', 'none');
	let filter: unknown;
	if (filterMode === 'conditions') {
		const conditions = param<{ condition?: SimpleCondition[] }>('filterConditions', {}).condition ?? [];
		filter = filterFromConditions(conditions, param<string>('filterCombinator', 'and'));
	} else if (filterMode === 'json') {
		filter = parseFilterJson(param<unknown>('filterJson', ''));
	}

	const metrics = (param<{ metric?: Array<{ metric: unknown }> }>('metrics', {}).metric ?? []).map((m) => m.metric);
	const body = buildQueryBody({
		metrics,
		dimensions: param<unknown[]>('dimensions', []),
		filter,
		bucketSize: param('bucketSize'),
		window,
		timeZone,
	});

	const returnAll = param<boolean>('returnAll', true);
	const limit = returnAll ? undefined : wholeNumber(param('limit', 50), 'Limit', 1, Number.MAX_SAFE_INTEGER);
	const pollFirstSeconds = positiveNumber(options.pollIntervalSeconds ?? 0.5, 'Options › Poll Interval (Seconds)');
	const pollMaxSeconds = positiveNumber(options.maxPollIntervalSeconds ?? 5, 'Options › Max Poll Interval (Seconds)');
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
			pageSize: wholeNumber(options.pageSize ?? LIMITS.maxPageSize, 'Options › Page Size', LIMITS.minPageSize, LIMITS.maxPageSize),
			pageConcurrency: wholeNumber(options.pageConcurrency ?? 4, 'Options › Page Concurrency', 1, 10),
			pollFirstMs: pollFirstSeconds * 1000,
			pollMaxMs: pollMaxSeconds * 1000,
			pollGrowth: 1.5,
			timeoutMs: positiveNumber(options.timeoutSeconds ?? 600, 'Options › Timeout (Seconds)') * 1000,
		},
	};
}

function parseFilterJson(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	const parsed = jsonParse<unknown>(value, { fallbackValue: INVALID_JSON });
	if (parsed === INVALID_JSON) {
		throw new QueryValidationError('Filter (JSON)', 'Filter (JSON) is not valid JSON. Fix the syntax, or switch Filter to Conditions.');
	}
	return parsed;
}

function wholeNumber(value: unknown, field: string, min: number, max: number): number {
	const n = Number(value);
	if (!Number.isInteger(n) || n < min || n > max) {
		throw new QueryValidationError(field, `${field} is ${String(value)}; it must be a whole number from ${min} to ${max}.`);
	}
	return n;
}

function positiveNumber(value: unknown, field: string): number {
	const n = Number(value);
	if (!Number.isFinite(n) || n <= 0) {
		throw new QueryValidationError(field, `${field} is ${String(value)}; it must be a number above 0.`);
	}
	return n;
}

/** Bucket and series of an output row, flattened or raw, for the accuracy check. */
function rowKeyOf(body: QueryBody, raw: boolean): (row: IDataObject) => RowKey {
	if (raw) {
		return (row) => ({
			bucketStartMs: Date.parse(String(row.timeSeries)),
			series: Object.values((row.dimensions ?? {}) as IDataObject).join('|'),
		});
	}
	const fields = body.dimensions.map((d) => dimensionFieldName(d.name));
	return (row) => ({ bucketStartMs: Date.parse(String(row.bucketStart)), series: fields.map((f) => row[f]).join('|') });
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const baseUrl = String(credentials.baseUrl ?? '');
	if (!/^https?:\/\//.test(baseUrl)) {
		throw new NodeOperationError(this.getNode(), `The credential's Base URL '${baseUrl}' is not an http(s) URL. Fix it in the NICE CXone OAuth2 API credential.`);
	}
	const tokenTimer: TokenTimer = { requests: 0, ms: 0 };
	const send = createN8nSend(this, baseUrl, { tokenTimer });
	const cleanupSend = createN8nSend(this, baseUrl, { detached: true, tokenTimer });
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
			query = readItemQuery(this, itemIndex);
			const runQuery = query;
			const mapRow = query.raw ? (row: ResultRow) => row as unknown as IDataObject : flattenRow;
			const parts = await runAggregationQuery(
				{ send, cleanupSend, clock: n8nClock, slots, signal, stats, options: { ...query.runner, retry: DEFAULT_RETRY_POLICY } },
				query.body,
				mapRow,
				query.limit,
			);
			const audited = settings.toOutput || settings.toLog || settings.webhook;
			let rows: IDataObject[];
			let accuracy: AccuracyReport | undefined;
			if (audited) {
				const { timeSeries } = runQuery.body;
				const grid = bucketStartsBetween(Date.parse(timeSeries.start), Date.parse(timeSeries.end), timeSeries.bucketSize, timeSeries.timeZone);
				({ rows, report: accuracy } = checkResult(parts, rowKeyOf(runQuery.body, runQuery.raw), grid));
			} else {
				rows = parts.flatMap((part) => part.rows);
			}
			for (const json of rows) output.push({ json, pairedItem: { item: itemIndex } });
			if (audited) {
				recorded = true;
				await recordQuery(this, settings, { itemIndex, query, stats, startedMs, accuracy, queries: parts.length, token: tokenSince(tokenBefore) }, auditOutput);
			}
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

/** Builds, signs off (webhook) and seals the audit record of one query, and queues it for the Audit output. */
async function recordQuery(
	ctx: IExecuteFunctions,
	settings: AuditSettings,
	input: QueryRecordInput,
	auditOutput: INodeExecutionData[],
): Promise<void> {
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
		result: { rows, queries: input.queries ?? 0, totalCount: accuracy?.totalCount ?? null },
		accuracy: accuracy ?? null,
		webhook: webhook ?? null,
	});
	auditOutput.push({ json: record as unknown as IDataObject, pairedItem: { item: input.itemIndex } });
	if (webhook && !webhook.delivered && settings.webhook?.failWorkflow) {
		throw new NodeOperationError(ctx.getNode(), `The webhook to ${settings.webhook.url} was not delivered after ${webhook.attempts} attempts (${webhook.error}).`, {
			itemIndex: input.itemIndex,
			description: 'Turn off Options › Fail Workflow on Webhook Error to let the workflow go on when the receiver is down.',
		});
	}
}
