/**
 * A line chart of one time series as a PNG: the values, the expected value and its range, a goal,
 * alert episodes and anomaly marks, with a title, nice y ticks and time labels the caller formats.
 * Pure: no I/O, no time-zone handling (the caller's `formatTime` does it), no dependency.
 */
import { GLYPH_ADVANCE_PX, GLYPH_HEIGHT_PX, textWidth } from './font';
import { encodePng } from './png';
import { IndexedCanvas } from './raster';

/** A stretch of buckets with an alert, shaded on the chart (bucket indices, both inclusive). */
export interface ChartEpisode {
	startIndex: number;
	endIndex: number;
}

/** What `renderSeriesChart` draws. Arrays are per bucket and of the same length as `timesMs`. */
export interface SeriesChartInput {
	/** Drawn at the top left; shortened with "…" when wider than the image. */
	title: string;
	/** Start of each bucket, UTC milliseconds since the epoch, ascending. */
	timesMs: Float64Array;
	/** The series' value per bucket, in its unit; NaN where there is none (the line has a gap). */
	values: Float64Array;
	/** Expected value per bucket (dashed line); NaN where there is none. */
	expected?: Float64Array;
	/** Lower edge of the expected range per bucket (shaded band with `upper`); NaN where there is none. */
	lower?: Float64Array;
	/** Upper edge of the expected range per bucket; NaN where there is none. */
	upper?: Float64Array;
	/** A goal or threshold in the series' unit, drawn as a labelled dashed line. */
	goal?: { value: number; label: string };
	/** Indices of the buckets alerted as anomalies (marked in red). */
	anomalies: number[];
	/** Alert episodes, shaded light red across the plot's height. */
	episodes?: ChartEpisode[];
	/** Text of a time-axis label for a bucket start (UTC ms), on the calendar of the series' messages. */
	formatTime: (ms: number) => string;
	/** Unit of the values, shown above the y axis (e.g. "seconds", "%"). */
	unit?: string;
	/** Image width in pixels (default 800, at least 200). */
	widthPx?: number;
	/** Image height in pixels (default 400, at least 120). */
	heightPx?: number;
}

/** Palette indices of the chart's colours. */
export const ChartColour = {
	background: 0,
	title: 1,
	label: 2,
	grid: 3,
	axis: 4,
	value: 5,
	expected: 6,
	band: 7,
	episode: 8,
	bandInEpisode: 9,
	gridInEpisode: 10,
	anomaly: 11,
	goal: 12,
} as const;

/** Red, green and blue (0–255) of each `ChartColour`, in index order. */
export const CHART_PALETTE = Uint8Array.of(
	...[
		0xffffff, 0x1a1a1a, 0x4d4d4d, 0xe6e6e6, 0x8c8c8c, 0x1f4e9c, 0x6d8fc7, 0xd3e2f4, 0xfbe0e0,
		0xe3d3e6,
	]
		.concat([0xf0d0d0, 0xd62728, 0xb8141c])
		.flatMap((rgb) => [rgb >> 16, (rgb >> 8) & 0xff, rgb & 0xff]),
);

/** Where the chart put things: the plot rectangle in pixels and the mappings into it. */
export interface SeriesChartLayout {
	plotLeftPx: number;
	plotTopPx: number;
	plotRightPx: number;
	plotBottomPx: number;
	/** x pixel (fractional) of a time, UTC ms. */
	xOfTimeMs: (ms: number) => number;
	/** y pixel (fractional, clamped to the plot) of a value in the series' unit. */
	yOfValue: (value: number) => number;
	/** The y tick values, in the series' unit, bottom to top. */
	yTicks: number[];
	/** The times of the x labels, UTC ms. */
	xTicksMs: number[];
}

/** Values beyond this magnitude are left out of the y range (they would make its span overflow). */
const LARGEST_PLOTTED = 1e300;

/** A value axis: its tick values (ascending), their spacing and the range it shows, in the values' unit. */
export interface NiceAxis {
	ticks: number[];
	step: number;
	min: number;
	max: number;
}

