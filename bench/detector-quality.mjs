#!/usr/bin/env node
// The Trends node's default method, default settings, scored on
//   - the 53 labelled NAB series of ../shared/nab (values only, through bench/nab-detector.mjs), split
//     into a tuning part and a check part (every fourth series by name) that no tuning loop looks at;
//   - the contact-centre validation set (bench/lib/ccSeries.mjs): the simulator's contacts as the
//     Analytics node outputs them, through the node's own row analysis (count fields included), by
//     metric kind × bucket size, for the tuning seeds and the check seeds (with --part fresh, for six more
//     seeds that no tuning loop has seen, in place of both; see CC_SEEDS);
//   - an independent synthetic set (bench/lib/syntheticSeries.mjs, another generator, in no tuning loop):
//     alerts per 1000 points on clean series by metric kind × bucket size, on the first 14 and 21 days of
//     centres closed on one weekend day (Sundays, Saturdays, Fridays of a Friday–Saturday weekend), whether a spike five weeks
//     after a level shift is caught and the shift stays one event, and the incidents caught by metric kind
//     × bucket size × type, in two halves of seeds;
//   - with --review, the review set (bench/lib/reviewSeries.mjs, a reviewer's independent generator: three
//     sites across DST, calls, chats and e-mails, 59 planted incidents): recall, the clear incidents (|z| >= 6)
//     caught, alerts per 1000 clean points and NAB standard by bucket size × metric kind, for its first half
//     (the '-s' sites), its second half (the '-a' sites) and all. No tuning loop of the defaults ran on it
//     before 2026-12-06. --verbose adds each incident, each clean series' alerts and the lines by incident type;
//   - with --situations, the situations (bench/lib/situationSeries.mjs, another reviewer's independent generator,
//     in no tuning loop, used to diagnose the round of 2026-12-06): small incidents in 14–35 days of hours and
//     15 minutes (on weekdays and on Saturdays), clean centres (baseline, sparse channels, extended opening
//     hours, a new channel, growth, a weekly mailing, DST changes) and day-long incidents in 30–90 days of
//     days, 10 seeds each, with the options of the reviewer's report: alerts per 1000 points and series with an
//     alert on clean series by metric, incidents caught by kind. --verbose adds each incident missed.
//   - with --surges, an office-hours centre at 60, 30 and 15 minutes (officeHoursSurges, 20 seeds): is a
//     second two-hour surge heard two days and a week after a first, and does the first move the baseline
//     (a surge taken for a new level)? See scoreSurges.
//   - with --after-follow, hourly volumes whose level shifts for good (× 2, × 1.5, × 0.5) and, one to five
//     days later, an hour × 1.5 or × 0.6 (levelThenIncident, 20 seeds × 3 hours): is it heard once the
//     method has followed the new level? Days of flat hours between a night's step and the evening's, then
//     days of two peaks ("peaks"). See scoreAfterFollow.
//   - with --holidays, an office-hours centre at 15 minutes to a day whose weekday is closed two weeks running
//     (Christmas and New Year's Day), or two days running two weeks running (yearEnd, 10 seeds): does the
//     weekday after alert, and is an hour × 1.6 a week later heard, beside the same series without them? See
//     scoreHolidays.
//   - with --around-the-clock, 260 days of hours of a centre open around the clock, its night team's 10
//     contacts an hour, then about 85 in the day's first hour (aroundTheClock, 6 seeds): are a monthly hour's
//     outage, a monthly two-hour mailing and a late drop and spike heard, and how many other alerts? See
//     scoreAroundTheClock.
//   - with --busy-day, the same office-hours centre at 15 and 60 minutes with one Wednesday at 1.3 to 2
//     times its contacts or at 0.6, all day or from 11:00, and at 1 or 2 with the Thursday after it closed
//     (busyDay, 30 series a row): is the day heard, and do the days after alert (the day taken for a new
//     level)? See scoreBusyDay.
// Prints NAB standard, flags per 1000 points and window recall for NAB; recall, alerts per 1000 points on
// clean series, NAB standard and the level shifts alerted at all (however late) for the contact-centre set.
// Needs the compiled core (npm run build).
//
//   npm run bench:quality -- [--part tune|check|all|fresh] [--no-nab] [--no-cc] [--no-synthetic] [--verbose] [--breakdown] [--nab DIR]
//                            [--incident-scale S] [--without-counts] [--short] [--review] [--situations]
//                            [--residuals] [--surges] [--after-follow] [--around-the-clock] [--holidays]
//                            [--busy-day]
// --residuals: how the judged buckets' residuals z = (value − expected) / scale of the clean hourly series run
// (units without an incident in any metric), for the contact-centre set (and the review set with --review):
// E[z] and E[z²] (0 and 1 when the scales are right) and, each series' offset taken out, R = m · E[(day mean
// of z)²] / E[z²] over local days (1 when a day's buckets vary independently; 1 + (m − 1) ρ when two of them
// correlate by ρ — whole days running high or low together, the day-to-day noise the day score meets).
// --incident-scale: the contact-centre incidents' effects times S (default 1; see ccSeries.mjs), e.g. 0.6 for
// the smaller incidents a held-back set may hold.
// --oracle: the contact-centre volume and abandon % incidents caught, by how clearly an oracle that knows each
// incident bucket's value without the incident sees them (|z| >= 6, 4.5-6, 3-4.5, below 3; the counts
// observed against the clean ones over the incident, a shift's first day or week, by the Poisson tail: see
// addToOracle in bench/lib/ccSeries.mjs and the node's poissonTailScore). It knows the clean day's own level, which a detector must estimate: an
// upper bound on what can be seen, not a fair target. --verbose adds each incident's oracle z.
// --short: the contact-centre set over 21 days at HOUR and 63 at DAY (the incidents placed alike, from 40 %
// of the range on): what a query of the last few weeks gives the node.
// --without-counts: the contact-centre and synthetic rates and averages judged without their contacts (Contact
// Count Field empty), as for items that carry no count field (the review set and the situations too; --short
// and --incident-scale leave them as they are).
// --breakdown: where the NAB points go — the same flags without their false positives, and with one more
// flag at the middle of every missed window, scored alike; per series: each window's first flag (its
// position in the window, 0 = start) or MISS, and the scored false positives.
// DIR: the NAB folder (default ../shared/nab beside the repository); the contact-centre part needs its scorer.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { CC_SEEDS, ccBlocks, generateBlock, localHour, localWeekday } from './lib/ccSeries.mjs';
import { aroundTheClock, busyDay, cleanSyntheticSeries, closedDaySeries, incidentSyntheticSeries, levelThenIncident, officeHoursSurges, shiftThenSpikeSeries, yearEnd } from './lib/syntheticSeries.mjs';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const { analyzeRows } = require('../dist/nodes/NiceCxoneTrends/core/analyzeRows.js');
const { DEFAULT_SETTINGS } = require('../dist/nodes/NiceCxoneTrends/core/analyzeSeries.js');
const { poissonTailScore } = require('../dist/nodes/NiceCxoneTrends/core/detectors/sustainedScore.js');

