/**
 * The tests' clock. A test never asks the machine what day it is: "now" is pinned, so every run sees
 * the same calendar whatever the date, the weekday, the time of day or the machine's time zone.
 *
 * `CXONE_TEST_NOW` (an ISO-8601 date-time with Z or an offset) pins it; without it, DEFAULT_TEST_NOW.
 * Each test file's clock reads that instant when the file starts and then runs on in real time, so
 * timeouts, token lifetimes and polls behave as usual. The simulators a test starts share this very
 * clock (`--clock-offset-ms`, the same offset from the real clock, so both agree to the millisecond),
 * and `useTestClockForDateNow()` gives it to the node code under test (its relative ranges and its
 * 30-day reach use `Date.now()`).
 */
'use strict';

/** A Wednesday at 10:00 UTC: business hours on a weekday, far from a month end or a DST change. */
const DEFAULT_TEST_NOW = '2026-01-14T10:00:00Z';

const DAY_MS = 86_400_000;
const INSTANT_WITH_OFFSET = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;
const realDateNow = Date.now.bind(Date);

function parseTestNow(text) {
	const ms = INSTANT_WITH_OFFSET.test(text) ? Date.parse(text) : NaN;
	if (!Number.isFinite(ms))
		throw new Error(
			`CXONE_TEST_NOW must be an ISO-8601 date-time with Z or an offset, e.g. ${DEFAULT_TEST_NOW}; got "${text}".`,
		);
	return ms;
}

/** The pinned instant: what the clock read when this test file started. */
const TEST_NOW_MS = parseTestNow(process.env.CXONE_TEST_NOW || DEFAULT_TEST_NOW);
/** The test clock minus the real one, in ms. */
const CLOCK_OFFSET_MS = TEST_NOW_MS - realDateNow();

/** The test clock: ms since the epoch, TEST_NOW_MS when the file started, then running on. */
function testNow() {
	return realDateNow() + CLOCK_OFFSET_MS;
}

/** Midnight UTC that starts the pinned day ("today" for the tests). */
const TEST_TODAY_MS = Math.floor(TEST_NOW_MS / DAY_MS) * DAY_MS;

/**
 * The latest run of `count` whole UTC weekdays (Monday to Friday, the simulator's busy days) that
 * ends at least `daysBeforeToday` days before today: `{ startMs, endMs }` (end exclusive). For tests
 * that need a window with many contacts whatever day they run on.
 */
function latestWeekdays(count, daysBeforeToday) {
	if (!(count >= 1 && count <= 5)) throw new Error(`A run of weekdays is 1 to 5 days long, not ${count}.`);
	for (let endMs = TEST_TODAY_MS - daysBeforeToday * DAY_MS; ; endMs -= DAY_MS) {
		const startMs = endMs - count * DAY_MS;
		const days = Array.from({ length: count }, (_, i) => new Date(startMs + i * DAY_MS).getUTCDay());
		if (days.every((day) => day >= 1 && day <= 5)) return { startMs, endMs };
	}
}

/**
 * Makes `Date.now()` the test clock for the node code of this test file, from here until the file
 * ends (jest gives each file its own globals, so no other file is affected). Timers stay real.
 */
function useTestClockForDateNow() {
	const spy = jest.spyOn(Date, 'now').mockImplementation(testNow);
	afterAll(() => spy.mockRestore());
}

module.exports = {
	CLOCK_OFFSET_MS,
	DAY_MS,
	DEFAULT_TEST_NOW,
	TEST_NOW_MS,
	TEST_TODAY_MS,
	latestWeekdays,
	testNow,
	useTestClockForDateNow,
};
