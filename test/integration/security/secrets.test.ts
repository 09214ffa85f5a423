/**
 * Issue 14, points 1–4: no secret leaves the tenant's own endpoints. Every test runs the nodes against
 * hostile servers on real local HTTP, through request helpers that redirect and re-send credentials
 * as n8n 2.41's do (support/n8nLike.ts).
 */
import type { IDataObject } from 'n8n-workflow';

import { NiceCxoneAnalytics } from '../../../nodes/NiceCxoneAnalytics/NiceCxoneAnalytics.node';
import { createN8nSend } from '../../../nodes/NiceCxoneAnalytics/transport/n8n';
import { fakeJwt, sendJson, startHostileServer, testSecret } from './support/hostile';
import { analyticsQueryParams, serverTracker } from './support/servers';
import { useTestClockForDateNow } from '../../support/clock';
import { createN8nLikeContext, runNode } from './support/n8nLike';
import {
	ACCESS_KEY_SECRET,
	CLIENT_SECRET,
	REPORTING,
	aggregateParams,
	contact,
	finishedReportJob,
	platformCredential,
	reportParams,
	sawSecret,
	startPlatform,
} from './support/platform';

// The node's 30-day reach and relative ranges read Date.now(): the tests' pinned clock, not the machine's.
useTestClockForDateNow();

const track = serverTracker();

const ANALYTICS_SECRET = testSecret('analytics-client');
const WEBHOOK_SECRET = testSecret('webhook-signing');

/** A server that records and answers 200 to anything: the "other host" no secret may reach. */
const elsewhere = async () =>
	await track(startHostileServer((_request, res) => sendJson(res, 200, { ok: true })));

const queryParams = (overrides: IDataObject = {}) =>
	analyticsQueryParams({ timeoutSeconds: 10 }, overrides);

const analyticsCredential = (tokenUrl: string, baseUrl: string) => ({
	tokenUrl,
	baseUrl,
	clientId: 'client-a',
	clientSecret: ANALYTICS_SECRET,
});

