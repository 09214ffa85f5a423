import { createHash } from 'crypto';

/** JSON with object keys sorted at every level, so equal data always gives equal text. */
export function canonicalJson(value: unknown): string {
	if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	const entries = Object.entries(value as Record<string, unknown>)
		.filter(([, v]) => v !== undefined)
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** Hex SHA-256 of a string (UTF-8). */
export function sha256Hex(text: string): string {
	return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** An incremental SHA-256 over the canonical JSON of a sequence of values, in order. */
export class SequenceHash {
	private readonly hash = createHash('sha256');
	private first = true;

	constructor() {
		this.hash.update('[');
	}

	add(value: unknown): void {
		this.hash.update(this.first ? canonicalJson(value) : `,${canonicalJson(value)}`);
		this.first = false;
	}

	/**
	 * Adds values whose canonical JSON is already made: one value's, or several joined by commas (as
	 * UTF-8 bytes or text). The same as adding the values themselves, one by one.
	 */
	addCanonicalJson(json: string | Uint8Array): void {
		if (json.length === 0) return;
		if (!this.first) this.hash.update(',');
		this.hash.update(json);
		this.first = false;
	}

	/** Hex digest of the canonical JSON array of everything added; equals sha256Hex(canonicalJson(values)). */
	digest(): string {
		return this.hash.update(']').digest('hex');
	}
}
