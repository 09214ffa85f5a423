import { DAY_MS, HOUR_MS, WEEK_MS, type LocalCalendar } from '../calendar';
import { emptyDetection, markEpisodes, type Detection, type EpisodeRules } from '../detection';
import { MAD_TO_SD } from '../statistics';
import { createScaleFloor, type ScaleFloorOptions } from './scaleFloor';
import { SortedRings } from './sortedRings';

/** Settings of the seasonal robust detector. */
export interface SeasonalRobustOptions extends ScaleFloorOptions {
	/** Earlier days of the same kind (weekday or weekend day) whose same-time buckets form the reference. */
	historyDays: number;
	/** Days of history a slot needs before its buckets are judged. */
	minHistoryDays: number;
	/** Earlier weeks whose same weekday and time form the reference, once `minHistoryWeeks` exist. */
	historyWeeks: number;
	/** Weeks of same-weekday history before the weekday reference replaces the weekday/weekend one. */
	minHistoryWeeks: number;
	/** ISO weekdays (1 = Monday … 7 = Sunday) that are weekend days. */
	weekendDays: readonly number[];
	episodes: EpisodeRules;
}

// Reference groups: 0 = weekdays, 1 = weekend days, 2 = any day, 3 + (ISO weekday − 1) = that weekday.
const WEEKDAY = 0;
const WEEKEND = 1;
const ANY_DAY = 2;
const SAME_WEEKDAY = 3;

/** Slots pooled on each side of a bucket's own time-of-day slot (which bounds the reference and its cost). */
const NEIGHBOURS_EACH_SIDE = 2;

/**
 * Offsets (in slots) of the time-of-day slots pooled into a bucket's reference: its own slot and two on
 * each side, spaced to reach about half an hour either side where buckets are finer than that (−6, −3, 0,
 * 3, 6 at 5-minute buckets; −2 … 2 at 15-minute, 30-minute and hourly ones). Enough values for a stable
 * median and MAD without smearing the daily shape; only its own slot at DAY buckets and coarser.
 */
export function neighbourOffsets(bucketMs: number, slotsPerDay: number): number[] {
	if (bucketMs >= DAY_MS || slotsPerDay < 2 * NEIGHBOURS_EACH_SIDE + 1) return [0];
	const reach = Math.max(1, Math.round(HOUR_MS / 2 / bucketMs));
	const step = Math.max(1, Math.round(reach / NEIGHBOURS_EACH_SIDE));
	const offsets = [0];
	for (let side = 1; side <= NEIGHBOURS_EACH_SIDE; side++) offsets.push(-side * step, side * step);
	return offsets.sort((a, b) => a - b);
}

/**
 * Seasonal robust anomaly detection on a regular series, in the calendar of the chosen time zone. Each
 * bucket has up to two references, both pooled over its time-of-day slot and its {@link neighbourOffsets}:
 * - recent: the last `historyDays` days of the same kind — weekdays against weekdays, weekend days against
 *   weekend days (at DAY buckets the days themselves);
 * - weekly: the same weekday of the last `historyWeeks` weeks, once `minHistoryWeeks` exist.
 * Expected value = median of a reference; scale = 1.4826 · its MAD, floored (see `ScaleFloor`); score =
 * (value − expected) / scale in robust standard deviations. A bucket is anomalous only against both
 * references (the smaller score is kept), so a Monday or a Saturday night is not an alarm merely because
 * it differs from the other days, and slow drift is not one because recent days follow it. Until a slot
 * has `minHistoryDays` days of its kind its buckets are not judged. Causal: a bucket is judged before it
 * joins the references. Cost per bucket: a merge of the pooled sorted rings (≤ 5 × history values).
 * Buckets of a week or longer have no daily slot: the reference is the last `historyDays` buckets.
 */
