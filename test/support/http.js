/**
 * A tiny HTTP client for tests (node:http, no axios), so TypeScript tests need no networking imports.
 * Bodies: an object is sent as JSON unless a Content-Type says otherwise; a string is sent as is.
 * Responses: `{status, headers, body}` with `body` parsed as JSON when it is JSON, else the text.
 * A dropped connection rejects with the socket error (e.g. ECONNRESET).
 */
'use strict';

const http = require('node:http');

// No keep-alive: each request gets its own connection, so a simulated reset affects only that request.
const agent = new http.Agent({ keepAlive: false });

/**
 * @param {{ method?: string, url: string, headers?: Record<string, string>, body?: unknown }} options
 * @returns {Promise<{ status: number, headers: Record<string, string | string[] | undefined>, body: any }>}
 */
function request({ method = 'GET', url, headers = {}, body }) {
	return new Promise((resolve, reject) => {
		const outgoingHeaders = { ...headers };
		let payload;
		if (body !== undefined) {
			const hasContentType = Object.keys(outgoingHeaders).some(
				(name) => name.toLowerCase() === 'content-type',
			);
			if (typeof body === 'string') {
				payload = body;
			} else {
				payload = JSON.stringify(body);
				if (!hasContentType) outgoingHeaders['Content-Type'] = 'application/json';
			}
			outgoingHeaders['Content-Length'] = String(Buffer.byteLength(payload));
		}
		const req = http.request(url, { method, headers: outgoingHeaders, agent }, (res) => {
			const chunks = [];
			res.on('data', (chunk) => chunks.push(chunk));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let parsed = text;
				if ((res.headers['content-type'] || '').includes('application/json') && text !== '')
					parsed = JSON.parse(text);
				resolve({ status: res.statusCode, headers: res.headers, body: parsed });
			});
			res.on('error', reject);
		});
		req.on('error', reject);
		if (payload !== undefined) req.write(payload);
		req.end();
	});
}

/** The `Authorization: Basic …` value for a client id and secret. */
function basicAuth(clientId, clientSecret) {
	return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
}

/** Resolves after `ms` milliseconds. */
function wait(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

module.exports = { request, wait, basicAuth };
