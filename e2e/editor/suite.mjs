// The package seen in a running n8n editor: `n8n start` with a fresh user folder and the package
// installed as Settings › Community Nodes installs it, the owner created and logged in through the
// REST API, the credentials' Test buttons (credentials.mjs), then the editor in Chromium (browser.mjs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createN8nSandbox } from '../../scripts/lib/n8n.mjs';
import { n8nRestClient } from '../../scripts/lib/n8nRest.mjs';
import { installAsCommunityPackage, startN8nServer } from '../../scripts/lib/n8nServer.mjs';
import { startSimulator } from '../../scripts/lib/simulator.mjs';
import { readExamples } from '../../scripts/lib/workflows.mjs';
import { createHarness } from '../harness.mjs';
import { registerBrowserTests } from './browser.mjs';
import { registerCredentialTests } from './credentials.mjs';

const OWNER = { email: 'owner@example.com', firstName: 'Editor', lastName: 'Test', password: 'Editor-test-2041' };
/** The credential ids the examples reference, so their panels show a chosen credential. */
const CREDENTIAL_IDS = { oauth2: 'cxoneCredential01', accessKey: 'cxoneAccessKey001', signing: 'cxoneWebhookSign01' };

/**
 * Runs the editor suite. `outputDir` receives the screenshots; `chromiumPath` is the browser.
 * Resolves to {passed, failed, shots}.
 */
export async function runEditorSuite({ log, outputDir, chromiumPath }) {
	fs.mkdirSync(outputDir, { recursive: true });
	const harness = createHarness({ log });
	const sandbox = createN8nSandbox();
	let simulator;
	let server;
	let rest;
	const context = { outputDir, chromiumPath, owner: OWNER, credentialIds: CREDENTIAL_IDS };

	harness.test('n8n starts with the package installed as a community package, and the owner signs up and logs in through the REST API', async () => {
		const startedAt = Date.now();
		simulator = await startSimulator({ seed: 1, profile: 'clean' });
		installAsCommunityPackage(sandbox);
		// The CLI writes to the database before the server opens it: credentials the examples name, and the examples.
		await sandbox.importCredentials([
			{
				id: CREDENTIAL_IDS.oauth2,
				name: 'NICE CXone account',
				type: 'niceCxoneOAuth2Api',
				data: { baseUrl: simulator.baseUrl, tokenUrl: simulator.tokenUrl, clientId: simulator.clientId, clientSecret: simulator.clientSecret },
			},
			{
				id: CREDENTIAL_IDS.accessKey,
				name: 'NICE CXone access key',
				type: 'niceCxoneApi',
				data: {
					accessKeyId: simulator.accessKeyId,
					accessKeySecret: simulator.accessKeySecret,
					authRoute: 'openid',
					clientId: simulator.platformClientId,
					clientSecret: simulator.platformClientSecret,
					authHost: simulator.authHost,
				},
			},
			{ id: CREDENTIAL_IDS.signing, name: 'CXone webhook signing', type: 'niceCxoneWebhookSigningApi', data: { secret: 'e2e-webhook-signing-secret-0001-0123456789abcdef' } },
		]);
		await sandbox.importWorkflows(readExamples().map(({ workflow }) => workflow));
		// Loaded from the community packages folder only, as a user's install is (not N8N_CUSTOM_EXTENSIONS).
		server = await startN8nServer(sandbox, { env: { N8N_CUSTOM_EXTENSIONS: undefined } });
		await n8nRestClient(server.url).setupOwner(OWNER);
		rest = n8nRestClient(server.url);
		const me = await rest.login(OWNER);
		if (me.email !== OWNER.email || me.role !== 'global:owner') throw new Error(`logged in as ${JSON.stringify({ email: me.email, role: me.role })}`);
		context.baseUrl = server.url;
		log(`    n8n ready at ${server.url} in ${Math.round((Date.now() - startedAt) / 1000)} s`);
	});

	registerCredentialTests(harness, () => ({ rest, simulator }));
	const browser = registerBrowserTests(harness, () => context);

	try {
		const result = await harness.run();
		return { ...result, shots: browser.state.shots };
	} finally {
		await browser.close().catch(() => {});
		await server?.stop();
		await simulator?.stop();
		sandbox.cleanup();
	}
}

/** The default screenshot folder: a new one under the system's temp folder. */
export function defaultOutputDir() {
	return fs.mkdtempSync(path.join(os.tmpdir(), 'cxone-editor-'));
}
