import {
	civilFromDays,
	daysFromCivil,
	monthTurnPosition,
	NEW_HOURS_ANY_DAY,
	opensOrClosesAsBefore,
	seenInEarlierMonths,
	seenOnMostRecentDays,
} from '../../../../../nodes/NiceCxoneTrends/core/detectors/recurringPattern';
import { analyzeRows } from '../../../../../nodes/NiceCxoneTrends/core/analyzeRows';
import { DEFAULT_SETTINGS } from '../../../../../nodes/NiceCxoneTrends/core/analyzeSeries';
import { dayShape, hourlyContacts, QUARTER_HOUR_MS, seededRandom, START_MS } from '../../synthetic';
import { localCalendar } from '../../../../../nodes/NiceCxoneTrends/core/calendar';
import { DateTime } from 'luxon';

/**
 * The alerts of the default method on `items` (`bucketStart` in UTC, one series of `metric`), each as its
 * bucket's ISO time cut to [`from`, `to`) and its score.
 */
function alertsOf(
	items: Array<Record<string, string | number>>,
	from: number,
	to: number,
	metric = 'count_sum',
	timeZone = DEFAULT_SETTINGS.timeZone,
): string[] {
	const [series] = analyzeRows(items, {
		timestampField: 'bucketStart',
		metrics: [metric],
		missingBuckets: 'auto',
		settings: { ...DEFAULT_SETTINGS, timeZone },
	}).series;
	const { alert, score } = series.analysis.detection;
	return Array.from(alert.keys())
		.filter((i) => alert[i] === 1)
		.map(
			(i) =>
				`${new Date(series.grid.timesMs[i]).toISOString().slice(from, to)} ${score[i].toFixed(2)}`,
		);
}

const FIVE_MINUTES_MS = 5 * 60_000;
const SLOTS = 288;
/** Time of day of each bucket of `days` (UTC: no daylight saving). */
const CLOCK = localCalendar(
	Float64Array.from({ length: 8 * SLOTS }, (_, i) => START_MS + i * FIVE_MINUTES_MS),
	'UTC',
);

/** Eight days of 5-minute buckets at 10 (expected 10), with `deviate(day, slot)` added. */
function days(deviate: (day: number, slot: number) => number): {
	values: Float64Array;
	expected: Float64Array;
} {
	const values = Float64Array.from(
		{ length: 8 * SLOTS },
		(_, i) => 10 + deviate(Math.floor(i / SLOTS), i % SLOTS),
	);
	return { values, expected: new Float64Array(8 * SLOTS).fill(10) };
}

/**
 * `days` days of quarter hours (UTC) from `startMs` in `zone`: their local calendar, and the index of a
 * local time ('2024-11-04T09:00').
 */
function quarterHoursIn(zone: string, startMs: number, days: number) {
	const timesMs = Float64Array.from({ length: days * 96 }, (_, i) => startMs + i * QUARTER_HOUR_MS);
	const calendar = localCalendar(timesMs, zone);
	const local = (iso: string) => timesMs.indexOf(DateTime.fromISO(iso, { zone }).toMillis());
	return { length: timesMs.length, calendar, local };
}

