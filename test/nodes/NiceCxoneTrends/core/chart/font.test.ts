import {
	drawText,
	GLYPH_ADVANCE_PX,
	GLYPH_ASCENT_PX,
	GLYPH_HEIGHT_PX,
	GLYPH_WIDTH_PX,
	hasGlyph,
	textWidth,
} from '../../../../../nodes/NiceCxoneTrends/core/chart/font';

/** The pixels `drawText` plots for `text`, as "x,y" strings. */
const pixelsOf = (text: string, left = 0, top = 0, scale = 1): Set<string> => {
	const pixels = new Set<string>();
	drawText(text, left, top, (x, y) => pixels.add(`${x},${y}`), scale);
	return pixels;
};

const PRINTABLE_ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));

describe('textWidth', () => {
	it('is 6 px a character less the last gap: "Abc" is 17 px', () => {
		expect(textWidth('Abc')).toBe(17);
		expect(textWidth('')).toBe(0);
		expect(textWidth('x')).toBe(GLYPH_WIDTH_PX);
	});
	it('scales, and counts characters rather than UTF-16 units', () => {
		expect(textWidth('Abc', 2)).toBe(34);
		expect(textWidth('±5 °…')).toBe(5 * GLYPH_ADVANCE_PX - 1);
	});
	it('is the extent of what drawText draws', () => {
		const xs = Array.from(pixelsOf('HH')).map((p) => Number(p.split(',')[0]));
		expect(Math.max(...xs) + 1).toBe(textWidth('HH'));
	});
});

describe('drawText', () => {
	it('draws every printable ASCII character and ± ° – … · × ≤ ≥ µ inside its 5 × 9 cell', () => {
		for (const char of [...PRINTABLE_ASCII, '±', '°', '–', '…', '·', '×', '≤', '≥', 'µ']) {
			expect(hasGlyph(char)).toBe(true);
			for (const pixel of pixelsOf(char)) {
				const [x, y] = pixel.split(',').map(Number);
				expect(x).toBeGreaterThanOrEqual(0);
				expect(x).toBeLessThan(GLYPH_WIDTH_PX);
				expect(y).toBeLessThan(GLYPH_HEIGHT_PX);
			}
		}
	});
	it('gives each visible ASCII character its own non-empty glyph, and the space none', () => {
		expect(pixelsOf(' ').size).toBe(0);
		const shapes = new Map<string, string>();
		for (const char of PRINTABLE_ASCII.slice(1)) {
			const shape = Array.from(pixelsOf(char)).sort().join(' ');
			expect(shape).not.toBe('');
			expect(shapes.get(shape) ?? char).toBe(char);
			shapes.set(shape, char);
		}
	});
	it('puts descenders of g j p q y (and , ; _) below the baseline, and capitals and digits above it', () => {
		const lowest = (char: string): number =>
			Math.max(...Array.from(pixelsOf(char)).map((p) => Number(p.split(',')[1])));
		for (const char of 'gjpqy,;_') expect(lowest(char)).toBeGreaterThanOrEqual(GLYPH_ASCENT_PX);
		for (const char of 'ABCXYZ0189ahkx.') expect(lowest(char)).toBe(GLYPH_ASCENT_PX - 1);
	});
	it('draws "A" at its place: the top bar in columns 1–3, the legs in 0 and 4', () => {
		const pixels = pixelsOf('A', 10, 20);
		for (const expected of [
			'11,20',
			'12,20',
			'13,20',
			'10,21',
			'14,21',
			'10,26',
			'14,26',
			'12,24',
		]) {
			expect(pixels.has(expected)).toBe(true);
		}
		expect(pixels.has('10,20')).toBe(false);
		expect(pixels.has('12,25')).toBe(false);
	});
	it('advances 6 px per character and draws each font pixel as a square at scale 2', () => {
		expect(pixelsOf('.A').has('7,0')).toBe(true);
		const big = pixelsOf('.', 0, 0, 2);
		expect(big.size).toBe(4 * pixelsOf('.').size);
	});
	it('draws a character it lacks as an open box', () => {
		expect(hasGlyph('é')).toBe(false);
		const box = pixelsOf('é');
		expect(box.has('0,0')).toBe(true);
		expect(box.has('4,5')).toBe(true);
		expect(box.has('2,3')).toBe(false);
	});
});
