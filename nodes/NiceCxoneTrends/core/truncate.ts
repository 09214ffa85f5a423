import { createHash } from 'crypto';

/**
 * Characters of group values in a sentence, a report's labels, a chart's alt text or title, and of a
 * chart file name's stem, before they are cut: a label longer than this (an id pasted into a group field)
 * is unreadable in Slack or an email anyway, and repeated in every alert it would make a report huge.
 */
export const MAX_LABEL_CHARS = 120;

/** The first `count` UTF-16 units of `text`, one fewer rather than half a surrogate pair. */
function head(text: string, count: number): string {
	const code = text.charCodeAt(count - 1);
	return text.slice(0, code >= 0xd800 && code <= 0xdbff ? count - 1 : count);
}

/** `text` at most `max` characters long: when longer, cut and ending in "…". */
export function truncated(text: string, max = MAX_LABEL_CHARS): string {
	return text.length <= max ? text : `${head(text, max - 1)}…`;
}

/** A short fingerprint of `text`: the first `length` hex digits of its SHA-256. */
export function fingerprint(text: string, length = 12): string {
	return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/**
 * `text` at most `max` characters long, distinct texts kept distinct: when longer, cut and ending in
 * "… #" and the {@link fingerprint} of the whole text.
 */
export function uniqueTruncated(text: string, max = MAX_LABEL_CHARS): string {
	if (text.length <= max) return text;
	const tag = `… #${fingerprint(text)}`;
	return `${head(text, max - tag.length)}${tag}`;
}
