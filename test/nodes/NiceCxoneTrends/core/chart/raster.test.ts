import { textWidth } from '../../../../../nodes/NiceCxoneTrends/core/chart/font';
import { IndexedCanvas } from '../../../../../nodes/NiceCxoneTrends/core/chart/raster';

/** The coordinates of the pixels of colour `colour`, as "x,y" strings in row order. */
const pixelsOf = (canvas: IndexedCanvas, colour: number): string[] => {
	const found: string[] = [];
	for (let y = 0; y < canvas.height; y++) {
		for (let x = 0; x < canvas.width; x++) if (canvas.get(x, y) === colour) found.push(`${x},${y}`);
	}
	return found;
};

describe('IndexedCanvas', () => {
	it('starts filled with the background and reads -1 off the canvas', () => {
		const canvas = new IndexedCanvas(4, 3, 7);
		expect(Array.from(canvas.pixels)).toEqual(new Array(12).fill(7));
		expect(canvas.get(-1, 0)).toBe(-1);
		expect(canvas.get(4, 0)).toBe(-1);
	});

	it('fills a rectangle exactly and clips one that leaves the canvas', () => {
		const canvas = new IndexedCanvas(6, 5);
		canvas.fillRect(1, 2, 3, 2, 1);
		expect(pixelsOf(canvas, 1)).toEqual(['1,2', '2,2', '3,2', '1,3', '2,3', '3,3']);
		canvas.fillRect(4, -3, 10, 4, 2);
		expect(pixelsOf(canvas, 2)).toEqual(['4,0', '5,0']);
	});

	it('draws horizontal and vertical lines with both ends included, in either direction', () => {
		const canvas = new IndexedCanvas(8, 8);
		canvas.hLine(5, 2, 1, 1);
		canvas.vLine(6, 6, 4, 2);
		expect(pixelsOf(canvas, 1)).toEqual(['2,1', '3,1', '4,1', '5,1']);
		expect(pixelsOf(canvas, 2)).toEqual(['6,4', '6,5', '6,6']);
	});

	it('draws Bresenham lines: a diagonal, a shallow line one pixel per column, a steep one per row', () => {
		const diagonal = new IndexedCanvas(6, 6);
		diagonal.line(0, 0, 4, 4, 1);
		expect(pixelsOf(diagonal, 1)).toEqual(['0,0', '1,1', '2,2', '3,3', '4,4']);
		const shallow = new IndexedCanvas(12, 4);
		shallow.line(0, 0, 10, 2, 1);
		const shallowPixels = pixelsOf(shallow, 1);
		expect(shallowPixels).toHaveLength(11);
		expect(shallowPixels).toContain('0,0');
		expect(shallowPixels).toContain('10,2');
		expect(new Set(shallowPixels.map((p) => p.split(',')[0])).size).toBe(11);
		const steep = new IndexedCanvas(4, 12);
		steep.line(2, 10, 0, 0, 1);
		expect(new Set(pixelsOf(steep, 1).map((p) => p.split(',')[1])).size).toBe(11);
	});

	it('draws a 2 px line as a 2 × 2 brush', () => {
		const canvas = new IndexedCanvas(6, 4);
		canvas.line(1, 1, 3, 1, 1, 2);
		expect(pixelsOf(canvas, 1)).toEqual(['1,1', '2,1', '3,1', '4,1', '1,2', '2,2', '3,2', '4,2']);
	});

	it('draws dashes of onPx then skips offPx, running on across a polyline’s vertices', () => {
		const canvas = new IndexedCanvas(12, 3);
		canvas.line(0, 0, 11, 0, 1, 1, { onPx: 2, offPx: 3 });
		expect(pixelsOf(canvas, 1)).toEqual(['0,0', '1,0', '5,0', '6,0', '10,0', '11,0']);
		const bent = new IndexedCanvas(12, 3);
		bent.polyline([0, 4, 11], [2, 2, 2], 1, 1, { onPx: 2, offPx: 3 });
		// The shared vertex counts once, so the pattern is the straight line's.
		expect(pixelsOf(bent, 1)).toEqual(['0,2', '1,2', '5,2', '6,2', '10,2', '11,2']);
	});

	it('breaks a polyline at NaN and draws a point left alone as a dot', () => {
		const canvas = new IndexedCanvas(10, 3);
		canvas.polyline([0, 2, 4, 6, 8], [1, 1, NaN, 1, NaN], 1);
		expect(pixelsOf(canvas, 1)).toEqual(['0,1', '1,1', '2,1', '6,1']);
	});

	it('fills between two polylines column by column, interpolating, and not past their ends', () => {
		const canvas = new IndexedCanvas(10, 10);
		canvas.fillBetween([2, 6], [2, 4], [6, 8], 3);
		const filled = pixelsOf(canvas, 3);
		expect(filled).toContain('2,2');
		expect(filled).toContain('2,6');
		expect(filled).not.toContain('2,1');
		expect(filled).not.toContain('2,7');
		expect(filled).toContain('4,3');
		expect(filled).toContain('4,7');
		expect(filled).not.toContain('4,2');
		expect(filled).not.toContain('1,4');
		expect(filled).not.toContain('7,6');
		expect(filled).toHaveLength(5 * 5);
	});

	it('fills once per column from the lowest to the highest edge when many points share it', () => {
		const canvas = new IndexedCanvas(3, 20);
		canvas.fillBetween([1, 1.1, 1.2, 1.3], [5, 2, 8, 4], [9, 12, 10, 9], 1);
		expect(pixelsOf(canvas, 1)).toEqual(Array.from({ length: 11 }, (_, i) => `1,${2 + i}`));
	});

	it('draws filled discs and diamonds of the radius asked for', () => {
		const disc = new IndexedCanvas(9, 9);
		disc.fillCircle(4, 4, 3, 1);
		const discPixels = pixelsOf(disc, 1);
		for (const inside of ['4,4', '7,4', '4,1', '6,6']) expect(discPixels).toContain(inside);
		for (const outside of ['7,7', '1,1', '8,4']) expect(discPixels).not.toContain(outside);
		const diamond = new IndexedCanvas(9, 9);
		diamond.fillDiamond(4, 4, 2, 1);
		expect(pixelsOf(diamond, 1)).toEqual([
			'4,2',
			'3,3',
			'4,3',
			'5,3',
			'2,4',
			'3,4',
			'4,4',
			'5,4',
			'6,4',
			'3,5',
			'4,5',
			'5,5',
			'4,6',
		]);
	});

	it('remaps colours inside a rectangle only', () => {
		const canvas = new IndexedCanvas(4, 2);
		canvas.set(1, 0, 2);
		canvas.remapRect(0, 0, 2, 2, Uint8Array.of(5, 1, 6));
		expect(Array.from(canvas.pixels)).toEqual([5, 6, 0, 0, 5, 5, 0, 0]);
	});

	it('places text left, centre or right of its x and returns its width', () => {
		const width = textWidth('HH');
		const extent = (align: 'left' | 'centre' | 'right'): [number, number] => {
			const canvas = new IndexedCanvas(60, 12);
			expect(canvas.text('HH', 30, 1, 1, align)).toBe(width);
			const xs = pixelsOf(canvas, 1).map((p) => Number(p.split(',')[0]));
			return [Math.min(...xs), Math.max(...xs)];
		};
		expect(extent('left')).toEqual([30, 30 + width - 1]);
		expect(extent('right')).toEqual([30 - width + 1, 30]);
		const [left, right] = extent('centre');
		expect(Math.abs(30 - left - (right - 30))).toBeLessThanOrEqual(1);
	});
});
