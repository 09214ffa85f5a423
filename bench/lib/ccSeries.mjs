// The contact-centre validation set of the Trends node: the simulator's own contacts aggregated as the
// Analytics node outputs them (bucketStart, groupId, channel, count_sum, handle_time_avg, abandoned_pct),
// at HOUR and DAY buckets in each set's time zone, per group and per group × channel, with incidents of
// known size and time planted in half of the series. Everything is a pure function of the seed.
//
// The simulator's day follows UTC; a contact centre's follows its own zone. So the rows are computed in UTC
// and each bucket is moved to the instant with the same wall-clock time in the set's zone: the daily and
// weekly cycle is local, and daylight saving leaves a missing hour in spring and an empty one in autumn,
// as a real group's rows do.
//
// Incidents (one per series at most, in that series' metric only):
//   spike  — HOUR: 1–3 buckets, DAY: 1 bucket;  drop — HOUR: 2–6 buckets, DAY: 1–2 buckets;
//   shift  — a level shift from its start to the end of the data (at least three weeks).
// Sizes: volume ×2–3 (spike), ×0.1–0.4 (drop), ×1.5–1.9 or ×0.45–0.65 (shift); handle time ×1.6–2.2,
// ×0.45–0.6, ×1.35–1.6; abandon % +15–35 points (spike), +8–15 points (shift) among the bucket's contacts.
// `incidentScale` (default 1) scales every incident's effect: a factor f becomes 1 + (f − 1) · scale, a
// number of abandon points points · scale; the same incidents at the same times, only smaller.
import { DateTime } from 'luxon';

import { createUniverse } from '../../simulator/data.mjs';
import { computeResult, materializeRows } from '../../simulator/aggregate.mjs';
import { hashInts, unitFromInts } from '../../simulator/hash.mjs';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Seeds and zones of the set: the first four tune, the next two are only ever checked. The last six, the
 * `fresh` part (`--part fresh`), were scored for the first time on 2026-12-07, after the defaults were set, as
 * a stand-in for a held-back set of the same kind: never tune on them; they are not in `all`.
 */
export const CC_SEEDS = [
	{ seed: 11, timeZone: 'America/New_York', part: 'tune' },
	{ seed: 12, timeZone: 'Europe/Berlin', part: 'tune' },
	{ seed: 13, timeZone: 'Asia/Kolkata', part: 'tune' },
	{ seed: 14, timeZone: 'UTC', part: 'tune' },
	{ seed: 15, timeZone: 'Australia/Sydney', part: 'check' },
	{ seed: 16, timeZone: 'America/Los_Angeles', part: 'check' },
	{ seed: 21, timeZone: 'America/Chicago', part: 'fresh' },
	{ seed: 22, timeZone: 'Europe/London', part: 'fresh' },
	{ seed: 23, timeZone: 'Asia/Singapore', part: 'fresh' },
	{ seed: 24, timeZone: 'America/Denver', part: 'fresh' },
	{ seed: 25, timeZone: 'Europe/Paris', part: 'fresh' },
	{ seed: 26, timeZone: 'Pacific/Auckland', part: 'fresh' },
];

const METRICS = [
	{ name: 'count', aggregation: 'sum', field: 'count_sum', kind: 'volume' },
	{ name: 'handle_time', aggregation: 'avg', field: 'handle_time_avg', kind: 'aht' },
	{ name: 'abandoned', aggregation: 'pct', field: 'abandoned_pct', kind: 'abandon' },
];

/** 2022 holds none of the simulator's own incidents: every anomaly in the set is a planted one. */
const RANGES = {
	HOUR: { start: Date.UTC(2022, 0, 3), days: 70, bucketMs: HOUR_MS },
	DAY: { start: Date.UTC(2022, 0, 3), days: 357, bucketMs: DAY_MS },
};

/** The hour of day of `ms` in `timeZone` (0–23). */
export function localHour(ms, timeZone) {
	return Number(new Intl.DateTimeFormat('en-GB', { timeZone, hour: 'numeric', hourCycle: 'h23' }).format(ms));
}
/** The short English weekday of `ms` in `timeZone` ('Mon' … 'Sun'). */
export function localWeekday(ms, timeZone) {
	return new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short' }).format(ms);
}

/** The UTC instant of the same wall-clock time in `timeZone`, as ISO text; null for a time the zone skips. */
function toLocalWallClock(utcIso, timeZone) {
	const utc = DateTime.fromISO(utcIso, { zone: 'UTC' });
	const local = DateTime.fromObject(
		{ year: utc.year, month: utc.month, day: utc.day, hour: utc.hour, minute: utc.minute },
		{ zone: timeZone },
	);
	if (local.hour !== utc.hour) return null;
	return local.toUTC().toISO({ suppressMilliseconds: true });
}

