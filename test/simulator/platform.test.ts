/**
 * The simulator's CXone platform mode (docs/api/cxone-platform.md): access-key tokens, discovery,
 * the Reporting API and report jobs, on the same server as the analytics API. The key property: a
 * client that aggregates the completed contacts of a window gets exactly the ground truth of
 * `/_sim/truth` for that window.
 */
import { startSimulatorProcess } from '../support/simulator';
import { basicAuth, request, wait } from '../support/http';
import { DAY_MS, TEST_TODAY_MS, latestWeekdays, testNow } from '../support/clock';

type Response = Awaited<ReturnType<typeof request>>;
type PlatformSimulator = Awaited<ReturnType<typeof startSimulatorProcess>> & {
	authHost: string;
	accessKeyId: string;
	accessKeySecret: string;
	platformClientId: string;
	platformClientSecret: string;
	tenantId: string;
	limitedAccessKeyId: string;
	limitedAccessKeySecret: string;
};

interface ContactRecord {
	contactId: number;
	contactStartDate: string;
	lastUpdateTime: string;
	mediaTypeId: number;
	mediaTypeName: string;
	skillId: number;
	skillName: string;
	teamId: number;
	teamName: string;
	agentId: number;
	campaignId: number;
	isOutbound: boolean;
	abandoned: boolean;
	abandonSeconds: number;
	inQueueSeconds: number;
	agentSeconds: number;
	holdSeconds: number;
	acwSeconds: number;
	totalDurationSeconds: number;
	serviceLevelFlag: number;
	transferIndicatorId: number;
	dispositionCode: number;
	endReason: string;
}

interface TruthRow {
	timeSeries: string;
	dimensions: Record<string, string>;
	metrics: Array<{ name: string; aggregation: string; value: number }>;
}

interface PlatformUniverse {
	skills: Array<{ analyticsId: string; skillId: number; isOutbound: boolean; mediaTypeId: number }>;
	teams: Array<{ analyticsId: string; teamId: number }>;
	agents: Array<{ analyticsId: string; agentId: number; teamId: number }>;
	dispositions: Array<{ analyticsId: string; dispositionCode: number }>;
	mediaTypes: Array<{ analyticsId: string; mediaTypeId: number; mediaTypeName: string }>;
}

const FORM = 'application/x-www-form-urlencoded';
const API = '/inContactAPI/services/v30.0';
/** Midnight UTC of the tests' pinned "today" (../support/clock), never the machine's. */
const TODAY_MS = TEST_TODAY_MS;

/** `YYYY-MM-DDTHH:MM:SSZ` of an instant in whole seconds. */
function isoSeconds(ms: number): string {
	return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** `YYYY-MM-DDTHH:MM:SSZ` for a UTC day `daysAgo` days before today's midnight. */
function daysAgo(days: number): string {
	return isoSeconds(TODAY_MS - days * DAY_MS);
}

/**
 * `startDate=…&endDate=…` of the latest `count` whole weekdays at least 8 days back: weekends are
 * quiet in the simulator's calendar, so a window that must hold thousands of contacts is chosen
 * from the calendar, not counted back from today.
 */
function busyWeekdays(count: number): string {
	const { startMs, endMs } = latestWeekdays(count, 8);
	return `startDate=${isoSeconds(startMs)}&endDate=${isoSeconds(endMs)}`;
}

async function startPlatformSimulator(options: Parameters<typeof startSimulatorProcess>[0] = {}) {
	return (await startSimulatorProcess(options)) as unknown as PlatformSimulator;
}

function passwordGrant(sim: PlatformSimulator, body: string, authorization?: string) {
	return request({
		method: 'POST',
		url: `${sim.authHost}/auth/token`,
		headers: {
			'Content-Type': FORM,
			...(authorization === undefined ? {} : { Authorization: authorization }),
		},
		body,
	});
}

async function platformToken(sim: PlatformSimulator, limited = false): Promise<string> {
	const keyId = limited ? sim.limitedAccessKeyId : sim.accessKeyId;
	const keySecret = limited ? sim.limitedAccessKeySecret : sim.accessKeySecret;
	const response = await passwordGrant(
		sim,
		`grant_type=password&username=${encodeURIComponent(keyId)}&password=${encodeURIComponent(keySecret)}`,
		basicAuth(sim.platformClientId, sim.platformClientSecret),
	);
	expect(response.status).toBe(200);
	return response.body.access_token;
}

function jwtPart(token: string, index: number) {
	return JSON.parse(Buffer.from(token.split('.')[index], 'base64url').toString('utf8'));
}

function reporting(
	sim: PlatformSimulator,
	token: string,
	pathAndQuery: string,
	{
		method = 'GET',
		body,
		accept = 'application/json',
	}: { method?: string; body?: unknown; accept?: string | null } = {},
): Promise<Response> {
	const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
	if (accept !== null) headers.Accept = accept;
	return request({ method, url: `${sim.baseUrl}${API}${pathAndQuery}`, headers, body });
}

function statusText(response: Response): string | undefined {
	return response.headers.icstatusdescription as string | undefined;
}

/** Follows `_links.next` from a first URL; returns every record and every page's body. */
async function fetchAllContacts(sim: PlatformSimulator, token: string, query: string) {
	const pages: Array<{
		totalRecords: number;
		completedContacts: ContactRecord[];
		lastPollTime: string;
		_links: { self: string; next: string | null };
	}> = [];
	let url: string | null = `${sim.baseUrl}${API}/contacts/completed?${query}`;
	while (url !== null) {
		const response: Response = await request({
			url,
			headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
		});
		if (response.status === 204) break;
		expect(response.status).toBe(200);
		pages.push(response.body);
		url = response.body._links.next;
	}
	return { pages, contacts: pages.flatMap((page) => page.completedContacts) };
}

function roundTo4(value: number): number {
	return Math.round(value * 10_000) / 10_000;
}

/** Seconds of an ISO-8601 duration such as `PT1H4M12.5S`. */
function isoDurationSeconds(text: string): number {
	const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/.exec(text);
	if (match === null) throw new Error(`Not an ISO-8601 duration: ${text}`);
	return Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
}

/** An RFC 4180 CSV parser (quoted fields, doubled quotes, CRLF), for checking the report files. */
function parseCsv(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let cell = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const char = text[i];
		if (quoted) {
			if (char === '"' && text[i + 1] === '"') {
				cell += '"';
				i++;
			} else if (char === '"') quoted = false;
			else cell += char;
		} else if (char === '"') quoted = true;
		else if (char === ',') {
			row.push(cell);
			cell = '';
		} else if (char === '\r' && text[i + 1] === '\n') {
			row.push(cell);
			rows.push(row);
			row = [];
			cell = '';
			i++;
		} else cell += char;
	}
	if (cell !== '' || row.length > 0) rows.push([...row, cell]);
	return rows;
}