describe('1. Authorization goes only to the API endpoint’s own origin', () => {
	it('a _links.next on another host is read from the API host: the other host gets nothing', async () => {
		const other = await elsewhere();
		let pages = 0;
		const platform = await track(
			startPlatform((request, res) => {
				if (!request.url.startsWith(`${REPORTING}/contacts/completed`)) return false;
				pages++;
				sendJson(res, 200, {
					completedContacts: [contact(pages)],
					lastPollTime: new Date().toISOString(),
					_links: {
						next: pages === 1 ? `${other.url}${REPORTING}/contacts/completed?skip=10000` : null,
					},
				});
				return true;
			}),
		);
		const { ctx } = createN8nLikeContext({
			params: aggregateParams({ options: { timeZone: 'UTC', onlySinceLastRun: true } }),
			platform: platformCredential(platform),
			staticData: { 'updatedSince:0': new Date(Date.now() - 3_600_000).toISOString() },
		});
		const { error, items } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error).toBeUndefined();
		expect(other.received).toEqual([]);
		expect(platform.received.map((request) => request.url)).toContain(
			`${REPORTING}/contacts/completed?skip=10000`,
		);
		// Both pages' contacts were counted.
		expect(items.map((item) => item.json.count_sum)).toEqual([2]);
	});

	it('an absolute URL on another origin is refused by the credential itself, token and all', async () => {
		const other = await elsewhere();
		const platform = await track(startPlatform());
		const { ctx } = createN8nLikeContext({
			params: aggregateParams(),
			platform: platformCredential(platform),
		});
		const send = createN8nSend(ctx, undefined, { credentialType: 'niceCxoneApi' });
		const outcome = await send({ method: 'GET', path: `${other.url}/steal` }).then(
			() => undefined,
			(error: Error) => error,
		);
		expect(outcome?.message).toMatch(
			/^The node refused to send the CXone access token to http:\/\/127\.0\.0\.1:\d+\/steal: only the tenant's API host \(http:\/\/127\.0\.0\.1:\d+\) receives it\.$/,
		);
		expect(other.received).toEqual([]);
	});

	it('a _links.next to another path is not followed', async () => {
		const platform = await track(
			startPlatform((request, res, server) => {
				if (!request.url.startsWith(`${REPORTING}/contacts/completed`)) return false;
				sendJson(res, 200, {
					completedContacts: [contact(1)],
					_links: { next: `${server.url}/admin/delete-everything` },
				});
				return true;
			}),
		);
		const { ctx } = createN8nLikeContext({
			params: aggregateParams({ options: { timeZone: 'UTC', onlySinceLastRun: true } }),
			platform: platformCredential(platform),
			staticData: { 'updatedSince:0': new Date(Date.now() - 3_600_000).toISOString() },
		});
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error?.message).toMatch(
			/^CXone's next link \(http:\/\/127\.0\.0\.1:\d+\/admin\/delete-everything\) does not lead to more completed contacts; nothing was requested there\./,
		);
		expect(platform.received.some((request) => request.url.startsWith('/admin'))).toBe(false);
	});

	it('a report file on another host is downloaded without the token', async () => {
		const files = await track(
			startHostileServer((_request, res) => {
				res.writeHead(200, { 'Content-Type': 'text/csv' }).end('Agent,Contacts\r\nAda,3\r\n');
			}),
		);
		const platform = await track(
			startPlatform(finishedReportJob('job-7', `${files.url}/files/r.csv?sig=abc`)),
		);
		const { ctx } = createN8nLikeContext({
			params: reportParams(),
			platform: platformCredential(platform),
		});
		const { items, error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json)).toEqual([{ Agent: 'Ada', Contacts: 3 }]);
		expect(files.received.length).toBe(1);
		expect(sawSecret(files)).toBe(false);
	});

	it('a report file link that redirects to another host is not followed', async () => {
		const other = await elsewhere();
		const files = await track(
			startHostileServer((_request, res) => {
				res.writeHead(302, { Location: `${other.url}/steal` }).end();
			}),
		);
		const platform = await track(startPlatform(finishedReportJob('job-8', `${files.url}/r.csv`)));
		const { ctx } = createN8nLikeContext({
			params: reportParams(),
			platform: platformCredential(platform),
		});
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(other.received).toEqual([]);
		expect(error?.message).toMatch(/redirect \(HTTP 302 to http:\/\/127\.0\.0\.1:\d+\/steal\)/);
	});

	it('an analytics API answer that redirects elsewhere takes no token along', async () => {
		const other = await elsewhere();
		const api = await track(
			startHostileServer((request, res) => {
				if (request.url === '/oauth/token')
					return sendJson(res, 200, { access_token: 'tok-analytics', token_type: 'Bearer' });
				res.writeHead(307, { Location: `${other.url}${request.url}` }).end();
			}),
		);
		const { ctx } = createN8nLikeContext({
			params: queryParams(),
			analytics: analyticsCredential(`${api.url}/oauth/token`, api.url),
		});
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(other.received).toEqual([]);
		expect(error?.message).toMatch(
			/^CXone answered with a redirect \(HTTP 307 to http:\/\/127\.0\.0\.1:\d+\/api\/v2\/analytics\/query\)\. The node follows no redirects/,
		);
	});
});

