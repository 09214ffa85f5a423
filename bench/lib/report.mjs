// Formatting the benchmark's figures as text tables.
import { SIZES } from './sizes.mjs';

export function median(values) {
	if (values.length === 0) return undefined;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const MB = 1024 * 1024;
const fixed = (value, digits) => (value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits));
const thousands = (value) => (value === undefined ? '–' : Math.round(value).toLocaleString('en-US'));

/** Renders rows of cells as an aligned text table (a Markdown table when `markdown`). */
export function table(header, rows, { markdown = false, leftColumns = 3 } = {}) {
	if (markdown) {
		const line = (cells) => `| ${cells.join(' | ')} |`;
		return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
	}
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
	const line = (cells) => cells.map((c, i) => (i < leftColumns ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
	return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const SCENARIO_NAMES = { naive: 'naive', raw: 'raw limit', ours: 'our transport', n8n: 'our node in n8n' };

export function queryTable(cells, options) {
	const order = Object.keys(SIZES);
	const scenarioOrder = Object.keys(SCENARIO_NAMES);
	const sorted = [...cells].sort(
		(a, b) =>
			(a.requestsPerMinute ?? 0) - (b.requestsPerMinute ?? 0) ||
			a.latencyMs - b.latencyMs ||
			order.indexOf(a.size) - order.indexOf(b.size) ||
			scenarioOrder.indexOf(a.scenario) - scenarioOrder.indexOf(b.scenario),
	);
	const header = ['latency', 'rows', 'scenario', 'time s', 'rows/s', 'µs/row', 'CPU ms/1k rows', 'peak RSS MB', 'extra RSS MB', 'extra heap MB', 'req/row', '429s', 'runs', 'load', 'rows = truth'];
	const rows = sorted.map((c) => [
		c.requestsPerMinute ? `${c.latencyMs} ms, ${c.requestsPerMinute} req/min` : `${c.latencyMs} ms`,
		thousands(c.rows),
		SCENARIO_NAMES[c.scenario],
		c.failures === c.runs ? 'failed' : fixed(c.elapsedMs / 1000, 2),
		thousands(c.rowsPerSecond),
		fixed(c.usPerRow, 1),
		fixed(c.cpuMsPer1kRows, 1),
		fixed(c.peakRss / MB, 0),
		fixed(c.extraRss / MB, 1),
		fixed(c.extraHeap / MB, 1),
		fixed(c.requestsPerRow, 4),
		c.throttled ?? '–',
		`${c.runs - c.failures}/${c.runs}`,
		fixed(c.load1, 1),
		c.checksOk ? 'yes' : `NO (${c.errors[0]})`,
	]);
	return table(header, rows, options);
}