/** Binomial draw from a seeded unit stream (n small: a sum of Bernoulli draws). */
function binomial(n, p, unit) {
	let k = 0;
	for (let i = 0; i < n; i++) if (unit(i) < p) k++;
	return k;
}

/** Poisson draw by inversion from one seeded unit. */
function poisson(lambda, u) {
	if (lambda <= 0) return 0;
	if (lambda > 60) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normalFromUnit(u)));
	let k = 0;
	let p = Math.exp(-lambda);
	let cumulative = p;
	while (u > cumulative && k < 1000) {
		k++;
		p *= lambda / k;
		cumulative += p;
	}
	return k;
}
function normalFromUnit(u) {
	// Acklam-free approximation good enough for a count draw: logistic quantile scaled to unit variance.
	const clipped = Math.min(1 - 1e-9, Math.max(1e-9, u));
	return (Math.log(clipped / (1 - clipped)) * Math.sqrt(3)) / Math.PI;
}

/** Chooses the incident of one series (or none) from its identity. */
function planIncident(ids, bucket, kind, bucketStarts, timeZone, incidentScale) {
	const u = (salt) => unitFromInts(...ids, salt);
	if (u(1) < 0.5) return null;
	const types = kind === 'abandon' ? ['spike', 'shift'] : ['spike', 'drop', 'shift'];
	const type = types[hashInts(...ids, 2) % types.length];
	const n = bucketStarts.length;
	let startIndex;
	let length;
	if (type === 'shift') {
		startIndex = Math.floor(n * (0.45 + 0.2 * u(3)));
		length = n - startIndex;
	} else {
		// A busy bucket: a weekday, 9:00–16:00 local at HOUR buckets.
		length = bucket === 'HOUR' ? (type === 'spike' ? 1 + (hashInts(...ids, 4) % 3) : 2 + (hashInts(...ids, 4) % 5)) : type === 'spike' ? 1 : 1 + (hashInts(...ids, 4) % 2);
		startIndex = Math.floor(n * (0.4 + 0.55 * u(3)));
		for (let tries = 0; tries < n; tries++, startIndex = (startIndex + 1) % n) {
			if (startIndex < n * 0.4 || startIndex + length >= n) continue;
			const t = bucketStarts[startIndex];
			const day = localWeekday(t, timeZone);
			if (day === 'Sat' || day === 'Sun') continue;
			if (bucket === 'HOUR') {
				const hour = localHour(t, timeZone);
				if (hour < 9 || hour + length > 17) continue;
			}
			break;
		}
	}
	const between = (lo, hi) => lo + (hi - lo) * u(5);
	let size;
	if (kind === 'volume') size = type === 'spike' ? between(2, 3) : type === 'drop' ? between(0.1, 0.4) : u(6) < 0.5 ? between(1.5, 1.9) : between(0.45, 0.65);
	else if (kind === 'aht') size = type === 'spike' ? between(1.6, 2.2) : type === 'drop' ? between(0.45, 0.6) : between(1.35, 1.6);
	else size = type === 'spike' ? between(15, 35) : between(8, 15);
	size = kind === 'abandon' ? size * incidentScale : 1 + (size - 1) * incidentScale;
	return { type, startIndex, length, size };
}

/** Applies an incident to one bucket's value of `kind`, given the bucket's contacts. */
function applyIncident(kind, incident, value, contacts, u) {
	if (kind === 'volume') {
		if (incident.size >= 1) return value + poisson(value * (incident.size - 1), u(0));
		return binomial(value, incident.size, u);
	}
	if (kind === 'aht') return Math.round(value * incident.size * 10) / 10;
	// Abandon %: that many more points of the bucket's contacts abandon (binomially).
	const abandoned = Math.round((value / 100) * contacts);
	const extra = binomial(contacts - abandoned, incident.size / 100, u);
	return Math.round((10000 * (abandoned + extra)) / contacts) / 100;
}

/**
 * Adds one incident bucket to its oracle: what a detector that knew the bucket's value without the incident
 * (`clean`) would see of it, as counts observed against counts expected over the incident's window (scored by
 * their Poisson tail in bench/detector-quality.mjs --oracle): a volume's contacts against the clean ones; an abandon %'s abandoned contacts against the
 * bucket's `contacts` at `share`, the series' own abandoned share before the incident (learnable from its
 * history; an e-mail channel's is a few per thousand). Handle times have none: an average's spread per contact
 * is not the generator's to know.
 */
function addToOracle(oracle, kind, clean, value, contacts, share) {
	if (kind === 'volume') {
		oracle.observed += value;
		oracle.expected += clean;
	} else if (kind === 'abandon' && contacts > 0 && value === value) {
		oracle.observed += (value / 100) * contacts;
		oracle.expected += share * contacts;
	}
}

