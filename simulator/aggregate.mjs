/**
 * Aggregation of simulated contacts into the result rows of docs/api/analytics-v2.md §4, in one pass over the 15-minute
 * slots of the range. Pure: no I/O, no clock. Results are kept in compact columns and turned into row
 * objects only for the page that is asked for, so a 300k-row result costs a few megabytes, not hundreds.
 */
import { bucketBoundaries, formatBucketStart } from './buckets.mjs';
import { DIMENSION_INDEX, FIELD, FIELD_COUNT, SENTIMENT_SCALE, SLOT_MS } from './data.mjs';
import { CODE_COUNT, uncachedSource } from './slots.mjs';

/** A growable column of numbers backed by a Float64Array (doubling), so big results stay compact. */
class NumberColumn {
	constructor(initialCapacity = 1024) {
		this.values = new Float64Array(initialCapacity);
		this.length = 0;
	}

	push(value) {
		if (this.length === this.values.length) {
			const grown = new Float64Array(this.values.length * 2);
			grown.set(this.values);
			this.values = grown;
		}
		this.values[this.length++] = value;
	}

	get(index) {
		return this.values[index];
	}
}

function roundTo4(value) {
	return Math.round(value * 10_000) / 10_000;
}

/** How each aggregation folds one contact's value into a row's accumulator, and what it reports. */
const AGGREGATIONS = {
	sum: { initial: 0, fold: (acc, value) => acc + value, report: (acc) => acc },
	avg: { initial: 0, fold: (acc, value) => acc + value, report: (acc, count) => acc / count },
	min: {
		initial: Infinity,
		fold: (acc, value) => (value < acc ? value : acc),
		report: (acc) => acc,
	},
	max: {
		initial: -Infinity,
		fold: (acc, value) => (value > acc ? value : acc),
		report: (acc) => acc,
	},
	pct: {
		initial: 0,
		fold: (acc, value) => acc + value,
		report: (acc, count) => (100 * acc) / count,
	},
};

function metricSpec({ name, aggregation }) {
	const scale = name === 'sentiment' ? SENTIMENT_SCALE : 1;
	const { initial, report } = AGGREGATIONS[aggregation];
	return {
		name,
		aggregation,
		field: FIELD[name],
		kind: aggregation,
		initial,
		finalValue: (acc, count) => {
			const value = report(acc, count) / scale;
			return aggregation === 'avg' || aggregation === 'pct' || scale !== 1
				? roundTo4(value)
				: value;
		},
	};
}

/**
 * Compiles a validated filter into a test `(codes, base)` over the dimension codes of the contact whose
 * codes start at `codes[base]`. A value that does not exist in the universe matches no contact.
 */
export function compileFilter(universe, filter) {
	if (filter === undefined || filter === null) return null;
	const codeOf = (field, value) => universe.dimensionValues[DIMENSION_INDEX[field]].indexOf(value);
	switch (filter.type) {
		case 'equals': {
			const index = DIMENSION_INDEX[filter.field];
			const code = codeOf(filter.field, filter.value);
			return (codes, base) => codes[base + index] === code;
		}
		case 'notEquals': {
			const index = DIMENSION_INDEX[filter.field];
			const code = codeOf(filter.field, filter.value);
			return (codes, base) => codes[base + index] !== code;
		}
		case 'in': {
			const index = DIMENSION_INDEX[filter.field];
			const accepted = new Uint8Array(universe.dimensionValues[index].length);
			for (const value of filter.values) {
				const code = codeOf(filter.field, value);
				if (code >= 0) accepted[code] = 1;
			}
			return (codes, base) => accepted[codes[base + index]] === 1;
		}
		case 'and': {
			const members = filter.filters.map((member) => compileFilter(universe, member));
			return (codes, base) => members.every((test) => test(codes, base));
		}
		case 'or': {
			const members = filter.filters.map((member) => compileFilter(universe, member));
			return (codes, base) => members.some((test) => test(codes, base));
		}
		default:
			throw new Error(`Unknown filter type ${filter.type}`);
	}
}

/**
 * Everything the aggregation needs from a validated query body: the range, the bucket boundaries, the
 * requested dimensions with their radices (for packing a row's dimension values into one number) and
 * the metric specs.
 */