/**
 * A value axis for data in [min, max] (min < max): 4 to 6 ticks at multiples of a step of 1, 2 or 5 ×
 * 10^k. Normally the ticks cover the data and the axis runs from the first tick to the last; when no step
 * gives 4–6 covering ticks (one gives 7, the next 3), the axis is the data's range and the 5 ticks of the
 * finer step inside it.
 */
export function niceAxis(min: number, max: number): NiceAxis {
	const MAX_TICKS = 6;
	/** The multiples k × mantissa × 10^exponent for k from `from` to `to`. */
	const multiples = (from: number, to: number, mantissa: number, exponent: number): number[] => {
		const ticks: number[] = [];
		// Whole multiples, divided rather than multiplied by a fraction so that 0.3 prints as 0.3.
		for (let k = from; k <= to; k++) {
			ticks.push(exponent >= 0 ? k * mantissa * 10 ** exponent : (k * mantissa) / 10 ** -exponent);
		}
		return ticks;
	};
	let previous = { mantissa: 1, exponent: 0 };
	for (let exponent = Math.floor(Math.log10((max - min) / MAX_TICKS)) - 1; ; exponent++) {
		for (const mantissa of [1, 2, 5]) {
			const step = mantissa * 10 ** exponent;
			const first = Math.floor(min / step + 1e-9);
			const last = Math.ceil(max / step - 1e-9);
			const count = last - first + 1;
			if (count > MAX_TICKS) {
				previous = { mantissa, exponent };
				continue;
			}
			if (count >= 4) {
				const ticks = multiples(first, last, mantissa, exponent);
				return { ticks, step, min: ticks[0], max: ticks[ticks.length - 1] };
			}
			const finer = previous.mantissa * 10 ** previous.exponent;
			const inside = multiples(
				Math.ceil(min / finer - 1e-9),
				Math.floor(max / finer + 1e-9),
				previous.mantissa,
				previous.exponent,
			);
			return { ticks: inside, step: finer, min, max };
		}
	}
}

/** Suffixes of large tick labels: used from the threshold up, dividing by the divisor. */
const TICK_SUFFIXES: { threshold: number; divisor: number; suffix: string }[] = [
	{ threshold: 1e12, divisor: 1e12, suffix: 'T' },
	{ threshold: 1e9, divisor: 1e9, suffix: 'G' },
	{ threshold: 1e6, divisor: 1e6, suffix: 'M' },
	// Four-digit values read fine as they are; thousands as k from 10,000.
	{ threshold: 1e4, divisor: 1e3, suffix: 'k' },
];

/**
 * Label of a y tick: thousands (from 10,000) as k, millions as M, billions as G, trillions as T, chosen
 * by the largest tick `largestAbs` so one axis uses one suffix, none on zero; with the decimals the tick
 * `step` needs. All in the values' unit.
 */
export function formatTick(value: number, step: number, largestAbs: number): string {
	const { divisor, suffix } = TICK_SUFFIXES.find(({ threshold }) => largestAbs >= threshold) ?? {
		divisor: 1,
		suffix: '',
	};
	const decimals = Math.min(10, Math.max(0, -Math.floor(Math.log10(step / divisor) + 1e-9)));
	if (value === 0 && suffix !== '') return '0';
	return `${(value / divisor).toFixed(decimals)}${suffix}`;
}

/** Spacings of time labels to choose from, in ms: minutes to years. */
const TIME_STEPS_MS = [
	1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 4320, 10080, 20160, 40320, 80640, 120960,
	241920, 483840,
].map((minutes) => minutes * 60_000);

/**
 * Times of the x labels, UTC ms: whole steps from `startMs` (the first bucket start, so labels fall on the
 * caller's bucket boundaries), with the smallest step from TIME_STEPS_MS (then doubling) that gives at
 * most 7 labels, each 12 px clear of the next at `pxPerMs` pixels per millisecond.
 */
