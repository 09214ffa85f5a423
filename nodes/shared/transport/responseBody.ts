import { sleep } from 'n8n-workflow';

import { settle } from './clock';

const KB = 1024;
const MB = 1024 * KB;

/**
 * The most the node reads of a server's answer, counted as the bytes arrive (after any gzip or
 * deflate is undone), before anything is parsed. Past a cap the node stops reading, closes the
 * connection and fails with AnswerTooLargeError: a hostile or broken server cannot make n8n buffer
 * hundreds of MB, or an endless body. README › Security states them.
 */
export const ANSWER_CAPS = {
	/**
	 * A JSON answer of the analytics API (submit, poll, result page). A page holds at most 1,000 rows;
	 * a row at most 5 dimension values of 1,000 characters (up to 6 bytes each in JSON, `\uXXXX`) and
	 * 10 metrics: about 31 MB at the very worst, 5 MB for long ASCII values.
	 */
	apiJson: 64 * MB,
	/**
	 * A JSON answer of the Reporting API: a page holds up to 10,000 completed contacts (a CXone record
	 * of some 70 fields takes 2–3 KB), skill summaries, report jobs.
	 */
	platformJson: 128 * MB,
	/** A report file: the longest text Node.js can hold as one string (2^29 − 24 characters, about 512 MB). */
	reportFile: 2 ** 29 - 24,
	/** An answer outside 2xx: the node reads it only for its message. */
	error: 64 * KB,
	/** A credential's token, discovery or API-host lookup answer (a token of a few KB, at most). */
	credential: 256 * KB,
} as const;

/** `bytes` as a reader would say it: 64 MB, 256 KB, 512 MB, 1,234 bytes. */
export function byteSize(bytes: number): string {
	if (bytes >= MB) return `${Math.round(bytes / MB)} MB`;
	if (bytes >= KB) return `${Math.round(bytes / KB)} KB`;
	return `${bytes} bytes`;
}

/** A server's answer was larger than the node reads: it stopped reading and dropped the connection. */
export class AnswerTooLargeError extends Error {
	constructor(
		/** The cap that was passed. */
		readonly maxBytes: number,
		/** The Content-Length the answer declared, when that alone was over the cap (nothing was read). */
		readonly declaredBytes?: number,
	) {
		super(
			declaredBytes === undefined
				? `The answer went past ${byteSize(maxBytes)}, the most the node reads of it; it stopped reading there.`
				: `The answer declared ${declaredBytes} bytes (Content-Length), more than the ${byteSize(maxBytes)} the node reads of it; nothing of it was read.`,
		);
		this.name = 'AnswerTooLargeError';
	}

	/** What happened, for a message that says which answer: "went past 64 MB …". */
	get what(): string {
		return this.declaredBytes === undefined
			? `went past ${byteSize(this.maxBytes)}, the most the node reads of such an answer; it stopped reading there and closed the connection`
			: `declared ${this.declaredBytes.toLocaleString('en-US')} bytes (Content-Length), more than the ${byteSize(this.maxBytes)} the node reads of such an answer; it read none of it and closed the connection`;
	}
}

/** The next bytes of a body did not come within the idle limit: the connection counts as dropped. */
export class AnswerIdleError extends Error {
	readonly code = 'ETIMEDOUT';

	constructor(idleMs: number) {
		super(`The answer's body stopped arriving for ${idleMs / 1000} s.`);
		this.name = 'AnswerIdleError';
	}
}

export interface AnswerLimits {
	maxBytes: number;
	/** The answer's headers: a Content-Length over `maxBytes` is refused before anything is read. */
	headers?: unknown;
	/** The longest wait for the next bytes; then the read fails with AnswerIdleError (ETIMEDOUT). */
	idleMs: number;
	/** The request's signal: the read stops when it aborts (n8n's helpers then fail the body too). */
	signal?: AbortSignal;
	/**
	 * Drops the connection when the read stops early (too large, idle): aborts the signal n8n was given
	 * for the request, which closes the socket however n8n's axios wraps the body stream.
	 */
	drop?: (reason: Error) => void;
}

type Chunk = Uint8Array | string;
type BodyStream = AsyncIterable<Chunk> & { destroy?: (error?: Error) => void };

/** Whether a response body is a stream to read (n8n's helpers with `encoding: 'stream'`). */
export function isBodyStream(body: unknown): body is BodyStream {
	return (
		body !== null &&
		typeof body === 'object' &&
		typeof (body as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function'
	);
}

/** The Content-Length of `headers`, when it is a plain number. */
function declaredLength(headers: unknown): number | undefined {
	if (!headers || typeof headers !== 'object') return undefined;
	for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
		if (name.toLowerCase() !== 'content-length') continue;
		const text = String(Array.isArray(value) ? value[0] : value).trim();
		return /^\d{1,16}$/.test(text) ? Number(text) : undefined;
	}
	return undefined;
}

