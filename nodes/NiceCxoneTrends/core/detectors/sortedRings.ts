/**
 * Fixed-capacity first-in-first-out buffers ("rings") of numbers that also keep their values sorted and
 * the median and MAD of each ring (brought up to date by {@link SortedRings.refresh} after pushes). A
 * detector that pushes each bucket into the ring of its time-of-day slot thus gets per-slot order
 * statistics once per new value instead of once per look-up. A push or refresh costs O(capacity); rings
 * are addressed by number and stored in shared typed arrays.
 */
export class SortedRings {
	private readonly fifo: Float64Array;
	private readonly sorted: Float64Array;
	private readonly head: Int32Array;
	private readonly sizes: Int32Array;
	private readonly stale: Uint8Array;
	/** Median of each ring's values (metric units) as of its last refresh; `NaN` before. */
	readonly median: Float64Array;
	/** Median absolute deviation (raw, unscaled) of each ring's values from its median, as of its last refresh. */
	readonly mad: Float64Array;

	/**
	 * @param ringCount number of rings
	 * @param depth storage per ring (at least the largest capacity)
	 * @param capacities capacity of each ring (1 … depth)
	 */
	constructor(
		ringCount: number,
		private readonly depth: number,
		private readonly capacities: Int32Array,
	) {
		this.fifo = new Float64Array(ringCount * depth);
		this.sorted = new Float64Array(ringCount * depth);
		this.head = new Int32Array(ringCount);
		this.sizes = new Int32Array(ringCount);
		this.stale = new Uint8Array(ringCount);
		this.median = new Float64Array(ringCount).fill(NaN);
		this.mad = new Float64Array(ringCount).fill(NaN);
	}

	/** Number of values in `ring`. */
	size(ring: number): number {
		return this.sizes[ring];
	}

	/**
	 * Appends `value` (finite) to `ring`, dropping its oldest value when full. Returns the value dropped
	 * (`NaN`: none), for {@link unpush}.
	 */
	push(ring: number, value: number): number {
		const base = ring * this.depth;
		const capacity = this.capacities[ring];
		const head = this.head[ring];
		let evicted = NaN;
		if (this.sizes[ring] === capacity) {
			evicted = this.fifo[base + head];
			this.removeSorted(ring, evicted);
		}
		this.insertSorted(ring, value);
		this.fifo[base + head] = value;
		this.head[ring] = (head + 1) % capacity;
		return evicted;
	}

	/**
	 * Takes back the newest push to `ring`: its value leaves, and `evicted`, the value that push returned,
	 * is the oldest again. Pushes are taken back newest first, with the rings unscaled since.
	 */
	unpush(ring: number, evicted: number): void {
		const base = ring * this.depth;
		const capacity = this.capacities[ring];
		const head = (this.head[ring] - 1 + capacity) % capacity;
		this.removeSorted(ring, this.fifo[base + head]);
		if (evicted === evicted) {
			this.fifo[base + head] = evicted;
			this.insertSorted(ring, evicted);
		}
		this.head[ring] = head;
	}

	/** Removes one `value` (present) from the sorted values of `ring`. */
	private removeSorted(ring: number, value: number): void {
		const base = ring * this.depth;
		const sorted = this.sorted;
		let at = base;
		while (sorted[at] !== value) at++;
		const end = base + this.sizes[ring] - 1;
		for (; at < end; at++) sorted[at] = sorted[at + 1];
		this.sizes[ring]--;
		this.stale[ring] = 1;
	}

	/** Inserts `value` into the sorted values of `ring` (not full). */
	private insertSorted(ring: number, value: number): void {
		const base = ring * this.depth;
		const sorted = this.sorted;
		let at = base + this.sizes[ring];
		while (at > base && sorted[at - 1] > value) {
			sorted[at] = sorted[at - 1];
			at--;
		}
		sorted[at] = value;
		this.sizes[ring]++;
		this.stale[ring] = 1;
	}

	/** Multiplies every value of every ring by `factor` (positive, so every ring stays in order). */
	scaleAll(factor: number): void {
		const { fifo, sorted } = this;
		for (let j = 0; j < fifo.length; j++) {
			fifo[j] *= factor;
			sorted[j] *= factor;
		}
		this.stale.fill(1);
	}

