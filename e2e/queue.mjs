// The package in n8n's queue mode: one main (`n8n start`) and two workers (`n8n worker
// --concurrency=5`) sharing a private Redis and Postgres, a published webhook workflow (Webhook →
// NICE CXone Analytics → Respond to Webhook), batches of concurrent production webhook calls checked
// row by row against the simulator's ground truth; the audit chain and the Only Since Last Run cursor
// carried from run to run by the caller (the workflow's own store); then one worker killed mid-batch.
// What the kill does is asserted as README.md › Queue mode describes it. Runs on either n8n line
// (scripts/lib/paths.mjs, `--n8n 1`); where 1.x behaves otherwise (static data, a stalled job), the
// tests assert each line's own behaviour.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { freePort } from '../scripts/lib/freePort.mjs';
import { cxoneCredential, forCustomExtensions } from '../scripts/lib/n8n.mjs';
import { n8nRestClient } from '../scripts/lib/n8nRest.mjs';
import { n8nLine } from '../scripts/lib/paths.mjs';
import {
	canSetHostName,
	ensureQueuePackages,
	groupAlive,
	n8nLogRecords,
	queueModeEnv,
	startN8n,
	startPostgres,
	startRedis,
	stopAllServices,
	tempFolder,
	waitFor,
	waitForHttpOk,
	waitForService,
	workerExecutions,
} from '../scripts/lib/queue.mjs';
import { restApiAnswers } from '../scripts/lib/n8nServer.mjs';
import { startSimulator } from '../scripts/lib/simulator.mjs';
import { expectedQueryBody, flattenContractRow } from './expected.mjs';
import { assertSameItems, createHarness } from './harness.mjs';

const WORKER_CONCURRENCY = 5;
const BATCHES = 3;
const BATCH_SIZE = 20;
/** The load test: this many concurrent calls at once against one tenant on the flaky profile. */
const FLAKY_BATCH_SIZE = 50;
/**
 * Tokens the flaky batch may fetch beyond one per worker and one per token that died. A worker shares a
 * renewal among its own requests (README › Limits: one renewal at a time per credential and process), not
 * with the other worker: both may renew after the same death, and a renewal may race a worker's first
 * fetch; which request meets a dying token depends on timing, so the count is not deterministic. Measured
 * on n8n 2.41.1: 9 tokens for 8 that died.
 */
const FLAKY_TOKEN_MARGIN = 4;
/** The contract's limit of PENDING or RUNNING queries per tenant (docs/api/analytics-v2.md §2). */
const TENANT_QUERY_LIMIT = 5;
/** Queries in the kill batch run ~20× longer (~7 s), so the kill lands while some are running. */
const SLOW_SPEED = 20;
const DAY_MS = 86_400_000;
/** The first of the past days the executions query, one day each, every execution its own day. */
const FIRST_DAY_MS = Date.parse('2024-01-01T00:00:00Z');
/** n8n's defaults for a worker's lock on a job (QUEUE_WORKER_LOCK_DURATION, QUEUE_WORKER_LOCK_RENEW_TIME). */
const BULL_LOCK_MS = 60_000;
const BULL_LOCK_RENEW_MS = 10_000;
/**
 * What each line does with a job whose worker died. n8n 2.x runs Bull with `maxStalledCount: 0`
 * (scaling.service.js): the stalled job fails. n8n 1.x passes its QUEUE_WORKER_MAX_STALLED_COUNT, 1 by
 * default: the stalled job goes back to the queue once and another worker runs the execution again.
 */
const STALLED_JOB_RUNS_AGAIN = n8nLine === '1';
/**
 * Whether a worker starts an execution with the workflow's saved static data. n8n 1.x enqueues a
 * production execution with `loadStaticData: true` and the worker reads the workflow's static data from
 * the database (job-processor.js); 2.x enqueues a new execution without it, and the worker takes the
 * execution's own copy of the workflow, which holds no static data (toWorkflowSnapshot): it starts empty.
 */
const WORKER_READS_STATIC_DATA = n8nLine === '1';
const STARTUP_TIMEOUT_MS = 300_000;
/** How long a webhook call may take; a killed worker's calls are answered only once n8n gives up on them. */
const CALL_TIMEOUT_MS = 300_000;
/** How long after the kill its executions may take to end (n8n's defaults: lock 60 s, stalled check 30 s). */
const KILLED_END_TIMEOUT_MS = 420_000;
const OWNER = { email: 'queue-e2e@example.com', password: 'Queue-e2e-Passw0rd' };
const QUERY_NODE = 'Hourly Rows by Group and Channel';
const CURSOR_NODE = 'Contacts Changed Since the Cursor';
/** The simulated Reporting API (docs/api/cxone-platform.md §2). */
const REPORTING_PATH = '/inContactAPI/services/v30.0';

const QUERY_PARAMETERS = {
	resource: 'analytics',
	operation: 'runAggregationQuery',
	metrics: {
		metric: [{ metric: 'count:sum' }, { metric: 'handle_time:avg' }, { metric: 'abandoned:pct' }, { metric: 'service_level:pct' }],
	},
	dimensions: ['group.id', 'channel'],
	bucketSize: 'HOUR',
	timeRange: 'custom',
	filterMode: 'none',
	returnAll: true,
	options: { timeZone: 'UTC' },
};

