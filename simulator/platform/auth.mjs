/**
 * CXone platform authentication: access keys exchanged for JWT access tokens, through the password
 * grant with the registered application's client credentials (HTTP Basic) or through the older
 * access-key route; plus the discovery documents.
 *
 * Tokens are HS256 JWTs signed with a per-process secret. Each issued token is also remembered (by its
 * `jti`) so it can expire early in the flaky profile, like the analytics tokens.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

function base64urlJson(value) {
	return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export class PlatformTokenIssuer {
	/**
	 * @param {{ credentials: object, tokenTtlSeconds: number, requestBudget: (tokenIndex: number) => number,
	 *   now: () => number, issuer: () => string }} options
	 */
	constructor({ credentials, tokenTtlSeconds, requestBudget, now, issuer }) {
		this.credentials = credentials;
		this.tokenTtlSeconds = tokenTtlSeconds;
		this.requestBudget = requestBudget;
		this.now = now;
		this.issuer = issuer;
		this.signingKey = randomBytes(32);
		this.tokens = new Map();
		this.issuedCount = 0;
	}

	/** The access key for an id and secret, or undefined. */
	findAccessKey(accessKeyId, accessKeySecret) {
		return this.credentials.accessKeys.find(
			(key) => key.accessKeyId === accessKeyId && key.accessKeySecret === accessKeySecret,
		);
	}

	isApplication(clientId, clientSecret) {
		const { application } = this.credentials;
		return clientId === application.clientId && clientSecret === application.clientSecret;
	}

	sign(payload) {
		const unsigned = `${base64urlJson({ alg: 'HS256', typ: 'JWT' })}.${base64urlJson(payload)}`;
		const signature = createHmac('sha256', this.signingKey).update(unsigned).digest('base64url');
		return `${unsigned}.${signature}`;
	}

	/** Issues the token response for an access key; `audience` is the application's client id, if any. */
	issue(accessKey, audience) {
		this.prune();
		const nowMs = this.now();
		const issuedAtSeconds = Math.floor(nowMs / 1000);
		const jti = randomUUID();
		const { tenant } = this.credentials;
		const common = {
			iss: this.issuer(),
			sub: accessKey.userId,
			aud: audience,
			iat: issuedAtSeconds,
			exp: Math.ceil((nowMs + this.tokenTtlSeconds * 1000) / 1000),
			tenantId: tenant.tenantId,
			icBUId: tenant.icBUId,
			icClusterId: tenant.icClusterId,
		};
		this.tokens.set(jti, {
			jti,
			accessKey,
			expiresAtMs: nowMs + this.tokenTtlSeconds * 1000,
			remainingRequests: this.requestBudget(this.issuedCount),
		});
		this.issuedCount++;
		return {
			access_token: this.sign({ ...common, jti, scope: 'openid' }),
			token_type: 'Bearer',
			expires_in: this.tokenTtlSeconds,
			refresh_token: randomBytes(24).toString('base64url'),
			id_token: this.sign({ ...common, jti: randomUUID(), name: accessKey.userId }),
		};
	}

	/**
	 * The live token record for an `Authorization: Bearer <jwt>` header, or null when it is missing, not a
	 * JWT of this server, expired or revoked.
	 */
	authenticate(authorizationHeader) {
		const match = /^Bearer\s+([\w-]+)\.([\w-]+)\.([\w-]+)\s*$/.exec(authorizationHeader ?? '');
		if (match === null) return null;
		const [, header, payload, signature] = match;
		const expected = createHmac('sha256', this.signingKey).update(`${header}.${payload}`).digest();
		const given = Buffer.from(signature, 'base64url');
		if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
		let claims;
		try {
			claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
		} catch {
			return null;
		}
		const record = this.tokens.get(claims.jti);
		if (record === undefined) return null;
		if (this.now() >= record.expiresAtMs) {
			this.tokens.delete(claims.jti);
			return null;
		}
		return record;
	}

	revoke(record) {
		this.tokens.delete(record.jti);
	}

	prune() {
		if (this.tokens.size < 1000) return;
		const nowMs = this.now();
		for (const [jti, record] of this.tokens) {
			if (nowMs >= record.expiresAtMs || record.remainingRequests <= 0) this.tokens.delete(jti);
		}
	}
}

/** `GET /.well-known/openid-configuration`: only what the simulator serves. */
export function openIdConfiguration(baseUrl) {
	return {
		issuer: baseUrl,
		token_endpoint: `${baseUrl}/auth/token`,
		grant_types_supported: ['password'],
		token_endpoint_auth_methods_supported: ['client_secret_basic'],
		scopes_supported: ['openid'],
		response_types_supported: ['token'],
		id_token_signing_alg_values_supported: ['HS256'],
	};
}

/** `GET /.well-known/cxone-configuration?tenantId=…`: where the tenant's APIs live. */
export function cxoneConfiguration(baseUrl, tenant) {
	return {
		tenantId: tenant.tenantId,
		api_endpoint: baseUrl,
		area: tenant.area,
		cluster: tenant.icClusterId,
		domain: tenant.domain,
	};
}
