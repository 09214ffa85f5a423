// The situations: a fourth contact-centre set of the Trends node, besides ccSeries.mjs, syntheticSeries.mjs
// and reviewSeries.mjs. An independent generator, written by a reviewer who did not read ccSeries.mjs, ported
// here unchanged in what it computes (same seeds 7001, 7014, …, same numbers as the reviewer's run.mjs); it
// was used to diagnose the round of 2026-12-06 and is in no tuning loop. Scored by
// `npm run bench:quality -- --situations` (bench/detector-quality.mjs), which analyses the rows.
//
// Contacts are drawn per bucket per channel (voice and chat open 8–18 and Saturday 9–13, e-mail 24×7) from an
// overdispersed Poisson law around a two-peak day and a weekly shape, with days that run busier or quieter as a
// whole; staffing follows the forecast and most of the day's deviation, so abandon %, service level and queue
// time follow the load. Rows are those the Analytics node outputs (no row for an empty bucket, averages and
// percentages rounded to 4 decimals), per group × channel. Each situation is a pure function of the seed and
// its options and returns the rows and what is in them: the incidents planted, the groups that are clean, and
// for some the part of the range whose alerts count.
import { DateTime } from 'luxon';

const MIN_MS = 60_000;
const DAY_MS = 86_400_000;

/** The reviewer's seeds: 7001, 7014, …, 7118. */
export const SITUATION_SEEDS = Array.from({ length: 10 }, (_, i) => 7001 + 13 * i);

// ---- randomness --------------------------------------------------------------------------------

/** Uniform draws in [0, 1) (a splitmix32-like generator). */
function rng(seed) {
	let s = (seed ^ 0x9e3779b9) >>> 0;
	return () => {
		s = (s + 0x6d2b79f5) >>> 0;
		let z = s;
		z = Math.imul(z ^ (z >>> 15), z | 1);
		z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
		return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
	};
}

function normal(r) {
	const u = Math.max(1e-12, r());
	return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

/** A gamma draw of shape >= 1 and scale 1 (Marsaglia–Tsang). */
function gammaDraw(shape, r) {
	const d = shape - 1 / 3;
	const c = 1 / Math.sqrt(9 * d);
	for (;;) {
		let x, v;
		do {
			x = normal(r);
			v = 1 + c * x;
		} while (v <= 0);
		v = v * v * v;
		const u = r();
		if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
	}
}

/** A Poisson draw (a normal approximation above 150). */
function poisson(mean, r) {
	if (!(mean > 0)) return 0;
	if (mean > 150) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(r)));
	const L = Math.exp(-mean);
	let k = 0;
	let p = r();
	while (p > L) {
		k++;
		p *= r();
	}
	return k;
}

/** An overdispersed count: Poisson with a gamma-distributed rate (shape k: variance m + m²/k). */
function negbin(mean, k, r) {
	if (!(mean > 0)) return 0;
	return poisson(mean * (gammaDraw(k, r) / k), r);
}

// ---- calendar ----------------------------------------------------------------------------------

/**
 * Buckets from the local midnight of `startIso` for `days` local days, every `bucketMin` minutes: start (UTC
 * ms), ISO weekday, local fractional hour, local day index.
 */
function bucketGrid(tz, startIso, days, bucketMin) {
	const start = DateTime.fromISO(startIso, { zone: tz }).startOf('day');
	const startMs = start.toMillis();
	const endMs = start.plus({ days }).toMillis();
	const grid = [];
	for (let ms = startMs; ms < endMs; ms += bucketMin * MIN_MS) {
		const local = DateTime.fromMillis(ms, { zone: tz });
		grid.push({
			ms,
			wd: local.weekday,
			h: local.hour + local.minute / 60,
			day: Math.round((local.startOf('day').toMillis() - startMs) / DAY_MS),
		});
	}
	return grid;
}

/** Adds each bucket's local midnight (dayStartMs), for local DAY rows. */
function withDayStarts(grid, tz) {
	for (const g of grid) g.dayStartMs = DateTime.fromMillis(g.ms, { zone: tz }).startOf('day').toMillis();
	return grid;
}

// ---- the centre --------------------------------------------------------------------------------

