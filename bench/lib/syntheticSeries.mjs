// A second, independent contact-centre set for the Trends node, from a generator that shares nothing with the
// simulator (another daily shape, other weekday factors, days that run busier or quieter as a whole,
// handle times drawn per contact from a heavy-tailed law), for two questions no tuning loop looks at:
//   - clean: does the default method raise alerts on series with nothing in them (HOUR: 10 weeks, DAY: 52
//     weeks; peaks of 1–250 contacts an hour; with and without day-to-day variation of 10 %), and on the
//     first 14 or 21 days of hours of a centre closed on one weekend day?
//   - after a shift: weeks after a level shift (×0.5, ×0.7, ×1.5, ×2 on a Wednesday at 10:00), is a
//     one-hour ×1.8 spike still caught, and does the shift raise alerts again once it is two days old?
//   - incidents: spikes, drops and shifts of the contact-centre set's sizes in each metric, at peaks of
//     4–250 contacts an hour: how many are caught, in two halves of three seeds each;
//   - surges: at an office-hours centre, is a second two-hour surge heard after a first, and does the first
//     move the baseline (officeHoursSurges, for --surges)?
//   - after a follow: days after a level shift that the method follows, is an hour's spike or drop heard
//     (levelThenIncident, for --after-follow)?
//   - around the clock: over 260 days of a 24/7 centre's hours (a night team's 10 contacts an hour, then
//     about 85 in the day's first hour), are monthly outages and mailings heard (aroundTheClock, for
//     --around-the-clock)?
// Everything is a pure function of the seed (the simulator's uniform generator, none of its data).

import { createRandom } from '../../simulator/hash.mjs';

const gaussian = (next) => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());

/** A Poisson draw (a normal approximation above 200). */
function poisson(mean, next) {
	if (mean > 200) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(next)));
	const limit = Math.exp(-mean);
	let k = 0;
	let product = next();
	while (product > limit) {
		k++;
		product *= next();
	}
	return k;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const START_MS = Date.UTC(2024, 0, 1); // a Monday
/** Relative volume by UTC weekday, Sunday first. */
const WEEKDAY_FACTORS = [0.3, 1.15, 1.05, 1, 0.97, 0.9, 0.4];
/** Two daily shapes: open 8:00–20:00 with a lunch dip and an evening tail; a morning and an afternoon peak. */
const SHAPES = [
	(hour) => (hour < 7 || hour >= 20 ? 0.08 : hour < 8 ? 0.5 : hour === 12 ? 0.75 : hour >= 18 ? 0.45 : 1),
	(hour) => 0.15 + Math.exp(-(((hour - 11) / 3) ** 2)) + 0.6 * Math.exp(-(((hour - 16) / 2) ** 2)),
];

/**
 * Items of one series: contacts, abandon % (8 % of contacts) and average handle time (log-normal per contact).
 * `effect(i)`, when given, is an incident's { handle, abandon } at bucket i: a factor on every contact's
 * handle time, points added to the abandon probability.
 */
function items(bucket, buckets, seed, rate, effect, startMs = START_MS) {
	const next = createRandom(seed);
	const bucketMs = bucket === 'HOUR' ? HOUR_MS : DAY_MS;
	const rows = [];
	for (let i = 0; i < buckets; i++) {
		const timeMs = startMs + i * bucketMs;
		const contacts = poisson(rate(i, timeMs, next), next);
		const { handle: handleFactor = 1, abandon: abandonPoints = 0 } = effect?.(i) ?? {};
		let abandoned = 0;
		let handle = 0;
		for (let k = 0; k < contacts; k++) {
			if (next() < 0.08 + abandonPoints / 100) abandoned++;
			handle += 300 * handleFactor * Math.exp(0.6 * gaussian(next));
		}
		rows.push({
			bucketStart: new Date(timeMs).toISOString(),
			count_sum: contacts,
			...(contacts > 0 ? { abandoned_pct: (100 * abandoned) / contacts, handle_time_avg: handle / contacts } : {}),
		});
	}
	return rows;
}

