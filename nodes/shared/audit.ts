import { randomUUID } from 'crypto';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ChainHead, Chained } from './core/auditChain';
import { headOf, parseChainHead, sealRecord } from './core/auditChain';
import { signingSecretProblem } from './core/webhookSignature';
import { n8nClock } from './transport/clock';
import { displayUrl } from './transport/endpoints';
import type { WebhookOutcome, WebhookPayload } from './transport/webhook';
import { createN8nPost, deliverWebhook } from './transport/webhook';

export const WEBHOOK_CREDENTIAL_TYPE = 'niceCxoneWebhookSigningApi';

export type WebhookEvent = 'completed' | 'failed' | 'anomaliesFound';

/** The Audit and Webhook options, the same on both nodes. */
export const AUDIT_AND_WEBHOOK_OPTIONS: INodeProperties[] = [
	{
		displayName: 'Audit',
		name: 'audit',
		type: 'options',
		options: [
			{ name: 'Off', value: 'off' },
			{
				name: 'Audit Output',
				value: 'output',
				description: 'A second output named Audit, one record per run',
			},
			{ name: 'N8n Log', value: 'log', description: "Write each record to n8n's log (info level)" },
			{ name: 'Audit Output and N8n Log', value: 'both' },
		],
		default: 'off',
		description:
			'Tamper-evident records with latency and measured accuracy; each carries the hash of the one before',
	},
	{
		displayName: 'Audit Chain Head',
		name: 'auditChainHead',
		type: 'json',
		default: '',
		description:
			"The last audit record from where you store them (or its chainId, seq and hash), read by an expression from a node before this one; the next record continues the chain from it. Needed in queue mode and when several main processes run the workflow. Empty: the node continues from the last record it sealed in this n8n process or remembers in the workflow's static data (regular mode, production runs).",
	},
	{
		displayName: 'Sign Audit Records',
		name: 'auditSignRecords',
		type: 'boolean',
		default: false,
		description:
			"Whether to add an HMAC of each record with the NICE CXone Webhook Signing credential's secret, so that a record re-sealed without the secret is detected",
	},
	{
		displayName: 'Webhook URL',
		name: 'webhookUrl',
		type: 'string',
		default: '',
		placeholder: 'https://example.com/hooks/cxone',
		description:
			'POST a signed JSON summary here when a selected event happens. Add a NICE CXone Webhook Signing credential to sign it.',
	},
	{
		displayName: 'Sign Webhook',
		name: 'webhookSigning',
		type: 'boolean',
		default: true,
		description:
			'Whether to sign each webhook body with the NICE CXone Webhook Signing credential. When on, a missing, empty or short secret (under 32 characters) stops the run before anything is sent.',
	},
	{
		displayName: 'Webhook Events',
		name: 'webhookEvents',
		type: 'multiOptions',
		options: [
			{ name: 'Completed', value: 'completed' },
			{ name: 'Failed', value: 'failed' },
			{ name: 'Anomalies Found', value: 'anomaliesFound' },
		],
		default: ['completed', 'failed', 'anomaliesFound'],
	},
	{
		displayName: 'Webhook Timeout (Seconds)',
		name: 'webhookTimeoutSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 10,
		description:
			'Per attempt; at most 3 POSTs in all: network errors, 5xx and 429 are retried, a redirect or another 4xx never',
	},
	{
		displayName: 'Fail Workflow on Webhook Error',
		name: 'webhookFailWorkflow',
		type: 'boolean',
		default: false,
		description:
			'Whether a webhook that could not be delivered fails the item (otherwise only the audit record says so)',
	},
];

export interface AuditSettings {
	toOutput: boolean;
	toLog: boolean;
	/** The chain head the user gave (Options › Audit Chain Head). */
	chainHead?: ChainHead;
	/** Set by readSigningSecret when Sign Audit Records is on: the key of the records' HMAC. */
	recordKey?: string;
	signRecords: boolean;
	webhook?: {
		url: string;
		events: WebhookEvent[];
		timeoutMs: number;
		failWorkflow: boolean;
		sign: boolean;
		/** Set by readSigningSecret: the secret, or null when the user turned signing off. */
		secret?: string | null;
	};
}

