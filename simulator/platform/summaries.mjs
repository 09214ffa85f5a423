/**
 * What the Reporting API computes from completed contacts: the per-skill summary of `/skills/summary`
 * and the rows of the custom reports behind the report jobs, plus their CSV form. Pure.
 */
import { DIMENSION_INDEX, FIELD, FIELD_COUNT } from '../data.mjs';
import { CODE_COUNT } from '../slots.mjs';
import { formatBucketStart } from '../buckets.mjs';

function roundTo4(value) {
	return Math.round(value * 10_000) / 10_000;
}

/**
 * Seconds as an ISO-8601 duration, to the millisecond: 252.5 → `PT4M12.5S`, 3725 → `PT1H2M5S`,
 * 0 → `PT0S`. CXone writes its summary durations this way.
 */
export function formatIsoDuration(seconds) {
	const totalMs = Math.round(seconds * 1000);
	const hours = Math.floor(totalMs / 3_600_000);
	const minutes = Math.floor((totalMs % 3_600_000) / 60_000);
	const secondsPart = (totalMs % 60_000) / 1000;
	let text = 'PT';
	if (hours > 0) text += `${hours}H`;
	if (minutes > 0) text += `${minutes}M`;
	if (secondsPart > 0 || text === 'PT') text += `${secondsPart}S`;
	return text;
}

function fieldOf(contact, name) {
	return contact.slot.fields[contact.i * FIELD_COUNT + FIELD[name]];
}

function codeOf(contact, dimension) {
	return contact.slot.codes[contact.i * CODE_COUNT + DIMENSION_INDEX[dimension]];
}

/** Sums over a group of contacts, the basis of every summary and report row. */
function emptyTotals() {
	return {
		offered: 0,
		abandoned: 0,
		handle: 0,
		talk: 0,
		hold: 0,
		acw: 0,
		answerWait: 0,
		withinSla: 0,
		transferred: 0,
	};
}

function addContact(totals, contact) {
	totals.offered += 1;
	const abandoned = fieldOf(contact, 'abandoned');
	totals.abandoned += abandoned;
	totals.handle += fieldOf(contact, 'handle_time');
	totals.talk += fieldOf(contact, 'talk_time');
	totals.hold += fieldOf(contact, 'hold_time');
	totals.acw += fieldOf(contact, 'acw_time');
	if (abandoned === 0) totals.answerWait += fieldOf(contact, 'queue_time');
	totals.withinSla += fieldOf(contact, 'service_level');
	totals.transferred += fieldOf(contact, 'transferred');
}

function groupBy(contacts, keyOf) {
	const groups = new Map();
	for (const contact of contacts) {
		const key = keyOf(contact);
		let totals = groups.get(key);
		if (totals === undefined) {
			totals = emptyTotals();
			groups.set(key, totals);
		}
		addContact(totals, contact);
	}
	return groups;
}

/**
 * One `/skills/summary` entry per skill with at least one contact, ordered by skillId. Definitions:
 * offered = contacts; handled = offered − abandoned; abandonRate = 100 × abandoned / offered;
 * averageHandleTime / averageTalkTime / averageWrapTime = (talk + hold + ACW) / talk / ACW summed over
 * the handled contacts ÷ handled; averageSpeedToAnswer = queue seconds of the handled contacts ÷ handled;
 * holdTime = total hold; serviceLevel = 100 × withinSLA / (withinSLA + outOfSLA). Percentages are rounded
 * to 4 decimals, durations to the millisecond.
 */
export function skillSummaries(identity, contacts) {
	const groups = groupBy(contacts, (contact) => codeOf(contact, 'skill.id'));
	return [...groups.entries()]
		.map(([code, totals]) => {
			const skill = identity.skillByCode[code];
			const handled = totals.offered - totals.abandoned;
			const perHandled = (sum) => formatIsoDuration(handled === 0 ? 0 : sum / handled);
			return {
				skillId: skill.skillId,
				skillName: skill.skillName,
				mediaTypeId: skill.mediaTypeId,
				isOutbound: skill.isOutbound,
				contactsOffered: totals.offered,
				contactsHandled: handled,
				abandonCount: totals.abandoned,
				abandonRate: roundTo4((100 * totals.abandoned) / totals.offered),
				averageHandleTime: perHandled(totals.handle),
				averageSpeedToAnswer: perHandled(totals.answerWait),
				averageTalkTime: perHandled(totals.talk),
				averageWrapTime: perHandled(totals.acw),
				holdTime: formatIsoDuration(totals.hold),
				serviceLevel: roundTo4((100 * totals.withinSla) / totals.offered),
				contactsWithinSLA: totals.withinSla,
				contactsOutOfSLA: totals.offered - totals.withinSla,
			};
		})
		.sort((a, b) => a.skillId - b.skillId);
}