/** The expected contacts of a bucket: the shape of the day, the weekday, and each day's own factor. */
function contactRate(bucket, peak, shape, dayVariation, factor = () => 1, weekdayFactors = WEEKDAY_FACTORS) {
	let day = -1;
	let dayFactor = 1;
	return (i, timeMs, next) => {
		const today = Math.floor((timeMs - START_MS) / DAY_MS);
		if (today !== day) {
			day = today;
			dayFactor = Math.exp(dayVariation * gaussian(next));
		}
		const date = new Date(timeMs);
		const weekly = weekdayFactors[date.getUTCDay()] * dayFactor * factor(i);
		return bucket === 'HOUR' ? peak * shape(date.getUTCHours()) * weekly : peak * 11 * weekly;
	};
}

const BUCKETS = { HOUR: 10 * 168, DAY: 52 * 7 };

/** Clean series: { bucket, label, items } for every bucket size, peak, shape and day-to-day variation. */
export function* cleanSyntheticSeries() {
	for (const bucket of ['HOUR', 'DAY'])
		for (const peak of [1, 4, 15, 60, 250])
			for (const seed of [1, 2, 3])
				for (const dayVariation of [0, 0.1]) {
					const rate = contactRate(bucket, peak, SHAPES[seed % 2], dayVariation);
					const seedOf = seed * 1000 + peak * 7 + dayVariation * 100 + (bucket === 'DAY' ? 5 : 0);
					yield { bucket, label: `peak ${peak} seed ${seed} day variation ${dayVariation}`, items: items(bucket, BUCKETS[bucket], seedOf, rate) };
				}
}

/** Weekly patterns with a closed weekend day (relative volume by UTC weekday, Sunday first), and their weekend. */
const CLOSED_DAYS = [
	{ closed: 'Sundays', weekly: [0, ...WEEKDAY_FACTORS.slice(1)], weekendDays: [6, 7] },
	{ closed: 'Saturdays', weekly: [0.3, ...WEEKDAY_FACTORS.slice(1, 6), 0], weekendDays: [6, 7] },
	// A Friday–Saturday weekend, Fridays closed and Sundays a working day.
	{ closed: 'Fridays', weekly: [1.15, 1.05, 1, 0.97, 0.9, 0, 0.4], weekendDays: [5, 6] },
];

/**
 * Clean hourly series of a centre closed on one weekend day (0 contacts, every hour present), as a workflow's
 * first runs see them: 14 or 21 days from any weekday, { closed, weekendDays, days, items }. The weekend days
 * are judged before three weeks of their weekday exist.
 */
export function* closedDaySeries() {
	for (const { closed, weekly, weekendDays } of CLOSED_DAYS)
		for (const days of [14, 21])
			for (const peak of [4, 15, 60, 250])
				for (const seed of [1, 2, 3, 4, 5, 6, 7]) {
					const rate = contactRate('HOUR', peak, SHAPES[seed % 2], seed % 2 === 0 ? 0.1 : 0, undefined, weekly);
					const startMs = START_MS + ((seed * 3) % 7) * DAY_MS;
					yield { closed, weekendDays, days, items: items('HOUR', days * 24, seed * 613 + peak * 11 + days, rate, undefined, startMs) };
				}
}

/** The incidents of the set, by metric kind: their types and the range of their sizes (as in ccSeries). */
const INCIDENTS = {
	count_sum: { spike: [2, 3], drop: [0.1, 0.4], shiftUp: [1.5, 1.9], shiftDown: [0.45, 0.65] },
	handle_time_avg: { spike: [1.6, 2.2], drop: [0.45, 0.6], shiftUp: [1.35, 1.6] },
	abandoned_pct: { spike: [15, 35], shiftUp: [8, 15] },
};