const args = process.argv.slice(2);
const part = args.includes('--part') ? args[args.indexOf('--part') + 1] : 'all';
const verbose = args.includes('--verbose');
const breakdown = args.includes('--breakdown');
const incidentScale = args.includes('--incident-scale') ? Number(args[args.indexOf('--incident-scale') + 1]) : 1;
if (!(incidentScale > 0)) throw new Error('--incident-scale: give a positive number, e.g. 0.6');
/** --short: the contact-centre set over 3 weeks of hours and 9 weeks of days, as a short query returns them. */
const short = args.includes('--short');
const days = short ? { HOUR: 21, DAY: 63 } : {};
const withoutCounts = args.includes('--without-counts');
/** The row analysis' Contact Count Field: the default (count_sum, which the items carry) or none. */
const countConfig = withoutCounts ? { countField: '' } : {};
const nabDir = args.includes('--nab') ? path.resolve(args[args.indexOf('--nab') + 1]) : path.resolve(here, '../../shared/nab');
const log = (line = '') => process.stdout.write(`${line}\n`);

const residuals = args.includes('--residuals') ? new Map() : undefined;
/** --oracle: the contact-centre incidents caught by how clearly an oracle sees them (volume and abandon %). */
const oracle = args.includes('--oracle') ? new Map() : undefined;
/** Lower edges of the oracle's |z| bands, widest first (the last band: below 3). */
const ORACLE_BANDS = [6, 4.5, 3, 0];
/**
 * Adds a clean series' residuals z = (value − expected) / scale (linear, not the square-root score of counts) to
 * `residuals` under `key`, by local day: the judged buckets with a value, closed hours (none expected, none
 * come) left out, on days with at least 6 of them (see --residuals).
 */
function addResiduals(key, series, timeZone) {
	const { expected, scale, judged } = series.analysis.detection;
	const values = series.grid.values;
	const dayOf = new Intl.DateTimeFormat('en-CA', { timeZone });
	const days = new Map();
	series.grid.timesMs.forEach((ms, i) => {
		if (!judged[i] || Number.isNaN(values[i]) || !(scale[i] > 0)) return;
		if (values[i] === 0 && expected[i] === 0) return;
		const day = dayOf.format(ms);
		if (!days.has(day)) days.set(day, []);
		days.get(day).push((values[i] - expected[i]) / scale[i]);
	});
	const kept = [...days.values()].filter((zs) => zs.length >= 6);
	const all = kept.flat();
	if (all.length === 0) return;
	// The series' own offset is taken out before the day means: a steady bias is no day-to-day noise.
	const offset = all.reduce((a, z) => a + z, 0) / all.length;
	const t = residuals.get(key) ?? { days: 0, buckets: 0, sum: 0, squares: 0, centred: 0, dayMeans: 0 };
	for (const zs of kept) {
		let daySum = 0;
		for (const z of zs) {
			t.sum += z;
			t.squares += z * z;
			t.centred += (z - offset) ** 2;
			daySum += z - offset;
		}
		t.days++;
		t.buckets += zs.length;
		t.dayMeans += (daySum * daySum) / zs.length;
	}
	residuals.set(key, t);
}
/**
 * Per key: the mean and mean square of z (0 and 1 when the scales are right), and R = m · E[(day mean of z −
 * offset)²] / E[(z − offset)²] with each series' offset taken out: 1 when a day's buckets vary independently,
 * 1 + (m − 1) ρ when two of a day's buckets correlate by ρ (printed with m, the buckets a day).
 */
function logResiduals(set) {
	for (const [key, t] of [...residuals].sort(([a], [b]) => a.localeCompare(b))) {
		if (!key.startsWith(set)) continue;
		const ratio = t.dayMeans / t.days / (t.centred / t.buckets);
		const perDay = t.buckets / t.days;
		log(`RESIDUALS ${key.padEnd(24)} days ${String(t.days).padStart(5)}  m ${perDay.toFixed(1).padStart(4)}  E[z] ${(t.sum / t.buckets).toFixed(2).padStart(5)}  E[z²] ${(t.squares / t.buckets).toFixed(2)}  R ${ratio.toFixed(2)}  ρ ${((ratio - 1) / (perDay - 1)).toFixed(3)}`);
	}
}

/** The check part of NAB: every fourth series in name order (13 of 53). */
export const isNabCheckSeries = (index) => index % 4 === 3;

async function scoreNab() {
	if (part === 'fresh') return log('NAB: not scored with --part fresh (the fresh seeds are the contact-centre set\'s).');
	const { evaluate, loadSeries } = await import(path.join(nabDir, 'eval.mjs'));
	const all = loadSeries(path.join(nabDir, 'data'), 'dev');
	const parts = { tune: all.filter((_, i) => !isNabCheckSeries(i)), check: all.filter((_, i) => isNabCheckSeries(i)), all };
	for (const [name, series] of Object.entries(parts)) {
		if (part !== 'all' && name !== part && name !== 'all') continue;
		if (part !== 'all' && name === 'all') continue;
		const { total, rows } = await evaluate(path.join(here, 'nab-detector.mjs'), { series });
		log(`NAB ${name.padEnd(5)} series=${series.length} NAB_standard=${total.nab.toFixed(1)} flags_per_1k=${total.per1k.toFixed(2)} window_recall=${total.recall.toFixed(3)} (${total.detectedWindows}/${total.windows})`);
		if (verbose && name !== 'all') for (const r of rows) log(`  ${r.series.padEnd(58)} win ${r.windows} det ${r.detectedWindows} flags ${r.flags} raw ${r.nabRaw.toFixed(2)}`);
		if (breakdown) await nabBreakdown(name, series);
	}
}

