import {
	ChartColour,
	downsampleToColumns,
	drawSeriesChart,
	formatTick,
	niceAxis,
	renderSeriesChart,
	type SeriesChartInput,
	type SeriesChartLayout,
} from '../../../../../nodes/NiceCxoneTrends/core/chart/seriesChart';
import { formatUtc, seededRandom, twoWeekHourlySeries } from './chartFixtures';
import { decodeIndexedPng, type DecodedPng } from './pngReader';

const HOUR_MS = 3_600_000;

/** Colours found in the rectangle [x0, x1] × [y0, y1] (inclusive) of a decoded image. */
const coloursIn = (
	image: DecodedPng,
	x0: number,
	y0: number,
	x1: number,
	y1: number,
): Set<number> => {
	const found = new Set<number>();
	for (let y = Math.max(0, y0); y <= Math.min(image.height - 1, y1); y++) {
		for (let x = Math.max(0, x0); x <= Math.min(image.width - 1, x1); x++) {
			found.add(image.indices[y * image.width + x]);
		}
	}
	return found;
};

/** The image and the layout of one chart, the image read back from the PNG. */
const render = (
	input: SeriesChartInput,
): { png: Uint8Array; image: DecodedPng; layout: SeriesChartLayout } => {
	const png = renderSeriesChart(input);
	return { png, image: decodeIndexedPng(png), layout: drawSeriesChart(input).layout };
};

/** A simple hourly series of `count` buckets from Monday 5 January 2026 UTC. */
const hourly = (values: number[]): SeriesChartInput => ({
	title: 'Contacts',
	timesMs: Float64Array.from(values, (_, i) => Date.UTC(2026, 0, 5) + i * HOUR_MS),
	values: Float64Array.from(values),
	anomalies: [],
	formatTime: formatUtc,
});

