/**
 * The catalogue is complete: every metric × aggregation the nodes offer is answered by the simulator,
 * and in platform mode is either computed from completed contacts or listed as unavailable (and so
 * not offered there).
 */
import type { CompletedContact } from '../../nodes/NiceCxoneAnalytics/core/platform/contacts';
import {
	ContactAggregator,
	PLATFORM_UNAVAILABLE_METRICS,
} from '../../nodes/NiceCxoneAnalytics/core/platform/contacts';
import type { QueryBody } from '../../nodes/NiceCxoneAnalytics/core/query';
import type { ResultRow } from '../../nodes/NiceCxoneAnalytics/core/rows';
import { LIMITS, METRICS } from '../../nodes/shared/core/catalogue';
import { startSimulatorProcess } from '../support/simulator';

const PAIRS = METRICS.flatMap((metric) =>
	metric.aggregations.map((aggregation) => ({ name: metric.name, aggregation })),
);
const WEEK = {
	bucketSize: 'DAY' as const,
	start: '2024-01-08T00:00:00Z',
	end: '2024-01-15T00:00:00Z',
	timeZone: 'UTC',
};

describe('catalogue completeness', () => {
	let sim: Awaited<ReturnType<typeof startSimulatorProcess>>;
	beforeAll(async () => {
		sim = await startSimulatorProcess({ seed: 2 });
	});
	afterAll(async () => await sim.stop());

	it('the simulator answers every metric × aggregation with a number for every day of a week', async () => {
		const answered: string[] = [];
		// A query holds at most LIMITS.maxMetrics metrics.
		for (let first = 0; first < PAIRS.length; first += LIMITS.maxMetrics) {
			const metrics = PAIRS.slice(first, first + LIMITS.maxMetrics);
			const { rows } = (await sim.truth({ metrics, dimensions: [], timeSeries: WEEK })) as {
				rows: ResultRow[];
			};
			expect(rows).toHaveLength(7);
			for (const metric of rows.flatMap((row) => row.metrics)) {
				if (Number.isFinite(metric.value)) answered.push(`${metric.name}:${metric.aggregation}`);
			}
		}
		expect(answered).toHaveLength(7 * PAIRS.length);
		expect(new Set(answered)).toEqual(
			new Set(PAIRS.map(({ name, aggregation }) => `${name}:${aggregation}`)),
		);
	});

	it('platform mode computes every metric × aggregation from completed contacts, or lists the metric as unavailable', () => {
		const offered = PAIRS.filter(({ name }) => !(name in PLATFORM_UNAVAILABLE_METRICS));
		expect(
			offered.length + PAIRS.filter(({ name }) => name in PLATFORM_UNAVAILABLE_METRICS).length,
		).toBe(PAIRS.length);
		expect(
			Object.keys(PLATFORM_UNAVAILABLE_METRICS).every((name) =>
				METRICS.some((metric) => metric.name === name),
			),
		).toBe(true);
		const body = { metrics: offered, dimensions: [], timeSeries: WEEK } as QueryBody;
		const aggregator = new ContactAggregator(body);
		const contact: CompletedContact = {
			contactId: 1,
			contactStartDate: '2024-01-09T10:00:00Z',
			mediaTypeId: 4,
			skillId: 1,
			teamId: 1,
			agentId: 1,
			isOutbound: false,
			abandoned: false,
			inQueueSeconds: 20,
			agentSeconds: 200,
			holdSeconds: 30,
			acwSeconds: 40,
			totalDurationSeconds: 290,
			serviceLevelFlag: 1,
			transferIndicatorId: 0,
			dispositionCode: 1,
		};
		aggregator.add(contact);
		const [row] = aggregator.rows();
		expect(row.metrics.filter((metric) => !Number.isFinite(metric.value))).toEqual([]);
		expect(row.metrics).toHaveLength(offered.length);
	});
});
