/**
 * The default method on the simulator's own seasonal contact-centre data, as the query node would deliver
 * it (hourly buckets, one row per bucket and dimension value, no row for a bucket without contacts): every
 * incident the simulator plants is found on its series, at its start, with the right type — and weeks
 * without incidents raise nothing.
 */
import type { IDataObject } from 'n8n-workflow';

import type { ResultRow } from '../../nodes/NiceCxoneAnalytics/core/rows';
import { flattenRow } from '../../nodes/NiceCxoneAnalytics/core/rows';
import {
	analyzeRows,
	type RowsAnalysis,
	type SeriesResult,
} from '../../nodes/NiceCxoneTrends/core/analyzeRows';
import { DEFAULT_SETTINGS } from '../../nodes/NiceCxoneTrends/core/analyzeSeries';
import { anomalyTypeName, type AnomalyType } from '../../nodes/NiceCxoneTrends/core/detection';
import { request } from '../support/http';
import { startSimulatorProcess } from '../support/simulator';

type Simulator = Awaited<ReturnType<typeof startSimulatorProcess>>;

interface Incident {
	kind: 'volume_spike' | 'handle_time_increase' | 'channel_outage';
	dimension: string;
	value: string;
	start: string;
	end: string;
	metric: string;
	factor: number;
}