describe('niceAxis', () => {
	const ticks = (min: number, max: number): number[] => niceAxis(min, max).ticks;
	it('gives 4 to 6 multiples of 1, 2 or 5 × 10^k that cover the range, the axis from first to last', () => {
		expect(ticks(0, 10)).toEqual([0, 2, 4, 6, 8, 10]);
		expect(ticks(0.1, 0.95)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
		expect(ticks(-7, 3)).toEqual([-10, -5, 0, 5]);
		expect(ticks(0.3, 0.7)).toEqual([0.3, 0.4, 0.5, 0.6, 0.7]);
		expect(niceAxis(215, 500)).toEqual({
			ticks: [200, 300, 400, 500],
			step: 100,
			min: 200,
			max: 500,
		});
	});
	it('keeps to the data with the 5 inner ticks when covering would take 7 or 3', () => {
		// Step 20 covers 340–460 in 7 ticks, step 50 covers 350–450 in 3.
		expect(niceAxis(359.9, 441)).toEqual({
			ticks: [360, 380, 400, 420, 440],
			step: 20,
			min: 359.9,
			max: 441,
		});
	});
	it('keeps to 4–6 ticks within the axis from tiny to huge ranges', () => {
		const random = seededRandom(3);
		const failures: string[] = [];
		for (let trial = 0; trial < 5000; trial++) {
			const scale = 10 ** Math.floor(random() * 30 - 12);
			const a = (random() - 0.5) * scale * 10;
			const b = a + random() * scale + scale * 1e-3;
			const { ticks: t, min, max } = niceAxis(a, b);
			const ok =
				t.length >= 4 &&
				t.length <= 6 &&
				min <= a &&
				max >= b &&
				t[0] >= min &&
				t[t.length - 1] <= max;
			if (!ok) failures.push(`${a}..${b}: ${t.join(', ')} on ${min}..${max}`);
		}
		expect(failures).toEqual([]);
	});
});

describe('formatTick', () => {
	it('shows the decimals the step needs and k, M, G or T for large axes', () => {
		expect(formatTick(300, 100, 500)).toBe('300');
		expect(formatTick(0.2, 0.2, 1)).toBe('0.2');
		expect(formatTick(-0.05, 0.05, 0.2)).toBe('-0.05');
		expect(formatTick(12_000, 2_000, 20_000)).toBe('12k');
		expect(formatTick(15_500, 500, 16_000)).toBe('15.5k');
		expect(formatTick(3e9, 1e9, 4e9)).toBe('3G');
		expect(formatTick(-2e12, 1e12, 2e12)).toBe('-2T');
		expect(formatTick(0, 5e12, 1e13)).toBe('0');
		expect(formatTick(0, 0.5, 2)).toBe('0.0');
	});
});

describe('downsampleToColumns', () => {
	it('keeps the first, lowest, highest and last point of a column, and NaN breaks', () => {
		const result = downsampleToColumns(
			Float64Array.of(0, 0.2, 0.4, 1, 2, 3),
			Float64Array.of(5, 1, 9, 4, NaN, 6),
		);
		expect(Array.from(result.xs)).toEqual([0, 0, 0, 1, 2, 3]);
		expect(Array.from(result.ys)).toEqual([5, 1, 9, 4, NaN, 6]);
	});
	it('keeps the end of a series with two or three points a column (each column may give four)', () => {
		// 1,679 hourly points over 740 px: the last point must survive, at its own x.
		const count = 1679;
		const xs = Float64Array.from({ length: count }, (_, i) => 40 + (i / (count - 1)) * 740);
		const ys = Float64Array.from({ length: count }, (_, i) => i % 24);
		const result = downsampleToColumns(xs, ys);
		expect(result.xs[result.xs.length - 1]).toBe(780);
		expect(result.ys[result.ys.length - 1]).toBe((count - 1) % 24);
	});
	it('cuts 100,000 points to at most 4 a column', () => {
		const count = 100_000;
		const xs = Float64Array.from({ length: count }, (_, i) => (i / count) * 700);
		const ys = Float64Array.from({ length: count }, (_, i) => Math.sin(i));
		expect(downsampleToColumns(xs, ys).xs.length).toBeLessThanOrEqual(4 * 701);
	});
});

describe('renderSeriesChart', () => {
	const input = twoWeekHourlySeries(20260105);
	const { png, image, layout } = render(input);
	const xOf = (i: number): number => Math.round(layout.xOfTimeMs(input.timesMs[i]));
	const yOf = (value: number): number => Math.round(layout.yOfValue(value));

	it('renders two weeks of hours as an 800 × 400 PNG under 30 KB, the same bytes every time', () => {
		expect(image.width).toBe(800);
		expect(image.height).toBe(400);
		expect(image.badCrcChunks).toEqual([]);
		expect(png.length).toBeLessThan(30_000);
		expect(Buffer.compare(renderSeriesChart(twoWeekHourlySeries(20260105)), png)).toBe(0);
	});

	it('shades the expected range: band colour inside it, none well above it', () => {
		let bandColumns = 0;
		for (let i = 0; i < input.timesMs.length; i += 7) {
			const x = xOf(i);
			const top = yOf(input.upper![i]);
			const bottom = yOf(input.lower![i]);
			// Between the upper edge and the expected line, away from both lines, the band shows.
			const y = Math.round(top + (bottom - top) * 0.1) + 2;
			if (coloursIn(image, x, y, x, y).has(ChartColour.band)) bandColumns++;
			expect(coloursIn(image, x, layout.plotTopPx + 2, x, top - 4).has(ChartColour.band)).toBe(
				false,
			);
		}
		expect(bandColumns).toBeGreaterThan(0.8 * Math.ceil(input.timesMs.length / 7));
	});

	it('marks each anomaly in red at its bucket, and nowhere far from one', () => {
		for (const i of input.anomalies) {
			const x = xOf(i);
			const y = yOf(input.values[i]);
			expect(coloursIn(image, x - 1, y - 1, x + 1, y + 1).has(ChartColour.anomaly)).toBe(true);
		}
		const first = xOf(input.anomalies[0]) - 6;
		const last = xOf(input.anomalies[input.anomalies.length - 1]) + 6;
		const plot = [layout.plotTopPx, layout.plotBottomPx] as const;
		expect(
			coloursIn(image, layout.plotLeftPx, plot[0], first - 1, plot[1]).has(ChartColour.anomaly),
		).toBe(false);
		expect(
			coloursIn(image, last + 1, plot[0], layout.plotRightPx, plot[1]).has(ChartColour.anomaly),
		).toBe(false);
	});

	it('draws the value line through the values, with a gap where there are none', () => {
		for (const i of [5, 50, 200, 330]) {
			expect(
				coloursIn(
					image,
					xOf(i) - 1,
					yOf(input.values[i]) - 1,
					xOf(i) + 1,
					yOf(input.values[i]) + 1,
				),
			).toContain(ChartColour.value);
		}
		const gapMiddle = 4 * 24 + 4;
		expect(Number.isNaN(input.values[gapMiddle])).toBe(true);
		const x = xOf(gapMiddle);
		expect(
			coloursIn(image, x, layout.plotTopPx, x, layout.plotBottomPx).has(ChartColour.value),
		).toBe(false);
	});

	it('shades the episode across the plot, and draws the goal line', () => {
		const episode = input.episodes![0];
		const x = Math.round((xOf(episode.startIndex) + xOf(episode.endIndex)) / 2);
		expect(coloursIn(image, x, layout.plotTopPx, x, layout.plotTopPx + 3)).toContain(
			ChartColour.episode,
		);
		expect(
			coloursIn(image, xOf(24), layout.plotTopPx, xOf(24), layout.plotBottomPx).has(
				ChartColour.episode,
			),
		).toBe(false);
		const goalY = yOf(input.goal!.value);
		expect(coloursIn(image, layout.plotLeftPx, goalY, layout.plotLeftPx + 40, goalY)).toContain(
			ChartColour.goal,
		);
	});

	it('labels 4 to 7 times and 4 to 6 values, and writes the title at the top left', () => {
		expect(layout.xTicksMs.length).toBeGreaterThanOrEqual(4);
		expect(layout.xTicksMs.length).toBeLessThanOrEqual(7);
		expect(layout.yTicks.length).toBeGreaterThanOrEqual(4);
		expect(layout.yTicks.length).toBeLessThanOrEqual(6);
		expect(coloursIn(image, 8, 6, 60, 18)).toContain(ChartColour.title);
		expect(coloursIn(image, 0, layout.plotBottomPx + 4, 799, 399)).toContain(ChartColour.label);
	});

	it('says "no data" on axes when every value is NaN', () => {
		const empty = hourly(new Array(48).fill(NaN));
		const { image: blank, layout: blankLayout } = render(empty);
		const centreX = Math.round((blankLayout.plotLeftPx + blankLayout.plotRightPx) / 2);
		const centreY = Math.round((blankLayout.plotTopPx + blankLayout.plotBottomPx) / 2);
		expect(coloursIn(blank, centreX - 25, centreY - 6, centreX + 25, centreY + 6)).toContain(
			ChartColour.label,
		);
		const plot = coloursIn(
			blank,
			blankLayout.plotLeftPx,
			blankLayout.plotTopPx,
			blankLayout.plotRightPx,
			blankLayout.plotBottomPx,
		);
		expect(plot.has(ChartColour.value)).toBe(false);
		expect(
			coloursIn(blank, blankLayout.plotLeftPx - 1, 50, blankLayout.plotLeftPx - 1, 60),
		).toContain(ChartColour.axis);
	});

	it('says "no data" for a series without buckets', () => {
		const { image: none } = render(hourly([]));
		expect(none.width).toBe(800);
		expect(coloursIn(none, 380, 190, 420, 215)).toContain(ChartColour.label);
	});

	it('gives a constant series a y range around its value, with the line across the middle', () => {
		const { image: flat, layout: flatLayout } = render(hourly(new Array(48).fill(7)));
		expect(flatLayout.yTicks[0]).toBeLessThan(7);
		expect(flatLayout.yTicks[flatLayout.yTicks.length - 1]).toBeGreaterThan(7);
		const y = Math.round(flatLayout.yOfValue(7));
		expect(y).toBeGreaterThan(flatLayout.plotTopPx + 50);
		expect(y).toBeLessThan(flatLayout.plotBottomPx - 50);
		expect(coloursIn(flat, 300, y, 300, y + 1)).toContain(ChartColour.value);
	});

	it('draws a single point as a dot in the middle', () => {
		const { image: one, layout: oneLayout } = render(hourly([42]));
		const x = Math.round((oneLayout.plotLeftPx + oneLayout.plotRightPx) / 2);
		const y = Math.round(oneLayout.yOfValue(42));
		expect(coloursIn(one, x - 2, y - 2, x + 2, y + 2)).toContain(ChartColour.value);
		expect(oneLayout.xTicksMs).toHaveLength(1);
	});

	it('copes with huge and negative values, infinities and out-of-range anomaly indices', () => {
		const wild = hourly([-3e12, 5e11, NaN, 2e12, Infinity, -1e13, 0]);
		wild.anomalies = [1, -1, 99, 2.5, 2];
		const { image: wildImage, layout: wildLayout } = render(wild);
		expect(wildLayout.yTicks[0]).toBeLessThanOrEqual(-1e13);
		expect(wildLayout.yTicks[wildLayout.yTicks.length - 1]).toBeGreaterThanOrEqual(2e12);
		expect(wildImage.badCrcChunks).toEqual([]);
		// The anomaly at a bucket without a value is a diamond at the bottom of the plot.
		const x = Math.round(wildLayout.xOfTimeMs(wild.timesMs[2]));
		expect(
			coloursIn(wildImage, x, wildLayout.plotBottomPx - 9, x, wildLayout.plotBottomPx),
		).toContain(ChartColour.anomaly);
	});

	it('renders 10,000 points with the band under 30 KB, per-column min and max kept', () => {
		const count = 10_000;
		const random = seededRandom(11);
		const big = hourly(
			Array.from({ length: count }, (_, i) => 100 + 30 * Math.sin(i / 24) + random() * 10),
		);
		big.values[5000] = 1000; // a one-bucket spike, not marked
		big.expected = Float64Array.from(big.values, (_, i) => 100 + 30 * Math.sin(i / 24));
		big.lower = big.expected.map((v) => v - 15);
		big.upper = big.expected.map((v) => v + 15);
		big.anomalies = [2000];
		// Its speed is measured in bench/trends-bench.mjs, not here: a timed test fails on a loaded machine.
		const png = renderSeriesChart(big);
		expect(png.length).toBeLessThan(30_000);
		// The one-bucket spike survives downsampling to about 740 columns.
		const { image: bigImage, layout: bigLayout } = render(big);
		const x = Math.round(bigLayout.xOfTimeMs(big.timesMs[5000]));
		const spikeY = Math.round(bigLayout.yOfValue(1000));
		expect(coloursIn(bigImage, x - 1, spikeY, x + 1, spikeY + 2)).toContain(ChartColour.value);
	});

	it('honours another size and shortens a title that does not fit', () => {
		const small = {
			...hourly([1, 2, 3, 2, 1]),
			title: 'A very long title '.repeat(10_000),
			unit: 'seconds',
			expected: Float64Array.of(2, 2, 2, 2, 2),
			lower: Float64Array.of(1, 1, 1, 1, 1),
			upper: Float64Array.of(3, 3, 3, 3, 3),
			anomalies: [2],
			widthPx: 320,
			heightPx: 180,
		};
		const { image: smallImage } = render(small);
		expect([smallImage.width, smallImage.height]).toEqual([320, 180]);
		expect(coloursIn(smallImage, 312, 0, 319, 20).has(ChartColour.title)).toBe(false);
		// The legend keeps what fits right of the unit: here the value line and the expected line.
		const legendRow = coloursIn(smallImage, 0, 22, 319, 32);
		expect(legendRow).toContain(ChartColour.value);
		expect(legendRow).toContain(ChartColour.expected);
		expect(legendRow.has(ChartColour.band)).toBe(false);
	});
});
