import type { BusinessHours } from '../../../../nodes/NiceCxoneTrends/core/businessHours';
import {
	parseBusinessHours,
	withinBusinessHours,
} from '../../../../nodes/NiceCxoneTrends/core/businessHours';

describe('business hours', () => {
	it('reads days, day ranges (wrapping the week) and several time ranges', () => {
		const hours = parseBusinessHours(
			'Mon-Fri 08:00-12:00, 13:00-18:00; Sat,Sun 10:00-24:00; Fri-Mon 00:00-01:00',
		) as BusinessHours;
		expect([...hours.entries()].sort(([a], [b]) => a - b)).toEqual([
			[
				1,
				[
					[480, 720],
					[780, 1080],
					[0, 60],
				],
			],
			[
				2,
				[
					[480, 720],
					[780, 1080],
				],
			],
			[
				3,
				[
					[480, 720],
					[780, 1080],
				],
			],
			[
				4,
				[
					[480, 720],
					[780, 1080],
				],
			],
			[
				5,
				[
					[480, 720],
					[780, 1080],
					[0, 60],
				],
			],
			[
				6,
				[
					[600, 1440],
					[0, 60],
				],
			],
			[
				7,
				[
					[600, 1440],
					[0, 60],
				],
			],
		]);
		expect(parseBusinessHours('  ')).toBeUndefined();
	});

	it.each([
		['Mon-Fri', "'Mon-Fri' is not days and hours; write e.g. Mon-Fri 08:00-18:00; Sat 09:00-13:00"],
		['Mo-Xy 08:00-18:00', "'Mo-Xy' is not a day or a range of days (Mon … Sun)"],
		[
			'Mon 18:00-08:00',
			"'18:00-08:00' is not a time range from an earlier to a later time (00:00 to 24:00)",
		],
		[
			'Mon 08:00-24:30',
			"'08:00-24:30' is not a time range from an earlier to a later time (00:00 to 24:00)",
		],
	])('refuses %j, saying how to write it', (text, problem) => {
		expect(parseBusinessHours(text)).toEqual({ problem });
	});

	it('judges an instant on the wall clock of the zone, daylight saving included', () => {
		const hours = parseBusinessHours('Mon-Fri 08:00-18:00') as BusinessHours;
		// Monday 2024-03-25 07:30 UTC is 08:30 in Berlin (CET+1 → CEST+2 on the 31st), 03:30 in New York.
		expect(withinBusinessHours(Date.parse('2024-03-25T07:30:00Z'), hours, 'Europe/Berlin')).toBe(
			true,
		);
		expect(withinBusinessHours(Date.parse('2024-03-25T07:30:00Z'), hours, 'America/New_York')).toBe(
			false,
		);
		expect(withinBusinessHours(Date.parse('2024-04-01T06:30:00Z'), hours, 'Europe/Berlin')).toBe(
			true,
		);
		expect(withinBusinessHours(Date.parse('2024-03-30T10:00:00Z'), hours, 'Europe/Berlin')).toBe(
			false,
		);
		expect(withinBusinessHours(Date.parse('2024-03-25T17:00:00Z'), hours, 'Europe/Berlin')).toBe(
			false,
		);
	});
});