describe('2. No credential follows a redirect', () => {
	it('a 307 from the OAuth2 token endpoint hands the other host neither the Basic secret nor anything else', async () => {
		const other = await elsewhere();
		const auth = await track(
			startHostileServer((_request, res) => {
				res.writeHead(307, { Location: `${other.url}/oauth/token` }).end();
			}),
		);
		const { ctx, log } = createN8nLikeContext({
			params: queryParams(),
			analytics: analyticsCredential(`${auth.url}/oauth/token`, auth.url),
		});
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(other.received).toEqual([]);
		expect(auth.received.length).toBe(1);
		expect(error?.message).toMatch(
			/The CXone token endpoint at http:\/\/127\.0\.0\.1:\d+\/oauth\/token answered with a redirect \(HTTP 307 to .*\)\. The node follows no redirect with a secret/,
		);
		expect(
			log.requests.every(
				(request) =>
					request.sendCredentialsOnCrossOriginRedirect === false &&
					request.disableFollowRedirect === true,
			),
		).toBe(true);
	});

	it.each([
		['the password grant', {}, '/auth/token'],
		['the legacy access-key route', { authRoute: 'legacy' }, '/authentication/v1/token/access-key'],
	])(
		'a 307 from the platform token endpoint (%s) reaches no other host',
		async (_route, overrides, path) => {
			const other = await elsewhere();
			const platform = await track(
				startPlatform((request, res) => {
					if (!request.url.startsWith(path)) return false;
					res.writeHead(307, { Location: `${other.url}${path}` }).end();
					return true;
				}),
			);
			const { ctx } = createN8nLikeContext({
				params: aggregateParams(),
				platform: platformCredential(platform, {
					...overrides,
					legacyTokenUrl: `${platform.url}/authentication/v1/token/access-key`,
				}),
			});
			const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
			expect(other.received).toEqual([]);
			expect(error?.message).toMatch(/answered with a redirect \(HTTP 307/);
		},
	);

	it('every request of a working run, API and token alike, asks n8n not to re-send credentials on a redirect', async () => {
		const platform = await track(startPlatform());
		const { ctx, log } = createN8nLikeContext({
			params: aggregateParams(),
			platform: platformCredential(platform),
		});
		const { items, error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error).toBeUndefined();
		expect(items.length).toBe(1);
		// Discovery, token, API host lookup, one page.
		expect(log.requests.length).toBe(4);
		for (const request of log.requests) {
			expect(request.sendCredentialsOnCrossOriginRedirect).toBe(false);
			expect(request.disableFollowRedirect).toBe(true);
		}
	});
	it('so does every request of an analytics run, its webhook included, and of a report job, its file included', async () => {
		const api = await track(
			startHostileServer((request, res) => {
				if (request.url === '/oauth/token')
					return sendJson(res, 200, { access_token: 'tok', token_type: 'Bearer' });
				if (request.method === 'POST' && request.url === '/api/v2/analytics/query')
					return sendJson(res, 202, { id: 'q1', status: 'PENDING' });
				if (request.url.startsWith('/api/v2/analytics/query/q1'))
					return sendJson(res, 200, { id: 'q1', status: 'COMPLETED', totalCount: 0, results: [] });
				sendJson(res, 200, { ok: true });
			}),
		);
		const analyticsRun = createN8nLikeContext({
			params: queryParams({
				options: {
					pollIntervalSeconds: 0.05,
					webhookUrl: `${api.url}/hook`,
					webhookEvents: ['completed'],
				},
			}),
			analytics: analyticsCredential(`${api.url}/oauth/token`, api.url),
			webhookSigning: { secret: WEBHOOK_SECRET },
		});
		expect((await runNode(new NiceCxoneAnalytics(), analyticsRun.ctx)).error).toBeUndefined();
		const files = await track(
			startHostileServer(
				(_request, res) =>
					void res.writeHead(200, { 'Content-Type': 'text/csv' }).end('A\r\n1\r\n'),
			),
		);
		const platform = await track(startPlatform(finishedReportJob('j1', `${files.url}/r.csv`)));
		const reportRun = createN8nLikeContext({
			params: reportParams(),
			platform: platformCredential(platform),
		});
		expect((await runNode(new NiceCxoneAnalytics(), reportRun.ctx)).error).toBeUndefined();
		const requests = [...analyticsRun.log.requests, ...reportRun.log.requests];
		// Token, submit, poll, webhook; discovery, token, lookup, start, poll, file.
		expect(requests.length).toBe(10);
		for (const request of requests)
			expect(request.sendCredentialsOnCrossOriginRedirect).toBe(false);
	});
});

describe('3. Discovery answers are checked before a secret is sent', () => {
	it('a token endpoint on another origin receives neither secret', async () => {
		const other = await elsewhere();
		const platform = await track(
			startPlatform((request, res) => {
				if (request.url !== '/.well-known/openid-configuration') return false;
				sendJson(res, 200, { token_endpoint: `${other.url}/auth/token` });
				return true;
			}),
		);
		const { ctx } = createN8nLikeContext({
			params: aggregateParams(),
			platform: platformCredential(platform),
		});
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(other.received).toEqual([]);
		expect(error?.message).toMatch(
			/^Token discovery at http:\/\/127\.0\.0\.1:\d+ named the token endpoint http:\/\/127\.0\.0\.1:\d+\/auth\/token, which is not on the Auth Host\..*check Auth Host in the NICE CXone API credential\.$/,
		);
	});

	it.each([
		['a host outside NICE’s domains', 'https://api.evil.example'],
		['plain http on a NICE domain', 'http://api-na1.niceincontact.com'],
		['a look-alike domain', 'https://api-na1.niceincontact.com.evil.example'],
		['no URL at all', 'api-na1'],
	])('an API host lookup giving %s is refused and not stored', async (_case, apiEndpoint) => {
		const platform = await track(
			startPlatform((request, res) => {
				if (!request.url.startsWith('/.well-known/cxone-configuration')) return false;
				sendJson(res, 200, { api_endpoint: apiEndpoint });
				return true;
			}),
		);
		const { ctx, log } = createN8nLikeContext({
			params: aggregateParams(),
			platform: platformCredential(platform),
		});
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error?.message).toMatch(
			/^The API host lookup at http:\/\/127\.0\.0\.1:\d+ gave .*, which is not an https address on NICE's CXone domains \(niceincontact\.com, nice-incontact\.com\)\. If that host is right, enter it as API Base URL Override in the NICE CXone API credential\.$/,
		);
		expect(log.stored.niceCxoneApi.apiEndpoint).toBe('');
		// Discovery, token and lookup; no API call went anywhere.
		expect(log.requests.length).toBe(3);
	});

	it('an API host stored before these checks existed gets no token either', async () => {
		const platform = await track(startPlatform());
		const { ctx, log } = createN8nLikeContext({
			params: aggregateParams(),
			platform: platformCredential(platform, {
				accessToken: 'stored-token',
				apiEndpoint: 'https://api.evil.example',
			}),
		});
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error?.message).toMatch(
			/^The API host lookup at http:\/\/127\.0\.0\.1:\d+ gave https:\/\/api\.evil\.example, which is not an https address on NICE's CXone domains/,
		);
		expect(log.requests).toEqual([]);
	});

	it('an Auth Host over plain http to another machine is refused before anything is sent', async () => {
		const { ctx, log } = createN8nLikeContext({
			params: aggregateParams(),
			platform: {
				accessKeyId: 'AK1',
				accessKeySecret: ACCESS_KEY_SECRET,
				clientId: 'c',
				clientSecret: CLIENT_SECRET,
				authHost: 'http://cxone.niceincontact.com',
			},
		});
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error?.message).toBe(
			'Auth Host (http://cxone.niceincontact.com) must use https; only this machine (localhost, 127.0.0.1) may use http. Fix it in the NICE CXone API credential.',
		);
		expect(log.requests).toEqual([]);
	});

	it('an explicit API Base URL Override is used as given, and the token goes nowhere else', async () => {
		const platform = await track(startPlatform());
		const { ctx, log } = createN8nLikeContext({
			params: aggregateParams(),
			platform: platformCredential(platform, { apiBaseUrl: `${platform.url}/` }),
		});
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error).toBeUndefined();
		expect(log.stored.niceCxoneApi.apiEndpoint).toBe(platform.url);
	});
});

