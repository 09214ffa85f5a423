import { analyzeRows } from '../../../../nodes/NiceCxoneTrends/core/analyzeRows';
import { DEFAULT_SETTINGS } from '../../../../nodes/NiceCxoneTrends/core/analyzeSeries';
import {
	MAX_CHART_FILE_STEM,
	chartFileName,
} from '../../../../nodes/NiceCxoneTrends/core/chart/seriesChartInput';
import { seriesSubject } from '../../../../nodes/NiceCxoneTrends/core/describe';
import {
	MAX_LABEL_CHARS,
	fingerprint,
	truncated,
	uniqueTruncated,
} from '../../../../nodes/NiceCxoneTrends/core/truncate';

describe('labels cut to a length', () => {
	it('cuts a long text to MAX_LABEL_CHARS with an ellipsis, never inside a surrogate pair', () => {
		expect(MAX_LABEL_CHARS).toBe(120);
		expect(truncated('grp_001')).toBe('grp_001');
		const cut = truncated('x'.repeat(5000));
		expect([cut.length, cut.endsWith('x…')]).toEqual([120, true]);
		// An emoji (two UTF-16 units) across the cut is left out whole.
		const emoji = truncated(`${'x'.repeat(118)}😀tail`);
		expect([emoji.length, emoji]).toEqual([119, `${'x'.repeat(118)}…`]);
	});

	it('keeps two long labels apart by the fingerprint of the whole', () => {
		const a = uniqueTruncated(`${'x'.repeat(5000)}a`);
		const b = uniqueTruncated(`${'x'.repeat(5000)}b`);
		expect([a.length, b.length]).toEqual([120, 120]);
		expect(a).toBe(`${'x'.repeat(105)}… #${fingerprint(`${'x'.repeat(5000)}a`)}`);
		expect(a).not.toBe(b);
		expect(fingerprint('abc')).toBe('ba7816bf8f01');
		expect(uniqueTruncated('grp_001 / chat')).toBe('grp_001 / chat');
	});

	it("cuts the group values in a sentence's subject, each part on its own", () => {
		const long = 'y'.repeat(5000);
		expect(seriesSubject({ channel: 'chat', groupId: long }, 'count_sum')).toBe(
			`Chat volume for ${'y'.repeat(119)}…`,
		);
		expect(seriesSubject({ channel: long }, 'count_sum')).toBe(`${'Y'}${'y'.repeat(118)}… volume`);
	});

	it('cuts a chart file name to MAX_CHART_FILE_STEM characters before .png, two long names apart', () => {
		const config = {
			timestampField: 'bucketStart',
			missingBuckets: 'auto' as const,
			settings: DEFAULT_SETTINGS,
		};
		const rows = ['a', 'b', 'short'].flatMap((end) =>
			Array.from({ length: 24 }, (_, h) => ({
				bucketStart: new Date(Date.UTC(2024, 0, 1) + h * 3_600_000).toISOString(),
				groupId: end === 'short' ? 'grp_001' : `${'z'.repeat(5000)}${end}`,
				count_sum: 10,
			})),
		);
		const names = analyzeRows(rows, config).series.map(chartFileName);
		expect(names.map((name) => name.length)).toEqual([
			MAX_CHART_FILE_STEM + 4,
			MAX_CHART_FILE_STEM + 4,
			'grp_001-count_sum.png'.length,
		]);
		expect(names[0]).toMatch(/^z{107}-[0-9a-f]{12}\.png$/);
		expect(names[0]).not.toBe(names[1]);
		expect(names[2]).toBe('grp_001-count_sum.png');
	});
});