/** Buckets a spike or a drop lasts: spikes 1–3 hours or a day, drops 2–6 hours or 1–2 days. */
function incidentLength(bucket, type, next) {
	if (bucket === 'DAY') return type === 'drop' ? 1 + Math.floor(2 * next()) : 1;
	return type === 'drop' ? 2 + Math.floor(5 * next()) : 1 + Math.floor(3 * next());
}

/**
 * Series with one incident each, in one metric: { bucket, metric, type, size, peak, first, length, items }.
 * Spikes last 1–3 hours (a day at DAY buckets), drops 2–6 hours (1–2 days), both within 9:00–17:00 on a
 * weekday; a shift lasts to the end (`length` Infinity). Seeds 1–3 and 4–6 are reported
 * apart, so a look into one half's series leaves the other unseen. Even seeds have days 10 % busier or
 * quieter as a whole, odd seeds none; each seed has one of the two daily shapes.
 */
export function* incidentSyntheticSeries(seeds) {
	for (const bucket of ['HOUR', 'DAY'])
		for (const [metric, types] of Object.entries(INCIDENTS))
			for (const [type, [low, high]] of Object.entries(types))
				for (const peak of [4, 15, 60, 250])
					for (const seed of seeds) {
						const next = createRandom(seed * 7919 + peak * 31 + metric.length * 7 + type.length + (bucket === 'DAY' ? 3 : 0));
						const size = low + (high - low) * next();
						const shift = type.startsWith('shift');
						const length = shift ? Infinity : incidentLength(bucket, type, next);
						// A weekday of the second half (after at least five weeks), at 9:00–(17:00 − length) for hours.
						const days = BUCKETS[bucket] / (bucket === 'HOUR' ? 24 : 1);
						let day = Math.floor(days * (0.5 + 0.4 * next()));
						while ([0, 6].includes(new Date(START_MS + day * DAY_MS).getUTCDay())) day++;
						const first = bucket === 'HOUR' ? day * 24 + 9 + Math.floor((9 - Math.min(length, 8)) * next()) : day;
						const inside = (i) => i >= first && i < first + length;
						const volume = metric === 'count_sum' ? (i) => (inside(i) ? size : 1) : undefined;
						const effect = metric === 'count_sum' ? undefined : (i) => (inside(i) ? (metric === 'handle_time_avg' ? { handle: size } : { abandon: size }) : undefined);
						const rate = contactRate(bucket, peak, SHAPES[seed % 2], seed % 2 === 0 ? 0.1 : 0, volume);
						yield { bucket, metric, type, size, peak, first, length, items: items(bucket, BUCKETS[bucket], seed * 4001 + peak * 13 + Math.round(size * 1000), rate, effect) };
					}
}

/**
 * Contacts with a level shift and, weeks later, a one-bucket spike: { bucket, items, shiftAt, spikeAt }.
 * HOUR: 12 weeks, the shift on a Wednesday of week 5 at 10:00, a × 1.8 spike five weeks later.
 * DAY: 52 weeks, the shift on a Wednesday of week 21, a × 1.5 day fifteen weeks later.
 */
export function* shiftThenSpikeSeries() {
	const cases = [
		{ bucket: 'HOUR', buckets: 12 * 168, shiftAt: 4 * 168 + 2 * 24 + 10, spikeAt: 9 * 168 + 24 + 11, spike: 1.8, peaks: [10, 40, 150] },
		{ bucket: 'DAY', buckets: 52 * 7, shiftAt: 20 * 7 + 2, spikeAt: 35 * 7 + 1, spike: 1.5, peaks: [30, 100, 400] },
	];
	for (const { bucket, buckets, shiftAt, spikeAt, spike, peaks } of cases)
		for (const shift of [0.5, 0.7, 1.5, 2])
			for (const seed of [1, 2, 3, 4, 5])
				for (const peak of peaks) {
					const rate = (i, timeMs) => {
						const date = new Date(timeMs);
						const hour = date.getUTCHours();
						const open = bucket === 'DAY' || (hour >= 7 && hour < 20) ? 1 : 0.1;
						const weekend = date.getUTCDay() % 6 === 0 ? 0.4 : 1;
						return peak * open * weekend * (i >= shiftAt ? shift : 1) * (i === spikeAt ? spike : 1);
					};
					const seedOf = seed * 97 + peak + shift * 10 + (bucket === 'DAY' ? 5000 : 0);
					yield { bucket, shift, peak, shiftAt, spikeAt, items: items(bucket, buckets, seedOf, rate) };
				}
}