export function detectSeasonalRobust(
	values: Float64Array,
	bucketMs: number,
	calendar: LocalCalendar,
	options: SeasonalRobustOptions,
): Detection {
	const n = values.length;
	const detection = emptyDetection(n);
	const seasonal = bucketMs < WEEK_MS;
	const slotsPerDay = bucketMs < DAY_MS ? Math.max(1, Math.round(DAY_MS / bucketMs)) : 1;
	const offsets = Int32Array.from(neighbourOffsets(bucketMs, slotsPerDay));
	const k = Math.max(1, Math.floor(options.historyDays));
	const minDays = Math.max(1, Math.min(k, Math.floor(options.minHistoryDays)));
	const weekend = new Uint8Array(8);
	for (const day of options.weekendDays) if (day >= 1 && day <= 7) weekend[day] = 1;

	const kw = Math.max(1, Math.floor(options.historyWeeks));
	const minWeeks = Math.max(1, Math.min(kw, Math.floor(options.minHistoryWeeks)));
	const depth = Math.max(k, kw);
	const ringCount = 10 * slotsPerDay;
	const capacities = new Int32Array(ringCount).fill(k);
	capacities.fill(kw, SAME_WEEKDAY * slotsPerDay);
	const rings = new SortedRings(ringCount, depth, capacities, offsets.length);
	const pooled = new Int32Array(offsets.length);
	const floor = createScaleFloor(options, bucketMs);
	const stayLevel = options.episodes.threshold * options.episodes.stayRatio;
	const { expected, scale, score, judged } = detection;

	/** Median and floored MAD-based spread of the reference of `group` around `slot`. */
	let center = NaN;
	let rawSpread = NaN;
	const measure = (group: number, slot: number): number => {
		for (let o = 0; o < offsets.length; o++) {
			let neighbour = slot + offsets[o];
			if (neighbour < 0) neighbour += slotsPerDay;
			else if (neighbour >= slotsPerDay) neighbour -= slotsPerDay;
			pooled[o] = group * slotsPerDay + neighbour;
		}
		rings.pooledMedianAndMad(pooled, offsets.length);
		center = rings.median;
		rawSpread = MAD_TO_SD * rings.mad;
		return floor.apply(rawSpread, center);
	};

	for (let i = 0; i < n; i++) {
		const slot = slotsPerDay === 1 ? 0 : Math.min(slotsPerDay - 1, Math.floor(calendar.msOfDay[i] / bucketMs));
		const kind = seasonal ? (weekend[calendar.isoWeekday[i]] ? WEEKEND : WEEKDAY) : ANY_DAY;
		const weekdayGroup = SAME_WEEKDAY + calendar.isoWeekday[i] - 1;
		// A kind of day without enough history is not judged against the other kind (a first weekend
		// against weekdays would look like a collapse): it is reported as insufficient history.
		const recentGroup = rings.size(kind * slotsPerDay + slot) >= minDays ? kind : -1;
		const weekly = seasonal && rings.size(weekdayGroup * slotsPerDay + slot) >= minWeeks;

		const value = values[i];
		if (recentGroup >= 0) {
			let chosenScale = measure(recentGroup, slot);
			let chosenCenter = center;
			let chosenSpread = rawSpread;
			if (weekly && Number.isFinite(value) && Math.abs(value - chosenCenter) >= stayLevel * chosenScale) {
				// Abnormal only if abnormal against both references: recent days (which follow drift) and
				// the same weekday of earlier weeks (which knows Mondays and Saturday nights). Consulted
				// only when the recent reference finds the bucket unusual: below that level the smaller
				// score could not open or prolong an episode.
				const weeklyScale = measure(weekdayGroup, slot);
				if (Math.abs(value - center) / weeklyScale < Math.abs(value - chosenCenter) / chosenScale) {
					chosenScale = weeklyScale;
					chosenCenter = center;
					chosenSpread = rawSpread;
				}
			}
			floor.noteSpread(chosenSpread);
			expected[i] = chosenCenter;
			scale[i] = chosenScale;
			judged[i] = 1;
			if (Number.isFinite(value)) score[i] = (value - chosenCenter) / chosenScale;
		}
		if (Number.isFinite(value)) {
			floor.observe(value);
			rings.push(kind * slotsPerDay + slot, value);
			if (seasonal) rings.push(weekdayGroup * slotsPerDay + slot, value);
		}
	}
	markEpisodes(detection, options.episodes);
	return detection;
}
