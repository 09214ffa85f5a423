// A minimal JSON-over-HTTP client on node:http with keep-alive, shared by every client in the bench so
// that differences between scenarios come from what the clients do, not from the HTTP stack.
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** Counters of one process's API traffic. */
export const traffic = { requests: 0, throttled: 0, bytes: 0 };

/**
 * Sends one request and resolves to {status, headers, text}; never rejects on a status.
 * `url` is absolute; `body` is sent as JSON, or as a string with the given content type. `fresh`
 * uses a connection of its own (no keep-alive race after a long pause).
 */
export function httpRequest(url, { method = 'GET', headers = {}, body, contentType, fresh = false } = {}) {
	const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
	const allHeaders = { accept: 'application/json', ...headers };
	if (payload !== undefined) {
		allHeaders['content-type'] = contentType ?? 'application/json';
		allHeaders['content-length'] = Buffer.byteLength(payload);
	}
	return new Promise((resolve, reject) => {
		const req = http.request(url, { method, headers: allHeaders, agent: fresh ? false : agent }, (res) => {
			const chunks = [];
			res.on('data', (chunk) => chunks.push(chunk));
			res.on('end', () => {
				const buffer = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
				traffic.bytes += buffer.length;
				resolve({ status: res.statusCode, headers: res.headers, text: buffer.toString('utf8') });
			});
			res.on('error', reject);
		});
		req.on('error', reject);
		if (payload !== undefined) req.write(payload);
		req.end();
	});
}

/** Fetches an access token with the client-credentials grant (once per scenario process). */
export async function fetchToken(sim) {
	const basic = Buffer.from(`${sim.clientId}:${sim.clientSecret}`).toString('base64');
	const response = await httpRequest(sim.tokenUrl, {
		method: 'POST',
		headers: { authorization: `Basic ${basic}` },
		body: 'grant_type=client_credentials&scope=analytics%3Aquery+analytics%3Aview',
		contentType: 'application/x-www-form-urlencoded',
	});
	if (response.status !== 200) throw new Error(`Token request answered ${response.status}: ${response.text}`);
	return JSON.parse(response.text).access_token;
}

/** An API call with the bearer token; counts requests and 429s. */
export async function apiCall(sim, token, method, path, body) {
	traffic.requests++;
	const response = await httpRequest(`${sim.baseUrl}${path}`, {
		method,
		headers: { authorization: `Bearer ${token}` },
		body,
	});
	if (response.status === 429) traffic.throttled++;
	return response;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The wait a 429/503 asks for, in ms (delta-seconds only; the simulator's clean profile sends those). */
export function retryAfterMs(response, fallbackMs = 1000) {
	const seconds = Number(response.headers['retry-after']);
	return Number.isFinite(seconds) ? seconds * 1000 : fallbackMs;
}
