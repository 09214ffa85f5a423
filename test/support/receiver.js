/**
 * A local HTTP receiver for webhook tests: answers with the given statuses in turn (the last one
 * repeats), optionally after a delay, and records every request it got.
 */
'use strict';

const http = require('node:http');

/**
 * @param {{ statuses?: number[], delayMs?: number }} [options]
 * @returns {Promise<{ url: string, requests: Array<{ headers: Record<string, string>, body: string }>, close: () => Promise<void> }>}
 */
function startReceiver({ statuses = [200], delayMs = 0 } = {}) {
	const requests = [];
	const sockets = new Set();
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (chunk) => (body += chunk));
		req.on('end', () => {
			requests.push({ headers: req.headers, body });
			const status = statuses[Math.min(requests.length - 1, statuses.length - 1)];
			setTimeout(() => {
				if (!res.destroyed) res.writeHead(status, { 'Content-Type': 'text/plain' }).end(String(status));
			}, delayMs);
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	return new Promise((resolve) => {
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			resolve({
				url: `http://127.0.0.1:${port}/hook`,
				requests,
				close: () =>
					new Promise((done) => {
						for (const socket of sockets) socket.destroy();
						server.close(() => done());
					}),
			});
		});
	});
}

module.exports = { startReceiver };
