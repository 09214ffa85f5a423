/**
 * Completed contacts as CXone's Reporting API lists them, read from the very same generated slots the
 * analytics aggregation reads, so a client that aggregates these records gets `/_sim/truth` exactly.
 *
 * Pure apart from the slot source: the caller passes `asOfMs` (the server's now), and only contacts
 * whose `lastUpdateTime` lies before it are listed ("completed and updated by now").
 */
import { formatBucketStart } from '../buckets.mjs';
import { DIMENSION_INDEX, FIELD, FIELD_COUNT, SLOT_MS } from '../data.mjs';
import { hash4, hashInts } from '../hash.mjs';
import { CODE_COUNT } from '../slots.mjs';

/** Contact ids: slot index × this + position in the slot (a slot never holds this many contacts). */
const CONTACT_IDS_PER_SLOT = 10_000;
/** A contact's record is updated 2–10 minutes after it ends. */
const UPDATE_DELAY_MIN_SECONDS = 120;
const UPDATE_DELAY_SPAN_SECONDS = 480;
/**
 * No contact is updated later than this after it started (the longest email wait is 15 hours): the
 * lower bound of the slots an `updatedSince`-only listing has to read.
 */
export const MAX_UPDATE_LAG_MS = 24 * 3_600_000;

export const CONTACT_FIELDS = [
	'contactId',
	'contactStartDate',
	'lastUpdateTime',
	'mediaTypeId',
	'mediaTypeName',
	'skillId',
	'skillName',
	'teamId',
	'teamName',
	'agentId',
	'campaignId',
	'isOutbound',
	'abandoned',
	'abandonSeconds',
	'inQueueSeconds',
	'agentSeconds',
	'holdSeconds',
	'acwSeconds',
	'totalDurationSeconds',
	'serviceLevelFlag',
	'transferIndicatorId',
	'dispositionCode',
	'endReason',
];

export const ORDER_FIELDS = ['contactStartDate', 'lastUpdateTime'];

function contactIdOf(slotIndex, position) {
	return slotIndex * CONTACT_IDS_PER_SLOT + position;
}

/** When contact `i` of a slot was last updated: its end plus a deterministic 2–10 minute delay. */
function lastUpdateMsOf(slot, slotIndex, i) {
	const duration = slot.fields[i * FIELD_COUNT + FIELD.duration];
	const delaySeconds =
		UPDATE_DELAY_MIN_SECONDS + (hash4(0x1a57, slotIndex, i, 0) % (UPDATE_DELAY_SPAN_SECONDS + 1));
	return slot.startMs[i] + (duration + delaySeconds) * 1000;
}

/**
 * A contact test over a slot's codes from the platform filters `{skillId, teamId, agentId, mediaTypeId,
 * campaignId, isOutbound}` (numbers / boolean, each optional). An id that does not exist matches nothing.
 */
function compileContactFilter(identity, filters) {
	const tests = [];
	const codeTest = (dimension, entries, matches) => {
		const accepted = new Uint8Array(entries.length);
		entries.forEach((entry, code) => {
			if (entry !== undefined && matches(entry)) accepted[code] = 1;
		});
		const index = DIMENSION_INDEX[dimension];
		tests.push((codes, base) => accepted[codes[base + index]] === 1);
	};
	if (filters.skillId !== undefined)
		codeTest('skill.id', identity.skillByCode, (skill) => skill.skillId === filters.skillId);
	if (filters.campaignId !== undefined)
		codeTest('skill.id', identity.skillByCode, (skill) => skill.campaignId === filters.campaignId);
	if (filters.isOutbound !== undefined)
		codeTest('skill.id', identity.skillByCode, (skill) => skill.isOutbound === filters.isOutbound);
	if (filters.teamId !== undefined)
		codeTest('team.id', identity.teamByCode, (team) => team.teamId === filters.teamId);
	if (filters.agentId !== undefined)
		codeTest('agent.id', identity.agentByCode, (agent) => agent.agentId === filters.agentId);
	if (filters.mediaTypeId !== undefined)
		codeTest(
			'channel',
			identity.mediaTypeByChannelCode,
			(type) => type.mediaTypeId === filters.mediaTypeId,
		);
	if (filters.isLogged === false) tests.push(() => false); // every simulated contact is logged
	return (codes, base) => tests.every((test) => test(codes, base));
}

