import { ROWS_PER_STEP, type Steps } from '../../shared/core/steps';

// The Analytics core's long loops over a result (checks, hash, items, a report file's parsing, sorting
// contact rows) are steps (shared/core/steps) that yield their work, in units of about 0.3 µs: a row's
// keys or checks, a field parsed, an item made. The adapters run them with the shared pacer.

/** The work of one row's canonical JSON hashed (or one NDJSON line parsed back and hashed), in units. */
export const HASH_COST = 10;

/** `items.map(map)` in steps: 1 unit an item, yielded every ROWS_PER_STEP items. */
export function* mapSteps<T, U>(
	items: readonly T[],
	map: (item: T, index: number) => U,
): Steps<U[]> {
	const mapped: U[] = [];
	for (let i = 0; i < items.length; i++) {
		if (i > 0 && i % ROWS_PER_STEP === 0) yield ROWS_PER_STEP;
		mapped.push(map(items[i], i));
	}
	return mapped;
}

/** Items sorted by one Array.prototype.sort at a time, before they are merged in steps. */
const SORT_RUN = 4096;

/**
 * A stable sort of `items` (in place, and returned) in steps: runs of SORT_RUN sorted at once (16 units
 * an item, yielded after each run), then merged pairwise, 1 unit an item (yielded every ROWS_PER_STEP
 * items of a pass). A million rows sorted at once held the event loop for over a second.
 */
export function* sortSteps<T>(items: T[], compare: (a: T, b: T) => number): Steps<T[]> {
	const n = items.length;
	for (let start = 0; start < n; start += SORT_RUN) {
		const run = items.slice(start, start + SORT_RUN).sort(compare);
		for (let i = 0; i < run.length; i++) items[start + i] = run[i];
		yield 16 * run.length;
	}
	let from = items;
	let to = new Array<T>(n);
	for (let width = SORT_RUN; width < n; width *= 2) {
		for (let left = 0; left < n; left += 2 * width) {
			const middle = Math.min(left + width, n);
			const end = Math.min(left + 2 * width, n);
			let i = left;
			let j = middle;
			// The merges of a pass fill `to` from 0 to n: k counts the items merged in the pass.
			for (let k = left; k < end; k++) {
				if (k > 0 && k % ROWS_PER_STEP === 0) yield ROWS_PER_STEP;
				to[k] = i < middle && (j >= end || compare(from[i], from[j]) <= 0) ? from[i++] : from[j++];
			}
		}
		[from, to] = [to, from];
	}
	if (from !== items) for (let k = 0; k < n; k++) items[k] = from[k];
	return items;
}