function timeTicks(
	startMs: number,
	endMs: number,
	pxPerMs: number,
	formatTime: (ms: number) => string,
): number[] {
	const spanMs = endMs - startMs;
	if (!(spanMs > 0)) return [startMs];
	for (let k = 0, stepMs = TIME_STEPS_MS[0]; ; k++) {
		stepMs = k < TIME_STEPS_MS.length ? TIME_STEPS_MS[k] : stepMs * 2;
		const count = Math.floor(spanMs / stepMs) + 1;
		if (count > 7) continue;
		const ticks = Array.from({ length: count }, (_, i) => startMs + i * stepMs);
		const widestPx = Math.max(...ticks.map((ms) => textWidth(formatTime(ms))));
		if (count <= 2 || stepMs * pxPerMs >= widestPx + 12) return ticks;
	}
}

/**
 * The polyline of pixel points (xs[i], ys[i]) with many points per column cut down to at most four per
 * run in a column: the first, lowest, highest and last (so spikes stay visible), in that order. A NaN y
 * breaks the line and is kept as a break. O(points); the output has at most 4 points per column and run.
 */
export function downsampleToColumns(
	xs: Float64Array,
	ys: Float64Array,
): { xs: Float64Array; ys: Float64Array } {
	// A run of k ≥ 2 points in one column becomes at most 4 ≤ 2k points; a lone point stays one.
	const outX = new Float64Array(2 * xs.length);
	const outY = new Float64Array(2 * xs.length);
	let out = 0;
	/** Appends a point unless it repeats the last one. */
	const push = (x: number, y: number): void => {
		if (out > 0 && outX[out - 1] === x && outY[out - 1] === y) return;
		outX[out] = x;
		outY[out] = y;
		out++;
	};
	let i = 0;
	while (i < xs.length) {
		if (!Number.isFinite(ys[i])) {
			push(xs[i], NaN);
			i++;
			continue;
		}
		const column = Math.round(xs[i]);
		const first = ys[i];
		let low = first;
		let high = first;
		let last = first;
		let j = i + 1;
		for (; j < xs.length && Math.round(xs[j]) === column && Number.isFinite(ys[j]); j++) {
			last = ys[j];
			if (last < low) low = last;
			if (last > high) high = last;
		}
		if (j - i === 1) {
			push(xs[i], first);
		} else {
			// Vertical strokes within the column; the last point keeps the run's own x for the next segment.
			push(column, first);
			push(column, low);
			push(column, high);
			push(column, last);
		}
		i = j;
	}
	return { xs: outX.subarray(0, out), ys: outY.subarray(0, out) };
}

/** `text` shortened with "…" to at most `maxWidthPx` pixels (the font is fixed-pitch). */
function fitText(text: string, maxWidthPx: number): string {
	if (textWidth(text) <= maxWidthPx) return text;
	const fitting = Math.floor((maxWidthPx + 1) / GLYPH_ADVANCE_PX);
	return (
		Array.from(text)
			.slice(0, Math.max(0, fitting - 1))
			.join('') + '…'
	);
}

/** Whether any bucket has a finite value in `series` (and, when given, in `other` at the same bucket). */
function anyFinite(series: Float64Array | undefined, other?: Float64Array): boolean {
	if (!series) return false;
	for (let i = 0; i < series.length; i++) {
		if (Number.isFinite(series[i]) && (other === undefined || Number.isFinite(other[i])))
			return true;
	}
	return false;
}

/**
 * Draws the chart on an indexed canvas (palette `CHART_PALETTE`) and returns it with the layout used, so
 * that callers and tests can find a bucket's pixels. Costs O(points + pixels).
 */