/** The day's shape at local fractional hour h: a peak about 10:30, another about 14:30, a lunch dip. */
const shape = (h) =>
	0.25 + Math.exp(-(((h - 10.5) / 1.8) ** 2)) + 0.85 * Math.exp(-(((h - 14.5) / 2.3) ** 2)) - 0.15 * Math.exp(-(((h - 12.75) / 0.6) ** 2));
/** Volume by ISO weekday: busy Monday, a light Saturday, a quiet Sunday. */
const WEEKDAY = { 1: 1.22, 2: 1.07, 3: 1.0, 4: 0.98, 5: 0.9, 6: 0.42, 7: 0.2 };
/** Open on weekdays from `o` to `c` and on Saturdays within `sat` (none when null). */
const hoursOffice = (o = 8, c = 18, sat = [9, 13]) => (wd, h) => (wd <= 5 ? h >= o && h < c : wd === 6 && sat ? h >= sat[0] && h < sat[1] : false);
const hours247 = () => true;

/**
 * One group's cells per channel and bucket (contacts, abandoned, handled, and sums of handle, hold and queue
 * times, and contacts answered within the service level). A channel: { name, peak (contacts an hour at the
 * day's peak on a weekday of factor 1), open(wd, h, day), aht (median s), ahtSigma, holdShare, nightFloor (least
 * share of the peak while open), weekly (factors by ISO weekday), async (e-mail: no abandons, no service level
 * pressure), mods(bucket, index) }. mods gives multipliers: plannedVol (planned: staffing follows), vol (unplanned),
 * aht, cap (staffing), and abandonAdd (abandon probability added).
 */
function simulateGroup(grid, bucketMin, group, seed) {
	const r = rng(seed);
	const stepH = Math.min(bucketMin, 60) / 60;
	const nDays = grid[grid.length - 1].day + 2;
	const dayNoise = Array.from({ length: nDays }, () => Math.exp(0.06 * normal(r)));
	const out = {};
	for (const ch of group.channels) {
		const cells = [];
		grid.forEach((g, b) => {
			const m = ch.mods ? ch.mods(g, b) : {};
			let base = 0;
			if (ch.open(g.wd, g.h + stepH / 2, g.day)) {
				const sh = shape(g.h + stepH / 2) / 1.3;
				const wk = (ch.weekly ?? WEEKDAY)[g.wd];
				base = ch.peak * Math.max(sh, ch.nightFloor ?? 0) * wk * stepH * (m.plannedVol ?? 1);
			}
			const lambdaMean = base * dayNoise[g.day] * (m.vol ?? 1);
			const n = negbin(lambdaMean, 40, r);
			// Intraday reforecasting: staffing follows most of a busy or quiet day (not the bucket's own noise).
			const capacity = base * 1.15 * dayNoise[g.day] ** 0.8 * (m.cap ?? 1);
			const ahtMul = m.aht ?? 1;
			const load = capacity > 0 ? (lambdaMean * ahtMul) / capacity : 0.8;
			const over = Math.max(0, load - 0.87);
			let pAb = ch.async ? 0.003 : Math.min(0.7, 0.05 + 0.9 * over ** 1.1);
			pAb = Math.min(0.95, pAb + (m.abandonAdd ?? 0));
			const pSl = ch.async ? 0.9 : Math.max(0.03, Math.min(0.97, 0.82 - 2.2 * over - 0.5 * (m.abandonAdd ?? 0)));
			const asaMean = 25 * Math.exp(4 * over);
			const cell = { n, abandoned: 0, handled: 0, handleSum: 0, holdSum: 0, queueSum: 0, within: 0 };
			for (let k = 0; k < n; k++) {
				if (r() < pAb) {
					cell.abandoned++;
					continue;
				}
				cell.handled++;
				cell.handleSum += ch.aht * ahtMul * Math.exp((ch.ahtSigma ?? 0.6) * normal(r));
				if (r() < (ch.holdShare ?? 0.3)) cell.holdSum += 50 * Math.exp(0.8 * normal(r));
				cell.queueSum += -asaMean * Math.log(Math.max(1e-9, r()));
				if (r() < pSl) cell.within++;
			}
			cells.push(cell);
		});
		out[ch.name] = cells;
	}
	return out;
}

