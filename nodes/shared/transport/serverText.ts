/**
 * Text a server sent (an error body, a status header) before it goes into an error message, and from
 * there into output items, audit records, the n8n log and webhook bodies: anything that looks like a
 * credential or a token is replaced, and the text is clipped, so an echoing or hostile server cannot
 * make the node publish a secret or flood a log.
 */

/** The longest piece of server text a message carries. */
export const MAX_SERVER_TEXT_CHARS = 300;

const REDACTED = '[redacted]';

const SECRET_NAME =
	'[\\w-]*(?:token|secret|password|passwd|authorization|api[_-]?key|access[_-]?key|signature|credential|session|cookie)[\\w-]*';

const PATTERNS: Array<[RegExp, string]> = [
	// Authorization header values.
	[/\b(Basic|Bearer|Digest|Negotiate)\s+[^\s"',;]+/gi, `$1 ${REDACTED}`],
	// "name":"value", name=value and name:value (no space: prose such as "invalid_token: expired" stays).
	[new RegExp(`("${SECRET_NAME}"\\s*:\\s*")[^"]*`, 'gi'), `$1${REDACTED}`],
	[new RegExp(`(\\b${SECRET_NAME}\\s*=\\s*)[^\\s&,;"']+`, 'gi'), `$1${REDACTED}`],
	[new RegExp(`(\\b${SECRET_NAME}:)(?!\\s)[^\\s&,;"'}]+`, 'gi'), `$1${REDACTED}`],
	// JSON Web Tokens.
	[/\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, REDACTED],
];

/** A long run of base64, base64url or hex with letters and digits: a key, token or signature (not a path). */
const LONG_RUN = /[A-Za-z0-9+/_=-]{32,}/g;
const looksLikeKey = (run: string) =>
	/\d/.test(run) && /[A-Za-z]/.test(run) && (!run.includes('/') || /[+=]/.test(run));

/** Shortest start of a secret that, at the very end of a text, is taken for the secret cut short. */
const CUT_SECRET_MIN_CHARS = 8;

/**
 * Replaces every exact `secrets` value (of 4 characters or more) in `text`, and a start of one (8
 * characters or more) that ends it: an answer read only in part (its first 64 KB) may be cut inside the
 * token it quotes.
 */
export function withoutExactSecrets(text: string, secrets: readonly unknown[]): string {
	let result = text;
	for (const secret of secrets) {
		if (typeof secret !== 'string' || secret.length < 4) continue;
		result = result.split(secret).join(REDACTED);
		for (let k = Math.min(secret.length - 1, result.length); k >= CUT_SECRET_MIN_CHARS; k--) {
			if (result.endsWith(secret.slice(0, k))) {
				result = result.slice(0, result.length - k) + REDACTED;
				break;
			}
		}
	}
	return result;
}

/** Replaces what looks like a credential or token in `text`, and every exact `secrets` value. */
export function redact(text: string, secrets: readonly unknown[] = []): string {
	let result = withoutExactSecrets(text, secrets);
	for (const [pattern, replacement] of PATTERNS) result = result.replace(pattern, replacement);
	return result.replace(LONG_RUN, (run) => (looksLikeKey(run) ? REDACTED : run));
}

/**
 * Server text fit for a message: control characters and runs of white space become one space,
 * credentials are redacted, and the result is at most MAX_SERVER_TEXT_CHARS long. Non-text values
 * give ''.
 */
export function serverText(value: unknown, secrets: readonly unknown[] = []): string {
	if (typeof value !== 'string' && typeof value !== 'number') return '';
	// Clip before redacting too, so a huge body costs nothing; a secret cut in half is still long.
	const flat = String(value)
		.slice(0, MAX_SERVER_TEXT_CHARS * 4)
		// eslint-disable-next-line no-control-regex
		.replace(/[\u0000-\u001f\u007f\s]+/g, ' ')
		.trim();
	const clean = redact(flat, secrets);
	return clean.length > MAX_SERVER_TEXT_CHARS ? `${clean.slice(0, MAX_SERVER_TEXT_CHARS)}…` : clean;
}
