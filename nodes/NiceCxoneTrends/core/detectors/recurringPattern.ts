import { DAY_MS, MINUTE_MS } from '../../../shared/core/time';
import { isoWeekdayOf, type LocalCalendar } from '../calendar';

/** How far in time of day a past value may lie and still be "at about this time". */
const ABOUT_THIS_TIME_MS = 30 * MINUTE_MS;
/** Days looked back. */
const DAYS_BACK = 7;
/** Days of those that must have had such a value: most of them. */
const DAYS_NEEDED = 4;
/** Share of the deviation a past bucket's own deviation must reach, the same way, to count. */
const DEVIATION_SHARE = 0.5;

/**
 * Whether a deviation is a pattern rather than an anomaly: a deviation at least half as large, the same way,
 * each from its own bucket's expected value (`expected`, as judged then), was seen at about this time of day
 * (within half an hour) on most of the last seven days. Deviations, not values: on a steep morning ramp the
 * quieter buckets half an hour earlier are no precedent for a drop. A nightly batch job whose minute
 * wanders, a callback campaign started by hand around nine: the time-of-day slots' medians cannot hold a
 * spike that moves by a few buckets from day to day, but it is no surprise on the fifth day it happens.
 * "This time" of a day before is both whole days of time earlier and the same local time of day (`calendar`):
 * they differ by an hour across a daylight-saving change, and a pattern may keep either — a campaign at
 * 9:00 local, a job at 8:00 UTC. By the first alone, a campaign at 9:00 local alerted again on most of the
 * four days after the change; by the second alone, a job at a fixed UTC time did (59 alerts in 20 series at
 * 15-minute buckets, 1 by either). Either is the more lenient: in those four days a new incident at the
 * local hour where a fixed-UTC pattern fell before the change is taken for it (a review's spikes at 9:00
 * after a job at 13:00 UTC in New York: 18 of 40 caught by whole days alone, 10 by either). Vetoing a day
 * whose deviation came back at the other clock's time cost more false alerts than it saved. Sub-day buckets
 * (`slotsPerDay` > 1); reads only earlier values (causal). Cost: at most 7 × 2 × (2 · reach + 1) reads and as
 * many local times compared, paid only by the buckets about to alert.
 */
export function seenOnMostRecentDays(
	values: Float64Array,
	expected: Float64Array,
	calendar: LocalCalendar,
	i: number,
	slotsPerDay: number,
	bucketMs: number,
): boolean {
	const reach = Math.floor(ABOUT_THIS_TIME_MS / bucketMs);
	const deviation = values[i] - expected[i];
	const needed = DEVIATION_SHARE * deviation;
	const up = deviation > 0;
	const deviated = (j: number): boolean => {
		const past = values[j] - expected[j];
		return up ? past >= needed : past <= needed;
	};
	const deviatedAround = (centre: number): boolean => {
		for (let offset = -reach; offset <= reach; offset++) if (deviated(centre + offset)) return true;
		return false;
	};
	let days = 0;
	for (let day = 1; day <= DAYS_BACK; day++) {
		const wholeDays = i - day * slotsPerDay;
		if (wholeDays - reach < 0) break;
		if (
			deviatedAround(wholeDays) ||
			aboutThisTimeOn(
				calendar,
				i,
				calendar.dayNumber[i] - day,
				slotsPerDay,
				ABOUT_THIS_TIME_MS,
				deviated,
			)
		)
			days++;
		if (days >= DAYS_NEEDED) return true;
	}
	return false;
}

/**
 * How a bucket was taken for new hours (see `opensOrClosesAsBefore`): by a precedent on the previous day of
 * its kind, which says its run to any later day; or only by one on the same weekday a week before, which
 * says it to that weekday only. A Friday that closes at 14:00 every week says nothing of a Monday: taken for
 * any day, its held closing hid a Monday's outage from 15:00 to closing for two weeks (15–25 of 25 caught
 * before, 0 after).
 */