export function planQuery(universe, body) {
	const startMs = Date.parse(body.timeSeries.start);
	const endMs = Date.parse(body.timeSeries.end);
	const timeZone = body.timeSeries.timeZone ?? 'UTC';
	const boundaries = bucketBoundaries(body.timeSeries.bucketSize, timeZone, startMs, endMs);
	const dimensionNames = (body.dimensions ?? []).map((dimension) => dimension.name);
	const dimensionIndexes = dimensionNames.map((name) => DIMENSION_INDEX[name]);
	const radices = dimensionIndexes.map((index) => universe.dimensionValues[index].length);
	return {
		startMs,
		endMs,
		boundaries,
		bucketCount: boundaries.length - 1,
		dimensionNames,
		dimensionIndexes,
		radices,
		metrics: body.metrics.map(metricSpec),
		filter: compileFilter(universe, body.filter),
		firstSlot: Math.floor(startMs / SLOT_MS),
		endSlot: Math.ceil(endMs / SLOT_MS),
	};
}

/**
 * The server's row estimate for `result_too_large` (docs/api/analytics-v2.md §2): buckets × the number of distinct values
 * of each requested dimension. Filters are deliberately ignored, as the contract says.
 */
export function estimateRows(plan) {
	return plan.radices.reduce((product, radix) => product * radix, plan.bucketCount);
}

/**
 * Accumulates contacts slot by slot. Rows of a bucket are emitted (sorted) as soon as no later slot can
 * reach that bucket, so memory holds the finished columns plus one or two open buckets.
 */
export class Aggregation {
	/** `slots.get(slotIndex)` supplies each slot's contacts (see slots.mjs); by default they are generated. */
	constructor(universe, plan, slots = uncachedSource(universe)) {
		this.universe = universe;
		this.plan = plan;
		this.slots = slots;
		this.nextSlot = plan.firstSlot;
		this.bucketPointer = 0;
		/** Open buckets: bucket index → Map<packed dimension codes, accumulator>. */
		this.openBuckets = new Map();
		this.result = {
			dimensionNames: plan.dimensionNames,
			dimensionIndexes: plan.dimensionIndexes,
			radices: plan.radices,
			metrics: plan.metrics.map(({ name, aggregation }) => ({ name, aggregation })),
			dimensionValues: this.universe.dimensionValues,
			bucketStarts: new NumberColumn(),
			combos: new NumberColumn(),
			values: new NumberColumn(),
			rowCount: 0,
		};
	}

	get done() {
		return this.nextSlot >= this.plan.endSlot;
	}

	/** Share of the slots already processed, 0..1. */
	get progress() {
		const total = this.plan.endSlot - this.plan.firstSlot;
		return total <= 0 ? 1 : (this.nextSlot - this.plan.firstSlot) / total;
	}

	/** Processes up to `maxSlots` further slots; returns true when the whole range is done. */
	step(maxSlots) {
		const stopSlot = Math.min(this.plan.endSlot, this.nextSlot + maxSlots);
		for (; this.nextSlot < stopSlot; this.nextSlot++) this.processSlot(this.nextSlot);
		if (this.done) this.flushBucketsBefore(Infinity);
		return this.done;
	}

	/** Runs to the end in one go and returns the finished result. */
	runToEnd() {
		this.step(Infinity);
		return this.result;
	}

	processSlot(slotIndex) {
		const { plan } = this;
		const slotStartMs = slotIndex * SLOT_MS;
		const slotEndMs = slotStartMs + SLOT_MS;
		const { boundaries } = plan;
		while (
			this.bucketPointer + 1 < boundaries.length - 1 &&
			boundaries[this.bucketPointer + 1] <= slotStartMs
		) {
			this.bucketPointer++;
		}
		this.flushBucketsBefore(this.bucketPointer);

		// The usual case: the whole slot is in range and in one bucket, so no contact needs its own check.
		const wholeSlotInOneBucket =
			slotStartMs >= plan.startMs &&
			slotEndMs <= plan.endMs &&
			slotStartMs >= boundaries[this.bucketPointer] &&
			slotEndMs <= boundaries[this.bucketPointer + 1];
		const fixedBucket = wholeSlotInOneBucket ? this.openBucket(this.bucketPointer) : null;
		const slot = this.slots.get(slotIndex);
		for (let i = 0; i < slot.count; i++) {
			if (plan.filter !== null && !plan.filter(slot.codes, i * CODE_COUNT)) continue;
			let bucket = fixedBucket;
			if (bucket === null) {
				const startMs = slot.startMs[i];
				if (startMs < plan.startMs || startMs >= plan.endMs) continue;
				bucket = this.openBucket(this.bucketIndexOf(startMs));
			}
			this.accumulate(bucket, slot, i);
		}
	}

