import {
	adler32,
	crc32,
	deflateRaw,
	encodePng,
	huffmanLengths,
	PNG_SIGNATURE,
	zlibDeflate,
} from '../../../../../nodes/NiceCxoneTrends/core/chart/png';
import { inflate, inflateRaw, zlibDeflatedLength } from './nodeZlib';
import { decodeIndexedPng, seededBytes } from './pngReader';

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** The 65,536 bytes of a de Bruijn sequence of order 2 over bytes: every pair of bytes once (FKM). */
function byteDeBruijn(): Uint8Array {
	const sequence: number[] = [];
	const word = [0, 0, 0];
	const extend = (t: number, p: number): void => {
		if (t > 2) {
			if (2 % p === 0) for (let i = 1; i <= p; i++) sequence.push(word[i]);
			return;
		}
		word[t] = word[t - p];
		extend(t + 1, p);
		for (let b = word[t - p] + 1; b < 256; b++) {
			word[t] = b;
			extend(t + 1, t);
		}
	};
	extend(1, 1);
	return Uint8Array.from(sequence);
}

describe('crc32', () => {
	it('gives the standard check value of "123456789"', () => {
		expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
	});
	it('is 0 for no bytes and covers only the range asked for', () => {
		expect(crc32(new Uint8Array(0))).toBe(0);
		expect(crc32(ascii('xx123456789yy'), 2, 11)).toBe(0xcbf43926);
	});
	it('gives the CRC of the IEND chunk every PNG ends with', () => {
		expect(crc32(ascii('IEND'))).toBe(0xae426082);
	});
});

describe('adler32', () => {
	it('gives the known checksum of "Wikipedia"', () => {
		expect(adler32(ascii('Wikipedia'))).toBe(0x11e60398);
	});
	it('is 1 for no bytes', () => {
		expect(adler32(new Uint8Array(0))).toBe(1);
	});
	it('agrees with zlib over a megabyte of 0xff (the modulo taken in time)', () => {
		const bytes = new Uint8Array(1 << 20).fill(0xff);
		const stream = zlibDeflate(bytes);
		const trailer = stream.subarray(stream.length - 4);
		expect(adler32(bytes)).toBe(
			((trailer[0] << 24) | (trailer[1] << 16) | (trailer[2] << 8) | trailer[3]) >>> 0,
		);
		expect(inflate(stream)).toEqual(bytes);
	});
});

describe('huffmanLengths', () => {
	const kraftSum = (lengths: Uint8Array): number => {
		let sum = 0;
		for (const length of lengths) if (length > 0) sum += 2 ** -length;
		return sum;
	};
	it('gives an optimal complete code', () => {
		expect(Array.from(huffmanLengths([1, 1, 2, 4], 15))).toEqual([3, 3, 2, 1]);
	});
	it('keeps within the limit for Fibonacci frequencies, whose optimal code is as deep as it gets', () => {
		const fibonacci = [1, 1];
		while (fibonacci.length < 30)
			fibonacci.push(fibonacci[fibonacci.length - 1] + fibonacci[fibonacci.length - 2]);
		const lengths = huffmanLengths(fibonacci, 15);
		expect(Math.max(...lengths)).toBeLessThanOrEqual(15);
		expect(kraftSum(lengths)).toBe(1);
	});
	it('codes two symbols when one or none is used, so the code is complete', () => {
		expect(kraftSum(huffmanLengths([0, 0, 0, 7], 15))).toBe(1);
		expect(Array.from(huffmanLengths([0, 0, 0], 7))).toEqual([1, 1, 0]);
	});
});