/** POSTs of one webhook delivery at most, whatever the receiver answers (README: Webhook sync). */
export const WEBHOOK_MAX_ATTEMPTS = 3;

/** Reads the options of one item; a bad webhook URL is refused before anything runs. */
export function readAuditSettings(options: IDataObject): AuditSettings | { invalid: string } {
	const audit = String(options.audit ?? 'off');
	const url = String(options.webhookUrl ?? '').trim();
	const chainHead = parseChainHead(options.auditChainHead);
	if (chainHead && 'problem' in chainHead) {
		return {
			invalid: `Options › Audit Chain Head ${chainHead.problem}. Give the last stored audit record, or leave it empty.`,
		};
	}
	const settings: AuditSettings = {
		toOutput: audit === 'output' || audit === 'both',
		toLog: audit === 'log' || audit === 'both',
		chainHead,
		signRecords: options.auditSignRecords === true,
	};
	if (url !== '') {
		if (!/^https?:\/\/[^\s]+$/.test(url))
			return {
				invalid: `Options › Webhook URL '${url}' is not an http(s) URL. Fix it or leave it empty.`,
			};
		const timeoutSeconds = Number(options.webhookTimeoutSeconds ?? 10);
		if (!(timeoutSeconds > 0))
			return {
				invalid: `Options › Webhook Timeout (Seconds) is ${String(options.webhookTimeoutSeconds)}; it must be above 0.`,
			};
		settings.webhook = {
			url,
			events: (options.webhookEvents as WebhookEvent[] | undefined) ?? [
				'completed',
				'failed',
				'anomaliesFound',
			],
			timeoutMs: timeoutSeconds * 1000,
			failWorkflow: options.webhookFailWorkflow === true,
			sign: options.webhookSigning !== false,
		};
	}
	return settings;
}

/** The parts of a record that say where it comes from. */
function auditOrigin(ctx: IExecuteFunctions) {
	return {
		id: randomUUID(),
		time: new Date().toISOString(),
		workflowId: String(ctx.getWorkflow().id ?? ''),
		executionId: String(ctx.getExecutionId() ?? ''),
		nodeName: ctx.getNode().name,
		mode: ctx.getMode(),
	};
}

/**
 * Reads the signing secret into `settings` when a signed webhook is configured or records are signed;
 * call it before the node sends anything. Fails closed: a signing credential that is not on the node,
 * cannot be read, is empty or is shorter than 32 characters is an error that names the field and the fix.
 */
export async function readSigningSecret(
	ctx: IExecuteFunctions,
	settings: AuditSettings,
	itemIndex?: number,
): Promise<void> {
	const webhook = settings.webhook;
	if (webhook && !webhook.sign) webhook.secret = null;
	const webhookNeedsSecret = webhook !== undefined && webhook.secret === undefined;
	const recordsNeedSecret =
		settings.signRecords &&
		settings.recordKey === undefined &&
		(settings.toOutput || settings.toLog || webhook !== undefined);
	if (!webhookNeedsSecret && !recordsNeedSecret) return;
	const secret = await ctx.getCredentials(WEBHOOK_CREDENTIAL_TYPE).then(
		(credentials) => ({ value: credentials.secret }),
		() => undefined,
	);
	const what = webhookNeedsSecret ? 'Webhook signing' : 'Sign Audit Records';
	const off = webhookNeedsSecret ? 'Options › Sign Webhook' : 'Options › Sign Audit Records';
	const problem =
		secret === undefined
			? `${what} is on but the node has no readable NICE CXone Webhook Signing API credential. Select one under Credential to connect with (its Signing Secret: at least 32 random characters), or turn off ${off}.`
			: signingSecretProblem(secret.value);
	if (problem !== undefined) {
		throw new NodeOperationError(ctx.getNode(), problem, {
			...(itemIndex === undefined ? {} : { itemIndex }),
			description: webhookNeedsSecret
				? 'Nothing was sent: a webhook with signing on goes out signed or not at all.'
				: 'Nothing was sent: with Sign Audit Records on, every record is signed or none is made.',
		});
	}
	if (webhookNeedsSecret) webhook.secret = String(secret?.value);
	if (settings.signRecords) settings.recordKey = String(secret?.value);
}