const decoder = new TextDecoder();

/**
 * The bytes of a body stream as text (UTF-8, without a byte order mark), read as they arrive: at
 * most `maxBytes`. Past that (or with a Content-Length past it) the connection is dropped, the stream
 * destroyed, and the read fails with AnswerTooLargeError; bytes that stop arriving for `idleMs` fail
 * it with AnswerIdleError. A body already in memory (text, bytes: a helper that ignored `encoding`)
 * is held to the same cap.
 */
export async function readAnswerText(body: unknown, limits: AnswerLimits): Promise<string> {
	return (await readText(body, limits, false)).text;
}

/** What readAnswerPrefix read: the text, and whether it is the whole body. */
export interface AnswerPrefix {
	text: string;
	/** False when the body went on past `maxBytes`: `text` is its first `maxBytes` only. */
	complete: boolean;
}

/**
 * The first `maxBytes` of a body as text (see readAnswerText), for an answer read only for its
 * message (an error): a longer body is cut there, the rest left unread and its connection dropped.
 */
export async function readAnswerPrefix(body: unknown, limits: AnswerLimits): Promise<AnswerPrefix> {
	return await readText(body, limits, true);
}

async function readText(
	body: unknown,
	limits: AnswerLimits,
	keepPrefix: boolean,
): Promise<AnswerPrefix> {
	const { maxBytes } = limits;
	if (body === undefined || body === null) return { text: '', complete: true };
	if (typeof body === 'string') {
		// UTF-8 takes at least a byte per character and at most 3 per UTF-16 unit.
		const over =
			body.length > maxBytes || (body.length * 3 > maxBytes && utf8Length(body) > maxBytes);
		if (!over) return { text: body, complete: true };
		if (!keepPrefix) throw new AnswerTooLargeError(maxBytes);
		return {
			text: decoder.decode(Buffer.from(body, 'utf8').subarray(0, maxBytes)),
			complete: false,
		};
	}
	if (body instanceof Uint8Array) {
		if (body.byteLength <= maxBytes) return { text: decoder.decode(body), complete: true };
		if (!keepPrefix) throw new AnswerTooLargeError(maxBytes);
		return { text: decoder.decode(body.subarray(0, maxBytes)), complete: false };
	}
	if (!isBodyStream(body)) return { text: String(body), complete: true };
	const declared = declaredLength(limits.headers);
	if (!keepPrefix && declared !== undefined && declared > maxBytes) {
		const error = new AnswerTooLargeError(maxBytes, declared);
		limits.drop?.(error);
		body.destroy?.();
		throw error;
	}
	return await readStream(body, limits, keepPrefix);
}

/** UTF-8 bytes of `text`. */
function utf8Length(text: string): number {
	return Buffer.byteLength(text, 'utf8');
}

async function readStream(
	body: BodyStream,
	limits: AnswerLimits,
	keepPrefix: boolean,
): Promise<AnswerPrefix> {
	const { maxBytes, idleMs, signal } = limits;
	const iterator = body[Symbol.asyncIterator]();
	const chunks: Uint8Array[] = [];
	let total = 0;
	let complete = true;
	let lastBytesMs = Date.now();
	let stopped: Error | undefined;
	const done = new AbortController();
	// Stops the read from outside (idle, the request's signal): a pending next() then settles.
	const stop = (reason: Error) => {
		if (stopped) return;
		stopped = reason;
		limits.drop?.(reason);
		body.destroy?.();
	};
	const onAbort = () => stop(cancelledError());
	if (signal?.aborted) onAbort();
	signal?.addEventListener('abort', onAbort, { once: true });
	void watchIdle(
		idleMs,
		() => lastBytesMs,
		done.signal,
		() => stop(new AnswerIdleError(idleMs)),
	);
	try {
		for (;;) {
			const step = await settle(iterator.next());
			if (stopped) throw stopped;
			if (!step.ok) throw step.error;
			if (step.value.done) break;
			const value = step.value.value;
			const chunk = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
			if (total + chunk.byteLength > maxBytes) {
				const error = new AnswerTooLargeError(maxBytes);
				stopped = error;
				// The connection first, while n8n's axios still listens to the signal; then the stream.
				limits.drop?.(error);
				void settle(Promise.resolve(iterator.return?.()));
				body.destroy?.();
				if (!keepPrefix) throw error;
				chunks.push(chunk.subarray(0, maxBytes - total));
				total = maxBytes;
				complete = false;
				break;
			}
			total += chunk.byteLength;
			chunks.push(chunk);
			lastBytesMs = Date.now();
		}
	} finally {
		done.abort();
		signal?.removeEventListener('abort', onAbort);
	}
	if (chunks.length === 0) return { text: '', complete };
	const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
	return { text: decoder.decode(bytes), complete };
}