export const NEW_HOURS_ANY_DAY = 1;
export const NEW_HOURS_SAME_WEEKDAY = 2;

/** An opening a precedent covers: up to twice its contacts and a few more (a spike in the new hours is news). */
const OPENING_GROWTH = 2;
const OPENING_SLACK = 4;

/**
 * Whether a count's bucket repeats how its slot opened or closed at about this time of day (within half an
 * hour, found by local day and time of day, so across daylight saving too) on one of the days `daysBack` days
 * before (the previous day of its kind, the same weekday a week before): there, contacts where none were
 * expected (or none where some were) at the edge of that day's hours, in a run of such buckets that was
 * said — one of them scored at least `level` the same way (it alerted, or was held as this same pattern:
 * the threshold's RECURRING_SCORE_SHARE) or was marked in `newHours` (taken for these new hours, at any
 * score, by a precedent of its own) — see `saidAtEdgeOfHours`; here, a rise to at most twice that bucket's
 * contacts and a few more, or none at all.
 * Opening hours extended from 8:00 to 7:00: the first morning's contacts at 7:00 are news and alert; the
 * next mornings' are the new hours, though the slot's expected value has begun to move (on the fourth day
 * it is a third of the way). Until then {@link seenOnMostRecentDays} needed four days, and each morning and
 * evening alerted again (four or five alerts a series at 15-minute buckets). The run, not the bucket, must
 * have been said: a closing's buckets score less and less towards the evening's smaller expected values, so
 * a Friday closing at 14:00 instead of 18:00 alerted at 14:00 and again on the second and third Fridays at
 * 15:00 to 17:00, whose own buckets had scored under the alert. An unsaid run is no precedent: an outage from
 * 15:00 to closing that scored just under the alert is still news the next day (one that alerted is not:
 * the next day it is taken for the new closing time). No precedent either: a rise where contacts were
 * expected, a burst in the night, an outage within the day's hours or a day closed throughout (a holiday):
 * an incident two days running, or the day after a holiday, is news both times. Returns 0 when it does not,
 * else how the bucket is taken for the new hours: NEW_HOURS_ANY_DAY (by the previous day of its kind) or
 * NEW_HOURS_SAME_WEEKDAY (only by the same weekday a week before), the mark `newHours` keeps for the days
 * after. Sub-day buckets; reads only earlier buckets (causal).
 */
export function opensOrClosesAsBefore(
	values: Float64Array,
	expected: Float64Array,
	score: Float64Array,
	i: number,
	daysBack: readonly number[],
	calendar: LocalCalendar,
	slotsPerDay: number,
	level: number,
	newHours?: Uint8Array,
): number {
	const value = values[i];
	const up = value > expected[i];
	if (!up && value !== 0) return 0;
	for (const back of daysBack) {
		// Said that day: a bucket of the run alerted, or was taken for the new hours by a precedent that holds
		// for this day too (one a week before only for the same weekday a week later), or was held as another
		// pattern.
		const said = (k: number) => {
			const mark = newHours ? newHours[k] : 0;
			if (mark !== 0) return mark === NEW_HOURS_ANY_DAY || back === 7;
			return up ? score[k] >= level : score[k] <= -level;
		};
		const precedent = (j: number) =>
			(up
				? values[j] > 0 && expected[j] === 0 && value <= OPENING_GROWTH * values[j] + OPENING_SLACK
				: values[j] === 0 && expected[j] > 0) &&
			saidAtEdgeOfHours(values, expected, j, slotsPerDay, up, said);
		const day = calendar.dayNumber[i] - back;
		if (aboutThisTimeOn(calendar, i, day, slotsPerDay, ABOUT_THIS_TIME_MS, precedent))
			return back === 7 ? NEW_HOURS_SAME_WEEKDAY : NEW_HOURS_ANY_DAY;
	}
	return 0;
}

