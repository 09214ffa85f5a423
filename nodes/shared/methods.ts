import type {
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { signingSecretProblem } from './core/webhookSignature';

/** The webhook signing credential has no server to ask: the test checks the secret is long enough. */
export async function testWebhookSigningSecret(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const problem = signingSecretProblem(credential.data?.secret);
	return problem === undefined
		? { status: 'OK', message: 'The signing secret is set.' }
		: { status: 'Error', message: problem };
}