/** Webhook (POST {start, end}) → the query over [start, end) → the rows as the response, with the execution id. */
function webhookWorkflow({ name, webhookPath, credential }) {
	const node = (name_, type, typeVersion, x, parameters, extra = {}) => ({
		id: crypto.randomUUID(),
		name: name_,
		type,
		typeVersion,
		position: [x, 0],
		parameters,
		...extra,
	});
	return forCustomExtensions({
		name,
		nodes: [
			node('Webhook', 'n8n-nodes-base.webhook', 2, 0, { httpMethod: 'POST', path: webhookPath, responseMode: 'responseNode', options: {} }, { webhookId: crypto.randomUUID() }),
			node(QUERY_NODE, 'n8n-nodes-nice-cxone.niceCxoneAnalytics', 1, 260, { ...QUERY_PARAMETERS, start: '={{ $json.body.start }}', end: '={{ $json.body.end }}' }, {
				credentials: { niceCxoneOAuth2Api: { id: credential.id, name: credential.name } },
			}),
			node('Respond with the Rows', 'n8n-nodes-base.respondToWebhook', 1.1, 520, {
				respondWith: 'allIncomingItems',
				options: { responseHeaders: { entries: [{ name: 'x-execution-id', value: '={{ $execution.id }}' }] } },
			}),
		],
		connections: {
			Webhook: { main: [[{ node: QUERY_NODE, type: 'main', index: 0 }]] },
			[QUERY_NODE]: { main: [[{ node: 'Respond with the Rows', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1', timezone: 'UTC' },
	});
}

/**
 * Webhook (POST {start, end, head?}) → the query with Audit on its Audit output, continuing the chain
 * from `head` (the last record, which the caller keeps: the workflow's own store) → the record as the
 * response.
 */
function auditWorkflow({ name, webhookPath, credential }) {
	const workflow = webhookWorkflow({ name, webhookPath, credential });
	const query = workflow.nodes.find((candidate) => candidate.name === QUERY_NODE);
	query.parameters.options = { ...query.parameters.options, audit: 'output', auditChainHead: '={{ $json.body.head ?? "" }}' };
	const respond = workflow.nodes.find((candidate) => candidate.type === 'n8n-nodes-base.respondToWebhook');
	respond.parameters.respondWith = 'firstIncomingItem';
	workflow.connections[QUERY_NODE] = { main: [[], [{ node: respond.name, type: 'main', index: 0 }]] };
	return workflow;
}

/**
 * Webhook (POST {start, end, updatedSince?}) → Aggregate Completed Contacts (contacts per UTC day) with
 * Only Since Last Run, continuing from `updatedSince` (the cursor the caller kept from the last run's
 * items: the workflow's own store) → the rows as the response. No rows still answer (one empty item).
 */
function cursorWorkflow({ name, webhookPath, credential }) {
	const workflow = webhookWorkflow({ name, webhookPath, credential });
	const query = workflow.nodes.find((candidate) => candidate.name === QUERY_NODE);
	Object.assign(query, {
		name: CURSOR_NODE,
		alwaysOutputData: true,
		credentials: { niceCxoneApi: { id: credential.id, name: credential.name } },
		parameters: {
			resource: 'platform',
			operation: 'aggregateCompletedContacts',
			metrics: { metric: [{ metric: 'count:sum' }] },
			dimensions: [],
			bucketSize: 'DAY',
			timeRange: 'custom',
			start: '={{ $json.body.start }}',
			end: '={{ $json.body.end }}',
			filterMode: 'none',
			returnAll: true,
			options: { timeZone: 'UTC', onlySinceLastRun: true, updatedSince: '={{ $json.body.updatedSince ?? "" }}' },
		},
	});
	workflow.connections = {
		Webhook: { main: [[{ node: CURSOR_NODE, type: 'main', index: 0 }]] },
		[CURSOR_NODE]: { main: [[{ node: 'Respond with the Rows', type: 'main', index: 0 }]] },
	};
	return workflow;
}

/**
 * How far to shift the platform simulator's clock so that it reads 10:30 UTC of the latest weekday
 * (its busiest hours, a new contact every few seconds) whenever the test runs: within four days of
 * the real clock, so the node's 30-day reach (on the real clock) is not in the way.
 */
function busyHourOffsetMs(nowMs = Date.now()) {
	let busyMs = Math.floor(nowMs / DAY_MS) * DAY_MS + 10.5 * 3_600_000;
	while (busyMs > nowMs || [0, 6].includes(new Date(busyMs).getUTCDay())) busyMs -= DAY_MS;
	return busyMs - nowMs;
}

let listings = 0;

/**
 * The platform simulator's completed contacts that started in [start, end) (and, with `updatedSince`,
 * were updated since then), as the test itself reads them now with the access key. `end` lies ahead and
 * each call asks up to a different instant past it, where no contact starts yet, so the simulator makes
 * a fresh listing instead of reusing one of the last 15 seconds.
 */
async function simulatorContacts(simulator, { start, end, updatedSince }) {
	const basic = Buffer.from(`${simulator.platformClientId}:${simulator.platformClientSecret}`).toString('base64');
	const grant = await fetch(`${simulator.authHost}/auth/token`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
		body: new URLSearchParams({ grant_type: 'password', username: simulator.accessKeyId, password: simulator.accessKeySecret }),
	});
	assert.equal(grant.status, 200, 'the simulator refused the access key');
	const headers = { authorization: `Bearer ${(await grant.json()).access_token}`, accept: 'application/json' };
	const query = new URLSearchParams({ startDate: start, endDate: isoSeconds(Date.parse(end) + ++listings * 1000), ...(updatedSince ? { updatedSince } : {}) });
	const contacts = [];
	for (let skip = 0; ; skip += 10_000) {
		const response = await fetch(`${simulator.baseUrl}${REPORTING_PATH}/contacts/completed?${query}&skip=${skip}`, { headers });
		if (response.status === 204) break;
		const text = await response.text();
		assert.equal(response.status, 200, `the simulator answered ${response.status}: ${text.slice(0, 300)}`);
		const page = JSON.parse(text);
		contacts.push(...page.completedContacts);
		if (contacts.length >= page.totalRecords) break;
	}
	return contacts.filter((contact) => Date.parse(contact.contactStartDate) < Date.parse(end));
}

/** The node's rows (contacts per UTC day, with the cursor) of the contacts updated in [fromMs, toMs). */
function contactRows(contacts, fromMs, toMs, cursor) {
	const perDay = new Map();
	for (const contact of contacts) {
		const updatedMs = Date.parse(contact.lastUpdateTime);
		if (updatedMs < fromMs || updatedMs >= toMs) continue;
		const day = `${contact.contactStartDate.slice(0, 10)}T00:00:00Z`;
		perDay.set(day, (perDay.get(day) ?? 0) + 1);
	}
	return [...perDay]
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([bucketStart, count]) => ({ bucketStart, count_sum: count, nextUpdatedSince: cursor }));
}

const isoSeconds = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The window of call `index`: one whole UTC day, a different one for every call. */
function windowOf(index) {
	const startMs = FIRST_DAY_MS + index * DAY_MS;
	return { start: new Date(startMs).toISOString(), end: new Date(startMs + DAY_MS).toISOString() };
}

/** POSTs the window to the webhook; resolves to {window, status, executionId, body, ms} (never rejects). */
async function callWebhook(url, window) {
	const startedAt = Date.now();
	try {
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(window),
			signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
		});
		const text = await response.text();
		let body;
		try {
			body = JSON.parse(text);
		} catch {
			body = text;
		}
		return { window, status: response.status, executionId: response.headers.get('x-execution-id'), body, ms: Date.now() - startedAt };
	} catch (error) {
		return { window, status: 'no answer', error: String(error), ms: Date.now() - startedAt };
	}
}

/** The simulator's rows for a window, flattened as the node emits them. */
async function truthFor(simulator, window) {
	const { rows, totalCount } = await simulator.truth(expectedQueryBody({ ...QUERY_PARAMETERS, ...window }, Date.now()));
	assert.equal(rows.length, totalCount, 'the simulator returned a partial truth');
	return rows.map(flattenContractRow);
}

function assertExactRows(call, truth) {
	const what = `execution ${call.executionId} (${call.window.start})`;
	assert.ok(Array.isArray(call.body), `${what}: the answer is not a list of rows: ${JSON.stringify(call.body).slice(0, 300)}`);
	const keys = call.body.map((row) => `${row.bucketStart}|${row.groupId}|${row.channel}`);
	assert.equal(new Set(keys).size, keys.length, `${what}: some rows came back twice`);
	assertSameItems(call.body, truth, what);
}

/**
 * Every call answered 200 with exactly the simulator's rows for its window, and n8n recorded one successful
 * execution per call, no more. The rows in all, and the execution ids.
 */
async function assertExactExecutions(calls, simulator, rest, workflowId) {
	for (const call of calls) assert.equal(call.status, 200, `the call for ${call.window.start} answered ${call.status}: ${JSON.stringify(call.body ?? call.error).slice(0, 500)}`);
	const truths = await Promise.all(calls.map((call) => truthFor(simulator, call.window)));
	calls.forEach((call, i) => assertExactRows(call, truths[i]));
	const ids = calls.map((call) => call.executionId);
	assert.equal(new Set(ids).size, calls.length, 'two calls were answered by the same execution');
	const executions = await rest.listExecutions(workflowId);
	assert.deepStrictEqual(executions.map((execution) => execution.id).sort(), [...ids].sort(), 'the executions n8n recorded are not the calls made');
	for (const execution of executions) assert.equal(execution.status, 'success', `execution ${execution.id} is ${execution.status}`);
	return { rows: calls.reduce((sum, call) => sum + call.body.length, 0), ids };
}

const seconds = (ms) => (ms / 1000).toFixed(1);

/** Registers the queue-mode tests on a harness and runs them. Resolves to {passed, failed}. */
export async function runQueueSuite({ log }) {
	const harness = createHarness({ log });
	const run = tempFolder('cxone-queue-');
	const services = [];
	const folders = [run];
	const simulators = {};
	const state = { calls: {}, timings: [] };
	const timed = async (what, fn) => {
		const startedAt = Date.now();
		const result = await fn();
		state.timings.push([what, Date.now() - startedAt]);
		return result;
	};

	harness.test('Redis and Postgres (from the Debian packages) start privately on 127.0.0.1', async () => {
		const install = await timed('packages', () => ensureQueuePackages({ log }));
		if (install.installed.length > 0) log(`    installed ${install.installed.join(', ')} in ${install.seconds} s`);
		const redisConfig = { port: await freePort() };
		const postgresConfig = { port: await freePort(), database: 'postgres', user: 'n8n' };
		const redisDir = path.join(run, 'redis');
		fs.mkdirSync(redisDir);
		// Its own folder: the postgres user must reach it, and `run` is private to this user.
		const dataDir = tempFolder('cxone-queue-postgres-');
		folders.push(dataDir);
		const started = await timed('Redis and Postgres', () =>
			Promise.allSettled([
				startRedis({ port: redisConfig.port, dir: redisDir, logFile: path.join(run, 'redis.log') }),
				startPostgres({ port: postgresConfig.port, dataDir, user: postgresConfig.user, logFile: path.join(run, 'postgres.log') }),
			]),
		);
		for (const outcome of started) if (outcome.status === 'fulfilled') services.push(outcome.value);
		for (const outcome of started) if (outcome.status === 'rejected') throw outcome.reason;
		[state.redis, state.postgres] = [redisConfig, postgresConfig];
		log(`    redis 127.0.0.1:${state.redis.port}, postgres 127.0.0.1:${state.postgres.port}`);
	});

	harness.test(`n8n main and two workers (concurrency ${WORKER_CONCURRENCY}) start in queue mode, each with its own host name, user folder and runner port`, async () => {
		assert.ok(state.postgres && state.redis, 'Redis and Postgres did not start (see the test before)');
		const encryptionKey = crypto.randomBytes(24).toString('hex');
		const ownHostName = canSetHostName();
		if (!ownHostName) log('    no UTS namespace here (not root?): the processes share the machine host name');
		const n8nProcess = async (hostName, args, extra) => {
			const userFolder = path.join(run, hostName);
			fs.mkdirSync(userFolder);
			const env = queueModeEnv({ encryptionKey, postgres: state.postgres, redis: state.redis, userFolder, brokerPort: await freePort(), extra });
			const service = startN8n({ hostName, args, env, logFile: path.join(run, `${hostName}.log`), ownHostName });
			services.push(service);
			return service;
		};
		state.mainPort = await freePort();
		state.baseUrl = `http://127.0.0.1:${state.mainPort}`;
		// The main first: it creates the schema, which the workers then find ready.
		state.main = await n8nProcess('queue-main', ['start'], {
			N8N_PORT: String(state.mainPort),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			WEBHOOK_URL: `${state.baseUrl}/`,
		});
		// Ready when its REST API answers: at /healthz/readiness, n8n 1.x's POST /rest/owner/setup still gave 404.
		await timed('n8n main ready', () =>
			waitForService(state.main, () => restApiAnswers(state.baseUrl), { timeoutMs: STARTUP_TIMEOUT_MS, what: 'the main to be ready' }),
		);
		const workerPorts = [await freePort(), await freePort()];
		state.workers = await Promise.all(
			workerPorts.map((port, i) =>
				n8nProcess(`queue-worker-${i + 1}`, ['worker', `--concurrency=${WORKER_CONCURRENCY}`], {
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(port),
					N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				}),
			),
		);
		await timed('n8n workers ready', () =>
			Promise.all(
				state.workers.map((worker, i) =>
					waitForHttpOk(`http://127.0.0.1:${workerPorts[i]}/healthz/readiness`, worker, { timeoutMs: STARTUP_TIMEOUT_MS, what: 'the worker to be ready' }),
				),
			),
		);
		for (const worker of state.workers) assert.match(worker.readLog(), /Concurrency: 5/);
	});

	harness.test('through the REST API: the owner, a CXone credential per simulator, and five published webhook workflows', async () => {
		assert.ok(state.workers, 'n8n did not start (see the test before)');
		simulators.clean = await startSimulator({ seed: 1, profile: 'clean' });
		simulators.slow = await startSimulator({ seed: 1, profile: 'clean', speed: SLOW_SPEED });
		simulators.flaky = await startSimulator({ seed: 1, profile: 'flaky' });
		const rest = n8nRestClient(state.baseUrl);
		await rest.setupOwner(OWNER);
		const me = await rest.login(OWNER);
		assert.equal(me.email, OWNER.email);
		state.rest = rest;
		state.workflows = {};
		for (const [key, simulator] of Object.entries(simulators)) {
			const credential = await rest.createCredential(cxoneCredential({ name: `CXone simulator (${key})`, ...simulator }));
			const webhookPath = `cxone-queue-${key}`;
			const saved = await rest.createWorkflow(webhookWorkflow({ name: `queue e2e: ${key}`, webhookPath, credential }));
			const published = await rest.activateWorkflow(saved.id, saved.versionId);
			assert.equal(published.activeVersionId, saved.versionId, `the workflow ${saved.id} was not published`);
			state.workflows[key] = { id: saved.id, url: `${state.baseUrl}/webhook/${webhookPath}` };
			if (key !== 'clean') continue;
			const auditPath = 'cxone-queue-audit';
			const audited = await rest.createWorkflow(auditWorkflow({ name: 'queue e2e: audit chain', webhookPath: auditPath, credential }));
			await rest.activateWorkflow(audited.id, audited.versionId);
			state.workflows.audit = { id: audited.id, url: `${state.baseUrl}/webhook/${auditPath}` };
		}
		simulators.platform = await startSimulator({ seed: 1, profile: 'clean', clockOffsetMs: busyHourOffsetMs() });
		const platform = simulators.platform;
		const accessKey = await rest.createCredential({
			name: 'CXone simulator (access key)',
			type: 'niceCxoneApi',
			data: {
				authRoute: 'openid',
				accessKeyId: platform.accessKeyId,
				accessKeySecret: platform.accessKeySecret,
				clientId: platform.platformClientId,
				clientSecret: platform.platformClientSecret,
				authHost: platform.authHost,
			},
		});
		const cursorPath = 'cxone-queue-cursor';
		const cursor = await rest.createWorkflow(cursorWorkflow({ name: 'queue e2e: since the cursor', webhookPath: cursorPath, credential: accessKey }));
		await rest.activateWorkflow(cursor.id, cursor.versionId);
		state.workflows.cursor = { id: cursor.id, url: `${state.baseUrl}/webhook/${cursorPath}` };
	});

	harness.test(`${BATCHES} batches of ${BATCH_SIZE} concurrent webhook calls: every execution's rows exact, both workers used, ≤ ${TENANT_QUERY_LIMIT} queries at once, none left`, async () => {
		assert.ok(state.workflows, 'the workflows were not published (see the test before)');
		const { url, id: workflowId } = state.workflows.clean;
		const calls = [];
		for (let batch = 0; batch < BATCHES; batch++) {
			const windows = Array.from({ length: BATCH_SIZE }, (_, i) => windowOf(batch * BATCH_SIZE + i));
			const answers = await timed(`batch ${batch + 1}`, () => Promise.all(windows.map((window) => callWebhook(url, window))));
			const slowest = Math.max(...answers.map((call) => call.ms));
			log(`    batch ${batch + 1}: ${answers.filter((call) => call.status === 200).length}/${BATCH_SIZE} answered 200, slowest call ${seconds(slowest)} s`);
			calls.push(...answers);
		}
		const { rows, ids } = await assertExactExecutions(calls, simulators.clean, state.rest, workflowId);

		// Which worker ran what: each worker's log, and the main's log (the worker's host id on "finished").
		const byWorker = state.workers.map((worker) => workerExecutions(worker));
		for (const [i, { started, finished }] of byWorker.entries()) {
			assert.deepStrictEqual([...finished].sort(), [...started].sort(), `worker ${i + 1} started executions it did not finish`);
			assert.ok(started.length > 0, `worker ${i + 1} ran no execution: ${byWorker.map((w) => w.started.length).join(' / ')}`);
		}
		assert.deepStrictEqual(byWorker.flatMap((w) => w.started).sort(), [...ids].sort(), 'the workers ran other executions than the calls');
		const hostIdOf = Object.fromEntries(
			n8nLogRecords(state.main)
				.filter((record) => /^Execution \d+ \(job \d+\) finished$/.test(record.message ?? ''))
				.map((record) => [record.metadata.executionId, record.metadata.workerId]),
		);
		const hostIds = byWorker.map(({ started }) => new Set(started.map((id) => hostIdOf[id])));
		for (const [i, set] of hostIds.entries()) assert.equal(set.size, 1, `the main names several host ids for worker ${i + 1}: ${[...set]}`);
		assert.notEqual([...hostIds[0]][0], [...hostIds[1]][0], 'the main cannot tell the two workers apart');

		const stats = await simulators.clean.stats();
		assert.ok(stats.maxActiveObserved <= TENANT_QUERY_LIMIT, `${stats.maxActiveObserved} queries ran at once`);
		assert.equal(stats.activeQueries, 0, `queries still running: ${JSON.stringify(stats.queries.filter((q) => ['PENDING', 'RUNNING'].includes(q.status)))}`);
		assert.equal(stats.queries.length, calls.length, 'one query per execution, none submitted twice');
		log(`    ${calls.length} executions, ${rows} rows, all exact; worker split ${byWorker.map((w) => w.started.length).join(' / ')} (host ids ${hostIds.map((set) => [...set][0]).join(', ')})`);
		log(`    simulator: ${stats.queries.length} queries, at most ${stats.maxActiveObserved} at once, ${stats.requests.submit - stats.queries.length} submits turned away (429, tenant busy), ${stats.tokensIssued} tokens`);
	});

	harness.test(`${FLAKY_BATCH_SIZE} concurrent webhook calls against one tenant on the flaky profile: every execution's rows exact, both workers used, ≤ ${TENANT_QUERY_LIMIT} queries at once, none left, tokens bounded`, async () => {
		assert.ok(state.workflows?.flaky, 'the workflows were not published (see the test before)');
		const { url, id: workflowId } = state.workflows.flaky;
		const before = state.workers.map((worker) => workerExecutions(worker).started.length);
		const windows = Array.from({ length: FLAKY_BATCH_SIZE }, (_, i) => windowOf(i));
		const calls = await timed('flaky batch', () => Promise.all(windows.map((window) => callWebhook(url, window))));
		const ms = calls.map((call) => call.ms);
		log(`    ${calls.filter((call) => call.status === 200).length}/${FLAKY_BATCH_SIZE} answered 200, calls took ${seconds(Math.min(...ms))}–${seconds(Math.max(...ms))} s`);
		const { rows, ids } = await assertExactExecutions(calls, simulators.flaky, state.rest, workflowId);
		const split = state.workers.map((worker, i) => workerExecutions(worker).started.slice(before[i]));
		assert.deepStrictEqual(split.flat().sort(), [...ids].sort(), 'the workers ran other executions than the calls');
		for (const [i, started] of split.entries()) assert.ok(started.length > 0, `worker ${i + 1} ran none of the batch: ${split.map((w) => w.length).join(' / ')}`);

		const stats = await simulators.flaky.stats();
		const { faults } = stats;
		const survived = Object.entries(faults)
			.filter(([name, count]) => typeof count === 'number' && count > 0 && !['queued', 'failNextQueries', 'failNextReportJobs'].includes(name))
			.map(([name, count]) => `${name} ${count}`);
		assert.ok(faults.tooManyRequests + faults.unavailable + faults.serverError + faults.connectionReset > 0, 'the flaky simulator faulted no request, so this test proved nothing');
		assert.ok(faults.tokenExpired > 0, 'no token died mid-run, so renewing the token went untested');
		assert.ok(faults.failedQueries > 0, 'no query failed, so resubmitting went untested');
		assert.equal(faults.earlyRetries, 0, `${faults.earlyRetries} retries came back sooner than the Retry-After of their 429 or 503 asked`);
		assert.ok(stats.maxActiveObserved <= TENANT_QUERY_LIMIT, `${stats.maxActiveObserved} queries ran at once`);
		assert.equal(stats.activeQueries, 0, `queries still running: ${JSON.stringify(stats.queries.filter((q) => ['PENDING', 'RUNNING'].includes(q.status)))}`);
		// One query per execution, and one more for each the server failed (resubmitted once, never twice).
		assert.equal(stats.queries.length, FLAKY_BATCH_SIZE + faults.failedQueries, `${stats.queries.length} queries for ${FLAKY_BATCH_SIZE} executions and ${faults.failedQueries} failed queries`);
		assert.equal(stats.queries.filter((query) => query.status === 'FAILED').length, faults.failedQueries);
		const tokenBound = state.workers.length + faults.tokenExpired + FLAKY_TOKEN_MARGIN;
		assert.ok(stats.tokensIssued <= tokenBound, `${stats.tokensIssued} tokens fetched: more than ${state.workers.length} workers + ${faults.tokenExpired} tokens that died + ${FLAKY_TOKEN_MARGIN}`);
		log(`    ${FLAKY_BATCH_SIZE} executions, ${rows} rows, all exact; worker split ${split.map((w) => w.length).join(' / ')}`);
		log(`    simulator: ${stats.queries.length} queries, at most ${stats.maxActiveObserved} at once, none active; faults survived: ${survived.join(', ')}; ${stats.tokensIssued} tokens fetched for ${faults.tokenExpired} that died (bound ${tokenBound})`);
	});

	harness.test(`the audit chain across workers: continued from the head the caller keeps, a fork when two runs share a head, without one ${WORKER_READS_STATIC_DATA ? 'the head saved in static data (n8n 1.x)' : 'a new start'}`, async () => {
		assert.ok(state.workflows?.audit, 'the workflows were not published (see the test before)');
		const { verifyAuditChain, headOf } = await import('../dist/nodes/shared/core/auditChain.js');
		const call = async (index, head) => {
			const answer = await callWebhook(state.workflows.audit.url, { ...windowOf(100 + index), ...(head ? { head } : {}) });
			assert.equal(answer.status, 200, `audit call ${index} answered ${answer.status}: ${JSON.stringify(answer.body ?? answer.error).slice(0, 300)}`);
			return answer;
		};
		// The caller keeps the last record (as a Data table would) and hands its head to the next run.
		const chain = [];
		for (let i = 0; i < 6; i++) chain.push((await call(i, chain.length > 0 ? headOf(chain[chain.length - 1]) : undefined)).body);
		assert.deepStrictEqual(chain.map((record) => record.seq), [1, 2, 3, 4, 5, 6]);
		assert.deepStrictEqual(verifyAuditChain(chain), { ok: true, records: 6, chains: 1, findings: [] });
		// Three runs at once from the same head: three records claim seq 7, reported as two forks.
		const head = headOf(chain[5]);
		const overlapping = (await Promise.all([6, 7, 8].map((i) => call(i, head)))).map((answer) => answer.body);
		assert.deepStrictEqual(overlapping.map((record) => record.seq), [7, 7, 7]);
		const forks = verifyAuditChain([...chain, ...overlapping]).findings;
		assert.deepStrictEqual(forks.map(({ kind, seq }) => [kind, seq]), [['fork', 7], ['fork', 7]]);
		const unanchored = [];
		for (let i = 9; i < 12; i++) unanchored.push((await call(i)).body);
		if (WORKER_READS_STATIC_DATA) {
			// n8n 1.x: without a head a worker continues from the head the last run saved in the workflow's
			// static data (one of the three at seq 7, the last writer), one chain on from there.
			assert.deepStrictEqual(unanchored.map((record) => record.seq), [8, 9, 10]);
			const all = verifyAuditChain([...chain, ...overlapping, ...unanchored]);
			assert.deepStrictEqual(all.findings.map(({ kind, seq }) => [kind, seq]), [['fork', 7], ['fork', 7]], 'the runs without a head did not continue the chain');
		} else {
			// n8n 2.x: without a head a worker has no memory (its static data starts empty): every record starts again at seq 1.
			assert.deepStrictEqual(unanchored.map((record) => record.seq), [1, 1, 1]);
		}
		const workers = state.workers.map((worker) => workerExecutions(worker).started);
		const ran = [...chain, ...overlapping, ...unanchored].map((record) => workers.findIndex((ids) => ids.includes(record.executionId)) + 1);
		const withoutHead = WORKER_READS_STATIC_DATA ? 'continuing from the saved static data at seq 8, 9, 10' : 'each at seq 1';
		log(`    audit chain: 6 chained records, 2 forks reported for 3 overlapping runs, 3 runs without a head ${withoutHead}; workers ${ran.join(' ')}`);
	});

	harness.test(`the Only Since Last Run cursor across workers: handed from run to run by the caller, the next run reads only the contacts updated since; without it, ${WORKER_READS_STATIC_DATA ? 'from the cursor saved in static data (n8n 1.x)' : 'the whole range'}`, async () => {
		assert.ok(state.workflows?.cursor, 'the workflows were not published (see the test before)');
		const simulator = simulators.platform;
		// Since yesterday on the simulator's clock, up to an hour ahead: contacts keep completing in it.
		const simNowMs = Date.now() + simulator.args.clockOffsetMs;
		const range = { start: isoSeconds(Math.floor(simNowMs / 3_600_000) * 3_600_000 - DAY_MS), end: isoSeconds(Math.ceil(simNowMs / 3_600_000) * 3_600_000 + 3_600_000) };
		const workers = () => state.workers.map((worker) => workerExecutions(worker).started);
		const call = async (updatedSince) => {
			const answer = await callWebhook(state.workflows.cursor.url, { ...range, ...(updatedSince ? { updatedSince } : {}) });
			assert.equal(answer.status, 200, `the cursor call answered ${answer.status}: ${JSON.stringify(answer.body ?? answer.error).slice(0, 300)}`);
			assert.ok(Array.isArray(answer.body), `the cursor call's answer is not a list of rows: ${JSON.stringify(answer.body).slice(0, 300)}`);
			const rows = answer.body.filter((row) => row.bucketStart !== undefined);
			const next = rows[0]?.nextUpdatedSince;
			assert.ok(rows.every((row) => row.nextUpdatedSince === next), 'the rows of one run carry different cursors');
			return { ...answer, rows, next, contacts: rows.reduce((sum, row) => sum + row.count_sum, 0) };
		};
		const first = await call();
		assert.ok(first.next, `the first run's rows carry no nextUpdatedSince: ${JSON.stringify(first.body).slice(0, 300)}`);
		// Until a contact of the range has been updated since that cursor (a few seconds at this hour).
		await waitFor(async () => (await simulatorContacts(simulator, { ...range, updatedSince: first.next })).length > 0, {
			timeoutMs: 180_000,
			intervalMs: 2000,
			what: 'a contact updated on the simulator since the first run',
		});
		const second = await call(first.next);
		assert.ok(second.next, 'the second run has rows but no cursor');
		if (WORKER_READS_STATIC_DATA) {
			// n8n 1.x: the worker reads the cursor the second run saved in static data; wait until it has news.
			await waitFor(async () => (await simulatorContacts(simulator, { ...range, updatedSince: second.next })).length > 0, {
				timeoutMs: 180_000,
				intervalMs: 2000,
				what: 'a contact updated on the simulator since the second run',
			});
		}
		// Without the cursor: on n8n 2.x a worker remembers nothing (its static data starts empty), the whole
		// range again; on 1.x it continues from the second run's cursor in the workflow's static data.
		const third = await call();
		const contacts = await simulatorContacts(simulator, range);
		const at = (text) => Date.parse(text);
		assert.deepStrictEqual(first.rows, contactRows(contacts, -Infinity, at(first.next), first.next), 'the first run did not read the whole range');
		assert.deepStrictEqual(second.rows, contactRows(contacts, at(first.next), at(second.next), second.next), 'the second run did not read exactly the contacts updated since the first');
		if (WORKER_READS_STATIC_DATA) {
			assert.ok(third.next, 'the third run has rows but no cursor');
			assert.deepStrictEqual(third.rows, contactRows(contacts, at(second.next), at(third.next), third.next), 'the run without a cursor did not continue from the static data');
			assert.ok(third.contacts > 0 && third.contacts < first.contacts, `${third.contacts} contacts in the third run, ${first.contacts} in the first`);
		} else {
			assert.deepStrictEqual(third.rows, contactRows(contacts, -Infinity, at(third.next), third.next), 'the run without a cursor did not read the whole range');
		}
		assert.ok(second.contacts > 0 && second.contacts < first.contacts, `${second.contacts} contacts in the second run, ${first.contacts} in the first`);
		const ranOn = [first, second, third].map((answer) => workers().findIndex((ids) => ids.includes(answer.executionId)) + 1);
		log(`    cursor: run 1 read ${first.contacts} contacts (whole range, cursor ${first.next}), run 2 from that cursor ${second.contacts} (only those updated since, cursor ${second.next}), run 3 without it ${third.contacts} (${WORKER_READS_STATIC_DATA ? 'from the cursor saved in static data' : 'whole range'}); workers ${ranOn.join(' ')}`);
	});

	harness.test(`a worker killed (SIGKILL) mid-batch: its executions ${STALLED_JOB_RUNS_AGAIN ? 'run again on the other worker (n8n 1.x)' : 'end as error'} as README › Queue mode says, the other worker runs the rest exactly`, async () => {
		assert.ok(state.workflows, 'the workflows were not published (see the test before)');
		const { url, id: workflowId } = state.workflows.slow;
		const [victim, survivor] = state.workers;
		const before = { victim: workerExecutions(victim).started.length, survivor: workerExecutions(survivor).started.length };
		// Every other day, so that no window's end is another's start: an execution's data names its window.
		const windows = Array.from({ length: BATCH_SIZE }, (_, i) => windowOf(BATCHES * BATCH_SIZE + 2 * i));
		const batchStartedAt = Date.now();
		const pending = Promise.all(windows.map((window) => callWebhook(url, window)));

		// Kill while the victim has executions in flight, every running execution has asked for a query,
		// the tenant's query slots are all taken and at least one of them is a query of the victim's: one
		// the server accepted and is still computing (PENDING or RUNNING, ~7 s a query), so the victim has
		// not read it, and once it is dead nobody will (the assertion on the orphaned queries below).
		const inFlight = (worker, skip) => {
			const { started, finished } = workerExecutions(worker);
			return started.slice(skip).filter((id) => !finished.includes(id));
		};
		/** Execution id → its window's start (ms), read from the execution's data (the webhook's body). */
		const startOf = new Map();
		const windowStartOf = async (id) => {
			if (!startOf.has(id)) {
				const { data } = await state.rest.getExecution(id);
				const found = windows.filter((window) => data.includes(window.start) && data.includes(window.end));
				if (found.length === 1) startOf.set(id, Date.parse(found[0].start));
			}
			return startOf.get(id);
		};
		const running = 2 * WORKER_CONCURRENCY;
		let victimQueries = [];
		let seen;
		await waitFor(async () => {
			const ids = inFlight(victim, before.victim);
			if (ids.length === 0) return false;
			const { activeQueries, requests, queries } = await simulators.slow.stats();
			seen = { ids, starts: ids.map((id) => startOf.get(id)), activeQueries, submits: requests.submit, now: new Date().toISOString(), queries: queries.map((q) => [q.status, q.start, q.submittedAt, q.pagesRead]) };
			if (activeQueries < TENANT_QUERY_LIMIT || requests.submit < running) return false;
			const starts = new Set(await Promise.all(ids.map(windowStartOf)));
			// Submitted within the last 3 s: seconds from completing, so not read before the kill lands.
			victimQueries = queries.filter(
				(query) => ['PENDING', 'RUNNING'].includes(query.status) && starts.has(Date.parse(query.start)) && Date.now() - Date.parse(query.submittedAt) < 3000,
			);
			return victimQueries.length > 0;
		}, {
			timeoutMs: 120_000,
			what: 'the victim worker to run executions with queries on the simulator',
		}).catch((error) => {
			throw new Error(`${error.message}\nlast seen: ${JSON.stringify(seen)}`);
		});
		victim.kill('SIGKILL');
		const killedAt = Date.now();
		const statsAtKill = await simulators.slow.stats();
		await waitFor(() => !groupAlive(victim.pid), { timeoutMs: 10_000, what: 'the killed worker to be gone' });
		const killed = inFlight(victim, before.victim);
		const ranOnVictim = workerExecutions(victim).started.slice(before.victim);
		log(`    killed ${victim.name} ${seconds(killedAt - batchStartedAt)} s into the batch: ${killed.length} executions in flight (${killed.join(', ')}), ${statsAtKill.activeQueries} queries active on the simulator, ${victimQueries.length} of them the victim's`);

		const calls = await pending;
		const callsDoneAt = Date.now();
		// n8n records an end for every execution of the batch: none stays running.
		const executions = await waitFor(
			async () => {
				const list = await state.rest.listExecutions(workflowId);
				return list.length === BATCH_SIZE && list.every((execution) => !['new', 'running', 'waiting'].includes(execution.status)) && list;
			},
			{ timeoutMs: KILLED_END_TIMEOUT_MS, what: 'every execution of the batch to end', intervalMs: 1000 },
		);
		const statusOf = Object.fromEntries(executions.map((execution) => [execution.id, execution]));

		const survivorRan = workerExecutions(survivor).started.slice(before.survivor);
		// Not before the dead worker's job lock has run out (60 s, renewed every 10 s): nothing notices sooner.
		const endedAfterKillMs = killed.map((id) => Date.parse(statusOf[id].stoppedAt) - killedAt);
		for (const ms of endedAfterKillMs) assert.ok(ms >= BULL_LOCK_MS - BULL_LOCK_RENEW_MS, `a killed execution ended ${seconds(ms)} s after the kill`);
		const failedCalls = calls.filter((call) => call.status !== 200);
		if (STALLED_JOB_RUNS_AGAIN) {
			// n8n 1.x: the killed executions' jobs stalled once and the surviving worker ran them again, from
			// the start: they succeed and their callers get their rows, late.
			for (const id of killed) {
				assert.equal(statusOf[id].status, 'success', `killed execution ${id} is ${statusOf[id].status}`);
				assert.ok(survivorRan.includes(id), `the surviving worker did not run killed execution ${id} again`);
			}
			assert.deepStrictEqual(failedCalls, [], 'calls not answered 200');
		} else {
			// n8n 2.x: the killed executions end as error, with n8n's message for a job that stalled; nobody
			// runs them again.
			for (const id of killed) {
				assert.equal(statusOf[id].status, 'error', `killed execution ${id} is ${statusOf[id].status}`);
				assert.ok(!survivorRan.includes(id), `the surviving worker ran killed execution ${id} again`);
				const detail = await state.rest.getExecution(id);
				assert.match(detail.data, /failed to be processed too many times/, `execution ${id} ended with another error`);
			}
			// Their callers get HTTP 500 with n8n's generic failure body once n8n has given up.
			assert.equal(failedCalls.length, killed.length, `calls not answered 200: ${JSON.stringify(failedCalls.map((c) => [c.status, c.body ?? c.error]))}`);
			for (const call of failedCalls) {
				assert.equal(call.status, 500, `a killed execution's caller got ${call.status}: ${JSON.stringify(call.body ?? call.error)}`);
				assert.deepStrictEqual(call.body, { message: 'Error in workflow' });
			}
		}

		// Every other execution succeeded with exact rows, the ones that had not started on the surviving
		// worker (on 1.x the killed ones too, run again there).
		const okCalls = calls.filter((call) => call.status === 200);
		const truths = await Promise.all(okCalls.map((call) => truthFor(simulators.slow, call.window)));
		okCalls.forEach((call, i) => assertExactRows(call, truths[i]));
		for (const call of okCalls) assert.equal(statusOf[call.executionId]?.status, 'success', `execution ${call.executionId}`);
		assert.deepStrictEqual(
			[...new Set([...okCalls.map((call) => call.executionId), ...killed])].sort(),
			executions.map((execution) => execution.id).sort(),
			'the executions are not the successful calls plus the killed ones',
		);
		assert.deepStrictEqual(
			ranOnVictim.filter((id) => !killed.includes(id)).concat(survivorRan).sort(),
			okCalls.map((call) => call.executionId).sort(),
			'the successful executions are not those the workers finished',
		);

		// On the simulator: the killed executions' queries were neither read nor cancelled; they run to
		// their end on their own, so no query stays active, and none was cancelled or deleted.
		const stats = await waitFor(
			async () => {
				const current = await simulators.slow.stats();
				return current.activeQueries === 0 && current;
			},
			{ timeoutMs: 120_000, what: 'the orphaned queries to finish on the simulator' },
		);
		for (const query of stats.queries) {
			assert.equal(query.status, 'COMPLETED', `query ${query.id} is ${query.status}`);
			assert.equal(query.deleted, false, `query ${query.id} was deleted`);
		}
		// Each successful execution read its own query; the queries nobody read are the killed executions'
		// (on n8n 1.x their second run submitted and read another); the victim's queries seen at the kill are among them.
		const killedStarts = new Set(await Promise.all(killed.map(windowStartOf)));
		const unread = stats.queries.filter((query) => query.pagesRead === 0);
		const orphaned = stats.queries.length - okCalls.length;
		assert.equal(unread.length, orphaned, `${stats.queries.length} queries for ${okCalls.length} successful executions, ${unread.length} never read`);
		for (const query of unread) assert.ok(killedStarts.has(Date.parse(query.start)), `query ${query.id} (${query.start}) was never read, and no killed execution asked for it`);
		for (const { id } of victimQueries) assert.ok(unread.some((query) => query.id === id), `the victim's query ${id}, active at the kill, was read`);
		assert.ok(orphaned >= 1 && orphaned <= killed.length, `${orphaned} orphaned queries for ${killed.length} killed executions`);
		assert.ok(stats.maxActiveObserved <= TENANT_QUERY_LIMIT, `${stats.maxActiveObserved} queries ran at once`);
		state.timings.push(['kill batch', callsDoneAt - batchStartedAt]);
		log(
			`    ${okCalls.length} executions exact (${ranOnVictim.length - killed.length} on ${victim.name} before the kill, ${survivorRan.length} on ${survivor.name}); ` +
				(STALLED_JOB_RUNS_AGAIN
					? `${killed.length} killed: run again on ${survivor.name}, succeeded ${endedAfterKillMs.map((ms) => seconds(ms)).join(', ')} s after the kill, their callers got 200`
					: `${killed.length} killed: error ${endedAfterKillMs.map((ms) => seconds(ms)).join(', ')} s after the kill, their callers got 500`),
		);
		log(`    simulator: ${stats.queries.length} queries, ${orphaned} never read (ran to completion unattended), at most ${stats.maxActiveObserved} at once, none active now`);
	});

	let result;
	try {
		result = await harness.run();
	} finally {
		const teardownStartedAt = Date.now();
		// Workers before the main, Redis and Postgres last; Postgres's fast shutdown is SIGINT.
		const notEnded = await stopAllServices({ signalFor: (service) => (service.name === 'postgres' ? 'SIGINT' : 'SIGTERM') });
		await Promise.all(Object.values(simulators).map((simulator) => simulator.stop()));
		const left = [...new Set([...notEnded, ...services.filter((service) => groupAlive(service.pid)).map((service) => service.name)])];
		state.timings.push(['teardown', Date.now() - teardownStartedAt]);
		log(`timings: ${state.timings.map(([what, ms]) => `${what} ${seconds(ms)} s`).join(', ')}`);
		if (left.length > 0 || result?.failed > 0) {
			log(`logs kept in ${run}`);
			folders.shift();
		}
		for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
		if (left.length > 0) {
			log(`not ok - teardown: still running: ${left.join(', ')}`);
			result = { passed: result?.passed ?? 0, failed: (result?.failed ?? 0) + 1 };
		} else {
			log(`teardown: ${services.length} process groups ended, none left`);
		}
	}
	return result;
}