async function truth(sim: PlatformSimulator, body: unknown): Promise<TruthRow[]> {
	const response = await request({ method: 'POST', url: `${sim.baseUrl}/_sim/truth`, body });
	expect(response.status).toBe(200);
	return response.body.rows;
}

async function platformUniverse(sim: PlatformSimulator): Promise<PlatformUniverse> {
	const response = await request({ url: `${sim.baseUrl}/_sim/platform/universe` });
	expect(response.status).toBe(200);
	return response.body;
}

async function pollJob(sim: PlatformSimulator, token: string, jobId: string) {
	const states: string[] = [];
	for (let attempt = 0; attempt < 200; attempt++) {
		const response = await reporting(sim, token, `/report-jobs/${jobId}`);
		expect(response.status).toBe(200);
		const { jobResult } = response.body;
		states.push(jobResult.state);
		if (jobResult.state === 'Finished' || jobResult.state === 'Failed')
			return { jobResult, states };
		await wait(20);
	}
	throw new Error(`Job ${jobId} did not finish`);
}

describe('simulator, CXone platform mode', () => {
	let sim: PlatformSimulator;
	let token: string;
	let universe: PlatformUniverse;

	beforeAll(async () => {
		// Report jobs at full length (Pending 250 ms, then Running 500 ms): polled every 20 ms, a job is
		// seen in its early states more than once even on a loaded machine.
		sim = await startPlatformSimulator({
			seed: 1,
			extraArgs: ['--result-url-ttl-seconds', '1'],
		});
		token = await platformToken(sim);
		universe = await platformUniverse(sim);
	});
	afterAll(async () => {
		await sim?.stop();
	});
	beforeEach(async () => {
		await request({ method: 'POST', url: `${sim.baseUrl}/_sim/reset` });
	});

	describe('discovery', () => {
		it('serves the OpenID configuration with the token endpoint', async () => {
			const response = await request({ url: `${sim.authHost}/.well-known/openid-configuration` });
			expect(response.status).toBe(200);
			expect(response.body).toMatchObject({
				issuer: sim.authHost,
				token_endpoint: `${sim.authHost}/auth/token`,
				token_endpoint_auth_methods_supported: ['client_secret_basic'],
			});
		});

		it('finds the API host of the tenant; an unknown tenant is 404', async () => {
			const found = await request({
				url: `${sim.authHost}/.well-known/cxone-configuration?tenantId=${sim.tenantId}`,
			});
			expect(found.status).toBe(200);
			expect(found.body).toMatchObject({
				api_endpoint: sim.baseUrl,
				area: 'na1',
				cluster: 'C32',
				domain: 'niceincontact.com',
			});
			const unknown = await request({
				url: `${sim.authHost}/.well-known/cxone-configuration?tenantId=11e00000-0000-0000-0000-000000000000`,
			});
			expect(unknown.status).toBe(404);
		});
	});

	describe('tokens', () => {
		const keyForm = (sim: PlatformSimulator) =>
			`grant_type=password&username=${sim.accessKeyId}&password=${sim.accessKeySecret}`;

		it('issues a JWT for the password grant with the application in HTTP Basic', async () => {
			const before = Math.floor(testNow() / 1000);
			const response = await passwordGrant(
				sim,
				keyForm(sim),
				basicAuth(sim.platformClientId, sim.platformClientSecret),
			);
			expect(response.status).toBe(200);
			expect(response.body).toEqual({
				access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
				token_type: 'Bearer',
				expires_in: 3600,
				refresh_token: expect.any(String),
				id_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
			});
			expect(jwtPart(response.body.access_token, 0)).toEqual({ alg: 'HS256', typ: 'JWT' });
			const claims = jwtPart(response.body.access_token, 1);
			expect(claims).toMatchObject({
				tenantId: sim.tenantId,
				icBUId: expect.any(Number),
				icClusterId: 'C32',
			});
			expect(claims.exp).toBeGreaterThanOrEqual(before + 3600);
			expect(claims.exp).toBeLessThanOrEqual(before + 3602);
		});

		it('issues the same token shape on the legacy access-key route, without a client', async () => {
			const response = await request({
				method: 'POST',
				url: `${sim.authHost}/authentication/v1/token/access-key`,
				body: { accessKeyId: sim.accessKeyId, accessKeySecret: sim.accessKeySecret },
			});
			expect(response.status).toBe(200);
			expect(Object.keys(response.body).sort()).toEqual([
				'access_token',
				'expires_in',
				'id_token',
				'refresh_token',
				'token_type',
			]);
			expect(jwtPart(response.body.access_token, 1).tenantId).toBe(sim.tenantId);
			const served = await reporting(
				sim,
				response.body.access_token,
				`/skills/summary?startDate=${daysAgo(2)}&endDate=${daysAgo(1)}`,
			);
			expect(served.status).toBe(200);

			const wrong = await request({
				method: 'POST',
				url: `${sim.authHost}/authentication/v1/token/access-key`,
				body: { accessKeyId: sim.accessKeyId, accessKeySecret: 'wrong' },
			});
			expect(wrong.status).toBe(401);
			expect(wrong.body.error).toBe('invalid_grant');
		});

		it('answers 401 invalid_grant to a wrong access key secret', async () => {
			const response = await passwordGrant(
				sim,
				`grant_type=password&username=${sim.accessKeyId}&password=wrong`,
				basicAuth(sim.platformClientId, sim.platformClientSecret),
			);
			expect(response.status).toBe(401);
			expect(response.body).toEqual({
				error: 'invalid_grant',
				error_description: expect.any(String),
			});
		});

		it('answers 401 invalid_client to a wrong or missing application', async () => {
			const wrong = await passwordGrant(
				sim,
				keyForm(sim),
				basicAuth(sim.platformClientId, 'wrong'),
			);
			expect(wrong.status).toBe(401);
			expect(wrong.body.error).toBe('invalid_client');
			const missing = await passwordGrant(sim, keyForm(sim));
			expect(missing.status).toBe(401);
			expect(missing.body.error).toBe('invalid_client');
		});

		it('answers 400 unsupported_grant_type to another grant', async () => {
			const response = await passwordGrant(
				sim,
				'grant_type=client_credentials',
				basicAuth(sim.platformClientId, sim.platformClientSecret),
			);
			expect(response.status).toBe(400);
			expect(response.body.error).toBe('unsupported_grant_type');
		});

		it('does not accept analytics tokens, nor platform tokens on the analytics API', async () => {
			const analytics = await request({
				method: 'POST',
				url: sim.tokenUrl,
				headers: { Authorization: basicAuth(sim.clientId, sim.clientSecret), 'Content-Type': FORM },
				body: 'grant_type=client_credentials',
			});
			const onPlatform = await reporting(
				sim,
				analytics.body.access_token,
				`/skills/summary?startDate=${daysAgo(2)}&endDate=${daysAgo(1)}`,
			);
			expect(onPlatform.status).toBe(401);
			const onAnalytics = await request({
				url: `${sim.baseUrl}/api/v2/analytics/query/qry_x`,
				headers: { Authorization: `Bearer ${token}` },
			});
			expect(onAnalytics.status).toBe(401);
		});
	});

	describe('Reporting API errors', () => {
		const window = () => `startDate=${daysAgo(2)}&endDate=${daysAgo(1)}`;

		it('answers 401 with icStatusDescription "Invalid token" to a missing, forged or unknown token', async () => {
			const missing = await request({
				url: `${sim.baseUrl}${API}/contacts/completed?${window()}`,
				headers: { Accept: 'application/json' },
			});
			expect(missing.status).toBe(401);
			expect(statusText(missing)).toBe('Invalid token');
			expect(missing.body).toEqual({ error: 'Invalid token' });
			const [header, payload] = token.split('.');
			const forged = await reporting(
				sim,
				`${header}.${payload}.${'A'.repeat(43)}`,
				`/contacts/completed?${window()}`,
			);
			expect(forged.status).toBe(401);
			expect(statusText(forged)).toBe('Invalid token');
		});

		it('answers 406 "No known way to render data" without Accept: application/json', async () => {
			for (const accept of [null, 'text/csv']) {
				const response = await reporting(sim, token, `/contacts/completed?${window()}`, { accept });
				expect(response.status).toBe(406);
				expect(statusText(response)).toBe('No known way to render data');
			}
			const listed = await reporting(sim, token, `/skills/summary?${window()}`, {
				accept: 'text/plain, application/json;q=0.9',
			});
			expect(listed.status).toBe(200);
		});

		it("answers 403 naming the permission the limited key's role lacks", async () => {
			const limited = await platformToken(sim, true);
			const cases: Array<[string, string, string]> = [
				['GET', `/contacts/completed?${window()}`, 'Reporting > Completed Contacts'],
				['GET', `/skills/summary?${window()}`, 'Reporting > Skill Summary'],
				[
					'POST',
					'/report-jobs/1001?fileType=CSV&includeHeaders=true',
					'Reporting > Custom Reports',
				],
				[
					'POST',
					`/report-jobs/datadownload/1001?${window()}&saveAsFile=false`,
					'Reporting > Custom Reports',
				],
			];
			for (const [method, path, permission] of cases) {
				const response = await reporting(sim, limited, path, { method });
				expect(response.status).toBe(403);
				expect(statusText(response)).toBe(
					`The access key's role lacks the permission ${permission}`,
				);
				expect(response.body.error).toBe(statusText(response));
			}
		});

		it('answers queued 429 and 503 faults with their Retry-After', async () => {
			await request({
				method: 'POST',
				url: `${sim.baseUrl}/_sim/faults`,
				body: {
					next: [
						{ pathPrefix: `${API}/contacts`, status: 429, headers: { 'Retry-After': '1' } },
						{ pathPrefix: `${API}/skills`, status: 503 },
					],
				},
			});
			const limited = await reporting(sim, token, `/contacts/completed?${window()}&top=1`);
			expect(limited.status).toBe(429);
			expect(limited.headers['retry-after']).toBe('1');
			const unavailable = await reporting(sim, token, `/skills/summary?${window()}`);
			expect(unavailable.status).toBe(503);
			expect((await reporting(sim, token, `/contacts/completed?${window()}&top=1`)).status).toBe(
				200,
			);
		});
	});

	describe('GET /contacts/completed', () => {
		it('pages with top and skip, totalRecords and a full _links.next, in start then id order', async () => {
			const query = `${busyWeekdays(1)}&top=2500`;
			const { pages, contacts } = await fetchAllContacts(sim, token, query);
			const total = pages[0].totalRecords;
			expect(total).toBeGreaterThan(2500);
			expect(pages).toHaveLength(Math.ceil(total / 2500));
			expect(contacts).toHaveLength(total);
			expect(new Set(contacts.map((contact) => contact.contactId)).size).toBe(total);
			for (const page of pages) expect(page.totalRecords).toBe(total);
			expect(pages[0]._links.self).toBe(`${sim.baseUrl}${API}/contacts/completed?${query}`);
			expect(pages[0]._links.next).toMatch(
				new RegExp(`^${sim.baseUrl}${API}/contacts/completed\\?.*skip=2500`),
			);
			expect(pages[pages.length - 1]._links.next).toBeNull();
			const outOfOrder = contacts.filter((current, i) => {
				if (i === 0) return false;
				const previous = contacts[i - 1];
				const order =
					Date.parse(previous.contactStartDate) - Date.parse(current.contactStartDate) ||
					previous.contactId - current.contactId;
				return order >= 0;
			});
			expect(outOfOrder).toEqual([]);
			const start = latestWeekdays(1, 8).startMs;
			const outsideWindow = contacts.filter((contact) => {
				const startMs = Date.parse(contact.contactStartDate);
				return (
					startMs < start ||
					startMs >= start + DAY_MS ||
					!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(contact.contactStartDate)
				);
			});
			expect(outsideWindow).toEqual([]);
			const afterLast = await reporting(sim, token, `/contacts/completed?${query}&skip=${total}`);
			expect(afterLast.status).toBe(204);
			expect(afterLast.body).toBe('');
		});

		it('answers 204 No Content for a window without completed contacts', async () => {
			const soon = new Date(testNow() + 3_600_000).toISOString();
			const later = new Date(testNow() + 7_200_000).toISOString();
			const response = await reporting(
				sim,
				token,
				`/contacts/completed?startDate=${soon}&endDate=${later}`,
			);
			expect(response.status).toBe(204);
		});

		it('checks dates, the 31-day range, the 30-day reach, top, skip, orderBy and fields', async () => {
			const cases: Array<[string, string]> = [
				['', 'startDate and endDate are required unless updatedSince is given'],
				[
					`startDate=${daysAgo(20)}&endDate=${new Date(TODAY_MS + 12 * DAY_MS).toISOString()}`,
					'Date range cannot exceed 31 days',
				],
				[
					`startDate=${daysAgo(31)}&endDate=${daysAgo(29)}`,
					'startDate is outside the 30-day retention window',
				],
				[`startDate=${daysAgo(2)}&endDate=${daysAgo(3)}`, 'endDate must be after startDate'],
				[
					`startDate=${daysAgo(2).slice(0, 10)}&endDate=${daysAgo(1)}`,
					'startDate must be an ISO-8601',
				],
				[
					`startDate=${daysAgo(2).replace('Z', '+00:00')}&endDate=${daysAgo(1)}`,
					'startDate must be an ISO-8601',
				],
				[
					`startDate=${daysAgo(2)}&endDate=${daysAgo(1)}&top=0`,
					'top must be a whole number from 1 to 10000',
				],
				[
					`startDate=${daysAgo(2)}&endDate=${daysAgo(1)}&top=10001`,
					'top must be a whole number from 1 to 10000',
				],
				[
					`startDate=${daysAgo(2)}&endDate=${daysAgo(1)}&skip=-1`,
					'skip must be a whole number of 0 or more',
				],
				[`startDate=${daysAgo(2)}&endDate=${daysAgo(1)}&orderBy=agentId`, 'orderBy must be'],
				[
					`startDate=${daysAgo(2)}&endDate=${daysAgo(1)}&fields=contactId,sentiment`,
					'fields has unknown field(s) sentiment',
				],
				[`updatedSince=${daysAgo(31)}`, 'updatedSince is outside the 30-day retention window'],
			];
			for (const [query, problem] of cases) {
				const response = await reporting(sim, token, `/contacts/completed?${query}`);
				expect([query, response.status]).toEqual([query, 400]);
				expect(statusText(response)).toContain(problem);
			}
			const full = await reporting(
				sim,
				token,
				`/contacts/completed?startDate=${daysAgo(29)}&endDate=${daysAgo(28)}&top=1`,
			);
			expect(full.status).toBe(200);
		});

		it('returns up to 10,000 records by default', async () => {
			const response = await reporting(sim, token, `/contacts/completed?${busyWeekdays(2)}`);
			expect(response.status).toBe(200);
			expect(response.body.totalRecords).toBeGreaterThan(10_000);
			expect(response.body.completedContacts).toHaveLength(10_000);
		});

		it('returns only the requested fields and filters by skill, team, agent and media type', async () => {
			const window = busyWeekdays(1);
			const narrow = await reporting(
				sim,
				token,
				`/contacts/completed?${window}&top=5&fields=contactId,skillId`,
			);
			for (const record of narrow.body.completedContacts)
				expect(Object.keys(record).sort()).toEqual(['contactId', 'skillId']);

			const { contacts: all } = await fetchAllContacts(sim, token, window);
			const skill = universe.skills[1];
			const agent = universe.agents[4];
			const filters: Array<[string, (contact: ContactRecord) => boolean]> = [
				[`skillId=${skill.skillId}`, (contact) => contact.skillId === skill.skillId],
				[`teamId=${agent.teamId}`, (contact) => contact.teamId === agent.teamId],
				[`agentId=${agent.agentId}`, (contact) => contact.agentId === agent.agentId],
				[`mediaTypeId=4`, (contact) => contact.mediaTypeId === 4],
			];
			for (const [filter, matches] of filters) {
				const { contacts } = await fetchAllContacts(sim, token, `${window}&${filter}`);
				const expected = all.filter(matches);
				expect(expected.length).toBeGreaterThan(0);
				expect(contacts.map((contact) => contact.contactId)).toEqual(
					expected.map((contact) => contact.contactId),
				);
			}
		});

		it('keeps every contact consistent: handle = agent + hold + ACW, abandoned contacts have no work', async () => {
			const { contacts } = await fetchAllContacts(sim, token, busyWeekdays(1));
			const skillById = new Map(universe.skills.map((skill) => [skill.skillId, skill]));
			const problems = contacts.flatMap((contact) => {
				const skill = skillById.get(contact.skillId);
				const work = contact.agentSeconds + contact.holdSeconds + contact.acwSeconds;
				const checks: Array<[string, boolean]> = [
					[
						'duration = queue + agent + hold + ACW',
						contact.totalDurationSeconds === contact.inQueueSeconds + work,
					],
					[
						'service level flag 0 or 1',
						contact.serviceLevelFlag === 0 || contact.serviceLevelFlag === 1,
					],
					[
						'updated after the end',
						Date.parse(contact.lastUpdateTime) >
							Date.parse(contact.contactStartDate) + contact.totalDurationSeconds * 1000,
					],
					['media type of the skill', contact.mediaTypeId === skill?.mediaTypeId],
					['direction of the skill', contact.isOutbound === skill?.isOutbound],
					[
						'abandon seconds',
						contact.abandonSeconds === (contact.abandoned ? contact.inQueueSeconds : 0),
					],
					[
						'abandoned contacts have no work, no service level and no transfer',
						!contact.abandoned ||
							(work === 0 && contact.serviceLevelFlag === 0 && contact.transferIndicatorId === 0),
					],
				];
				return checks.filter(([, ok]) => !ok).map(([rule]) => `${contact.contactId}: ${rule}`);
			});
			expect(contacts.length).toBeGreaterThan(1000);
			expect(problems).toEqual([]);
		});

		it('lists contacts updated since a time, by lastUpdateTime, and never ones updated after lastPollTime', async () => {
			const since = new Date(testNow() - 3 * 3_600_000).toISOString();
			const first = await fetchAllContacts(
				sim,
				token,
				`updatedSince=${since}&orderBy=lastUpdateTime%20asc`,
			);
			expect(first.contacts.length).toBeGreaterThan(0);
			const lastPollMs = Date.parse(first.pages[0].lastPollTime);
			expect(lastPollMs).toBeLessThanOrEqual(testNow());
			const misplaced = first.contacts.filter((contact, i) => {
				const updatedMs = Date.parse(contact.lastUpdateTime);
				const previousMs = i === 0 ? -Infinity : Date.parse(first.contacts[i - 1].lastUpdateTime);
				return updatedMs < Date.parse(since) || updatedMs >= lastPollMs || updatedMs < previousMs;
			});
			expect(misplaced).toEqual([]);
			// The next incremental run starts at lastPollTime and never repeats a contact.
			const second = await fetchAllContacts(
				sim,
				token,
				`updatedSince=${first.pages[0].lastPollTime}&orderBy=lastUpdateTime%20asc`,
			);
			const firstIds = new Set(first.contacts.map((contact) => contact.contactId));
			expect(second.contacts.filter((contact) => firstIds.has(contact.contactId))).toEqual([]);
		});
	});

	describe('aggregating completed contacts equals the ground truth', () => {
		const metrics = [
			{ name: 'count', aggregation: 'sum' },
			{ name: 'handle_time', aggregation: 'avg' },
			{ name: 'handle_time', aggregation: 'sum' },
			{ name: 'talk_time', aggregation: 'avg' },
			{ name: 'hold_time', aggregation: 'avg' },
			{ name: 'acw_time', aggregation: 'avg' },
			{ name: 'queue_time', aggregation: 'max' },
			{ name: 'abandoned', aggregation: 'pct' },
			{ name: 'service_level', aggregation: 'pct' },
			{ name: 'transferred', aggregation: 'pct' },
		];

		/** Client-side aggregation of records into truth-shaped values, one entry per row key. */
		function aggregate(contacts: ContactRecord[], keyOf: (contact: ContactRecord) => string) {
			const groups = new Map<string, ContactRecord[]>();
			for (const contact of contacts) {
				const key = keyOf(contact);
				groups.set(key, [...(groups.get(key) ?? []), contact]);
			}
			const sum = (group: ContactRecord[], value: (contact: ContactRecord) => number) =>
				group.reduce((total, contact) => total + value(contact), 0);
			const result = new Map<string, number[]>();
			for (const [key, group] of groups) {
				const handle = sum(group, (c) => c.agentSeconds + c.holdSeconds + c.acwSeconds);
				const n = group.length;
				// service_level: the share of flag 1 among the flags 0 and 1 (the simulator never uses −1).
				const flagged = group.filter((c) => c.serviceLevelFlag !== -1);
				result.set(key, [
					n,
					roundTo4(handle / n),
					handle,
					roundTo4(sum(group, (c) => c.agentSeconds) / n),
					roundTo4(sum(group, (c) => c.holdSeconds) / n),
					roundTo4(sum(group, (c) => c.acwSeconds) / n),
					Math.max(...group.map((c) => c.inQueueSeconds)),
					roundTo4((100 * group.filter((c) => c.abandoned).length) / n),
					roundTo4((100 * flagged.filter((c) => c.serviceLevelFlag === 1).length) / flagged.length),
					roundTo4((100 * group.filter((c) => c.transferIndicatorId !== 0).length) / n),
				]);
			}
			return result;
		}

		it('by day, skill.id and channel, after mapping the platform ids', async () => {
			const startDate = daysAgo(5);
			const endDate = daysAgo(3);
			const { contacts } = await fetchAllContacts(
				sim,
				token,
				`startDate=${startDate}&endDate=${endDate}`,
			);
			const skillById = new Map(universe.skills.map((skill) => [skill.skillId, skill.analyticsId]));
			const channelById = new Map(
				universe.mediaTypes.map((type) => [type.mediaTypeId, type.analyticsId]),
			);
			const actual = aggregate(
				contacts,
				(contact) =>
					`${contact.contactStartDate.slice(0, 10)}T00:00:00Z|${skillById.get(contact.skillId)}|${channelById.get(contact.mediaTypeId)}`,
			);
			const rows = await truth(sim, {
				metrics,
				dimensions: [{ name: 'skill.id' }, { name: 'channel' }],
				timeSeries: { bucketSize: 'DAY', start: startDate, end: endDate, timeZone: 'UTC' },
			});
			const expected = new Map(
				rows.map((row) => [
					`${row.timeSeries}|${row.dimensions['skill.id']}|${row.dimensions.channel}`,
					row.metrics.map((metric) => metric.value),
				]),
			);
			expect(expected.size).toBeGreaterThan(20);
			expect(actual).toEqual(expected);
		});

		it('by team.id, agent.id, direction and disposition', async () => {
			const startDate = daysAgo(4);
			const endDate = daysAgo(3);
			const { contacts } = await fetchAllContacts(
				sim,
				token,
				`startDate=${startDate}&endDate=${endDate}`,
			);
			const teamById = new Map(universe.teams.map((team) => [team.teamId, team.analyticsId]));
			const agentById = new Map(universe.agents.map((agent) => [agent.agentId, agent.analyticsId]));
			const dispositionByCode = new Map(
				universe.dispositions.map((disposition) => [
					disposition.dispositionCode,
					disposition.analyticsId,
				]),
			);
			const actual = aggregate(
				contacts,
				(contact) =>
					`${teamById.get(contact.teamId)}|${agentById.get(contact.agentId)}|${contact.isOutbound ? 'outbound' : 'inbound'}|${dispositionByCode.get(contact.dispositionCode)}`,
			);
			const rows = await truth(sim, {
				metrics,
				dimensions: [
					{ name: 'team.id' },
					{ name: 'agent.id' },
					{ name: 'direction' },
					{ name: 'disposition' },
				],
				timeSeries: { bucketSize: 'DAY', start: startDate, end: endDate, timeZone: 'UTC' },
			});
			const expected = new Map(
				rows.map((row) => [
					`${row.dimensions['team.id']}|${row.dimensions['agent.id']}|${row.dimensions.direction}|${row.dimensions.disposition}`,
					row.metrics.map((metric) => metric.value),
				]),
			);
			expect(actual).toEqual(expected);
		});
	});

	describe('GET /skills/summary', () => {
		it('summarises the same contacts per skill', async () => {
			const window = `startDate=${daysAgo(7)}&endDate=${daysAgo(6)}`;
			const response = await reporting(sim, token, `/skills/summary?${window}`);
			expect(response.status).toBe(200);
			const { contacts } = await fetchAllContacts(sim, token, window);
			const summaries = response.body.skillSummaries;
			expect(summaries.map((summary: { skillId: number }) => summary.skillId)).toEqual(
				[...new Set(contacts.map((contact) => contact.skillId))].sort((a, b) => a - b),
			);
			for (const summary of summaries) {
				const group = contacts.filter((contact) => contact.skillId === summary.skillId);
				const handled = group.filter((contact) => !contact.abandoned);
				const perHandled = (value: (contact: ContactRecord) => number) =>
					handled.reduce((total, contact) => total + value(contact), 0) / handled.length;
				const within = group.filter((contact) => contact.serviceLevelFlag === 1).length;
				expect(summary).toMatchObject({
					skillName: group[0].skillName,
					mediaTypeId: group[0].mediaTypeId,
					isOutbound: group[0].isOutbound,
					contactsOffered: group.length,
					contactsHandled: handled.length,
					abandonCount: group.length - handled.length,
					abandonRate: roundTo4((100 * (group.length - handled.length)) / group.length),
					serviceLevel: roundTo4((100 * within) / group.length),
					contactsWithinSLA: within,
					contactsOutOfSLA: group.length - within,
				});
				expect(isoDurationSeconds(summary.averageHandleTime)).toBeCloseTo(
					perHandled((c) => c.agentSeconds + c.holdSeconds + c.acwSeconds),
					2,
				);
				expect(isoDurationSeconds(summary.averageSpeedToAnswer)).toBeCloseTo(
					perHandled((c) => c.inQueueSeconds),
					2,
				);
				expect(isoDurationSeconds(summary.averageTalkTime)).toBeCloseTo(
					perHandled((c) => c.agentSeconds),
					2,
				);
				expect(isoDurationSeconds(summary.averageWrapTime)).toBeCloseTo(
					perHandled((c) => c.acwSeconds),
					2,
				);
				expect(isoDurationSeconds(summary.holdTime)).toBe(
					group.reduce((total, contact) => total + contact.holdSeconds, 0),
				);
			}
		});

		it('filters by media type and direction, serves one skill, and answers 204 and 400 like the contacts', async () => {
			const window = `startDate=${daysAgo(7)}&endDate=${daysAgo(6)}`;
			const outbound = await reporting(sim, token, `/skills/summary?${window}&isOutbound=true`);
			expect(outbound.body.skillSummaries.length).toBeGreaterThan(0);
			for (const summary of outbound.body.skillSummaries) expect(summary.isOutbound).toBe(true);
			const chat = await reporting(sim, token, `/skills/summary?${window}&mediaTypeId=3`);
			for (const summary of chat.body.skillSummaries) expect(summary.mediaTypeId).toBe(3);
			const skillId = universe.skills[2].skillId;
			const one = await reporting(sim, token, `/skills/${skillId}/summary?${window}`);
			expect(
				one.body.skillSummaries.map((summary: { skillId: number }) => summary.skillId),
			).toEqual([skillId]);

			const soon = new Date(testNow() + 3_600_000).toISOString();
			const later = new Date(testNow() + 7_200_000).toISOString();
			expect(
				(await reporting(sim, token, `/skills/summary?startDate=${soon}&endDate=${later}`)).status,
			).toBe(204);
			const tooLong = await reporting(
				sim,
				token,
				`/skills/summary?startDate=${daysAgo(20)}&endDate=${new Date(TODAY_MS + 12 * DAY_MS).toISOString()}`,
			);
			expect(tooLong.status).toBe(400);
			expect(statusText(tooLong)).toBe('Date range cannot exceed 31 days');
			const tooOld = await reporting(
				sim,
				token,
				`/skills/summary?startDate=${daysAgo(31)}&endDate=${daysAgo(30)}`,
			);
			expect(statusText(tooOld)).toBe('startDate is outside the 30-day retention window');
		});
	});

	describe('report jobs', () => {
		const dates = () => ({ startDate: daysAgo(3), endDate: daysAgo(1) });

		async function reportTruth(reportId: number) {
			const response = await request({
				method: 'POST',
				url: `${sim.baseUrl}/_sim/platform/report-truth`,
				body: { reportId, ...dates() },
			});
			expect(response.status).toBe(200);
			return response.body as {
				headers: string[];
				rows: Array<Record<string, string>>;
				fileName: string;
			};
		}

		async function startJob(
			reportId: number | string,
			query = '?fileType=CSV&includeHeaders=true',
		) {
			const response = await reporting(sim, token, `/report-jobs/${reportId}${query}`, {
				method: 'POST',
				body: dates(),
			});
			return response;
		}

		for (const reportId of [1001, 1002]) {
			it(`runs report ${reportId} through Pending/Running to Finished and serves its CSV`, async () => {
				const started = await startJob(reportId);
				expect(started.status).toBe(202);
				expect(started.body).toEqual({ jobId: expect.any(String) });
				const { jobResult, states } = await pollJob(sim, token, started.body.jobId);
				expect(states.length).toBeGreaterThan(2);
				expect(
					states.slice(0, -1).every((state) => state === 'Pending' || state === 'Running'),
				).toBe(true);
				expect(jobResult).toEqual({
					jobId: started.body.jobId,
					state: 'Finished',
					resultFileURL: expect.stringMatching(new RegExp(`^${sim.baseUrl}/`)),
					fileName: `report_${reportId}.csv`,
				});
				const file = await request({ url: jobResult.resultFileURL });
				expect(file.status).toBe(200);
				expect(file.headers['content-type']).toMatch(/^text\/csv/);
				const expected = await reportTruth(reportId);
				const [header, ...rows] = parseCsv(file.body);
				expect(header).toEqual(expected.headers);
				expect(
					rows.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i]]))),
				).toEqual(expected.rows);
				// RFC 4180 quoting is exercised: a field with a comma, one with a quote.
				const cells = rows.flat();
				expect(cells.some((cell) => cell.includes(','))).toBe(true);
				expect(cells.some((cell) => cell.includes('"'))).toBe(true);
				expect(file.body).toContain('""');
			});
		}

		it('mints a fresh result URL at each poll; an old one expires (403 "The link has expired")', async () => {
			const started = await startJob(1001);
			const { jobResult } = await pollJob(sim, token, started.body.jobId);
			expect((await request({ url: jobResult.resultFileURL })).status).toBe(200);
			await wait(1100);
			const expired = await request({ url: jobResult.resultFileURL });
			expect(expired.status).toBe(403);
			expect(statusText(expired)).toBe('The link has expired');
			const again = await reporting(sim, token, `/report-jobs/${started.body.jobId}`);
			expect(again.body.jobResult.resultFileURL).not.toBe(jobResult.resultFileURL);
			expect((await request({ url: again.body.jobResult.resultFileURL })).status).toBe(200);
			const tampered = again.body.jobResult.resultFileURL.replace(
				/expires=\d+/,
				'expires=99999999999999',
			);
			expect((await request({ url: tampered })).status).toBe(403);
		});

		it('leaves out the header row with includeHeaders=false', async () => {
			const started = await startJob(1002, '?fileType=CSV&includeHeaders=false');
			const { jobResult } = await pollJob(sim, token, started.body.jobId);
			const file = await request({ url: jobResult.resultFileURL });
			const expected = await reportTruth(1002);
			const rows = parseCsv(file.body);
			expect(rows).toHaveLength(expected.rows.length);
			expect(rows[0][0]).toBe(expected.rows[0].Date);
		});

		it('ends a job Failed on a queued fault; started again it finishes', async () => {
			await request({
				method: 'POST',
				url: `${sim.baseUrl}/_sim/faults`,
				body: { failNextReportJobs: 1 },
			});
			const failed = await pollJob(sim, token, (await startJob(1001)).body.jobId);
			expect(failed.jobResult).toMatchObject({ state: 'Failed', resultFileURL: null });
			const retried = await pollJob(sim, token, (await startJob(1001)).body.jobId);
			expect(retried.jobResult.state).toBe('Finished');
		});

		it('answers 404 to an unknown report or job, and 400 to a range over 31 days', async () => {
			const unknownReport = await startJob(999);
			expect(unknownReport.status).toBe(404);
			expect(statusText(unknownReport)).toContain('Report 999 not found');
			expect((await reporting(sim, token, '/report-jobs/123')).status).toBe(404);
			const tooLong = await reporting(sim, token, '/report-jobs/1001', {
				method: 'POST',
				body: { startDate: daysAgo(20), endDate: new Date(TODAY_MS + 12 * DAY_MS).toISOString() },
			});
			expect(tooLong.status).toBe(400);
			expect(statusText(tooLong)).toBe('Date range cannot exceed 31 days');
		});

		it('answers datadownload synchronously with the CSV base64-encoded', async () => {
			const { startDate, endDate } = dates();
			const response = await reporting(
				sim,
				token,
				`/report-jobs/datadownload/1002?startDate=${startDate}&endDate=${endDate}&saveAsFile=false`,
				{ method: 'POST' },
			);
			expect(response.status).toBe(200);
			expect(response.body.fileName).toBe('report_1002.csv');
			const [header, ...rows] = parseCsv(
				Buffer.from(response.body.file, 'base64').toString('utf8'),
			);
			const expected = await reportTruth(1002);
			expect(header).toEqual(expected.headers);
			expect(
				rows.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i]]))),
			).toEqual(expected.rows);
		});
	});

	describe('test hooks', () => {
		it('maps analytics ids to platform numbers', () => {
			expect(universe.skills[0]).toMatchObject({ analyticsId: 'skill_01', skillId: 1001 });
			expect(universe.teams[7]).toMatchObject({ analyticsId: 'team_08', teamId: 2008 });
			expect(universe.agents[39]).toMatchObject({ analyticsId: 'agent_040', agentId: 3040 });
			expect(universe.dispositions.map((disposition) => disposition.dispositionCode)).toEqual([
				1, 2, 3, 4, 5, 6,
			]);
			expect(universe.mediaTypes).toEqual(
				expect.arrayContaining([
					{ analyticsId: 'voice', mediaTypeId: 4, mediaTypeName: 'Phone Call' },
					{ analyticsId: 'chat', mediaTypeId: 3, mediaTypeName: 'Chat' },
					{ analyticsId: 'email', mediaTypeId: 1, mediaTypeName: 'Email' },
					{ analyticsId: 'sms', mediaTypeId: 7, mediaTypeName: 'SMS' },
					{ analyticsId: 'social', mediaTypeId: 8, mediaTypeName: 'Social' },
				]),
			);
		});

		it('counts platform requests in /_sim/stats', async () => {
			await platformToken(sim);
			await reporting(
				sim,
				token,
				`/contacts/completed?startDate=${daysAgo(2)}&endDate=${daysAgo(1)}&top=1`,
			);
			await reporting(sim, token, `/skills/summary?startDate=${daysAgo(2)}&endDate=${daysAgo(1)}`);
			const stats = (await request({ url: `${sim.baseUrl}/_sim/stats` })).body;
			expect(stats.platform.requests).toMatchObject({
				token: 1,
				completedContacts: 1,
				skillsSummary: 1,
			});
			expect(stats.requests.other).toBe(0);
		});
	});
});

