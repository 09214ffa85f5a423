/**
 * The simulated contact centre: who works there (groups, teams, skills, agents), when customers get in
 * touch (seasonal rates with deterministic noise), what each contact looks like, and a few incidents.
 *
 * Everything is a pure function of the seed: no Math.random, no clock. Contacts are generated per
 * 15-minute UTC slot and agent, so the cost of a query grows linearly with the slots it covers.
 */
import { DIMENSIONS } from './catalogue.mjs';
import { formatBucketStart } from './buckets.mjs';
import { createRandom, hash4, hashInts, unitFromInts } from './hash.mjs';

export const SLOT_MS = 15 * 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const YEAR_MS = 365.25 * DAY_MS;
const TREND_ORIGIN_MS = Date.UTC(2024, 0, 1);

/** Positions of the dimensions in a contact's `dimensionCodes` (the catalogue's order). */
export const DIMENSION_INDEX = Object.fromEntries(
	DIMENSIONS.map((dimension, index) => [dimension.name, index]),
);

/** Positions of the measured fields in a contact's `fields`. */
export const FIELD = {
	duration: 0,
	handle_time: 1,
	talk_time: 2,
	hold_time: 3,
	acw_time: 4,
	queue_time: 5,
	abandoned: 6,
	first_contact_resolved: 7,
	service_level: 8,
	transferred: 9,
	/** Sentiment in thousandths (−1000..1000) so that sums stay exact integers. */
	sentiment: 10,
	count: 11,
};
export const FIELD_COUNT = 12;
export const SENTIMENT_SCALE = 1000;

const GROUP_COUNT = 4;
const TEAMS_PER_GROUP = 2;
const SKILL_COUNT = 12;
const AGENTS_PER_TEAM = 5;
export const DISPOSITIONS = [
	'abandoned',
	'callback',
	'escalated',
	'follow_up',
	'no_answer',
	'resolved',
];

/** Typical work per channel, in seconds; thresholds are the service-level targets for speed of answer. */
const CHANNEL_PROFILES = {
	voice: {
		talkSeconds: 270,
		acwSeconds: 45,
		queueMeanSeconds: 30,
		abandonRate: 0.07,
		serviceLevelSeconds: 20,
		holdRate: 0.3,
	},
	chat: {
		talkSeconds: 480,
		acwSeconds: 30,
		queueMeanSeconds: 45,
		abandonRate: 0.05,
		serviceLevelSeconds: 60,
		holdRate: 0.05,
	},
	email: {
		talkSeconds: 300,
		acwSeconds: 60,
		queueMeanSeconds: 5400,
		abandonRate: 0.005,
		serviceLevelSeconds: 14400,
		holdRate: 0,
	},
	sms: {
		talkSeconds: 200,
		acwSeconds: 20,
		queueMeanSeconds: 300,
		abandonRate: 0.02,
		serviceLevelSeconds: 900,
		holdRate: 0,
	},
	social: {
		talkSeconds: 240,
		acwSeconds: 30,
		queueMeanSeconds: 900,
		abandonRate: 0.03,
		serviceLevelSeconds: 1800,
		holdRate: 0,
	},
};

/** Relative volume by UTC day of week, Sunday first: quiet weekends. */
const WEEKDAY_FACTORS = [0.35, 1.1, 1.05, 1.0, 1.0, 0.92, 0.5];

/** Years for which incidents are planted; queries elsewhere see only seasonal data. */
const INCIDENT_YEARS = [2023, 2024, 2025, 2026];

function pad(value, width) {
	return String(value).padStart(width, '0');
}

function sortedCodes(values) {
	// Codes are ranks in code-point order, so comparing codes compares values as the contract orders rows.
	const sorted = [...values].sort();
	return { sorted, codeOf: new Map(sorted.map((value, index) => [value, index])) };
}

function buildSkills(seed, channels, directions) {
	const channelOffset = hashInts(seed, 11) % channels.length;
	return Array.from({ length: SKILL_COUNT }, (_, index) => ({
		id: `skill_${pad(index + 1, 2)}`,
		channel: channels[(index + channelOffset) % channels.length],
		// Every fourth skill is an outbound campaign; the rest take inbound contacts.
		direction: index % 4 === 3 ? directions[1] : directions[0],
	}));
}

