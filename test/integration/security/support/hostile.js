/**
 * Hostile servers on real local HTTP (127.0.0.1, a free port) for the security tests: each records
 * what it received (method, URL, headers, body), answers with the test's handler, stops answering
 * after a bounded number of requests, and closes itself after a lifetime, so no test can loop or hang
 * on it. Plain JavaScript, like test/support/http.js: the linted TypeScript tests import no networking.
 */
'use strict';

const http = require('node:http');

/**
 * @typedef {{ method: string, url: string, headers: import('node:http').IncomingHttpHeaders, body: string, atMs: number }} Received
 * @typedef {{ url: string, received: Received[], close: () => Promise<void> }} HostileServer
 * @typedef {(request: Received, response: import('node:http').ServerResponse, server: HostileServer) => void | boolean | Promise<void>} Handler
 * @typedef {{ maxRequests?: number, lifetimeMs?: number }} HostileOptions
 */

/**
 * @param {Handler} handler
 * @param {HostileOptions} [options]
 * @returns {Promise<HostileServer>}
 */
async function startHostileServer(handler, options = {}) {
	const { maxRequests = 200, lifetimeMs = 20000 } = options;
	/** @type {Received[]} */
	const received = [];
	let closed = false;
	/** @type {HostileServer} */
	let hostile;
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			const request = {
				method: req.method || 'GET',
				url: req.url || '/',
				headers: req.headers,
				body: Buffer.concat(chunks).toString('utf8'),
				atMs: Date.now(),
			};
			received.push(request);
			if (received.length > maxRequests) {
				res.writeHead(503, { Connection: 'close' }).end();
				return;
			}
			Promise.resolve()
				.then(() => handler(request, res, hostile))
				.catch(() => res.destroy());
		});
	});
	server.keepAliveTimeout = 1;
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const lifetime = setTimeout(() => void close(), lifetimeMs);
	lifetime.unref();
	async function close() {
		if (closed) return;
		closed = true;
		clearTimeout(lifetime);
		server.closeAllConnections();
		await new Promise((resolve) => server.close(() => resolve(undefined)));
	}
	hostile = { url: `http://127.0.0.1:${server.address().port}`, received, close };
	return hostile;
}

/**
 * Sends a JSON body with a status and extra headers.
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
function sendJson(res, status, body, headers = {}) {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': 'application/json',
		'Content-Length': Buffer.byteLength(text),
		...headers,
	});
	res.end(text);
}

/**
 * Writes `text` one byte at a time, `intervalMs` apart, until done or the connection closes.
 * @param {import('node:http').ServerResponse} res
 * @param {string} text
 * @param {number} intervalMs
 */
function trickle(res, text, intervalMs) {
	let index = 0;
	const timer = setInterval(() => {
		if (res.destroyed || index >= text.length) {
			clearInterval(timer);
			if (!res.destroyed) res.end();
			return;
		}
		res.write(text[index++]);
	}, intervalMs);
	timer.unref();
	res.on('close', () => clearInterval(timer));
}

/**
 * A JWT-shaped token whose payload carries `claims` (unsigned: only its shape matters here).
 * @param {Record<string, unknown>} claims
 */
function fakeJwt(claims) {
	const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
	return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

/**
 * A value that stands for a secret in a test: unique per run, easy to search for in what servers saw.
 * @param {string} name
 */
function testSecret(name) {
	return `${name}-${process.pid}-never-leaves-the-tenant`;
}

module.exports = { startHostileServer, sendJson, trickle, fakeJwt, testSecret };