/** NAB standard of the default method's flags as they are, without false positives, and with every window caught. */
async function nabBreakdown(name, series) {
	const { scoreFile, normalize, probationaryLength } = await import(path.join(nabDir, 'nab_score.mjs'));
	const { detect } = await import(path.join(here, 'nab-detector.mjs'));
	const totals = { asIs: 0, noFalsePositives: 0, everyWindow: 0, nullScore: 0, windows: 0 };
	for (const s of series) {
		const flagged = new Uint8Array(s.times.length);
		for (const f of detect(s.times.map((t, i) => ({ timestamp: new Date(t).toISOString(), value: s.values[i] })))) flagged[s.idx.get(Date.parse(f.timestamp))] = 1;
		const inWindow = new Uint8Array(flagged.length);
		for (const [l, r] of s.winIdx) inWindow.fill(1, l, r + 1);
		const withoutFalse = flagged.map((flag, i) => (inWindow[i] ? flag : 0));
		const everyWindow = Uint8Array.from(flagged);
		const firsts = s.winIdx.map(([l, r]) => {
			const first = flagged.subarray(l, r + 1).indexOf(1);
			if (first < 0) everyWindow[(l + r) >> 1] = 1;
			return first < 0 ? 'MISS' : (first / (r - l + 1)).toFixed(2);
		});
		const probation = probationaryLength(flagged.length);
		let falsePositives = 0;
		for (let i = Math.ceil(probation); i < flagged.length; i++) falsePositives += flagged[i] & (1 - inWindow[i]);
		const asIs = scoreFile(s.times, s.windows, flagged);
		totals.asIs += asIs.score;
		totals.noFalsePositives += scoreFile(s.times, s.windows, withoutFalse).score;
		totals.everyWindow += scoreFile(s.times, s.windows, everyWindow).score;
		totals.nullScore -= asIs.scoredWindows;
		totals.windows += s.windows.length;
		log(`  ${s.key.padEnd(58)} windows [${firsts.join(' ')}] false positives ${falsePositives}`);
	}
	const nab = (score) => normalize(score, totals.nullScore, totals.windows).toFixed(1);
	log(`NAB ${name.padEnd(5)} as is ${nab(totals.asIs)}, without false positives ${nab(totals.noFalsePositives)}, every missed window caught at its middle ${nab(totals.everyWindow)}`);
}

/**
 * The last bucket at which an alert still catches an incident from bucket `first` of `length` buckets
 * (Infinity: a shift) in a series of `n`: two buckets after it (one at DAY), or a shift's first 24 hours
 * (first week at DAY).
 */
function lastCatchingBucket(bucket, first, length, n) {
	const hourly = bucket === 'HOUR';
	const last = length === Infinity ? first + (hourly ? 24 : 7) : first + length - 1 + (hourly ? 2 : 1);
	return Math.min(n - 1, last);
}

async function scoreCc() {
	const { scoreFile, normalize, PROFILES } = await import(path.join(nabDir, 'nab_score.mjs'));
	const totals = new Map();
	const add = (key, figures) => {
		const t = totals.get(key) ?? { series: 0, points: 0, incidents: 0, caught: 0, cleanPoints: 0, cleanAlerts: 0, nabRaw: 0, nabNull: 0, windows: 0, shifts: 0, shiftsEver: 0 };
		for (const [k, v] of Object.entries(figures)) t[k] += v;
		totals.set(key, t);
	};
	for (const block of ccBlocks(part, { incidentScale, days })) {
		const groupBy = Object.keys(block.series[0].groupValues);
		const analysis = analyzeRows(block.items, {
			timestampField: 'bucketStart',
			groupBy,
			missingBuckets: 'auto',
			...countConfig,
			settings: { ...DEFAULT_SETTINGS, timeZone: block.timeZone },
		});
		const byKey = new Map(analysis.series.map((s) => [`${JSON.stringify(s.groupValues)}|${s.metric}`, s]));
		const incidentUnits = new Set(block.series.filter((spec) => spec.incident).map((spec) => JSON.stringify(spec.groupValues)));
		for (const spec of block.series) {
			const result = byKey.get(`${JSON.stringify(spec.groupValues)}|${spec.metric}`);
			const times = Array.from(result.grid.timesMs);
			const alert = result.analysis.detection.alert;
			const n = times.length;
			const windows = [];
			let caught = 0;
			let shiftEver = 0;
			const isShift = spec.incident?.type === 'shift';
			if (spec.incident) {
				// Grid times are UTC-regular; a local DAY bucket starts up to an hour off them across DST.
				const first = Math.round((spec.incident.startMs - times[0]) / result.grid.bucketMs);
				const last = lastCatchingBucket(spec.bucket, first, isShift ? Infinity : spec.incident.length, n);
				windows.push([times[first], times[last]]);
				for (let i = first; i <= last; i++) if (alert[i]) caught = 1;
				// A shift lasts to the end of the data: alerted at all, however late (a supervisor would still want
				// it), by an alert its way (abandon % shifts add points: up).
				if (isShift) {
					const up = spec.kind === 'abandon' || spec.incident.size > 1;
					const { score } = result.analysis.detection;
					for (let i = first; i < n && !shiftEver; i++) if (alert[i] && score[i] > 0 === up) shiftEver = 1;
				}
				const { oracle: seen } = spec.incident;
				const oracleZ = seen ? poissonTailScore(seen.observed, seen.expected) : NaN;
				if (verbose) log(`  ${spec.part} ${spec.key} ${spec.incident.type} x${spec.incident.size.toFixed(2)} len ${spec.incident.length}${oracleZ === oracleZ ? ` oracle z ${oracleZ.toFixed(1)}` : ''} ${caught ? 'caught' : 'MISSED'}`);
				// Handle times have no oracle z, nor has an incident on no contacts at all.
				if (oracle && oracleZ === oracleZ) {
					const band = ORACLE_BANDS.findIndex((least) => Math.abs(oracleZ) >= least);
					const row = oracle.get(`${spec.part} ${spec.bucket} ${spec.kind}`) ?? ORACLE_BANDS.map(() => [0, 0]);
					row[band][0] += caught;
					row[band][1]++;
					oracle.set(`${spec.part} ${spec.bucket} ${spec.kind}`, row);
				}
			}
			let alerts = 0;
			for (let i = 0; i < n; i++) alerts += alert[i];
			if (verbose && !spec.incident && alerts > 0) log(`  ${spec.part} ${spec.key} clean: ${alerts} alerts`);
			// Clean for the residuals: no incident in any metric of the unit (a volume incident changes the
			// contacts its handle time and abandon % are judged over), as in the review set below.
			if (residuals && spec.bucket === 'HOUR' && !incidentUnits.has(JSON.stringify(spec.groupValues)))
				addResiduals(`cc ${spec.part} ${spec.kind}${groupBy.length > 1 ? ' channel' : ''}`, result, block.timeZone);
			const nab = scoreFile(times, windows, alert, PROFILES.standard);
			const figures = {
				series: 1, points: n, incidents: windows.length, caught, windows: windows.length,
				cleanPoints: spec.incident ? 0 : n, cleanAlerts: spec.incident ? 0 : alerts,
				nabRaw: nab.score, nabNull: -PROFILES.standard.fnWeight * nab.scoredWindows,
				shifts: isShift ? 1 : 0, shiftsEver: shiftEver,
			};
			add(`${spec.part} ${spec.bucket} ${spec.kind}`, figures);
			add(`${spec.part} all`, figures);
		}
	}
	log(`contact-centre set${short ? ' over 21 days of hours and 63 of days' : ''}${incidentScale === 1 ? '' : ` (incidents × ${incidentScale})`}${withoutCounts ? ' without counts' : ''}: part bucket kind  series  incidents caught recall  clean alerts/1k  NAB  shifts alerted at all`);
	for (const [key, t] of [...totals].sort()) {
		const nab = t.windows > 0 ? normalize(t.nabRaw, t.nabNull, t.windows, PROFILES.standard).toFixed(1) : 'n/a';
		log(`CC ${key.padEnd(18)} ${String(t.series).padStart(4)} ${String(t.incidents).padStart(4)} ${String(t.caught).padStart(4)} ${(t.caught / Math.max(1, t.incidents)).toFixed(2).padStart(5)}  ${((1000 * t.cleanAlerts) / Math.max(1, t.cleanPoints)).toFixed(2).padStart(6)} (${t.cleanAlerts}/${t.cleanPoints})  ${nab}  ${t.shiftsEver}/${t.shifts}`);
	}
	if (residuals) logResiduals('cc');
	if (oracle) {
		log(`contact-centre incidents by oracle |z| (see addToOracle in bench/lib/ccSeries.mjs): caught / incidents at ${ORACLE_BANDS.map((least, b) => (b === 0 ? `>= ${least}` : `${least}-${ORACLE_BANDS[b - 1]}`)).join(', ')}`);
		for (const [key, row] of [...oracle].sort()) log(`CC oracle ${key.padEnd(18)} ${row.map(([c, k]) => `${c}/${k}`.padStart(7)).join(' ')}`);
	}
}

