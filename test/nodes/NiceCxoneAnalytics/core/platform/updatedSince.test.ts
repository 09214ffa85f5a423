import { DateTime } from 'luxon';

import {
	chooseContactRead,
	cursorAfterRangeRead,
	parseUpdatedSince,
} from '../../../../../nodes/NiceCxoneAnalytics/core/platform/updatedSince';

const DAY_MS = 86_400_000;
const at = (text: string) => Date.parse(text);

describe('parseUpdatedSince', () => {
	it.each([
		// [given, instant, text sent]
		['2026-01-14T10:00:00Z', '2026-01-14T10:00:00Z', '2026-01-14T10:00:00Z'],
		// CXone's own lastPollTime comes back to the millisecond, as it was sent.
		['2026-01-14T10:00:00.123Z', '2026-01-14T10:00:00.123Z', '2026-01-14T10:00:00.123Z'],
		['  2026-01-14T10:00:00Z ', '2026-01-14T10:00:00Z', '2026-01-14T10:00:00Z'],
		['2026-01-14t10:00:00z', '2026-01-14T10:00:00Z', '2026-01-14T10:00:00Z'],
		// Offsets become UTC: the Reporting API takes dates with a literal Z.
		['2026-01-14T11:00:00+01:00', '2026-01-14T10:00:00Z', '2026-01-14T10:00:00Z'],
		['2026-01-14T05:30:00-0430', '2026-01-14T10:00:00Z', '2026-01-14T10:00:00Z'],
		['2026-01-14T11:00:00.250+01:00', '2026-01-14T10:00:00.250Z', '2026-01-14T10:00:00.250Z'],
		['2026-01-14T10:00Z', '2026-01-14T10:00:00Z', '2026-01-14T10:00:00Z'],
		// More than milliseconds: cut to the millisecond before (the next run reads again, never misses).
		['2026-01-14T10:00:00.1239Z', '2026-01-14T10:00:00.123Z', '2026-01-14T10:00:00.123Z'],
		['2024-02-29T00:00:00Z', '2024-02-29T00:00:00Z', '2024-02-29T00:00:00Z'],
	])('%j is the instant %s, sent as %s', (given, instant, text) => {
		expect(parseUpdatedSince(given)).toEqual({ ms: at(instant), text });
	});

	it('takes a Date and a Luxon DateTime (what $now gives in an expression)', () => {
		expect(parseUpdatedSince(new Date('2026-01-14T10:00:00Z'))).toEqual({
			ms: at('2026-01-14T10:00:00Z'),
			text: '2026-01-14T10:00:00Z',
		});
		const luxon = DateTime.fromISO('2026-01-14T11:00:00.500', { zone: 'Europe/Berlin' });
		expect(parseUpdatedSince(luxon)).toEqual({
			ms: at('2026-01-14T10:00:00.500Z'),
			text: '2026-01-14T10:00:00.500Z',
		});
	});

	it.each([undefined, null, '', '   '])('%j is no cursor', (given) => {
		expect(parseUpdatedSince(given)).toBeUndefined();
	});

	it.each([
		['2026-01-14', '("2026-01-14") has no time zone: it is not one instant'],
		['2026-01-14T10:00:00', '("2026-01-14T10:00:00") has no time zone: it is not one instant'],
		['2026-01-14 10:00', '("2026-01-14 10:00") has no time zone: it is not one instant'],
		['yesterday', '("yesterday") is not an ISO-8601 date-time'],
		['1768384800000', '("1768384800000") is not an ISO-8601 date-time'],
		['2026-02-30T00:00:00Z', '("2026-02-30T00:00:00Z") is not a date-time that exists'],
		['2026-01-14T24:00:00Z', '("2026-01-14T24:00:00Z") is not a date-time that exists'],
		['2026-01-14T10:60:00Z', '("2026-01-14T10:60:00Z") is not a date-time that exists'],
		['2026-13-01T00:00:00Z', '("2026-13-01T00:00:00Z") is not a date-time that exists'],
		['2026-01-14T10:00:00+25:00', '("2026-01-14T10:00:00+25:00") is not an ISO-8601 date-time'],
		[
			'a very long text that is not a date and goes on and on',
			'("a very long text that is not a date and …") is not an ISO-8601 date-time',
		],
		[1768384800000, 'is a number, not a date-time'],
		[true, 'is a boolean, not a date-time'],
		[{ updatedSince: '2026-01-14T10:00:00Z' }, 'is an object, not a date-time'],
		[new Date(Number.NaN), 'is an invalid date'],
	])('%j is refused: %s', (given, problem) => {
		expect(parseUpdatedSince(given)).toEqual({ problem });
	});
});

