/**
 * Test hooks under `/_sim/` (not part of the contract; no auth, never faulted, no added latency):
 *
 * - `POST /_sim/truth` (query body) → `{rows, totalCount}`: the ground truth in one pass over the whole
 *   range, ignoring the range-length, result_too_large and paging limits (the body is still validated).
 * - `GET /_sim/stats` → active queries, the per-tenant maximum of active queries seen, every query,
 *   request counts by kind, fault counts, tokens issued.
 * - `POST /_sim/faults` `{next: [{method, pathPrefix, status, body?, headers?, reset?}], failNextQueries?}`
 *   → queues targeted faults, consumed in order by matching requests.
 * - `POST /_sim/reset` → clears queries, queued faults and counters.
 * - `GET /_sim/incidents` → the planted incidents.
 * - `GET /_sim/universe` → groups, teams, skills, agents and dispositions.
 * - `POST /_sim/expire/{id}` → the query's results are expired (GET answers 410 expired).
 * - `/_sim/platform/*` → the platform mode's hooks (platform/sim-hooks.mjs).
 */
import { pageJson } from './aggregate.mjs';
import { DISPOSITIONS, describeIncidents } from './data.mjs';
import { createAggregation, runAggregation } from './queries.mjs';
import { validateQueryBody } from './validate.mjs';
import { readBody, sendEmpty, sendJson, sendJsonBytes } from './http.mjs';
import { handlePlatformSimRequest, platformStats } from './platform/sim-hooks.mjs';

async function readJsonBody(req, res) {
	const text = await readBody(req);
	if (text.trim() === '') return {};
	try {
		return JSON.parse(text);
	} catch (error) {
		sendJson(res, 400, {
			error: 'invalid_request',
			message: `The body is not valid JSON: ${error.message}`,
		});
		return undefined;
	}
}

async function handleTruth(state, req, res) {
	const body = await readJsonBody(req, res);
	if (body === undefined) return;
	const problems = validateQueryBody(body, { checkRangeLength: false });
	if (problems.length > 0)
		return sendJson(res, 400, {
			error: 'invalid_request',
			message: 'Invalid query body.',
			details: problems,
		});
	const result = await runAggregation(createAggregation(state.universe, state.slotCache, body));
	sendJsonBytes(
		res,
		200,
		pageJson(result, 0, result.rowCount, '{"rows":', `,"totalCount":${result.rowCount}}`),
	);
}

function handleStats(state, res) {
	sendJson(res, 200, {
		...state.queries.stats(),
		requests: state.requestCounts,
		faults: state.faults.summary(),
		tokensIssued: state.tokens.issuedCount,
		platform: platformStats(state.platform),
	});
}

async function handleFaults(state, req, res) {
	const body = await readJsonBody(req, res);
	if (body === undefined) return;
	const next = body.next ?? [];
	const failNextQueries = body.failNextQueries ?? 0;
	const failNextReportJobs = body.failNextReportJobs ?? 0;
	const badEntry =
		!Array.isArray(next) ||
		next.some(
			(fault) =>
				typeof fault !== 'object' ||
				fault === null ||
				(fault.reset !== true && !Number.isInteger(fault.status)),
		);
	const badCount = (count) => !Number.isInteger(count) || count < 0;
	if (badEntry || badCount(failNextQueries) || badCount(failNextReportJobs)) {
		return sendJson(res, 400, {
			error: 'invalid_request',
			message:
				'Expected {next: [{method?, pathPrefix?, status, body?, headers?, reset?}], failNextQueries?: N, failNextReportJobs?: N}; each entry needs a status or reset: true.',
		});
	}
	state.faults.inject({ next, failNextQueries, failNextReportJobs });
	sendJson(res, 200, state.faults.summary());
}

function describeUniverse(universe) {
	return {
		groups: universe.groups,
		teams: universe.teams.map(({ id, group }) => ({ id, group })),
		skills: universe.skills.map(({ id, channel, direction }) => ({ id, channel, direction })),
		agents: universe.agents.map(({ id, team, group, skills }) => ({
			id,
			team,
			group,
			skills: skills.map((skill) => skill.id),
		})),
		dispositions: DISPOSITIONS,
	};
}

export async function handleSimRequest(state, req, res, url) {
	const route = `${req.method} ${url.pathname}`;
	if (route === 'POST /_sim/truth') return handleTruth(state, req, res);
	if (route === 'GET /_sim/stats') return handleStats(state, res);
	if (route === 'POST /_sim/faults') return handleFaults(state, req, res);
	if (route === 'POST /_sim/reset') {
		state.reset();
		return sendEmpty(res, 204);
	}
	if (route === 'GET /_sim/incidents') return sendJson(res, 200, describeIncidents(state.universe));
	if (route === 'GET /_sim/universe') return sendJson(res, 200, describeUniverse(state.universe));
	if (await handlePlatformSimRequest(state, req, res, route)) return;
	const expireMatch = /^POST \/_sim\/expire\/([^/]+)$/.exec(route);
	if (expireMatch !== null) {
		if (!state.queries.expire(decodeURIComponent(expireMatch[1])))
			return sendJson(res, 404, { error: 'not_found' });
		return sendEmpty(res, 204);
	}
	sendJson(res, 404, { error: 'not_found', message: `No test hook ${route}.` });
}
