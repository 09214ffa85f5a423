import type { IDataObject, INodeExecutionData, WorkflowExecuteMode } from 'n8n-workflow';

import { checkResult } from '../../nodes/NiceCxoneAnalytics/core/resultCheck';
import type { ResultRow } from '../../nodes/NiceCxoneAnalytics/core/rows';
import { flattenRow } from '../../nodes/NiceCxoneAnalytics/core/rows';
import { NiceCxoneAnalytics } from '../../nodes/NiceCxoneAnalytics/NiceCxoneAnalytics.node';
import { headOf, verifyAuditChain } from '../../nodes/shared/core/auditChain';
import { canonicalJson, sha256Hex } from '../../nodes/shared/core/canonical';
import { signWebhook, verifyWebhookSignature } from '../../nodes/shared/core/webhookSignature';
import type { Clock } from '../../nodes/shared/transport/clock';
import { createN8nPost, deliverWebhook } from '../../nodes/shared/transport/webhook';
import { forgetSealedAuditHeads } from '../../nodes/shared/audit';
import { request } from '../support/http';
import { createContext, queryParams } from '../support/n8nContext';
import { startReceiver } from '../support/receiver';
import { startSimulatorProcess } from '../support/simulator';
import { evaluateOutputs } from '../support/outputs';
import { NiceCxoneTrends } from '../../nodes/NiceCxoneTrends/NiceCxoneTrends.node';

// At least 32 characters, as the nodes require.
const SECRET = 'a-shared-secret-of-some-length'.repeat(2);

describe('the Audit output appears only when records go there', () => {
	it.each([
		['off', ['Results'], ['Output', 'Anomalies']],
		['log', ['Results'], ['Output', 'Anomalies']],
		['output', ['Results', 'Audit'], ['Output', 'Anomalies', 'Audit']],
		['both', ['Results', 'Audit'], ['Output', 'Anomalies', 'Audit']],
	])('audit %s', (audit, analytics, trends) => {
		expect(evaluateOutputs(new NiceCxoneAnalytics().description.outputs, { audit })).toEqual(
			analytics,
		);
		expect(evaluateOutputs(new NiceCxoneTrends().description.outputs, { audit })).toEqual(trends);
	});
});

describe('accuracy check of a result', () => {
	const HOUR = 3_600_000;
	const T0 = Date.parse('2024-01-01T00:00:00Z');
	const grid = [T0, T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR];
	const SERIES = ['a', 'b'];
	/** The keys of rows given as [hour, series]. */
	const keys = (...rows: Array<[number, string]>) => ({
		bucketStartsMs: rows.map(([hour]) => T0 + hour * HOUR),
		series: rows.map(([, series]) => SERIES.indexOf(series)),
	});
	it('counts repeats, overlaps of consecutive parts, rows outside the range and gaps, over blocks of keys', () => {
		const parts = [
			{ totalCount: 4, keys: [keys([0, 'a'], [0, 'b']), keys([0, 'b'], [1, 'a'])] },
			{ totalCount: 4, keys: [keys([1, 'a'], [2, 'a'], [3, 'a'], [9, 'a'])] },
		];
		expect(checkResult(parts, SERIES, grid)).toEqual({
			report: {
				rowsReceived: 8,
				totalCount: 8,
				rowsOutput: 5,
				duplicatesDropped: 1,
				splitBoundaryOverlapsResolved: 1,
				rowsOutsideRange: 1,
				series: 2,
				bucketsInRange: 4,
				missingBuckets: 3,
				seriesWithGaps: 1,
				missingBucketsBySeries: { b: 3 },
			},
			rowsOutOfOrder: 0,
		});
	});

	it('reports a null totalCount when a server omitted it', () => {
		expect(checkResult([{ keys: [keys([0, 'a'])] }], SERIES, grid).report.totalCount).toBeNull();
	});
});

