import { findMetric, parseMetricField } from '../../shared/core/catalogue';
import { DAY_MS } from '../../shared/core/time';
import { formatLocalTime } from './calendar';
import { truncated } from './truncate';

/**
 * A number for a sentence: whole numbers from 100 up, one decimal from 10, else up to two decimals
 * (trailing zeros dropped).
 */
export function formatNumber(value: number): string {
	if (!Number.isFinite(value)) return 'n/a';
	const magnitude = Math.abs(value);
	const decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2;
	return String(Number(value.toFixed(decimals)));
}

/** Rounds to `decimals` decimal places; `null` for a non-finite number (JSON has no NaN). */
export function roundOrNull(value: number, decimals: number): number | null {
	if (!Number.isFinite(value)) return null;
	const factor = 10 ** decimals;
	return Math.round(value * factor) / factor;
}

const AGGREGATION_WORDS: Record<string, (name: string) => string> = {
	sum: (name) => `total ${name}`,
	avg: (name) => `average ${name}`,
	pct: (name) => `${name} rate`,
	min: (name) => `minimum ${name}`,
	max: (name) => `maximum ${name}`,
};

/**
 * Words for a metric field named `<metric>_<aggregation>` after the catalogue: `count_sum` → "volume",
 * `handle_time_avg` → "average handle time", `abandoned_pct` → "abandoned rate"; other fields as named.
 */
export function metricPhrase(field: string): string {
	if (field === 'count_sum' || field === 'count') return 'volume';
	const metric = parseMetricField(field);
	if (metric === undefined) return field;
	return AGGREGATION_WORDS[metric.aggregation](findMetric(metric.name)!.displayName.toLowerCase());
}

/** Label of a group-by combination: its values joined by " / " ("grp_002 / chat"); "all" without any. */
export function seriesLabel(groupValues: Record<string, unknown>): string {
	const parts = Object.values(groupValues)
		.filter((value) => value !== null && value !== '')
		.map(String);
	return parts.length > 0 ? parts.join(' / ') : 'all';
}

/**
 * Subject of a sentence about one series: the channel (when grouped by channel) and the metric phrase,
 * then "for" the other group values — "Chat volume for grp_002". The channel and the other values are each
 * cut to MAX_LABEL_CHARS ("…"): the sentence is for people; the values are in the record's own fields.
 */
export function seriesSubject(groupValues: Record<string, unknown>, metric: string): string {
	const channel = groupValues.channel;
	const phrase = truncated(metricPhrase(metric));
	const head =
		typeof channel === 'string' && channel !== '' ? `${truncated(channel)} ${phrase}` : phrase;
	const others = Object.entries(groupValues)
		.filter(([field, value]) => field !== 'channel' && value !== null && value !== '')
		.map(([, value]) => String(value));
	const subject = others.length > 0 ? `${head} for ${truncated(others.join(' / '))}` : head;
	return subject.charAt(0).toUpperCase() + subject.slice(1);
}

/** How a bucket's time is written: "at 14:00", "at Mon 1 Jan 14:00" when the data spans days, "on Mon 1 Jan" for DAY buckets. */
export function bucketTimePhrase(
	timeMs: number,
	bucketMs: number,
	spanMs: number,
	zone: string,
): string {
	if (bucketMs >= DAY_MS) return `on ${formatLocalTime(timeMs, zone, true, true)}`;
	return `at ${formatLocalTime(timeMs, zone, spanMs >= DAY_MS)}`;
}

/** The facts one anomaly sentence is made of. */
export interface AnomalyFacts {
	subject: string;
	timePhrase: string;
	value: number;
	expected: number;
	spread: number;
	type: string;
	/** Buckets the episode lasted (1 for a single bucket). */
	episodeBuckets: number;
	/** Length of the episode in words ("3 h"), when it lasted more than one bucket. */
	episodeLength?: string;
	missingBucket: boolean;
}

/**
 * One sentence for a supervisor: "Chat volume for grp_002 at 14:00 was 212, expected 120 ± 15 (spike)."
 * The ± is one robust standard deviation. A level shift says how long it lasted.
 */
export function describeAnomaly(facts: AnomalyFacts): string {
	const value = facts.missingBucket
		? `${formatNumber(facts.value)} (no data in that bucket)`
		: formatNumber(facts.value);
	const kind =
		facts.type === 'LEVEL_SHIFT'
			? `level shift${facts.episodeLength ? `, lasting ${facts.episodeLength}` : ''}`
			: facts.type === 'SPIKE'
				? 'spike'
				: 'drop';
	return `${facts.subject} ${facts.timePhrase} was ${value}, expected ${formatNumber(facts.expected)} ± ${formatNumber(facts.spread)} (${kind}).`;
}

/** A duration in words: "45 min", "3 h", "2 days". */
export function durationPhrase(ms: number): string {
	if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
	if (ms < 2 * DAY_MS) return `${formatNumber(ms / 3_600_000)} h`;
	return `${formatNumber(ms / DAY_MS)} days`;
}

/** The facts one goal sentence is made of. */
export interface GoalFacts {
	subject: string;
	direction: 'atLeast' | 'atMost';
	goal: number;
	/** When the first bucket that missed the goal started ("at Tue 16 Jan 14:00"). */
	startPhrase: string;
	/** How long it missed the goal so far, or until it recovered ("3 h"). */
	length: string;
	/** The value furthest from the goal. */
	worst: number;
	/** When it met the goal again; undefined while it still misses it. */
	recoveredPhrase?: string;
	/** The unit after a number (" %" for rates), or ''. */
	unit: string;
}

/**
 * One sentence about a missed goal: "Voice service level for grp_002 has been below its goal of 80 % since
 * 14:00 (3 h; lowest 65.2 %)." or, recovered, "… was below its goal of 80 % from 14:00 for 3 h (lowest
 * 65.2 %); back at goal at 17:00."
 */
export function describeGoal(facts: GoalFacts): string {
	const side = facts.direction === 'atLeast' ? 'below' : 'above';
	const extreme = facts.direction === 'atLeast' ? 'lowest' : 'highest';
	const goal = `${formatNumber(facts.goal)}${facts.unit}`;
	const worst = `${extreme} ${formatNumber(facts.worst)}${facts.unit}`;
	if (facts.recoveredPhrase === undefined) {
		return `${facts.subject} has been ${side} its goal of ${goal} since ${facts.startPhrase.replace(/^(at|on) /, '')} (${facts.length}; ${worst}).`;
	}
	return `${facts.subject} was ${side} its goal of ${goal} from ${facts.startPhrase.replace(/^(at|on) /, '')} for ${facts.length} (${worst}); back at goal ${facts.recoveredPhrase}.`;
}
