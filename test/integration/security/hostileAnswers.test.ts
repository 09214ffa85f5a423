/**
 * Answers a hostile or broken server may send, over real local HTTP: report files that would
 * amplify into millions of properties, errors that quote the token, report links to other hosts,
 * paging that does not move on, and answers that are not the documented JSON.
 */
import nock from 'nock';

import { NiceCxoneAnalytics } from '../../../nodes/NiceCxoneAnalytics/NiceCxoneAnalytics.node';
import { useTestClockForDateNow } from '../../support/clock';
import { sendJson, startHostileServer } from './support/hostile';
import { createN8nLikeContext, runNode } from './support/n8nLike';
import {
	ACCESS_KEY_SECRET,
	CLIENT_SECRET,
	REPORTING,
	TOKEN,
	aggregateParams,
	contact,
	finishedReportJob,
	platformCredential,
	reportParams,
	startPlatform,
} from './support/platform';
import { analyticsQueryParams, serverCredential, serverTracker } from './support/servers';

// The node's 30-day reach and relative ranges read Date.now(): the tests' pinned clock, not the machine's.
useTestClockForDateNow();

const track = serverTracker();

/** A platform whose report job finishes with `csv` as its file, served at /files/r.csv. */
async function reportPlatform(csv: string) {
	return await track(
		startPlatform((request, res, server) => {
			if (request.url === '/files/r.csv') {
				res.writeHead(200, { 'Content-Type': 'text/csv' }).end(csv);
				return true;
			}
			return finishedReportJob('job-1', `${server.url}/files/r.csv`)(request, res, server);
		}),
	);
}

const columns = (count: number) => Array.from({ length: count }, (_, i) => `c${i}`).join(',');

describe('Report files become items only within stated limits', () => {
	it.each([
		[
			'4,000 columns and 4,000 one-field records (24 KB)',
			`${columns(4000)}\n${'x\n'.repeat(4000)}`,
			'The report has 4,000 columns; the node turns reports of at most 1,000 columns into items.',
		],
		[
			'1,000 columns and 10,001 one-field records (24 KB)',
			`${columns(1000)}\n${'x\n'.repeat(10_001)}`,
			'The report has 10,001 rows of 1,000 columns (10,001,000 values); the node turns at most 10,000,000 values into items.',
		],
	])('%s are refused, naming Output and what to do', async (_name, csv, what) => {
		const platform = await reportPlatform(csv);
		const { ctx } = createN8nLikeContext({
			params: reportParams(),
			platform: platformCredential(platform),
		});
		const { items, error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(items).toEqual([]);
		expect(error?.message).toBe(
			`${what} Choose Output › CSV File to get the file as it is, or narrow the report (fewer columns in CXone, or a shorter time range).`,
		);
		expect(error?.description).toBe('Field: Output');
	});

	it('the same file is still output whole as a CSV File', async () => {
		const csv = `${columns(4000)}\n${'x\n'.repeat(4000)}`;
		const platform = await reportPlatform(csv);
		const { ctx } = createN8nLikeContext({
			params: reportParams({ reportOutput: 'binary' }),
			platform: platformCredential(platform),
		});
		const { items, error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error).toBeUndefined();
		expect(Buffer.from(String(items[0].binary?.data.data), 'base64').toString('utf8')).toBe(csv);
	});

	it('a normal report becomes one item per row, exactly', async () => {
		const platform = await reportPlatform(
			'skill,offered,rate,code\r\n"Sales, EMEA",12,2.5,007\r\nSupport,0,-1.25,1e3\r\n',
		);
		const { ctx } = createN8nLikeContext({
			params: reportParams(),
			platform: platformCredential(platform),
		});
		const { items, error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json)).toEqual([
			{ skill: 'Sales, EMEA', offered: 12, rate: 2.5, code: '007' },
			{ skill: 'Support', offered: 0, rate: -1.25, code: '1e3' },
		]);
	});
});

