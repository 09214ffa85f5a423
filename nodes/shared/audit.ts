import { randomUUID } from 'crypto';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Chained } from './core/auditChain';
import { sealRecord } from './core/auditChain';
import { n8nClock } from './transport/clock';
import type { WebhookOutcome } from './transport/webhook';
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
		description: 'Per attempt; network errors and 5xx are retried twice, 4xx never',
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
	webhook?: { url: string; events: WebhookEvent[]; timeoutMs: number; failWorkflow: boolean };
}

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
		};
	}
	return settings;
}

/** The parts of a record that say where it comes from. */
export function auditOrigin(ctx: IExecuteFunctions) {
	return {
		id: randomUUID(),
		time: new Date().toISOString(),
		workflowId: String(ctx.getWorkflow().id ?? ''),
		executionId: String(ctx.getExecutionId() ?? ''),
		nodeName: ctx.getNode().name,
		mode: ctx.getMode(),
	};
}

/** Sends the webhook for `event` if the user chose it; undefined when nothing was to be sent. */
export async function sendWebhookFor(
	ctx: IExecuteFunctions,
	settings: AuditSettings,
	event: WebhookEvent,
	payload: IDataObject,
): Promise<WebhookOutcome | undefined> {
	if (!settings.webhook || !settings.webhook.events.includes(event)) return undefined;
	const secret = await ctx.getCredentials(WEBHOOK_CREDENTIAL_TYPE).then(
		(credentials) => String(credentials.secret ?? '') || undefined,
		() => undefined,
	);
	return await deliverWebhook(
		createN8nPost(ctx),
		n8nClock,
		{ url: settings.webhook.url, secret, timeoutMs: settings.webhook.timeoutMs, maxAttempts: 3, baseDelayMs: 500 },
		{ event, ...payload },
	);
}

/**
 * Seals a record into the chain of this node in this workflow (the last hash lives in the node's
 * workflow static data, which n8n keeps between production runs) and writes it to the log if asked.
 */
export function sealAudit<T extends object>(ctx: IExecuteFunctions, settings: AuditSettings, record: T): T & Chained {
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