/** A growable typed column (doubling), so a month of contacts costs a few megabytes and no garbage. */
function grow(array, length) {
	if (length < array.length) return array;
	const grown = new array.constructor(array.length * 2);
	grown.set(array);
	return grown;
}

/**
 * The sorted contacts of one listing, in compact columns. `at(k)` gives the k-th contact as a light
 * reference `{slot, slotIndex, i, contactId, startMs, lastUpdateMs}`; `contactRecord` turns one into the
 * API's record.
 */
class ContactListing {
	constructor() {
		this.length = 0;
		this.slots = new Map();
		this.slotIndexes = new Int32Array(1024);
		this.positions = new Uint16Array(1024);
		this.startMs = new Float64Array(1024);
		this.lastUpdateMs = new Float64Array(1024);
		this.order = null;
	}

	push(slotIndex, i, startMs, lastUpdateMs) {
		const k = this.length++;
		this.slotIndexes = grow(this.slotIndexes, k);
		this.positions = grow(this.positions, k);
		this.startMs = grow(this.startMs, k);
		this.lastUpdateMs = grow(this.lastUpdateMs, k);
		this.slotIndexes[k] = slotIndex;
		this.positions[k] = i;
		this.startMs[k] = startMs;
		this.lastUpdateMs[k] = lastUpdateMs;
	}

	at(k) {
		const index = this.order === null ? k : this.order[k];
		const slotIndex = this.slotIndexes[index];
		const i = this.positions[index];
		return {
			slot: this.slots.get(slotIndex),
			slotIndex,
			i,
			contactId: contactIdOf(slotIndex, i),
			startMs: this.startMs[index],
			lastUpdateMs: this.lastUpdateMs[index],
		};
	}

	*[Symbol.iterator]() {
		for (let k = 0; k < this.length; k++) yield this.at(k);
	}
}

/**
 * The completed contacts of a listing, sorted: `{startMs, endMs}` (both null when only `updatedSinceMs`
 * is given), `updatedSinceMs`, `asOfMs`, `filters`, `orderBy` (`contactStartDate` or `lastUpdateTime`)
 * and `ascending`. Ties are broken by contactStartDate, then contactId (in the same direction).
 */
export function listCompletedContacts(
	identity,
	slots,
	{
		startMs,
		endMs,
		updatedSinceMs,
		asOfMs,
		filters = {},
		orderBy = 'contactStartDate',
		ascending = true,
	},
) {
	const hasWindow = startMs !== null && startMs !== undefined;
	const hasUpdatedSince = updatedSinceMs !== null && updatedSinceMs !== undefined;
	const fromMs = hasWindow ? startMs : updatedSinceMs - MAX_UPDATE_LAG_MS;
	const toMs = hasWindow ? endMs : asOfMs;
	const test = compileContactFilter(identity, filters);
	const listing = new ContactListing();
	const chosen = [];
	for (let slotIndex = Math.floor(fromMs / SLOT_MS); slotIndex * SLOT_MS < toMs; slotIndex++) {
		// A slot that starts at or after now holds no completed contact.
		if (slotIndex * SLOT_MS >= asOfMs) break;
		const slot = slots.get(slotIndex);
		chosen.length = 0;
		for (let i = 0; i < slot.count; i++) {
			const contactStartMs = slot.startMs[i];
			if (hasWindow && (contactStartMs < startMs || contactStartMs >= endMs)) continue;
			const lastUpdateMs = lastUpdateMsOf(slot, slotIndex, i);
			if (lastUpdateMs >= asOfMs) continue;
			if (hasUpdatedSince && lastUpdateMs < updatedSinceMs) continue;
			if (!test(slot.codes, i * CODE_COUNT)) continue;
			chosen.push(i);
		}
		if (chosen.length === 0) continue;
		listing.slots.set(slotIndex, slot);
		// Slots follow each other in time, so sorting each slot's contacts sorts the listing by start.
		chosen.sort((a, b) => slot.startMs[a] - slot.startMs[b] || a - b);
		for (const i of chosen)
			listing.push(slotIndex, i, slot.startMs[i], lastUpdateMsOf(slot, slotIndex, i));
	}
	if (orderBy === 'lastUpdateTime') {
		const order = new Uint32Array(listing.length);
		for (let k = 0; k < order.length; k++) order[k] = k;
		// Equal update times keep the start order (a stable tie-break).
		order.sort((a, b) => listing.lastUpdateMs[a] - listing.lastUpdateMs[b] || a - b);
		listing.order = order;
	}
	if (!ascending) {
		const order = listing.order ?? Uint32Array.from({ length: listing.length }, (_, k) => k);
		listing.order = order.reverse();
	}
	return listing;
}

