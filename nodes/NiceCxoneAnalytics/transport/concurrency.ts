/**
 * Runs `task(index)` for every index in `[from, to)`, at most `concurrency` at once. Indexes are handed
 * out one at a time, so no list of them is built however large `to` is; the first task that fails
 * fails the whole (the others still running finish their current task).
 */
export async function forEachConcurrently(
	from: number,
	to: number,
	concurrency: number,
	task: (index: number) => Promise<void>,
): Promise<void> {
	let next = from;
	const worker = async () => {
		while (next < to) await task(next++);
	};
	await Promise.all(Array.from({ length: Math.max(0, Math.min(concurrency, to - from)) }, worker));
}