	bucketIndexOf(instantMs) {
		let index = this.bucketPointer;
		while (index > 0 && this.plan.boundaries[index] > instantMs) index--;
		while (this.plan.boundaries[index + 1] <= instantMs) index++;
		return index;
	}

	openBucket(index) {
		let bucket = this.openBuckets.get(index);
		if (bucket === undefined) {
			bucket = new Map();
			this.openBuckets.set(index, bucket);
		}
		return bucket;
	}

	/** Folds contact `i` of a slot into its row of the bucket. */
	accumulate(bucket, slot, i) {
		const { dimensionIndexes, radices, metrics } = this.plan;
		const codeBase = i * CODE_COUNT;
		let combo = 0;
		for (let d = 0; d < dimensionIndexes.length; d++) {
			combo = combo * radices[d] + slot.codes[codeBase + dimensionIndexes[d]];
		}
		let accumulator = bucket.get(combo);
		if (accumulator === undefined) {
			accumulator = new Float64Array(1 + metrics.length);
			for (let m = 0; m < metrics.length; m++) accumulator[1 + m] = metrics[m].initial;
			bucket.set(combo, accumulator);
		}
		accumulator[0] += 1;
		const { fields } = slot;
		const fieldBase = i * FIELD_COUNT;
		for (let m = 0; m < metrics.length; m++) {
			const spec = metrics[m];
			const value = fields[fieldBase + spec.field];
			const current = accumulator[1 + m];
			if (spec.kind === 'min') accumulator[1 + m] = value < current ? value : current;
			else if (spec.kind === 'max') accumulator[1 + m] = value > current ? value : current;
			else accumulator[1 + m] = current + value;
		}
	}

	/** Emits the rows of every open bucket with an index below `limitIndex`, in bucket then value order. */
	flushBucketsBefore(limitIndex) {
		if (this.openBuckets.size === 0) return;
		const ready = [...this.openBuckets.keys()]
			.filter((index) => index < limitIndex)
			.sort((a, b) => a - b);
		for (const index of ready) {
			const bucket = this.openBuckets.get(index);
			this.openBuckets.delete(index);
			const bucketStartMs = this.plan.boundaries[index];
			// Codes are ranks in code-point order and packed most-significant-first, so numeric order of the
			// packed combos is the contract's row order.
			const combos = [...bucket.keys()].sort((a, b) => a - b);
			for (const combo of combos) this.emitRow(bucketStartMs, combo, bucket.get(combo));
		}
	}

	emitRow(bucketStartMs, combo, accumulator) {
		const { result } = this;
		const count = accumulator[0];
		result.bucketStarts.push(bucketStartMs);
		result.combos.push(combo);
		this.plan.metrics.forEach((spec, m) =>
			result.values.push(spec.finalValue(accumulator[1 + m], count)),
		);
		result.rowCount++;
	}
}

/** Computes a whole result synchronously (pure: generates every slot it needs). */
export function computeResult(universe, body) {
	return new Aggregation(universe, planQuery(universe, body)).runToEnd();
}

/** The JSON fragments every row of a result repeats, with their sizes in UTF-8 bytes. */
function jsonFragments(result) {
	const fragment = (text) => ({ text, bytes: Buffer.byteLength(text) });
	return {
		dimensionKeys: result.dimensionNames.map((name, d) =>
			fragment(`${d === 0 ? '' : ','}${JSON.stringify(name)}:`),
		),
		dimensionValues: result.dimensionIndexes.map((index) =>
			result.dimensionValues[index].map((value) => fragment(JSON.stringify(value))),
		),
		metricHeads: result.metrics.map(({ name, aggregation }, m) =>
			fragment(
				`${m === 0 ? '' : ','}{"name":${JSON.stringify(name)},"aggregation":${JSON.stringify(aggregation)},"value":`,
			),
		),
	};
}

const ROWS_PER_CHUNK = 1000;