if (!args.includes('--no-nab')) {
	if (fs.existsSync(nabDir)) await scoreNab();
	else log(`NAB: ${nabDir} not found (the shared data folder beside the repository); skipped.`);
}
if (!args.includes('--no-cc')) {
	await scoreCc();
	scoreUnfinished();
}

/**
 * The bucket still filling when the node runs: each tune seed's hourly group volumes cut a quarter of the way
 * into 10:00 local on each of the last six weekdays, that hour's contacts a quarter of the whole; drops
 * raised at the end of the data when it is judged (no time given) and when it is left out (the node's default: the
 * run's time given).
 */
function scoreUnfinished() {
	let cases = 0;
	const raised = { judged: 0, leftOut: 0 };
	for (const entry of CC_SEEDS.filter((seed) => seed.part === 'tune')) {
		const { items, timeZone } = generateBlock(entry, 'HOUR', false);
		const starts = [...new Set(items.map((item) => Date.parse(item.bucketStart)))].sort((a, b) => a - b);
		const cuts = starts.filter((ms) => localHour(ms, timeZone) === 10 && !['Sat', 'Sun'].includes(localWeekday(ms, timeZone))).slice(-6);
		for (const cutMs of cuts) {
			const rows = items
				.filter((item) => Date.parse(item.bucketStart) <= cutMs)
				.map((item) => (Date.parse(item.bucketStart) === cutMs ? { ...item, count_sum: Math.round(item.count_sum / 4) } : item));
			// Drops at the last bucket analysed: the quarter-filled hour when judged, the hour before it when left out.
			for (const [how, nowMs] of [['judged', undefined], ['leftOut', cutMs + 15 * 60_000]]) {
				const { series } = analyzeRows(rows, { timestampField: 'bucketStart', groupBy: ['groupId'], metrics: ['count_sum'], missingBuckets: 'auto', nowMs, settings: { ...DEFAULT_SETTINGS, timeZone } });
				for (const { grid, analysis } of series) {
					const last = grid.timesMs.length - 1;
					if (analysis.detection.alert[last] && analysis.detection.score[last] < 0) raised[how]++;
				}
			}
			cases += new Set(rows.map((row) => row.groupId)).size;
		}
	}
	log(`CC unfinished bucket (an hour a quarter in, tune seeds, group volumes): drops at the last bucket when it is judged ${raised.judged}/${cases}, when it is left out ${raised.leftOut}/${cases}`);
}
if (!args.includes('--no-synthetic')) scoreSynthetic();
if (args.includes('--review')) await scoreReview();
if (args.includes('--situations')) await scoreSituations();
if (args.includes('--surges')) scoreSurges();
if (args.includes('--after-follow')) scoreAfterFollow();
if (args.includes('--around-the-clock')) scoreAroundTheClock();
if (args.includes('--holidays')) scoreHolidays();
if (args.includes('--busy-day')) scoreBusyDay();

