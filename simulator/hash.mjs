/**
 * Deterministic 32-bit hashing and a tiny PRNG. The simulator never uses Math.random for data: every
 * value is a pure function of the seed and the position (slot, agent, contact) it describes.
 */

/** Mixes one 32-bit integer into a well-distributed 32-bit unsigned integer (lowbias32). */
export function mix32(value) {
	let x = value >>> 0;
	x ^= x >>> 16;
	x = Math.imul(x, 0x7feb352d);
	x ^= x >>> 15;
	x = Math.imul(x, 0x846ca68b);
	x ^= x >>> 16;
	return x >>> 0;
}

/** Hashes a list of integers (each may exceed 32 bits, up to 2^53) into a 32-bit unsigned integer. */
export function hashInts(...values) {
	let h = 0x9e3779b9;
	for (const value of values) {
		const low = value >>> 0;
		const high = Math.floor(value / 4294967296) >>> 0;
		h = mix32(h ^ low);
		h = mix32(h ^ high ^ 0x85ebca6b);
	}
	return h;
}

/**
 * The same as `hashInts(a, b, c, d)` for four integers below 2^32, without the rest-argument overhead:
 * this one runs once per agent and slot, millions of times per query.
 */
export function hash4(a, b, c, d) {
	let h = 0x9e3779b9;
	h = mix32(mix32(h ^ a) ^ 0x85ebca6b);
	h = mix32(mix32(h ^ b) ^ 0x85ebca6b);
	h = mix32(mix32(h ^ c) ^ 0x85ebca6b);
	h = mix32(mix32(h ^ d) ^ 0x85ebca6b);
	return h;
}

/** A uniform number in [0, 1) from a list of integers. */
export function unitFromInts(...values) {
	return hashInts(...values) / 4294967296;
}

/**
 * A small, fast PRNG (mulberry32) for drawing the several fields of one contact from a single hashed
 * state. Returns a function that yields uniform numbers in [0, 1).
 */
export function createRandom(state) {
	let a = state >>> 0;
	return function next() {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