const round4 = (v) => Math.round(v * 10000) / 10000;

/**
 * The groups' rows as the Analytics node gives them, one per group × channel and bucket with contacts, in time
 * order; with `groupDays`, the cells summed into local days. Each group is simulated from seed × 100 + its index.
 */
function rowsOf(grid, bucketMin, groups, seed, { groupDays = false } = {}) {
	const rows = [];
	groups.forEach((group, i) => {
		const channels = simulateGroup(grid, bucketMin, group, seed * 100 + i);
		for (const [channel, cells] of Object.entries(channels)) {
			const sums = new Map();
			grid.forEach((g, b) => {
				const key = groupDays ? g.dayStartMs : g.ms;
				let a = sums.get(key);
				if (!a) sums.set(key, (a = { n: 0, abandoned: 0, handled: 0, handleSum: 0, holdSum: 0, queueSum: 0, within: 0 }));
				for (const f of Object.keys(a)) a[f] += cells[b][f];
			});
			for (const [ms, a] of sums) {
				if (a.n === 0) continue;
				rows.push({
					bucketStart: new Date(ms).toISOString().replace('.000Z', 'Z'),
					groupId: group.id,
					channel,
					count_sum: a.n,
					handle_time_avg: a.handled ? round4(a.handleSum / a.handled) : null,
					hold_time_avg: a.handled ? round4(a.holdSum / a.handled) : null,
					queue_time_avg: a.handled ? round4(a.queueSum / a.handled) : null,
					abandoned_pct: round4((100 * a.abandoned) / a.n),
					service_level_pct: round4((100 * a.within) / a.n),
				});
			}
		}
	});
	rows.sort((x, y) => (x.bucketStart < y.bucketStart ? -1 : x.bucketStart > y.bucketStart ? 1 : 0));
	return rows;
}

// ---- situations --------------------------------------------------------------------------------

const METRICS = ['count_sum', 'handle_time_avg', 'abandoned_pct', 'service_level_pct', 'hold_time_avg', 'queue_time_avg'];

const voice = (peak, extra = {}) => ({ name: 'voice', peak, open: hoursOffice(8, 18), aht: 330, ...extra });
const chat = (peak, extra = {}) => ({ name: 'chat', peak, open: hoursOffice(8, 18), aht: 560, ahtSigma: 0.7, holdShare: 0.05, ...extra });
const email = (peak, extra = {}) => ({
	name: 'email',
	peak,
	open: hours247,
	aht: 700,
	ahtSigma: 0.9,
	holdShare: 0,
	async: true,
	weekly: { 1: 1.1, 2: 1, 3: 1, 4: 1, 5: 0.95, 6: 0.6, 7: 0.5 },
	...extra,
});

/**
 * A bucket in [fromFrac, toFrac) of the range, at least `len` buckets before its end, starting on the hour
 * between h0 and h1 local, on a weekday (on a weekend day with `weekend`; on one of `days` when given).
 */
function place(grid, r, { fromFrac = 0.6, toFrac = 0.95, h0 = 9, h1 = 15, weekend = false, len = 1, days = null }) {
	const n = grid.length;
	for (let tries = 0; tries < 5000; tries++) {
		const b = Math.floor(n * (fromFrac + (toFrac - fromFrac) * r()));
		const g = grid[b];
		if (b + len >= n) continue;
		if (days ? !days.includes(g.wd) : weekend ? g.wd < 6 : g.wd > 5) continue;
		if (g.h < h0 || g.h > h1 || g.h % 1 !== 0) continue;
		return b;
	}
	throw new Error('no place');
}

/** Clean groups only: every series of every group is clean (its alerts counted from week `fromWeek` on when given). */
function cleanSituation(seed, { tz, startIso, days, bucketMin, groups, fromWeek }) {
	const grid = bucketGrid(tz, startIso, days, bucketMin);
	return {
		timeZone: tz,
		rows: rowsOf(grid, bucketMin, groups, seed),
		metrics: METRICS,
		incidents: [],
		cleanGroups: groups.map((g) => g.id),
		...(fromWeek === undefined ? {} : { alertsFromMs: grid[0].ms + fromWeek * 7 * DAY_MS }),
	};
}