/** The error of a read its request's signal stopped, as n8n's helpers report a cancelled request. */
function cancelledError(): Error {
	const error = new Error('The request was cancelled while its answer arrived.') as Error & {
		code: string;
	};
	error.name = 'AbortError';
	error.code = 'ERR_CANCELED';
	return error;
}

/** The longest one wait of an idle watch (see watchIdle). */
const IDLE_CHECK_MS = 1000;

/** Calls `onIdle` once no bytes arrived for `idleMs`; ends when `until` aborts. One timer per read. */
async function watchIdle(
	idleMs: number,
	lastBytesMs: () => number,
	until: AbortSignal,
	onIdle: () => void,
): Promise<void> {
	for (;;) {
		const waitMs = lastBytesMs() + idleMs - Date.now();
		if (waitMs <= 0) return onIdle();
		// A second at a time: n8n 1.x's sleep ignores the signal, and a read that ended must not keep its
		// timer (and with it the answer's bytes) for a whole idle limit.
		if (!(await settle(sleep(Math.min(waitMs, IDLE_CHECK_MS), until))).ok || until.aborted) return;
	}
}

/** Whether an HTTP status is a success (2xx): an answer read within its cap, not for its message. */
export const isSuccess = (status: number) => status >= 200 && status < 300;

/** Whether a body is one a helper already parsed (it ignored `encoding`): no stream, text or bytes. */
function isParsed(body: unknown): boolean {
	return (
		body !== null &&
		typeof body === 'object' &&
		!isBodyStream(body) &&
		!(body instanceof Uint8Array)
	);
}

/**
 * A body read as `as` says: JSON (parsed, see parseJsonAnswer) or text, within `limits` (see
 * readAnswerText). A body a helper already parsed (one that ignored `encoding`) is taken as it is.
 */
export async function readAnswer(
	body: unknown,
	limits: AnswerLimits,
	as: 'json' | 'text',
): Promise<unknown> {
	if (isParsed(body)) return body;
	const text = await readAnswerText(body, limits);
	return as === 'json' ? parseJsonAnswer(text) : text;
}

/**
 * An answer outside 2xx, read only for its message: its first ANSWER_CAPS.error, as `as` says (see
 * parseErrorAnswer). A body a helper already parsed is taken as it is.
 */
export async function readErrorAnswer(
	body: unknown,
	limits: AnswerLimits,
	as: 'json' | 'text',
): Promise<unknown> {
	if (isParsed(body)) return body;
	const prefix = await readAnswerPrefix(body, { ...limits, maxBytes: ANSWER_CAPS.error });
	return parseErrorAnswer(prefix, as);
}

/**
 * A JSON answer's text parsed; text that is not JSON stays text (as n8n's `json: true` hands it over),
 * so a truncated body is reported as what it is. An empty body is ''.
 */
export function parseJsonAnswer(text: string): unknown {
	if (text === '') return '';
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

/** The text of the inside of a JSON string literal, or undefined when it is not one. */
function jsonText(inside: string): string | undefined {
	try {
		return JSON.parse(`"${inside}"`) as string;
	} catch {
		return undefined;
	}
}

/** The text fields an error answer's message is made of, as the JSON's first `"name": "…"` holds them. */
const MESSAGE_FIELDS = ['error', 'message', 'error_description'] as const;

/**
 * An error answer read only in part (readAnswerPrefix) as `as` says: JSON when it is whole; when it
 * was cut, its `error`, `message` and `error_description` texts where the part holds them (a text cut
 * short is kept as far as it goes), so the message still says what the server said; else its text.
 */
export function parseErrorAnswer(answer: AnswerPrefix, as: 'json' | 'text'): unknown {
	if (as === 'text') return answer.text;
	if (answer.complete) return parseJsonAnswer(answer.text);
	const fields: Record<string, string> = {};
	for (const name of MESSAGE_FIELDS) {
		const match = new RegExp(`"${name}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)`).exec(answer.text);
		if (!match) continue;
		fields[name] =
			jsonText(match[1]) ?? jsonText(match[1].replace(/\\(u[\da-fA-F]{0,3})?$/, '')) ?? match[1];
	}
	return Object.keys(fields).length > 0 ? fields : answer.text;
}
