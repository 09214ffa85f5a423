import { analyzeRows } from '../../../../../nodes/NiceCxoneTrends/core/analyzeRows';
import { DEFAULT_SETTINGS } from '../../../../../nodes/NiceCxoneTrends/core/analyzeSeries';
import { seriesChartInput } from '../../../../../nodes/NiceCxoneTrends/core/chart/seriesChartInput';

const rows = Array.from({ length: 24 * 7 }, (_, h) => ({
	bucketStart: new Date(Date.UTC(2024, 0, 1) + h * 3_600_000).toISOString(),
	service_level_pct: 85 + (h % 5),
}));
const config = {
	timestampField: 'bucketStart',
	missingBuckets: 'auto' as const,
	settings: DEFAULT_SETTINGS,
};

describe('the chart of a series', () => {
	it("draws the metric's first goal as a labelled line, in the metric's unit", () => {
		const goals = [
			{ metric: 'service_level_pct', direction: 'atLeast' as const, value: 80, forBuckets: 2 },
			{ metric: 'service_level_pct', direction: 'atLeast' as const, value: 60, forBuckets: 1 },
		];
		const [series] = analyzeRows(rows, { ...config, goals }).series;
		expect(seriesChartInput(series, 4.5, 7).goal).toEqual({
			value: 80,
			label: 'goal >= 80 %',
		});
		const [plain] = analyzeRows(rows, config).series;
		expect(seriesChartInput(plain, 4.5, 7).goal).toBeUndefined();
	});
	it('labels days on the calendar the messages use: daily items at UTC midnights, a Chicago zone', () => {
		const days = Array.from({ length: 28 }, (_, d) => ({
			bucketStart: new Date(Date.UTC(2024, 2, 1) + d * 86_400_000).toISOString(),
			count_sum: 100 + (d % 3),
		}));
		const [series] = analyzeRows(days, {
			...config,
			settings: { ...DEFAULT_SETTINGS, timeZone: 'America/Chicago' },
		}).series;
		// Sunday 24 March at 00:00 UTC is Saturday evening in Chicago; the items' days are UTC days.
		expect(series.grid.zone).toBe('UTC');
		expect(seriesChartInput(series, 4.5, 7).formatTime(Date.UTC(2024, 2, 24))).toBe('Sun 24 Mar');
	});
});
