import { createHmac, timingSafeEqual } from 'crypto';

export const SIGNATURE_HEADER = 'X-CXone-Signature';
export const TIMESTAMP_HEADER = 'X-CXone-Timestamp';

/**
 * The shortest signing secret the nodes accept, in characters: 32 random characters carry 128 bits
 * or more (hex: 128, base64: 192), the strength of the HMAC's own security margin.
 */
export const MIN_SIGNING_SECRET_LENGTH = 32;

/**
 * HMAC-SHA256 over `${timestampSeconds}.${body}` with the shared secret, hex: the value of the
 * `X-CXone-Signature` header as `v1=<hex>`. Signing the timestamp lets receivers refuse replays; the
 * body's `auditId` lets them drop a second delivery of the same body.
 */
export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
	return `v1=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex')}`;
}

/**
 * Receiver side: true when `signature` is the signature of this body and timestamp. Any header text
 * is safe to pass: only `v1=` and 64 hex digits are compared (in constant time), anything else is false.
 */
export function verifyWebhookSignature(
	secret: string,
	timestampSeconds: number,
	body: string,
	signature: string,
): boolean {
	const match = /^v1=([0-9a-f]{64})$/.exec(signature);
	if (!match) return false;
	const expected = Buffer.from(signWebhook(secret, timestampSeconds, body).slice(3), 'hex');
	const given = Buffer.from(match[1], 'hex');
	return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Why a signing secret cannot sign, or undefined when it can: missing, empty, or shorter than
 * MIN_SIGNING_SECRET_LENGTH. The text names the credential field and the fix.
 */
export function signingSecretProblem(secret: unknown): string | undefined {
	const where = "the NICE CXone Webhook Signing API credential's Signing Secret";
	const text = typeof secret === 'string' ? secret : '';
	if (text === '') {
		return `Webhook signing is on but ${where} is empty. Enter a random secret of at least ${MIN_SIGNING_SECRET_LENGTH} characters (e.g. openssl rand -hex 32), or turn off Options › Sign Webhook.`;
	}
	if (text.length < MIN_SIGNING_SECRET_LENGTH) {
		return `${where[0].toUpperCase()}${where.slice(1)} has ${text.length} characters; it needs at least ${MIN_SIGNING_SECRET_LENGTH}. Replace it with a random secret (e.g. openssl rand -hex 32) and give the receiver the same.`;
	}
	return undefined;
}
