// The credentials' Test buttons in a running n8n: each credential is saved and then tested through
// n8n's REST API (POST /rest/credentials, then POST /rest/credentials/test with the same data), which
// is what the editor's credential modal does. A good secret passes; a bad one fails with the message
// that the README's "Credential Test buttons" section promises.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { repoRoot } from '../../scripts/lib/paths.mjs';

/** n8n's own answer when a request-based credential test passes. */
const N8N_TEST_PASSED = 'Connection successful!';
const WRONG_SECRET = 'sim_not-the-client-secret-0000';
const SIGNING_SECRET = 'editor-test-webhook-signing-secret-0123456789';

/** The README section the messages are promised in. */
function readmeSection(title) {
	const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
	const start = readme.indexOf(`\n### ${title}\n`);
	assert.ok(start >= 0, `README.md has no section "### ${title}"`);
	const end = readme.indexOf('\n#', start + 5);
	return readme.slice(start, end === -1 ? undefined : end);
}

/** Saves a credential as the editor does, then tests it with the same data; resolves to n8n's answer. */
async function saveAndTest(rest, { name, type, data }) {
	const saved = await rest.request('POST', '/credentials', { name, type, data });
	assert.equal(saved.type, type);
	return await rest.request('POST', '/credentials/test', { credentials: { id: saved.id, name: saved.name, type, data } });
}

/**
 * Registers the credential tests. `context()` gives `{rest, simulator}` once the suite set them up:
 * a REST client logged in as the owner, and a running simulator (clean profile).
 */
export function registerCredentialTests(harness, context) {
	const section = () => readmeSection('Credential Test buttons');
	const oauth2 = (simulator) => ({
		baseUrl: simulator.baseUrl,
		tokenUrl: simulator.tokenUrl,
		clientId: simulator.clientId,
		clientSecret: simulator.clientSecret,
	});
	const accessKey = (simulator) => ({
		accessKeyId: simulator.accessKeyId,
		accessKeySecret: simulator.accessKeySecret,
		authRoute: 'openid',
		clientId: simulator.platformClientId,
		clientSecret: simulator.platformClientSecret,
		authHost: simulator.authHost,
	});

	harness.test('NICE CXone OAuth2 API: Test passes with the client secret', async () => {
		const { rest, simulator } = context();
		const answer = await saveAndTest(rest, { name: 'OAuth2, right secret', type: 'niceCxoneOAuth2Api', data: oauth2(simulator) });
		assert.deepStrictEqual(answer, { status: 'OK', message: N8N_TEST_PASSED });
	});

	harness.test('NICE CXone OAuth2 API: Test fails with a wrong client secret, saying the token endpoint refused it', async () => {
		const { rest, simulator } = context();
		const data = { ...oauth2(simulator), clientSecret: WRONG_SECRET };
		const answer = await saveAndTest(rest, { name: 'OAuth2, wrong secret', type: 'niceCxoneOAuth2Api', data });
		assert.deepStrictEqual(answer, {
			status: 'Error',
			message:
				`The CXone token endpoint ${simulator.tokenUrl} refused the client credentials ` +
				'(HTTP 401 invalid_client: Unknown client or wrong secret (HTTP Basic [redacted] required).). ' +
				'Check Client ID, Client Secret and Token URL in the NICE CXone OAuth2 API credential.',
		});
		assert.ok(section().includes('refused the client credentials (HTTP 401 invalid_client'), 'the README does not promise this message');
		assert.ok(!answer.message.includes(WRONG_SECRET), 'the message shows the secret');
	});

	harness.test('NICE CXone OAuth2 API: Test fails for a viewer-only client, saying the token lacks a scope', async () => {
		const { rest, simulator } = context();
		const data = { ...oauth2(simulator), clientId: simulator.viewerClientId, clientSecret: simulator.viewerClientSecret };
		const answer = await saveAndTest(rest, { name: 'OAuth2, viewer only', type: 'niceCxoneOAuth2Api', data });
		assert.deepStrictEqual(answer, { status: 'Error', message: 'The token lacks a scope. Grant analytics:query and analytics:view to this client.' });
		assert.ok(section().includes('The token lacks a scope.'), 'the README does not promise this message');
	});

	harness.test('NICE CXone API: Test passes with the access key', async () => {
		const { rest, simulator } = context();
		const answer = await saveAndTest(rest, { name: 'Access key, right secret', type: 'niceCxoneApi', data: accessKey(simulator) });
		assert.deepStrictEqual(answer, { status: 'OK', message: N8N_TEST_PASSED });
	});

	harness.test('NICE CXone API: Test fails with a wrong access key secret, saying CXone refused the access key', async () => {
		const { rest, simulator } = context();
		const data = { ...accessKey(simulator), accessKeySecret: WRONG_SECRET };
		const answer = await saveAndTest(rest, { name: 'Access key, wrong secret', type: 'niceCxoneApi', data });
		assert.deepStrictEqual(answer, {
			status: 'Error',
			message:
				'CXone refused the access key (HTTP 401 invalid_grant: Unknown access key or wrong access key secret.). ' +
				'Check the access key, the client ID and secret in the NICE CXone API credential.',
		});
		assert.ok(section().includes('CXone refused the access key (HTTP 401 invalid_grant'), 'the README does not promise this message');
	});

	harness.test("NICE CXone API: Test fails for an access key whose role lacks Reporting, saying so", async () => {
		const { rest, simulator } = context();
		const data = { ...accessKey(simulator), accessKeyId: simulator.limitedAccessKeyId, accessKeySecret: simulator.limitedAccessKeySecret };
		const answer = await saveAndTest(rest, { name: 'Access key, no Reporting', type: 'niceCxoneApi', data });
		assert.deepStrictEqual(answer, { status: 'Error', message: "The access key's role lacks Reporting permissions. Ask a CXone admin to add them." });
		assert.ok(section().includes("The access key's role lacks Reporting permissions."), 'the README does not promise this message');
	});

	harness.test('NICE CXone Webhook Signing API: Test passes with a secret of 32 characters or more', async () => {
		const { rest } = context();
		const answer = await saveAndTest(rest, { name: 'Signing, long secret', type: 'niceCxoneWebhookSigningApi', data: { secret: SIGNING_SECRET } });
		assert.deepStrictEqual(answer, { status: 'OK', message: 'The signing secret is set.' });
	});

	harness.test('NICE CXone Webhook Signing API: Test fails with a short secret, saying how long it must be', async () => {
		const { rest } = context();
		const answer = await saveAndTest(rest, { name: 'Signing, short secret', type: 'niceCxoneWebhookSigningApi', data: { secret: 'too-short-secret' } });
		assert.deepStrictEqual(answer, {
			status: 'Error',
			message:
				"The NICE CXone Webhook Signing API credential's Signing Secret has 16 characters; it needs at least 32. " +
				'Replace it with a random secret (e.g. openssl rand -hex 32) and give the receiver the same.',
		});
		assert.ok(section().includes('Signing Secret has N characters; it needs at least 32'), 'the README does not promise this message');
	});
}
