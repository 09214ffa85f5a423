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
 * @typedef {{ sent: number, closedEarly: boolean, finished: boolean, done: Promise<void> }} Flood
 */

/**
 * Writes `head`, then `fill` repeated until `size` bytes were written in all (endless, in practice,
 * with the default: 1 GB), then `tail`, as fast as the client reads (backpressure): a body far larger
 * than any client should read. Stops when the connection closes. Returns what it wrote, whether the
 * client closed the connection before the end (`closedEarly`), and a promise of the end.
 * @param {import('node:http').ServerResponse} res
 * @param {{ head?: string, fill?: string, tail?: string, size?: number }} [body]
 * @returns {Flood}
 */
function flood(res, body = {}) {
	const { head = '', fill = 'x', tail = '', size = 1024 ** 3 } = body;
	const chunk = Buffer.from(fill.repeat(Math.max(1, Math.floor(65536 / fill.length))), 'utf8');
	/** @type {Flood} */
	const record = { sent: 0, closedEarly: false, finished: false, done: Promise.resolve() };
	record.done = new Promise((resolve) => {
		res.on('close', () => {
			record.closedEarly = !record.finished;
			resolve();
		});
	});
	const write = (data) => {
		record.sent += data.length;
		return res.write(data);
	};
	const pump = () => {
		while (!res.destroyed) {
			if (record.sent + chunk.length + tail.length > size) {
				record.finished = true;
				res.end(tail);
				return;
			}
			if (!write(chunk)) {
				res.once('drain', pump);
				return;
			}
		}
	};
	write(Buffer.from(head, 'utf8'));
	pump();
	return record;
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

module.exports = { startHostileServer, sendJson, trickle, flood, fakeJwt, testSecret };
