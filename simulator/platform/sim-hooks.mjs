/**
 * Test hooks of the platform mode (no auth, never faulted):
 *
 * - `GET /_sim/platform/universe` → analytics id ↔ platform number (and name) for skills, teams, agents,
 *   dispositions, media types, campaigns and directions, plus the tenant.
 * - `POST /_sim/platform/report-truth` `{reportId, startDate, endDate}` → `{reportId, name, fileName,
 *   headers, rows}`: the rows a report CSV of that window holds right now, each an object from header to
 *   the cell text (what a CSV parser yields). The retention and range rules are not applied.
 */
import { readBody, sendJson } from '../http.mjs';
import { describePlatformIdentity } from './identity.mjs';
import { parseIsoDate } from './params.mjs';
import { buildReport } from './routes.mjs';
import { REPORTS } from './summaries.mjs';

async function handleReportTruth(platform, req, res) {
	let body;
	try {
		body = JSON.parse((await readBody(req)) || '{}');
	} catch (error) {
		return sendJson(res, 400, {
			error: 'invalid_request',
			message: `The body is not valid JSON: ${error.message}`,
		});
	}
	const report = REPORTS[body?.reportId];
	if (report === undefined)
		return sendJson(res, 404, {
			error: 'not_found',
			message: `Unknown reportId ${JSON.stringify(body?.reportId)}; known: ${Object.keys(REPORTS).join(', ')}.`,
		});
	const params = new URLSearchParams({
		startDate: body.startDate ?? '',
		endDate: body.endDate ?? '',
	});
	const start = parseIsoDate(params, 'startDate');
	const end = parseIsoDate(params, 'endDate');
	const problem = start.problem ?? end.problem;
	if (
		problem !== undefined ||
		start.value === undefined ||
		end.value === undefined ||
		end.value <= start.value
	)
		return sendJson(res, 400, {
			error: 'invalid_request',
			message:
				problem ?? 'startDate and endDate (ISO-8601 with Z, endDate after startDate) are required.',
		});
	const { rows, fileName } = buildReport(platform, report, {
		startMs: start.value,
		endMs: end.value,
	});
	sendJson(res, 200, {
		reportId: report.reportId,
		name: report.name,
		fileName,
		headers: report.headers,
		rows: rows.map((cells) =>
			Object.fromEntries(report.headers.map((header, i) => [header, cells[i]])),
		),
	});
}

/** The platform's part of `/_sim/stats`. */
export function platformStats(platform) {
	return {
		requests: platform.requestCounts,
		tokensIssued: platform.tokens.issuedCount,
		...platform.jobs.stats(),
	};
}

/** Serves `/_sim/platform/*`; returns false when the route is not one of them. */
export async function handlePlatformSimRequest(state, req, res, route) {
	const { platform } = state;
	if (route === 'GET /_sim/platform/universe') {
		sendJson(res, 200, {
			tenant: platform.credentials.tenant,
			...describePlatformIdentity(platform.identity),
		});
		return true;
	}
	if (route === 'POST /_sim/platform/report-truth') {
		await handleReportTruth(platform, req, res);
		return true;
	}
	return false;
}
