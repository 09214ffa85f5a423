/**
 * The simulated CXone platform on the simulator's server: discovery documents, the token endpoints, the
 * Reporting API under `/inContactAPI/services/v30.0` and the report result files. Modelled on
 * docs/api/cxone-platform.md; see simulator/README.md ("CXone platform mode").
 *
 * Reporting API errors carry their text in the `icStatusDescription` header and a `{error}` body.
 * Check order of a Reporting call: flaky/queued faults, token (401), `Accept` (406), permission (403),
 * parameters (400).
 */
import { formatBucketStart } from '../buckets.mjs';
import { mediaTypeOf, parseBasicAuth, readBody, sendEmpty, sendJson } from '../http.mjs';
import { PlatformTokenIssuer, cxoneConfiguration, openIdConfiguration } from './auth.mjs';
import { contactRecord, listCompletedContacts, pickFields } from './contacts.mjs';
import { PERMISSIONS, createPlatformCredentials, createPlatformIdentity } from './identity.mjs';
import { FAILED_JOB_MESSAGE, REPORT_FILE_PATH_PREFIX, ReportJobStore } from './jobs.mjs';
import {
	checkWindow,
	parseBoolean,
	parseCompletedContactsParams,
	parseFilters,
	parseIsoDate,
	parseRequiredWindow,
} from './params.mjs';
import { REPORTS, skillSummaries, toCsv } from './summaries.mjs';

export const OPENID_CONFIGURATION_PATH = '/.well-known/openid-configuration';
export const CXONE_CONFIGURATION_PATH = '/.well-known/cxone-configuration';
export const PLATFORM_TOKEN_PATH = '/auth/token';
export const LEGACY_TOKEN_PATH = '/authentication/v1/token/access-key';
export const REPORTING_BASE_PATH = '/inContactAPI/services/v30.0';
const REPORTING_PATTERN = /^\/inContactAPI\/services\/v(\d+)\.0(\/.*)?$/;

/** Listings reused by the pages of one paging run (and by concurrent pages) for this long. */
const LISTING_REUSE_MS = 15_000;
const LISTING_CACHE_ENTRIES = 3;

function emptyRequestCounts() {
	return {
		discovery: 0,
		token: 0,
		legacyToken: 0,
		completedContacts: 0,
		skillsSummary: 0,
		reportJobStart: 0,
		reportJobPoll: 0,
		reportFile: 0,
		dataDownload: 0,
		other: 0,
	};
}

/**
 * The platform's share of the simulator state: identity and credentials, tokens, report jobs, cached
 * listings and counters. `baseUrl` is filled in once the server listens.
 */
export function createPlatformState({ options, universe, slotCache, faults, now }) {
	const credentials = createPlatformCredentials(options.seed);
	const platform = {
		baseUrl: '',
		identity: createPlatformIdentity(universe),
		credentials,
		slotCache,
		faults,
		now,
		requestCounts: emptyRequestCounts(),
		listings: new Map(),
		jobs: new ReportJobStore({
			speed: options.speed,
			resultUrlTtlSeconds: options.resultUrlTtlSeconds,
			faults,
			now,
		}),
		reset() {
			this.requestCounts = emptyRequestCounts();
			this.listings.clear();
			this.jobs.reset();
		},
	};
	platform.tokens = new PlatformTokenIssuer({
		credentials,
		tokenTtlSeconds: options.tokenTtlSeconds,
		// Offset from the analytics tokens' indexes so the two kinds do not share budgets.
		requestBudget: (index) => faults.tokenRequestBudget(0x10000 + index),
		now,
		issuer: () => platform.baseUrl,
	});
	return platform;
}

/** The counter a platform request belongs to, or null when the path is not the platform's. */
export function classifyPlatformRequest(method, path) {
	if (path === OPENID_CONFIGURATION_PATH || path === CXONE_CONFIGURATION_PATH) return 'discovery';
	if (path === PLATFORM_TOKEN_PATH) return 'token';
	if (path === LEGACY_TOKEN_PATH) return 'legacyToken';
	if (path.startsWith(REPORT_FILE_PATH_PREFIX)) return 'reportFile';
	const match = REPORTING_PATTERN.exec(path);
	if (match === null) return null;
	const rest = match[2] ?? '';
	if (rest === '/contacts/completed') return 'completedContacts';
	if (/^\/skills(\/\d+)?\/summary$/.test(rest)) return 'skillsSummary';
	if (rest.startsWith('/report-jobs/datadownload/')) return 'dataDownload';
	if (rest.startsWith('/report-jobs/'))
		return method === 'POST' ? 'reportJobStart' : 'reportJobPoll';
	return 'other';
}

