import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * The secret that signs webhook bodies (HMAC-SHA256). It lives in a credential, not in the
 * workflow JSON, so exporting or sharing a workflow does not leak it.
 */
export class NiceCxoneWebhookSigningApi implements ICredentialType {
	name = 'niceCxoneWebhookSigningApi';

	displayName = 'NICE CXone Webhook Signing API';

	icon: Icon = { light: 'file:nice-cxone.svg', dark: 'file:nice-cxone.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-nice-cxone/n8n-nodes-nice-cxone#webhook-sync';

	properties: INodeProperties[] = [
		{
			displayName: 'Signing Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Shared with the receiver: at least 32 random characters (e.g. openssl rand -hex 32). Signs each body: X-CXone-Signature: v1=HMAC-SHA256(secret, timestamp + "." + body).',
		},
	];
}
