/**
 * Issue 14, point 10: the Trends node reads hostile or unlucky items as they are. Text in hex is not a
 * number, names every object inherits are not fields, and an item's own fields are never lost under
 * the analysis's. The node does no I/O, so the hostile party here is the input.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { NiceCxoneTrends } from '../../../nodes/NiceCxoneTrends/NiceCxoneTrends.node';
import { parseMetricValue } from '../../../nodes/NiceCxoneTrends/core/series';
import { trendsContext } from '../../support/trendsContext';

const context = (items: INodeExecutionData[], options: IDataObject = {}, outputMode = 'annotate') =>
	trendsContext(items, { outputMode, method: 'rollingRobust', sensitivity: 'medium', options });

const HOUR_MS = 3_600_000;
const START_MS = Date.parse('2024-01-01T00:00:00Z');

/** Hourly items built by `fields(i)`, parsed from JSON as n8n gives them (so `__proto__` is an own field). */
function items(count: number, fields: (i: number) => IDataObject): INodeExecutionData[] {
	return Array.from({ length: count }, (_, i) => ({
		json: JSON.parse(
			JSON.stringify({ bucketStart: new Date(START_MS + i * HOUR_MS).toISOString(), ...fields(i) }),
		) as IDataObject,
	}));
}

async function run(
	input: INodeExecutionData[],
	options: IDataObject = {},
	outputMode = 'annotate',
) {
	return await new NiceCxoneTrends().execute.call(context(input, options, outputMode)).then(
		(outputs) => ({ outputs, error: undefined as Error | undefined }),
		(error: Error) => ({ outputs: [] as INodeExecutionData[][], error }),
	);
}

describe('10. Trends reads items as they are', () => {
	it.each([
		['0x10', NaN],
		['0b11', NaN],
		['0o7', NaN],
		['', NaN],
		['Infinity', NaN],
		[' 12.5 ', 12.5],
		['-3e2', -300],
		['.5', 0.5],
	])('metric text %j is read as %p', (text, value) => {
		expect(parseMetricValue(text)).toBe(value);
	});

	it('a hexadecimal value in an item is no value, not 16', async () => {
		const input = items(30, (i) => ({ count_sum: i === 29 ? '0x10' : '5' }));
		const { outputs, error } = await run(input, { metrics: 'count_sum' });
		expect(error).toBeUndefined();
		const last = outputs[0][29].json;
		expect(last.value).toBeNull();
		expect(last.status).toBe('no_value');
	});

	it("a metric called 'constructor' that no item has is refused, like any missing field", async () => {
		const { error } = await run(
			items(10, () => ({ count_sum: 1 })),
			{ metrics: 'constructor' },
		);
		expect(error?.message).toBe(
			"Metric field 'constructor' is not in any item. Check 'Metric Fields' against the incoming fields.",
		);
	});

	it("groupBy '__proto__' groups by that field when the items have it", async () => {
		// As JSON text: in an object literal, __proto__ would set the prototype instead of a field.
		const input = items(40, (i) => ({ count_sum: 10 + (i % 2) })).map((item, i) => ({
			json: JSON.parse(
				`{"__proto__":"${i % 2 === 0 ? 'east' : 'west'}",${JSON.stringify(item.json).slice(1)}`,
			) as IDataObject,
		}));
		const { outputs, error } = await run(
			input,
			{ metrics: 'count_sum', groupBy: '__proto__' },
			'summary',
		);
		expect(error).toBeUndefined();
		expect(outputs[0].length).toBe(2);
	});

	it("groupBy '__proto__' that no item has is refused instead of silently dropped", async () => {
		const { error } = await run(
			items(10, () => ({ count_sum: 1 })),
			{ metrics: 'count_sum', groupBy: '__proto__' },
		);
		expect(error?.message).toBe(
			"Group-by field '__proto__' is not in any item. Check 'Group By' against the incoming fields.",
		);
	});

	it('item fields the analysis writes over (value, status, metric) are kept as input_<field>', async () => {
		const input = items(30, (i) => ({
			count_sum: 5 + (i % 3),
			value: `v${i}`,
			status: 'open',
			metric: 'mine',
		}));
		const { outputs, error } = await run(input, { metrics: 'count_sum' });
		expect(error).toBeUndefined();
		const first = outputs[0][0].json;
		expect(first).toMatchObject({
			metric: 'count_sum',
			value: 5,
			input_value: 'v0',
			input_status: 'open',
			input_metric: 'mine',
		});
		// Fields the analysis leaves alone are not copied.
		expect(first.input_count_sum).toBeUndefined();
		expect(first.input_bucketStart).toBeUndefined();
	});
});