describe('seenOnMostRecentDays', () => {
	const today = 7 * SLOTS + 40; // day 8, 3:20
	it('takes a spike that came at about this time on four of the last seven days, its minute wandering, for a pattern', () => {
		// A nightly job near 3:20 (slot 40), 25 minutes early or late, on days 3 to 6.
		const job = days((day, slot) =>
			day >= 3 && day <= 6 && slot === 40 + (day % 2 ? 5 : -5) ? 140 : 0,
		);
		job.values[today] = 150;
		expect(
			seenOnMostRecentDays(job.values, job.expected, CLOCK, today, SLOTS, FIVE_MINUTES_MS),
		).toBe(true);
	});
	it('not on three days, not 35 minutes away, not at a third of the size, and not the other way', () => {
		const three = days((day, slot) => (day >= 4 && day <= 6 && slot === 40 ? 140 : 0));
		three.values[today] = 150;
		expect(
			seenOnMostRecentDays(three.values, three.expected, CLOCK, today, SLOTS, FIVE_MINUTES_MS),
		).toBe(false);
		const away = days((day, slot) => (day >= 1 && slot === 47 ? 140 : 0));
		away.values[today] = 150;
		expect(
			seenOnMostRecentDays(away.values, away.expected, CLOCK, today, SLOTS, FIVE_MINUTES_MS),
		).toBe(false);
		const small = days((day, slot) => (day >= 1 && slot === 40 ? 60 : 0));
		small.values[today] = 150;
		expect(
			seenOnMostRecentDays(small.values, small.expected, CLOCK, today, SLOTS, FIVE_MINUTES_MS),
		).toBe(false);
		const drops = days((day, slot) => (day >= 1 && slot === 40 ? -9 : 0));
		drops.values[today] = 150;
		expect(
			seenOnMostRecentDays(drops.values, drops.expected, CLOCK, today, SLOTS, FIVE_MINUTES_MS),
		).toBe(false);
	});
	it('finds this time of the days before by the local clock and by whole days of time, across a daylight-saving change', () => {
		// Quarter hours (UTC) from Monday 28 October 2024, New York time: clocks go back on Sunday 3 November at
		// 2:00, so 9:00 on Monday 4 November is 196 quarter hours after 9:00 on Saturday, and 192 after 8:00.
		const QUARTERS = 96;
		const { length, calendar, local } = quarterHoursIn(
			'America/New_York',
			Date.UTC(2024, 9, 28, 4),
			8,
		);
		const today = local('2024-11-04T09:00');
		expect(today - local('2024-11-02T09:00')).toBe(196);
		/** 20 expected throughout; 80 at `hour` local on each of the four days before Monday 4 November. */
		const spikes = (hour: number) => {
			const expected = new Float64Array(length).fill(20);
			const values = Float64Array.from(expected);
			for (const day of ['10-31', '11-01', '11-02', '11-03'])
				values[local(`2024-${day}T${String(hour).padStart(2, '0')}:00`)] = 80;
			values[today] = 85;
			return seenOnMostRecentDays(values, expected, calendar, today, QUARTERS, QUARTER_HOUR_MS);
		};
		// A campaign at 9:00 local: whole days of time back, it is at 8:00 on the days before the change.
		expect(spikes(9)).toBe(true);
		// A job at a fixed UTC time (8:00 local before the change, 7:00 after it): whole days of time back.
		const job = new Float64Array(length).fill(20);
		const jobValues = Float64Array.from(job);
		for (const day of ['10-31', '11-01', '11-02']) jobValues[local(`2024-${day}T08:00`)] = 80;
		jobValues[local('2024-11-03T07:00')] = 80;
		const jobToday = local('2024-11-04T07:00');
		jobValues[jobToday] = 85;
		expect(
			seenOnMostRecentDays(jobValues, job, calendar, jobToday, QUARTERS, QUARTER_HOUR_MS),
		).toBe(true);
		// An hour or more away by both clocks is no precedent: 11:00 before the change is two hours from 9:00 and
		// one from the whole days' 10:00.
		expect(spikes(11)).toBe(false);
	});
	it('finds the same local time across midnight: a nightly job at 00:15 the night after the clocks go forward', () => {
		// Quarter hours (UTC) from Saturday 23 March 2024, Paris time; clocks go forward on Sunday 31 March at 2:00.
		// 00:15 on Monday 1 April is 23:15 the night before by whole days of time.
		const QUARTERS = 96;
		const { length, calendar, local } = quarterHoursIn(
			'Europe/Paris',
			Date.UTC(2024, 2, 22, 23),
			10,
		);
		const expected = new Float64Array(length).fill(20);
		const values = Float64Array.from(expected);
		// On the last four nights only: read a night too early, only three were found.
		for (let day = 28; day <= 31; day++) values[local(`2024-03-${day}T00:15`)] = 80;
		const today = local('2024-04-01T00:15');
		values[today] = 85;
		expect(today - local('2024-03-31T00:15')).toBe(92);
		expect(seenOnMostRecentDays(values, expected, calendar, today, QUARTERS, QUARTER_HOUR_MS)).toBe(
			true,
		);
	});
	it('raises no alert again for a daily campaign at 9:00 local after the clocks go back', () => {
		// Four weeks of quarter hours from Monday 14 October 2024, New York: open 8:00–18:00 every day at about 20
		// a quarter hour; from 21 October a callback campaign adds 100 at 9:00 local, or a quarter hour either side.
		const random = seededRandom(2);
		const zone = 'America/New_York';
		const startMs = DateTime.fromISO('2024-10-14', { zone }).toMillis();
		const quarterEarlyOrLate = Array.from({ length: 28 }, () => Math.floor(random() * 3) - 1);
		const items = Array.from({ length: 28 * 96 }, (_, i) => {
			const t = DateTime.fromMillis(startMs + i * QUARTER_HOUR_MS, { zone });
			const noise = (random() + random() + random() + random() - 2) * Math.sqrt(20) * 1.7;
			let contacts = t.hour >= 8 && t.hour < 18 ? Math.max(0, Math.round(20 + noise)) : 0;
			const quarter = quarterEarlyOrLate[Math.floor(i / 96)];
			const campaign = t.set({ hour: 9, minute: 0 }).plus({ minutes: 15 * quarter });
			if (t.toISODate()! >= '2024-10-21' && +t === +campaign) contacts += 100;
			return { bucketStart: t.toUTC().toISO()!, count_sum: contacts };
		});
		// Its first two days alert (news), and no day after (the first four, while closed hours' zeros made up
		// more than half of the calibration's scores). Found by whole days of time alone, the four days from the
		// change on alerted again (9:00 was 8:00 on the days before it): 3–6 November, at 14:00 or 14:15 UTC.
		expect(alertsOf(items, 5, 16, 'count_sum', zone)).toEqual([
			'10-21T13:00 11.51',
			'10-22T13:00 10.60',
		]);
	});
	it('reads deviations, not values: the quieter buckets before a ramp are no precedent for a drop', () => {
		// A ramp: expected 10 + slot, the values on it; today's bucket drops to 0.
		const values = Float64Array.from({ length: 8 * SLOTS }, (_, i) => 10 + (i % SLOTS));
		const expected = Float64Array.from(values);
		values[today] = 0;
		expect(seenOnMostRecentDays(values, expected, CLOCK, today, SLOTS, FIVE_MINUTES_MS)).toBe(
			false,
		);
	});
});

