import { createHmac, timingSafeEqual } from 'crypto';

export const SIGNATURE_HEADER = 'X-CXone-Signature';
export const TIMESTAMP_HEADER = 'X-CXone-Timestamp';

/**
 * HMAC-SHA256 over `${timestampSeconds}.${body}` with the shared secret, hex: the value of the
 * `X-CXone-Signature` header as `v1=<hex>`. Signing the timestamp lets receivers refuse replays.
 */
export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
	return `v1=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex')}`;
}

/** Receiver side: true when `signature` is the signature of this body and timestamp. */
export function verifyWebhookSignature(secret: string, timestampSeconds: number, body: string, signature: string): boolean {
	const expected = Buffer.from(signWebhook(secret, timestampSeconds, body));
	const given = Buffer.from(signature);
	return expected.length === given.length && timingSafeEqual(expected, given);
}
