/**
 * Contacts of one 15-minute slot, all agents together, in compact typed arrays; and a bounded cache of
 * them, because tests and clients often ask for the same period twice (a query and its ground truth,
 * a split range, a resubmitted query).
 */
import { DIMENSIONS } from './catalogue.mjs';
import {
	FIELD_COUNT,
	SLOT_MS,
	appendAgentContacts,
	contactCountInSlot,
	incidentsInSlot,
	seasonalFactor,
} from './data.mjs';

export const CODE_COUNT = DIMENSIONS.length;

/**
 * Generates the contacts of a slot: `count`, `startMs[i]`, `fields[i * FIELD_COUNT + FIELD.x]` (integers)
 * and `codes[i * CODE_COUNT + DIMENSION_INDEX.x]` (dimension value codes).
 */
export function generateSlotContacts(universe, slotIndex) {
	const slotStartMs = slotIndex * SLOT_MS;
	const seasonal = seasonalFactor(slotStartMs);
	const effects = incidentsInSlot(universe, slotStartMs);
	const { agents } = universe;
	const counts = new Int32Array(agents.length);
	let capacity = 0;
	for (let a = 0; a < agents.length; a++) {
		counts[a] = contactCountInSlot(universe, agents[a], slotIndex, seasonal, effects);
		capacity += counts[a];
	}
	const slot = {
		count: 0,
		startMs: new Float64Array(capacity),
		fields: new Int32Array(capacity * FIELD_COUNT),
		codes: new Uint8Array(capacity * CODE_COUNT),
	};
	for (let a = 0; a < agents.length; a++) {
		if (counts[a] > 0)
			appendAgentContacts(universe, agents[a], slotIndex, counts[a], effects, slot);
	}
	return slot;
}

/** About 3.5 KB per slot on a weekday, so the default keeps ~40 MB: 125 days of slots. */
export const DEFAULT_CACHE_SLOTS = 12_000;

/**
 * A least-recently-used cache of generated slots. Scans longer than half the capacity read the cache but
 * do not fill it: one pass over a year would only evict everything for no later gain.
 */
export class SlotContactsCache {
	constructor(universe, capacitySlots = DEFAULT_CACHE_SLOTS) {
		this.universe = universe;
		this.capacitySlots = capacitySlots;
		this.slots = new Map();
	}

	/** A source for an aggregation over `slotCount` slots: `get(slotIndex)` → the slot's contacts. */
	sourceFor(slotCount) {
		const fill = slotCount <= this.capacitySlots / 2;
		return { get: (slotIndex) => this.get(slotIndex, fill) };
	}

	get(slotIndex, fill) {
		const cached = this.slots.get(slotIndex);
		if (cached !== undefined) {
			this.slots.delete(slotIndex);
			this.slots.set(slotIndex, cached);
			return cached;
		}
		const slot = generateSlotContacts(this.universe, slotIndex);
		if (fill && this.capacitySlots > 0) {
			this.slots.set(slotIndex, slot);
			if (this.slots.size > this.capacitySlots) this.slots.delete(this.slots.keys().next().value);
		}
		return slot;
	}

	clear() {
		this.slots.clear();
	}
}

/** A source without a cache (pure; for one-off computations). */
export function uncachedSource(universe) {
	return { get: (slotIndex) => generateSlotContacts(universe, slotIndex) };
}