/**
 * Serialises every row of a finished result once, exactly as `JSON.stringify(materializeRows(…))`
 * writes them, without building row objects: `result.rowsJson` holds the rows joined by commas (UTF-8)
 * and `result.rowEnds[i]` the byte offset just after row i. A page is then one slice of these bytes,
 * so serving pages costs next to nothing (it was most of the simulator's work). Works in chunks,
 * awaiting `between()` after each; stops and returns false when `between()` resolves to false.
 */
export async function serializeRows(result, between = async () => true) {
	const { dimensionKeys, dimensionValues, metricHeads } = jsonFragments(result);
	const dimensionCount = dimensionKeys.length;
	const metricCount = metricHeads.length;
	const rowEnds = new Uint32Array(result.rowCount);
	const chunks = [];
	const codes = new Array(dimensionCount);
	let lastBucketMs = Number.NaN;
	let bucketHead = '';
	let bytes = 0;
	for (let first = 0; first < result.rowCount; first += ROWS_PER_CHUNK) {
		const parts = [];
		const end = Math.min(result.rowCount, first + ROWS_PER_CHUNK);
		for (let i = first; i < end; i++) {
			const bucketMs = result.bucketStarts.get(i);
			if (bucketMs !== lastBucketMs) {
				lastBucketMs = bucketMs;
				bucketHead = `{"timeSeries":"${formatBucketStart(bucketMs)}","dimensions":{`;
			}
			const head = i === 0 ? bucketHead : `,${bucketHead}`;
			parts.push(head);
			bytes += head.length;
			let combo = result.combos.get(i);
			for (let d = dimensionCount - 1; d >= 0; d--) {
				const radix = result.radices[d];
				codes[d] = combo % radix;
				combo = Math.floor(combo / radix);
			}
			for (let d = 0; d < dimensionCount; d++) {
				const value = dimensionValues[d][codes[d]];
				parts.push(dimensionKeys[d].text, value.text);
				bytes += dimensionKeys[d].bytes + value.bytes;
			}
			parts.push('},"metrics":[');
			bytes += 13;
			for (let m = 0; m < metricCount; m++) {
				const value = result.values.get(i * metricCount + m);
				const number = Number.isFinite(value) ? String(value) : 'null';
				parts.push(metricHeads[m].text, number, '}');
				bytes += metricHeads[m].bytes + number.length + 1;
			}
			parts.push(']}');
			bytes += 2;
			rowEnds[i] = bytes;
		}
		chunks.push(Buffer.from(parts.join(''), 'utf8'));
		if (!(await between())) return false;
	}
	result.rowsJson = Buffer.concat(chunks);
	result.rowEnds = rowEnds;
	return true;
}

/**
 * The JSON array of rows [offset, offset + limit) of a serialised result, between `before` and
 * `after`, as bytes.
 */
export function pageJson(result, offset, limit, before = '', after = '') {
	const end = Math.min(result.rowCount, offset + limit);
	const rows =
		end <= offset
			? Buffer.alloc(0)
			: result.rowsJson.subarray(offset === 0 ? 0 : result.rowEnds[offset - 1] + 1, result.rowEnds[end - 1]);
	return Buffer.concat([Buffer.from(`${before}[`), rows, Buffer.from(`]${after}`)]);
}

/** Builds the row objects of docs/api/analytics-v2.md §4 for rows [offset, offset + limit) of a result. */
export function materializeRows(result, offset = 0, limit = result.rowCount) {
	const rows = [];
	const end = Math.min(result.rowCount, offset + limit);
	const metricCount = result.metrics.length;
	for (let i = offset; i < end; i++) {
		const dimensions = {};
		let combo = result.combos.get(i);
		const values = new Array(result.dimensionNames.length);
		for (let d = result.dimensionNames.length - 1; d >= 0; d--) {
			const radix = result.radices[d];
			values[d] = result.dimensionValues[result.dimensionIndexes[d]][combo % radix];
			combo = Math.floor(combo / radix);
		}
		result.dimensionNames.forEach((name, d) => {
			dimensions[name] = values[d];
		});
		rows.push({
			timeSeries: formatBucketStart(result.bucketStarts.get(i)),
			dimensions,
			metrics: result.metrics.map(({ name, aggregation }, m) => ({
				name,
				aggregation,
				value: result.values.get(i * metricCount + m),
			})),
		});
	}
	return rows;
}