describe('webhook delivery to a real local receiver', () => {
	const fastClock: Clock = {
		now: () => Date.now(),
		random: () => 0.5,
		sleep: async () => undefined,
	};
	const { ctx } = createContext({
		params: {},
		credentials: { tokenUrl: 'x', baseUrl: 'x', clientId: 'x', clientSecret: 'x' },
	});
	const target = (url: string, timeoutMs = 2000) => ({
		url,
		secret: SECRET,
		timeoutMs,
		maxAttempts: 3,
		baseDelayMs: 10,
		minDelayMs: 1,
	});

	it('signs the body so the receiver can verify it', async () => {
		const receiver = await startReceiver();
		const outcome = await deliverWebhook(createN8nPost(ctx), fastClock, target(receiver.url), {
			event: 'completed',
			auditId: 'audit-1',
			rows: 12,
		});
		await receiver.close();
		expect(outcome).toMatchObject({ delivered: true, attempts: 1, status: 200, error: null });
		const [{ headers, body }] = receiver.requests;
		expect(JSON.parse(body)).toEqual({ event: 'completed', auditId: 'audit-1', rows: 12 });
		const timestamp = Number(headers['x-cxone-timestamp']);
		expect(
			verifyWebhookSignature(SECRET, timestamp, body, String(headers['x-cxone-signature'])),
		).toBe(true);
		expect(
			verifyWebhookSignature(
				'another-secret',
				timestamp,
				body,
				String(headers['x-cxone-signature']),
			),
		).toBe(false);
		expect(
			verifyWebhookSignature(SECRET, timestamp, `${body} `, String(headers['x-cxone-signature'])),
		).toBe(false);
		expect(headers['x-cxone-signature']).toBe(signWebhook(SECRET, timestamp, body));
	});

	it('retries 5xx and then delivers', async () => {
		const receiver = await startReceiver({ statuses: [503, 502, 200] });
		const outcome = await deliverWebhook(createN8nPost(ctx), fastClock, target(receiver.url), {
			event: 'failed',
			auditId: 'audit-1',
		});
		await receiver.close();
		expect(outcome).toMatchObject({ delivered: true, attempts: 3, status: 200, error: null });
		expect(receiver.requests.length).toBe(3);
	});

	it('never retries a 4xx', async () => {
		const receiver = await startReceiver({ statuses: [401, 200] });
		const outcome = await deliverWebhook(createN8nPost(ctx), fastClock, target(receiver.url), {
			event: 'failed',
			auditId: 'audit-1',
		});
		await receiver.close();
		expect(outcome).toMatchObject({
			delivered: false,
			attempts: 1,
			status: 401,
			error: 'HTTP 401',
		});
		expect(receiver.requests.length).toBe(1);
	});

	it('gives up on a receiver slower than the timeout, after the retries', async () => {
		const receiver = await startReceiver({ delayMs: 1500 });
		const outcome = await deliverWebhook(createN8nPost(ctx), fastClock, target(receiver.url, 200), {
			event: 'completed',
			auditId: 'audit-1',
		});
		await receiver.close();
		expect(outcome.delivered).toBe(false);
		expect(outcome.attempts).toBe(3);
		expect(outcome.status).toBeNull();
		expect(outcome.error).toMatch(/timeout/i);
		expect(outcome.durationMs).toBeLessThan(1500);
	});
});

