import { DateTime } from 'luxon';

/** Opening hours per ISO weekday (1 = Monday … 7 = Sunday): [from, to) in minutes after local midnight. */
export type BusinessHours = ReadonlyMap<number, ReadonlyArray<readonly [number, number]>>;

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/**
 * Reads business hours written as "Mon-Fri 08:00-18:00; Sat 09:00-13:00" (days or day ranges, comma
 * separated, then one or more time ranges; `24:00` ends a day). Returns the hours, or a problem text that
 * says what is wrong and how to write it. An empty text means none (`undefined`): every hour counts.
 */
export function parseBusinessHours(text: string): BusinessHours | undefined | { problem: string } {
	if (text.trim() === '') return undefined;
	const hours = new Map<number, Array<[number, number]>>();
	for (const part of text
		.split(';')
		.map((p) => p.trim())
		.filter((p) => p !== '')) {
		const match =
			/^([A-Za-z,\s-]+?)\s+(\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}(?:\s*,\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2})*)$/.exec(
				part,
			);
		if (!match)
			return {
				problem: `'${part}' is not days and hours; write e.g. Mon-Fri 08:00-18:00; Sat 09:00-13:00`,
			};
		const days = dayList(match[1]);
		if (typeof days === 'string') return { problem: days };
		for (const range of match[2].split(',')) {
			const [from, to] = range.split('-').map((time) => minutes(time.trim()));
			if (from === undefined || to === undefined || to <= from) {
				return {
					problem: `'${range.trim()}' is not a time range from an earlier to a later time (00:00 to 24:00)`,
				};
			}
			for (const day of days) hours.set(day, [...(hours.get(day) ?? []), [from, to]]);
		}
	}
	return hours;
}

function dayList(text: string): number[] | string {
	const days: number[] = [];
	for (const item of text.split(',').map((d) => d.trim())) {
		const [first, last] = item
			.split('-')
			.map((d) => DAYS.indexOf(d.trim().toLowerCase().slice(0, 3)) + 1);
		if (first < 1 || (last !== undefined && last < 1))
			return `'${item}' is not a day or a range of days (Mon … Sun)`;
		for (let day = first; ; day = (day % 7) + 1) {
			days.push(day);
			if (day === (last ?? first)) break;
		}
	}
	return days;
}

function minutes(time: string): number | undefined {
	const match = /^(\d{1,2}):(\d{2})$/.exec(time);
	if (!match) return undefined;
	const value = Number(match[1]) * 60 + Number(match[2]);
	return Number(match[2]) < 60 && value <= 24 * 60 ? value : undefined;
}

/** Whether the instant `ms` falls within the business hours, on the wall clock of `zone`. */
export function withinBusinessHours(ms: number, hours: BusinessHours, zone: string): boolean {
	const local = DateTime.fromMillis(ms, { zone });
	const minute = local.hour * 60 + local.minute;
	return (hours.get(local.weekday) ?? []).some(([from, to]) => minute >= from && minute < to);
}
