/**
 * An indexed-colour canvas: one palette index per pixel, drawn without anti-aliasing so that a chart
 * needs only a dozen colours and compresses well. Coordinates are pixels from the top-left corner;
 * everything is clipped to the canvas.
 */
import { drawText, textWidth } from './font';

/** Horizontal placement of text relative to its x coordinate. */
export type TextAlign = 'left' | 'centre' | 'right';

/** A dash pattern: pixels drawn, then pixels skipped, along the line's length in pixels (steps). */
export interface DashPattern {
	onPx: number;
	offPx: number;
}

/** Where a dashed stroke is in its pattern, carried from one segment of a polyline to the next. */
interface DashState extends DashPattern {
	positionPx: number;
}

/** A width × height image of palette indices, row by row from the top. */
export class IndexedCanvas {
	readonly pixels: Uint8Array;

	/** A canvas `width` × `height` pixels filled with palette index `background`. */
	constructor(
		readonly width: number,
		readonly height: number,
		background = 0,
	) {
		this.pixels = new Uint8Array(width * height).fill(background);
	}

	/** Palette index at (x, y); -1 outside the canvas. */
	get(x: number, y: number): number {
		if (x < 0 || y < 0 || x >= this.width || y >= this.height) return -1;
		return this.pixels[y * this.width + x];
	}

	/** Sets the pixel at whole coordinates (x, y) to `colour`, if it is on the canvas. */
	set(x: number, y: number, colour: number): void {
		if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
		this.pixels[y * this.width + x] = colour;
	}

	/** Fills the rectangle of whole pixels [left, left + width) × [top, top + height). */
	fillRect(left: number, top: number, width: number, height: number, colour: number): void {
		const x0 = Math.max(0, Math.round(left));
		const x1 = Math.min(this.width, Math.round(left + width));
		const y0 = Math.max(0, Math.round(top));
		const y1 = Math.min(this.height, Math.round(top + height));
		for (let y = y0; y < y1; y++)
			this.pixels.fill(colour, y * this.width + x0, y * this.width + Math.max(x0, x1));
	}

	/**
	 * Replaces each pixel's index i by `mapping[i]` inside the rectangle [left, left + width) × [top, top +
	 * height): a tint that keeps what is drawn recognisable (e.g. white to light red, band to a darker mix).
	 */
	remapRect(left: number, top: number, width: number, height: number, mapping: Uint8Array): void {
		const x0 = Math.max(0, Math.round(left));
		const x1 = Math.min(this.width, Math.round(left + width));
		const y0 = Math.max(0, Math.round(top));
		const y1 = Math.min(this.height, Math.round(top + height));
		for (let y = y0; y < y1; y++) {
			for (let i = y * this.width + x0; i < y * this.width + x1; i++)
				this.pixels[i] = mapping[this.pixels[i]];
		}
	}

	/** Horizontal line from x0 to x1 inclusive at row y. */
	hLine(x0: number, x1: number, y: number, colour: number): void {
		this.fillRect(Math.min(x0, x1), y, Math.abs(x1 - x0) + 1, 1, colour);
	}

	/** Vertical line from y0 to y1 inclusive at column x. */
	vLine(x: number, y0: number, y1: number, colour: number): void {
		this.fillRect(x, Math.min(y0, y1), 1, Math.abs(y1 - y0) + 1, colour);
	}

	/**
	 * Straight line from (x0, y0) to (x1, y1) (rounded to whole pixels) by Bresenham's algorithm,
	 * `thicknessPx` pixels wide (a square brush), solid or with a dash pattern.
	 */
	line(
		x0: number,
		y0: number,
		x1: number,
		y1: number,
		colour: number,
		thicknessPx = 1,
		dash?: DashPattern,
	): void {
		this.stroke(x0, y0, x1, y1, colour, thicknessPx, dash ? { ...dash, positionPx: 0 } : null);
	}

