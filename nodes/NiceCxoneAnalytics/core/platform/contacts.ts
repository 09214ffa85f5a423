import { LIMITS } from '../../../shared/core/catalogue';
import { ROWS_PER_STEP, runStepsNow, type Steps } from '../../../shared/core/steps';
import { bucketStartOf, toIsoUtc } from '../buckets';
import type { Filter, QueryBody } from '../query';
import type { ResultRow } from '../rows';
import { sortSteps } from '../steps';
import { QueryValidationError } from '../validationError';

/**
 * Most rows (bucket × dimension values) the aggregation of completed contacts holds: the analytics
 * API's own limit per query. Each row keeps its running totals, so a range where every contact has an
 * agent of its own would otherwise hold one row per contact (10,000,000 rows crashed n8n out of memory).
 */
export const MAX_AGGREGATED_ROWS = LIMITS.maxEstimatedRows;

/** 12345678 as '12,345,678', whatever the locale. */
const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** One record of `GET /contacts/completed` (the fields the aggregation reads). */
export interface CompletedContact {
	contactId: number;
	contactStartDate: string;
	lastUpdateTime?: string;
	mediaTypeId: number;
	mediaTypeName?: string;
	skillId: number | null;
	teamId: number | null;
	agentId: number | null;
	isOutbound: boolean;
	abandoned: boolean;
	inQueueSeconds: number;
	agentSeconds: number;
	holdSeconds: number;
	acwSeconds: number;
	totalDurationSeconds: number;
	/** 1 answered within the threshold, 0 outside, −1 not applicable. */
	serviceLevelFlag: number;
	transferIndicatorId: number;
	dispositionCode: number | null;
}

/** Metrics completed contacts cannot give, and why; the node does not offer them in platform mode. */
export const PLATFORM_UNAVAILABLE_METRICS: Record<string, string> = {
	first_contact_resolved:
		'completed contacts do not say whether a contact was resolved without a repeat',
	sentiment: 'completed contacts carry no sentiment',
};

/** Dimensions completed contacts cannot give. */
export const PLATFORM_UNAVAILABLE_DIMENSIONS: Record<string, string> = {
	'group.id': 'completed contacts carry skill, team and agent, not group',
};

/** CXone media types → the catalogue's channels. */
const MEDIA_TYPE_CHANNELS: Record<number, string> = {
	1: 'email',
	3: 'chat',
	4: 'voice',
	5: 'voice',
	7: 'sms',
	8: 'social',
};

/** The value of a catalogue dimension for a contact (ids as text, as the analytics API gives them). */
export function contactDimension(contact: CompletedContact, dimension: string): string {
	switch (dimension) {
		case 'skill.id':
			return String(contact.skillId ?? '');
		case 'team.id':
			return String(contact.teamId ?? '');
		case 'agent.id':
			return String(contact.agentId ?? '');
		case 'channel':
			return (
				MEDIA_TYPE_CHANNELS[contact.mediaTypeId] ??
				String(contact.mediaTypeName ?? contact.mediaTypeId).toLowerCase()
			);
		case 'direction':
			return contact.isOutbound ? 'outbound' : 'inbound';
		case 'disposition':
			return String(contact.dispositionCode ?? '');
		default:
			throw new Error(`Dimension ${dimension} is not available from completed contacts.`);
	}
}

/** Whether a contact passes a contract filter (values compared as text). */
export function matchesFilter(contact: CompletedContact, filter: Filter | undefined): boolean {
	if (!filter) return true;
	switch (filter.type) {
		case 'equals':
			return contactDimension(contact, filter.field) === filter.value;
		case 'notEquals':
			return contactDimension(contact, filter.field) !== filter.value;
		case 'in':
			return filter.values.includes(contactDimension(contact, filter.field));
		case 'and':
			return filter.filters.every((f) => matchesFilter(contact, f));
		case 'or':
			return filter.filters.some((f) => matchesFilter(contact, f));
	}
}

/** The duration metrics of a contact, in seconds, in the order RowTotals keeps them. */
const DURATION_METRICS = [
	'duration',
	'handle_time',
	'talk_time',
	'hold_time',
	'acw_time',
	'queue_time',
] as const;
const DURATION_INDEX = new Map<string, number>(DURATION_METRICS.map((name, i) => [name, i]));
const DURATIONS = DURATION_METRICS.length;

/**
 * Running totals of one (bucket, dimension values) row: counts, and the sum, min and max of each
 * duration metric in one typed array (a million rows take about 200 bytes each, not the 1 kB that
 * three objects of six properties a row took).
 */
class RowTotals {
	count = 0;
	abandoned = 0;
	transferred = 0;
	withinServiceLevel = 0;
	serviceLevelApplies = 0;
	/** Sums, then mins, then maxs, each in DURATION_METRICS order. */
	private readonly seconds = new Float64Array(3 * DURATIONS)
		.fill(Infinity, DURATIONS, 2 * DURATIONS)
		.fill(-Infinity, 2 * DURATIONS);

	add(contact: CompletedContact): void {
		this.count++;
		if (contact.abandoned) this.abandoned++;
		if (contact.transferIndicatorId !== 0) this.transferred++;
		if (contact.serviceLevelFlag === 0 || contact.serviceLevelFlag === 1) {
			this.serviceLevelApplies++;
			this.withinServiceLevel += contact.serviceLevelFlag;
		}
		const s = this.seconds;
		const values = secondsOf(contact);
		for (let i = 0; i < DURATIONS; i++) {
			const seconds = values[i];
			s[i] += seconds;
			if (seconds < s[DURATIONS + i]) s[DURATIONS + i] = seconds;
			if (seconds > s[2 * DURATIONS + i]) s[2 * DURATIONS + i] = seconds;
		}
	}

