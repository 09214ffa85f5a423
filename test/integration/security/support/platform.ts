/**
 * A small CXone platform (discovery, tokens, API host lookup, Reporting API, report jobs) as a hostile
 * server: each route answers as the real platform would unless the test overrides it.
 */
import { DAY_MS, TEST_TODAY_MS } from '../../../support/clock';
import { fakeJwt, sendJson, startHostileServer, testSecret } from './hostile';

export type HostileServer = Awaited<ReturnType<typeof startHostileServer>>;
type HostileOptions = Parameters<typeof startHostileServer>[1];
type Received = HostileServer['received'][number];
type Response = Parameters<typeof sendJson>[0];

export const ACCESS_KEY_SECRET = testSecret('access-key');
export const CLIENT_SECRET = testSecret('client');
export const TOKEN = fakeJwt({ tenantId: 'tenant-1', icBUId: 42 });
export const REPORTING = '/inContactAPI/services/v30.0';

/** Midnight UTC two days before the tests' pinned today: inside the 30 days completed contacts reach back. */
export const TWO_DAYS_AGO_MS = TEST_TODAY_MS - 2 * DAY_MS;
export const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

export function contact(contactId: number, startMs = TWO_DAYS_AGO_MS + 3_600_000) {
	return {
		contactId,
		contactStartDate: new Date(startMs).toISOString(),
		lastUpdateTime: new Date(startMs + 600_000).toISOString(),
		mediaTypeId: 4,
		mediaTypeName: 'Phone Call',
		skillId: 11,
		teamId: 21,
		agentId: 31,
		isOutbound: false,
		abandoned: false,
		inQueueSeconds: 10,
		agentSeconds: 100,
		holdSeconds: 5,
		acwSeconds: 20,
		totalDurationSeconds: 135,
		serviceLevelFlag: 1,
		transferIndicatorId: 0,
		dispositionCode: 1,
	};
}

export type Route = (request: Received, res: Response, server: HostileServer) => boolean | void;

/**
 * A route that starts a report job as `jobId` and answers its status as finished, with `fileName` at
 * `resultFileURL` (a function of the platform server when the file is served there too).
 */
export function finishedReportJob(
	jobId: string,
	resultFileURL: string | ((server: HostileServer) => string),
	fileName = 'r.csv',
): Route {
	return (request, res, server) => {
		if (request.method === 'POST' && request.url.startsWith(`${REPORTING}/report-jobs/`)) {
			sendJson(res, 202, { jobId });
			return true;
		}
		if (request.url.startsWith(`${REPORTING}/report-jobs/`)) {
			const url = typeof resultFileURL === 'function' ? resultFileURL(server) : resultFileURL;
			sendJson(res, 200, { jobResult: { jobId, state: 'Finished', fileName, resultFileURL: url } });
			return true;
		}
		return false;
	};
}

/** Starts the platform; `route` may answer a request first (return true when it did). */
export async function startPlatform(
	route: Route = () => false,
	options?: HostileOptions,
): Promise<HostileServer> {
	return await startHostileServer((request, res, server) => {
		if (route(request, res, server) === true) return;
		const url = new URL(request.url, server.url);
		if (url.pathname === '/.well-known/openid-configuration')
			return sendJson(res, 200, { token_endpoint: `${server.url}/auth/token` });
		if (url.pathname === '/auth/token' || url.pathname === '/authentication/v1/token/access-key') {
			return sendJson(res, 200, { access_token: TOKEN, token_type: 'Bearer', expires_in: 3600 });
		}
		if (url.pathname === '/.well-known/cxone-configuration')
			return sendJson(res, 200, { api_endpoint: server.url, area: 'na1' });
		if (request.headers.authorization !== `Bearer ${TOKEN}`)
			return sendJson(res, 401, { error: 'invalid_token' });
		if (url.pathname === `${REPORTING}/contacts/completed`) {
			return sendJson(res, 200, {
				completedContacts: [contact(1)],
				totalRecords: 1,
				lastPollTime: new Date().toISOString(),
				_links: { next: null },
			});
		}
		if (url.pathname === `${REPORTING}/skills/summary`)
			return sendJson(res, 200, { skillSummaries: [{ skillId: 11, contactsOffered: 3 }] });
		sendJson(res, 404, { error: 'not_found' });
	}, options);
}

/** Fields of a NICE CXone API credential for `platform`. */
export function platformCredential(
	platform: HostileServer,
	overrides: Record<string, unknown> = {},
) {
	return {
		accessKeyId: 'AK1',
		accessKeySecret: ACCESS_KEY_SECRET,
		clientId: 'client-1',
		clientSecret: CLIENT_SECRET,
		authHost: platform.url,
		...overrides,
	};
}

/** A legacy-route platform API for nock (nothing listens there) and its completed-contacts path. */
export const NOCK_API = 'https://api-na1.niceincontact.example';
export const NOCK_LEGACY_AUTH_HOST = 'https://na1.nice-incontact.example';
export const COMPLETED_CONTACTS = `${REPORTING}/contacts/completed`;

/** The createContext credentials of a run against {@link NOCK_API}: an unused OAuth2 one, a legacy access key. */
export const NOCK_PLATFORM_CREDENTIALS = {
	credentials: {
		tokenUrl: 'unused',
		baseUrl: 'unused',
		clientId: 'unused',
		clientSecret: 'unused',
	},
	platformCredentials: {
		authRoute: 'legacy',
		legacyTokenUrl: `${NOCK_LEGACY_AUTH_HOST}/authentication/v1/token/access-key`,
		apiBaseUrl: NOCK_API,
		accessKeyId: 'key',
		accessKeySecret: 'key-secret',
	},
};

/** Aggregate Completed Contacts over the day two days ago. */
export function aggregateParams(overrides: Record<string, unknown> = {}) {
	return {
		resource: 'platform',
		operation: 'aggregateCompletedContacts',
		metrics: { metric: [{ metric: 'count:sum' }] },
		dimensions: [],
		bucketSize: 'DAY',
		timeRange: 'custom',
		start: iso(TWO_DAYS_AGO_MS),
		end: iso(TWO_DAYS_AGO_MS + DAY_MS),
		filterMode: 'none',
		returnAll: true,
		options: { timeZone: 'UTC' },
		...overrides,
	};
}

/** Run Report Job over the same day. */
export function reportParams(overrides: Record<string, unknown> = {}) {
	return {
		resource: 'platform',
		operation: 'runReportJob',
		reportId: '1001',
		timeRange: 'custom',
		start: iso(TWO_DAYS_AGO_MS),
		end: iso(TWO_DAYS_AGO_MS + DAY_MS),
		reportOutput: 'items',
		options: { timeZone: 'UTC' },
		...overrides,
	};
}

/** Whether any request a server received carried one of the secrets, in a header or its body. */
export function sawSecret(
	server: HostileServer,
	secrets: string[] = [ACCESS_KEY_SECRET, CLIENT_SECRET, TOKEN],
): boolean {
	const basic = (user: string, secret: string) =>
		Buffer.from(`${user}:${secret}`).toString('base64');
	const encoded = [...secrets, basic('client-1', CLIENT_SECRET)];
	return server.received.some((request) => {
		const text = `${JSON.stringify(request.headers)} ${request.body} ${request.url}`;
		return (
			encoded.some((secret) => text.includes(secret)) || request.headers.authorization !== undefined
		);
	});
}