describe('chooseContactRead', () => {
	const now = at('2026-01-14T10:00:00Z');
	const oldest = now - 30 * DAY_MS;
	const rangeStart = at('2026-01-13T00:00:00Z');
	const cursor = (text: string) => ({ ms: at(text), text });

	it('reads the whole range without a cursor', () => {
		expect(chooseContactRead(undefined, rangeStart, oldest)).toEqual({
			kind: 'range',
			reason: 'noCursor',
		});
	});

	it('reads what changed since a cursor after the range start', () => {
		const since = cursor('2026-01-14T09:00:00Z');
		expect(chooseContactRead(since, rangeStart, oldest)).toEqual({ kind: 'updated', since });
		const justAfter = cursor('2026-01-13T00:00:00.001Z');
		expect(chooseContactRead(justAfter, rangeStart, oldest)).toEqual({
			kind: 'updated',
			since: justAfter,
		});
	});

	it('reads the whole range for a cursor at or before its start: every contact in it changed since', () => {
		for (const text of ['2026-01-13T00:00:00Z', '2026-01-01T00:00:00Z', '2025-12-15T10:00:00Z']) {
			expect(chooseContactRead(cursor(text), rangeStart, oldest)).toEqual({
				kind: 'range',
				reason: 'beforeRange',
			});
		}
	});

	it('calls a cursor older than the reach stale (the server refuses it): the whole range is read', () => {
		for (const text of ['2025-12-15T09:59:59.999Z', '2025-01-01T00:00:00Z']) {
			expect(chooseContactRead(cursor(text), rangeStart, oldest)).toEqual({
				kind: 'range',
				reason: 'stale',
			});
		}
		// A range may start at the very edge of the reach.
		expect(chooseContactRead(cursor('2025-12-15T09:59:59Z'), oldest, oldest)).toEqual({
			kind: 'range',
			reason: 'stale',
		});
	});
});

describe('cursorAfterRangeRead', () => {
	const started = at('2026-01-14T10:00:00Z');

	it("is the earliest window's lastPollTime, as the server wrote it", () => {
		expect(
			cursorAfterRangeRead(['2026-01-14T10:00:01.500Z', '2026-01-14T10:00:00.750Z'], started),
		).toEqual({ ms: at('2026-01-14T10:00:00.750Z'), text: '2026-01-14T10:00:00.750Z' });
	});

	it('is when the run started where a window gave none (204) or an unreadable one', () => {
		const startedCursor = { ms: started, text: '2026-01-14T10:00:00Z' };
		expect(cursorAfterRangeRead([undefined], started)).toEqual(startedCursor);
		expect(cursorAfterRangeRead(['2026-01-14T10:00:02Z', 'soon'], started)).toEqual(startedCursor);
		expect(cursorAfterRangeRead(['2026-01-14T10:00:02Z', 42], started)).toEqual(startedCursor);
		expect(cursorAfterRangeRead([], started)).toEqual(startedCursor);
		// A server clock behind this one still wins: its time is the one its listing used.
		expect(cursorAfterRangeRead([undefined, '2026-01-14T09:59:58Z'], started)).toEqual({
			ms: at('2026-01-14T09:59:58Z'),
			text: '2026-01-14T09:59:58Z',
		});
	});
});