	/** Multiplies the `count` newest values of `ring` (all of them, if it has fewer) by `factor` (positive). */
	scaleNewest(ring: number, count: number, factor: number): void {
		const base = ring * this.depth;
		const capacity = this.capacities[ring];
		const size = this.sizes[ring];
		for (let k = 1; k <= Math.min(count, size); k++)
			this.fifo[base + ((this.head[ring] - k + capacity) % capacity)] *= factor;
		const sorted = this.sorted.subarray(base, base + size);
		for (let k = 0; k < size; k++) sorted[k] = this.fifo[base + k];
		sorted.sort();
		this.stale[ring] = 1;
	}

	/** Brings the {@link median} and {@link mad} of `ring` up to date (computed lazily, after pushes). */
	refresh(ring: number): void {
		if (this.stale[ring] === 0) return;
		this.stale[ring] = 0;
		medianAndMadOfSorted(this.sorted, ring * this.depth, this.sizes[ring]);
		this.median[ring] = stats[0];
		this.mad[ring] = stats[1];
	}
}

const stats = new Float64Array(2);

/**
 * Median and median absolute deviation (raw) of `sorted[start..start + length)`, which must be ascending:
 * the deviations below and above the median form two ascending runs, merged only as far as their middle.
 * Returns a shared two-element array [median, mad] (both `NaN` when empty) — copy it before the next call.
 */
export function medianAndMadOfSorted(
	sorted: Float64Array,
	start: number,
	length: number,
): Float64Array {
	if (length === 0) {
		stats[0] = NaN;
		stats[1] = NaN;
		return stats;
	}
	const half = length >> 1;
	const mid = start + half;
	const median = length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
	// Deviations: left run median − sorted[i] for i = mid−1 … start (ascending), right run sorted[j] − median
	// for j = mid … end−1 (ascending), with the middle element in the right run for odd lengths.
	const end = start + length;
	let left = mid - 1;
	let right = mid;
	let kth = 0;
	let previous = 0;
	for (let taken = 0; taken <= half; taken++) {
		const fromLeft = left >= start ? median - sorted[left] : Infinity;
		const fromRight = right < end ? sorted[right] - median : Infinity;
		previous = kth;
		if (fromLeft <= fromRight) {
			kth = fromLeft;
			left--;
		} else {
			kth = fromRight;
			right++;
		}
	}
	stats[0] = median;
	stats[1] = length % 2 === 1 ? kth : (previous + kth) / 2;
	return stats;
}

/**
 * The finite values of a sliding range `values[from..to)` of a series, kept sorted. Moving the range by
 * one bucket costs a binary search and a block move (O(length) at native speed); any other move rebuilds
 * it by sorting. Gives the range's median, smallest and largest value.
 */
export class SlidingSortedWindow {
	private readonly sorted: Float64Array;
	private size = 0;
	private from = -1;
	private to = -1;

	constructor(length: number) {
		this.sorted = new Float64Array(length);
	}

	/** Number of finite values in the range. */
	get count(): number {
		return this.size;
	}

	/** Makes the window hold the finite values of `values[from..to)` (at most `length` of them). */
	cover(values: Float64Array, from: number, to: number): void {
		if (from === this.from + 1 && to === this.to + 1) {
			const leaving = values[this.from];
			if (leaving === leaving) this.remove(leaving);
			const entering = values[this.to];
			if (entering === entering) this.insert(entering);
		} else {
			let size = 0;
			for (let j = from; j < to; j++) if (values[j] === values[j]) this.sorted[size++] = values[j];
			this.sorted.subarray(0, size).sort();
			this.size = size;
		}
		this.from = from;
		this.to = to;
	}

	/** Median of the finite values; `NaN` when there are none. */
	median(): number {
		const size = this.size;
		if (size === 0) return NaN;
		const half = size >> 1;
		return size % 2 === 1 ? this.sorted[half] : (this.sorted[half - 1] + this.sorted[half]) / 2;
	}

	/** Smallest finite value; `NaN` when there are none. */
	smallest(): number {
		return this.size === 0 ? NaN : this.sorted[0];
	}

	/** Largest finite value; `NaN` when there are none. */
	largest(): number {
		return this.size === 0 ? NaN : this.sorted[this.size - 1];
	}

	/** First index whose value is not below `value`. */
	private lowerBound(value: number): number {
		let lo = 0;
		let hi = this.size;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (this.sorted[mid] < value) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	}

	private insert(value: number): void {
		const at = this.lowerBound(value);
		this.sorted.copyWithin(at + 1, at, this.size);
		this.sorted[at] = value;
		this.size++;
	}

	private remove(value: number): void {
		const at = this.lowerBound(value);
		this.sorted.copyWithin(at, at + 1, this.size);
		this.size--;
	}
}