interface Alert {
	bucketStart: string;
	type: AnomalyType | null;
	value: number;
	expected: number;
	score: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** History before an incident: five weeks, so its weekday has the same-weekday reference too. */
const HISTORY_DAYS = 35;
/** Query node field of each contract dimension. */
const FIELD_OF: Record<string, string> = {
	'group.id': 'groupId',
	'skill.id': 'skillId',
	channel: 'channel',
};
/** Metric of each incident, as the query node names its column. */
const METRIC_OF: Record<Incident['kind'], { name: string; aggregation: string; field: string }> = {
	volume_spike: { name: 'count', aggregation: 'sum', field: 'count_sum' },
	channel_outage: { name: 'count', aggregation: 'sum', field: 'count_sum' },
	handle_time_increase: { name: 'handle_time', aggregation: 'avg', field: 'handle_time_avg' },
};
const TYPE_OF: Record<Incident['kind'], AnomalyType> = {
	volume_spike: 'SPIKE',
	channel_outage: 'DROP',
	handle_time_increase: 'SPIKE',
};

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The simulator's ground truth of an hourly query, flattened as the query node outputs it. */
async function hourlyRows(
	sim: Simulator,
	dimension: string,
	metric: { name: string; aggregation: string },
	startMs: number,
	endMs: number,
): Promise<IDataObject[]> {
	const body = {
		metrics: [{ name: metric.name, aggregation: metric.aggregation }],
		dimensions: [{ name: dimension }],
		timeSeries: { bucketSize: 'HOUR', start: iso(startMs), end: iso(endMs), timeZone: 'UTC' },
	};
	const response = await request({ method: 'POST', url: `${sim.baseUrl}/_sim/truth`, body });
	expect(response.status).toBe(200);
	return (response.body.rows as ResultRow[]).map(flattenRow) as IDataObject[];
}

/** The node's core with its default settings, as the node runs it on these items. */
function analyse(rows: IDataObject[]): RowsAnalysis {
	return analyzeRows(rows, {
		timestampField: 'bucketStart',
		missingBuckets: 'auto',
		settings: DEFAULT_SETTINGS,
	});
}

function alertsOf(series: SeriesResult): Alert[] {
	const { detection } = series.analysis;
	const alerts: Alert[] = [];
	detection.alert.forEach((raised, bucket) => {
		if (raised !== 1) return;
		alerts.push({
			bucketStart: iso(series.grid.timesMs[bucket]),
			type: anomalyTypeName(detection.anomalyType[bucket]),
			value: series.grid.values[bucket],
			expected: detection.expected[bucket],
			score: detection.score[bucket],
		});
	});
	return alerts;
}

describe('seasonal robust detection on the simulator’s data', () => {
	let sim: Simulator;
	let incidents: Incident[];
	beforeAll(async () => {
		sim = await startSimulatorProcess({ seed: 1, profile: 'clean' });
		incidents = (await request({ url: `${sim.baseUrl}/_sim/incidents` })).body as Incident[];
	});
	afterAll(async () => await sim.stop());

	it('has incidents of every kind to find: one of each per year, 2023 to 2026', () => {
		expect(incidents).toHaveLength(12);
		for (const kind of ['volume_spike', 'handle_time_increase', 'channel_outage'] as const) {
			const years = incidents
				.filter((incident) => incident.kind === kind)
				.map((incident) => incident.start.slice(0, 4));
			expect(years).toEqual(['2023', '2024', '2025', '2026']);
		}
	});

	/** Each incident with the analysis of the five weeks before it and the two days from its start. */
	async function analyseAround(
		incident: Incident,
	): Promise<{ analysis: RowsAnalysis; own: SeriesResult }> {
		const dayStart = Math.floor(Date.parse(incident.start) / DAY_MS) * DAY_MS;
		const rows = await hourlyRows(
			sim,
			incident.dimension,
			METRIC_OF[incident.kind],
			dayStart - HISTORY_DAYS * DAY_MS,
			dayStart + 2 * DAY_MS,
		);
		const analysis = analyse(rows);
		const own = analysis.series.find(
			(series) => series.groupValues[FIELD_OF[incident.dimension]] === incident.value,
		);
		if (own === undefined) throw new Error(`No series for ${incident.value}`);
		expect(own.metric).toBe(METRIC_OF[incident.kind].field);
		expect(own.analysis.status).toBe('ok');
		return { analysis, own };
	}

	it.each(['volume_spike', 'channel_outage'] as const)(
		'%s: one alert at the first hour of each incident on its series, at most one per 1000 buckets elsewhere in five weeks',
		async (kind) => {
			for (const incident of incidents.filter((candidate) => candidate.kind === kind)) {
				const { analysis, own } = await analyseAround(incident);
				const alerts = alertsOf(own);
				expect(alerts.map(({ bucketStart, type }) => ({ bucketStart, type }))).toEqual([
					{ bucketStart: incident.start, type: TYPE_OF[kind] },
				]);
				if (kind === 'channel_outage')
					expect(alerts[0].value).toBe(0); // no row = no contacts = 0
				else expect(alerts[0].value).toBeGreaterThan(2 * alerts[0].expected); // factor 3
				// The incident's second hour belongs to the same episode: one alert, not two.
				const second = own.grid.timesMs.indexOf(Date.parse(incident.start) + HOUR_MS);
				expect(own.analysis.detection.episode[second]).toBeGreaterThan(0);
				// Elsewhere: within the clean-series budget of at most one alert per 1000 buckets.
				const others = analysis.series.filter((series) => series !== own);
				const elsewhere = others.reduce((sum, series) => sum + alertsOf(series).length, 0);
				const buckets = others.reduce((sum, series) => sum + series.grid.timesMs.length, 0);
				expect((1000 * elsewhere) / buckets).toBeLessThanOrEqual(1);
			}
		},
	);

	it('handle_time_increase: a SPIKE in average handle time of the skill during the slow day', async () => {
		for (const incident of incidents.filter(
			(candidate) => candidate.kind === 'handle_time_increase',
		)) {
			const { own } = await analyseAround(incident);
			const during = alertsOf(own).filter(
				({ bucketStart }) => bucketStart >= incident.start && bucketStart < incident.end,
			);
			expect(during.length).toBeGreaterThanOrEqual(1);
			expect(during[0].type).toBe('SPIKE');
			// 1.6 × the usual handle time: well above what earlier days at that hour expect.
			expect(during[0].value).toBeGreaterThan(1.3 * during[0].expected);
		}
	});

	it('raises nothing on eight clean weeks of contact volume by group and by channel', async () => {
		// No incidents are planted before 2023; five weeks of history, then eight weeks judged in full.
		const start = Date.UTC(2022, 1, 1);
		const end = start + (HISTORY_DAYS + 56) * DAY_MS;
		for (const dimension of ['group.id', 'channel']) {
			const analysis = analyse(
				await hourlyRows(sim, dimension, METRIC_OF.volume_spike, start, end),
			);
			expect(analysis.series.length).toBeGreaterThanOrEqual(4);
			for (const series of analysis.series) {
				expect(series.analysis.status).toBe('ok');
				expect(alertsOf(series)).toEqual([]);
			}
		}
	});
});
