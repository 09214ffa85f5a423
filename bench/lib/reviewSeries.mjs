// The review set: a third contact-centre validation set of the Trends node, besides ccSeries.mjs (the
// simulator's contacts) and syntheticSeries.mjs. An independent generator, written by a reviewer who did not
// read ccSeries.mjs, ported here unchanged in what it computes (same seeds, same numbers as the reviewer's
// gen.mjs). No tuning loop of the node's defaults was run on it before 2026-12-06; it was used to diagnose the
// round of 2026-12-06. Scored by `npm run bench:quality -- --review` (bench/detector-quality.mjs).
//
// Deterministic (mulberry32). Contacts are drawn per hour per channel (voice, chat, e-mail), in the site's own
// time zone (America/Chicago, Europe/London, Australia/Sydney; DST changes inside every range), then aggregated
// to HOUR (15 weeks) or local DAY (30 weeks) buckets, per group and per group × channel, as the Analytics node
// outputs them (no row for an empty bucket; averages and percentages rounded to 4 decimals). Each site has two
// groups of 2–400 contacts an hour at peak, with opening hours (24×7, extended, office), growth, month-end
// peaks and staffing that follows the forecast (abandon % follows the load). Each unit (group, or group ×
// channel) gets at most one incident (probability 0.65) in one metric, 2–8 weeks into its series: 59 in all.
// The '-s' sites' ranges start in January/February, the '-a' sites' in May–August: the `first` and `second`
// halves of the scorer.
import { DateTime } from 'luxon';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export function mulberry32(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
const gauss = (r) => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
function poisson(l, r) {
	if (l <= 0) return 0;
	if (l > 40) return Math.max(0, Math.round(l + Math.sqrt(l) * gauss(r)));
	const L = Math.exp(-l);
	let k = 0,
		p = r();
	while (p > L) {
		k++;
		p *= r();
	}
	return k;
}
const round4 = (v) => Math.round(v * 10000) / 10000;

// ---- site design ---------------------------------------------------------------------------------
export const SITES = [
	{ id: 'chi-s', tz: 'America/Chicago', start: '2024-01-29', dayStart: '2024-01-08' },
	{ id: 'lon-s', tz: 'Europe/London', start: '2024-02-12', dayStart: '2024-01-15' },
	{ id: 'syd-s', tz: 'Australia/Sydney', start: '2024-02-19', dayStart: '2024-01-22' },
	{ id: 'chi-a', tz: 'America/Chicago', start: '2024-08-26', dayStart: '2024-06-03' },
	{ id: 'lon-a', tz: 'Europe/London', start: '2024-08-19', dayStart: '2024-06-10' },
	{ id: 'syd-a', tz: 'Australia/Sydney', start: '2024-07-29', dayStart: '2024-05-27' },
];
/** The half a site belongs to in the scorer: the '-s' sites (ranges from January) first, the '-a' sites second. */
export const reviewHalf = (siteId) => (siteId.endsWith('-s') ? 'first' : 'second');
export const HOUR_WEEKS = 15;
export const DAY_WEEKS = 30;
const CHANNELS = ['voice', 'chat', 'email'];
// Busy Monday, half-staffed Saturday, quiet (or closed) Sunday.
const WEEKLY = { 1: 1.25, 2: 1.06, 3: 1.0, 4: 0.97, 5: 0.9, 6: 0.45, 7: 0.22 };

/** Two peaks (10:30, 15:00) with a lunch dip (12:30) and an evening taper; hour h = local fractional hour. */
const SHAPE = [
	0.05, 0.04, 0.04, 0.04, 0.05, 0.08, 0.15, 0.3, 0.6, 0.88, 1.0, 0.96, 0.78, 0.82, 0.95, 0.9, 0.75,
	0.55, 0.38, 0.26, 0.2, 0.14, 0.1, 0.07,
];
function dayShape(h) {
	return SHAPE[Math.floor(h) % 24];
}

/** Groups of a site: size (peak contacts/h of voice+chat), hours, growth, month end; pure function of seed. */
export function siteGroups(siteIndex) {
	const r = mulberry32(9000 + siteIndex * 17);
	const groups = [];
	for (let g = 0; g < 2; g++) {
		const peak = Math.exp(Math.log(2) + (Math.log(400) - Math.log(2)) * r()); // 2 .. 400 per hour
		const hours = ['24x7', 'ext', 'office'][Math.floor(r() * 3)];
		const growth = [0, 0.2, 0.2, -0.1][Math.floor(r() * 4)]; // per quarter
		const monthEnd = r() < 0.6;
		const email = 0.3 + 2.7 * r(); // email arrivals per daytime hour (0-3)
		const ahtFactor = 0.8 + 0.5 * r();
		groups.push({ id: `g${siteIndex}${g}`, peak, hours, growth, monthEnd, email, ahtFactor });
	}
	return groups;
}

/** Is the group open (voice/chat) at local weekday wd, hour h? */
function openAt(hours, wd, h) {
	if (hours === '24x7') return true;
	if (hours === 'ext') return wd !== 7 && h >= 7 && h < 21;
	return (wd <= 5 && h >= 8 && h < 18) || (wd === 6 && h >= 9 && h < 13);
}

/** Month-end factor of a local date: last business day x1.35, second-last x1.2, first business day x1.15. */
function monthEndFactor(dt) {
	const isBiz = (d) => d.weekday <= 5;
	let d = dt.endOf('month').startOf('day');
	const last = [];
	while (last.length < 2) {
		if (isBiz(d)) last.push(d.toISODate());
		d = d.minus({ days: 1 });
	}
	let f = dt.startOf('month');
	while (!isBiz(f)) f = f.plus({ days: 1 });
	const iso = dt.toISODate();
	if (iso === last[0]) return 1.35;
	if (iso === last[1]) return 1.2;
	if (iso === f.toISODate()) return 1.15;
	return 1;
}

/**
 * Hours of a range: [{ ms, local: DateTime, wd, h, frac, date, me }] for every UTC hour from the local
 * midnight of `startIso` for `weeks` weeks.
 */
export function hoursOf(tz, startIso, weeks) {
	const start = DateTime.fromISO(startIso, { zone: tz }).startOf('day');
	const end = start.plus({ weeks });
	const out = [];
	const meCache = new Map();
	for (let ms = start.toMillis(); ms < end.toMillis(); ms += HOUR_MS) {
		const local = DateTime.fromMillis(ms, { zone: tz });
		const date = local.toISODate();
		if (!meCache.has(date)) meCache.set(date, monthEndFactor(local));
		out.push({
			ms,
			wd: local.weekday,
			h: local.hour,
			date,
			me: meCache.get(date),
			day: Math.floor((ms - start.toMillis()) / DAY_MS),
			dayStartMs: local.startOf('day').toMillis(),
		});
	}
	return out;
}

/**
 * Contacts of one block. `incidents`: [{ unit: groupId or groupId/channel, metric, type, startMs, endMs,
 * size }] applied at contact level: volume x size; aht x size (per contact); abandon +size points (spike)
 * or capacity x size (shift: a staffing cut, abandon follows load).
 * Returns per hour per group per channel: { n, handled, handleSum, abandoned }.
 */
export function simulate(site, siteIndex, hours, incidents, seed) {
	const groups = siteGroups(siteIndex);
	const r = mulberry32(seed);
	const cells = new Map(); // `${g}|${ch}` -> array per hour
	const nDays = hours[hours.length - 1].day + 1;
	for (const grp of groups) {
		const dayNoise = Array.from({ length: nDays + 2 }, () => Math.exp(0.07 * gauss(r)));
		for (const ch of CHANNELS) {
			const arr = new Array(hours.length);
			const chShare = ch === 'voice' ? 0.68 : 0.32;
			const ahtMedian = (ch === 'voice' ? 280 : ch === 'chat' ? 520 : 720) * grp.ahtFactor;
			const sigma = ch === 'email' ? 0.85 : 0.65;
			for (let i = 0; i < hours.length; i++) {
				const hr = hours[i];
				const growth = Math.pow(1 + grp.growth, hr.day / 91);
				const me = grp.monthEnd ? hr.me : 1;
				let base;
				let open = true;
				if (ch === 'email') {
					base = grp.email * (hr.h >= 7 && hr.h < 20 ? 1 : 0.35) * (hr.wd >= 6 ? 0.5 : 1) * growth;
				} else {
					open = openAt(grp.hours, hr.wd, hr.h);
					const shape = dayShape(hr.h + 0.5);
					const night = grp.hours === '24x7' ? Math.max(shape, 0.04) : shape;
					base = open ? grp.peak * chShare * night * WEEKLY[hr.wd] * growth * me : 0;
				}
				// Staffing follows the forecast (no noise, month end only half foreseen); lunch and Saturday thin.
				const forecast = (base / me) * (1 + (me - 1) * 0.5);
				let staff = 1.2;
				if (hr.h === 12 || hr.h === 13) staff = 1.05;
				if (hr.wd === 6) staff = 0.9; // half-staffed Saturday
				let lambda = base * dayNoise[hr.day] * Math.exp(0.05 * gauss(r));
				let ahtMul = 1;
				let abandonAdd = 0;
				let capMul = 1;
				for (const inc of incidents) {
					if (hr.ms < inc.startMs || hr.ms >= inc.endMs) continue;
					if (inc.unit !== grp.id && inc.unit !== `${grp.id}/${ch}`) continue;
					if (inc.metric === 'count_sum') lambda *= inc.size;
					else if (inc.metric === 'handle_time_avg') ahtMul *= inc.size;
					else if (inc.type === 'shift') capMul *= inc.size;
					else abandonAdd += inc.size / 100;
				}
				const n = poisson(lambda, r);
				const capacity = forecast * staff * capMul;
				const load = capacity > 0 ? (lambda * ahtMul) / capacity : 0.8;
				let p =
					ch === 'email'
						? 0.004
						: Math.min(0.6, 0.02 + 0.25 * Math.pow(Math.max(0, load - 0.8), 1.3));
				p = Math.min(0.95, p + abandonAdd);
				let abandoned = 0,
					handleSum = 0,
					handled = 0;
				for (let k = 0; k < n; k++) {
					if (r() < p) abandoned++;
					else {
						handled++;
						handleSum += ahtMedian * ahtMul * Math.exp(sigma * gauss(r));
					}
				}
				arr[i] = { n, handled, handleSum, abandoned, open };
			}
			cells.set(`${grp.id}|${ch}`, arr);
		}
	}
	return { groups, cells };
}

/** Rows as the Analytics node outputs them: HOUR or local DAY buckets, per group or per group x channel. */
export function rowsOf(sim, hours, bucket, byChannel) {
	const rows = [];
	for (const grp of sim.groups) {
		const units = byChannel ? CHANNELS.map((ch) => [ch, [ch]]) : [[null, CHANNELS]];
		for (const [ch, chans] of units) {
			const agg = new Map(); // bucketStartMs -> sums
			for (let i = 0; i < hours.length; i++) {
				const key = bucket === 'HOUR' ? hours[i].ms : hours[i].dayStartMs;
				let a = agg.get(key);
				if (!a) agg.set(key, (a = { n: 0, handled: 0, handleSum: 0, abandoned: 0 }));
				for (const c of chans) {
					const cell = sim.cells.get(`${grp.id}|${c}`)[i];
					a.n += cell.n;
					a.handled += cell.handled;
					a.handleSum += cell.handleSum;
					a.abandoned += cell.abandoned;
				}
			}
			for (const [ms, a] of agg) {
				if (a.n === 0) continue; // no contacts: no row
				const row = {
					bucketStart: new Date(ms).toISOString().replace('.000Z', 'Z'),
					groupId: grp.id,
				};
				if (ch) row.channel = ch;
				row.count_sum = a.n;
				row.handle_time_avg = a.handled > 0 ? round4(a.handleSum / a.handled) : null;
				row.abandoned_pct = round4((100 * a.abandoned) / a.n);
				rows.push(row);
			}
		}
	}
	rows.sort((x, y) => (x.bucketStart < y.bucketStart ? -1 : x.bucketStart > y.bucketStart ? 1 : 0));
	return rows;
}

const METRICS = ['count_sum', 'handle_time_avg', 'abandoned_pct'];
const KIND = { count_sum: 'volume', handle_time_avg: 'aht', abandoned_pct: 'abandon' };

/**
 * Incidents of a block: each unit (group, or group x channel) gets at most one, with probability 0.65, in one
 * metric, starting 2-8 weeks in, on any day and (HOUR) any hour.
 */
export function planIncidents(siteIndex, bucket, byChannel, hours, seed) {
	const r = mulberry32(seed * 7 + 3);
	const groups = siteGroups(siteIndex);
	const units = byChannel
		? groups.flatMap((g) => CHANNELS.map((c) => `${g.id}/${c}`))
		: groups.map((g) => g.id);
	const t0 = hours[0].ms;
	const incidents = [];
	const U = (a, b) => a + (b - a) * r();
	for (const unit of units) {
		if (r() >= 0.65) continue;
		const metric = METRICS[Math.floor(r() * 3)];
		const types = metric === 'count_sum' ? ['spike', 'drop', 'shift'] : ['spike', 'shift'];
		const type = types[Math.floor(r() * types.length)];
		const day = Math.floor(U(14, 57));
		let startMs, endMs, len;
		if (bucket === 'HOUR') {
			len =
				type === 'spike'
					? 1 + Math.floor(r() * 3)
					: type === 'drop'
						? 2 + Math.floor(r() * 5)
						: 24 * 7 * Math.floor(U(2, 7));
			// Day and night, weekdays and weekends, but while the unit has contacts (open hours).
			const grp = groups.find((g) => unit.startsWith(g.id));
			const ch = unit.includes('/') ? unit.split('/')[1] : 'voice';
			const isOpen = (hr) =>
				ch === 'email' ? hr.h >= 7 && hr.h < 20 : openAt(grp.hours, hr.wd, hr.h);
			let idx = 0;
			for (let tries = 0; tries < 500; tries++) {
				const d = tries === 0 ? day : Math.floor(U(14, 57));
				idx = d * 24 + Math.floor(r() * 24);
				if (type === 'shift' || (isOpen(hours[idx]) && isOpen(hours[idx + len - 1]))) break;
			}
			startMs = hours[idx].ms;
			endMs = startMs + len * HOUR_MS;
		} else {
			const idx = hours.findIndex((h) => h.ms >= t0 + day * DAY_MS + 12 * HOUR_MS);
			startMs = hours[idx].dayStartMs;
			len = type === 'shift' ? 7 * Math.floor(U(2, 7)) : 1;
			// End at the local midnight `len` days on (DST-safe); the fallback, len days and 2 hours on, is not reached.
			endMs = startMs + len * DAY_MS + 2 * HOUR_MS;
			const localEnd = hours.find((h) => h.ms >= startMs + len * DAY_MS - 2 * HOUR_MS && h.h === 0);
			endMs = localEnd ? localEnd.ms : endMs;
		}
		let size;
		const up = r() < 0.5;
		if (metric === 'count_sum')
			size =
				type === 'spike'
					? U(1.5, 3)
					: type === 'drop'
						? U(0.1, 0.5)
						: up
							? U(1.25, 1.5)
							: U(0.5, 0.75);
		else if (metric === 'handle_time_avg')
			size = type === 'spike' ? U(1.3, 2) : up ? U(1.25, 1.5) : U(0.65, 0.8);
		else size = type === 'spike' ? U(10, 30) : U(0.6, 0.8); // abandon shift: staffing x0.6-0.8
		incidents.push({ unit, metric, kind: KIND[metric], type, startMs, endMs, len, size });
	}
	return incidents;
}

/** Every block: { site, tz, bucket, byChannel, rows, incidents, groups }. */
export function* blocks() {
	for (const [si, site] of SITES.entries())
		for (const bucket of ['HOUR', 'DAY'])
			for (const byChannel of [false, true]) {
				const hours =
					bucket === 'HOUR'
						? hoursOf(site.tz, site.start, HOUR_WEEKS)
						: hoursOf(site.tz, site.dayStart, DAY_WEEKS);
				const seed = 1000 * si + (bucket === 'HOUR' ? 0 : 100) + (byChannel ? 10 : 0) + 1;
				const incidents = planIncidents(si, bucket, byChannel, hours, seed);
				const sim = simulate(site, si, hours, incidents, seed);
				yield {
					site: site.id,
					tz: site.tz,
					bucket,
					byChannel,
					rows: rowsOf(sim, hours, bucket, byChannel),
					incidents,
					groups: sim.groups,
					hours,
				};
			}
}
export { METRICS, KIND, CHANNELS };
