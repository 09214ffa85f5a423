// The REST API of a running n8n (the one its editor uses, under /rest): owner setup, login,
// credentials, workflows, publishing, executions. Authenticates with the `n8n-auth` cookie and a fixed
// `browser-id` header, which n8n binds the cookie to.
import crypto from 'node:crypto';

/** A client of the n8n at `baseUrl` (`http://127.0.0.1:5678`). Every call rejects on a non-2xx answer. */
export function n8nRestClient(baseUrl) {
	const browserId = crypto.randomUUID();
	let cookie = '';

	/** Resolves to the `data` n8n wraps its answers in (or the whole answer); a non-2xx answer throws with n8n's message. */
	async function request(method, path, body) {
		const response = await fetch(`${baseUrl}/rest${path}`, {
			method,
			headers: {
				'browser-id': browserId,
				...(cookie ? { cookie } : {}),
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(120000),
		});
		const auth = response.headers.getSetCookie().find((value) => value.startsWith('n8n-auth='));
		if (auth) cookie = auth.split(';')[0];
		const text = await response.text();
		if (!response.ok) throw new Error(`n8n ${method} /rest${path} answered ${response.status}: ${text.slice(0, 1000)}`);
		let json;
		try {
			json = JSON.parse(text);
		} catch {
			json = undefined;
		}
		return json && typeof json === 'object' && 'data' in json ? json.data : json;
	}

	return {
		request,
		/** The `n8n-auth` cookie's value, for a browser that should be logged in as this user. */
		authCookie: () => cookie.replace(/^n8n-auth=/, ''),
		browserId,
		/** Creates the instance owner (only possible once, on a new instance); n8n logs them in. */
		setupOwner: ({ email, password, firstName = 'Test', lastName = 'Owner' }) =>
			request('POST', '/owner/setup', { email, password, firstName, lastName }),
		login: ({ email, password }) => request('POST', '/login', { emailOrLdapLoginId: email, password }),
		/** Resolves to the stored credential ({id, name, type}); n8n encrypts `data`. */
		createCredential: ({ name, type, data }) => request('POST', '/credentials', { name, type, data }),
		/**
		 * Resolves to the saved workflow ({id, versionId, …}), saved unpublished. `active: false` for n8n 1.x,
		 * whose column is NOT NULL with no default there (a workflow without it: HTTP 500); 2.x drops the field.
		 */
		createWorkflow: (workflow) => request('POST', '/workflows', { active: false, ...workflow }),
		/** Publishes the workflow's version `versionId`: its triggers (webhooks) go live. */
		activateWorkflow: (id, versionId) => request('POST', `/workflows/${id}/activate`, { versionId }),
		/** Up to 100 executions of a workflow, newest first: [{id, status, startedAt, stoppedAt, …}]. */
		async listExecutions(workflowId) {
			const filter = encodeURIComponent(JSON.stringify({ workflowId }));
			const page = await request('GET', `/executions?filter=${filter}&limit=100`);
			return page.results;
		},
		/** One execution with its run data (`data` is n8n's flattened form, a string). */
		getExecution: (id) => request('GET', `/executions/${id}`),
	};
}