describe('the turn of the month', () => {
	const SATURDAY_SUNDAY = Uint8Array.from([0, 0, 0, 0, 0, 0, 1, 1]);
	const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
	it('converts day numbers to dates and back, leap days and centuries included', () => {
		for (const iso of [
			'1970-01-01',
			'2000-02-29',
			'2000-03-01',
			'2024-02-29',
			'2100-03-01',
			'1969-12-31',
		]) {
			const [y, m, d] = iso.split('-').map(Number);
			expect(civilFromDays(day(iso))).toEqual([y, m, d]);
			expect(daysFromCivil(y, m) + d - 1).toBe(day(iso));
		}
		expect(daysFromCivil(2024, 13)).toBe(day('2025-01-01'));
		expect(daysFromCivil(2024, 0)).toBe(day('2023-12-01'));
	});
	it('places the last three and first three business days of a month, nothing else', () => {
		const at = (iso: string) => monthTurnPosition(day(iso), SATURDAY_SUNDAY);
		// May 2024 ends on a Friday; June begins on a Saturday.
		expect([at('2024-05-31'), at('2024-05-30'), at('2024-05-29'), at('2024-05-28')]).toEqual([
			-1, -2, -3, 0,
		]);
		expect([at('2024-06-01'), at('2024-06-03'), at('2024-06-04'), at('2024-06-05')]).toEqual([
			0, 1, 2, 3,
		]);
		expect([at('2024-06-06'), at('2024-05-15')]).toEqual([0, 0]);
		// With Friday and Saturday as the weekend, Thursday 30 May is the last business day.
		const fridaySaturday = Uint8Array.from([0, 0, 0, 0, 0, 1, 1, 0]);
		expect(monthTurnPosition(day('2024-05-30'), fridaySaturday)).toBe(-1);
	});
	it('takes a month end for a pattern when a month before deviated at least half as much at the same business day', () => {
		// Days from 1 April 2024 to 31 May 2024, expected 100; the last business day of April (Tuesday 30) ran
		// 130, and so does 31 May.
		const first = day('2024-04-01');
		const dayNumber = Int32Array.from({ length: 61 }, (_, k) => first + k);
		const expected = new Float64Array(61).fill(100);
		const values = new Float64Array(61).fill(100);
		const april30 = day('2024-04-30') - first;
		const may31 = day('2024-05-31') - first;
		values[april30] = 130;
		const seen = (value: number) => {
			values[may31] = value;
			const calendar = { dayNumber, isoWeekday: new Int8Array(61), msOfDay: new Float64Array(61) };
			return seenInEarlierMonths(values, expected, may31, calendar, SATURDAY_SUNDAY, 1);
		};
		expect(seen(135)).toBe(true);
		expect(seen(160)).toBe(true);
		// More than twice the precedent, or the other way: an anomaly.
		expect(seen(161)).toBe(false);
		expect(seen(70)).toBe(false);
		// Not on the day before the month's last business day.
		values[april30] = 100;
		values[april30 - 1] = 130;
		expect(seen(135)).toBe(false);
	});
	it('finds the same hour of a month before across a daylight-saving change, and no other hour', () => {
		// Hours in New York from 1 January to 31 March 2024 (clocks forward on 10 March), expected 100; +50 at
		// 17:00 local on the last business day of February (Thursday 29).
		const times = Float64Array.from(
			{ length: 91 * 24 - 1 },
			(_, h) => Date.UTC(2024, 0, 1, 5) + h * 3_600_000,
		);
		const calendar = localCalendar(times, 'America/New_York');
		const expected = new Float64Array(times.length).fill(100);
		const at = (iso: string) =>
			times.indexOf(DateTime.fromISO(iso, { zone: 'America/New_York' }).toMillis());
		const seen = (precedent: string) => {
			const values = new Float64Array(times.length).fill(100);
			values[at(precedent)] = 150;
			values[at('2024-03-29T17:00')] = 160;
			return seenInEarlierMonths(
				values,
				expected,
				at('2024-03-29T17:00'),
				calendar,
				SATURDAY_SUNDAY,
				24,
			);
		};
		expect(seen('2024-02-29T17:00')).toBe(true);
		// Counting 29 days of 24 hours back lands on 16:00 in February (the clocks moved in between).
		expect(seen('2024-02-29T16:00')).toBe(false);
		expect(seen('2024-02-29T18:00')).toBe(false);
		expect(seen('2024-02-28T17:00')).toBe(false);
	});
	it('raises no alert for a month end as busy as the months before, and still alerts three times as busy', () => {
		// 40 weeks of daily contacts (UTC) from Monday 8 January 2024: 800 a weekday, 360 on Saturdays, 160 on
		// Sundays, 4 % day-to-day noise; the last business day of every month × 1.35, the one before × 1.2, the
		// first × 1.15 (a billing cycle). Each month end alerted anew before: 4 of 9 here (31 May, 28 June,
		// 31 July, 30 August).
		const start = Date.UTC(2024, 0, 8);
		const rows = (incidentDay: number) => {
			const random = seededRandom(17);
			return Array.from({ length: 280 }, (_, k) => {
				const t = start + k * 86_400_000;
				const weekday = new Date(t).getUTCDay();
				const position = monthTurnPosition(Math.floor(t / 86_400_000), SATURDAY_SUNDAY);
				const month = position === -1 ? 1.35 : position === -2 ? 1.2 : position === 1 ? 1.15 : 1;
				const noise =
					1 + 0.04 * Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
				const level = weekday === 6 ? 360 : weekday === 0 ? 160 : 800;
				return {
					bucketStart: new Date(t).toISOString(),
					count_sum: Math.round(level * month * noise * (k === incidentDay ? 3 / 1.35 : 1)),
				};
			});
		};
		const alerts = (items: ReturnType<typeof rows>) => alertsOf(items, 0, 10);
		expect(alerts(rows(-1))).toEqual([]);
		// Friday 30 August, the month's last business day, at 3 times a weekday.
		const august30 = (Date.UTC(2024, 7, 30) - start) / 86_400_000;
		expect(alerts(rows(august30))).toEqual(['2024-08-30 29.17']);
	});
});