function scoreSynthetic() {
	const analyse = (rows, settings = {}) =>
		analyzeRows(rows, { timestampField: 'bucketStart', groupBy: [], missingBuckets: 'auto', ...countConfig, settings: { ...DEFAULT_SETTINGS, timeZone: 'UTC', ...settings } }).series;
	const alertIndexes = ({ alert }) => [...alert.keys()].filter((i) => alert[i]);
	const clean = new Map();
	for (const { bucket, items } of cleanSyntheticSeries())
		for (const series of analyse(items)) {
			const key = `${bucket} ${series.metric}`;
			const total = clean.get(key) ?? { alerts: 0, points: 0 };
			total.alerts += alertIndexes(series.analysis.detection).length;
			total.points += series.analysis.detection.alert.length;
			clean.set(key, total);
		}
	if (withoutCounts) log('independent synthetic set without counts:');
	log('independent synthetic set, clean series: bucket metric  alerts per 1000 points');
	for (const [key, { alerts, points }] of clean) log(`SYN clean ${key.padEnd(24)} ${((1000 * alerts) / points).toFixed(2).padStart(5)} (${alerts}/${points})`);
	const closed = new Map();
	for (const { closed: closedDays, weekendDays, days, items } of closedDaySeries()) {
		const { detection } = analyse(items, { weekendDays }).find((series) => series.metric === 'count_sum').analysis;
		const alerts = alertIndexes(detection);
		// UTC weekday 0 = Sunday; weekendDays are ISO (7 = Sunday).
		const onWeekend = alerts.filter((i) => weekendDays.includes(new Date(items[i].bucketStart).getUTCDay() || 7)).length;
		const key = `${closedDays}, first ${days} days`;
		const total = closed.get(key) ?? { series: 0, withWeekend: 0, alerts: 0, points: 0 };
		total.series++;
		total.withWeekend += onWeekend > 0 ? 1 : 0;
		total.alerts += alerts.length;
		total.points += detection.alert.length;
		closed.set(key, total);
	}
	for (const [key, { series, withWeekend, alerts, points }] of closed)
		log(`SYN closed ${key}, HOUR volume: series alerting on a weekend day ${withWeekend}/${series}; alerts per 1000 points ${((1000 * alerts) / points).toFixed(2)} (${alerts}/${points})`);
	const afterShift = new Map();
	for (const { bucket, items, shiftAt, spikeAt } of shiftThenSpikeSeries()) {
		const { detection } = analyse(items).find((series) => series.metric === 'count_sum').analysis;
		const alerts = alertIndexes(detection).filter((i) => i !== spikeAt);
		const week = bucket === 'HOUR' ? 168 : 7;
		const total = afterShift.get(bucket) ?? { cases: 0, caught: 0, again: 0, later: 0, laterPoints: 0 };
		total.cases++;
		if (detection.alert[spikeAt]) total.caught++;
		// The shift alerting again in its first week once its first two days are past (it should be one event),
		// and any alert after that week.
		total.again += alerts.filter((i) => i >= shiftAt + (2 * week) / 7 && i < shiftAt + week).length;
		total.later += alerts.filter((i) => i >= shiftAt + week).length;
		total.laterPoints += detection.alert.length - (shiftAt + week);
		afterShift.set(bucket, total);
	}
	for (const [bucket, { cases, caught, again, later, laterPoints }] of afterShift)
		log(`SYN after a level shift, ${bucket}: spikes caught weeks later ${caught}/${cases} (${(caught / cases).toFixed(2)}); alerts in days 2-7 after it: ${again}; alerts per 1000 points after its first week: ${((1000 * later) / laterPoints).toFixed(2)} (${later})`);
	log('independent synthetic set, incidents: half bucket metric  caught (by contacts at the peak: 4 15 60 250)  alerts per 1000 points before the incident');
	for (const [half, seeds] of [['1-3', [1, 2, 3]], ['4-6', [4, 5, 6]]]) {
		const incidents = new Map();
		for (const { bucket, metric, type, peak, first, length, items } of incidentSyntheticSeries(seeds)) {
			const { detection } = analyse(items).find((series) => series.metric === metric).analysis;
			const last = lastCatchingBucket(bucket, first, length, detection.alert.length);
			const key = `${bucket} ${metric} ${type}`;
			const total = incidents.get(key) ?? { cases: 0, caught: 0, byPeak: new Map(), alerts: 0, points: 0 };
			const caught = detection.alert.subarray(first, last + 1).includes(1) ? 1 : 0;
			total.cases++;
			total.caught += caught;
			total.byPeak.set(peak, (total.byPeak.get(peak) ?? 0) + caught);
			total.alerts += alertIndexes(detection).filter((i) => i < first).length;
			total.points += first;
			incidents.set(key, total);
		}
		for (const [key, { cases, caught, byPeak, alerts, points }] of incidents)
			log(`SYN incidents ${half} ${key.padEnd(32)} ${caught}/${cases} (${[...byPeak.values()].join(' ')})  ${((1000 * alerts) / points).toFixed(2)}`);
	}
}

/**
 * The review set (bench/lib/reviewSeries.mjs), scored as its author's eval.mjs scores it: an incident is
 * caught by an alert from its first bucket to two buckets after its end (one at DAY), or within a shift's
 * first 24 hours (first 7 days at DAY); clean points are those of series without an incident of their own,
 * leaving out the span of another metric's incident of the same unit and one day after it (volume and
 * handle-time incidents move abandon % through the load); "clear" incidents are those whose own buckets (a
 * shift's first day, first week at DAY) stand |z| >= 6 off the same local hour / weekday of up to six
 * weeks either side outside the incident, with z = Σ deviation / √Σ sd² (median and 1.4826 MAD; sd at least
 * √median for volumes); NAB standard with ../shared/nab's scorer. Halves: the '-s' sites first, the '-a'
 * sites second; nothing was tuned on either.
 */