/** A Reporting API error: the text in `icStatusDescription` and in a small JSON body. */
function sendReportingError(res, status, description, headers = {}) {
	sendJson(res, status, { error: description }, { icStatusDescription: description, ...headers });
}

function sendOAuthError(res, status, error, description, headers = {}) {
	sendJson(
		res,
		status,
		{ error, error_description: description },
		{ 'Cache-Control': 'no-store', ...headers },
	);
}

// ---------------------------------------------------------------------------------------------------
// Discovery and tokens

function handleCxoneConfiguration(platform, res, url) {
	const tenantId = url.searchParams.get('tenantId');
	if (tenantId === null || tenantId === '')
		return sendJson(res, 400, {
			error: 'invalid_request',
			error_description: 'tenantId is required.',
		});
	if (tenantId !== platform.credentials.tenant.tenantId)
		return sendJson(res, 404, { error: 'not_found', error_description: `No tenant ${tenantId}.` });
	sendJson(res, 200, cxoneConfiguration(platform.baseUrl, platform.credentials.tenant));
}

async function handlePasswordGrant(platform, req, res) {
	const text = await readBody(req);
	if (mediaTypeOf(req) !== 'application/x-www-form-urlencoded')
		return sendOAuthError(
			res,
			400,
			'invalid_request',
			'The body must be application/x-www-form-urlencoded (grant_type=password&username=…&password=…).',
		);
	const form = new URLSearchParams(text);
	const client = parseBasicAuth(req.headers.authorization);
	if (client === null || !platform.tokens.isApplication(client.clientId, client.clientSecret))
		return sendOAuthError(
			res,
			401,
			'invalid_client',
			"Unknown application or wrong client secret; send the registered application's client id and secret with HTTP Basic authentication.",
			{ 'WWW-Authenticate': 'Basic realm="cxone"' },
		);
	const grantType = form.get('grant_type');
	if (grantType !== 'password')
		return sendOAuthError(
			res,
			400,
			'unsupported_grant_type',
			`grant_type "${grantType ?? ''}" is not supported; use password with the access key id as username and its secret as password.`,
		);
	const username = form.get('username');
	const password = form.get('password');
	if (!username || !password)
		return sendOAuthError(
			res,
			400,
			'invalid_request',
			'username (the access key id) and password (the access key secret) are required.',
		);
	const accessKey = platform.tokens.findAccessKey(username, password);
	if (accessKey === undefined)
		return sendOAuthError(
			res,
			401,
			'invalid_grant',
			'Unknown access key or wrong access key secret.',
		);
	sendJson(res, 200, platform.tokens.issue(accessKey, client.clientId), {
		'Cache-Control': 'no-store',
		Pragma: 'no-cache',
	});
}

/** The JSON object in a request body, or null when the body is not one. */
function parseJsonObject(text) {
	try {
		const value = JSON.parse(text);
		return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : null;
	} catch {
		return null;
	}
}

async function handleLegacyToken(platform, req, res) {
	const body = parseJsonObject(await readBody(req));
	if (body === null)
		return sendOAuthError(
			res,
			400,
			'invalid_request',
			'The body must be JSON: {"accessKeyId": "…", "accessKeySecret": "…"}.',
		);
	const accessKey = platform.tokens.findAccessKey(body.accessKeyId, body.accessKeySecret);
	if (accessKey === undefined)
		return sendOAuthError(
			res,
			401,
			'invalid_grant',
			'Unknown access key or wrong access key secret.',
		);
	sendJson(res, 200, platform.tokens.issue(accessKey, 'access-key'), {
		'Cache-Control': 'no-store',
	});
}

// ---------------------------------------------------------------------------------------------------
// Reporting API

/** Whether the `Accept` header names `application/json` (CXone renders nothing else for these calls). */
function acceptsJson(req) {
	return (req.headers.accept ?? '')
		.split(',')
		.some((range) => range.split(';')[0].trim().toLowerCase() === 'application/json');
}

/**
 * Token, Accept and permission checks of a Reporting call. Returns the token record, or null after
 * answering 401, 406 or 403.
 */