/**
 * Contacts at an office-hours centre (Monday to Friday, 8:00–18:00 UTC, 70 an hour at the midday peak and
 * a third of that at opening and closing; no item where none came) over 42 days of `bucketMs` buckets,
 * with two-hour surges from 10:00: `first` × 2.5 on day 29 (a Tuesday) when asked, and × 1.6 on the day
 * `secondAfterDays` later (a weekday; none when Infinity). Each bucket draws its own noise from the seed,
 * so the same seed gives the same values wherever no surge is. Returns { items, firstAtMs, secondAtMs }:
 * is the second surge heard, and does the first move the series' baseline (a surge taken for a new level)?
 */
export function officeHoursSurges(bucketMs, seed, { first, secondAfterDays }) {
	const firstAtMs = START_MS + 29 * DAY_MS + 10 * HOUR_MS;
	const secondAtMs = firstAtMs + secondAfterDays * DAY_MS;
	const surge = (timeMs, startMs, size) => (timeMs >= startMs && timeMs < startMs + 2 * HOUR_MS ? size : 1);
	const items = [];
	for (let index = 0; index < (42 * DAY_MS) / bucketMs; index++) {
		const timeMs = START_MS + index * bucketMs;
		const date = new Date(timeMs);
		const hour = date.getUTCHours() + date.getUTCMinutes() / 60;
		const weekday = date.getUTCDay();
		if (weekday === 0 || weekday === 6 || hour < 8 || hour >= 18) continue;
		const middle = hour + bucketMs / HOUR_MS / 2;
		const perHour = 70 * (0.35 + 0.65 * Math.sin(((middle - 8) / 10) * Math.PI));
		const surges = (first ? surge(timeMs, firstAtMs, 2.5) : 1) * surge(timeMs, secondAtMs, 1.6);
		const contacts = poisson(((perHour * bucketMs) / HOUR_MS) * surges, createRandom(seed * 1_000_003 + index));
		if (contacts > 0) items.push({ bucketStart: date.toISOString(), count_sum: contacts });
	}
	return { items, firstAtMs, secondAtMs };
}

/** Relative volume of each weekday when they differ (Monday to Friday) for levelThenIncident. */
const UNEVEN_WEEKDAYS = [1.3, 1.1, 1, 0.95, 0.8];

/**
 * Hourly contacts over 10 weeks (UTC): 100 an hour from 7:00 to 20:00 on weekdays (Monday to Friday at
 * 1.3, 1.1, 1, 0.95 and 0.8 of it when `uneven`), 10 at night, weekends at 40 % — or, with `peaks`, 100 times
 * the second of SHAPES (about 115 at 11:00, 80 at 15:00 and 16:00, 15 at night); from the Wednesday of week
 * 7 at 10:00 `shift` times as many for good; `afterDays` days later, at `hour`:00, one hour `size` times as
 * busy. Returns { items, shiftAtMs, incidentAtMs }: is that hour heard after the method has followed the new
 * level?
 */
