/** Small HTTP helpers shared by the simulator's handlers. */

const MAX_BODY_BYTES = 1_000_000;

/** Sends a JSON body with a status and extra headers. */
export function sendJson(res, status, body, headers = {}) {
	sendJsonBytes(res, status, Buffer.from(JSON.stringify(body), 'utf8'), headers);
}

/** Sends JSON that is already UTF-8 bytes. */
export function sendJsonBytes(res, status, bytes, headers = {}) {
	res.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Content-Length': bytes.length,
		...headers,
	});
	res.end(bytes);
}

/** Sends a status without a body (204). */
export function sendEmpty(res, status, headers = {}) {
	res.writeHead(status, headers);
	res.end();
}

/** Reads the request body as text; rejects with `{tooLarge: true}` past 1 MB. */
export function readBody(req) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let size = 0;
		req.on('data', (chunk) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) {
				reject(Object.assign(new Error('Request body too large'), { tooLarge: true }));
				req.destroy();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

/** The media type of a request without parameters, lower-cased (`application/json`). */
export function mediaTypeOf(req) {
	return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/** Parses `Authorization: Basic …` into `{clientId, clientSecret}`, or null. */
export function parseBasicAuth(header) {
	const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
	if (match === null) return null;
	const decoded = Buffer.from(match[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return null;
	// RFC 6749 §2.3.1: both parts are form-urlencoded before being joined.
	const decode = (part) => {
		try {
			return decodeURIComponent(part.replace(/\+/g, ' '));
		} catch {
			return part;
		}
	};
	return {
		clientId: decode(decoded.slice(0, colon)),
		clientSecret: decode(decoded.slice(colon + 1)),
	};
}

/** Resolves after `ms` milliseconds (used for the benchmark's added latency). */
export function delay(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