describe('simulator, CXone platform mode: expiring tokens and the flaky profile', () => {
	it('expires tokens after --token-ttl', async () => {
		const sim = await startPlatformSimulator({ extraArgs: ['--token-ttl', '1'] });
		try {
			const token = await platformToken(sim);
			const path = `/skills/summary?startDate=${daysAgo(2)}&endDate=${daysAgo(1)}`;
			expect((await reporting(sim, token, path)).status).toBe(200);
			await wait(1100);
			const expired = await reporting(sim, token, path);
			expect(expired.status).toBe(401);
			expect(statusText(expired)).toBe('Invalid token');
		} finally {
			await sim.stop();
		}
	});

	it('faults Reporting GETs and expires tokens early; a client that retries and renews gets through', async () => {
		const sim = await startPlatformSimulator({ profile: 'flaky', seed: 3 });
		try {
			let token = await platformToken(sim);
			const seen = new Set<number>();
			for (let day = 1; day <= 25; day++) {
				const path = `/skills/summary?startDate=${daysAgo(day + 1)}&endDate=${daysAgo(day)}`;
				let served = false;
				for (let attempt = 0; attempt < 8 && !served; attempt++) {
					let response: Response;
					try {
						response = await reporting(sim, token, path);
					} catch {
						seen.add(0); // connection reset
						continue;
					}
					seen.add(response.status);
					if (response.status === 200) served = true;
					else if (response.status === 401) token = await platformToken(sim);
					else expect([429, 500, 502, 503, 504]).toContain(response.status);
				}
				expect(served).toBe(true);
			}
			expect([...seen].some((status) => status !== 200)).toBe(true);
			const stats = (await request({ url: `${sim.baseUrl}/_sim/stats` })).body;
			const { tooManyRequests, unavailable, serverError, connectionReset, tokenExpired } =
				stats.faults;
			expect(
				tooManyRequests + unavailable + serverError + connectionReset + tokenExpired,
			).toBeGreaterThan(0);
		} finally {
			await sim.stop();
		}
	});
});

