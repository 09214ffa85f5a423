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
});