async function scoreReview() {
	const scorer = path.join(nabDir, 'nab_score.mjs');
	if (!fs.existsSync(scorer)) return log(`REVIEW: ${scorer} not found (NAB's scorer); skipped.`);
	const { scoreFile, normalize, PROFILES } = await import(scorer);
	const { blocks, reviewHalf, HOUR_MS: HOUR, DAY_MS: DAY } = await import('./lib/reviewSeries.mjs');
	const KINDS = { count_sum: 'volume', handle_time_avg: 'aht', abandoned_pct: 'abandon' };
	const totals = new Map();
	const add = (key, figures) => {
		const t = totals.get(key) ?? {
			series: 0,
			incidents: 0,
			caught: 0,
			clear: 0,
			clearCaught: 0,
			cleanPoints: 0,
			cleanAlerts: 0,
			nabRaw: 0,
			nabNull: 0,
			windows: 0,
		};
		for (const [k, v] of Object.entries(figures)) t[k] += v;
		totals.set(key, t);
	};
	/** Median and 1.4826 × median absolute deviation (the upper middle of an even count, as eval.mjs). */
	const robust = (xs) => {
		const sorted = [...xs].sort((p, q) => p - q);
		const median = sorted[sorted.length >> 1];
		const deviations = sorted.map((x) => Math.abs(x - median)).sort((p, q) => p - q);
		return [median, 1.4826 * deviations[deviations.length >> 1]];
	};
	for (const b of blocks()) {
		const half = reviewHalf(b.site);
		const analysis = analyzeRows(b.rows, {
			timestampField: 'bucketStart',
			groupBy: b.byChannel ? ['groupId', 'channel'] : ['groupId'],
			missingBuckets: 'auto',
			...countConfig,
			settings: { ...DEFAULT_SETTINGS, timeZone: b.tz },
		});
		for (const s of analysis.series) {
			const { groupId, channel } = s.groupValues;
			const unit = channel ? `${groupId}/${channel}` : groupId;
			const kind = KINDS[s.metric];
			const times = Array.from(s.grid.timesMs);
			const values = s.grid.values;
			const n = times.length;
			const { alert } = s.analysis.detection;
			const inc = b.incidents.find((i) => i.unit === unit && i.metric === s.metric);
			const other = b.incidents.find((i) => i.unit === unit && i.metric !== s.metric);
			const hourly = b.bucket === 'HOUR';
			// The whole series is left out where its unit had an incident: a shift moves its references for weeks.
			if (residuals && hourly && !inc && !other) addResiduals(`review ${kind}${channel ? ' channel' : ''}`, s, b.tz);
			// The bucket of an instant: the last grid time at or before it (3 hours' slack at DAY, across DST).
			const idxOf = (ms) => {
				let k = 0;
				while (k < n - 1 && times[k + 1] <= ms + (hourly ? 0 : 3 * HOUR)) k++;
				return k;
			};
			const windows = [];
			const figures = { series: 1 };
			const keys = [
				`${half} ${b.bucket} ${kind}`,
				`${half} ALL`,
				`all ${b.bucket} ${kind}`,
				'all ALL',
			];
			if (inc) {
				const first = idxOf(inc.startMs);
				const lastInc = Math.max(first, idxOf(inc.endMs - 1));
				const isShift = inc.type === 'shift';
				const last = Math.min(
					n - 1,
					isShift ? first + (hourly ? 24 : 7) : lastInc + (hourly ? 2 : 1),
				);
				windows.push([times[first], times[last]]);
				let caught = 0;
				for (let i = first; i <= last; i++) if (alert[i]) caught = 1;
				let devSum = 0;
				let varSum = 0;
				const zEnd = isShift ? Math.min(lastInc, first + (hourly ? 23 : 6)) : lastInc;
				const step = hourly ? 168 : 7;
				for (let i = first; i <= zEnd; i++) {
					const v = values[i];
					if (Number.isNaN(v)) continue;
					const ref = [];
					for (let k = -6; k <= 6; k++) {
						if (!k) continue;
						let j = i + k * step;
						if (j < 0 || j >= n) continue;
						// The same local hour across DST: an hour either way.
						if (hourly && localHour(times[j], b.tz) !== localHour(times[i], b.tz))
							j += localHour(times[j], b.tz) > localHour(times[i], b.tz) ? -1 : 1;
						if (j < 0 || j >= n || (j >= first && j <= lastInc + step)) continue;
						if (!Number.isNaN(values[j])) ref.push(values[j]);
					}
					if (ref.length < 3) continue;
					const [m, sd] = robust(ref);
					devSum += v - m;
					varSum += Math.max(sd, 1e-6, kind === 'volume' ? Math.sqrt(Math.max(m, 1)) : 0) ** 2;
				}
				const z = varSum > 0 ? devSum / Math.sqrt(varSum) : 0;
				const clear = Math.abs(z) >= 6 ? 1 : 0;
				Object.assign(figures, {
					incidents: 1,
					caught,
					windows: 1,
					clear,
					clearCaught: clear * caught,
				});
				// By type (--verbose): the incidents only, as eval.mjs.
				for (const key of [
					`${half} ${b.bucket} ${kind} ${inc.type}`,
					`all ${b.bucket} ${kind} ${inc.type}`,
				])
					add(key, { incidents: 1, caught, clear, clearCaught: clear * caught });
				if (verbose)
					log(
						`  ${half} ${b.site}/${b.bucket} ${unit} ${s.metric} ${inc.type} x${inc.size.toFixed(2)} len ${inc.len} z ${z.toFixed(1)} ${caught ? 'caught' : 'MISSED'}`,
					);
			} else {
				let points = 0;
				let alerts = 0;
				for (let i = 0; i < n; i++) {
					if (other && times[i] >= other.startMs && times[i] < other.endMs + DAY) continue;
					points++;
					alerts += alert[i];
				}
				Object.assign(figures, { cleanPoints: points, cleanAlerts: alerts });
				if (verbose && alerts > 0)
					log(`  ${half} ${b.site}/${b.bucket} ${unit} ${s.metric} clean: ${alerts} alerts`);
			}
			const nab = scoreFile(times, windows, alert, PROFILES.standard);
			Object.assign(figures, {
				nabRaw: nab.score,
				nabNull: -PROFILES.standard.fnWeight * nab.scoredWindows,
			});
			for (const key of keys) add(key, figures);
		}
	}
	log(
		`review set${withoutCounts ? ' without counts' : ''}: half bucket kind  series  incidents caught recall (clear |z|>=6: caught/n)  clean alerts/1k (alerts/points)  NAB`,
	);
	const order = [];
	for (const half of ['first', 'second', 'all']) {
		for (const bucket of ['HOUR', 'DAY'])
			for (const kind of ['volume', 'aht', 'abandon']) {
				order.push(`${half} ${bucket} ${kind}`);
				if (verbose)
					for (const type of ['spike', 'drop', 'shift'])
						order.push(`${half} ${bucket} ${kind} ${type}`);
			}
		order.push(`${half} ALL`);
	}
	for (const key of order.filter((k) => totals.has(k))) {
		const t = totals.get(key);
		const nab =
			t.windows > 0
				? normalize(t.nabRaw, t.nabNull, t.windows, PROFILES.standard).toFixed(1)
				: 'n/a';
		log(
			`REVIEW ${key.padEnd(26)} ${String(t.series).padStart(4)} ${String(t.incidents).padStart(4)} ${String(t.caught).padStart(4)} ${(t.caught / Math.max(1, t.incidents)).toFixed(2).padStart(5)} (${t.clearCaught}/${t.clear})  ${((1000 * t.cleanAlerts) / Math.max(1, t.cleanPoints)).toFixed(2).padStart(6)} (${t.cleanAlerts}/${t.cleanPoints})  ${nab}`,
		);
	}
	if (residuals) logResiduals('review');
}

/**
 * The situations (bench/lib/situationSeries.mjs), scored as their author's run.mjs scores them: an incident is
 * caught by an alert from its start to before its catchUntilMs (two buckets after its end; a day and a half
 * after a day's end at DAY); clean points are the values (not the empty buckets) of the clean groups' series,
 * their alerts counted from alertsFromMs on when a situation gives it, and apart within its DST change windows.
 */
async function scoreSituations() {
	const { situations, SITUATION_RUNS, SITUATION_SEEDS } = await import('./lib/situationSeries.mjs');
	log(
		`situations${withoutCounts ? ' without counts' : ''} (seeds ${SITUATION_SEEDS[0]}, ${SITUATION_SEEDS[1]}, … ${SITUATION_SEEDS.at(-1)}): situation  clean metric  alerts per 1000 points (alerts/points)  series with an alert;  incident kind  caught/N`,
	);
	for (const { label, situation, options } of SITUATION_RUNS) {
		const clean = new Map();
		const nearChange = new Map();
		const incidents = new Map();
		const tally = (totals, metric, alerts, points) => {
			const t = totals.get(metric) ?? { alerts: 0, points: 0, series: 0, withAlert: 0 };
			t.alerts += alerts;
			t.points += points;
			t.series++;
			if (alerts > 0) t.withAlert++;
			totals.set(metric, t);
		};
		let metrics;
		for (const seed of SITUATION_SEEDS) {
			const block = situations[situation](seed, options);
			metrics = block.metrics;
			const { series } = analyzeRows(block.rows, {
				timestampField: 'bucketStart',
				groupBy: ['groupId', 'channel'],
				metrics: block.metrics,
				missingBuckets: 'auto',
				...countConfig,
				settings: { ...DEFAULT_SETTINGS, timeZone: block.timeZone },
			});
			const alertTimes = (s) => s.grid.timesMs.filter((_, i) => s.analysis.detection.alert[i]);
			for (const inc of block.incidents) {
				const s = series.find((x) => x.metric === inc.metric && x.groupValues.groupId === inc.groupId && x.groupValues.channel === inc.channel);
				const caught = alertTimes(s).some((t) => t >= inc.startMs && t < inc.catchUntilMs);
				const t = incidents.get(inc.kind) ?? { caught: 0, n: 0 };
				t.n++;
				if (caught) t.caught++;
				incidents.set(inc.kind, t);
				if (verbose && !caught) log(`  ${label} seed ${seed} ${inc.kind} from ${new Date(inc.startMs).toISOString()} MISSED`);
			}
			for (const s of series) {
				if (!block.cleanGroups.includes(s.groupValues.groupId)) continue;
				const times = alertTimes(s);
				const points = s.grid.values.filter((v) => !Number.isNaN(v)).length;
				tally(clean, s.metric, times.filter((t) => t >= (block.alertsFromMs ?? -Infinity)).length, points);
				if (block.changeWindows)
					tally(nearChange, s.metric, times.filter((t) => block.changeWindows.some(([from, until]) => t >= from && t < until)).length, points);
			}
		}
		for (const metric of metrics.filter((m) => clean.has(m))) {
			const { alerts, points, series, withAlert } = clean.get(metric);
			log(`SIT ${label.padEnd(26)} clean    ${metric.padEnd(34)} ${((1000 * alerts) / Math.max(1, points)).toFixed(2).padStart(6)} (${alerts}/${points})  ${withAlert}/${series}`);
		}
		for (const metric of metrics.filter((m) => nearChange.has(m))) {
			const { alerts, series, withAlert } = nearChange.get(metric);
			log(`SIT ${label.padEnd(26)} near DST ${metric.padEnd(34)} ${String(alerts).padStart(6)} alerts from a day before a change to 3 days after  ${withAlert}/${series}`);
		}
		for (const [kind, { caught, n }] of incidents) log(`SIT ${label.padEnd(26)} incident ${kind.padEnd(34)} ${caught}/${n}`);
	}
}

