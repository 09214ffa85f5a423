/**
 * Fixed-capacity first-in-first-out buffers ("rings") of numbers that also keep their values sorted, so
 * that the median and MAD of several rings pooled together need a merge instead of a selection. A push
 * costs O(capacity); rings are addressed by number and stored in shared typed arrays.
 */
export class SortedRings {
	private readonly fifo: Float64Array;
	private readonly sorted: Float64Array;
	private readonly head: Int32Array;
	private readonly sizes: Int32Array;
	private readonly merged: Float64Array;
	private readonly mergeScratch: Float64Array;
	/** Median and raw MAD of the last {@link pooledMedianAndMad} call (metric units). */
	median = NaN;
	mad = NaN;

	/**
	 * @param ringCount number of rings
	 * @param depth storage per ring (at least the largest capacity)
	 * @param capacities capacity of each ring (≤ depth)
	 * @param maxPooled most rings pooled in one call
	 */
	constructor(
		ringCount: number,
		private readonly depth: number,
		private readonly capacities: Int32Array,
		maxPooled: number,
	) {
		this.fifo = new Float64Array(ringCount * depth);
		this.sorted = new Float64Array(ringCount * depth);
		this.head = new Int32Array(ringCount);
		this.sizes = new Int32Array(ringCount);
		this.merged = new Float64Array(maxPooled * depth);
		this.mergeScratch = new Float64Array(maxPooled * depth);
	}

	/** Number of values in `ring`. */
	size(ring: number): number {
		return this.sizes[ring];
	}

	/** Appends `value` to `ring`, dropping its oldest value when full. */
	push(ring: number, value: number): void {
		const base = ring * this.depth;
		const capacity = this.capacities[ring];
		let size = this.sizes[ring];
		const sorted = this.sorted;
		if (size === capacity) {
			const evicted = this.fifo[base + this.head[ring]];
			let at = base;
			while (sorted[at] !== evicted) at++;
			const end = base + size - 1;
			for (; at < end; at++) sorted[at] = sorted[at + 1];
			size--;
		}
		let at = base + size;
		while (at > base && sorted[at - 1] > value) {
			sorted[at] = sorted[at - 1];
			at--;
		}
		sorted[at] = value;
		this.sizes[ring] = size + 1;
		this.fifo[base + this.head[ring]] = value;
		this.head[ring] = (this.head[ring] + 1) % capacity;
	}

	/**
	 * Median and median absolute deviation (raw, unscaled) of the values of `rings[0..count)` pooled,
	 * stored in {@link median} and {@link mad}; both `NaN` when the rings are empty. Returns the number
	 * of pooled values.
	 */
	pooledMedianAndMad(rings: Int32Array, count: number): number {
		let m = 0;
		let merged = this.merged;
		let scratch = this.mergeScratch;
		for (let r = 0; r < count; r++) {
			const base = rings[r] * this.depth;
			const size = this.sizes[rings[r]];
			if (size === 0) continue;
			// Merge the ring's sorted values into the sorted pool so far.
			let a = 0;
			let b = base;
			const bEnd = base + size;
			let out = 0;
			while (a < m && b < bEnd) scratch[out++] = merged[a] <= this.sorted[b] ? merged[a++] : this.sorted[b++];
			while (a < m) scratch[out++] = merged[a++];
			while (b < bEnd) scratch[out++] = this.sorted[b++];
			m = out;
			const swap = merged;
			merged = scratch;
			scratch = swap;
		}
		const stats = medianAndMadOfSorted(merged, m);
		this.median = stats[0];
		this.mad = stats[1];
		return m;
	}
}

const result = new Float64Array(2);

/**
 * Median and median absolute deviation (raw) of `sorted[0..length)`, which must be ascending: the
 * deviations below and above the median form two ascending runs, merged only as far as their middle.
 * Returns a shared two-element array [median, mad] (both `NaN` when empty) — copy it before the next call.
 */
export function medianAndMadOfSorted(sorted: Float64Array, length: number): Float64Array {
	if (length === 0) {
		result[0] = NaN;
		result[1] = NaN;
		return result;
	}
	const half = length >> 1;
	const median = length % 2 === 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
	// Deviations: left run median − sorted[i] for i = half−1 … 0 (ascending), right run sorted[j] − median
	// for j = half … length−1 (ascending), with the middle element in the right run for odd lengths.
	let left = half - 1;
	let right = half;
	let kth = 0;
	let previous = 0;
	for (let taken = 0; taken <= half; taken++) {
		const fromLeft = left >= 0 ? median - sorted[left] : Infinity;
		const fromRight = right < length ? sorted[right] - median : Infinity;
		previous = kth;
		if (fromLeft <= fromRight) {
			kth = fromLeft;
			left--;
		} else {
			kth = fromRight;
			right++;
		}
	}
	result[0] = median;
	result[1] = length % 2 === 1 ? kth : (previous + kth) / 2;
	return result;
}