/**
 * Whether `matches` holds for a bucket before `i` on local day `day` within `withinMs` of bucket `i`'s time of
 * day (at DAY buckets: the day's bucket), found by local day and time of day: a daylight-saving change in
 * between moves the same time of day by an hour's buckets.
 */
function aboutThisTimeOn(
	calendar: LocalCalendar,
	i: number,
	day: number,
	slotsPerDay: number,
	withinMs: number,
	matches: (j: number) => boolean,
): boolean {
	const { dayNumber, msOfDay } = calendar;
	const reach =
		slotsPerDay > 1
			? Math.ceil(slotsPerDay / 24) + Math.floor((withinMs * slotsPerDay) / DAY_MS)
			: 0;
	const centre = i - (dayNumber[i] - day) * slotsPerDay;
	for (let j = Math.max(0, centre - reach); j <= centre + reach && j < i; j++) {
		// At DAY buckets the day is the slot (its middle moves by an hour across daylight saving).
		if (dayNumber[j] !== day || (slotsPerDay > 1 && Math.abs(msOfDay[j] - msOfDay[i]) > withinMs))
			continue;
		if (matches(j)) return true;
	}
	return false;
}

/**
 * Whether bucket `j` — contacts where none were expected (`opening`), or none where some were — lies at the
 * edge of its day's hours, in a run of such buckets that was `said` (one of them alerted or was held): the
 * run reaches, on one side, a bucket with contacts where some were expected (the hours it opened early); a
 * closing's reaches that on one side and, on the other, a bucket with none where none were expected (the
 * hours it closed into). A burst at 3:00, an outage from 9:00 to 11:00 or a day closed throughout is no
 * edge. Looks at most half a day each way, at buckets judged so far.
 */
function saidAtEdgeOfHours(
	values: Float64Array,
	expected: Float64Array,
	j: number,
	slotsPerDay: number,
	opening: boolean,
	said: (k: number) => boolean,
): boolean {
	let wasSaid = said(j);
	const endOfRun = (step: number): number => {
		for (
			let k = j + step, s = 0;
			s < slotsPerDay >> 1 && k >= 0 && k < values.length;
			k += step, s++
		) {
			const e = expected[k];
			if (e !== e) return -1;
			if (opening ? !(values[k] > 0 && e === 0) : !(values[k] === 0 && e > 0)) return k;
			if (!wasSaid) wasSaid = said(k);
		}
		return -1;
	};
	const before = endOfRun(-1);
	const after = endOfRun(1);
	if (!wasSaid) return false;
	const open = (k: number) => k >= 0 && values[k] > 0 && (!opening || expected[k] > 0);
	if (opening) return open(before) || open(after);
	const closed = (k: number) => k >= 0 && values[k] === 0 && expected[k] === 0;
	return (closed(before) && open(after)) || (closed(after) && open(before));
}

/** Business days from a month's first or last that make a day "at the turn of the month". */
const MONTH_TURN_DAYS = 3;
/** Earlier months looked back to; one of them must have had such a deviation. */
const MONTHS_BACK = 2;

/** The local calendar date [year, month 1–12, day] of day number `day` (days since 1970-01-01). */
export function civilFromDays(day: number): [number, number, number] {
	// Howard Hinnant's days-to-civil, on the proleptic Gregorian calendar.
	const z = day + 719468;
	const era = Math.floor(z / 146097);
	const doe = z - era * 146097;
	const yoe = Math.floor(
		(doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
	);
	const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
	const mp = Math.floor((5 * doy + 2) / 153);
	const date = doy - Math.floor((153 * mp + 2) / 5) + 1;
	const month = mp < 10 ? mp + 3 : mp - 9;
	return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, date];
}