describe('deflate', () => {
	const roundTrips = (data: Uint8Array): Uint8Array => {
		const stream = zlibDeflate(data);
		expect(Buffer.compare(inflate(stream), data)).toBe(0);
		expect(Buffer.compare(inflateRaw(deflateRaw(data)), data)).toBe(0);
		return stream;
	};
	it('round-trips empty input', () => {
		expect(roundTrips(new Uint8Array(0)).length).toBeLessThanOrEqual(8);
	});
	it('round-trips short text and a single byte', () => {
		roundTrips(ascii('a'));
		roundTrips(ascii('Hello, hello, hello! Average handle time 312.4 s ± 20.'));
	});
	it('round-trips a megabyte of repetitive text and compresses it to a few kilobytes', () => {
		const sentence = 'Service level 80 % in 20 s; abandoned 4.2 %; handle time 312 s. ';
		const text = ascii(sentence.repeat(Math.ceil((1 << 20) / sentence.length)).slice(0, 1 << 20));
		expect(roundTrips(text).length).toBeLessThan(10_000);
	});
	it('has every pair of bytes once in the de Bruijn sequence it uses', () => {
		const pairs = byteDeBruijn();
		expect(pairs.length).toBe(65_536);
		const seen = new Set<number>();
		for (let i = 0; i + 1 < pairs.length; i++) seen.add(pairs[i] * 256 + pairs[i + 1]);
		expect(seen.size).toBe(65_535);
	});
	it('round-trips a megabyte of seeded random bytes, stored with little overhead', () => {
		const random = seededBytes(1 << 20, 12345);
		expect(roundTrips(random).length).toBeLessThan((1 << 20) * 1.001);
	});
	it('round-trips skewed random bytes (dynamic codes) and runs of every length', () => {
		const skewed = seededBytes(300_000, 7).map((b) => (b < 200 ? 65 + (b % 4) : b));
		expect(roundTrips(skewed).length).toBeLessThan(zlibDeflatedLength(skewed) * 1.1);
		const runs: number[] = [];
		for (let length = 1; length <= 600; length++)
			for (let i = 0; i < length; i++) runs.push(length & 0xff);
		roundTrips(Uint8Array.from(runs));
	});
	it('round-trips input whose symbols fill whole blocks of 16,384 exactly, and one more', () => {
		// A de Bruijn sequence of byte pairs repeats no pair, so no match: one literal symbol per byte.
		const pairs = byteDeBruijn();
		for (const length of [16_384, 2 * 16_384, 16_385]) roundTrips(pairs.subarray(0, length));
	});
	it('starts the zlib stream with a valid header', () => {
		const stream = zlibDeflate(ascii('x'));
		expect(stream[0]).toBe(0x78);
		expect(((stream[0] << 8) | stream[1]) % 31).toBe(0);
	});
});

describe('encodePng', () => {
	const palette = Uint8Array.of(255, 255, 255, 0, 0, 0, 200, 30, 40);
	const width = 37;
	const height = 23;
	const indices = new Uint8Array(width * height);
	for (let y = 0; y < height; y++)
		for (let x = 0; x < width; x++) indices[y * width + x] = (x * y + x) % 3;

	it('writes the signature, IHDR, PLTE, IDAT and IEND with correct CRCs, and the pixels back exactly', () => {
		const png = encodePng(width, height, palette, indices);
		expect(Array.from(png.subarray(0, 8))).toEqual(Array.from(PNG_SIGNATURE));
		const decoded = decodeIndexedPng(png);
		expect(decoded.chunkTypes).toEqual(['IHDR', 'PLTE', 'IDAT', 'IEND']);
		expect(decoded.badCrcChunks).toEqual([]);
		expect(decoded.width).toBe(width);
		expect(decoded.height).toBe(height);
		expect(decoded.bitDepth).toBe(8);
		expect(decoded.colourType).toBe(3);
		expect(decoded.compression).toBe(0);
		expect(decoded.filterMethod).toBe(0);
		expect(decoded.interlace).toBe(0);
		expect(decoded.rawLength).toBe(height * (1 + width));
		expect(Array.from(decoded.palette)).toEqual(Array.from(palette));
		expect(Array.from(decoded.indices)).toEqual(Array.from(indices));
	});
	it('refuses sizes, palettes and pixel counts that do not fit', () => {
		expect(() => encodePng(0, 1, palette, new Uint8Array(0))).toThrow(
			'not a positive whole number',
		);
		expect(() => encodePng(1, 1, Uint8Array.of(1, 2), new Uint8Array(1))).toThrow('3 per colour');
		expect(() => encodePng(2, 2, palette, new Uint8Array(3))).toThrow('must match');
	});
});
