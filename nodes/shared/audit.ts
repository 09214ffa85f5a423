import { randomUUID } from 'crypto';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Chained } from './core/auditChain';
import { sealRecord } from './core/auditChain';
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
			{ name: 'Audit Output', value: 'output', description: 'A second output named Audit, one record per run' },
			{ name: 'N8n Log', value: 'log', description: "Write each record to n8n's log (info level)" },
			{ name: 'Audit Output and N8n Log', value: 'both' },
		],
		default: 'off',
		description: 'Tamper-evident records with latency and measured accuracy; each carries the hash of the one before',
	},
	{
		displayName: 'Webhook URL',
		name: 'webhookUrl',
		type: 'string',
		default: '',
		placeholder: 'https://example.com/hooks/cxone',
		description: 'POST a signed JSON summary here when a selected event happens. Add a NICE CXone Webhook Signing credential to sign it.',
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
		description: 'Per attempt; at most 3 POSTs in all: network errors, 5xx and 429 are retried, a redirect or another 4xx never',
	},
	{
		displayName: 'Fail Workflow on Webhook Error',
		name: 'webhookFailWorkflow',
		type: 'boolean',
		default: false,
		description: 'Whether a webhook that could not be delivered fails the item (otherwise only the audit record says so)',
	},
];

export interface AuditSettings {
	toOutput: boolean;
	toLog: boolean;
	webhook?: {
		url: string;
		events: WebhookEvent[];
		timeoutMs: number;
		failWorkflow: boolean;
		sign: boolean;
		/** Set by readWebhookSecret: the secret, or null when the user turned signing off. */
		secret?: string | null;
	};
}

/** POSTs of one webhook delivery at most, whatever the receiver answers (README: Webhook sync). */
export const WEBHOOK_MAX_ATTEMPTS = 3;

/** Reads the options of one item; a bad webhook URL is refused before anything runs. */
export function readAuditSettings(options: IDataObject): AuditSettings | { invalid: string } {
	const audit = String(options.audit ?? 'off');
	const url = String(options.webhookUrl ?? '').trim();
	const settings: AuditSettings = { toOutput: audit === 'output' || audit === 'both', toLog: audit === 'log' || audit === 'both' };
	if (url !== '') {
		if (!/^https?:\/\/[^\s]+$/.test(url)) return { invalid: `Options › Webhook URL '${url}' is not an http(s) URL. Fix it or leave it empty.` };
		const timeoutSeconds = Number(options.webhookTimeoutSeconds ?? 10);
		if (!(timeoutSeconds > 0)) return { invalid: `Options › Webhook Timeout (Seconds) is ${String(options.webhookTimeoutSeconds)}; it must be above 0.` };
		settings.webhook = {
			url,
			events: (options.webhookEvents as WebhookEvent[] | undefined) ?? ['completed', 'failed', 'anomaliesFound'],
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
 * Reads the signing secret into `settings` when a webhook is configured and signing is on; call it
 * before the node sends anything. Fails closed: a signing credential that is not on the node, cannot
 * be read, is empty or is shorter than 32 characters is an error that names the field and the fix.
 */
export async function readWebhookSecret(ctx: IExecuteFunctions, settings: AuditSettings, itemIndex?: number): Promise<void> {
	const webhook = settings.webhook;
	if (!webhook || webhook.secret !== undefined) return;
	if (!webhook.sign) {
		webhook.secret = null;
		return;
	}
	const secret = await ctx.getCredentials(WEBHOOK_CREDENTIAL_TYPE).then(
		(credentials) => ({ value: credentials.secret }),
		() => undefined,
	);
	const problem =
		secret === undefined
			? 'Webhook signing is on but the node has no readable NICE CXone Webhook Signing API credential. Select one under Credential to connect with (its Signing Secret: at least 32 random characters), or turn off Options › Sign Webhook.'
			: signingSecretProblem(secret.value);
	if (problem !== undefined) {
		throw new NodeOperationError(ctx.getNode(), problem, {
			...(itemIndex === undefined ? {} : { itemIndex }),
			description: 'Nothing was sent: a webhook with signing on goes out signed or not at all.',
		});
	}
	webhook.secret = String(secret?.value);
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
	outcome: RunOutcome,
	fields: IDataObject,
	itemIndex?: number,
): Promise<{ record: IDataObject; failure?: NodeOperationError }> {
	const origin = auditOrigin(ctx);
	const status = outcome.error === undefined ? 'success' : 'error';
	const event: WebhookEvent = outcome.error !== undefined ? 'failed' : outcome.anomalies > 0 ? 'anomaliesFound' : 'completed';
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
	});
	const record = sealAudit(ctx, settings, { ...origin, status, error: outcome.error ?? null, ...fields, webhook: webhook ?? null });
	return { record: record as unknown as IDataObject, failure: webhookFailure(ctx, settings, webhook, itemIndex) };
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
			baseDelayMs: 500,
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
	return new NodeOperationError(ctx.getNode(), `The webhook to ${displayUrl(settings.webhook.url)} was not delivered after ${attempts} (${webhook.error}).`, {
		...(itemIndex === undefined ? {} : { itemIndex }),
		description: 'Turn off Options › Fail Workflow on Webhook Error to let the workflow go on when the receiver is down.',
	});
}

/**
 * Seals a record into the chain of this node in this workflow (the last hash lives in the node's
 * workflow static data, which n8n keeps between production runs) and writes it to the log if asked.
 */
function sealAudit<T extends object>(ctx: IExecuteFunctions, settings: AuditSettings, record: T): T & Chained {
	const staticData = ctx.getWorkflowStaticData('node');
	const previousHash = typeof staticData.auditLastHash === 'string' ? staticData.auditLastHash : null;
	const sealed = sealRecord(record, previousHash);
	staticData.auditLastHash = sealed.hash;
	if (settings.toLog) ctx.logger.info('NICE CXone audit record', { auditRecord: sealed as unknown as IDataObject });
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
