/** The longest file name the node gives a downloaded file. */
const MAX_FILE_NAME_CHARS = 120;

/**
 * A file name a server sent, safe to hand to n8n and to whatever writes the binary data to disk later:
 * the last path segment only, no control characters or characters file systems forbid, no leading
 * dots, at most 120 characters. `fallback` when nothing usable is left.
 */
export function safeFileName(name: unknown, fallback: string): string {
	if (typeof name !== 'string') return fallback;
	const base = name.split(/[/\\]/).pop() ?? '';
	const clean = base
		// eslint-disable-next-line no-control-regex
		.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
		.replace(/^[.\s]+/, '')
		.trim();
	if (clean === '') return fallback;
	if (clean.length <= MAX_FILE_NAME_CHARS) return clean;
	const dot = clean.lastIndexOf('.');
	const extension = dot > 0 && clean.length - dot <= 10 ? clean.slice(dot) : '';
	return clean.slice(0, MAX_FILE_NAME_CHARS - extension.length) + extension;
}