const DAY_MS = 86_400_000;

function utcDayOf(contact) {
	return Math.floor(contact.startMs / DAY_MS);
}

function dayLabel(day) {
	return formatBucketStart(day * DAY_MS).slice(0, 10);
}

function fixed2(value) {
	return value.toFixed(2);
}

/**
 * The simulated custom reports. `rows(identity, contacts)` gives the data rows as arrays of strings, in
 * the order of `headers`; days are UTC days of the contact start.
 */
export const REPORTS = {
	1001: {
		reportId: 1001,
		name: 'Contacts by skill per day',
		headers: [
			'Date',
			'Skill ID',
			'Skill Name',
			'Media Type',
			'Direction',
			'Contacts Offered',
			'Contacts Handled',
			'Abandoned',
			'Average Handle Time (s)',
			'Average Speed of Answer (s)',
			'Service Level (%)',
		],
		rows(identity, contacts) {
			const skillCount = identity.skillByCode.length;
			const groups = groupBy(
				contacts,
				(contact) => utcDayOf(contact) * skillCount + codeOf(contact, 'skill.id'),
			);
			return [...groups.entries()]
				.map(([key, totals]) => ({
					day: Math.floor(key / skillCount),
					skill: identity.skillByCode[key % skillCount],
					totals,
				}))
				.sort((a, b) => a.day - b.day || a.skill.skillId - b.skill.skillId)
				.map(({ day, skill, totals }) => {
					const handled = totals.offered - totals.abandoned;
					return [
						dayLabel(day),
						String(skill.skillId),
						skill.skillName,
						skill.mediaTypeName,
						skill.isOutbound ? 'Outbound' : 'Inbound',
						String(totals.offered),
						String(handled),
						String(totals.abandoned),
						fixed2(handled === 0 ? 0 : totals.handle / handled),
						fixed2(handled === 0 ? 0 : totals.answerWait / handled),
						fixed2((100 * totals.withinSla) / totals.offered),
					];
				});
		},
	},
	1002: {
		reportId: 1002,
		name: 'Agent activity',
		headers: [
			'Date',
			'Agent ID',
			'Agent Name',
			'Team',
			'Contacts',
			'Contacts Handled',
			'Talk Time (s)',
			'Hold Time (s)',
			'After Contact Work (s)',
			'Transfers',
		],
		rows(identity, contacts) {
			const agentCount = identity.agentByCode.length;
			const groups = groupBy(
				contacts,
				(contact) => utcDayOf(contact) * agentCount + codeOf(contact, 'agent.id'),
			);
			return [...groups.entries()]
				.map(([key, totals]) => ({
					day: Math.floor(key / agentCount),
					agent: identity.agentByCode[key % agentCount],
					totals,
				}))
				.sort((a, b) => a.day - b.day || a.agent.agentId - b.agent.agentId)
				.map(({ day, agent, totals }) => [
					dayLabel(day),
					String(agent.agentId),
					agent.agentName,
					agent.teamName,
					String(totals.offered),
					String(totals.offered - totals.abandoned),
					String(totals.talk),
					String(totals.hold),
					String(totals.acw),
					String(totals.transferred),
				]);
		},
	},
};

/** One CSV cell per RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled. */
function csvCell(value) {
	return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A CSV file (CRLF line ends, UTF-8), with the header row first when `includeHeaders`. */
export function toCsv(headers, rows, includeHeaders = true) {
	const lines = includeHeaders ? [headers, ...rows] : rows;
	return lines.map((cells) => `${cells.map(csvCell).join(',')}\r\n`).join('');
}