function authorizeReporting(platform, req, res, permission) {
	const token = platform.tokens.authenticate(req.headers.authorization);
	if (token === null) {
		sendReportingError(res, 401, 'Invalid token', { 'WWW-Authenticate': 'Bearer' });
		return null;
	}
	token.remainingRequests--;
	if (token.remainingRequests < 0) {
		// Flaky profile: the token dies early, typically mid-paging.
		platform.tokens.revoke(token);
		platform.faults.noteTokenExpired();
		sendReportingError(res, 401, 'Invalid token', { 'WWW-Authenticate': 'Bearer' });
		return null;
	}
	if (!acceptsJson(req)) {
		sendReportingError(res, 406, 'No known way to render data');
		return null;
	}
	if (!token.accessKey.permissions.includes(permission)) {
		sendReportingError(res, 403, `The access key's role lacks the permission ${permission}`);
		return null;
	}
	return token;
}

/** The flaky profile's fault for a Reporting GET, in CXone's error style; true when it answered. */
function applyFlakyFault(platform, req, res, url) {
	const fault = platform.faults.faultForGet(`${req.method} ${url.pathname}${url.search}`);
	if (fault === null) return false;
	if (fault.reset) {
		req.socket.destroy();
		return true;
	}
	sendReportingError(res, fault.status, fault.body?.message ?? 'Simulated fault', fault.headers);
	return true;
}

/** A listing of completed contacts, reused for a few seconds by the pages of one run. */
function cachedListing(platform, query) {
	const key = JSON.stringify([
		query.startMs,
		query.endMs,
		query.updatedSinceMs,
		query.filters,
		query.orderBy,
		query.ascending,
	]);
	const nowMs = platform.now();
	const cached = platform.listings.get(key);
	if (cached !== undefined && nowMs - cached.asOfMs < LISTING_REUSE_MS) return cached;
	const fromMs = query.startMs ?? query.updatedSinceMs;
	const toMs = query.endMs ?? nowMs;
	const slots = platform.slotCache.sourceFor(Math.ceil((toMs - fromMs) / 900_000) + 96);
	const listing = {
		asOfMs: nowMs,
		contacts: listCompletedContacts(platform.identity, slots, { ...query, asOfMs: nowMs }),
	};
	platform.listings.delete(key);
	platform.listings.set(key, listing);
	if (platform.listings.size > LISTING_CACHE_ENTRIES)
		platform.listings.delete(platform.listings.keys().next().value);
	return listing;
}

function fullUrl(platform, url) {
	return `${platform.baseUrl}${url.pathname}${url.search}`;
}

function handleCompletedContacts(platform, req, res, url) {
	const parsed = parseCompletedContactsParams(url.searchParams, platform.now());
	if (parsed.problem) return sendReportingError(res, 400, parsed.problem);
	const query = parsed.value;
	const { asOfMs, contacts } = cachedListing(platform, query);
	const totalRecords = contacts.length;
	if (query.skip >= totalRecords) return sendEmpty(res, 204);
	const page = [];
	for (let k = query.skip; k < Math.min(totalRecords, query.skip + query.top); k++)
		page.push(contacts.at(k));
	let next = null;
	if (query.skip + page.length < totalRecords) {
		const nextUrl = new URL(fullUrl(platform, url));
		nextUrl.searchParams.set('top', String(query.top));
		nextUrl.searchParams.set('skip', String(query.skip + page.length));
		next = nextUrl.toString();
	}
	sendJson(res, 200, {
		completedContacts: page.map((contact) =>
			pickFields(contactRecord(platform.identity, contact), query.fields),
		),
		totalRecords,
		lastPollTime: new Date(asOfMs).toISOString(),
		_links: { self: fullUrl(platform, url), next },
	});
}

function handleSkillsSummary(platform, res, url, skillIdInPath) {
	const nowMs = platform.now();
	const window = parseRequiredWindow(url.searchParams, nowMs);
	if (window.problem) return sendReportingError(res, 400, window.problem);
	const filters = parseFilters(url.searchParams, ['mediaTypeId', 'isOutbound']);
	if (filters.problem) return sendReportingError(res, 400, filters.problem);
	if (skillIdInPath !== undefined) filters.value.skillId = skillIdInPath;
	const { contacts } = cachedListing(platform, {
		...window.value,
		updatedSinceMs: null,
		filters: filters.value,
		orderBy: 'contactStartDate',
		ascending: true,
	});
	if (contacts.length === 0) return sendEmpty(res, 204);
	sendJson(res, 200, { skillSummaries: skillSummaries(platform.identity, contacts) });
}

function previousUtcDay(nowMs) {
	const endMs = Math.floor(nowMs / 86_400_000) * 86_400_000;
	return { startMs: endMs - 86_400_000, endMs };
}

/**
 * A report's rows and CSV for a window of contacts, as of now. `startDate`/`endDate` default to the
 * previous UTC day.
 */