/** The one series of a synthetic volume's items (`count_sum` by `bucketStart`, UTC), analysed with the defaults. */
function analyseVolume(items) {
	return analyzeRows(items, { timestampField: 'bucketStart', groupBy: [], metrics: ['count_sum'], missingBuckets: 'auto', settings: { ...DEFAULT_SETTINGS, timeZone: 'UTC' } }).series[0];
}

/**
 * --surges: an office-hours centre (officeHoursSurges) at 60, 30 and 15 minutes, 20 seeds. A second surge
 * × 1.6 counts as heard with an alert within its two hours or the hour after; it comes two days or a week
 * after a first surge × 2.5, or with none before. The baseline counts as moved when the expected values of
 * the 12 days after the first surge (no second) sum to 5 % or more above the same seed's without it.
 */
function scoreSurges() {
	const SEEDS = 20;
	for (const minutes of [60, 30, 15]) {
		const bucketMs = minutes * 60_000;
		const heard = new Map();
		let moved = 0;
		for (let seed = 1; seed <= SEEDS; seed++) {
			for (const secondAfterDays of [2, 7])
				for (const first of [false, true]) {
					const { items, secondAtMs } = officeHoursSurges(bucketMs, seed, { first, secondAfterDays });
					const { grid, analysis } = analyseVolume(items);
					let alerted = 0;
					grid.timesMs.forEach((timeMs, b) => {
						if (timeMs >= secondAtMs && timeMs < secondAtMs + 3 * 3_600_000) alerted |= analysis.detection.alert[b];
					});
					const key = `${secondAfterDays} ${first}`;
					heard.set(key, (heard.get(key) ?? 0) + alerted);
				}
			const expectedAfter = (first) => {
				const { items, firstAtMs } = officeHoursSurges(bucketMs, seed, { first, secondAfterDays: Infinity });
				const { grid, analysis } = analyseVolume(items);
				let sum = 0;
				grid.timesMs.forEach((timeMs, b) => {
					const expected = analysis.detection.expected[b];
					if (timeMs >= firstAtMs + 14 * 3_600_000 && expected > 0) sum += expected;
				});
				return sum;
			};
			if (expectedAfter(true) >= 1.05 * expectedAfter(false)) moved++;
		}
		log(`SURGE ${String(minutes).padStart(2)} min: a second surge heard two days after a first ${heard.get('2 true')}/${SEEDS} (with none before ${heard.get('2 false')}/${SEEDS}), a week after ${heard.get('7 true')}/${SEEDS} (${heard.get('7 false')}/${SEEDS}); the baseline moved by the first ${moved}/${SEEDS}`);
	}
}

/**
 * --after-follow: hourly volumes whose level shifts for good (levelThenIncident), 20 seeds, the hour at
 * 11:00, 13:00 or 15:00, with weekdays alike and with weekdays that differ, on a flat day between a night's
 * step and the evening's and on a day of two peaks (`peaks`). The hour counts as heard with an
 * alert at it; other alerts are counted from a day after the shift on (the shift's own first day alerts by
 * design), in each row (a seed's series are the same up to the incident, so one such alert can count in
 * several rows).
 */
function scoreAfterFollow() {
	const cases = [
		{ shift: 2, size: 1.5, afterDays: 1 },
		{ shift: 2, size: 1.5, afterDays: 2 },
		{ shift: 2, size: 1.5, afterDays: 5 },
		{ shift: 2, size: 0.6, afterDays: 2 },
		{ shift: 1.5, size: 1.5, afterDays: 2 },
		{ shift: 0.5, size: 1.6, afterDays: 2 },
		{ shift: 0.5, size: 0.4, afterDays: 2 },
	];
	for (const peaks of [false, true])
	for (const uneven of [false, true])
	for (const scenario of cases) {
		let heard = 0;
		let runs = 0;
		let others = 0;
		for (let seed = 1; seed <= 20; seed++)
			for (const hour of [11, 13, 15]) {
				const { items, shiftAtMs, incidentAtMs } = levelThenIncident(seed, { ...scenario, hour, uneven, peaks });
				const { grid, analysis } = analyseVolume(items);
				runs++;
				grid.timesMs.forEach((timeMs, b) => {
					if (!analysis.detection.alert[b]) return;
					if (timeMs === incidentAtMs) heard++;
					else if (timeMs >= shiftAtMs + 24 * 3_600_000) others++;
				});
			}
		const { shift, size, afterDays } = scenario;
		log(`FOLLOW ${peaks ? 'peaks ' : ''}${uneven ? 'uneven' : 'even  '} weekdays, level × ${shift}, an hour × ${size} ${afterDays} day${afterDays > 1 ? 's' : ''} later: heard ${heard}/${runs}; other alerts from a day after the shift: ${others}`);
	}
}

/**
 * --around-the-clock: 260 days of a 24/7 centre's hours with a night team (aroundTheClock), 6 seeds: the
 * monthly one-hour outages and two-hour mailings heard (an alert at their first hour, or the second's), the
 * late drop and spike heard, and the other alerts.
 */
