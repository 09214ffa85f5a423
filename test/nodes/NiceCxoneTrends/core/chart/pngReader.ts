import { crc32 } from '../../../../../nodes/NiceCxoneTrends/core/chart/png';
import { inflate } from './nodeZlib';

/** An indexed-colour PNG as the tests read it back: header fields, palette, pixels and chunk checks. */
export interface DecodedPng {
	width: number;
	height: number;
	bitDepth: number;
	colourType: number;
	compression: number;
	filterMethod: number;
	interlace: number;
	palette: Uint8Array;
	/** One palette index per pixel, row by row, after un-filtering. */
	indices: Uint8Array;
	/** Length of the inflated IDAT data (filter bytes included). */
	rawLength: number;
	chunkTypes: string[];
	/** Types of the chunks whose stored CRC-32 is wrong. */
	badCrcChunks: string[];
}

const readUint32 = (bytes: Uint8Array, offset: number): number =>
	((bytes[offset] << 24) |
		(bytes[offset + 1] << 16) |
		(bytes[offset + 2] << 8) |
		bytes[offset + 3]) >>>
	0;

/** The Paeth predictor of PNG filter type 4. */
function paeth(left: number, up: number, upLeft: number): number {
	const estimate = left + up - upLeft;
	const toLeft = Math.abs(estimate - left);
	const toUp = Math.abs(estimate - up);
	const toUpLeft = Math.abs(estimate - upLeft);
	if (toLeft <= toUp && toLeft <= toUpLeft) return left;
	return toUp <= toUpLeft ? up : upLeft;
}

/**
 * Reads an 8-bit indexed-colour PNG with Node's zlib (tests may use it; the node code may not), undoing
 * all five filter types, so the encoder's choice of filters is checked rather than assumed.
 */
export function decodeIndexedPng(png: Uint8Array): DecodedPng {
	const chunkTypes: string[] = [];
	const badCrcChunks: string[] = [];
	const idat: Uint8Array[] = [];
	let header: Uint8Array = new Uint8Array(13);
	let palette: Uint8Array = new Uint8Array(0);
	for (let offset = 8; offset < png.length; ) {
		const length = readUint32(png, offset);
		const type = String.fromCharCode(...png.subarray(offset + 4, offset + 8));
		const data = png.subarray(offset + 8, offset + 8 + length);
		chunkTypes.push(type);
		if (crc32(png, offset + 4, offset + 8 + length) !== readUint32(png, offset + 8 + length))
			badCrcChunks.push(type);
		if (type === 'IHDR') header = data;
		if (type === 'PLTE') palette = data;
		if (type === 'IDAT') idat.push(data);
		offset += 12 + length;
	}
	const width = readUint32(header, 0);
	const height = readUint32(header, 4);
	let idatLength = 0;
	for (const part of idat) idatLength += part.length;
	const stream = new Uint8Array(idatLength);
	idatLength = 0;
	for (const part of idat) {
		stream.set(part, idatLength);
		idatLength += part.length;
	}
	const raw = inflate(stream);
	const indices = new Uint8Array(width * height);
	for (let y = 0; y < height; y++) {
		const filter = raw[y * (width + 1)];
		for (let x = 0; x < width; x++) {
			const left = x > 0 ? indices[y * width + x - 1] : 0;
			const up = y > 0 ? indices[(y - 1) * width + x] : 0;
			const upLeft = x > 0 && y > 0 ? indices[(y - 1) * width + x - 1] : 0;
			const predictor =
				filter === 0
					? 0
					: filter === 1
						? left
						: filter === 2
							? up
							: filter === 3
								? (left + up) >> 1
								: paeth(left, up, upLeft);
			indices[y * width + x] = (raw[y * (width + 1) + 1 + x] + predictor) & 0xff;
		}
	}
	return {
		width,
		height,
		bitDepth: header[8],
		colourType: header[9],
		compression: header[10],
		filterMethod: header[11],
		interlace: header[12],
		palette,
		indices,
		rawLength: raw.length,
		chunkTypes,
		badCrcChunks,
	};
}

/** `length` pseudo-random bytes from a 32-bit xorshift generator started at `seed` (non-zero). */
export function seededBytes(length: number, seed: number): Uint8Array {
	const bytes = new Uint8Array(length);
	let state = seed >>> 0 || 1;
	for (let i = 0; i < length; i++) {
		state ^= state << 13;
		state ^= state >>> 17;
		state ^= state << 5;
		state >>>= 0;
		bytes[i] = state >>> 24;
	}
	return bytes;
}