/** A series' abandoned share over `rows` (half an abandon added, so that none is no certainty of none). */
function abandonedShare(rows) {
	let abandoned = 0;
	let contacts = 0;
	for (const row of rows) {
		if (!(row.count_sum > 0) || !(row.abandoned_pct >= 0)) continue;
		abandoned += (row.abandoned_pct / 100) * row.count_sum;
		contacts += row.count_sum;
	}
	return (abandoned + 0.5) / (contacts + 1);
}

/**
 * One block of the set: one seed, one bucket size, one grouping. Returns the items (as the Analytics node
 * outputs them, incidents planted) and the series with their incidents.
 */
export function generateBlock({ seed, timeZone, part }, bucket, byChannel, { incidentScale = 1, days = {} } = {}) {
	const range = { ...RANGES[bucket], ...(days[bucket] ? { days: days[bucket] } : {}) };
	const universe = createUniverse(seed);
	const result = computeResult(universe, {
		metrics: METRICS.map(({ name, aggregation }) => ({ name, aggregation })),
		dimensions: byChannel ? [{ name: 'group.id' }, { name: 'channel' }] : [{ name: 'group.id' }],
		timeSeries: {
			bucketSize: bucket,
			start: new Date(range.start).toISOString(),
			end: new Date(range.start + range.days * DAY_MS).toISOString(),
			timeZone: 'UTC',
		},
	});
	const items = [];
	for (const row of materializeRows(result)) {
		const bucketStart = toLocalWallClock(row.timeSeries, timeZone);
		if (bucketStart === null) continue;
		const item = { bucketStart, groupId: row.dimensions['group.id'] };
		if (byChannel) item.channel = row.dimensions.channel;
		for (const [m, metric] of METRICS.entries()) item[metric.field] = row.metrics[m].value;
		items.push(item);
	}
	// Every bucket start of the range (local buckets), from the rows of all series.
	const bucketStarts = [...new Set(items.map((item) => Date.parse(item.bucketStart)))].sort((a, b) => a - b);
	const bucketIndex = new Map(bucketStarts.map((t, i) => [t, i]));
	const seriesKeys = new Map();
	for (const item of items) {
		const key = byChannel ? `${item.groupId}/${item.channel}` : item.groupId;
		if (!seriesKeys.has(key)) seriesKeys.set(key, []);
		seriesKeys.get(key).push(item);
	}
	const series = [];
	let serial = 0;
	for (const [key, seriesRows] of seriesKeys) {
		for (const [m, metric] of METRICS.entries()) {
			const ids = [seed, bucket === 'HOUR' ? 1 : 2, byChannel ? 1 : 0, serial++, m];
			const incident = planIncident(ids, bucket, metric.kind, bucketStarts, timeZone, incidentScale);
			if (incident) {
				const end = incident.startIndex + incident.length;
				// The oracle's window: the incident's buckets, a shift's first day (its first week at DAY buckets).
				const oracleEnd = incident.type === 'shift' ? incident.startIndex + (bucket === 'HOUR' ? 24 : 7) : end;
				const oracle = { observed: 0, expected: 0 };
				const share =
					metric.kind === 'abandon'
						? abandonedShare(seriesRows.filter((row) => bucketIndex.get(Date.parse(row.bucketStart)) < incident.startIndex))
						: NaN;
				for (const row of seriesRows) {
					const i = bucketIndex.get(Date.parse(row.bucketStart));
					if (i < incident.startIndex || i >= end) continue;
					const u = (salt) => unitFromInts(...ids, 100 + i, salt);
					const clean = row[metric.field];
					row[metric.field] = applyIncident(metric.kind, incident, clean, row.count_sum, u);
					if (i < oracleEnd) addToOracle(oracle, metric.kind, clean, row[metric.field], row.count_sum, share);
				}
				if (oracle.expected > 0) incident.oracle = oracle;
				incident.startMs = bucketStarts[incident.startIndex];
				incident.endMs = bucketStarts[Math.min(end, bucketStarts.length - 1)];
			}
			series.push({
				key: `${seed}/${bucket}/${key}/${metric.field}`,
				part,
				bucket,
				kind: metric.kind,
				groupValues: byChannel ? { groupId: seriesRows[0].groupId, channel: seriesRows[0].channel } : { groupId: seriesRows[0].groupId },
				metric: metric.field,
				incident,
			});
		}
	}
	return { items, series, timeZone, bucket, bucketMs: range.bucketMs };
}

/**
 * Every block of the set (or of one part: 'tune' / 'check' / 'fresh'; `all` is tune and check), incidents scaled by `options.incidentScale`;
 * `options.days` ({ HOUR, DAY }) shortens the ranges (70 and 357 days), the incidents placed alike.
 */
export function* ccBlocks(part = 'all', options = {}) {
	for (const entry of CC_SEEDS) {
		if (part === 'all' ? entry.part === 'fresh' : entry.part !== part) continue;
		for (const bucket of ['HOUR', 'DAY']) for (const byChannel of [false, true]) yield generateBlock(entry, bucket, byChannel, options);
	}
}