describe('4. Server text and URLs in messages carry no secret', () => {
	it('an echoing token endpoint cannot put the Basic header or the secret into the error', async () => {
		const auth = await track(
			startHostileServer((request, res) =>
				sendJson(res, 400, {
					error: 'invalid_request',
					error_description: `you sent Authorization: ${request.headers.authorization} and body ${request.body} client_secret=${ANALYTICS_SECRET}`,
				}),
			),
		);
		const { ctx } = createN8nLikeContext({
			params: queryParams(),
			analytics: analyticsCredential(`${auth.url}/oauth/token`, auth.url),
			continueOnFail: true,
		});
		const { items } = await runNode(new NiceCxoneAnalytics(), ctx);
		const text = JSON.stringify(items);
		const basic = Buffer.from(`client-a:${ANALYTICS_SECRET}`).toString('base64');
		expect(text).not.toContain(ANALYTICS_SECRET);
		expect(text).not.toContain(basic);
		expect(items[0].json.error).toMatch(
			/^The CXone token endpoint http:\/\/127\.0\.0\.1:\d+\/oauth\/token refused the client credentials \(HTTP 400 invalid_request: you sent Authorization: Basic \[redacted\]/,
		);
	});

	it('an API that echoes the bearer token gets it redacted, and its text clipped, in items and audit records', async () => {
		const token = fakeJwt({ sub: 'x', secret: 'tok' });
		const api = await track(
			startHostileServer((request, res) => {
				if (request.url === '/oauth/token')
					return sendJson(res, 200, { access_token: token, token_type: 'Bearer' });
				sendJson(res, 400, {
					error: 'invalid_request',
					message: `bad ${request.headers.authorization} ${'x'.repeat(100_000)}`,
				});
			}),
		);
		const { ctx, log } = createN8nLikeContext({
			params: queryParams({ options: { audit: 'both' } }),
			analytics: analyticsCredential(`${api.url}/oauth/token`, api.url),
			continueOnFail: true,
		});
		const { outputs } = await runNode(new NiceCxoneAnalytics(), ctx);
		const text = JSON.stringify(outputs) + JSON.stringify(log.logged);
		expect(text).not.toContain(token);
		expect(String(outputs[0][0].json.error)).toMatch(
			/^The CXone API rejected the query: bad Bearer \[redacted\] x+…$/,
		);
		expect(String(outputs[0][0].json.error).length).toBeLessThan(400);
	});

	it('a Token URL with user:password@ is refused without printing the password, and nothing is sent', async () => {
		const { ctx, log } = createN8nLikeContext({
			params: queryParams(),
			analytics: analyticsCredential(
				'https://admin:hunter2-Pass@login.example.test/oauth/token?key=k3y',
				'https://api.example.test',
			),
		});
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error?.message).toBe(
			'Token URL contains a user name or password (https://login.example.test/oauth/token). Remove them in the NICE CXone OAuth2 API credential: secrets go in their own fields.',
		);
		expect(error?.message).not.toContain('hunter2');
		expect(log.requests).toEqual([]);
	});

	it('a failing webhook is named without its query string', async () => {
		const api = await track(
			startHostileServer((request, res) => {
				if (request.url === '/oauth/token')
					return sendJson(res, 200, { access_token: 'tok', token_type: 'Bearer' });
				if (request.method === 'POST' && request.url === '/api/v2/analytics/query')
					return sendJson(res, 202, { id: 'q1', status: 'PENDING' });
				if (request.url.startsWith('/api/v2/analytics/query/q1'))
					return sendJson(res, 200, { id: 'q1', status: 'COMPLETED', totalCount: 0, results: [] });
				sendJson(res, 500, { error: 'down' });
			}),
		);
		const { ctx } = createN8nLikeContext({
			params: queryParams({
				options: {
					pollIntervalSeconds: 0.05,
					webhookUrl: `${api.url}/hook?token=webhookS3cret`,
					webhookEvents: ['completed'],
					webhookTimeoutSeconds: 1,
					webhookFailWorkflow: true,
				},
			}),
			analytics: analyticsCredential(`${api.url}/oauth/token`, api.url),
			webhookSigning: { secret: WEBHOOK_SECRET },
		});
		const { error } = await runNode(new NiceCxoneAnalytics(), ctx);
		expect(error?.message).toMatch(
			/^The webhook to http:\/\/127\.0\.0\.1:\d+\/hook was not delivered/,
		);
		expect(error?.message).not.toContain('webhookS3cret');
	});
});