/** From a day before to three days after each DST change's UTC midnight (`changes`: dates, comma-separated). */
const changeWindowsOf = (changes) =>
	String(changes)
		.split(',')
		.map((d) => Date.parse(`${d}T00:00:00Z`))
		.map((c) => [c - DAY_MS, c + 3 * DAY_MS]);

/**
 * Each situation: (seed, options) => { timeZone, rows, metrics, incidents, cleanGroups, alertsFromMs?,
 * changeWindows? }. rows carry groupId and channel; metrics are those to analyse; an incident is { kind,
 * groupId, channel, metric, startMs, endMs, catchUntilMs } (an alert from startMs to before catchUntilMs
 * catches it); the series of cleanGroups are clean. alertsFromMs: alerts on clean series count from then on
 * only; changeWindows: [from, until) around DST changes, whose alerts are also counted apart.
 */
export const situations = {
	/**
	 * Operationally obvious small incidents, one group per kind, and two clean groups. Incidents start on the
	 * hour on a weekday 9:00–15:00 in 60–95 % of the range; with `weekend`, on a Saturday 9:00–11:00 of a
	 * centre with busier Saturdays.
	 */
	small(seed, { bucketMin = 60, days = 35, tz = 'Europe/Paris', weekend = false, startIso = '2025-03-03' } = {}) {
		const r = rng(seed * 3 + 1);
		const perH = 60 / bucketMin;
		const grid = bucketGrid(tz, startIso, days, bucketMin);
		const where = weekend ? { weekend: true, days: [6], h0: 9, h1: 11 } : {};
		const inc = {};
		for (const [k, hours] of [['vol', 2], ['aht', 3], ['ab', 2], ['zero', 3], ['sl', 3]])
			inc[k] = { b: place(grid, r, { ...where, len: hours * perH }), len: hours * perH };
		const sat = weekend ? { weekly: { 1: 1.2, 2: 1.07, 3: 1, 4: 0.98, 5: 0.9, 6: 0.75, 7: 0.2 } } : {};
		const on = (k, m) => (g, b) => (b >= inc[k].b && b < inc[k].b + inc[k].len ? m : {});
		const groups = [
			{ id: 'g_vol', channels: [voice(weekend ? 110 : 120, { ...sat, mods: on('vol', { vol: 1.6 }) })] },
			{ id: 'g_aht', channels: [voice(weekend ? 70 : 80, { ...sat, mods: on('aht', { aht: 1.5 }) })] },
			{ id: 'g_ab', channels: [voice(weekend ? 90 : 100, { ...sat, mods: on('ab', { abandonAdd: 0.2 }) })] },
			{ id: 'g_zero', channels: [voice(60, sat), chat(weekend ? 50 : 40, { ...sat, mods: on('zero', { vol: 0 }) })] },
			{ id: 'g_sl', channels: [voice(weekend ? 55 : 60, { ...sat, mods: on('sl', { cap: 0.6 }) })] },
			{ id: 'g_c1', channels: [voice(100, sat), chat(25, sat), email(8)] },
			{ id: 'g_c2', channels: [voice(45, sat), chat(12, sat)] },
		];
		const bucketMs = bucketMin * MIN_MS;
		const incident = (kind, groupId, channel, metric, k) => {
			const startMs = grid[inc[k].b].ms;
			const endMs = startMs + inc[k].len * bucketMs;
			return { kind, groupId, channel, metric, startMs, endMs, catchUntilMs: endMs + 2 * bucketMs };
		};
		return {
			timeZone: tz,
			rows: rowsOf(grid, bucketMin, groups, seed),
			metrics: ['count_sum', 'handle_time_avg', 'abandoned_pct', 'service_level_pct', 'queue_time_avg'],
			incidents: [
				incident('volume x1.6 2h', 'g_vol', 'voice', 'count_sum', 'vol'),
				incident('AHT x1.5 3h', 'g_aht', 'voice', 'handle_time_avg', 'aht'),
				incident('abandon +20pts 2h', 'g_ab', 'voice', 'abandoned_pct', 'ab'),
				incident('chat volume 0 for 3h', 'g_zero', 'chat', 'count_sum', 'zero'),
				incident('staffing x0.6 3h: service level', 'g_sl', 'voice', 'service_level_pct', 'sl'),
				incident('staffing x0.6 3h: queue time', 'g_sl', 'voice', 'queue_time_avg', 'sl'),
				incident('staffing x0.6 3h: abandon', 'g_sl', 'voice', 'abandoned_pct', 'sl'),
			],
			cleanGroups: ['g_c1', 'g_c2'],
		};
	},

	/** A clean office group (voice 100/h, chat 25/h, e-mail 8/h at peak). */
	baseline(seed, { bucketMin = 60, days = 35, tz = 'Europe/Paris' } = {}) {
		return cleanSituation(seed, { tz, startIso: '2025-03-03', days, bucketMin, groups: [{ id: 'g', channels: [voice(100), chat(25), email(8)] }] });
	},

	/** Sparse channels: 0–3 contacts a bucket (voice 10/h, chat 6/h, e-mail 3/h; voice 4/h and chat 2.5/h 9–17, no Saturdays). */
	sparse(seed, { bucketMin = 15, days = 28, tz = 'America/Chicago' } = {}) {
		const weekdays = { open: hoursOffice(9, 17, null) };
		return cleanSituation(seed, {
			tz,
			startIso: '2025-04-07',
			days,
			bucketMin,
			groups: [
				{ id: 'g_sp', channels: [voice(10), chat(6), email(3)] },
				{ id: 'g_sp2', channels: [voice(4, weekdays), chat(2.5, weekdays)] },
			],
		});
	},

	/** Opening hours extended from 8–18 (Saturday 9–13) to 7–20 (Saturday 8–16) from day `changeDay` on. */
	extHours(seed, { bucketMin = 60, days = 42, changeDay = 28, tz = 'Europe/Paris' } = {}) {
		const before = hoursOffice(8, 18, [9, 13]);
		const after = hoursOffice(7, 20, [8, 16]);
		const open = (wd, h, day) => (day >= changeDay ? after(wd, h) : before(wd, h));
		return cleanSituation(seed, { tz, startIso: '2025-03-03', days, bucketMin, groups: [{ id: 'g_ext', channels: [voice(100, { open }), chat(25, { open })] }] });
	},

	/** The reverse (not the reviewer's; added with the rule it tests): 7–20 (Saturday 8–16) cut to 8–18 (Saturday 9–13) from day `changeDay` on. */
	cutHours(seed, { bucketMin = 60, days = 42, changeDay = 28, tz = 'Europe/Paris' } = {}) {
		const before = hoursOffice(7, 20, [8, 16]);
		const after = hoursOffice(8, 18, [9, 13]);
		const open = (wd, h, day) => (day >= changeDay ? after(wd, h) : before(wd, h));
		return cleanSituation(seed, { tz, startIso: '2025-03-03', days, bucketMin, groups: [{ id: 'g_cut', channels: [voice(100, { open }), chat(25, { open })] }] });
	},

	/** A chat channel launched on day `launchDay`, its planned volume ramping from 10 % to 100 % over 3 weeks. */
	newChannel(seed, { bucketMin = 60, days = 56, launchDay = 21, tz = 'America/New_York' } = {}) {
		const ramp = (day) => Math.min(1, 0.1 + (0.9 * Math.max(0, day - launchDay)) / 21);
		const open = (wd, h, day) => day >= launchDay && hoursOffice(8, 18)(wd, h);
		return cleanSituation(seed, {
			tz,
			startIso: '2025-04-07',
			days,
			bucketMin,
			groups: [{ id: 'g_new', channels: [voice(90), chat(40, { open, mods: (g) => ({ plannedVol: ramp(g.day) }) })] }],
		});
	},

	/** Volume growing `pct` % a week (staffing follows the forecast). */
	growth(seed, { bucketMin = 60, days = 70, pct = 3, tz = 'Europe/Paris' } = {}) {
		const mods = (g) => ({ plannedVol: Math.pow(1 + pct / 100, g.day / 7) });
		return cleanSituation(seed, { tz, startIso: '2025-01-06', days, bucketMin, groups: [{ id: 'g_gr', channels: [voice(80, { mods }), chat(25, { mods })] }] });
	},

	/** A mailing every Monday 9:00–11:00: planned volume × 1.7. Alerts count from week `fromWeek` on (the 4th Monday). */
	mailing(seed, { bucketMin = 60, days = 56, tz = 'Europe/Paris', fromWeek = 3 } = {}) {
		const mods = (g) => (g.wd === 1 && g.h >= 9 && g.h < 11 ? { plannedVol: 1.7 } : {});
		return cleanSituation(seed, {
			tz,
			startIso: '2025-03-03',
			days,
			bucketMin,
			groups: [{ id: 'g_mail', channels: [voice(90, { mods }), chat(25, { mods })] }],
			fromWeek,
		});
	},

	/**
	 * Clean series across DST changes (`changes`: dates, comma-separated): an office group and a 24×7 voice
	 * group; the alerts from a day before to three days after each change's UTC midnight are also counted apart.
	 */
	dst(seed, { bucketMin = 30, tz = 'Australia/Adelaide', startIso = '2025-03-10', days = 56, changes = '2025-04-06' } = {}) {
		const groups = [
			{ id: 'g_dst', channels: [voice(100), chat(25), email(8)] },
			{ id: 'g_247', channels: [voice(60, { open: hours247, nightFloor: 0.1 })] },
		];
		return { ...cleanSituation(seed, { tz, startIso, days, bucketMin, groups }), changeWindows: changeWindowsOf(changes) };
	},

	/**
	 * A daily callback campaign across a daylight-saving change (`changes`, as in `dst`): from the second week,
	 * an office group's calls × 4 for one bucket (planned: staffing follows) at 9:00 local (`clock` 'local') or
	 * at 14:00 UTC ('utc': 10:00 before New York's November change, 9:00 after it), a bucket early or late on
	 * two days in three. Its first days are news; its alerts count from the third week on, so what is counted
	 * is a daily pattern alerting again.
	 */
	campaign(seed, { bucketMin = 15, tz = 'America/New_York', startIso = '2025-10-13', days = 35, changes = '2025-11-02', clock = 'local' } = {}) {
		const r = rng(seed * 7 + 3);
		const early = Array.from({ length: days + 1 }, () => Math.floor(r() * 3) - 1);
		const at = (g) => {
			const minutes = clock === 'utc' ? new Date(g.ms).getUTCHours() * 60 + new Date(g.ms).getUTCMinutes() - 14 * 60 : Math.round(g.h * 60) - 9 * 60;
			return minutes === early[g.day] * bucketMin;
		};
		const mods = (g) => (g.day >= 7 && g.wd <= 5 && at(g) ? { plannedVol: 4 } : {});
		const groups = [{ id: 'g_campaign', channels: [voice(100, { mods })] }];
		return { ...cleanSituation(seed, { tz, startIso, days, bucketMin, groups, fromWeek: 2 }), changeWindows: changeWindowsOf(changes) };
	},

	/**
	 * Local DAY rows of short ranges (30, 60, 90 days from 2025-05-05): one day-long incident per group on a
	 * weekday (a Saturday with `weekend`) in 70–98 % of the range, and two clean groups. An alert on the day or
	 * the next day and a half catches it.
	 */
	shortDay(seed, { days = 60, tz = 'America/Sao_Paulo', weekend = false } = {}) {
		const r = rng(seed * 5 + 2);
		const grid = withDayStarts(bucketGrid(tz, '2025-05-05', days, 60), tz);
		const pickDay = () => {
			for (;;) {
				const d = Math.floor(days * (0.7 + 0.28 * r()));
				const g = grid.find((x) => x.day === d);
				if (weekend ? g.wd === 6 : g.wd <= 5) return d;
			}
		};
		const inc = { vol: pickDay(), aht: pickDay(), ab: pickDay(), half: pickDay() };
		const on = (k, m) => (g) => (g.day === inc[k] ? m : {});
		const sat = { weekly: { 1: 1.2, 2: 1.07, 3: 1, 4: 0.98, 5: 0.9, 6: 0.6, 7: 0.2 } };
		const groups = [
			{ id: 'g_vol', channels: [voice(120, { ...sat, mods: on('vol', { vol: 1.6 }) })] },
			{ id: 'g_aht', channels: [voice(80, { ...sat, mods: on('aht', { aht: 1.5 }) })] },
			{ id: 'g_ab', channels: [voice(100, { ...sat, mods: on('ab', { abandonAdd: 0.15 }) })] },
			{ id: 'g_half', channels: [voice(100, { ...sat, mods: on('half', { vol: 0.5 }) })] },
			{ id: 'g_c1', channels: [voice(100, sat), chat(25, sat)] },
			{ id: 'g_c2', channels: [voice(40, sat), chat(10, sat)] },
		];
		const incident = (kind, groupId, metric, k) => {
			const startMs = grid.find((x) => x.day === inc[k]).dayStartMs;
			return { kind, groupId, channel: 'voice', metric, startMs, endMs: startMs + DAY_MS, catchUntilMs: startMs + 2.5 * DAY_MS };
		};
		return {
			timeZone: tz,
			rows: rowsOf(grid, 60, groups, seed, { groupDays: true }),
			metrics: ['count_sum', 'handle_time_avg', 'abandoned_pct', 'service_level_pct'],
			incidents: [
				incident('day volume x1.6', 'g_vol', 'count_sum', 'vol'),
				incident('day AHT x1.5', 'g_aht', 'handle_time_avg', 'aht'),
				incident('day abandon +15pts', 'g_ab', 'abandoned_pct', 'ab'),
				incident('day volume x0.5', 'g_half', 'count_sum', 'half'),
			],
			cleanGroups: ['g_c1', 'g_c2'],
		};
	},
};