/** What a run's webhook says about it, and what its audit record adds to the record's own fields. */
export interface RunOutcome {
	/** The run's error message; absent when it succeeded. */
	error?: string;
	/** Rows the run output (a query) or read (Trends). */
	rows: number;
	latencyMs: number;
	anomalies: number;
}

/**
 * The tail of an audited run, the same on both nodes: sends the webhook of its outcome (`failed`,
 * `anomaliesFound` or `completed`) when the user chose that event, seals the record with the
 * delivery's outcome into the chain (and the log), and returns it with the error a failed delivery
 * raises when Fail Workflow on Webhook Error is on. One record and at most one delivery per run.
 */
export async function finishAudit(
	ctx: IExecuteFunctions,
	settings: AuditSettings,
	chain: AuditChainState,
	outcome: RunOutcome,
	fields: IDataObject,
	itemIndex?: number,
): Promise<{ record: IDataObject; failure?: NodeOperationError }> {
	const origin = auditOrigin(ctx);
	const status = outcome.error === undefined ? 'success' : 'error';
	const event: WebhookEvent =
		outcome.error !== undefined ? 'failed' : outcome.anomalies > 0 ? 'anomaliesFound' : 'completed';
	// Sealed before the webhook goes out, so that the webhook carries the seal; its outcome stays outside.
	const record: IDataObject = sealAudit(ctx, settings, chain, {
		...origin,
		status,
		error: outcome.error ?? null,
		...fields,
	});
	const webhook = await sendWebhookFor(ctx, settings, event, {
		auditId: origin.id,
		workflowId: origin.workflowId,
		executionId: origin.executionId,
		nodeName: origin.nodeName,
		status,
		error: outcome.error ?? null,
		rows: outcome.rows,
		latencyMs: outcome.latencyMs,
		anomalies: outcome.anomalies,
		audit: { chainId: record.chainId, seq: record.seq, hash: record.hash },
	});
	record.webhook = webhook ?? null;
	if (settings.toLog) ctx.logger.info('NICE CXone audit record', { auditRecord: record });
	return { record, failure: webhookFailure(ctx, settings, webhook, itemIndex) };
}

/** Sends the webhook for `event` if the user chose it; undefined when nothing was to be sent. */
async function sendWebhookFor(
	ctx: IExecuteFunctions,
	settings: AuditSettings,
	event: WebhookEvent,
	payload: WebhookPayload,
): Promise<WebhookOutcome | undefined> {
	if (!settings.webhook || !settings.webhook.events.includes(event)) return undefined;
	return await deliverWebhook(
		createN8nPost(ctx),
		n8nClock,
		{
			url: settings.webhook.url,
			secret: settings.webhook.secret,
			timeoutMs: settings.webhook.timeoutMs,
			maxAttempts: WEBHOOK_MAX_ATTEMPTS,
			// The API retry policy's numbers (DEFAULT_RETRY_POLICY): 0–0.5 s, then 0–1 s, never under 0.25 s.
			baseDelayMs: 500,
			minDelayMs: 250,
			signal: ctx.getExecutionCancelSignal?.(),
		},
		{ event, ...payload },
	);
}

/** The error of a delivery that failed when Fail Workflow on Webhook Error is on; undefined otherwise. */
function webhookFailure(
	ctx: IExecuteFunctions,
	settings: AuditSettings,
	webhook: WebhookOutcome | undefined,
	itemIndex?: number,
): NodeOperationError | undefined {
	if (!webhook || webhook.delivered || !settings.webhook?.failWorkflow) return undefined;
	const attempts = webhook.attempts === 1 ? '1 attempt' : `${webhook.attempts} attempts`;
	return new NodeOperationError(
		ctx.getNode(),
		`The webhook to ${displayUrl(settings.webhook.url)} was not delivered after ${attempts} (${webhook.error}).`,
		{
			...(itemIndex === undefined ? {} : { itemIndex }),
			description:
				'Turn off Options › Fail Workflow on Webhook Error to let the workflow go on when the receiver is down.',
		},
	);
}