export function drawSeriesChart(input: SeriesChartInput): {
	canvas: IndexedCanvas;
	layout: SeriesChartLayout;
} {
	const width = Math.max(200, Math.round(input.widthPx ?? 800));
	const height = Math.max(120, Math.round(input.heightPx ?? 400));
	const { timesMs, values, expected, lower, upper, goal } = input;
	const count = Math.min(timesMs.length, values.length);
	const canvas = new IndexedCanvas(width, height, ChartColour.background);
	const hasBand = anyFinite(lower, upper);
	const hasExpected = anyFinite(expected);
	const hasValues = anyFinite(values.subarray(0, count));

	// The y range: every finite value, expected value, band edge and the goal.
	let low = Infinity;
	let high = -Infinity;
	/** Widens [low, high] to a finite, plottable value. */
	const include = (value: number): void => {
		if (!Number.isFinite(value) || Math.abs(value) > LARGEST_PLOTTED) return;
		if (value < low) low = value;
		if (value > high) high = value;
	};
	for (const series of [values, expected, lower, upper]) {
		if (series) for (let i = 0; i < count; i++) include(series[i]);
	}
	if (goal) include(goal.value);
	if (low > high) {
		low = 0;
		high = 1;
	} else if (low === high) {
		const pad = Math.abs(low) * 0.1 || 1;
		low -= pad;
		high += pad;
	}
	const { ticks: yTicks, step: yStep, min: yMin, max: yMax } = niceAxis(low, high);
	const largestTick = Math.max(Math.abs(yTicks[0]), Math.abs(yTicks[yTicks.length - 1]));
	const tickLabels = yTicks.map((tick) => formatTick(tick, yStep, largestTick));

	// Layout: title row, legend row, plot, time labels.
	const margin = 10;
	const titleTop = 8;
	const legendTop = titleTop + GLYPH_HEIGHT_PX + 7;
	const plotTopPx = legendTop + GLYPH_HEIGHT_PX + 10;
	const plotLeftPx = margin + Math.max(...tickLabels.map((label) => textWidth(label))) + 8;
	const plotRightPx = width - margin - 6;
	const plotBottomPx = height - margin - GLYPH_HEIGHT_PX - 8;
	const plotWidthPx = plotRightPx - plotLeftPx + 1;
	const plotHeightPx = plotBottomPx - plotTopPx + 1;

	// Times: half a bucket of room at either end, so the first and last buckets are whole.
	let startMs = Infinity;
	let endMs = -Infinity;
	for (let i = 0; i < count; i++) {
		if (timesMs[i] < startMs) startMs = timesMs[i];
		if (timesMs[i] > endMs) endMs = timesMs[i];
	}
	if (!(startMs <= endMs)) {
		startMs = 0;
		endMs = 0;
	}
	const bucketMs = count > 1 ? (endMs - startMs) / (count - 1) : 0;
	const domainStartMs = startMs - (bucketMs > 0 ? bucketMs / 2 : 1);
	const domainEndMs = endMs + (bucketMs > 0 ? bucketMs / 2 : 1);
	const xOfTimeMs = (ms: number): number =>
		plotLeftPx + ((ms - domainStartMs) / (domainEndMs - domainStartMs)) * (plotWidthPx - 1);
	const yOfValue = (value: number): number => {
		const y = plotBottomPx - ((value - yMin) / (yMax - yMin)) * (plotHeightPx - 1);
		return Math.min(plotBottomPx, Math.max(plotTopPx, y));
	};
	const bucketWidthPx =
		count > 1 ? (bucketMs / (domainEndMs - domainStartMs)) * plotWidthPx : plotWidthPx;

	// Grid and y labels.
	for (let t = 0; t < yTicks.length; t++) {
		const y = Math.round(yOfValue(yTicks[t]));
		canvas.hLine(plotLeftPx, plotRightPx, y, ChartColour.grid);
		canvas.text(tickLabels[t], plotLeftPx - 6, y - 3, ChartColour.label, 'right');
	}
	const pxPerMs = (plotWidthPx - 1) / (domainEndMs - domainStartMs);
	const xTicksMs = count > 0 ? timeTicks(startMs, endMs, pxPerMs, input.formatTime) : [];
	for (const ms of xTicksMs) {
		const x = Math.round(xOfTimeMs(ms));
		canvas.vLine(x, plotTopPx, plotBottomPx, ChartColour.grid);
		canvas.vLine(x, plotBottomPx, plotBottomPx + 3, ChartColour.axis);
		const label = input.formatTime(ms);
		const half = Math.ceil(textWidth(label) / 2);
		const centre = Math.min(width - 2 - half, Math.max(half + 1, x));
		canvas.text(label, centre, plotBottomPx + 6, ChartColour.label, 'centre');
	}

	const xs = new Float64Array(count);
	for (let i = 0; i < count; i++) xs[i] = xOfTimeMs(timesMs[i]);
	/** y pixel per bucket of a series, NaN where it has no value. */
	const pixelYs = (series: Float64Array): Float64Array => {
		const ys = new Float64Array(count);
		for (let i = 0; i < count; i++) ys[i] = Number.isFinite(series[i]) ? yOfValue(series[i]) : NaN;
		return ys;
	};

	if (hasBand && lower && upper)
		canvas.fillBetween(xs, pixelYs(upper), pixelYs(lower), ChartColour.band);

	// Episodes tint what is under them, so the band and grid stay visible inside.
	const tint = new Uint8Array(CHART_PALETTE.length / 3).map((_, i) => i);
	tint[ChartColour.background] = ChartColour.episode;
	tint[ChartColour.band] = ChartColour.bandInEpisode;
	tint[ChartColour.grid] = ChartColour.gridInEpisode;
	for (const episode of count > 0 ? (input.episodes ?? []) : []) {
		const first = Math.max(0, Math.min(count - 1, Math.floor(episode.startIndex)));
		const last = Math.max(first, Math.min(count - 1, Math.floor(episode.endIndex)));
		const left = Math.max(plotLeftPx, Math.round(xs[first] - bucketWidthPx / 2));
		const right = Math.min(plotRightPx, Math.round(xs[last] + bucketWidthPx / 2));
		canvas.remapRect(left, plotTopPx, Math.max(1, right - left + 1), plotHeightPx, tint);
	}

	if (goal && Number.isFinite(goal.value)) {
		const y = Math.round(yOfValue(goal.value));
		canvas.line(plotLeftPx, y, plotRightPx, y, ChartColour.goal, 1, { onPx: 8, offPx: 4 });
		const label = fitText(goal.label, plotWidthPx - 8);
		const labelTop = y - GLYPH_HEIGHT_PX - 3 >= plotTopPx ? y - GLYPH_HEIGHT_PX - 3 : y + 4;
		const labelWidth = textWidth(label);
		canvas.fillRect(
			plotRightPx - 4 - labelWidth - 2,
			labelTop - 1,
			labelWidth + 4,
			GLYPH_HEIGHT_PX + 1,
			ChartColour.background,
		);
		canvas.text(label, plotRightPx - 4, labelTop, ChartColour.goal, 'right');
	}

	if (hasExpected && expected) {
		const line = downsampleToColumns(xs, pixelYs(expected));
		canvas.polyline(line.xs, line.ys, ChartColour.expected, 1, { onPx: 5, offPx: 4 });
	}

	const valueYs = pixelYs(values);
	const valueLine = downsampleToColumns(xs, valueYs);
	canvas.polyline(valueLine.xs, valueLine.ys, ChartColour.value, 2);
	for (let i = 0; i < count; i++) {
		// A value with no neighbour to join is a dot, or it would be a speck.
		const alone =
			!Number.isFinite(valueYs[i - 1] ?? NaN) && !Number.isFinite(valueYs[i + 1] ?? NaN);
		if (alone && Number.isFinite(valueYs[i]))
			canvas.fillCircle(xs[i], valueYs[i], 2, ChartColour.value);
	}

	for (const index of input.anomalies) {
		if (!Number.isInteger(index) || index < 0 || index >= count) continue;
		if (Number.isFinite(valueYs[index])) {
			// A white ring keeps the mark distinct from the line it sits on.
			canvas.fillCircle(xs[index], valueYs[index], 4, ChartColour.background);
			canvas.fillCircle(xs[index], valueYs[index], 3, ChartColour.anomaly);
		} else {
			canvas.fillDiamond(xs[index], plotBottomPx - 5, 4, ChartColour.anomaly);
		}
	}

	// Axes over the data, then the texts.
	canvas.vLine(plotLeftPx - 1, plotTopPx, plotBottomPx, ChartColour.axis);
	canvas.hLine(plotLeftPx - 1, plotRightPx, plotBottomPx + 1, ChartColour.axis);
	if (!hasValues) {
		const centreY = Math.round((plotTopPx + plotBottomPx) / 2);
		const centreX = Math.round((plotLeftPx + plotRightPx) / 2);
		canvas.fillRect(centreX - 30, centreY - 9, 60, 18, ChartColour.background);
		canvas.text('no data', centreX, centreY - 4, ChartColour.label, 'centre');
	}
	const unitWidthPx = input.unit
		? canvas.text(fitText(input.unit, width / 3), margin, legendTop, ChartColour.label)
		: 0;
	drawLegend(canvas, margin + unitWidthPx + 16, plotRightPx, legendTop, {
		expected: hasExpected,
		band: hasBand,
		anomaly: input.anomalies.length > 0,
		episode: (input.episodes?.length ?? 0) > 0 && count > 0,
	});
	// The title in bold: drawn twice, one pixel apart.
	const title = fitText(input.title, width - 2 * margin - 1);
	canvas.text(title, margin, titleTop, ChartColour.title);
	canvas.text(title, margin + 1, titleTop, ChartColour.title);

	return {
		canvas,
		layout: {
			plotLeftPx,
			plotTopPx,
			plotRightPx,
			plotBottomPx,
			xOfTimeMs,
			yOfValue,
			yTicks,
			xTicksMs,
		},
	};
}