/** The day number (days since 1970-01-01) of `year`-`month`-01; months past 12 or below 1 roll over. */
export function daysFromCivil(year: number, month: number): number {
	const y0 = year + Math.floor((month - 1) / 12);
	const m0 = ((((month - 1) % 12) + 12) % 12) + 1;
	const y = m0 <= 2 ? y0 - 1 : y0;
	const era = Math.floor(y / 400);
	const yoe = y - era * 400;
	const doy = Math.floor((153 * (m0 > 2 ? m0 - 3 : m0 + 9) + 2) / 5);
	const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
	return era * 146097 + doe - 719468;
}

/**
 * Where day number `day` sits at the turn of its month, counted in business days (`weekend[isoWeekday]`
 * = 1 for a weekend day): k ≥ 0 business days before the month's last business day (−1 − k), or k after
 * its first (+1 + k), for k < MONTH_TURN_DAYS; 0 for a day elsewhere or a weekend day.
 */
export function monthTurnPosition(day: number, weekend: Uint8Array): number {
	if (weekend[isoWeekdayOf(day)]) return 0;
	const [year, month] = civilFromDays(day);
	const first = daysFromCivil(year, month);
	const last = daysFromCivil(year, month + 1) - 1;
	let after = 0;
	for (let d = day + 1; d <= last && after < MONTH_TURN_DAYS; d++)
		if (!weekend[isoWeekdayOf(d)]) after++;
	if (after < MONTH_TURN_DAYS) return -1 - after;
	let before = 0;
	for (let d = day - 1; d >= first && before < MONTH_TURN_DAYS; d--)
		if (!weekend[isoWeekdayOf(d)]) before++;
	return before < MONTH_TURN_DAYS ? 1 + before : 0;
}

/** The day number of the business day at turn position `position` (see monthTurnPosition) of a month. */
function dayAtTurn(year: number, month: number, position: number, weekend: Uint8Array): number {
	const fromEnd = position < 0;
	let remaining = fromEnd ? -1 - position : position - 1;
	let d = fromEnd ? daysFromCivil(year, month + 1) - 1 : daysFromCivil(year, month);
	for (;;) {
		if (!weekend[isoWeekdayOf(d)]) {
			if (remaining === 0) return d;
			remaining--;
		}
		d += fromEnd ? -1 : 1;
	}
}

/**
 * Whether a deviation is the month's pattern rather than an anomaly: on one of the first or last three
 * business days of its month (`weekend` as the settings say), a deviation at least half as large, the same
 * way, each from its own expected value, was seen at the same time of day (the same slot, found across a
 * daylight-saving change; the day itself at DAY buckets) on the same business day of one of the two months
 * before. Billing runs and month-end closings make the last business day busy every month: the week's
 * references cannot hold a monthly cycle, and each month end alerted anew (about one in four at DAY
 * buckets, 7.5 false alerts per 1000 days). A deviation more than twice the month's precedent still alerts;
 * one bucket of each month is looked at, so noise is seldom a precedent. Buckets of a day or less
 * (`slotsPerDay` a day; `dayNumber` and `msOfDay` of each bucket, see LocalCalendar); reads only earlier
 * values (causal); paid only by the buckets about to alert.
 */
export function seenInEarlierMonths(
	values: Float64Array,
	expected: Float64Array,
	i: number,
	calendar: LocalCalendar,
	weekend: Uint8Array,
	slotsPerDay: number,
): boolean {
	const position = monthTurnPosition(calendar.dayNumber[i], weekend);
	if (position === 0) return false;
	const deviation = values[i] - expected[i];
	const needed = DEVIATION_SHARE * deviation;
	const up = deviation > 0;
	const seen = (j: number) => {
		const past = values[j] - expected[j];
		return up ? past >= needed : past <= needed;
	};
	const [year, month] = civilFromDays(calendar.dayNumber[i]);
	for (let back = 1; back <= MONTHS_BACK; back++)
		if (
			aboutThisTimeOn(
				calendar,
				i,
				dayAtTurn(year, month - back, position, weekend),
				slotsPerDay,
				0,
				seen,
			)
		)
			return true;
	return false;
}