function scoreAroundTheClock() {
	const HOUR = 3_600_000;
	const heard = { outages: 0, mailings: 0, drop: 0, spike: 0 };
	const count = { outages: 0, mailings: 0 };
	let others = 0;
	const seeds = [1, 2, 3, 4, 5, 6];
	for (const seed of seeds) {
		const { items, outages, mailings, drop, spike, planted } = aroundTheClock(seed);
		const { grid, analysis } = analyseVolume(items);
		const alerted = new Set(Array.from(grid.timesMs).filter((_, b) => analysis.detection.alert[b]));
		const heardAt = (ms, hours) => alerted.has(ms) || (hours > 1 && alerted.has(ms + HOUR));
		heard.outages += outages.filter((ms) => heardAt(ms, 1)).length;
		heard.mailings += mailings.filter((ms) => heardAt(ms, 2)).length;
		heard.drop += heardAt(drop, 2) ? 1 : 0;
		heard.spike += heardAt(spike, 1) ? 1 : 0;
		count.outages += outages.length;
		count.mailings += mailings.length;
		for (const ms of alerted) if (!planted.has(ms)) others++;
	}
	log(`AROUND THE CLOCK (260 days of hours, ${seeds.length} seeds): monthly outages heard ${heard.outages}/${count.outages}, mailings ${heard.mailings}/${count.mailings}, a late two-hour drop ${heard.drop}/${seeds.length}, a late hour × 2 ${heard.spike}/${seeds.length}; other alerts ${others}`);
}

/**
 * --holidays: an office-hours centre (yearEnd) at 15, 30 and 60 minutes and at days, peaks of 10, 40 and 150
 * contacts an hour, 10 seeds, its Mondays, Wednesdays or Fridays closed two weeks running (Christmas and New
 * Year's Day; "days"), or its Mondays, Tuesdays or Thursdays and the day after each ("pairs": Boxing Day, 2
 * January): the holidays with an alert within their day, the series with an alert on those weekdays in the
 * three weeks after the last holiday, and the alerts on the other days from the day after the first holiday
 * on, each beside the same series without the holidays; and an hour × 1.6 on the first holiday's weekday a
 * week after the last holiday (its day × 1.3 at days), heard with an alert within it, with and without them.
 */
function scoreHolidays() {
	const SEEDS = 10;
	const DAY = 86_400_000;
	for (const pairs of [false, true])
	for (const minutes of [15, 30, 60, 1440]) {
		const bucketMs = minutes * 60_000;
		const figures = { holidays: 0, series: 0, weekday: [0, 0], others: [0, 0], heard: [0, 0] };
		for (const weekday of pairs ? [1, 2, 4] : [1, 3, 5])
			for (const peak of [10, 40, 150])
				for (let seed = 1; seed <= SEEDS; seed++) {
					figures.series++;
					[true, false].forEach((holidays, k) => {
						const { items, holidays: holidayMs } = yearEnd(bucketMs, seed, { peak, weekday, holidays, spike: false, pairs });
						const { grid, analysis } = analyseVolume(items);
						const alerts = Array.from(grid.timesMs).filter((_, b) => analysis.detection.alert[b]);
						const dayOf = (ms) => Math.floor(ms / DAY);
						if (holidays) figures.holidays += holidayMs.filter((ms) => alerts.some((t) => dayOf(t) === dayOf(ms))).length;
						const after = alerts.filter((t) => t >= holidayMs[0] + DAY && !holidayMs.some((ms) => dayOf(t) === dayOf(ms)));
						const last = holidayMs[holidayMs.length - 1];
						const onWeekday = (t) => t > last && (new Date(t).getUTCDay() === weekday || (pairs && new Date(t).getUTCDay() === weekday + 1));
						figures.weekday[k] += after.some(onWeekday) ? 1 : 0;
						figures.others[k] += after.filter((t) => !onWeekday(t)).length;
						const spiked = yearEnd(bucketMs, seed, { peak, weekday, holidays, spike: true, pairs });
						const result = analyseVolume(spiked.items);
						const end = spiked.spikeMs + Math.max(3_600_000, bucketMs);
						figures.heard[k] += Array.from(result.grid.timesMs).some((t, b) => t >= spiked.spikeMs && t < end && result.analysis.detection.alert[b]) ? 1 : 0;
					});
				}
		const n = figures.series;
		log(`HOLIDAYS ${pairs ? 'pairs' : 'days '} ${String(minutes).padStart(4)} min: holidays with an alert ${figures.holidays}/${(pairs ? 4 : 2) * n}; the weekday${pairs ? 's' : ''} after alerts in ${figures.weekday[0]}/${n} series (without the holidays ${figures.weekday[1]}/${n}), other days ${figures.others[0]} alerts (${figures.others[1]}); ${minutes === 1440 ? 'a day × 1.3' : 'an hour × 1.6'} there heard ${figures.heard[0]}/${n} (${figures.heard[1]}/${n})`);
	}
}

/**
 * --busy-day: yearEnd's office-hours centre at 15 and 60 minutes (busyDay), peaks of 20, 60 and 150 contacts
 * an hour, 10 seeds: a Wednesday at 1 (none), 1.3, 1.5, 2 or 0.6 times its contacts, all day or from 11:00;
 * and at 1 or 2 with the Thursday after it closed (a holiday). The day counts as heard with an alert within
 * it; the series count that alert on any of the seven days after it (after the holiday, with one).
 */
function scoreBusyDay() {
	const DAY = 86_400_000;
	const rows = [1, 1.3, 1.5, 2, 0.6].map((factor) => ({ factor, closedAfter: false }));
	rows.push({ factor: 1, closedAfter: true }, { factor: 2, closedAfter: true });
	for (const minutes of [15, 60])
	for (const fromHour of [0, 11])
	for (const { factor, closedAfter } of rows) {
		let heard = 0;
		let series = 0;
		let after = 0;
		let days = 0;
		for (const peak of [20, 60, 150])
			for (let seed = 1; seed <= 10; seed++) {
				const { items, dayMs, fromMs } = busyDay(minutes * 60_000, seed, { peak, factor, fromHour, closedAfter });
				const { grid, analysis } = analyseVolume(items);
				const alerts = Array.from(grid.timesMs).filter((_, b) => analysis.detection.alert[b]);
				series++;
				if (alerts.some((t) => t >= fromMs && t < dayMs + DAY)) heard++;
				const afterMs = dayMs + (closedAfter ? 2 : 1) * DAY;
				const later = new Set(alerts.filter((t) => t >= afterMs && t < afterMs + 7 * DAY).map((t) => Math.floor(t / DAY)));
				if (later.size > 0) after++;
				days += later.size;
			}
		log(`BUSY DAY ${String(minutes).padStart(2)} min, ${fromHour ? 'from 11:00' : 'all day   '} × ${String(factor).padEnd(3)}${closedAfter ? ', Thursday closed' : ''}: the day heard ${heard}/${series}; series alerting in the 7 days after ${after}/${series}, on ${days} days in all`);
	}
}
