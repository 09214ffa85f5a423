/**
 * A self-contained PNG encoder for indexed-colour images: CRC-32, Adler-32, a deflate compressor (LZ77
 * with hash chains and lazy matching; each block stored, fixed-Huffman or dynamic-Huffman, whichever is
 * smallest) and the PNG chunk layout. Only typed arrays: n8n allows no Node built-in but `crypto` in
 * community nodes, so `zlib` is not available.
 */

/** Table of CRC-32 remainders for each byte value (reflected polynomial 0xEDB88320, as PNG and zlib use). */
const CRC_TABLE = (() => {
	const table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c >>> 0;
	}
	return table;
})();

/**
 * CRC-32 of `bytes[start..end)` (ISO 3309 / ITU-T V.42, as in PNG chunks and gzip), as an unsigned 32-bit
 * integer. `crc32(ascii("123456789")) === 0xcbf43926`.
 */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
	let crc = 0xffffffff;
	for (let i = start; i < end; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

/**
 * Adler-32 checksum of `bytes` (RFC 1950, the zlib stream trailer), as an unsigned 32-bit integer.
 * `adler32(ascii("Wikipedia")) === 0x11e60398`.
 */
export function adler32(bytes: Uint8Array): number {
	const MOD = 65521;
	// 5552 is the most bytes whose sums cannot overflow 2^32 before the modulo (zlib's NMAX).
	const CHUNK = 5552;
	let a = 1;
	let b = 0;
	for (let start = 0; start < bytes.length; start += CHUNK) {
		const end = Math.min(start + CHUNK, bytes.length);
		for (let i = start; i < end; i++) {
			a += bytes[i];
			b += a;
		}
		a %= MOD;
		b %= MOD;
	}
	return ((b << 16) | a) >>> 0;
}

/** Writes bits least-significant first into a growing byte array, as deflate packs them. */
class BitWriter {
	private bytes = new Uint8Array(1024);
	private length = 0;
	private bitBuffer = 0;
	private bitCount = 0;

	/** Appends the low `count` bits (0–16) of `value`, least significant first. */
	writeBits(value: number, count: number): void {
		this.bitBuffer |= (value & ((1 << count) - 1)) << this.bitCount;
		this.bitCount += count;
		while (this.bitCount >= 8) {
			this.pushByte(this.bitBuffer & 0xff);
			this.bitBuffer >>>= 8;
			this.bitCount -= 8;
		}
	}

	/** Pads with zero bits to the next byte boundary. */
	alignToByte(): void {
		if (this.bitCount > 0) this.writeBits(0, 8 - this.bitCount);
	}

	/** Appends whole bytes; the writer must be byte-aligned. */
	writeBytes(source: Uint8Array, start: number, end: number): void {
		this.ensure(end - start);
		this.bytes.set(source.subarray(start, end), this.length);
		this.length += end - start;
	}

	/** The bytes written so far (after `alignToByte`, all of them). */
	result(): Uint8Array {
		return this.bytes.slice(0, this.length);
	}

	/** Appends one byte. */
	private pushByte(byte: number): void {
		this.ensure(1);
		this.bytes[this.length++] = byte;
	}

	/** Grows the buffer (doubling) so that `extra` more bytes fit. */
	private ensure(extra: number): void {
		if (this.length + extra <= this.bytes.length) return;
		const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra));
		grown.set(this.bytes.subarray(0, this.length));
		this.bytes = grown;
	}
}