/**
 * The situations and options of the reviewer's report, in its order (the reviewer's command:
 * `run.mjs <situation> key=value …`).
 */
export const SITUATION_RUNS = [
	{ label: 'small HOUR 35d', situation: 'small', options: {} },
	{ label: 'small HOUR 14d', situation: 'small', options: { days: 14 } },
	{ label: 'small HOUR 28d', situation: 'small', options: { days: 28 } },
	{ label: 'small HOUR 14d Saturday', situation: 'small', options: { weekend: true, days: 14 } },
	{ label: 'small HOUR 28d Saturday', situation: 'small', options: { weekend: true, days: 28 } },
	{ label: 'small 15min 28d', situation: 'small', options: { bucketMin: 15, days: 28 } },
	{ label: 'baseline HOUR 35d', situation: 'baseline', options: {} },
	{ label: 'baseline 15min 28d', situation: 'baseline', options: { bucketMin: 15, days: 28 } },
	{ label: 'sparse 15min 28d', situation: 'sparse', options: {} },
	{ label: 'sparse 30min 28d', situation: 'sparse', options: { bucketMin: 30 } },
	{ label: 'extHours HOUR 42d', situation: 'extHours', options: {} },
	{ label: 'extHours 15min 42d', situation: 'extHours', options: { bucketMin: 15 } },
	{ label: 'cutHours HOUR 42d', situation: 'cutHours', options: {} },
	{ label: 'cutHours 15min 42d', situation: 'cutHours', options: { bucketMin: 15 } },
	{ label: 'newChannel HOUR 56d', situation: 'newChannel', options: {} },
	{ label: 'growth HOUR 70d', situation: 'growth', options: {} },
	{ label: 'growth 15min 70d', situation: 'growth', options: { bucketMin: 15 } },
	{ label: 'mailing HOUR 56d', situation: 'mailing', options: {} },
	{ label: 'dst Adelaide 30min 56d', situation: 'dst', options: {} },
	{
		label: 'dst London 15min 42d',
		situation: 'dst',
		options: { bucketMin: 15, tz: 'Europe/London', startIso: '2025-03-03', changes: '2025-03-30', days: 42 },
	},
	{ label: 'campaign 15min local', situation: 'campaign', options: {} },
	{ label: 'campaign 15min UTC', situation: 'campaign', options: { clock: 'utc' } },
	{ label: 'shortDay DAY 30d', situation: 'shortDay', options: { days: 30 } },
	{ label: 'shortDay DAY 60d', situation: 'shortDay', options: {} },
	{ label: 'shortDay DAY 90d', situation: 'shortDay', options: { days: 90 } },
	{ label: 'shortDay DAY 90d Saturday', situation: 'shortDay', options: { weekend: true, days: 90 } },
];
