/** The shortest wait a progress prediction may ask for; it doubles after every prediction used. */
const MIN_PREDICTED_WAIT_MS = 50;
/** Polled this long after the predicted end, so the poll lands just after it, not just before. */
const PREDICTION_MARGIN_MS = 10;

export interface PollScheduleOptions {
	firstMs: number;
	maxMs: number;
	/** Growth of the scheduled wait after each poll. */
	growth: number;
}

interface ProgressSample {
	atMs: number;
	progress: number;
}

/**
 * When to poll a running query next (docs/api/analytics-v2.md §3: a growing interval). Waits follow the schedule
 * `firstMs`, ×`growth`, … up to `maxMs`. The server's `progress` may shorten a wait: from the last two
 * rises of progress the schedule predicts when the query ends and polls then instead. Each shortened
 * wait doubles the shortest wait allowed, so a server whose progress misleads costs a few extra polls,
 * never a flood; a progress that stalls or is missing changes nothing.
 */
export class PollSchedule {
	private scheduledMs: number;
	private floorMs: number;
	/** The last progress seen, when it was first seen, and the sample before it (lower progress). */
	private last: ProgressSample;
	private previous?: ProgressSample;

	constructor(
		private readonly options: PollScheduleOptions,
		acceptedAtMs: number,
	) {
		this.scheduledMs = options.firstMs;
		this.floorMs = Math.min(MIN_PREDICTED_WAIT_MS, options.firstMs);
		this.last = { atMs: acceptedAtMs, progress: 0 };
	}

	/** The wait before the next poll, in ms, made at `nowMs`. */
	nextWaitMs(nowMs: number): number {
		const scheduled = this.scheduledMs;
		this.scheduledMs = Math.min(this.options.maxMs, scheduled * this.options.growth);
		const predicted = this.predictedEndMs();
		if (predicted === undefined) return scheduled;
		const wait = Math.max(this.floorMs, predicted + PREDICTION_MARGIN_MS - nowMs);
		if (wait >= scheduled) return scheduled;
		this.floorMs *= 2;
		return wait;
	}

	/** Records the progress a RUNNING/PENDING answer reported (0 to 1; anything else is ignored). */
	observe(atMs: number, progress: unknown): void {
		if (typeof progress !== 'number' || !(progress > this.last.progress) || progress > 1) return;
		this.previous = this.last;
		this.last = { atMs, progress };
	}

	/** When the query should end, extrapolating the last rise of progress; undefined without one. */
	private predictedEndMs(): number | undefined {
		const { previous, last } = this;
		if (previous === undefined || last.atMs <= previous.atMs) return undefined;
		const perMs = (last.progress - previous.progress) / (last.atMs - previous.atMs);
		return last.atMs + (1 - last.progress) / perMs;
	}
}