/** The chain head of one execution: every record it seals continues from the one before. */
export interface AuditChainState {
	head?: ChainHead;
}

/** Chains whose last head this process remembers; past it the least recently sealed is forgotten. */
const MAX_SEALED_HEADS = 1000;
/**
 * The head each chain was last sealed at in this process, by workflow id and chain id. Overlapping
 * executions each hold their own copy of the workflow's static data, which n8n saves only when each
 * ends: without this, every one of them would continue from the same record (a fork).
 */
const sealedHeads = new Map<string, ChainHead>();

/** Forgets every chain head this process sealed: what a new process knows. For tests. */
export function forgetSealedAuditHeads(): void {
	sealedHeads.clear();
}

const laterOf = (a: ChainHead | undefined, b: ChainHead | undefined) =>
	a === undefined || (b !== undefined && b.seq > a.seq) ? b : a;

/**
 * Seals a record into its chain. The head it continues from: the head the user gave (Options › Audit
 * Chain Head), unless the execution sealed a record already (then its own last); without a given head,
 * the latest of the execution's own last record, the last one sealed in this process and the one in
 * the workflow's static data, this process's memory being read only where static data holds a head.
 * Static data and this process's memory are only for runs whose static data n8n keeps (not manual ones);
 * in queue mode only the given head continues one chain. Synchronous from reading the head to
 * remembering the new one, so that overlapping executions of one process get consecutive seqs.
 */
function sealAudit(
	ctx: IExecuteFunctions,
	settings: AuditSettings,
	chain: AuditChainState,
	record: IDataObject,
): IDataObject & Chained {
	const staticData = ctx.getWorkflowStaticData('node');
	const node = ctx.getNode();
	const workflowId = String(ctx.getWorkflow().id ?? '');
	const chainId =
		chain.head?.chainId ?? settings.chainHead?.chainId ?? `${workflowId}/${node.id ?? node.name}`;
	const key = JSON.stringify([workflowId, chainId]);
	const kept = ctx.getMode() !== 'manual';
	const remembered = parseChainHead(staticData.auditChainHead);
	const stored =
		remembered && !('problem' in remembered) && remembered.chainId === chainId
			? remembered
			: undefined;
	// This process's memory only moves a head that static data holds forward: an n8n 2.x queue-mode worker
	// starts with none, and its own last record would make a run without a head a fork of another worker's
	// chain instead of the restart it is.
	const head = settings.chainHead
		? (chain.head ?? settings.chainHead)
		: laterOf(laterOf(stored, kept && stored ? sealedHeads.get(key) : undefined), chain.head);
	const sealed = sealRecord(record, chainId, head, settings.recordKey);
	chain.head = headOf(sealed);
	staticData.auditChainHead = { ...chain.head };
	if (kept) {
		// Deleted first, so that the map's order is the order of sealing and the oldest goes first.
		sealedHeads.delete(key);
		sealedHeads.set(key, chain.head);
		if (sealedHeads.size > MAX_SEALED_HEADS)
			sealedHeads.delete(sealedHeads.keys().next().value as string);
	}
	return sealed;
}

/**
 * The node's outputs as an n8n expression: a second output named Audit when the Audit option
 * sends records there. The function is inlined into the expression, so it must stand alone.
 */
export function outputsWithAudit(mainOutputs: string[]): `={{${string}}}` {
	const names = JSON.stringify(mainOutputs);
	return `={{(function (options) { var audit = (options || {}).audit; var names = ${names}; if (audit === 'output' || audit === 'both') names = names.concat(['Audit']); return names.map(function (name) { return { type: 'main', displayName: name }; }); })($parameter.options)}}`;
}
