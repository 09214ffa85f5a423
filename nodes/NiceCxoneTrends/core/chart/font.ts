/**
 * A 5×7 bitmap font with two rows of descenders, in the style of the X11 misc-fixed fonts (drawn for this
 * package, public domain): printable ASCII 32–126 and ± ° – … · × ≤ ≥ µ. Fixed pitch: every character advances
 * 6 pixels (5 of glyph and 1 of space).
 */

/** Width of a glyph in pixels. */
export const GLYPH_WIDTH_PX = 5;
/** Horizontal distance from one character to the next, in pixels. */
export const GLYPH_ADVANCE_PX = 6;
/** Rows from the top of a line to the baseline (the cap height), in pixels. */
export const GLYPH_ASCENT_PX = 7;
/** Rows a line of text occupies: the ascent and two rows of descenders, in pixels. */
export const GLYPH_HEIGHT_PX = 9;

/**
 * Glyphs of the characters 32–126 in order, each as two hex digits per row from the top (7 rows, or 9
 * for a glyph with a descender); bit 4 of a row is its leftmost pixel.
 */
const ASCII_GLYPHS = [
	'00000000000000', // space
	'04040404040004', // !
	'0a0a0000000000', // "
	'0a0a1f0a1f0a0a', // #
	'040f140e051e04', // $
	'18190204081303', // %
	'0c12140815120d', // &
	'04040000000000', // '
	'02040808080402', // (
	'08040202020408', // )
	'0004150e150400', // *
	'0004041f040400', // +
	'00000000000c0408', // ,
	'0000000e000000', // -
	'00000000000c0c', // .
	'00010204081000', // /
	'0e11131519110e', // 0
	'040c040404040e', // 1
	'0e11010204081f', // 2
	'1f02040201110e', // 3
	'02060a121f0202', // 4
	'1f101e0101110e', // 5
	'0608101e11110e', // 6
	'1f010204080808', // 7
	'0e11110e11110e', // 8
	'0e11110f01020c', // 9
	'000c0c000c0c00', // :
	'000c0c00000c0408', // ;
	'02040810080402', // <
	'00001f001f0000', // =
	'08040201020408', // >
	'0e110102040004', // ?
	'0e11010d15150e', // @
	'0e1111111f1111', // A
	'1e11111e11111e', // B
	'0e11101010110e', // C
	'1c12111111121c', // D
	'1f10101e10101f', // E
	'1f10101e101010', // F
	'0e11101711110f', // G
	'1111111f111111', // H
	'0e04040404040e', // I
	'0702020202120c', // J
	'11121418141211', // K
	'1010101010101f', // L
	'111b1515111111', // M
	'11111915131111', // N
	'0e11111111110e', // O
	'1e11111e101010', // P
	'0e11111115120d', // Q
	'1e11111e141211', // R
	'0f10100e01011e', // S
	'1f040404040404', // T
	'1111111111110e', // U
	'11111111110a04', // V
	'1111111515150a', // W
	'11110a040a1111', // X
	'1111110a040404', // Y
	'1f01020408101f', // Z
	'0e08080808080e', // [
	'00100804020100', // backslash
	'0e02020202020e', // ]
	'040a1100000000', // ^
	'000000000000001f', // _
	'08040200000000', // `
	'00000e010f110f', // a
	'1010161911111e', // b
	'00000e1010110e', // c
	'01010d1311110f', // d
	'00000e111f100e', // e
	'0609081c080808', // f
	'00000f1111110f010e', // g
	'10101619111111', // h
	'04000c0404040e', // i
	'02000602020202120c', // j
	'10101214181412', // k
	'0c04040404040e', // l
	'00001a15151111', // m
	'00001619111111', // n
	'00000e1111110e', // o
	'00001e1111111e1010', // p
	'00000f1111110f0101', // q
	'00001619101010', // r
	'00000f100e011e', // s
	'08081c08080906', // t
	'0000111111130d', // u
	'00001111110a04', // v
	'0000111115150a', // w
	'0000110a040a11', // x
	'0000111111110f010e', // y
	'00001f0204081f', // z
	'02040408040402', // {
	'04040404040404', // |
	'08040402040408', // }
	'00000815020000', // ~
];

/** Glyphs beyond ASCII, in the same form. */
const EXTRA_GLYPHS: Record<string, string> = {
	'±': '04041f0404001f',
	'°': '0c12120c000000',
	'–': '0000001f000000',
	'…': '00000000000015',
	'·': '00000004000000',
	'×': '00110a040a1100',
	'≤': '0204080402001f',
	'≥': '0804020408001f',
	µ: '0000111111131d1010',
};

/** Glyph drawn for a character the font does not have: an open box. */
const MISSING_GLYPH = '1f111111111f00';

/** Row bitmaps per character, and of the open box: 9 rows each, bit 4 leftmost. */
const GLYPH_ROWS = (() => {
	const glyphs = new Map<string, Uint8Array>();
	/** The 9 row bitmaps of a glyph written as hex rows (missing rows at the bottom are empty). */
	const parse = (hex: string): Uint8Array => {
		const rows = new Uint8Array(GLYPH_HEIGHT_PX);
		for (let row = 0; row < hex.length / 2; row++)
			rows[row] = parseInt(hex.slice(2 * row, 2 * row + 2), 16);
		return rows;
	};
	ASCII_GLYPHS.forEach((hex, i) => glyphs.set(String.fromCharCode(32 + i), parse(hex)));
	for (const [char, hex] of Object.entries(EXTRA_GLYPHS)) glyphs.set(char, parse(hex));
	return { glyphs, missing: parse(MISSING_GLYPH) };
})();

/** Whether the font has a glyph of its own for `char` (one character). */
export function hasGlyph(char: string): boolean {
	return GLYPH_ROWS.glyphs.has(char);
}

/** Width in pixels of `text` drawn at `scale` (pixels per font pixel): the glyphs and the gaps between them. */
export function textWidth(text: string, scale = 1): number {
	const characters = Array.from(text).length;
	return characters === 0 ? 0 : (characters * GLYPH_ADVANCE_PX - 1) * scale;
}

/**
 * Calls `plot(x, y)` for every pixel of `text` drawn with its top-left corner at (`left`, `top`) in
 * pixels, each font pixel as a `scale` × `scale` square. A character without a glyph is an open box.
 */
export function drawText(
	text: string,
	left: number,
	top: number,
	plot: (x: number, y: number) => void,
	scale = 1,
): void {
	let x = left;
	for (const char of text) {
		const rows = GLYPH_ROWS.glyphs.get(char) ?? GLYPH_ROWS.missing;
		for (let row = 0; row < GLYPH_HEIGHT_PX; row++) {
			const bits = rows[row];
			if (bits === 0) continue;
			for (let column = 0; column < GLYPH_WIDTH_PX; column++) {
				if ((bits & (0x10 >> column)) === 0) continue;
				for (let dy = 0; dy < scale; dy++) {
					for (let dx = 0; dx < scale; dx++) plot(x + column * scale + dx, top + row * scale + dy);
				}
			}
		}
		x += GLYPH_ADVANCE_PX * scale;
	}
}
