import type { Goal } from '../../../../nodes/NiceCxoneTrends/core/goals';
import { goalEpisodes } from '../../../../nodes/NiceCxoneTrends/core/goals';

const serviceLevel = (forBuckets: number): Goal => ({
	metric: 'service_level_pct',
	direction: 'atLeast',
	value: 80,
	forBuckets,
});

describe('goal episodes', () => {
	it('alert on the forBuckets-th miss in a row and recover on the first of forBuckets met in a row', () => {
		expect(goalEpisodes([90, 79, 78, 77, 76, 85, 86, 87, 90], serviceLevel(3))).toEqual([
			{
				startIndex: 1,
				alertIndex: 3,
				recoveredIndex: 5,
				worstIndex: 4,
				buckets: 4,
				critical: false,
			},
		]);
	});

	it('a dip shorter than forBuckets is no episode, nor is a miss cut by one met bucket', () => {
		expect(goalEpisodes([90, 70, 90, 70, 90], serviceLevel(2))).toEqual([]);
	});

	it('an episode that has not recovered is ongoing; twice forBuckets in a row makes it critical', () => {
		expect(goalEpisodes([90, 70, 71, 72, 69], serviceLevel(2))).toEqual([
			{
				startIndex: 1,
				alertIndex: 2,
				recoveredIndex: null,
				worstIndex: 4,
				buckets: 4,
				critical: true,
			},
		]);
	});

	it('a value beyond the critical value makes it critical (abandon % at most 5, critical from 10)', () => {
		const abandon: Goal = {
			metric: 'abandoned_pct',
			direction: 'atMost',
			value: 5,
			forBuckets: 1,
			criticalValue: 10,
		};
		expect(goalEpisodes([3, 6, 12, 4, 4, 7, 3], abandon)).toEqual([
			{
				startIndex: 1,
				alertIndex: 1,
				recoveredIndex: 3,
				worstIndex: 2,
				buckets: 2,
				critical: true,
			},
			{
				startIndex: 5,
				alertIndex: 5,
				recoveredIndex: 6,
				worstIndex: 5,
				buckets: 1,
				critical: false,
			},
		]);
	});

	it('buckets without a value neither miss nor meet the goal', () => {
		expect(goalEpisodes([90, 70, NaN, 70, 90, NaN, 90], serviceLevel(2))).toEqual([
			{
				startIndex: 1,
				alertIndex: 3,
				recoveredIndex: 4,
				worstIndex: 1,
				buckets: 3,
				critical: false,
			},
		]);
	});
});