export function levelThenIncident(seed, { shift, size, afterDays, hour, uneven = false, peaks = false }) {
	const shiftAtMs = START_MS + (6 * 7 + 2) * DAY_MS + 10 * HOUR_MS;
	const incidentAtMs = shiftAtMs - 10 * HOUR_MS + afterDays * DAY_MS + hour * HOUR_MS;
	const next = createRandom(seed * 7_919 + hour);
	const items = [];
	for (let index = 0; index < 10 * 7 * 24; index++) {
		const timeMs = START_MS + index * HOUR_MS;
		const date = new Date(timeMs);
		const open = date.getUTCHours() >= 7 && date.getUTCHours() < 20;
		const weekend = date.getUTCDay() % 6 === 0;
		const day = weekend ? 0.4 : uneven ? UNEVEN_WEEKDAYS[date.getUTCDay() - 1] : 1;
		const level = peaks ? 100 * SHAPES[1](date.getUTCHours()) : open ? 100 : 10;
		const rate = level * day * (timeMs >= shiftAtMs ? shift : 1) * (timeMs === incidentAtMs ? size : 1);
		items.push({ bucketStart: date.toISOString(), count_sum: poisson(rate, next) });
	}
	return { items, shiftAtMs, incidentAtMs };
}

/**
 * Hourly contacts over 260 days (UTC) of a centre open around the clock: 10 an hour at night; from 7:00 to
 * 21:00 about 85 in the first and last hours and 160 at midday; weekends at 45 %; each day's level × (1 +
 * 3.5 % × a normal draw). Weekdays and weekends alike: on day 9 of every 30 the 11:00 hour at 30 % (an IVR
 * outage), on day 19 the 15:00 and 16:00 hours × 1.8 (a mailing); late in the range a two-hour drop to 30 %
 * (day 232, 10:00) and an hour × 2 (day 238, 14:00). Returns { items, outages, mailings, drop, spike }, the
 * planted incidents as the ms of their first hour, and `planted`, the ms of every planted hour.
 */
export function aroundTheClock(seed) {
	const next = createRandom(seed * 104_729);
	const at = (day, hour) => START_MS + (day * 24 + hour) * HOUR_MS;
	const outages = [];
	const mailings = [];
	for (let day = 9; day < 260; day += 30) outages.push(at(day, 11));
	for (let day = 19; day < 260; day += 30) mailings.push(at(day, 15));
	const drop = at(232, 10);
	const spike = at(238, 14);
	const factors = new Map([...outages.map((ms) => [ms, 0.3]), ...mailings.flatMap((ms) => [[ms, 1.8], [ms + HOUR_MS, 1.8]]), [drop, 0.3], [drop + HOUR_MS, 0.3], [spike, 2]]);
	const items = [];
	let dayLevel = 1;
	for (let i = 0; i < 260 * 24; i++) {
		const timeMs = START_MS + i * HOUR_MS;
		const hour = i % 24;
		if (hour === 0) dayLevel = 1 + 0.035 * gaussian(next);
		const weekend = new Date(timeMs).getUTCDay() % 6 === 0;
		const day = hour >= 7 && hour < 21 ? 150 * (0.45 + 0.55 * Math.sin((Math.PI * (hour - 6.5)) / 14)) : 0;
		const rate = (10 + day) * (weekend ? 0.45 : 1) * dayLevel * (factors.get(timeMs) ?? 1);
		items.push({ bucketStart: new Date(timeMs).toISOString(), count_sum: poisson(rate, next) });
	}
	return { items, outages, mailings, drop, spike, planted: new Set(factors.keys()) };
}

/** Contacts an hour at `hour` of `date` (UTC) at the office-hours centre of yearEnd and busyDay. */
function officeRate(date, hour, peak) {
	const day = date.getUTCDay();
	return hour < 8 || hour >= 18 || day === 0 ? 0 : peak * (SHAPES[1](hour) / 1.2) * (day === 6 ? 0.4 : WEEKDAY_FACTORS[day]);
}

