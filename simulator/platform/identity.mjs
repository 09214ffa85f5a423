/**
 * Who the simulated CXone platform tenant is: its access keys, the registered application, the tenant
 * and business unit, and the numeric platform ids and names of the analytics universe's skills, teams,
 * agents, dispositions and media types (analytics `skill_07` ↔ platform skill 1007, and so on).
 *
 * Pure: everything derives from the seed and the universe, so a rerun gives the same credentials and ids.
 */
import { DIMENSION_INDEX, DISPOSITIONS } from '../data.mjs';
import { hashInts } from '../hash.mjs';

export const SKILL_ID_BASE = 1000;
export const TEAM_ID_BASE = 2000;
export const AGENT_ID_BASE = 3000;

/** CXone media types of the analytics channels (CXone numbers them 1 Email … 8 Social). */
export const MEDIA_TYPES = [
	{ channel: 'email', mediaTypeId: 1, mediaTypeName: 'Email' },
	{ channel: 'chat', mediaTypeId: 3, mediaTypeName: 'Chat' },
	{ channel: 'voice', mediaTypeId: 4, mediaTypeName: 'Phone Call' },
	{ channel: 'sms', mediaTypeId: 7, mediaTypeName: 'SMS' },
	{ channel: 'social', mediaTypeId: 8, mediaTypeName: 'Social' },
];

/** The permissions the reporting endpoints check, as CXone's role editor names them. */
export const PERMISSIONS = {
	completedContacts: 'Reporting > Completed Contacts',
	skillSummary: 'Reporting > Skill Summary',
	customReports: 'Reporting > Custom Reports',
};

/**
 * Skill topics by skill index. Some names carry a comma or a double quote on purpose: they end up in
 * report CSVs, whose quoting a client must handle.
 */
const SKILL_TOPICS = [
	'Billing',
	'Tech Support',
	'Sales',
	'Collections',
	'Returns, Refunds',
	'"VIP" Care',
	'Onboarding',
	'Retention',
	'Claims, Disputes',
	'Orders',
	'"Premier" Support',
	'Renewals',
];
const REGIONS = ['North', 'South', 'East', 'West'];
const FIRST_NAMES = ['Alex', 'Sam', 'Jordan', 'Taylor', 'Morgan', 'Casey', 'Riley', 'Jamie'];
const LAST_NAMES = ['Smith', "O'Neil", 'Garcia', 'Nguyen', 'Müller', 'Okafor', 'Rossi', 'Kim'];
const NICKNAMES = ['Ace', 'Doc', 'Sunny', 'Chief', 'Max'];

const CAMPAIGNS = [
	{ campaignId: 6001, campaignName: 'Customer Care' },
	{ campaignId: 6002, campaignName: 'Outbound, Sales' },
	{ campaignId: 6003, campaignName: 'Digital Care' },
];

function numberOfId(id) {
	return Number(id.slice(id.lastIndexOf('_') + 1));
}

function hex(value) {
	return value.toString(16).padStart(8, '0');
}

/** Agent display names: "First Last", every fifth with a quoted nickname (`Sam "Doc" Kim`). */
function agentName(seed, index) {
	const first = FIRST_NAMES[hashInts(seed, 0x5a1, index) % FIRST_NAMES.length];
	const last = LAST_NAMES[hashInts(seed, 0x5a2, index) % LAST_NAMES.length];
	if (index % 5 !== 2) return `${first} ${last}`;
	return `${first} "${NICKNAMES[index % NICKNAMES.length]}" ${last}`;
}

/**
 * The platform view of a universe. Lookups by analytics dimension code (`skillByCode[code]` …) let the
 * contact listing turn a slot's typed arrays into records without string work.
 */