export function buildReport(platform, report, { startMs, endMs }, includeHeaders = true) {
	const { contacts } = cachedListing(platform, {
		startMs,
		endMs,
		updatedSinceMs: null,
		filters: {},
		orderBy: 'contactStartDate',
		ascending: true,
	});
	const rows = report.rows(platform.identity, contacts);
	return {
		rows,
		csv: toCsv(report.headers, rows, includeHeaders),
		fileName: `report_${report.reportId}.csv`,
	};
}

/** Reads the optional `{startDate, endDate}` of a report request (body or query); `{value}` or `{problem}`. */
function reportWindow(nowMs, dates) {
	const params = new URLSearchParams();
	if (dates.startDate !== undefined) params.set('startDate', String(dates.startDate));
	if (dates.endDate !== undefined) params.set('endDate', String(dates.endDate));
	if (!params.has('startDate') && !params.has('endDate')) return { value: previousUtcDay(nowMs) };
	const start = parseIsoDate(params, 'startDate');
	if (start.problem) return start;
	const end = parseIsoDate(params, 'endDate');
	if (end.problem) return end;
	if (start.value === undefined || end.value === undefined)
		return { problem: 'startDate and endDate must be given together' };
	const problem = checkWindow(start.value, end.value, nowMs);
	return problem === null ? { value: { startMs: start.value, endMs: end.value } } : { problem };
}

function findReport(res, reportIdText) {
	const report = REPORTS[reportIdText];
	if (report === undefined) {
		sendReportingError(
			res,
			404,
			`Report ${reportIdText} not found; known reports: ${Object.values(REPORTS)
				.map(({ reportId, name }) => `${reportId} "${name}"`)
				.join(', ')}`,
		);
		return null;
	}
	return report;
}

function parseIncludeHeaders(res, params) {
	const parsed = parseBoolean(params, 'includeHeaders');
	if (parsed.problem) {
		sendReportingError(res, 400, parsed.problem);
		return null;
	}
	return parsed.value ?? true;
}

async function handleReportJobStart(platform, req, res, url, reportIdText) {
	const text = await readBody(req);
	const report = findReport(res, reportIdText);
	if (report === null) return;
	const fileType = url.searchParams.get('fileType') ?? 'CSV';
	if (fileType.toUpperCase() !== 'CSV')
		return sendReportingError(res, 400, `fileType ${fileType} is not simulated; use CSV`);
	const includeHeaders = parseIncludeHeaders(res, url.searchParams);
	if (includeHeaders === null) return;
	let dates = {};
	if (text.trim() !== '') {
		dates = parseJsonObject(text);
		if (dates === null)
			return sendReportingError(
				res,
				400,
				'The body must be JSON: {"startDate": "…", "endDate": "…"}',
			);
	}
	const window = reportWindow(platform.now(), dates);
	if (window.problem) return sendReportingError(res, 400, window.problem);
	const built = buildReport(platform, report, window.value, includeHeaders);
	const job = platform.jobs.start({
		reportId: report.reportId,
		startDate: formatBucketStart(window.value.startMs),
		endDate: formatBucketStart(window.value.endMs),
		csv: built.csv,
		fileName: built.fileName,
		rowCount: built.rows.length,
	});
	sendJson(res, 202, { jobId: job.jobId });
}

function handleReportJobPoll(platform, res, jobId) {
	const job = platform.jobs.get(jobId);
	if (job === undefined) return sendReportingError(res, 404, `Job ${jobId} not found`);
	const state = platform.jobs.stateOf(job);
	const jobResult = {
		jobId: job.jobId,
		state,
		resultFileURL:
			state === 'Finished' ? `${platform.baseUrl}${platform.jobs.mintResultPath(job)}` : null,
		fileName: job.fileName,
	};
	if (state === 'Failed') jobResult.errorMessage = FAILED_JOB_MESSAGE;
	sendJson(res, 200, { jobResult });
}

async function handleDataDownload(platform, req, res, url, reportIdText) {
	await readBody(req);
	const report = findReport(res, reportIdText);
	if (report === null) return;
	const saveAsFile = parseBoolean(url.searchParams, 'saveAsFile');
	if (saveAsFile.problem) return sendReportingError(res, 400, saveAsFile.problem);
	if (saveAsFile.value === true)
		return sendReportingError(res, 400, 'saveAsFile=true is not simulated; use saveAsFile=false');
	const includeHeaders = parseIncludeHeaders(res, url.searchParams);
	if (includeHeaders === null) return;
	const window = reportWindow(platform.now(), {
		startDate: url.searchParams.get('startDate') ?? undefined,
		endDate: url.searchParams.get('endDate') ?? undefined,
	});
	if (window.problem) return sendReportingError(res, 400, window.problem);
	const built = buildReport(platform, report, window.value, includeHeaders);
	sendJson(res, 200, {
		file: Buffer.from(built.csv, 'utf8').toString('base64'),
		fileName: built.fileName,
	});
}

