/**
 * Where the nodes may send a secret or a token, and how they print an address. Pure: no n8n import,
 * no I/O, so the credentials (which run before any node code) and the transport share one rule.
 */

/** NICE's CXone platform domains: a discovered API host must be one of them or below one. */
export const CXONE_PLATFORM_DOMAINS = ['niceincontact.com', 'nice-incontact.com'] as const;

/** A URL a credential field or a server gave that the nodes refuse to send anything to. */
export class EndpointError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
		this.name = 'EndpointError';
	}
}

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** Whether a URL points at this machine (the simulator, tests): the one place http is accepted. */
export function isLoopback(url: URL): boolean {
	return LOOPBACK_HOST.test(url.hostname);
}

/**
 * An address for messages and logs: scheme, host and path, without user info, query or fragment (a
 * pre-signed link or a `user:password@` must not end up in an error, an item or a log).
 */
export function displayUrl(value: unknown): string {
	const text = typeof value === 'string' ? value.trim() : '';
	try {
		const url = new URL(text);
		const path = url.pathname === '/' ? '' : url.pathname;
		return `${url.protocol}//${url.host}${path.length > 120 ? `${path.slice(0, 120)}…` : path}`;
	} catch {
		return '(not a URL)';
	}
}

/**
 * Checks a URL a secret or the token will be sent to: a URL, https (http only to this machine, for the
 * simulator) and without user info. Throws an EndpointError that names `field` and the fix.
 */
export function checkEndpointUrl(value: unknown, field: string, where: string): URL {
	const text = typeof value === 'string' ? value.trim() : '';
	if (text === '') throw new EndpointError(field, `${field} is empty. Enter it in ${where}.`);
	const url = resolveUrl(text, undefined);
	if (!url)
		throw new EndpointError(
			field,
			`${field} is not a URL. Enter it in ${where} as https://host/path.`,
		);
	if (url.username !== '' || url.password !== '') {
		throw new EndpointError(
			field,
			`${field} contains a user name or password (${displayUrl(text)}). Remove them in ${where}: secrets go in their own fields.`,
		);
	}
	if (url.protocol === 'https:') return url;
	if (url.protocol === 'http:' && isLoopback(url)) return url;
	throw new EndpointError(
		field,
		`${field} (${displayUrl(text)}) must use https; only this machine (localhost, 127.0.0.1) may use http. Fix it in ${where}.`,
	);
}

/** Whether a host is one of NICE's CXone platform domains or below one. */
export function isPlatformHost(hostname: string): boolean {
	const host = hostname.toLowerCase().replace(/\.$/, '');
	return CXONE_PLATFORM_DOMAINS.some((domain) => host === domain || host.endsWith(`.${domain}`));
}

/**
 * A URL a server named (a discovered API host, a report file link), when it may be trusted: https on NICE's
 * CXone domains or on `alsoOrigin`'s origin, without user info; http or https on this machine only when
 * `anchor` (the host the credential was given) is on this machine too (the simulator). Else undefined.
 */
export function trustedPlatformUrl(
	value: unknown,
	anchor: URL | undefined,
	alsoOrigin?: URL,
): URL | undefined {
	const url = typeof value === 'string' ? resolveUrl(value, undefined) : undefined;
	if (!url || url.username !== '' || url.password !== '') return undefined;
	const local =
		anchor !== undefined &&
		isLoopback(anchor) &&
		isLoopback(url) &&
		(url.protocol === 'http:' || url.protocol === 'https:');
	const platform =
		url.protocol === 'https:' &&
		(isPlatformHost(url.hostname) ||
			(alsoOrigin !== undefined && url.origin === alsoOrigin.origin));
	return local || platform ? url : undefined;
}

/** `url` resolved against `base`, or undefined when that gives no URL. */
export function resolveUrl(url: string, base: string | undefined): URL | undefined {
	try {
		return new URL(url, base);
	} catch {
		return undefined;
	}
}

/** Whether `url`, resolved against `base`, has the same origin (scheme, host and port) as `origin`. */
export function sameOrigin(url: string, base: string | undefined, origin: string): boolean {
	const target = resolveUrl(url, base);
	const expected = resolveUrl(origin, undefined);
	return target !== undefined && expected !== undefined && target.origin === expected.origin;
}

/** Where the analytics credential's fields are, for messages. */
const ANALYTICS_CREDENTIAL = 'the NICE CXone OAuth2 API credential';

/**
 * The analytics API root from the Base URL field: https (http only to this machine), no user info,
 * and without a trailing `/api/v2` (the node adds it), so `https://host/api/v2/` works as meant.
 */
export function analyticsApiRoot(baseUrl: unknown): URL {
	const url = checkEndpointUrl(baseUrl, 'Base URL', ANALYTICS_CREDENTIAL);
	if (url.search !== '' || url.hash !== '') {
		throw new EndpointError(
			'Base URL',
			`Base URL (${displayUrl(url.href)}) has a query or fragment. Remove it in ${ANALYTICS_CREDENTIAL}: write only https://host.`,
		);
	}
	url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/api\/v2$/i, '') || '/';
	return url;
}
