/**
 * Seconds in an ISO-8601 duration such as `PT4M12.5S` or `P1DT2H` (days are 24 hours; years and
 * months are refused: their length is not fixed). Undefined for anything else.
 */
export function isoDurationSeconds(text: unknown): number | undefined {
	if (typeof text !== 'string') return undefined;
	const match =
		/^(-)?P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
			text.trim(),
		);
	if (!match || text.trim() === 'P' || text.trim().endsWith('T')) return undefined;
	const [, sign, weeks, days, hours, minutes, seconds] = match;
	const n = (v: string | undefined) => (v === undefined ? 0 : Number(v));
	const total =
		n(weeks) * 604_800 + n(days) * 86_400 + n(hours) * 3600 + n(minutes) * 60 + n(seconds);
	return sign ? -total : total;
}
