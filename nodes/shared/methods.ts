import type { ICredentialTestFunctions, ICredentialsDecrypted, INodeCredentialTestResult } from 'n8n-workflow';

/** The webhook signing credential has no server to ask: the test checks the secret is long enough. */
export async function testWebhookSigningSecret(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const secret = String(credential.data?.secret ?? '');
	return secret.length >= 16
		? { status: 'OK', message: 'The signing secret is set.' }
		: { status: 'Error', message: `The signing secret has ${secret.length} characters; use at least 16.` };
}