	value(metric: string, aggregation: string): number | null {
		const percent = (part: number, whole: number) =>
			whole === 0 ? null : roundTo4((100 * part) / whole);
		switch (metric) {
			case 'count':
				return this.count;
			case 'abandoned':
				return aggregation === 'pct' ? percent(this.abandoned, this.count) : this.abandoned;
			case 'transferred':
				return aggregation === 'pct' ? percent(this.transferred, this.count) : this.transferred;
			case 'service_level':
				return percent(this.withinServiceLevel, this.serviceLevelApplies);
		}
		const i = DURATION_INDEX.get(metric);
		if (i !== undefined) {
			switch (aggregation) {
				case 'sum':
					return this.seconds[i];
				case 'avg':
					return roundTo4(this.seconds[i] / this.count);
				case 'min':
					return this.seconds[DURATIONS + i];
				case 'max':
					return this.seconds[2 * DURATIONS + i];
			}
		}
		throw new Error(`${metric}:${aggregation} is not available from completed contacts.`);
	}
}

/** Averages and percentages to 4 decimals, as the analytics API gives them. */
function roundTo4(value: number): number {
	return Math.round(value * 10_000) / 10_000;
}

/** The duration metrics of a contact, in seconds, in DURATION_METRICS order (handle time = talk + hold + after-contact work). */
function secondsOf(c: CompletedContact): number[] {
	return [
		c.totalDurationSeconds,
		c.agentSeconds + c.holdSeconds + c.acwSeconds,
		c.agentSeconds,
		c.holdSeconds,
		c.acwSeconds,
		c.inQueueSeconds,
	];
}

/**
 * Aggregates completed contacts into the rows an analytics query would give: bucketed by contact
 * start in the query's time zone, grouped by the query's dimensions, filtered by its filter, with
 * `avg` weighted over all contacts of a row and `pct` a percentage of them (service level: of the
 * contacts it applies to), both to 4 decimals like the analytics API. Contacts outside [start, end)
 * are ignored.
 */
export class ContactAggregator {
	private readonly totals = new Map<
		string,
		{ bucketStartMs: number; values: string[]; totals: RowTotals }
	>();
	private readonly startMs: number;
	private readonly endMs: number;

	constructor(
		private readonly body: QueryBody,
		/** Most rows it holds; a contact that would start one more is refused (see MAX_AGGREGATED_ROWS). */
		private readonly maxRows: number = MAX_AGGREGATED_ROWS,
	) {
		this.startMs = Date.parse(body.timeSeries.start);
		this.endMs = Date.parse(body.timeSeries.end);
	}

	add(contact: CompletedContact): void {
		const startedMs = Date.parse(contact.contactStartDate);
		if (
			!(startedMs >= this.startMs && startedMs < this.endMs) ||
			!matchesFilter(contact, this.body.filter)
		)
			return;
		const { bucketSize, timeZone } = this.body.timeSeries;
		const bucketStartMs = bucketStartOf(startedMs, bucketSize, timeZone);
		const values = this.body.dimensions.map((d) => contactDimension(contact, d.name));
		const key = `${bucketStartMs}\u0000${values.join('\u0000')}`;
		let row = this.totals.get(key);
		if (!row) {
			if (this.totals.size >= this.maxRows) {
				throw new QueryValidationError(
					'Time Range',
					`The completed contacts make more than ${grouped(this.maxRows)} rows (one per bucket and combination of dimension values); the node aggregates at most ${grouped(this.maxRows)}, as the analytics API returns at most that many per query. Narrow the Time Range, choose a larger Bucket Size, remove a dimension (Agent has the most values) or add a Filter.`,
				);
			}
			row = { bucketStartMs, values, totals: new RowTotals() };
			this.totals.set(key, row);
		}
		row.totals.add(contact);
	}

	/** The rows, ordered by bucket start, then dimension values in the query's order. */
	rows(): ResultRow[] {
		return runStepsNow(this.rowSteps());
	}

	/**
	 * {@link rows} in steps: sorted in steps (sortSteps), then each row made (1 unit and 1 a metric,
	 * yielded every ROWS_PER_STEP rows). At 107,000 rows sorting and making them at once held the event
	 * loop for 1.2 s.
	 */
	*rowSteps(): Steps<ResultRow[]> {
		const compare = (a: string[], b: string[]) => {
			for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
			return 0;
		};
		type Entry = { bucketStartMs: number; values: string[]; totals: RowTotals };
		const entries = yield* sortSteps(
			[...this.totals.values()],
			(a: Entry, b: Entry) => a.bucketStartMs - b.bucketStartMs || compare(a.values, b.values),
		);
		const { dimensions, metrics } = this.body;
		const rows: ResultRow[] = [];
		for (const { bucketStartMs, values, totals } of entries) {
			const byName: Record<string, string> = {};
			for (let i = 0; i < dimensions.length; i++) byName[dimensions[i].name] = values[i];
			rows.push({
				timeSeries: toIsoUtc(bucketStartMs),
				dimensions: byName,
				metrics: metrics.map((m) => ({
					name: m.name,
					aggregation: m.aggregation,
					value: totals.value(m.name, m.aggregation),
				})),
			});
			if (rows.length % ROWS_PER_STEP === 0) yield ROWS_PER_STEP * (1 + metrics.length);
		}
		return rows;
	}
}