function pickAgentSkills(seed, agentIndex, skills) {
	const wanted = 2 + (hashInts(seed, 21, agentIndex) % 2);
	const chosen = [];
	for (let attempt = 0; chosen.length < wanted; attempt++) {
		const skill = skills[hashInts(seed, 22, agentIndex, attempt) % skills.length];
		if (!chosen.includes(skill)) chosen.push(skill);
	}
	return chosen;
}

function buildIncidents(seed, groups, skills, channels) {
	const incidents = [];
	for (const year of INCIDENT_YEARS) {
		const dayStart = (salt) =>
			Date.UTC(year, 0, 1) + (10 + (hashInts(seed, salt, year) % 340)) * DAY_MS;
		const spikeStart = dayStart(31) + 9 * HOUR_MS;
		incidents.push({
			kind: 'volume_spike',
			dimension: 'group.id',
			value: groups[hashInts(seed, 32, year) % groups.length],
			start: formatBucketStart(spikeStart),
			end: formatBucketStart(spikeStart + 2 * HOUR_MS),
			metric: 'count',
			factor: 3,
		});
		const slowDay = dayStart(41);
		incidents.push({
			kind: 'handle_time_increase',
			dimension: 'skill.id',
			value: skills[hashInts(seed, 42, year) % skills.length].id,
			start: formatBucketStart(slowDay),
			end: formatBucketStart(slowDay + DAY_MS),
			metric: 'handle_time',
			factor: 1.6,
		});
		const outageStart = dayStart(51) + 13 * HOUR_MS;
		incidents.push({
			kind: 'channel_outage',
			dimension: 'channel',
			value: channels[hashInts(seed, 52, year) % channels.length],
			start: formatBucketStart(outageStart),
			end: formatBucketStart(outageStart + 2 * HOUR_MS),
			metric: 'count',
			factor: 0,
		});
	}
	return incidents
		.map((incident) => ({
			...incident,
			startMs: Date.parse(incident.start),
			endMs: Date.parse(incident.end),
		}))
		.sort((a, b) => a.startMs - b.startMs);
}

/**
 * Builds the contact centre for a seed: ~4 groups, 8 teams, 12 skills (each with one channel and
 * direction), 40 agents (each in one team, with 2–3 skills), the dispositions and the incidents.
 * `dimensionValues[i]` lists the values of catalogue dimension i in code-point order; entities carry
 * their codes (ranks in that order) so aggregation can work on small integers.
 */
export function createUniverse(seed) {
	const channels = DIMENSIONS[DIMENSION_INDEX.channel].values;
	const directions = DIMENSIONS[DIMENSION_INDEX.direction].values;
	const groups = Array.from({ length: GROUP_COUNT }, (_, index) => `grp_${pad(index + 1, 3)}`);
	const teams = Array.from({ length: GROUP_COUNT * TEAMS_PER_GROUP }, (_, index) => ({
		id: `team_${pad(index + 1, 2)}`,
		group: groups[Math.floor(index / TEAMS_PER_GROUP)],
	}));
	const skills = buildSkills(seed, channels, directions);
	const agents = Array.from({ length: teams.length * AGENTS_PER_TEAM }, (_, index) => {
		const team = teams[Math.floor(index / AGENTS_PER_TEAM)];
		return {
			index,
			id: `agent_${pad(index + 1, 3)}`,
			team: team.id,
			group: team.group,
			skills: pickAgentSkills(seed, index, skills),
			// Contacts per 15-minute slot at the daily peak of an ordinary weekday.
			peakRatePerSlot: 2.6 + 1.8 * unitFromInts(seed, 23, index),
		};
	});

	const valuesByDimension = {
		'group.id': groups,
		'team.id': teams.map((team) => team.id),
		'skill.id': skills.map((skill) => skill.id),
		'agent.id': agents.map((agent) => agent.id),
		channel: channels,
		direction: directions,
		disposition: DISPOSITIONS,
	};
	const coding = DIMENSIONS.map((dimension) => sortedCodes(valuesByDimension[dimension.name]));
	const code = (dimensionName, value) => coding[DIMENSION_INDEX[dimensionName]].codeOf.get(value);

	for (const skill of skills) {
		skill.codes = {
			skill: code('skill.id', skill.id),
			channel: code('channel', skill.channel),
			direction: code('direction', skill.direction),
		};
		skill.profile = CHANNEL_PROFILES[skill.channel];
		skill.inbound = skill.direction === directions[0];
	}
	for (const agent of agents) {
		agent.codes = {
			group: code('group.id', agent.group),
			team: code('team.id', agent.team),
			agent: code('agent.id', agent.id),
		};
	}

	return {
		seed,
		groups,
		teams,
		skills,
		agents,
		dimensionValues: coding.map((entry) => entry.sorted),
		dispositionCodes: Object.fromEntries(
			DISPOSITIONS.map((name) => [name, code('disposition', name)]),
		),
		incidents: buildIncidents(seed, groups, skills, channels),
	};
}

