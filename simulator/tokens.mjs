/**
 * OAuth 2.0 client-credentials tokens (docs/api/analytics-v2.md §1): the two simulated clients, token issue, expiry,
 * scopes, and the per-token request rate limit (600 requests in a rolling minute).
 */
import { randomBytes } from 'node:crypto';
import { hashInts } from './hash.mjs';

export const SCOPE_QUERY = 'analytics:query';
export const SCOPE_VIEW = 'analytics:view';
const RATE_WINDOW_MS = 60_000;

function hex(value) {
	return value.toString(16).padStart(8, '0');
}

/**
 * The simulator's clients: a full one and a read-only viewer. Secrets derive from the seed so a demo
 * can be rerun with the same credentials; both clients belong to the one simulated tenant.
 */
export function createClients(seed) {
	const secret = (salt) =>
		`sim_${hex(hashInts(seed, salt, 1))}${hex(hashInts(seed, salt, 2))}${hex(hashInts(seed, salt, 3))}`;
	return [
		{
			clientId: 'cxone-sim-client',
			clientSecret: secret(0xc11e),
			scopes: [SCOPE_QUERY, SCOPE_VIEW],
			tenant: 'tenant_1',
		},
		{
			clientId: 'cxone-sim-viewer',
			clientSecret: secret(0x71e3),
			scopes: [SCOPE_VIEW],
			tenant: 'tenant_1',
		},
	];
}

export class TokenIssuer {
	/**
	 * @param {{ clients: object[], tokenTtlSeconds: number, requestBudget: (tokenIndex: number) => number,
	 *   requestsPerMinute: number, now: () => number }} options `requestsPerMinute` 0: no rate limit
	 */
	constructor({ clients, tokenTtlSeconds, requestBudget, requestsPerMinute, now }) {
		this.clients = clients;
		this.tokenTtlSeconds = tokenTtlSeconds;
		this.requestsPerMinute = requestsPerMinute;
		this.requestBudget = requestBudget;
		this.now = now;
		this.reset();
	}

	reset() {
		this.tokens = new Map();
		this.issuedCount = 0;
	}

	/** The client for a Basic `clientId:clientSecret` pair, or undefined. */
	findClient(clientId, clientSecret) {
		return this.clients.find(
			(client) => client.clientId === clientId && client.clientSecret === clientSecret,
		);
	}

	/**
	 * Issues a token; `requestedScope` (space-separated, optional) is intersected with the client's scopes.
	 * Returns the contract's 200 body.
	 */
	issue(client, requestedScope) {
		this.pruneExpired();
		const requested =
			requestedScope === undefined || requestedScope.trim() === ''
				? client.scopes
				: requestedScope.split(/\s+/);
		const scopes = client.scopes.filter((scope) => requested.includes(scope));
		const accessToken = randomBytes(24).toString('base64url');
		this.tokens.set(accessToken, {
			accessToken,
			client,
			scopes,
			expiresAtMs: this.now() + this.tokenTtlSeconds * 1000,
			remainingRequests: this.requestBudget(this.issuedCount),
			recentRequestTimes: [],
		});
		this.issuedCount++;
		return {
			access_token: accessToken,
			token_type: 'Bearer',
			expires_in: this.tokenTtlSeconds,
			scope: scopes.join(' '),
		};
	}

	/** The live token record for an `Authorization` header, or null when missing, unknown or expired. */
	authenticate(authorizationHeader) {
		const match = /^Bearer\s+(\S+)\s*$/i.exec(authorizationHeader ?? '');
		if (match === null) return null;
		const token = this.tokens.get(match[1]);
		if (token === undefined) return null;
		if (this.now() >= token.expiresAtMs) {
			this.tokens.delete(match[1]);
			return null;
		}
		return token;
	}

	/** Revokes a token (the flaky profile's "expired mid-paging"). */
	revoke(token) {
		this.tokens.delete(token.accessToken);
	}

	/**
	 * Records one request by the token and says whether it is over the rate limit (more than
	 * `requestsPerMinute`, 600 by the contract, in the last minute). Rejected requests count too, as they
	 * would on a real gateway.
	 */
	isOverRateLimit(token) {
		if (this.requestsPerMinute === 0) return false;
		const nowMs = this.now();
		const times = token.recentRequestTimes;
		while (times.length > 0 && times[0] <= nowMs - RATE_WINDOW_MS) times.shift();
		times.push(nowMs);
		if (times.length > this.requestsPerMinute + 1) times.shift();
		return times.length > this.requestsPerMinute;
	}

	/** Seconds until the token's oldest request in the window leaves it. */
	secondsUntilRateWindowFrees(token) {
		const oldest = token.recentRequestTimes[0] ?? this.now();
		return Math.max(1, Math.ceil((oldest + RATE_WINDOW_MS - this.now()) / 1000));
	}

	pruneExpired() {
		if (this.tokens.size < 1000) return;
		const nowMs = this.now();
		for (const [key, record] of this.tokens) {
			if (nowMs >= record.expiresAtMs || record.remainingRequests <= 0) this.tokens.delete(key);
		}
	}
}