/**
 * The legend, right-aligned at `right` on the row at `top`: a sample and a word per thing drawn, as many
 * as fit right of `leftmost` (in pixels), in order of importance.
 */
function drawLegend(
	canvas: IndexedCanvas,
	leftmost: number,
	right: number,
	top: number,
	shown: { expected: boolean; band: boolean; anomaly: boolean; episode: boolean },
): void {
	const sampleWidthPx = 16;
	const items: { label: string; drawSample: (left: number, middle: number) => void }[] = [
		{
			label: 'value',
			drawSample: (left, middle) =>
				canvas.line(left, middle, left + sampleWidthPx - 1, middle, ChartColour.value, 2),
		},
	];
	if (shown.expected) {
		items.push({
			label: 'expected',
			drawSample: (left, middle) =>
				canvas.line(left, middle, left + sampleWidthPx - 1, middle, ChartColour.expected, 1, {
					onPx: 5,
					offPx: 4,
				}),
		});
	}
	if (shown.band) {
		items.push({
			label: 'expected range',
			drawSample: (left, middle) =>
				canvas.fillRect(left, middle - 4, sampleWidthPx, 9, ChartColour.band),
		});
	}
	if (shown.anomaly) {
		items.push({
			label: 'anomaly',
			drawSample: (left, middle) =>
				canvas.fillCircle(left + sampleWidthPx / 2, middle, 3, ChartColour.anomaly),
		});
	}
	if (shown.episode) {
		items.push({
			label: 'alert episode',
			drawSample: (left, middle) =>
				canvas.fillRect(left, middle - 4, sampleWidthPx, 9, ChartColour.episode),
		});
	}
	const gapPx = 14;
	/** Width in pixels of a legend item: sample, gap and label. */
	const itemWidth = (label: string): number => sampleWidthPx + 4 + textWidth(label);
	const totalWidth = (): number =>
		items.reduce((sum, item) => sum + itemWidth(item.label), 0) + gapPx * (items.length - 1);
	while (items.length > 0 && right + 1 - totalWidth() < leftmost) items.pop();
	let left = right + 1 - totalWidth();
	const middle = top + 3;
	for (const item of items) {
		item.drawSample(left, middle);
		canvas.text(item.label, left + sampleWidthPx + 4, top, ChartColour.label);
		left += itemWidth(item.label) + gapPx;
	}
}

/** The chart of `input` as a PNG file (8-bit indexed colour), typically 5–20 KB at 800 × 400. */
export function renderSeriesChart(input: SeriesChartInput): Uint8Array {
	const { canvas } = drawSeriesChart(input);
	return encodePng(canvas.width, canvas.height, CHART_PALETTE, canvas.pixels);
}