function methodNotAllowed(res, allowed) {
	sendReportingError(res, 405, `Use ${allowed} on this resource`, { Allow: allowed });
}

async function handleReporting(platform, req, res, url, rest) {
	const { method } = req;
	if (method === 'GET' && applyFlakyFault(platform, req, res, url)) return;

	const route = (() => {
		if (rest === '/contacts/completed')
			return { allowed: 'GET', permission: PERMISSIONS.completedContacts };
		const skill = /^\/skills(?:\/(\d+))?\/summary$/.exec(rest);
		if (skill !== null)
			return {
				allowed: 'GET',
				permission: PERMISSIONS.skillSummary,
				skillId: skill[1] === undefined ? undefined : Number(skill[1]),
			};
		const download = /^\/report-jobs\/datadownload\/([^/]+)$/.exec(rest);
		if (download !== null)
			return { allowed: 'POST', permission: PERMISSIONS.customReports, reportId: download[1] };
		const job = /^\/report-jobs\/([^/]+)$/.exec(rest);
		if (job !== null)
			return { allowed: 'GET, POST', permission: PERMISSIONS.customReports, jobOrReportId: job[1] };
		return null;
	})();
	if (route === null) return sendReportingError(res, 404, `Resource not found: ${url.pathname}`);
	if (!route.allowed.split(', ').includes(method)) return methodNotAllowed(res, route.allowed);
	if (authorizeReporting(platform, req, res, route.permission) === null) return;

	if (rest === '/contacts/completed') return handleCompletedContacts(platform, req, res, url);
	if (route.permission === PERMISSIONS.skillSummary)
		return handleSkillsSummary(platform, res, url, route.skillId);
	if (route.reportId !== undefined)
		return handleDataDownload(platform, req, res, url, decodeURIComponent(route.reportId));
	const id = decodeURIComponent(route.jobOrReportId);
	if (method === 'POST') return handleReportJobStart(platform, req, res, url, id);
	return handleReportJobPoll(platform, res, id);
}

function handleReportFile(platform, res, url) {
	const match = /^\/report-files\/([^/]+)\/[^/]+$/.exec(url.pathname);
	if (match === null) return sendReportingError(res, 404, 'No such file');
	const checked = platform.jobs.checkResultUrl(decodeURIComponent(match[1]), url.searchParams);
	if (checked.problem === 'invalid') return sendReportingError(res, 403, 'The link is not valid');
	if (checked.problem === 'expired') return sendReportingError(res, 403, 'The link has expired');
	if (checked.problem === 'unknown')
		return sendReportingError(res, 404, 'The file no longer exists');
	const body = Buffer.from(checked.job.csv, 'utf8');
	res.writeHead(200, {
		'Content-Type': 'text/csv; charset=utf-8',
		'Content-Length': body.length,
		'Content-Disposition': `attachment; filename="${checked.job.fileName}"`,
	});
	res.end(body);
}

/** Serves a platform request (its path was classified by `classifyPlatformRequest`). */
export async function handlePlatformRequest(state, req, res, url) {
	const { platform } = state;
	const path = url.pathname;
	const { method } = req;
	if (path === OPENID_CONFIGURATION_PATH) {
		if (method !== 'GET')
			return sendJson(res, 405, { error: 'method_not_allowed' }, { Allow: 'GET' });
		return sendJson(res, 200, openIdConfiguration(platform.baseUrl));
	}
	if (path === CXONE_CONFIGURATION_PATH) {
		if (method !== 'GET')
			return sendJson(res, 405, { error: 'method_not_allowed' }, { Allow: 'GET' });
		return handleCxoneConfiguration(platform, res, url);
	}
	if (path === PLATFORM_TOKEN_PATH || path === LEGACY_TOKEN_PATH) {
		if (method !== 'POST')
			return sendOAuthError(res, 405, 'invalid_request', 'Use POST.', { Allow: 'POST' });
		return path === PLATFORM_TOKEN_PATH
			? handlePasswordGrant(platform, req, res)
			: handleLegacyToken(platform, req, res);
	}
	if (path.startsWith(REPORT_FILE_PATH_PREFIX)) {
		if (method !== 'GET') return methodNotAllowed(res, 'GET');
		return handleReportFile(platform, res, url);
	}
	const match = REPORTING_PATTERN.exec(path);
	return handleReporting(platform, req, res, url, match[2] ?? '');
}