/**
 * Contacts of an office-hours centre over 11 weeks (UTC) at `bucketMs` (15 minutes to a day): `peak` an hour
 * at its busiest (a morning and an afternoon peak, the second of SHAPES) from 8:00 to 18:00, weekdays as
 * WEEKDAY_FACTORS, Saturdays at 40 %, Sundays closed; no row for a bucket without contacts. With
 * `holidays`, `weekday` (1 = Monday … 4 = Thursday) of weeks 7 and 8 is closed: Christmas and New Year's Day
 * fall on the same weekday, a week apart; with `pairs` the day after it too (Boxing Day, 2 January). With
 * `spike`, that weekday a week after the second holiday has its
 * 11:00 hour at 1.6 times its contacts (its day at 1.3 times at DAY buckets). Each bucket draws its own noise
 * from the seed, so the same seed gives the same values wherever nothing differs. Returns { items, holidays,
 * spikeMs }: the holidays' and the spike's first ms.
 */
export function yearEnd(bucketMs, seed, { peak, weekday, holidays, spike, pairs = false }) {
	const holidayMs = [6, 7].flatMap((week) => (pairs ? [0, 1] : [0]).map((next) => START_MS + (week * 7 + weekday - 1 + next) * DAY_MS));
	const spikeMs = START_MS + (8 * 7 + weekday - 1) * DAY_MS + (bucketMs < DAY_MS ? 11 * HOUR_MS : 0);
	const spikeEndMs = spikeMs + Math.max(HOUR_MS, bucketMs);
	const perHour = (date, hour) => officeRate(date, hour, peak);
	const items = [];
	for (let index = 0; index < (77 * DAY_MS) / bucketMs; index++) {
		const timeMs = START_MS + index * bucketMs;
		if (holidays && holidayMs.some((ms) => timeMs >= ms && timeMs < ms + DAY_MS)) continue;
		const date = new Date(timeMs);
		let mean = 0;
		if (bucketMs >= DAY_MS) for (let hour = 0; hour < 24; hour++) mean += perHour(date, hour);
		else mean = (perHour(date, date.getUTCHours()) * bucketMs) / HOUR_MS;
		if (spike && timeMs >= spikeMs && timeMs < spikeEndMs) mean *= bucketMs >= DAY_MS ? 1.3 : 1.6;
		const contacts = poisson(mean, createRandom(seed * 1_000_003 + index));
		if (contacts > 0) items.push({ bucketStart: date.toISOString(), count_sum: contacts });
	}
	return { items, holidays: holidayMs, spikeMs };
}

/**
 * Hourly or quarter-hourly contacts (`bucketMs`) of yearEnd's office-hours centre over 10 weeks (UTC), with
 * the Wednesday of week 8 at `factor` times its contacts from `fromHour` on (0: all day; a mailing or a
 * storm), and the Thursday after it closed (a holiday) with `closedAfter`. Each bucket draws its own noise
 * from the seed. Returns { items, dayMs, fromMs }: that day's first
 * ms and that of its first bucket at `factor`.
 */
export function busyDay(bucketMs, seed, { peak, factor, fromHour, closedAfter = false }) {
	const dayMs = START_MS + (7 * 7 + 2) * DAY_MS;
	const fromMs = dayMs + fromHour * HOUR_MS;
	const items = [];
	for (let index = 0; index < (70 * DAY_MS) / bucketMs; index++) {
		const timeMs = START_MS + index * bucketMs;
		const date = new Date(timeMs);
		const closed = closedAfter && timeMs >= dayMs + DAY_MS && timeMs < dayMs + 2 * DAY_MS;
		const busy = closed ? 0 : timeMs >= fromMs && timeMs < dayMs + DAY_MS ? factor : 1;
		const mean = (officeRate(date, date.getUTCHours(), peak) * busy * bucketMs) / HOUR_MS;
		const contacts = poisson(mean, createRandom(seed * 1_000_003 + index));
		if (contacts > 0) items.push({ bucketStart: date.toISOString(), count_sum: contacts });
	}
	return { items, dayMs, fromMs };
}