	/**
	 * Polyline through the points (xs[i], ys[i]), broken wherever a coordinate is NaN; a point alone
	 * between breaks is drawn as a dot of the line's thickness. A dash pattern runs on across vertices.
	 */
	polyline(
		xs: ArrayLike<number>,
		ys: ArrayLike<number>,
		colour: number,
		thicknessPx = 1,
		dash?: DashPattern,
	): void {
		const state = dash ? { ...dash, positionPx: 0 } : null;
		const count = Math.min(xs.length, ys.length);
		for (let i = 0; i < count; i++) {
			if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) continue;
			const hasNext = i + 1 < count && Number.isFinite(xs[i + 1]) && Number.isFinite(ys[i + 1]);
			if (hasNext) {
				this.stroke(xs[i], ys[i], xs[i + 1], ys[i + 1], colour, thicknessPx, state);
				continue;
			}
			const hasPrevious = i > 0 && Number.isFinite(xs[i - 1]) && Number.isFinite(ys[i - 1]);
			if (!hasPrevious) this.stroke(xs[i], ys[i], xs[i], ys[i], colour, thicknessPx, null);
		}
	}

	/**
	 * Fills, column by column, between two polylines that share their x coordinates: `tops[i]` and
	 * `bottoms[i]` at `xs[i]` (either order), interpolated linearly in between and broken where a value is
	 * NaN. Each column is filled once from its smallest to its largest y, so many points per column cost
	 * O(points + columns).
	 */
	fillBetween(
		xs: ArrayLike<number>,
		tops: ArrayLike<number>,
		bottoms: ArrayLike<number>,
		colour: number,
	): void {
		const low = new Float64Array(this.width).fill(Infinity);
		const high = new Float64Array(this.width).fill(-Infinity);
		/** Widens the column's span to include the y values a and b. */
		const cover = (column: number, a: number, b: number): void => {
			if (column < 0 || column >= this.width) return;
			low[column] = Math.min(low[column], a, b);
			high[column] = Math.max(high[column], a, b);
		};
		/** Whether point i has an x and both edges. */
		const valid = (i: number): boolean =>
			Number.isFinite(xs[i]) && Number.isFinite(tops[i]) && Number.isFinite(bottoms[i]);
		const count = Math.min(xs.length, tops.length, bottoms.length);
		for (let i = 0; i < count; i++) {
			if (!valid(i)) continue;
			if (i + 1 >= count || !valid(i + 1)) {
				cover(Math.round(xs[i]), tops[i], bottoms[i]);
				continue;
			}
			const x0 = xs[i];
			const x1 = xs[i + 1];
			const first = Math.max(0, Math.round(Math.min(x0, x1)));
			const last = Math.min(this.width - 1, Math.round(Math.max(x0, x1)));
			for (let column = first; column <= last; column++) {
				const t = x1 === x0 ? 0 : Math.min(1, Math.max(0, (column - x0) / (x1 - x0)));
				cover(
					column,
					tops[i] + t * (tops[i + 1] - tops[i]),
					bottoms[i] + t * (bottoms[i + 1] - bottoms[i]),
				);
			}
		}
		for (let column = 0; column < this.width; column++) {
			if (low[column] > high[column]) continue;
			const y0 = Math.round(low[column]);
			this.fillRect(column, y0, 1, Math.round(high[column]) - y0 + 1, colour);
		}
	}

	/** Filled disc of `radiusPx` pixels around (cx, cy). */
	fillCircle(cx: number, cy: number, radiusPx: number, colour: number): void {
		const x = Math.round(cx);
		const y = Math.round(cy);
		const r = Math.max(0, Math.round(radiusPx));
		// r² + r keeps the disc round at small radii (no single-pixel nubs at the four extremes).
		const limit = r * r + r;
		for (let dy = -r; dy <= r; dy++) {
			for (let dx = -r; dx <= r; dx++)
				if (dx * dx + dy * dy <= limit) this.set(x + dx, y + dy, colour);
		}
	}

	/** Filled diamond (a square on its corner) reaching `radiusPx` pixels from (cx, cy) in each direction. */
	fillDiamond(cx: number, cy: number, radiusPx: number, colour: number): void {
		const x = Math.round(cx);
		const y = Math.round(cy);
		const r = Math.max(0, Math.round(radiusPx));
		for (let dy = -r; dy <= r; dy++)
			this.hLine(x - (r - Math.abs(dy)), x + (r - Math.abs(dy)), y + dy, colour);
	}

	/**
	 * Draws `text` with its top at row `top` and, by `align`, its left edge, centre or right edge at `x`,
	 * each font pixel as `scale` × `scale` pixels. Returns the text's width in pixels.
	 */
	text(
		text: string,
		x: number,
		top: number,
		colour: number,
		align: TextAlign = 'left',
		scale = 1,
	): number {
		const width = textWidth(text, scale);
		const left =
			align === 'left' ? x : align === 'centre' ? x - Math.floor(width / 2) : x - width + 1;
		drawText(text, Math.round(left), Math.round(top), (px, py) => this.set(px, py, colour), scale);
		return width;
	}

	/** Bresenham from (x0, y0) to (x1, y1) with a square brush, skipping the pattern's off steps. */
	private stroke(
		fromX: number,
		fromY: number,
		toX: number,
		toY: number,
		colour: number,
		thicknessPx: number,
		dash: DashState | null,
	): void {
		let x = Math.round(fromX);
		let y = Math.round(fromY);
		const x1 = Math.round(toX);
		const y1 = Math.round(toY);
		const dx = Math.abs(x1 - x);
		const dy = -Math.abs(y1 - y);
		const stepX = x < x1 ? 1 : -1;
		const stepY = y < y1 ? 1 : -1;
		const offset = -Math.floor((thicknessPx - 1) / 2);
		let error = dx + dy;
		for (;;) {
			const on = dash === null || dash.positionPx % (dash.onPx + dash.offPx) < dash.onPx;
			if (on) {
				for (let by = 0; by < thicknessPx; by++) {
					for (let bx = 0; bx < thicknessPx; bx++)
						this.set(x + offset + bx, y + offset + by, colour);
				}
			}
			if (x === x1 && y === y1) break;
			if (dash !== null) dash.positionPx++;
			const doubled = 2 * error;
			if (doubled >= dy) {
				error += dy;
				x += stepX;
			}
			if (doubled <= dx) {
				error += dx;
				y += stepY;
			}
		}
	}
}