describe('audit records and webhooks from the query node, against the simulator', () => {
	let sim: Awaited<ReturnType<typeof startSimulatorProcess>>;
	beforeAll(async () => {
		sim = await startSimulatorProcess({ seed: 5 });
	});
	afterAll(async () => await sim.stop());

	const body = {
		metrics: [
			{ name: 'count', aggregation: 'sum' },
			{ name: 'abandoned', aggregation: 'pct' },
		],
		dimensions: [{ name: 'group.id' }, { name: 'channel' }],
		timeSeries: {
			bucketSize: 'HOUR',
			start: '2024-02-05T00:00:00Z',
			end: '2024-02-07T00:00:00Z',
			timeZone: 'UTC',
		},
	};
	const params = (options: IDataObject) =>
		queryParams({
			metrics: { metric: [{ metric: 'count:sum' }, { metric: 'abandoned:pct' }] },
			bucketSize: 'HOUR',
			start: body.timeSeries.start,
			end: body.timeSeries.end,
			options: { pollIntervalSeconds: 0.05, maxPollIntervalSeconds: 0.1, ...options },
		});
	const run = async (
		options: IDataObject,
		staticData: IDataObject = {},
		where: { mode?: WorkflowExecuteMode; workflowId?: string; nodeId?: string } = {},
	) => {
		const { ctx, log } = createContext({
			params: params(options),
			credentials: {
				tokenUrl: sim.tokenUrl,
				baseUrl: sim.baseUrl,
				clientId: sim.clientId,
				clientSecret: sim.clientSecret,
			},
			staticData,
			webhookSecret: SECRET,
			mode: where.mode,
			workflowId: where.workflowId,
			...(where.nodeId ? { node: { id: where.nodeId } } : {}),
		});
		const output = await new NiceCxoneAnalytics().execute.call(ctx);
		return { output: output as INodeExecutionData[][], log };
	};

	it('emits one record per query on the Audit output and the log, chained across runs, with measured accuracy', async () => {
		const receiver = await startReceiver();
		const staticData: IDataObject = {};
		const first = await run(
			{ audit: 'both', webhookUrl: receiver.url, webhookEvents: ['completed'] },
			staticData,
		);
		const second = await run(
			{ audit: 'both', webhookUrl: receiver.url, webhookEvents: ['completed'] },
			staticData,
		);
		await receiver.close();

		const truth = (
			(await request({ method: 'POST', url: `${sim.baseUrl}/_sim/truth`, body })).body
				.rows as ResultRow[]
		).map(flattenRow);
		const [results, audit] = first.output;
		expect(results.map((item) => item.json)).toEqual(truth);
		expect(audit.length).toBe(1);
		const record = audit[0].json as IDataObject & {
			accuracy: IDataObject;
			requests: IDataObject;
			latencyMs: IDataObject;
			webhook: IDataObject;
		};
		const series = new Set(truth.map((row) => `${row.groupId}|${row.channel}`)).size;
		expect(record).toMatchObject({
			kind: 'query',
			workflowId: 'wf-1',
			executionId: 'exec-1',
			nodeName: 'NICE CXone Analytics',
			mode: 'manual',
			status: 'success',
			error: null,
			query: body,
			chainId: 'wf-1/node-1',
			seq: 1,
			previousHash: null,
			result: {
				rows: truth.length,
				pages: Math.ceil(truth.length / 1000),
				queries: 1,
				totalCount: truth.length,
			},
		});
		expect(record.accuracy).toMatchObject({
			rowsReceived: truth.length,
			totalCount: truth.length,
			rowsOutput: truth.length,
			duplicatesDropped: 0,
			splitBoundaryOverlapsResolved: 0,
			rowsOutsideRange: 0,
			series,
			bucketsInRange: 48,
			missingBuckets: series * 48 - truth.length,
			resultSha256: sha256Hex(canonicalJson(truth)),
		});
		expect(record.requests).toMatchObject({ submits: 1, cancels: 0 });
		expect(record.latencyMs.total).toBeGreaterThanOrEqual(
			(record.latencyMs.submit as number) + (record.latencyMs.waitingForCompletion as number),
		);
		expect(JSON.stringify(record)).not.toContain(sim.clientSecret);
		expect(JSON.stringify(record)).not.toContain('Bearer');

		const secondRecord = second.output[1][0].json;
		expect(secondRecord).toMatchObject({
			chainId: 'wf-1/node-1',
			seq: 2,
			previousHash: record.hash,
		});
		expect(verifyAuditChain([record, secondRecord])).toEqual({
			ok: true,
			records: 2,
			chains: 1,
			findings: [],
		});
		expect(first.log.logged).toEqual([
			{ message: 'NICE CXone audit record', meta: { auditRecord: record } },
		]);

		expect(record.webhook).toMatchObject({ delivered: true, attempts: 1, status: 200 });
		const hook = receiver.requests[0];
		expect(JSON.parse(hook.body)).toMatchObject({
			event: 'completed',
			auditId: record.id,
			rows: truth.length,
			status: 'success',
			anomalies: 0,
			audit: { chainId: 'wf-1/node-1', seq: 1, hash: record.hash },
		});
		expect(
			verifyWebhookSignature(
				SECRET,
				Number(hook.headers['x-cxone-timestamp']),
				hook.body,
				String(hook.headers['x-cxone-signature']),
			),
		).toBe(true);
	});

	it('a receiver that is down does not change the results; the record says the delivery failed', async () => {
		const receiver = await startReceiver({ statuses: [500] });
		const { output } = await run({
			audit: 'output',
			webhookUrl: receiver.url,
			webhookTimeoutSeconds: 2,
		});
		await receiver.close();
		const [results, audit] = output;
		expect(results.length).toBeGreaterThan(0);
		expect(audit[0].json.webhook).toMatchObject({
			delivered: false,
			attempts: 3,
			status: 500,
			error: 'HTTP 500',
		});
		expect(receiver.requests.length).toBe(3);
	});

	it('with Fail Workflow on Webhook Error, a failed delivery fails the item', async () => {
		const receiver = await startReceiver({ statuses: [404] });
		const outcome = await run({ webhookUrl: receiver.url, webhookFailWorkflow: true }).then(
			() => undefined,
			(error: Error) => error.message,
		);
		await receiver.close();
		expect(outcome).toBe(
			`The webhook to ${receiver.url} was not delivered after 1 attempt (HTTP 404).`,
		);
		expect(receiver.requests.length).toBe(1);
	});

	it('times the token request: the first item fetches it, the next reuses it', async () => {
		const { ctx } = createContext({
			params: params({ audit: 'output' }),
			items: [{ json: {} }, { json: {} }],
			credentials: {
				tokenUrl: sim.tokenUrl,
				baseUrl: sim.baseUrl,
				clientId: sim.clientId,
				clientSecret: sim.clientSecret,
			},
		});
		const [, audit] = await new NiceCxoneAnalytics().execute.call(ctx);
		const requests = audit.map(
			(item) => (item.json as { requests: IDataObject }).requests.tokenRequests,
		);
		const tokenMs = audit.map(
			(item) => (item.json as { latencyMs: IDataObject }).latencyMs.token as number,
		);
		expect(requests).toEqual([1, 0]);
		expect(tokenMs[0]).toBeGreaterThanOrEqual(0);
		expect(tokenMs[1]).toBe(0);
		expect(audit.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('with Audit off there is one output and no record', async () => {
		const { output, log } = await run({});
		expect(output.length).toBe(1);
		expect(log.logged).toEqual([]);
	});

	it('continues the chain from Audit Chain Head when static data is empty (queue mode), and two runs from one head show as a fork', async () => {
		const [genesis] = (await run({ audit: 'output' }, {})).output[1];
		const head = headOf(genesis.json as never);
		// A worker starts with empty static data: the head comes from the workflow's own store.
		const a = (await run({ audit: 'output', auditChainHead: genesis.json }, {})).output[1][0].json;
		const b = (await run({ audit: 'output', auditChainHead: JSON.stringify(head) }, {}))
			.output[1][0].json;
		expect(a).toMatchObject({ chainId: 'wf-1/node-1', seq: 2, previousHash: genesis.json.hash });
		expect(b).toMatchObject({ chainId: 'wf-1/node-1', seq: 2, previousHash: genesis.json.hash });
		expect(verifyAuditChain([genesis.json, a]).ok).toBe(true);
		expect(
			verifyAuditChain([genesis.json, a, b]).findings.map(({ kind, index }) => [kind, index]),
		).toEqual([['fork', 2]]);
	});

	it('overlapping production runs of one process without Audit Chain Head get consecutive seqs, not a fork', async () => {
		forgetSealedAuditHeads();
		const trigger = { mode: 'trigger' as const };
		const saved: IDataObject = {};
		const genesis = (await run({ audit: 'output' }, saved, trigger)).output[1][0].json;
		// n8n hands each overlapping execution its own copy of the static data saved when the last one ended.
		const overlapping = (
			await Promise.all(
				[1, 2, 3, 4].map(
					async () => await run({ audit: 'output' }, structuredClone(saved), trigger),
				),
			)
		).map(({ output }) => output[1][0].json);
		expect(overlapping.map((record) => record.seq).sort()).toEqual([2, 3, 4, 5]);
		expect(verifyAuditChain([genesis, ...overlapping])).toEqual({
			ok: true,
			records: 5,
			chains: 1,
			findings: [],
		});
		// A static data head later than this process's (saved by another main process) wins.
		const elsewhere = { auditChainHead: { chainId: 'wf-1/node-1', seq: 41, hash: 'a'.repeat(64) } };
		expect((await run({ audit: 'output' }, elsewhere, trigger)).output[1][0].json).toMatchObject({
			seq: 42,
			previousHash: 'a'.repeat(64),
		});
		// Another workflow's chain, another node's chain, a manual run (whose static data n8n does not keep) and
		// a run whose static data holds no head (an n8n 2.x queue-mode worker's: a restart, reported as one,
		// not a fork of another worker's chain) are not continued from it.
		const apart = await Promise.all([
			run({ audit: 'output' }, {}, { ...trigger, workflowId: 'wf-2' }),
			run({ audit: 'output' }, {}, { ...trigger, nodeId: 'node-2' }),
			run({ audit: 'output' }, {}),
			run({ audit: 'output' }, {}, trigger),
		]);
		expect(apart.map(({ output }) => [output[1][0].json.chainId, output[1][0].json.seq])).toEqual([
			['wf-2/node-1', 1],
			['wf-1/node-2', 1],
			['wf-1/node-1', 1],
			['wf-1/node-1', 1],
		]);
	});

	it('chains the records of several items of one execution one after another, whatever head each item gives', async () => {
		const { ctx } = createContext({
			params: params({ audit: 'output', auditChainHead: '' }),
			credentials: {
				tokenUrl: sim.tokenUrl,
				baseUrl: sim.baseUrl,
				clientId: sim.clientId,
				clientSecret: sim.clientSecret,
			},
			items: [{ json: {} }, { json: {} }, { json: {} }],
		});
		const [, audit] = (await new NiceCxoneAnalytics().execute.call(ctx)) as INodeExecutionData[][];
		expect(audit.map((item) => [item.json.seq, item.pairedItem])).toEqual([
			[1, { item: 0 }],
			[2, { item: 1 }],
			[3, { item: 2 }],
		]);
		expect(verifyAuditChain(audit.map((item) => item.json)).ok).toBe(true);
	});

	it('signs records with the signing secret when Sign Audit Records is on: a re-seal without it is found', async () => {
		const record = (await run({ audit: 'output', auditSignRecords: true })).output[1][0].json;
		expect(typeof record.hmac).toBe('string');
		expect(verifyAuditChain([record], { key: SECRET }).ok).toBe(true);
		expect(
			verifyAuditChain([record], {
				key: 'another secret of at least thirty-two chars',
			}).findings.map(({ kind }) => kind),
		).toEqual(['forged']);
	});

	it('refuses a chain head that is not one, and Sign Audit Records without a signing credential, before sending anything', async () => {
		const before = (await sim.stats()).queries.length;
		await expect(run({ audit: 'output', auditChainHead: '{"seq": 3}' })).rejects.toThrow(
			'Options › Audit Chain Head needs chainId (text), seq (a whole number from 1) and hash (64 hex digits), as the last audit record has them. Give the last stored audit record, or leave it empty.',
		);
		const { ctx } = createContext({
			params: params({ audit: 'output', auditSignRecords: true }),
			credentials: {
				tokenUrl: sim.tokenUrl,
				baseUrl: sim.baseUrl,
				clientId: sim.clientId,
				clientSecret: sim.clientSecret,
			},
		});
		await expect(new NiceCxoneAnalytics().execute.call(ctx)).rejects.toThrow(
			'Sign Audit Records is on but the node has no readable NICE CXone Webhook Signing API credential.',
		);
		expect((await sim.stats()).queries.length).toBe(before);
	});
});

describe('audit records and webhooks from the trends node', () => {
	// Three weeks of hourly volume with a daily cycle, then one hour at ten times the usual.
	const HOUR = 3_600_000;
	const start = Date.parse('2024-03-04T00:00:00Z');
	const items = Array.from({ length: 21 * 24 + 12 }, (_, i) => {
		const hour = i % 24;
		const usual = 20 + (10 * Math.round(Math.sin((Math.PI * hour) / 24) * 10)) / 10 + (i % 3);
		return {
			json: {
				bucketStart: new Date(start + i * HOUR).toISOString(),
				groupId: 'grp_001',
				count_sum: i === 21 * 24 + 11 ? usual * 10 : usual,
			},
		};
	});
	const run = async (options: IDataObject, staticData: IDataObject = {}) => {
		const { ctx, log } = createContext({
			params: {
				outputMode: 'summary',
				method: 'seasonalRobust',
				sensitivity: 'medium',
				timestampField: 'bucketStart',
				timeZone: 'UTC',
				options,
			},
			items,
			credentials: { tokenUrl: 'x', baseUrl: 'x', clientId: 'x', clientSecret: 'x' },
			staticData,
			webhookSecret: SECRET,
		});
		return { output: await new NiceCxoneTrends().execute.call(ctx), log };
	};

	it('records one run with what it found and posts an anomaliesFound webhook', async () => {
		const receiver = await startReceiver();
		const staticData: IDataObject = {};
		const first = await run({ audit: 'both', webhookUrl: receiver.url }, staticData);
		const second = await run({ audit: 'output' }, staticData);
		await receiver.close();
		const [summary, anomalies, audit] = first.output;
		expect(summary.length).toBe(1);
		expect(anomalies.length).toBeGreaterThanOrEqual(1);
		expect(audit.length).toBe(1);
		const record = audit[0].json;
		expect(record).toMatchObject({
			kind: 'trends',
			status: 'success',
			method: 'seasonalRobust',
			result: { inputItems: items.length, seriesAnalysed: 1, anomalies: anomalies.length },
			seq: 1,
			previousHash: null,
			webhook: { delivered: true, attempts: 1, status: 200 },
		});
		expect(audit[0].pairedItem).toHaveLength(items.length);
		expect(first.log.logged).toEqual([
			{ message: 'NICE CXone audit record', meta: { auditRecord: record } },
		]);
		expect(JSON.parse(receiver.requests[0].body)).toMatchObject({
			event: 'anomaliesFound',
			anomalies: anomalies.length,
			auditId: record.id,
		});
		expect(second.output[2][0].json).toMatchObject({ seq: 2, previousHash: record.hash });
		expect(verifyAuditChain([record, second.output[2][0].json])).toEqual({
			ok: true,
			records: 2,
			chains: 1,
			findings: [],
		});
	});
});