describe('An error that quotes the token that was sent is redacted, whatever the token looks like', () => {
	const TOKENS = [
		// Standard base64 with '/' and no '+' or '=': no pattern takes it for a key.
		'q2V/9xZb3LkR0pN4mT7sW1yE5uA8cH6dJ0fG2hK4lM9n',
		// A short opaque token.
		'at_5f3c9e1b72',
		// A long token of letters only.
		'kqzvhwtrmplxbdnfgsyjcaoeuiKQZVHWTRMPLXBD',
	];

	/** An analytics API that hands out `token` and refuses every query, quoting the token it got. */
	async function echoingApi(token: string) {
		return await track(
			startHostileServer((request, res, server) => {
				const url = new URL(request.url, server.url);
				if (url.pathname === '/oauth/token')
					return sendJson(res, 200, { access_token: token, token_type: 'Bearer' });
				return sendJson(res, 400, {
					error: 'invalid_request',
					message: `the access token ${String(request.headers.authorization).slice(7)} has expired`,
				});
			}),
		);
	}

	it.each(TOKENS)('%s: not in the error, its description or the output item', async (token) => {
		for (const continueOnFail of [false, true]) {
			const api = await echoingApi(token);
			const { ctx, log } = createN8nLikeContext({
				params: analyticsQueryParams({ timeoutSeconds: 10 }),
				analytics: serverCredential(api),
				continueOnFail,
			});
			const { items, error } = await runNode(new NiceCxoneAnalytics(), ctx);
			// The server did get the token and did quote it.
			expect(api.received.some((r) => r.headers.authorization === `Bearer ${token}`)).toBe(true);
			const said = continueOnFail ? items[0].json.error : error?.message;
			expect(said).toBe(
				'The CXone API rejected the query: the access token [redacted] has expired',
			);
			const text = JSON.stringify({
				items,
				message: error?.message,
				description: error?.description,
				logged: log.logged,
			});
			expect(text.includes(token)).toBe(false);
		}
	});

	it('not in the audit record or the signed "failed" webhook body sent to another host', async () => {
		const token = 'at_5f3c9e1b72';
		const api = await echoingApi(token);
		const hooks = await track(startHostileServer((_request, res) => sendJson(res, 200, {})));
		const { ctx } = createN8nLikeContext({
			params: analyticsQueryParams({
				timeoutSeconds: 10,
				webhookUrl: `${hooks.url}/hook`,
				webhookEvents: ['completed', 'failed'],
				audit: 'output',
			}),
			analytics: serverCredential(api),
			webhookSigning: { secret: 'w'.repeat(40) },
			continueOnFail: true,
		});
		const { items, outputs } = await runNode(new NiceCxoneAnalytics(), ctx);
		const bodies = hooks.received.map(
			(r) => JSON.parse(r.body) as { event: string; error: string },
		);
		expect(bodies.map((body) => [body.event, body.error])).toEqual([
			['failed', 'The CXone API rejected the query: the access token [redacted] has expired'],
		]);
		expect(hooks.received.some((r) => r.body.includes(token))).toBe(false);
		expect(JSON.stringify({ items, outputs }).includes(token)).toBe(false);
	});

	it("the platform's icStatusDescription header that quotes a short opaque token", async () => {
		const token = 'at_5f3c9e1b72';
		const platform = await track(
			startPlatform((request, res) => {
				if (request.url === '/auth/token') {
					sendJson(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
					return true;
				}
				if (!request.url.startsWith(`${REPORTING}/contacts/completed`)) return false;
				sendJson(
					res,
					400,
					{},
					{
						icStatusDescription: `Token ${String(request.headers.authorization).slice(7)} is not valid for this tenant`,
					},
				);
				return true;
			}),
		);
		const { ctx } = createN8nLikeContext({
			params: aggregateParams(),
			platform: platformCredential(platform),
		});
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(platform.received.some((r) => r.headers.authorization === `Bearer ${token}`)).toBe(true);
		expect(error?.message).toBe(
			'CXone refused the request: Token [redacted] is not valid for this tenant (HTTP 400).',
		);
		expect(JSON.stringify({ m: error?.message, d: error?.description }).includes(token)).toBe(
			false,
		);
	});
});

describe('A report file link is fetched only from the tenant or NICE, and never with the token', () => {
	const AUTH = 'https://cxone.niceincontact.com';
	const API = 'https://api-na1.niceincontact.com';

	/** A real https CXone platform (nock) whose report job links to `link`. */
	function niceTenant(link: string) {
		nock(AUTH)
			.get('/.well-known/openid-configuration')
			.reply(200, { token_endpoint: `${AUTH}/auth/token` })
			.post('/auth/token')
			.reply(200, { access_token: TOKEN, token_type: 'Bearer', expires_in: 3600 })
			.get('/.well-known/cxone-configuration')
			.query(true)
			.reply(200, { api_endpoint: API });
		return nock(API)
			.post(/report-jobs\/1001/)
			.query(true)
			.reply(202, { jobId: 'j1' })
			.get(/report-jobs\/j1/)
			.reply(200, { jobResult: { state: 'Finished', fileName: 'r.csv', resultFileURL: link } });
	}

	const credential = {
		accessKeyId: 'AK1',
		accessKeySecret: ACCESS_KEY_SECRET,
		clientId: 'client-1',
		clientSecret: CLIENT_SECRET,
		authHost: AUTH,
	};

	beforeEach(() => {
		nock.disableNetConnect();
		nock.enableNetConnect('127.0.0.1');
	});
	afterEach(() => {
		nock.cleanAll();
		nock.enableNetConnect();
	});

	it.each([
		['plain http on this machine', (port: string) => `http://127.0.0.1:${port}/internal/admin`],
		['https on this machine', (port: string) => `https://localhost:${port}/internal/admin`],
		['https on another host', () => 'https://files.example.com/r.csv?sig=abc'],
		['http on the API host', () => 'http://api-na1.niceincontact.com/files/r.csv'],
	])('%s, from an https API host, is refused and not requested', async (_name, link) => {
		const internal = await track(
			startHostileServer((_request, res) => {
				res.writeHead(200, { 'Content-Type': 'text/plain' }).end('setting,value\r\npw,hunter2\r\n');
			}),
		);
		const url = link(new URL(internal.url).port);
		const api = niceTenant(url);
		const { ctx } = createN8nLikeContext({ params: reportParams(), platform: credential });
		const { items, error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(api.isDone()).toBe(true);
		expect(internal.received).toEqual([]);
		expect(items).toEqual([]);
		expect(error?.message).toBe(
			`The file link of report job j1 (${new URL(url).origin}${new URL(url).pathname}) is not an https address on the tenant's API host (https://api-na1.niceincontact.com) or on NICE's CXone domains (niceincontact.com, nice-incontact.com); nothing was downloaded. Run the workflow again, and report it to NICE if it persists.`,
		);
	});

	it.each([
		['on the API host', `${API}/files/r.csv?sig=abc`],
		['on another NICE host', 'https://reports.nice-incontact.com/files/r.csv?sig=abc'],
	])('https %s is downloaded, without the token', async (_name, link) => {
		const api = niceTenant(link);
		let authorization: string | string[] | undefined = 'not asked';
		const file = nock(new URL(link).origin)
			.get('/files/r.csv')
			.query({ sig: 'abc' })
			.reply(function () {
				authorization = this.req.headers.authorization;
				return [200, 'Agent,Contacts\r\nAda,3\r\n', { 'Content-Type': 'text/csv' }];
			});
		const { ctx } = createN8nLikeContext({ params: reportParams(), platform: credential });
		const { items, error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error).toBeUndefined();
		expect(api.isDone() && file.isDone()).toBe(true);
		expect(authorization).toBeUndefined();
		expect(items.map((item) => item.json)).toEqual([{ Agent: 'Ada', Contacts: 3 }]);
	});
});

describe('Updated contacts: paging must move on, and every contact needs a contactId', () => {
	/** A platform whose updated contacts are `contacts()` on every page, each linking to a new one. */
	async function endlessPages(contacts: () => unknown[]) {
		return await track(
			startPlatform(
				(request, res) => {
					if (!request.url.startsWith(`${REPORTING}/contacts/completed`)) return false;
					const page = request.url.includes('page=') ? Number(request.url.split('page=')[1]) : 0;
					sendJson(res, 200, {
						completedContacts: contacts(),
						lastPollTime: new Date().toISOString(),
						_links: { next: `${REPORTING}/contacts/completed?page=${page + 1}` },
					});
					return true;
				},
				{ maxRequests: 1000 },
			),
		);
	}

	const run = async (platform: Awaited<ReturnType<typeof startPlatform>>) => {
		const { ctx } = createN8nLikeContext({
			params: aggregateParams({ options: { timeZone: 'UTC', onlySinceLastRun: true } }),
			platform: platformCredential(platform),
			staticData: { 'updatedSince:0': new Date(Date.now() - 3_600_000).toISOString() },
		});
		const { items, error } = await runNode(new NiceCxoneAnalytics(), ctx);
		const pages = platform.received.filter((r) =>
			r.url.startsWith(`${REPORTING}/contacts/completed`),
		);
		return { items, error, pages: pages.length };
	};

	it('an empty page that links to another is an error at once', async () => {
		const { items, error, pages } = await run(await endlessPages(() => []));
		expect([items, pages]).toEqual([[], 1]);
		expect(error?.message).toBe(
			"CXone's page 1 of updated contacts holds no contacts, and it links to yet another page: the server does not move on. Nothing was output; run the workflow again.",
		);
	});

	it.each([
		['no contactId', { ...contact(1), contactId: undefined }],
		['an empty contactId', { ...contact(1), contactId: '' }],
		['a null contactId', { ...contact(1), contactId: null }],
	])('a contact with %s is refused, not counted', async (_name, idless) => {
		const { items, error, pages } = await run(await endlessPages(() => [contact(7), idless]));
		expect([items, pages]).toEqual([[], 1]);
		expect(error?.message).toBe(
			"CXone's page 1 of updated contacts holds a contact without a contactId; without it a contact updated twice cannot be told apart and would be counted twice. Nothing was output; run the workflow again, and report it to NICE if it persists.",
		);
	});
});

describe('An answer that is not the documented JSON is an error, not an empty result', () => {
	const TRUNCATED = '{"completedContacts":[{"contactId":1,';
	const ADVICE =
		'Nothing was output; run the workflow again, and report it to NICE if it persists.';

	/** A platform whose `path` answers 200 with `body` as it is, JSON content type and all. */
	async function answering(path: string, body: string) {
		return await track(
			startPlatform((request, res) => {
				if (!request.url.startsWith(`${REPORTING}${path}`)) return false;
				res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
				return true;
			}),
		);
	}

	it.each([
		[
			'a truncated body',
			TRUNCATED,
			'the body was text that is not JSON, beginning {"completedContacts":[{"contactId":1,',
		],
		['an empty body', '', 'the body was empty'],
		['an object without the list', '{"totalRecords":0}', 'its completedContacts was missing'],
		['a list of contacts where the object goes', '[]', 'the body was a list'],
	])('completed contacts: %s', async (_name, body, why) => {
		const platform = await answering('/contacts/completed', body);
		const { ctx } = createN8nLikeContext({
			params: aggregateParams(),
			platform: platformCredential(platform),
		});
		const { items, error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(items).toEqual([]);
		expect(error?.message).toBe(
			`CXone's answer for completed contacts at skip 0 is not the documented JSON (an object with a completedContacts list): ${why}. ${ADVICE}`,
		);
	});

	it('updated contacts (Only Since Last Run): a truncated body', async () => {
		const platform = await answering('/contacts/completed', TRUNCATED);
		const { ctx } = createN8nLikeContext({
			params: aggregateParams({ options: { timeZone: 'UTC', onlySinceLastRun: true } }),
			platform: platformCredential(platform),
			staticData: { 'updatedSince:0': new Date(Date.now() - 3_600_000).toISOString() },
		});
		const { items, error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(items).toEqual([]);
		expect(error?.message).toBe(
			`CXone's answer for page 1 of updated contacts is not the documented JSON (an object with a completedContacts list): the body was text that is not JSON, beginning {"completedContacts":[{"contactId":1,. ${ADVICE}`,
		);
	});

	it.each([
		[
			'a truncated body',
			'{"skillSummaries":[{"skillId":',
			'the body was text that is not JSON, beginning {"skillSummaries":[{"skillId":',
		],
		[
			'an object whose list is not one',
			'{"skillSummaries":{"skillId":1}}',
			'its skillSummaries was not a list',
		],
	])('skill summaries: %s', async (_name, body, why) => {
		const platform = await answering('/skills/summary', body);
		const { ctx } = createN8nLikeContext({
			params: { ...reportParams(), operation: 'getSkillSummary' },
			platform: platformCredential(platform),
		});
		const { items, error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(items).toEqual([]);
		expect(error?.message).toBe(
			`CXone's answer for skill summaries is not the documented JSON (an object with a skillSummaries list): ${why}. ${ADVICE}`,
		);
	});

	it('204 is still no contacts, and no skills', async () => {
		const platform = await track(
			startPlatform((request, res) => {
				if (!request.url.startsWith(REPORTING)) return false;
				res.writeHead(204).end();
				return true;
			}),
		);
		const contacts = createN8nLikeContext({
			params: aggregateParams(),
			platform: platformCredential(platform),
		});
		const skills = createN8nLikeContext({
			params: { ...reportParams(), operation: 'getSkillSummary' },
			platform: platformCredential(platform),
		});
		const [a, b] = [
			await runNode(new NiceCxoneAnalytics(), contacts.ctx),
			await runNode(new NiceCxoneAnalytics(), skills.ctx),
		];
		expect([a.error, a.items, b.error, b.items]).toEqual([undefined, [], undefined, []]);
	});
});