/** The incidents as the `/_sim/incidents` endpoint lists them. */
export function describeIncidents(universe) {
	return universe.incidents.map(({ kind, dimension, value, start, end, metric, factor }) => ({
		kind,
		dimension,
		value,
		start,
		end,
		metric,
		factor,
	}));
}

/** Relative contact volume at an instant: a business-hours daily cycle, a weekly cycle and a small trend. */
export function seasonalFactor(instantMs) {
	const hourOfDay = (((instantMs % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
	const daily =
		0.2 +
		Math.exp(-(((hourOfDay - 10.5) / 2.6) ** 2)) +
		0.75 * Math.exp(-(((hourOfDay - 15) / 2.2) ** 2));
	const weekday = WEEKDAY_FACTORS[new Date(instantMs).getUTCDay()];
	const trend = Math.min(1.3, Math.max(0.7, 1 + (0.04 * (instantMs - TREND_ORIGIN_MS)) / YEAR_MS));
	return daily * weekday * trend;
}

/** Draws from a Poisson distribution with mean `lambda` by inverting its CDF at `u` (small lambdas only). */
function poissonFromUnit(lambda, u) {
	let probability = Math.exp(-lambda);
	let cumulative = probability;
	let k = 0;
	while (u > cumulative && k < 60) {
		k++;
		probability *= lambda / k;
		cumulative += probability;
	}
	return k;
}

/** The incidents in force during a slot, split by effect; null when there are none (the usual case). */
export function incidentsInSlot(universe, slotStartMs) {
	let effects = null;
	for (const incident of universe.incidents) {
		if (slotStartMs < incident.startMs || slotStartMs >= incident.endMs) continue;
		effects ??= { volume: [], handleTime: [], outage: [] };
		if (incident.kind === 'volume_spike') effects.volume.push(incident);
		else if (incident.kind === 'handle_time_increase') effects.handleTime.push(incident);
		else effects.outage.push(incident);
	}
	return effects;
}

/** How many contacts an agent has in a slot (before outages remove some). */
export function contactCountInSlot(universe, agent, slotIndex, seasonal, effects) {
	let lambda = agent.peakRatePerSlot * seasonal;
	if (effects) {
		for (const incident of effects.volume) {
			if (incident.value === agent.group) lambda *= incident.factor;
		}
	}
	return poissonFromUnit(lambda, hash4(universe.seed, slotIndex, agent.index, 3) / 4294967296);
}

function handleTimeFactor(effects, skill) {
	let factor = 1;
	if (effects) {
		for (const incident of effects.handleTime) {
			if (incident.value === skill.id) factor *= incident.factor;
		}
	}
	return factor;
}

function isInOutage(effects, skill) {
	return effects !== null && effects.outage.some((incident) => incident.value === skill.channel);
}

function pickDisposition(skill, abandoned, random) {
	if (abandoned) return 'abandoned';
	const draw = random();
	if (!skill.inbound && draw < 0.2) return 'no_answer';
	if (draw < 0.62) return 'resolved';
	if (draw < 0.74) return 'follow_up';
	if (draw < 0.88) return 'callback';
	return 'escalated';
}

const SENTIMENT_BY_DISPOSITION = {
	resolved: 0.45,
	follow_up: 0.1,
	callback: 0,
	escalated: -0.35,
	no_answer: -0.1,
	abandoned: -0.45,
};

/**
 * Generates the contacts of one agent in one slot and appends them to `slot` (see slots.mjs): contact
 * `i = slot.count` gets `slot.startMs[i]`, `slot.fields[i * FIELD_COUNT + FIELD.x]` and
 * `slot.codes[i * DIMENSIONS.length + DIMENSION_INDEX.x]`. Writing straight into typed arrays keeps the
 * per-contact cost to the random draws. Contacts removed by an outage are drawn but not appended.
 */
export function appendAgentContacts(universe, agent, slotIndex, count, effects, slot) {
	const random = createRandom(hash4(universe.seed, slotIndex, agent.index, 7));
	const slotStartMs = slotIndex * SLOT_MS;
	const { fields, codes, startMs } = slot;
	const codeCount = DIMENSIONS.length;
	for (let n = 0; n < count; n++) {
		// The agent's first skill is the primary one and carries most of the work.
		const skillDraw = random();
		const skill =
			agent.skills[skillDraw < 0.6 ? 0 : skillDraw < 0.88 || agent.skills.length === 2 ? 1 : 2];
		const profile = skill.profile;
		const startOffsetSeconds = Math.floor(random() * 900);
		const abandoned = skill.inbound && random() < profile.abandonRate;
		const queueSeconds = skill.inbound
			? Math.min(
					10 * profile.queueMeanSeconds,
					Math.floor(-Math.log(1 - random()) * profile.queueMeanSeconds),
				)
			: 0;
		const slowdown = handleTimeFactor(effects, skill);
		let talkSeconds = 0;
		let holdSeconds = 0;
		let acwSeconds = 0;
		if (!abandoned) {
			talkSeconds = Math.round(
				profile.talkSeconds * (0.3 + random() + 0.7 * random() ** 2) * slowdown,
			);
			holdSeconds = random() < profile.holdRate ? Math.round((10 + 110 * random()) * slowdown) : 0;
			acwSeconds = Math.round(profile.acwSeconds * (0.5 + random()) * slowdown);
		}
		const disposition = pickDisposition(skill, abandoned, random);
		const transferred = !abandoned && random() < (disposition === 'escalated' ? 0.6 : 0.05);
		const resolvedFirstTime = disposition === 'resolved' && !transferred && random() < 0.85;
		const sentiment = Math.max(
			-1,
			Math.min(1, SENTIMENT_BY_DISPOSITION[disposition] + (random() - 0.5)),
		);
		if (isInOutage(effects, skill)) continue;

		const i = slot.count++;
		startMs[i] = slotStartMs + startOffsetSeconds * 1000;
		const f = i * FIELD_COUNT;
		fields[f + FIELD.talk_time] = talkSeconds;
		fields[f + FIELD.hold_time] = holdSeconds;
		fields[f + FIELD.acw_time] = acwSeconds;
		fields[f + FIELD.handle_time] = talkSeconds + holdSeconds + acwSeconds;
		fields[f + FIELD.queue_time] = queueSeconds;
		fields[f + FIELD.duration] = queueSeconds + talkSeconds + holdSeconds + acwSeconds;
		fields[f + FIELD.abandoned] = abandoned ? 1 : 0;
		fields[f + FIELD.first_contact_resolved] = resolvedFirstTime ? 1 : 0;
		fields[f + FIELD.service_level] =
			!abandoned && queueSeconds <= profile.serviceLevelSeconds ? 1 : 0;
		fields[f + FIELD.transferred] = transferred ? 1 : 0;
		fields[f + FIELD.sentiment] = Math.round(sentiment * SENTIMENT_SCALE);
		fields[f + FIELD.count] = 1;
		const c = i * codeCount;
		codes[c + DIMENSION_INDEX['group.id']] = agent.codes.group;
		codes[c + DIMENSION_INDEX['team.id']] = agent.codes.team;
		codes[c + DIMENSION_INDEX['agent.id']] = agent.codes.agent;
		codes[c + DIMENSION_INDEX['skill.id']] = skill.codes.skill;
		codes[c + DIMENSION_INDEX.channel] = skill.codes.channel;
		codes[c + DIMENSION_INDEX.direction] = skill.codes.direction;
		codes[c + DIMENSION_INDEX.disposition] = universe.dispositionCodes[disposition];
	}
}