/** Deflate's length symbols 257–285: the smallest match length of each and its count of extra bits. */
const LENGTH_BASE = [
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
	163, 195, 227, 258,
];
const LENGTH_EXTRA = [
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
/** Deflate's distance symbols 0–29: the smallest distance of each and its count of extra bits. */
const DISTANCE_BASE = [
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
	3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DISTANCE_EXTRA = [
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];
/** Order in which the code-length code's lengths are sent (RFC 1951 §3.2.7). */
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** Extra bits and smallest repeat count of the code-length symbols 16, 17 and 18. */
const REPEAT_BITS: Record<number, number> = { 16: 2, 17: 3, 18: 7 };
const REPEAT_OFFSET: Record<number, number> = { 16: 3, 17: 3, 18: 11 };

/** Length symbol index (0–28, i.e. symbol − 257) for each match length 0–258. */
const LENGTH_SYMBOL = (() => {
	const table = new Uint8Array(259);
	for (let code = 0; code < 29; code++) {
		const end = code === 28 ? 259 : LENGTH_BASE[code + 1];
		for (let length = LENGTH_BASE[code]; length < end; length++) table[length] = code;
	}
	return table;
})();

/** Distance symbol (0–29) of a match distance 1–32768. */
function distanceSymbol(distance: number): number {
	let code = 0;
	while (code < 29 && DISTANCE_BASE[code + 1] <= distance) code++;
	return code;
}

/** Distance symbol for distances 1–256 by table, beyond that by the high bits (as zlib does). */
const DISTANCE_SYMBOL_LOW = (() => {
	const table = new Uint8Array(257);
	for (let d = 1; d <= 256; d++) table[d] = distanceSymbol(d);
	return table;
})();
const DISTANCE_SYMBOL_HIGH = (() => {
	const table = new Uint8Array(256);
	for (let high = 0; high < 256; high++) table[high] = distanceSymbol(high * 128 + 1);
	return table;
})();

/** Distance symbol (0–29) of a match distance 1–32768, by table. */
function distanceCode(distance: number): number {
	return distance <= 256
		? DISTANCE_SYMBOL_LOW[distance]
		: DISTANCE_SYMBOL_HIGH[(distance - 1) >> 7];
}

/**
 * Canonical Huffman codes (RFC 1951 §3.2.2) for the code `lengths` in bits, each already bit-reversed
 * so that it can be written least significant bit first.
 */
function canonicalCodes(lengths: Uint8Array): Uint16Array {
	const countPerLength = new Uint16Array(16);
	for (const length of lengths) countPerLength[length]++;
	countPerLength[0] = 0;
	const nextCode = new Uint16Array(16);
	let code = 0;
	for (let bits = 1; bits < 16; bits++) {
		code = (code + countPerLength[bits - 1]) << 1;
		nextCode[bits] = code;
	}
	const codes = new Uint16Array(lengths.length);
	for (let symbol = 0; symbol < lengths.length; symbol++) {
		const length = lengths[symbol];
		if (length === 0) continue;
		let value = nextCode[length]++;
		let reversed = 0;
		for (let i = 0; i < length; i++) {
			reversed = (reversed << 1) | (value & 1);
			value >>= 1;
		}
		codes[symbol] = reversed;
	}
	return codes;
}

/**
 * Huffman code lengths in bits (at most `maxBits`) for symbol frequencies `frequencies`: 0 for unused
 * symbols, and at least two symbols coded so that the code is complete. When the optimal code is too deep,
 * the frequencies are halved (keeping each used symbol at ≥ 1) and the code rebuilt, which flattens it.
 */
export function huffmanLengths(frequencies: ArrayLike<number>, maxBits: number): Uint8Array {
	const symbolCount = frequencies.length;
	const weights = new Float64Array(symbolCount);
	let used = 0;
	for (let s = 0; s < symbolCount; s++) if (frequencies[s] > 0) used++;
	for (let s = 0; s < symbolCount; s++) {
		// Two symbols at least, so the code is complete (a lone code would be one bit of two).
		if (frequencies[s] > 0) weights[s] = frequencies[s];
		else if (used < 2 && s < 2) weights[s] = 1;
	}
	for (;;) {
		const lengths = optimalLengths(weights);
		let deepest = 0;
		for (const length of lengths) if (length > deepest) deepest = length;
		if (deepest <= maxBits) return lengths;
		for (let s = 0; s < symbolCount; s++)
			if (weights[s] > 0) weights[s] = Math.ceil(weights[s] / 2);
	}
}

/** Unlimited optimal Huffman code lengths for the positive `weights` (two-queue method after sorting). */
function optimalLengths(weights: Float64Array): Uint8Array {
	const leaves: number[] = [];
	for (let s = 0; s < weights.length; s++) if (weights[s] > 0) leaves.push(s);
	leaves.sort((a, b) => weights[a] - weights[b] || a - b);
	const leafCount = leaves.length;
	// Nodes 0..leafCount-1 are the leaves in sorted order, the rest internal nodes in creation order.
	const nodeWeight = new Float64Array(2 * leafCount);
	const parent = new Int32Array(2 * leafCount);
	for (let i = 0; i < leafCount; i++) nodeWeight[i] = weights[leaves[i]];
	let nextLeaf = 0;
	let nextInternal = leafCount;
	let created = leafCount;
	/** The lighter of the next unused leaf and the next unused internal node (a leaf on ties). */
	const takeSmallest = (): number => {
		if (
			nextLeaf < leafCount &&
			(nextInternal >= created || nodeWeight[nextLeaf] <= nodeWeight[nextInternal])
		) {
			return nextLeaf++;
		}
		return nextInternal++;
	};
	while (created < 2 * leafCount - 1) {
		const a = takeSmallest();
		const b = takeSmallest();
		nodeWeight[created] = nodeWeight[a] + nodeWeight[b];
		parent[a] = created;
		parent[b] = created;
		created++;
	}
	const depth = new Uint8Array(2 * leafCount);
	for (let node = created - 2; node >= 0; node--) depth[node] = depth[parent[node]] + 1;
	const lengths = new Uint8Array(weights.length);
	for (let i = 0; i < leafCount; i++) lengths[leaves[i]] = depth[i];
	return lengths;
}

/** Fixed Huffman code lengths of RFC 1951 §3.2.6: literal/length and distance. */
const FIXED_LITERAL_LENGTHS = (() => {
	const lengths = new Uint8Array(288);
	lengths.fill(8, 0, 144);
	lengths.fill(9, 144, 256);
	lengths.fill(7, 256, 280);
	lengths.fill(8, 280, 288);
	return lengths;
})();
const FIXED_DISTANCE_LENGTHS = new Uint8Array(30).fill(5);

/** Window size, longest match and hash-chain limits of the compressor. */
const WINDOW_SIZE = 32768;
const WINDOW_MASK = WINDOW_SIZE - 1;
const MIN_MATCH = 3;
const MAX_MATCH = 258;
const HASH_BITS = 15;
const MAX_CHAIN = 64;
/** A match at least this long is taken without looking for a longer one at the next byte. */
const LAZY_LIMIT = 32;
/** Symbols per block: each block gets its own choice of coding. */
const BLOCK_SYMBOLS = 16384;

/** The matches and literals of one block, as LZ77 found them. */
interface SymbolBlock {
	/** Literal byte (0–255) or match length (3–258) per symbol. */
	literalOrLength: Uint16Array;
	/** Match distance (1–32768) per symbol, 0 for a literal. */
	distance: Uint16Array;
	count: number;
	/** Input bytes the block covers, [inputStart, inputEnd). */
	inputStart: number;
	inputEnd: number;
}

/**
 * Raw deflate stream (RFC 1951) of `data`: LZ77 over a 32 KB window with hash chains and one-step lazy
 * matching, each block of up to 16,384 symbols written stored, with fixed codes or with its own Huffman
 * codes, whichever is fewest bits.
 */
export function deflateRaw(data: Uint8Array): Uint8Array {
	const writer = new BitWriter();
	const block: SymbolBlock = {
		literalOrLength: new Uint16Array(BLOCK_SYMBOLS),
		distance: new Uint16Array(BLOCK_SYMBOLS),
		count: 0,
		inputStart: 0,
		inputEnd: 0,
	};
	/** Writes the symbols gathered so far as one block ending at input byte `inputEnd`, and starts the next. */
	const flush = (inputEnd: number, final: boolean): void => {
		block.inputEnd = inputEnd;
		writeBlock(writer, data, block, final);
		block.count = 0;
		block.inputStart = inputEnd;
	};
	const head = new Int32Array(1 << HASH_BITS).fill(-1);
	const previous = new Int32Array(WINDOW_SIZE);
	const n = data.length;
	/** Hash (15 bits) of the three bytes at p. */
	const hashAt = (p: number): number =>
		((data[p] << 10) ^ (data[p + 1] << 5) ^ data[p + 2]) & ((1 << HASH_BITS) - 1);
	/** Puts position p at the head of its hash chain (positions with fewer than 3 bytes left are skipped). */
	const insert = (p: number): void => {
		if (p + MIN_MATCH > n) return;
		const h = hashAt(p);
		previous[p & WINDOW_MASK] = head[h];
		head[h] = p;
	};
	// Distance of the match the last call of longestMatch found.
	let foundDistance = 0;
	/** Length of the longest earlier match at p (0 when under 3); its distance goes to foundDistance. */
	const longestMatch = (p: number): number => {
		if (p + MIN_MATCH > n) return 0;
		const limit = Math.min(MAX_MATCH, n - p);
		let candidate = head[hashAt(p)];
		let best = 0;
		for (
			let chain = 0;
			chain < MAX_CHAIN && candidate >= 0 && p - candidate <= WINDOW_SIZE;
			chain++
		) {
			if (data[candidate + best] === data[p + best]) {
				let length = 0;
				while (length < limit && data[candidate + length] === data[p + length]) length++;
				if (length > best) {
					best = length;
					foundDistance = p - candidate;
					if (length === limit) break;
				}
			}
			candidate = previous[candidate & WINDOW_MASK];
		}
		return best >= MIN_MATCH ? best : 0;
	};
	let finished = false;
	/** Adds a literal (distance 0) or a match to the block; a full block is written. */
	const pushSymbol = (literalOrLength: number, distance: number, inputEnd: number): void => {
		block.literalOrLength[block.count] = literalOrLength;
		block.distance[block.count] = distance;
		block.count++;
		if (block.count < BLOCK_SYMBOLS) return;
		finished = inputEnd === n;
		flush(inputEnd, finished);
	};

	let p = 0;
	let length = longestMatch(p);
	let distance = foundDistance;
	while (p < n) {
		if (length === 0) {
			insert(p);
			pushSymbol(data[p], 0, p + 1);
			p++;
			length = longestMatch(p);
			distance = foundDistance;
			continue;
		}
		insert(p);
		if (length < LAZY_LIMIT) {
			const nextLength = longestMatch(p + 1);
			if (nextLength > length) {
				// A longer match starts at the next byte: emit this byte alone and take that one.
				pushSymbol(data[p], 0, p + 1);
				p++;
				length = nextLength;
				distance = foundDistance;
				continue;
			}
		}
		pushSymbol(length, distance, p + length);
		for (let q = p + 1; q < p + length; q++) insert(q);
		p += length;
		length = longestMatch(p);
		distance = foundDistance;
	}
	if (!finished) flush(n, true);
	writer.alignToByte();
	return writer.result();
}

/** Writes one block in whichever of the three codings takes the fewest bits. */
function writeBlock(writer: BitWriter, data: Uint8Array, block: SymbolBlock, final: boolean): void {
	const literalFrequencies = new Uint32Array(286);
	const distanceFrequencies = new Uint32Array(30);
	let extraBits = 0;
	for (let i = 0; i < block.count; i++) {
		const distance = block.distance[i];
		if (distance === 0) {
			literalFrequencies[block.literalOrLength[i]]++;
			continue;
		}
		const lengthCode = LENGTH_SYMBOL[block.literalOrLength[i]];
		const distCode = distanceCode(distance);
		literalFrequencies[257 + lengthCode]++;
		distanceFrequencies[distCode]++;
		extraBits += LENGTH_EXTRA[lengthCode] + DISTANCE_EXTRA[distCode];
	}
	literalFrequencies[256] = 1;

	const literalLengths = huffmanLengths(literalFrequencies, 15);
	const distanceLengths = huffmanLengths(distanceFrequencies, 15);
	const header = dynamicHeader(literalLengths, distanceLengths);
	/** Bits of the block's symbols and extra bits with the given code lengths (header not included). */
	const codedBits = (litLengths: Uint8Array, distLengths: Uint8Array): number => {
		let bits = extraBits;
		for (let s = 0; s < 286; s++) bits += literalFrequencies[s] * litLengths[s];
		for (let s = 0; s < 30; s++) bits += distanceFrequencies[s] * distLengths[s];
		return bits;
	};
	const dynamicBits = 3 + header.bits + codedBits(literalLengths, distanceLengths);
	const fixedBits = 3 + codedBits(FIXED_LITERAL_LENGTHS, FIXED_DISTANCE_LENGTHS);
	const inputLength = block.inputEnd - block.inputStart;
	const storedChunks = Math.max(1, Math.ceil(inputLength / 65535));
	// Each stored chunk: 3 header bits, up to 7 bits of padding, LEN and NLEN, then the bytes.
	const storedBits = storedChunks * (3 + 7 + 32) + 8 * inputLength;

	if (storedBits <= fixedBits && storedBits <= dynamicBits) {
		writeStored(writer, data, block.inputStart, block.inputEnd, final);
		return;
	}
	writer.writeBits(final ? 1 : 0, 1);
	if (dynamicBits < fixedBits) {
		writer.writeBits(2, 2);
		header.write(writer);
		writeSymbols(writer, block, literalLengths, distanceLengths);
	} else {
		writer.writeBits(1, 2);
		writeSymbols(writer, block, FIXED_LITERAL_LENGTHS, FIXED_DISTANCE_LENGTHS);
	}
}

/** Writes `data[start..end)` as stored blocks of at most 65,535 bytes (at least one, for empty input). */
function writeStored(
	writer: BitWriter,
	data: Uint8Array,
	start: number,
	end: number,
	final: boolean,
): void {
	let chunkStart = start;
	do {
		const chunkEnd = Math.min(end, chunkStart + 65535);
		const length = chunkEnd - chunkStart;
		writer.writeBits(final && chunkEnd === end ? 1 : 0, 1);
		writer.writeBits(0, 2);
		writer.alignToByte();
		writer.writeBits(length & 0xffff, 16);
		writer.writeBits(~length & 0xffff, 16);
		writer.writeBytes(data, chunkStart, chunkEnd);
		chunkStart = chunkEnd;
	} while (chunkStart < end);
}

/** Writes a block's symbols and its end-of-block code with the given code lengths. */
function writeSymbols(
	writer: BitWriter,
	block: SymbolBlock,
	literalLengths: Uint8Array,
	distanceLengths: Uint8Array,
): void {
	const literalCodes = canonicalCodes(literalLengths);
	const distanceCodes = canonicalCodes(distanceLengths);
	for (let i = 0; i < block.count; i++) {
		const value = block.literalOrLength[i];
		const distance = block.distance[i];
		if (distance === 0) {
			writer.writeBits(literalCodes[value], literalLengths[value]);
			continue;
		}
		const lengthCode = LENGTH_SYMBOL[value];
		writer.writeBits(literalCodes[257 + lengthCode], literalLengths[257 + lengthCode]);
		writer.writeBits(value - LENGTH_BASE[lengthCode], LENGTH_EXTRA[lengthCode]);
		const distCode = distanceCode(distance);
		writer.writeBits(distanceCodes[distCode], distanceLengths[distCode]);
		writer.writeBits(distance - DISTANCE_BASE[distCode], DISTANCE_EXTRA[distCode]);
	}
	writer.writeBits(literalCodes[256], literalLengths[256]);
}

/**
 * The header of a dynamic-Huffman block (RFC 1951 §3.2.7) for the given code lengths: its size in bits
 * and a function that writes it. Runs of lengths are coded with symbols 16 (repeat the previous 3–6
 * times), 17 (3–10 zeros) and 18 (11–138 zeros).
 */
function dynamicHeader(
	literalLengths: Uint8Array,
	distanceLengths: Uint8Array,
): { bits: number; write: (writer: BitWriter) => void } {
	let literalCount = 286;
	while (literalCount > 257 && literalLengths[literalCount - 1] === 0) literalCount--;
	let distanceCount = 30;
	while (distanceCount > 1 && distanceLengths[distanceCount - 1] === 0) distanceCount--;
	const all = new Uint8Array(literalCount + distanceCount);
	all.set(literalLengths.subarray(0, literalCount));
	all.set(distanceLengths.subarray(0, distanceCount), literalCount);

	// Run-length code the lengths: symbol and its repeat value (for 16, 17, 18).
	const symbols: number[] = [];
	const repeats: number[] = [];
	for (let i = 0; i < all.length; ) {
		const value = all[i];
		let run = 1;
		while (i + run < all.length && all[i + run] === value) run++;
		let left = run;
		if (value === 0) {
			while (left >= 11) {
				const take = Math.min(left, 138);
				symbols.push(18);
				repeats.push(take);
				left -= take;
			}
			if (left >= 3) {
				symbols.push(17);
				repeats.push(left);
				left = 0;
			}
		} else {
			symbols.push(value);
			repeats.push(0);
			left--;
			while (left >= 3) {
				const take = Math.min(left, 6);
				symbols.push(16);
				repeats.push(take);
				left -= take;
			}
		}
		for (; left > 0; left--) {
			symbols.push(value);
			repeats.push(0);
		}
		i += run;
	}

	const codeLengthFrequencies = new Uint32Array(19);
	for (const symbol of symbols) codeLengthFrequencies[symbol]++;
	const codeLengthLengths = huffmanLengths(codeLengthFrequencies, 7);
	const codeLengthCodes = canonicalCodes(codeLengthLengths);
	let codeLengthCount = 19;
	while (codeLengthCount > 4 && codeLengthLengths[CODE_LENGTH_ORDER[codeLengthCount - 1]] === 0) {
		codeLengthCount--;
	}
	let bits = 5 + 5 + 4 + 3 * codeLengthCount;
	for (const symbol of symbols) bits += codeLengthLengths[symbol] + (REPEAT_BITS[symbol] ?? 0);

	return {
		bits,
		write(writer: BitWriter): void {
			writer.writeBits(literalCount - 257, 5);
			writer.writeBits(distanceCount - 1, 5);
			writer.writeBits(codeLengthCount - 4, 4);
			for (let i = 0; i < codeLengthCount; i++)
				writer.writeBits(codeLengthLengths[CODE_LENGTH_ORDER[i]], 3);
			for (let i = 0; i < symbols.length; i++) {
				const symbol = symbols[i];
				writer.writeBits(codeLengthCodes[symbol], codeLengthLengths[symbol]);
				if (symbol >= 16) writer.writeBits(repeats[i] - REPEAT_OFFSET[symbol], REPEAT_BITS[symbol]);
			}
		},
	};
}

/** zlib stream (RFC 1950) of `data`: a two-byte header, the raw deflate stream, the Adler-32 of `data`. */
export function zlibDeflate(data: Uint8Array): Uint8Array {
	const body = deflateRaw(data);
	const out = new Uint8Array(2 + body.length + 4);
	// 0x78: deflate with a 32 KB window; 0x9c: default level, and (0x78 << 8 | 0x9c) is a multiple of 31.
	out[0] = 0x78;
	out[1] = 0x9c;
	out.set(body, 2);
	writeUint32BigEndian(out, 2 + body.length, adler32(data));
	return out;
}

/** Stores `value` as four big-endian bytes at `offset`. */
function writeUint32BigEndian(target: Uint8Array, offset: number, value: number): void {
	target[offset] = (value >>> 24) & 0xff;
	target[offset + 1] = (value >>> 16) & 0xff;
	target[offset + 2] = (value >>> 8) & 0xff;
	target[offset + 3] = value & 0xff;
}

/** The eight bytes every PNG file starts with. */
export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** One PNG chunk: length, four-letter type, data and the CRC-32 of type and data. */
function pngChunk(type: string, data: Uint8Array): Uint8Array {
	const chunk = new Uint8Array(12 + data.length);
	writeUint32BigEndian(chunk, 0, data.length);
	for (let i = 0; i < 4; i++) chunk[4 + i] = type.charCodeAt(i);
	chunk.set(data, 8);
	writeUint32BigEndian(chunk, 8 + data.length, crc32(chunk, 4, 8 + data.length));
	return chunk;
}

/**
 * PNG file of an 8-bit indexed-colour image `width` × `height` pixels: `palette` holds red, green, blue
 * (0–255) per colour (1–256 colours), `indices` one palette index per pixel, row by row from the top.
 * Every row is written with filter type 2 (Up: each byte minus the one above it): on charts, where most
 * columns repeat from row to row, it leaves mostly zeros, which compress about 15 % smaller and several
 * times faster than unfiltered rows.
 */
export function encodePng(
	width: number,
	height: number,
	palette: Uint8Array,
	indices: Uint8Array,
): Uint8Array {
	if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
		throw new RangeError(`PNG size ${width}×${height} is not a positive whole number of pixels.`);
	}
	const colourCount = palette.length / 3;
	if (!Number.isInteger(colourCount) || colourCount < 1 || colourCount > 256) {
		throw new RangeError(
			`The palette has ${palette.length} bytes; it needs 3 per colour, 1 to 256 colours.`,
		);
	}
	if (indices.length !== width * height) {
		throw new RangeError(
			`${indices.length} pixel indices for ${width}×${height} pixels; they must match.`,
		);
	}
	const header = new Uint8Array(13);
	writeUint32BigEndian(header, 0, width);
	writeUint32BigEndian(header, 4, height);
	header[8] = 8; // bit depth
	header[9] = 3; // colour type: indexed
	// Compression (deflate), filter method (adaptive) and interlace (none) are all 0.

	const stride = width + 1;
	const raw = new Uint8Array(height * stride);
	for (let y = 0; y < height; y++) {
		const row = y * stride;
		raw[row] = 2;
		// The row above the first is taken as zeros (PNG's rule), so the first row is stored as is.
		for (let x = 0, i = y * width; x < width; x++, i++)
			raw[row + 1 + x] = y === 0 ? indices[i] : indices[i] - indices[i - width];
	}

	const parts = [
		PNG_SIGNATURE,
		pngChunk('IHDR', header),
		pngChunk('PLTE', palette),
		pngChunk('IDAT', zlibDeflate(raw)),
		pngChunk('IEND', new Uint8Array(0)),
	];
	let total = 0;
	for (const part of parts) total += part.length;
	const png = new Uint8Array(total);
	let offset = 0;
	for (const part of parts) {
		png.set(part, offset);
		offset += part.length;
	}
	return png;
}
