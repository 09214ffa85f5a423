/** A goal for one metric: service level at least 80, abandon % at most 5, ASA at most 30 … */
export interface Goal {
	/** The metric field it applies to (`service_level_pct`). */
	metric: string;
	direction: 'atLeast' | 'atMost';
	/** The goal, in the metric's unit. */
	value: number;
	/** Consecutive buckets that must miss the goal before it alerts, and meet it again before it recovers. */
	forBuckets: number;
	/** A value at least this far beyond the goal makes the episode critical; undefined = no such value. */
	criticalValue?: number;
}

/** One stretch of buckets that missed a goal, on the buckets of a series (indexes into its grid). */
export interface GoalEpisode {
	/** First bucket that missed the goal. */
	startIndex: number;
	/** The bucket that raised the alert: the `forBuckets`-th miss in a row. */
	alertIndex: number;
	/** First bucket of the `forBuckets` in a row that met the goal again; null while it is ongoing. */
	recoveredIndex: number | null;
	/** The bucket furthest from the goal. */
	worstIndex: number;
	/** Buckets from the first miss to the recovery (or the end of the data). */
	buckets: number;
	/** Missed for twice `forBuckets` in a row or more, or beyond the goal's critical value. */
	critical: boolean;
}

/** Whether `value` misses the goal (no value never does, nor meets it). */
export function missesGoal(value: number, goal: Goal): boolean {
	return goal.direction === 'atLeast' ? value < goal.value : value > goal.value;
}

const beyondCritical = (value: number, goal: Goal) =>
	goal.criticalValue !== undefined &&
	(goal.direction === 'atLeast' ? value <= goal.criticalValue : value >= goal.criticalValue);

/**
 * The episodes in which a series missed its goal, in time order: an episode alerts once `forBuckets`
 * buckets in a row miss the goal (a shorter dip is no episode), and recovers once `forBuckets` buckets in
 * a row meet it. Buckets without a value neither miss nor meet: they keep the state they find.
 */
export function goalEpisodes(values: ArrayLike<number>, goal: Goal): GoalEpisode[] {
	const episodes: GoalEpisode[] = [];
	let missRun = 0;
	let meetRun = 0;
	let open: GoalEpisode | undefined;
	let longestMissRun = 0;
	const close = (recoveredIndex: number | null, endIndex: number) => {
		if (!open) return;
		open.recoveredIndex = recoveredIndex;
		open.buckets = endIndex - open.startIndex;
		open.critical = open.critical || longestMissRun >= 2 * goal.forBuckets;
		episodes.push(open);
		open = undefined;
	};
	let firstMiss = -1;
	let firstMeet = -1;
	for (let b = 0; b < values.length; b++) {
		const value = values[b];
		if (!Number.isFinite(value)) continue;
		if (missesGoal(value, goal)) {
			if (missRun === 0) firstMiss = b;
			missRun++;
			meetRun = 0;
			if (!open && missRun >= goal.forBuckets) {
				open = {
					startIndex: firstMiss,
					alertIndex: b,
					recoveredIndex: null,
					worstIndex: firstMiss,
					buckets: 0,
					critical: false,
				};
				longestMissRun = 0;
				for (let k = firstMiss; k <= b; k++)
					if (Number.isFinite(values[k]) && further(values[k], values[open.worstIndex], goal))
						open.worstIndex = k;
			} else if (open && further(value, values[open.worstIndex], goal)) open.worstIndex = b;
			if (open) {
				longestMissRun = Math.max(longestMissRun, missRun);
				if (beyondCritical(value, goal)) open.critical = true;
			}
		} else {
			missRun = 0;
			if (meetRun === 0) firstMeet = b;
			meetRun++;
			if (open && meetRun >= goal.forBuckets) close(firstMeet, firstMeet);
		}
	}
	close(null, values.length);
	return episodes;
}

/** Whether `a` is further from the goal (on its missing side) than `b`. */
function further(a: number, b: number, goal: Goal): boolean {
	return goal.direction === 'atLeast' ? a < b : a > b;
}