describe('opening hours that change', () => {
	const QUARTERS = 96;
	/** The level `opensOrClosesAsBefore` is given: an alert, or a bucket held as this pattern. */
	const LEVEL = 0.99 * 4.5;
	const at = (day: number, hour: number, minute = 0) => day * QUARTERS + hour * 4 + minute / 15;
	/** Three days of quarter hours (UTC) from Monday 1 January 2024: 20 expected from 8:00 to 18:00, none outside; the values on it. */
	function threeDays() {
		const timesMs = Float64Array.from(
			{ length: 3 * QUARTERS },
			(_, i) => START_MS + i * QUARTER_HOUR_MS,
		);
		const expected = Float64Array.from({ length: 3 * QUARTERS }, (_, i) =>
			i % QUARTERS >= 32 && i % QUARTERS < 72 ? 20 : 0,
		);
		return {
			values: Float64Array.from(expected),
			expected,
			score: new Float64Array(3 * QUARTERS),
			calendar: localCalendar(timesMs, 'UTC'),
		};
	}
	type Days = ReturnType<typeof threeDays>;
	const asBefore = (days: Days, i: number, daysBack = [1]) =>
		opensOrClosesAsBefore(
			days.values,
			days.expected,
			days.score,
			i,
			daysBack,
			days.calendar,
			QUARTERS,
			LEVEL,
		) !== 0;
	/** `value` contacts from `from` to 8:00 on `day`, none expected; the first scored `score`. */
	const openedEarly = (days: Days, day: number, from: number, value: number, score: number) => {
		for (let i = from; i < at(day, 8); i++) days.values[i] = value;
		days.score[from] = score;
	};
	it('takes contacts at 7:00 for the new hours when the day before opened at 7:00 and said so', () => {
		const seen = (from: number, score: number, today: number, daysBack = [1]) => {
			const days = threeDays();
			openedEarly(days, 1, from, 12, score);
			days.values[at(2, 7)] = today;
			return asBefore(days, at(2, 7), daysBack);
		};
		expect(seen(at(1, 7), 5.2, 9)).toBe(true);
		// Held as this same pattern the day before (0.99 of the threshold) is as good as an alert.
		expect(seen(at(1, 7), LEVEL, 9)).toBe(true);
		// The day before alerted half an hour away: about this time. Opened at 6:15 and alerted there, it said
		// its whole opening, its contacts at 7:00 too.
		expect(seen(at(1, 7, 30), 5.2, 9)).toBe(true);
		expect(seen(at(1, 6, 15), 5.2, 9)).toBe(true);
		// Not said the day before: no precedent.
		expect(seen(at(1, 7), 3.9, 9)).toBe(false);
		// Up to twice the opening's contacts and a few more (2 · 12 + 4); beyond, a spike in the new hours.
		expect(seen(at(1, 7), 5.2, 28)).toBe(true);
		expect(seen(at(1, 7), 5.2, 29)).toBe(false);
		// Only the days it is told to look back to.
		expect(seen(at(1, 7), 5.2, 9, [2, 7])).toBe(false);
		const twoBack = threeDays();
		openedEarly(twoBack, 0, at(0, 7), 12, 5.2);
		twoBack.values[at(2, 7)] = 9;
		expect(asBefore(twoBack, at(2, 7))).toBe(false);
		expect(asBefore(twoBack, at(2, 7), [2, 7])).toBe(true);
	});
	it('follows the new hours while their expected value begins to move', () => {
		const days = threeDays();
		openedEarly(days, 1, at(1, 7), 12, 5.2);
		// The slot's expected value has moved a little (a line through its neighbours).
		days.expected[at(2, 7)] = 6;
		days.values[at(2, 7)] = 25;
		expect(asBefore(days, at(2, 7))).toBe(true);
		// No deviation: nothing to hold.
		days.values[at(2, 7)] = 6;
		expect(asBefore(days, at(2, 7))).toBe(false);
	});
	it('takes none at 17:00 for the new hours when the day before closed at 17:00 and said so; not a partial drop', () => {
		const closing = (scores: Array<[number, number]>, today: number) => {
			const days = threeDays();
			for (let i = at(1, 17); i < at(1, 18); i++) days.values[i] = 0;
			for (const [i, score] of scores) days.score[i] = score;
			days.values[at(2, 17)] = today;
			return asBefore(days, at(2, 17));
		};
		expect(closing([[at(1, 17), -5]], 0)).toBe(true);
		expect(closing([[at(1, 17), -5]], 3)).toBe(false);
		// Said by another bucket of the same closing (its 17:00 scored under the alert, its 17:30 alerted).
		expect(
			closing(
				[
					[at(1, 17), -1],
					[at(1, 17, 30), -5],
				],
				0,
			),
		).toBe(true);
		// Said by none of them: an outage to closing time that did not alert is no precedent.
		expect(
			closing(
				[
					[at(1, 17), -1],
					[at(1, 17, 30), -4],
				],
				0,
			),
		).toBe(false);
	});
	it('takes no outage within the hours, no burst in the night, no closed day and no rise in the hours for a precedent', () => {
		// An outage from 10:00 to 10:30 the day before, alerted; another today.
		const outage = threeDays();
		outage.values.fill(0, at(1, 10), at(1, 10, 30));
		outage.score[at(1, 10)] = -6;
		outage.values[at(2, 10)] = 0;
		expect(asBefore(outage, at(2, 10))).toBe(false);
		// A day closed throughout (a holiday), alerted at 10:00; an outage at 10:00 today.
		const holiday = threeDays();
		holiday.values.fill(0, at(1, 0), at(2, 0));
		holiday.score[at(1, 10)] = -6;
		holiday.values[at(2, 10)] = 0;
		expect(asBefore(holiday, at(2, 10))).toBe(false);
		// 30 contacts at 3:00 the night before, alerted; again tonight.
		const night = threeDays();
		night.values[at(1, 3)] = 30;
		night.score[at(1, 3)] = 9;
		night.values[at(2, 3)] = 30;
		expect(asBefore(night, at(2, 3))).toBe(false);
		// A rise at 10:00 where contacts were expected, the day before too (a real incident, two days running).
		const rise = threeDays();
		rise.values[at(1, 10)] = 60;
		rise.score[at(1, 10)] = 8;
		rise.values[at(2, 10)] = 60;
		expect(asBefore(rise, at(2, 10))).toBe(false);
	});
	it('finds the day before at the same local time across a daylight-saving change', () => {
		// Quarter hours (UTC) from Friday 29 March 2024, Paris time: clocks go forward on Sunday 31 March at 2:00,
		// so 7:00 on Sunday is 92 quarter hours after 7:00 on Saturday, not 96.
		const timesMs = Float64Array.from(
			{ length: 3 * QUARTERS },
			(_, i) => Date.UTC(2024, 2, 28, 23) + i * QUARTER_HOUR_MS,
		);
		const calendar = localCalendar(timesMs, 'Europe/Paris');
		const local = (iso: string) =>
			timesMs.indexOf(DateTime.fromISO(iso, { zone: 'Europe/Paris' }).toMillis());
		const open = (i: number) =>
			calendar.msOfDay[i] >= 8 * 3_600_000 && calendar.msOfDay[i] < 18 * 3_600_000;
		const expected = Float64Array.from({ length: timesMs.length }, (_, i) => (open(i) ? 20 : 0));
		const values = Float64Array.from(expected);
		const score = new Float64Array(timesMs.length);
		for (let i = local('2024-03-30T07:00'); i < local('2024-03-30T08:00'); i++) values[i] = 12;
		score[local('2024-03-30T07:00')] = 5.2;
		const today = local('2024-03-31T07:00');
		expect(today - local('2024-03-30T07:00')).toBe(92);
		values[today] = 9;
		// (96 quarter hours back is 6:00 on Saturday, where nothing opened.)
		expect(
			opensOrClosesAsBefore(values, expected, score, today, [1], calendar, QUARTERS, LEVEL),
		).toBe(NEW_HOURS_ANY_DAY);
	});

	/**
	 * Seven weeks of quarter-hourly contacts (UTC) from Monday 1 January 2024: on weekdays 8:00–18:00 about 20 a
	 * quarter hour with Poisson-like noise, none at night and at the weekend; from day `changeDay` on open
	 * 7:00–20:00. `edit(day, quarter, contacts)` may change a bucket's contacts.
	 */
	function officeQuarters(
		changeDay: number,
		edit?: (day: number, quarter: number, contacts: number) => number,
	) {
		const random = seededRandom(29);
		return Array.from({ length: 49 * QUARTERS }, (_, i) => {
			const day = Math.floor(i / QUARTERS);
			const hour = (i % QUARTERS) / 4;
			const [opens, closes] = day >= changeDay ? [7, 20] : [8, 18];
			const open = day % 7 < 5 && hour >= opens && hour < closes;
			const noise = (random() + random() + random() + random() - 2) * Math.sqrt(20) * 1.7;
			const contacts = open ? Math.max(0, Math.round(20 + noise)) : 0;
			return {
				bucketStart: new Date(START_MS + i * QUARTER_HOUR_MS).toISOString(),
				count_sum: edit ? edit(day, i % QUARTERS, contacts) : contacts,
			};
		});
	}
	const alertTimes = (items: ReturnType<typeof officeQuarters>) => alertsOf(items, 5, 16);
	it('takes a Saturday for the new hours when the Saturday before opened earlier and closed later', () => {
		// Saturdays open 9:00–13:00, from Saturday 3 February (day 33) 8:00–16:00; weekdays unchanged. The
		// previous weekend day is a Sunday, closed: the Saturday a week before is the precedent.
		const saturdays = officeQuarters(Infinity, (day, quarter, contacts) => {
			if (day % 7 !== 5) return contacts;
			const [opens, closes] = day >= 33 ? [8, 16] : [9, 13];
			return quarter >= opens * 4 && quarter < closes * 4 ? 10 + (quarter % 3) : 0;
		});
		// (6.00 and 6.14 before a count's expected value could lie on the curve of its day: CURVE_MOST_REACH.)
		expect(alertTimes(saturdays)).toEqual(['02-03T08:00 6.02', '02-03T13:00 6.16']);
	});
	it('judges a rate as before: abandons at opening time two mornings running alert twice', () => {
		// 20 calls a quarter hour; nobody abandons in the first hour, 1 in 20 later; 8 of 20 abandon from 8:00 to
		// 8:30 on Tuesday 30 and Wednesday 31 January.
		const random = seededRandom(31);
		const rows = officeQuarters(Infinity).map((row, i) => {
			const day = Math.floor(i / QUARTERS);
			const quarter = i % QUARTERS;
			if (row.count_sum === 0) return row;
			const abandoned =
				(day === 29 || day === 30) && quarter < 34
					? 8
					: quarter < 36
						? 0
						: Math.round(random() * 2);
			return { ...row, abandoned_pct: (100 * abandoned) / row.count_sum };
		});
		expect(alertsOf(rows, 5, 10, 'abandoned_pct')).toEqual(['01-30 8.27', '01-31 6.53']);
	});
	it('alerts on the first day of longer opening hours, not on the days after', () => {
		// Before: Wednesday's and Thursday's mornings and evenings too (7:00, 18:30; 7:00, 19:30). With the new
		// hours held but still fed to the run scores: Wednesday 7:15 and 18:30, Thursday 19:30. The evening is an
		// incident of its own, ten calm hours after the morning's (as the Saturday's above); while the day score
		// held the morning's episode open, it raised no alert.
		expect(alertTimes(officeQuarters(28))).toEqual(['01-29T07:00 11.49', '01-29T18:00 7.96']);
	});
	/** The alerts of `days` of hourly contacts at `rate(weekday, hour)` (see `hourlyContacts`), edited by `edit`. */
	const hourlyAlerts = (
		rate: (weekday: number, hour: number) => number,
		seed: number,
		days = 70,
		edit?: (values: Float64Array) => void,
	) => {
		const { timesMs, values } = hourlyContacts(days, rate, seed);
		edit?.(values);
		const items = Array.from(timesMs, (t, i) => ({
			bucketStart: new Date(t).toISOString(),
			count_sum: values[i],
		}));
		return alertsOf(items, 5, 13);
	};
	it('alerts on the first Friday that closes at 14:00 instead of 18:00, not on the Fridays after', () => {
		const fridays = (seed: number) =>
			hourlyAlerts(
				(weekday, hour) => (weekday > 5 ? 0 : dayShape(hour, 8, weekday === 5 ? 14 : 18)),
				seed,
			);
		// Before, the second or third Friday alerted too, at 15:00 or 16:00: a closing bucket that had not
		// alerted was no precedent (seeds 4, 7 and 8: the one before scored −3.8, above the alert level),
		// and one whose own score the first weeks' calibration had divided below the stay level was not
		// checked, and its misses added up in the run scores (seeds 4, 5 and 9).
		expect([4, 5, 7, 8, 9].map(fridays)).toEqual([
			['01-05T14 -5.71'],
			['01-05T14 -7.39'],
			['01-05T14 -5.34'],
			['01-05T14 -6.10'],
			['01-05T14 -6.45'],
		]);
	});
	it('alerts once on a late Thursday: the late Thursdays after take the hours of the one that alerted', () => {
		// Open until 20:00 on Thursdays. The first late Thursday's contacts at 18:00 and 19:00 score 3.6 to
		// 4.4, under the alert: the second or the third alerts, and the ones after are its new hours. Before,
		// seed 9 alerted on 11 January at 19:00 and again on 18 January at 18:00, whose bucket a week before
		// had scored under the alert, though the run it was in had alerted.
		const thursdays = (seed: number) =>
			hourlyAlerts(
				(weekday, hour) => (weekday > 5 ? 0 : dayShape(hour, 8, weekday === 4 ? 20 : 18)),
				seed,
			);
		expect([1, 4, 9, 10].map(thursdays)).toEqual([
			['01-11T19 4.73'],
			['01-11T19 5.16'],
			['01-11T19 4.61'],
			['01-18T18 4.58'],
		]);
	});
	it("alerts a Monday's outage from 15:00 to closing after Fridays that close at 14:00", () => {
		// Fridays close at 14:00 from 26 January on; none from 15:00 to 18:00 on Monday 5 February. A Monday's
		// previous day of its kind is the Friday before, but a Friday taken for its new hours by the Friday a
		// week before says nothing of a Monday: before, the Friday's held closing held the Monday's outage
		// (seeds 1, 2 and 3; seed 9 alerted only at 17:00, as before the run rule).
		const monday = (seed: number) =>
			hourlyAlerts(
				(weekday, hour) => (weekday > 5 ? 0 : dayShape(hour, 8, 18)),
				seed,
				42,
				(values) => {
					for (let day = 25; day < 42; day += 7) values.fill(0, day * 24 + 14, day * 24 + 18);
					values.fill(0, 35 * 24 + 15, 35 * 24 + 18);
				},
			);
		// (Seeds 3 and 9's Mondays scored −4.62 and −5.33 before a count's expected value could lie on the curve
		// of its day: see CURVE_MOST_REACH.)
		expect([1, 2, 3, 9].map(monday)).toEqual([
			['01-26T14 -12.11', '02-05T15 -4.50'],
			['01-26T14 -12.29', '02-05T15 -5.23'],
			['01-26T14 -11.34', '02-05T16 -4.94'],
			['01-26T14 -12.38', '02-05T15 -5.04'],
		]);
	});
	it('alerts an outage from 15:00 to closing two days running when the first did not alert', () => {
		// Peak 10 contacts an hour; none from 15:00 to 18:00 on Tuesday 30 and Wednesday 31 January. The
		// Tuesday scores −4.1 to −4.4, under the alert: no precedent for new hours on the Wednesday, which
		// alerts. (A closing taken for a precedent whatever it scored hid it: seeds 1, 7, 19 and 25.)
		const outages = (seed: number) =>
			hourlyAlerts(
				(weekday, hour) => (weekday > 5 ? 0 : dayShape(hour, 8, 18, 10)),
				seed,
				42,
				(values) => {
					for (const day of [29, 30]) values.fill(0, day * 24 + 15, day * 24 + 18);
				},
			);
		expect([1, 7, 19, 25].map(outages)).toEqual([
			['01-31T17 -4.70'],
			['01-31T17 -4.60'],
			['01-31T16 -4.88'],
			['01-31T16 -4.85'],
		]);
	});
	it('still alerts on incidents two days running, and after a holiday, in the old hours', () => {
		const QUARTER = (hour: number) => hour * 4;
		const incidents = officeQuarters(Infinity, (day, quarter, contacts) => {
			// A spike at 10:00 on Tuesday 30 and Wednesday 31 January.
			if ((day === 29 || day === 30) && quarter === QUARTER(10)) return contacts + 40;
			// An outage from 9:00 to 10:00 on Thursday 1 and Friday 2 February.
			if ((day === 31 || day === 32) && quarter >= QUARTER(9) && quarter < QUARTER(10)) return 0;
			// Contacts at 3:00 in the nights of Tuesday 6 and Wednesday 7 February.
			if ((day === 36 || day === 37) && quarter === QUARTER(3)) return 30;
			// Friday 9 February closed (a holiday), then an outage from 14:00 to 15:00 on Monday 12.
			if (day === 39 || (day === 42 && quarter >= QUARTER(14) && quarter < QUARTER(15))) return 0;
			return contacts;
		});
		// (14.94, 14.52 and −6.34 at the last three before a count's expected value could lie on the curve of its
		// day: see CURVE_MOST_REACH.)
		expect(alertTimes(incidents)).toEqual([
			'01-30T10:00 5.11',
			'01-31T10:00 6.48',
			'02-01T09:00 -7.06',
			'02-02T09:00 -7.49',
			'02-06T03:00 15.01',
			'02-07T03:00 14.60',
			// The holiday (−5.99 while the same weekday's reference kept the line, see CURVE_MOST_REACH), and the
			// outage on the Monday after it (−7.09 with the holiday in the rings; see ClosedDays).
			'02-09T08:15 -7.35',
			'02-12T14:00 -7.55',
		]);
	});
});