describe('simulator, CXone platform mode: the clock', () => {
	// A Sunday evening in Chicago: Monday 01:00 UTC.
	const PINNED = '2025-03-09T20:00:00-05:00';
	const PINNED_MS = Date.parse(PINNED);

	it('--now pins it: tokens are issued at that instant and the 30-day reach counts back from it', async () => {
		const sim = await startPlatformSimulator({ extraArgs: ['--now', PINNED] });
		try {
			const token = await platformToken(sim);
			const issuedMs = jwtPart(token, 1).iat * 1000;
			expect(issuedMs).toBeGreaterThanOrEqual(PINNED_MS - 1000);
			expect(issuedMs).toBeLessThan(PINNED_MS + 20_000);
			const window = (fromDays: number, toDays: number) =>
				`startDate=${isoSeconds(PINNED_MS - fromDays * DAY_MS)}&endDate=${isoSeconds(PINNED_MS - toDays * DAY_MS)}`;
			const tooOld = await reporting(sim, token, `/contacts/completed?${window(31, 29)}`);
			expect(tooOld.status).toBe(400);
			expect(statusText(tooOld)).toBe('startDate is outside the 30-day retention window');
			const inReach = await reporting(sim, token, `/contacts/completed?${window(29, 28)}&top=1`);
			expect(inReach.status).toBe(200);
			expect(inReach.body.completedContacts[0].contactStartDate.slice(0, 10)).toBe('2025-02-09');
			// Nothing after the pinned instant has completed yet.
			const ahead = await reporting(
				sim,
				token,
				`/contacts/completed?startDate=${isoSeconds(PINNED_MS + 3_600_000)}&endDate=${isoSeconds(PINNED_MS + 7_200_000)}`,
			);
			expect(ahead.status).toBe(204);
		} finally {
			await sim.stop();
		}
	});

	it('refuses a --now without a time zone offset, which would move with the machine', async () => {
		await expect(
			startPlatformSimulator({ extraArgs: ['--now', '2025-03-09T20:00:00'] }),
		).rejects.toThrow(
			'--now needs an ISO-8601 date-time with Z or an offset, e.g. 2026-01-14T10:00:00Z, got "2025-03-09T20:00:00".',
		);
	});
});