/** How a contact ended, for the record's `endReason`. */
function endReasonOf(abandoned, transferred, contactId) {
	if (abandoned) return 'Contact Abandoned';
	if (transferred) return 'Transferred';
	return hashInts(0xe2d, contactId) % 3 === 0 ? 'Agent Hung Up' : 'Contact Hung Up';
}

/**
 * The Reporting API record of a listed contact. `serviceLevelFlag` is 1 or 0, never −1: in the simulated
 * centre every contact has a service-level outcome (outbound ones never queue, so they are within;
 * abandoned ones are outside), exactly as the analytics `service_level` counts them.
 */
export function contactRecord(identity, { slot, slotIndex, i, contactId, lastUpdateMs }) {
	const f = i * FIELD_COUNT;
	const c = i * CODE_COUNT;
	const { fields, codes } = slot;
	const skill = identity.skillByCode[codes[c + DIMENSION_INDEX['skill.id']]];
	const team = identity.teamByCode[codes[c + DIMENSION_INDEX['team.id']]];
	const agent = identity.agentByCode[codes[c + DIMENSION_INDEX['agent.id']]];
	const disposition = identity.dispositionByCode[codes[c + DIMENSION_INDEX.disposition]];
	const mediaType = identity.mediaTypeByChannelCode[codes[c + DIMENSION_INDEX.channel]];
	const abandoned = fields[f + FIELD.abandoned] === 1;
	const transferred = fields[f + FIELD.transferred] === 1;
	const queueSeconds = fields[f + FIELD.queue_time];
	return {
		contactId,
		contactStartDate: formatBucketStart(slot.startMs[i]),
		lastUpdateTime: formatBucketStart(lastUpdateMs),
		mediaTypeId: mediaType.mediaTypeId,
		mediaTypeName: mediaType.mediaTypeName,
		skillId: skill.skillId,
		skillName: skill.skillName,
		teamId: team.teamId,
		teamName: team.teamName,
		agentId: agent.agentId,
		campaignId: skill.campaignId,
		isOutbound: skill.isOutbound,
		abandoned,
		abandonSeconds: abandoned ? queueSeconds : 0,
		inQueueSeconds: queueSeconds,
		agentSeconds: fields[f + FIELD.talk_time],
		holdSeconds: fields[f + FIELD.hold_time],
		acwSeconds: fields[f + FIELD.acw_time],
		totalDurationSeconds: fields[f + FIELD.duration],
		serviceLevelFlag: fields[f + FIELD.service_level],
		// 1 = blind, 2 = warm transfer; which one is drawn from the contact id.
		transferIndicatorId: transferred ? 1 + (hashInts(0x7f5, contactId) % 2) : 0,
		dispositionCode: disposition.dispositionCode,
		endReason: endReasonOf(abandoned, transferred, contactId),
	};
}

/** A record reduced to the requested `fields` (all when `fields` is null). */
export function pickFields(record, fields) {
	if (fields === null) return record;
	return Object.fromEntries(fields.map((name) => [name, record[name]]));
}