export function createPlatformIdentity(universe) {
	const { seed } = universe;
	const mediaTypeByChannel = new Map(MEDIA_TYPES.map((type) => [type.channel, type]));
	const skills = universe.skills.map((skill, index) => {
		const mediaType = mediaTypeByChannel.get(skill.channel);
		const isOutbound = !skill.inbound;
		return {
			analyticsId: skill.id,
			skillId: SKILL_ID_BASE + numberOfId(skill.id),
			skillName: `${SKILL_TOPICS[index % SKILL_TOPICS.length]} - ${mediaType.mediaTypeName}${isOutbound ? ' (Outbound)' : ''}`,
			channel: skill.channel,
			direction: skill.direction,
			mediaTypeId: mediaType.mediaTypeId,
			mediaTypeName: mediaType.mediaTypeName,
			isOutbound,
			campaignId: isOutbound
				? CAMPAIGNS[1].campaignId
				: skill.channel === 'voice'
					? CAMPAIGNS[0].campaignId
					: CAMPAIGNS[2].campaignId,
		};
	});
	const teams = universe.teams.map((team, index) => ({
		analyticsId: team.id,
		teamId: TEAM_ID_BASE + numberOfId(team.id),
		teamName: `${REGIONS[Math.floor(index / 2) % REGIONS.length]}, Tier ${(index % 2) + 1}`,
	}));
	const teamByAnalyticsId = new Map(teams.map((team) => [team.analyticsId, team]));
	const agents = universe.agents.map((agent) => ({
		analyticsId: agent.id,
		agentId: AGENT_ID_BASE + numberOfId(agent.id),
		agentName: agentName(seed, agent.index),
		teamId: teamByAnalyticsId.get(agent.team).teamId,
		teamName: teamByAnalyticsId.get(agent.team).teamName,
	}));
	const dispositions = DISPOSITIONS.map((name, index) => ({
		analyticsId: name,
		dispositionCode: index + 1,
		dispositionName: name
			.split('_')
			.map((word) => word[0].toUpperCase() + word.slice(1))
			.join(' '),
	}));

	const byCode = (dimension, entries) => {
		const byId = new Map(entries.map((entry) => [entry.analyticsId, entry]));
		return universe.dimensionValues[DIMENSION_INDEX[dimension]].map((value) => byId.get(value));
	};
	const channelValues = universe.dimensionValues[DIMENSION_INDEX.channel];
	return {
		skills,
		teams,
		agents,
		dispositions,
		mediaTypes: MEDIA_TYPES,
		campaigns: CAMPAIGNS,
		skillByCode: byCode('skill.id', skills),
		teamByCode: byCode('team.id', teams),
		agentByCode: byCode('agent.id', agents),
		dispositionByCode: byCode('disposition', dispositions),
		mediaTypeByChannelCode: channelValues.map((channel) => mediaTypeByChannel.get(channel)),
	};
}

/** The `/_sim/platform/universe` document: every analytics id with its platform number and name. */
export function describePlatformIdentity(identity) {
	return {
		skills: identity.skills.map(
			({ analyticsId, skillId, skillName, mediaTypeId, isOutbound, campaignId }) => ({
				analyticsId,
				skillId,
				skillName,
				mediaTypeId,
				isOutbound,
				campaignId,
			}),
		),
		teams: identity.teams,
		agents: identity.agents.map(({ analyticsId, agentId, agentName, teamId }) => ({
			analyticsId,
			agentId,
			agentName,
			teamId,
		})),
		dispositions: identity.dispositions,
		mediaTypes: identity.mediaTypes.map(({ channel, mediaTypeId, mediaTypeName }) => ({
			analyticsId: channel,
			mediaTypeId,
			mediaTypeName,
		})),
		campaigns: identity.campaigns,
		directions: [
			{ analyticsId: 'inbound', isOutbound: false },
			{ analyticsId: 'outbound', isOutbound: true },
		],
	};
}

/**
 * The tenant's credentials: a full access key, a limited one (its role has no reporting permission),
 * the registered application, and the tenant with its business unit, cluster and area.
 */
export function createPlatformCredentials(seed) {
	const secret = (salt) =>
		`${hex(hashInts(seed, salt, 1))}${hex(hashInts(seed, salt, 2))}${hex(hashInts(seed, salt, 3))}${hex(hashInts(seed, salt, 4))}`;
	const upper = (salt) =>
		`${hex(hashInts(seed, salt, 1))}${hex(hashInts(seed, salt, 2))}`.toUpperCase();
	const tenantHex = `${hex(hashInts(seed, 0x7e0, 1))}${hex(hashInts(seed, 0x7e0, 2))}${hex(hashInts(seed, 0x7e0, 3))}${hex(hashInts(seed, 0x7e0, 4))}`;
	const tenantId = `11e${tenantHex.slice(0, 5)}-${tenantHex.slice(5, 9)}-${tenantHex.slice(9, 13)}-${tenantHex.slice(13, 17)}-${tenantHex.slice(17, 29)}`;
	return {
		tenant: {
			tenantId,
			icBUId: 4_600_000 + (hashInts(seed, 0xb0) % 100_000),
			icClusterId: 'C32',
			area: 'na1',
			domain: 'niceincontact.com',
		},
		application: {
			clientId: 'cxone-sim-platform-app',
			clientSecret: `app_${secret(0xa99)}`,
		},
		accessKeys: [
			{
				accessKeyId: `SIMAK${upper(0xacc1)}`,
				accessKeySecret: secret(0xacc2),
				userId: 'user-sim-reporting',
				permissions: Object.values(PERMISSIONS),
			},
			{
				accessKeyId: `SIMLK${upper(0x11c1)}`,
				accessKeySecret: secret(0x11c2),
				userId: 'user-sim-limited',
				permissions: [],
			},
		],
	};
}
