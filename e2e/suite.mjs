// End-to-end tests in a real n8n: the built package loaded through N8N_CUSTOM_EXTENSIONS, the
// example workflows imported with the n8n CLI, executed with `n8n execute`, and their output
// compared with the simulator's ground truth.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

import { createN8nSandbox, cxoneCredential, forCustomExtensions, nodeOutputItems, nodeTask } from '../scripts/lib/n8n.mjs';
import { N8N_VERSION, n8nLine } from '../scripts/lib/paths.mjs';
import { startSimulator } from '../scripts/lib/simulator.mjs';
import { analyticsNodes, readExample, readExamples, workflowVariant } from '../scripts/lib/workflows.mjs';
import { expectedQueryBody, flattenContractRow, fromAiParameters, withFromAiArguments } from './expected.mjs';
import { assertSameItems, createHarness } from './harness.mjs';
import { startScriptedChatModel } from './scriptedChatModel.mjs';

const DAY_MS = 86_400_000;
const QUARTER_HOUR_MS = 900_000;

const { startReceiver } = createRequire(import.meta.url)('../test/support/receiver.js');

const DAILY_EXAMPLE = 'daily-cxone-report-to-slack.json';
const AUDIT_EXAMPLE = 'audit-trail-and-anomaly-webhook.json';
const PLATFORM_EXAMPLE = 'platform-completed-contacts.json';
const WEBHOOK_SECRET = 'e2e-webhook-signing-secret-0001-0123456789abcdef';
const EXPLORE_EXAMPLE = 'explore-cxone-analytics.json';
const AGENT_EXAMPLE = 'ai-agent-cxone-analytics-tool.json';
/** The Analytics node as an AI Agent's tool: the node type n8n makes of a node with `usableAsTool`. */
const ANALYTICS_TOOL_TYPE_SUFFIX = '.niceCxoneAnalyticsTool';
/**
 * The agent example's question in the e2e, about fixed past weeks (the example itself asks about last
 * week), and the tool call the scripted model answers it with: the two weeks in one WEEK query.
 */
const AGENT_QUESTION = 'How did AHT in group 2 in the week of 11 March 2024 compare with the week before?';
/** A question the scripted model first gets wrong (a metric without its aggregation), then right. */
const AGENT_RETRY_QUESTION = 'And the handle time of group 2 in the weeks of 4 and 11 March 2024?';
const AGENT_TOOL_ARGUMENTS = { metric: 'handle_time:avg', bucketSize: 'WEEK', start: '2024-03-04T00:00:00Z', end: '2024-03-18T00:00:00Z', groupId: 'grp_002' };
/** The credential the agent example's OpenAI Chat Model names. */
const OPENAI_CREDENTIAL = { id: 'openAiCredential01', name: 'OpenAI account' };
const SLACK_TYPE = 'n8n-nodes-base.slack';
/** Nodes that need a service this machine has not: disabled, so n8n passes their input through. */
const OUTSIDE_TYPES = [SLACK_TYPE, 'n8n-nodes-base.emailSend'];
/** The credential id the examples reference, so they run as they are once it is imported. */
const EXAMPLE_CREDENTIAL = { id: 'cxoneCredential01', name: 'NICE CXone account' };

const FLAKY_TEST = 'against the flaky profile every row comes back exactly once';

/**
 * Tests that fail on an n8n line because of the node's code, not the harness (see the harness's
 * `knownFailures`): each still runs, is printed as `# KNOWN FAILURE` with its reason, and fails the run
 * if it passes. None today: the one n8n 1.x had (a dropped connection not retried) is fixed.
 */
const KNOWN_FAILURES = {};

/** Every item paired with the single input item of the trigger. */
function assertPairedWithTrigger(items, what) {
	items.forEach((item, index) =>
		assert.deepStrictEqual(item.pairedItem, { item: 0 }, `${what}: item ${index} has pairedItem ${JSON.stringify(item.pairedItem)}`),
	);
}

/** The output items of a node's first run on output `index`. */
function nodeOutput(run, nodeName, index) {
	return run?.data?.resultData?.runData?.[nodeName]?.[0]?.data?.main?.[index] ?? [];
}

/** The tool node's items of each of its runs, as the agent got them (its `ai_tool` output). */
function toolRunsItems(run, nodeName) {
	return (run?.data?.resultData?.runData?.[nodeName] ?? []).map((task) => (task.data?.ai_tool?.[0] ?? []).map((item) => item.json));
}

/** The agent example made to run here as `id`: the Run Now path asks `question`. */
function agentVariant(workflow, { id, name, question }) {
	const variant = { ...structuredClone(workflow), id, name };
	const chatInput = variant.nodes
		.flatMap((node) => node.parameters.assignments?.assignments ?? [])
		.find((assignment) => assignment.name === 'chatInput');
	assert.ok(chatInput, `${AGENT_EXAMPLE}: no node sets chatInput for the Run Now path`);
	chatInput.value = question;
	return variant;
}

/** The final answer of the scripted model: the rows of the tool, in one sentence. */
function agentAnswer(rows) {
	const weeks = rows.map((row) => `week of ${row.bucketStart.slice(0, 10)}: ${row.handle_time_avg} s`);
	return `AHT of ${rows[0]?.groupId ?? 'no group'}: ${weeks.join('; ')}.`;
}

/**
 * The scripted model, read from the conversation so far: to a question, a call of the one tool
 * offered with AGENT_TOOL_ARGUMENTS (for AGENT_RETRY_QUESTION first with a bare metric, which the node
 * refuses); to a tool result that is an error, the call again with AGENT_TOOL_ARGUMENTS, once; to rows,
 * agentAnswer of them. Anything else is refused (a 400 that fails the run).
 */
function agentScript(body) {
	const messages = body.messages ?? [];
	const last = messages.at(-1);
	const name = body.tools?.[0]?.function?.name;
	if (!name) throw new Error('no tool was offered');
	if (last?.role === 'user') {
		const bareMetric = last.content === AGENT_RETRY_QUESTION ? { metric: 'handle_time' } : {};
		return { toolCalls: [{ name, arguments: { ...AGENT_TOOL_ARGUMENTS, ...bareMetric } }] };
	}
	if (last?.role === 'tool') {
		const result = JSON.parse(last.content);
		if (result[0]?.error === undefined) return { content: agentAnswer(result) };
		if (messages.filter((message) => message.role === 'tool').length === 1) return { toolCalls: [{ name, arguments: AGENT_TOOL_ARGUMENTS }] };
	}
	throw new Error(`the script has no answer to a conversation ending with ${JSON.stringify(last).slice(0, 300)}`);
}

/**
 * The audit example made to run here: webhooks to the local receiver, audit files into `folder`
 * (which the e2e lets n8n's file nodes write to).
 */
function auditVariant(workflow, receiverUrl, folder) {
	const variant = structuredClone(workflow);
	for (const node of variant.nodes) {
		if (node.parameters.options?.webhookUrl) node.parameters.options.webhookUrl = receiverUrl;
		if (node.type === 'n8n-nodes-base.readWriteFile') {
			node.parameters.fileName = `={{ ${JSON.stringify(`${folder}/audit-`)} + $runIndex + '.json' }}`;
		}
	}
	return variant;
}

/** Names the cause when an execution that should have worked did not. */
function assertSucceeded(execution, what) {
	if (execution.ok) return;
	const error = execution.run?.data?.resultData?.error;
	assert.fail(
		`${what} failed (exit ${execution.code}): ${error ? `${error.message} ${error.description ?? ''}` : 'no run data'}\n` +
			`${execution.stdout.slice(-3000)}\n${execution.stderr.slice(-2000)}`,
	);
}

/** The error a failed execution reports: on the failing node's task, else on the run. */
function executionError(execution, nodeName) {
	return nodeTask(execution.run, nodeName)?.error ?? execution.run?.data?.resultData?.error;
}

/**
 * Ground truth for an analytics node's parameters. For "yesterday", the truth is taken for the day
 * before the run started and the day before it ended, so a run across midnight still compares.
 */
async function groundTruth(simulator, parameters, startedAtMs) {
	const candidates = [startedAtMs, Date.now()].map((nowMs) => expectedQueryBody(parameters, nowMs));
	const unique = candidates.filter(
		(body, i) => candidates.findIndex((other) => JSON.stringify(other) === JSON.stringify(body)) === i,
	);
	return Promise.all(
		unique.map(async (body) => {
			const { rows, totalCount } = await simulator.truth(body);
			assert.equal(rows.length, totalCount, 'the simulator returned a partial truth');
			return rows.map(flattenContractRow);
		}),
	);
}

/** Asserts items equal one of the truths (see groundTruth) exactly, in order. */
function assertMatchesTruth(items, truths, what) {
	const json = items.map((item) => item.json);
	const matching = truths.find((truth) => truth.length === json.length) ?? truths[0];
	assertSameItems(json, matching, what);
}

/**
 * Asserts the items of a range that ends at the node's own "now" (Include Today): every bucket that was over
 * when the run started equals the truth exactly; a bucket still open then holds the contacts up to the
 * instant the node read the clock, somewhere between the run's start and its end, so its rows are those of
 * the truths at those two instants by key, with a contact count between theirs.
 */
function assertMatchesTruthSoFar(items, truths, openFromMs, what) {
	const closed = (rows) => rows.filter((row) => Date.parse(row.bucketStart) < openFromMs);
	const open = (rows) => rows.filter((row) => Date.parse(row.bucketStart) >= openFromMs);
	const json = items.map((item) => item.json);
	assertSameItems(closed(json), closed(truths[0]), `${what}, the buckets over before the run`);
	const key = (row) => Object.entries(row).filter(([field]) => !/_(sum|pct|avg)$/.test(field)).map(String).join('|');
	const countsAt = (truth) => new Map(open(truth).map((row) => [key(row), row.count_sum]));
	const [atStart, atEnd] = [countsAt(truths[0]), countsAt(truths.at(-1))];
	// The node read the clock after the run started: a row the start's truth holds is in its output.
	const outputKeys = new Set(open(json).map(key));
	for (const [rowKey] of atStart) assert.ok(outputKeys.has(rowKey), `${what}: no row ${rowKey}, which the truth at the run's start holds`);
	for (const row of open(json)) {
		// A row the start's truth lacks had no contact yet then: anything from none up to the end's count.
		const low = atStart.get(key(row)) ?? 0;
		const high = atEnd.get(key(row));
		assert.ok(high !== undefined, `${what}: ${JSON.stringify(row)} is in neither truth`);
		assert.ok(
			row.count_sum >= low && row.count_sum <= high,
			`${what}: ${JSON.stringify(row)} has a count outside ${low}–${high}, the truths at the run's start and end`,
		);
	}
}

/**
 * Registers the e2e tests on a harness and runs them in the n8n line of scripts/lib/paths.mjs. `log`
 * prints a line. Resolves to {passed, failed, known} (known: the known failures that failed).
 */
export async function runE2eSuite({ log }) {
	const harness = createHarness({ log, knownFailures: KNOWN_FAILURES[n8nLine] ?? {} });
	const simulators = {};
	const sandbox = createN8nSandbox();
	const executions = {};

	const cleanup = async () => {
		await Promise.all(Object.values(simulators).map((simulator) => simulator.stop()));
		sandbox.cleanup();
	};

	try {
		// Three simulators: the normal one, one with faults, and one whose queries take ~50 times longer.
		// The normal one runs a day ahead of the real clock: a contact can stay open for up to a day after it
		// starts, and CXone lists only completed ones, so on the real clock the platform example's last day
		// (up to today's midnight) would lack the contacts still open, at hours after midnight, and differ from
		// the ground truth (which counts every contact). Every range the examples ask for ends by the real now.
		[simulators.clean, simulators.flaky, simulators.slow] = await Promise.all([
			startSimulator({ seed: 1, profile: 'clean', clockOffsetMs: DAY_MS }),
			startSimulator({ seed: 1, profile: 'flaky' }),
			startSimulator({ seed: 1, profile: 'clean', speed: 50 }),
		]);
		const credentials = {
			clean: { ...EXAMPLE_CREDENTIAL },
			wrongSecret: { id: 'cxoneWrongSecret01', name: 'CXone with a wrong secret' },
			flaky: { id: 'cxoneFlaky0000001', name: 'CXone flaky simulator' },
			slow: { id: 'cxoneSlow00000001', name: 'CXone slow simulator' },
		};
		const credentialRecords = [
			cxoneCredential({ ...credentials.clean, ...simulators.clean }),
			cxoneCredential({ ...credentials.wrongSecret, ...simulators.clean, clientSecret: 'not-the-secret' }),
			cxoneCredential({ ...credentials.flaky, ...simulators.flaky }),
			cxoneCredential({ ...credentials.slow, ...simulators.slow }),
		];

		const receiver = await startReceiver();
		simulators.receiver = { stop: () => receiver.close() };
		const chatModel = await startScriptedChatModel({ reply: agentScript });
		simulators.chatModel = { stop: () => chatModel.close() };
		credentialRecords.push({ ...OPENAI_CREDENTIAL, type: 'openAiApi', data: { apiKey: chatModel.apiKey, url: chatModel.url } });
		const auditFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'cxone-audit-'));
		sandbox.env.N8N_RESTRICT_FILE_ACCESS_TO = auditFolder;
		credentialRecords.push({
			id: 'cxoneAccessKey001',
			name: 'NICE CXone access key',
			type: 'niceCxoneApi',
			data: {
				accessKeyId: simulators.clean.accessKeyId,
				accessKeySecret: simulators.clean.accessKeySecret,
				authRoute: 'openid',
				clientId: simulators.clean.platformClientId,
				clientSecret: simulators.clean.platformClientSecret,
				authHost: simulators.clean.authHost,
			},
		});
		credentialRecords.push({ id: 'cxoneWebhookSign01', name: 'CXone webhook signing', type: 'niceCxoneWebhookSigningApi', data: { secret: WEBHOOK_SECRET } });

		const daily = readExample(DAILY_EXAMPLE);
		const explore = readExample(EXPLORE_EXAMPLE);
		const dailyQueryNode = analyticsNodes(daily)[0].name;
		const exploreQueryNode = analyticsNodes(explore)[0].name;

		// Every example as it is (only the Slack node disabled: no Slack workspace here), plus variants.
		const audit = readExample(AUDIT_EXAMPLE);
		const platform = readExample(PLATFORM_EXAMPLE);
		const agentExample = readExample(AGENT_EXAMPLE);
		const agent = agentVariant(agentExample, { id: agentExample.id, name: agentExample.name, question: AGENT_QUESTION });
		const examples = readExamples().map(({ file, workflow }) =>
			file === AUDIT_EXAMPLE
				? auditVariant(workflow, receiver.url, auditFolder)
				: file === AGENT_EXAMPLE
					? agent
					: workflowVariant(workflow, { id: workflow.id, name: workflow.name, disableTypes: OUTSIDE_TYPES }),
		);
		const variants = {
			wrongSecret: workflowVariant(explore, {
				id: 'e2eWrongSecret00001',
				name: 'e2e: wrong client secret',
				credential: credentials.wrongSecret,
			}),
			// Five weeks of hourly rows (~16,800) in pages of 350 make ~50 requests: more than a flaky token's
			// budget of 20–30, so besides 429s, 5xx and resets the token dies mid-paging and n8n must fetch a new one.
			flaky: workflowVariant(daily, {
				id: 'e2eFlaky0000000001',
				name: 'e2e: flaky server',
				credential: credentials.flaky,
				parameters: { options: { pageSize: 350, pollIntervalSeconds: 0.1, maxPollIntervalSeconds: 0.5 } },
				disableTypes: OUTSIDE_TYPES,
			}),
			timeout: workflowVariant(explore, {
				id: 'e2eTimeout00000001',
				name: 'e2e: query slower than the timeout',
				credential: credentials.slow,
				parameters: { options: { timeoutSeconds: 1, pollIntervalSeconds: 0.1, maxPollIntervalSeconds: 0.2 } },
			}),
			// No node timeout this time: n8n's own workflow timeout (settings.executionTimeout) stops the
			// run, and the node must hear n8n's cancel signal and cancel its query.
			agentRetry: agentVariant(agentExample, { id: 'e2eAgentRetry00001', name: 'e2e: the model corrects its tool call', question: AGENT_RETRY_QUESTION }),
			// Two sites' hourly items merged, each with its zone: the Trends node's Time Zone by an expression.
			siteZones: siteZonesWorkflow(),
			cancelled: {
				...workflowVariant(explore, {
					id: 'e2eCancelled000001',
					name: 'e2e: cancelled by n8n',
					credential: credentials.slow,
					parameters: { options: { pollIntervalSeconds: 0.1, maxPollIntervalSeconds: 0.2 } },
				}),
				settings: { ...explore.settings, executionTimeout: 2 },
			},
		};

		harness.test('credentials and every example workflow import into n8n', async () => {
			await sandbox.importCredentials(credentialRecords);
			const workflows = [...examples, ...Object.values(variants)].map(forCustomExtensions);
			const result = await sandbox.importWorkflows(workflows);
			assert.match(result.stdout, new RegExp(`Successfully imported ${workflows.length} workflows?`));
		});

		harness.test(`${DAILY_EXAMPLE}: query rows equal the ground truth, each paired with the trigger item`, async () => {
			const startedAtMs = Date.now();
			const execution = await sandbox.executeWorkflow(daily.id);
			executions.daily = execution;
			assertSucceeded(execution, DAILY_EXAMPLE);
			const items = nodeOutputItems(execution.run, dailyQueryNode);
			assert.ok(items.length > 0, 'the query node returned no items');
			const truths = await groundTruth(simulators.clean, analyticsNodes(daily)[0].parameters, startedAtMs);
			assertMatchesTruth(items, truths, dailyQueryNode);
			assertPairedWithTrigger(items, dailyQueryNode);
			assert.deepStrictEqual(
				Object.keys(items[0].json),
				['bucketStart', 'groupId', 'channel', 'count_sum', 'handle_time_avg', 'abandoned_pct'],
			);
		});

		harness.test(`${DAILY_EXAMPLE}: the Trends node reports on every series, for Slack and email, with charts of what alerted`, async () => {
			const execution = executions.daily;
			assert.ok(execution?.ok, 'the daily example did not run (see the test before)');
			const rows = nodeOutputItems(execution.run, dailyQueryNode).map((item) => item.json);
			const [report, ...extra] = nodeOutputItems(execution.run, 'Find What Is Abnormal');
			assert.equal(extra.length, 0, 'one report per run');
			const combinations = new Set(rows.map((row) => `${row.groupId}/${row.channel}`));
			assert.equal(report.json.seriesCount, combinations.size * 3, 'every group × channel × metric');
			// The report lists at most 2,000 alerts and counts the rest.
			assert.equal(report.json.alertCount, report.json.alerts.length + report.json.leftOut.alerts);
			assert.match(report.json.headline, /^(No alerts|\d+ alerts?( \(\d+ critical\))?) in \d+ series$/);
			assert.deepStrictEqual(JSON.parse(report.json.slackBlocksJson).blocks, report.json.slackBlocks);
			// One chart per series of the alerts it says (at most 20), each a PNG, each shown inline in the email body.
			const charts = Object.keys(report.binary ?? {});
			assert.equal(report.json.chartProperties, charts.join(','));
			for (const property of charts) {
				assert.equal(report.binary[property].mimeType, 'image/png');
				assert.ok(report.json.html.includes(`cid:${property}`), `${property} is not in the email body`);
			}
			// Disabled, Slack and Send Email pass the report through: the workflow ran to its end.
			assert.deepStrictEqual(nodeOutputItems(execution.run, 'Post to Slack')[0]?.json, report.json);
			assert.deepStrictEqual(nodeOutputItems(execution.run, 'Email the Report')[0]?.json, report.json);
			log(`    ${report.json.headline}; charts: ${charts.length}`);
		});

		harness.test(`${EXPLORE_EXAMPLE}: query rows equal the ground truth, each paired with the trigger item`, async () => {
			const startedAtMs = Date.now();
			const execution = await sandbox.executeWorkflow(explore.id);
			assertSucceeded(execution, EXPLORE_EXAMPLE);
			const items = nodeOutputItems(execution.run, exploreQueryNode);
			assert.ok(items.length > 0, 'the query node returned no items');
			assertMatchesTruth(items, await groundTruth(simulators.clean, analyticsNodes(explore)[0].parameters, startedAtMs), exploreQueryNode);
			assertPairedWithTrigger(items, exploreQueryNode);
			assert.ok(items.every((item) => item.json.channel === 'voice'), 'the filter channel = voice was not applied');
		});

		// Examples added later are covered too: every analytics node's rows against the ground truth.
		harness.test(`${AUDIT_EXAMPLE}: audit records land in files, verify, and the anomaly webhook arrives signed`, async () => {
			const { canonicalJson, sha256Hex } = await import('../dist/nodes/shared/core/canonical.js');
			const { verifyAuditChain } = await import('../dist/nodes/shared/core/auditChain.js');
			const { verifyWebhookSignature } = await import('../dist/nodes/shared/core/webhookSignature.js');
			const startedAtMs = Date.now();
			const execution = await sandbox.executeWorkflow(audit.id);
			assertSucceeded(execution, AUDIT_EXAMPLE);
			const [queryNode] = analyticsNodes(audit);
			const rows = nodeOutputItems(execution.run, queryNode.name);
			assertMatchesTruth(rows, await groundTruth(simulators.clean, queryNode.parameters, startedAtMs), queryNode.name);

			const files = fs.readdirSync(auditFolder).sort();
			assert.deepStrictEqual(files, ['audit-0.json', 'audit-1.json'], 'one audit file per audit output');
			const records = files.flatMap((file) => [JSON.parse(fs.readFileSync(path.join(auditFolder, file), 'utf8'))].flat());
			const query = records.find((record) => record.kind === 'query');
			const trends = records.find((record) => record.kind === 'trends');
			assert.ok(query && trends, `records: ${JSON.stringify(records).slice(0, 500)}`);
			// One chain per node, each starting here (a manual run; nothing remembered yet).
			for (const record of records) assert.deepStrictEqual(verifyAuditChain([record]), { ok: true, records: 1, chains: 1, findings: [] });
			assert.deepStrictEqual(records.map((record) => record.seq), [1, 1]);
			assert.notEqual(query.chainId, trends.chainId);
			assert.equal(query.accuracy.rowsOutput, rows.length);
			assert.equal(query.accuracy.totalCount, rows.length);
			assert.equal(query.accuracy.resultSha256, sha256Hex(canonicalJson(rows.map((item) => item.json))));
			const anomalies = nodeOutput(execution.run, 'Find Anomalies', 1);
			assert.equal(trends.result.seriesAnalysed, 4 * 2, 'four groups × two metrics');
			assert.equal(trends.result.anomalies, anomalies.length);

			assert.equal(receiver.requests.length, 1, 'only the trends node posts (the query node posts on failure)');
			const [hook] = receiver.requests;
			const payload = JSON.parse(hook.body);
			assert.equal(payload.event, anomalies.length > 0 ? 'anomaliesFound' : 'completed');
			assert.equal(payload.auditId, trends.id);
			assert.deepStrictEqual(payload.audit, { chainId: trends.chainId, seq: trends.seq, hash: trends.hash }, 'the webhook carries the record\'s seal');
			assert.equal(payload.anomalies, anomalies.length);
			assert.ok(verifyWebhookSignature(WEBHOOK_SECRET, Number(hook.headers['x-cxone-timestamp']), hook.body, String(hook.headers['x-cxone-signature'])), 'the signature does not verify');
			assert.deepStrictEqual(trends.webhook, { ...trends.webhook, delivered: true, attempts: 1, status: 200 });
			log(`    audit records: ${records.length}; anomalies posted: ${anomalies.length}`);
		});

		harness.test(`${PLATFORM_EXAMPLE}: access-key token, API host discovery, and contacts aggregated to the ground truth`, async () => {
			const startedAtMs = Date.now();
			const execution = await sandbox.executeWorkflow(platform.id);
			assertSucceeded(execution, PLATFORM_EXAMPLE);
			const [node] = analyticsNodes(platform);
			const items = nodeOutputItems(execution.run, node.name);
			const universe = await simulators.clean.platformUniverse();
			const skillNumber = Object.fromEntries(universe.skills.map((skill) => [skill.analyticsId, String(skill.skillId)]));
			const truths = (await groundTruth(simulators.clean, node.parameters, startedAtMs)).map((rows) =>
				rows.map((row) => ({ ...row, skillId: skillNumber[row.skillId] })),
			);
			assert.ok(truths[0].length > 0, 'no contacts in the window');
			assertMatchesTruth(items, truths, node.name);
			assertPairedWithTrigger(items, node.name);
			const stats = await simulators.clean.stats();
			assert.equal(stats.platform.tokensIssued, 1, 'one access-key token for the whole run');
		});

		const toolNode = agent.nodes.find((node) => node.type.endsWith(ANALYTICS_TOOL_TYPE_SUFFIX));
		/**
		 * Runs an agent workflow; resolves to {execution, completions} (the bodies of the chat completion
		 * requests of this run), after asserting the run succeeded with `turns` requests to the model, all answered.
		 */
		const runAgent = async (id, turns) => {
			const seen = chatModel.requests.length;
			const execution = await sandbox.executeWorkflow(id);
			const ours = chatModel.requests.slice(seen);
			const requests = ours.map(({ method, path: url, status, error }) => `${method} ${url} ${status}${error ? ` ${error}` : ''}`);
			assertSucceeded(execution, `${id} (the model server saw: ${requests.join(' | ')})`);
			assert.deepStrictEqual(requests, Array(turns).fill('POST /v1/chat/completions 200'), 'the requests to the model');
			return { execution, completions: ours.map((request) => request.body) };
		};
		/** The truth of the tool's query with the arguments the script gives (two weeks of grp_002). */
		const agentTruth = async () => {
			const [truth] = await groundTruth(simulators.clean, withFromAiArguments(toolNode.parameters, AGENT_TOOL_ARGUMENTS), Date.now());
			assert.deepStrictEqual(truth.map((row) => [row.bucketStart, row.groupId]), [['2024-03-04T00:00:00Z', 'grp_002'], ['2024-03-11T00:00:00Z', 'grp_002']]);
			return truth;
		};

		harness.test(`${AGENT_EXAMPLE}: n8n's AI Agent calls the Analytics node as a tool, and the rows the model gets equal the ground truth`, async () => {
			const { execution, completions } = await runAgent(agent.id, 2);
			const [question, afterTool] = completions;

			// What n8n offers the model: one tool named after the node, with its description, whose
			// parameters are the node's $fromAI() values; the question, after a system message whose
			// expressions (today's date) were resolved.
			assert.equal(question.tools.length, 1, `tools offered: ${question.tools.map((tool) => tool.function.name)}`);
			const [{ function: tool }] = question.tools;
			assert.equal(tool.name, toolNode.name.replace(/ /g, '_'));
			assert.equal(tool.description, toolNode.parameters.toolDescription);
			const fromAi = fromAiParameters(toolNode.parameters);
			assert.deepStrictEqual(tool.parameters.properties, Object.fromEntries(fromAi.map(({ key, type, description }) => [key, { type, description }])));
			assert.deepStrictEqual([...tool.parameters.required].sort(), fromAi.map(({ key }) => key).sort());
			const modelNode = agent.nodes.find((node) => node.type === '@n8n/n8n-nodes-langchain.lmChatOpenAi');
			assert.equal(question.model, modelNode.parameters.model.value, 'the model the request names');
			const [system, user] = question.messages;
			assert.ok(['system', 'developer'].includes(system.role), `the first message is a ${system.role} message`);
			assert.match(system.content, /^You answer questions about a NICE CXone contact centre .* Today is \w+day \d+ \w+ \d{4} in UTC;/);
			assert.deepStrictEqual([user, question.messages.length], [{ role: 'user', content: AGENT_QUESTION }, 2]);

			// The rows the tool returned: as the model got them (the answer to its call), and as the tool node output them.
			const call = afterTool.messages.at(-2)?.tool_calls?.[0];
			const result = afterTool.messages.at(-1);
			assert.equal(call?.function?.name, tool.name, "the model's tool call is not in the conversation");
			assert.deepStrictEqual([result.role, result.tool_call_id], ['tool', call.id]);
			const truth = await agentTruth();
			assertSameItems(JSON.parse(result.content), truth, 'the tool result the model got');
			const toolRuns = toolRunsItems(execution.run, toolNode.name);
			assert.equal(toolRuns.length, 1, 'the tool ran once');
			assertSameItems(toolRuns[0], truth, `${toolNode.name} (its output)`);

			// The model's final message is the agent's output.
			assert.deepStrictEqual(nodeOutputItems(execution.run, 'AI Agent').map((item) => item.json), [{ output: agentAnswer(truth) }]);
			log(`    ${agentAnswer(truth)}`);
		});

		harness.test(`${AGENT_EXAMPLE}: a call the node refuses comes back to the model as the node's message, and its corrected call gets the ground truth`, async () => {
			const { execution, completions } = await runAgent(variants.agentRetry.id, 3);
			const refused = completions[1].messages.at(-1);
			// The tool's On Error setting (Continue) hands the node's error item to the model instead of failing the run.
			assert.deepStrictEqual(JSON.parse(refused.content), [
				{ error: "Metrics › Metric 1 is 'handle_time'; write it as metric:aggregation, for example handle_time:avg.", errorDetails: 'Field: Metrics › Metric 1' },
			]);
			const truth = await agentTruth();
			assertSameItems(JSON.parse(completions[2].messages.at(-1).content), truth, 'the result of the corrected call');
			assert.deepStrictEqual(toolRunsItems(execution.run, toolNode.name).map((items) => items.length), [1, truth.length], 'the tool ran twice');
			assert.deepStrictEqual(nodeOutputItems(execution.run, 'AI Agent').map((item) => item.json), [{ output: agentAnswer(truth) }]);
		});

		for (const example of examples.filter((workflow) => ![daily.id, explore.id, audit.id, platform.id, agent.id].includes(workflow.id))) {
			harness.test(`${example.name}: every query node's rows equal the ground truth`, async () => {
				const startedAtMs = Date.now();
				const execution = await sandbox.executeWorkflow(example.id);
				assertSucceeded(execution, example.name);
				for (const node of analyticsNodes(example)) {
					const items = nodeOutputItems(execution.run, node.name);
					const truths = await groundTruth(simulators.clean, node.parameters, startedAtMs);
					if (node.parameters.includeToday) {
						// The quarter hours (the examples' smallest bucket) from the one the run started in are still open.
						const openFromMs = Math.floor(startedAtMs / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
						assertMatchesTruthSoFar(items, truths, openFromMs, node.name);
					} else assertMatchesTruth(items, truths, node.name);
				}
			});
		}

		harness.test('a wrong client secret fails the run with a message that names the credential problem', async () => {
			const execution = await sandbox.executeWorkflow(variants.wrongSecret.id);
			assert.equal(execution.ok, false, 'the run succeeded with a wrong secret');
			assert.notEqual(execution.code, 0, 'n8n execute exited 0 for a failed run');
			const error = executionError(execution, exploreQueryNode);
			assert.ok(error, `no error in the run data:\n${execution.stdout.slice(-2000)}`);
			const text = `${error.message} ${error.description ?? ''}`;
			assert.match(text, /refused the client credentials \(HTTP 401 invalid_client/, `the error says: ${text}`);
			assert.doesNotMatch(text, /No response|even after retries/, `the error blames the network: ${text}`);
			assert.deepStrictEqual(nodeOutputItems(execution.run, exploreQueryNode), []);
		});

		harness.test(FLAKY_TEST, async () => {
			const startedAtMs = Date.now();
			// The token endpoint down for two requests: on n8n 1.x its NodeApiError drops the credential's error,
			// and the node must still hear it was an outage (retried), not a refusal.
			const outage = { method: 'POST', pathPrefix: '/oauth/token', status: 503, body: { error: 'temporarily_unavailable' }, headers: { 'Retry-After': '1' } };
			await simulators.flaky.faults({ next: [outage, outage] });
			const execution = await sandbox.executeWorkflow(variants.flaky.id);
			assertSucceeded(execution, 'the flaky run');
			const items = nodeOutputItems(execution.run, dailyQueryNode);
			const keys = items.map(({ json }) => `${json.bucketStart}|${json.groupId}|${json.channel}`);
			assert.equal(new Set(keys).size, keys.length, 'some rows came back twice');
			const truths = await groundTruth(simulators.flaky, analyticsNodes(variants.flaky)[0].parameters, startedAtMs);
			assertMatchesTruth(items, truths, 'flaky run');
			assertPairedWithTrigger(items, 'flaky run');
			const stats = await simulators.flaky.stats();
			const faults = Object.entries(stats.faults)
				.filter(([name, count]) => typeof count === 'number' && count > 0 && name !== 'queued')
				.map(([name, count]) => `${name} ${count}`);
			assert.ok(faults.length > 0, 'the flaky simulator injected no fault, so this test proved nothing');
			assert.ok(stats.faults.tokenExpired > 0, 'no token died mid-run, so renewing the token went untested');
			assert.ok(stats.tokensIssued >= 2, `a token died but n8n fetched ${stats.tokensIssued} token(s) in all`);
			assert.equal(stats.faults.injected, 2, `the token endpoint's outage met ${stats.faults.injected} of its 2 token requests`);
			// On n8n 1.x too: its NodeApiError drops the headers of an error it wraps, so the node asks for every status as a response.
			assert.equal(stats.faults.earlyRetries, 0, `${stats.faults.earlyRetries} retries came back sooner than the Retry-After of their 429 or 503 asked`);
			log(`    faults survived: ${faults.join(', ')}; tokens issued: ${stats.tokensIssued}`);
		});

		harness.test('the Trends node with a Time Zone per item judges and says each site on its own clock', async () => {
			const execution = await sandbox.executeWorkflow(variants.siteZones.id);
			assertSucceeded(execution, variants.siteZones.name);
			// Monday 25 March 2024, 10:00 in Chicago (CDT, 15:00 UTC) and in Sydney (AEDT, 23:00 UTC the day before).
			const alerts = nodeOutputItems(execution.run, 'Trends').map(({ json }) => [
				json.siteId,
				json.bucketStart,
				String(json.message).replace(/, expected .*/, ''),
			]);
			assert.deepStrictEqual(alerts, [
				['chi', '2024-03-25T15:00:00.000Z', 'Contacts for chi at Mon 25 Mar 10:00 was 400'],
				['syd', '2024-03-24T23:00:00.000Z', 'Contacts for syd at Mon 25 Mar 10:00 was 400'],
			]);
		});

		harness.test('a query slower than the timeout fails the run and leaves no query running on the server', async () => {
			const execution = await sandbox.executeWorkflow(variants.timeout.id);
			assert.equal(execution.ok, false, 'the run succeeded although the query takes longer than the timeout');
			const error = executionError(execution, exploreQueryNode);
			assert.ok(error, `no error in the run data:\n${execution.stdout.slice(-2000)}`);
			assert.match(error.message, /did not complete within 1 s/, `the error says: ${error.message}`);
			const stats = await simulators.slow.stats();
			assert.ok(stats.queries.length > 0, 'no query reached the simulator');
			assert.equal(stats.activeQueries, 0, `queries still running: ${JSON.stringify(stats.queries)}`);
			for (const query of stats.queries) assert.equal(query.deleted, true, `query ${query.id} was not deleted`);
		});

		harness.test("a run that n8n cancels (workflow timeout) cancels and deletes its query on the server", async () => {
			const queriesBefore = (await simulators.slow.stats()).queries.length;
			const execution = await sandbox.executeWorkflow(variants.cancelled.id);
			assert.equal(execution.ok, false, 'the run succeeded although n8n should have cancelled it after 2 s');
			assert.match(execution.stdout, /cancelled because it timed out/, `n8n said:\n${execution.stdout.slice(-2000)}`);
			const stats = await simulators.slow.stats();
			const ours = stats.queries.slice(queriesBefore);
			assert.equal(ours.length, 1, `expected one new query, got ${JSON.stringify(ours)}`);
			assert.equal(stats.activeQueries, 0, `queries still running: ${JSON.stringify(stats.queries)}`);
			assert.deepStrictEqual([ours[0].status, ours[0].deleted], ['CANCELLED', true], `query ${JSON.stringify(ours[0])}`);
		});

		return await harness.run();
	} finally {
		await cleanup();
	}
}

/**
 * A workflow of two sites' hourly items (four weeks from Monday 4 March 2024 at each site's local midnight:
 * 100 contacts an hour from 08:00 to 18:00, 10 at night, 400 at 10:00 on the last Monday) into NICE CXone
 * Trends with Time Zone `{{ $json.siteTimeZone }}`, Anomalies output.
 */
function siteZonesWorkflow() {
	const items = `
const out = [];
for (const [site, zone] of [['chi', 'America/Chicago'], ['syd', 'Australia/Sydney']]) {
	const start = DateTime.fromISO('2024-03-04T00:00', { zone });
	for (let h = 0; h < 28 * 24; h++) {
		const t = start.plus({ hours: h });
		let contacts = t.hour >= 8 && t.hour < 18 ? 100 + ((h * 7) % 9) : 10 + ((h * 3) % 4);
		if (t.weekday === 1 && t.hour === 10 && h >= 21 * 24) contacts = 400;
		out.push({ json: { siteId: site, siteTimeZone: zone, bucketStart: t.toUTC().toISO(), contacts } });
	}
}
return out;`;
	return {
		id: 'e2eSiteZones000001',
		name: 'e2e: two sites, each in its time zone',
		active: false,
		settings: { executionOrder: 'v1', timezone: 'UTC' },
		connections: {
			Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[{ node: 'Trends', type: 'main', index: 0 }]] },
		},
		nodes: [
			{ id: 'z1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ id: 'z2', name: 'Items', type: 'n8n-nodes-base.code', typeVersion: 2, position: [200, 0], parameters: { jsCode: items } },
			{
				id: 'z3',
				name: 'Trends',
				type: 'n8n-nodes-nice-cxone.niceCxoneTrends',
				typeVersion: 1,
				position: [400, 0],
				parameters: {
					outputMode: 'anomalies',
					method: 'seasonalRobust',
					sensitivity: 'medium',
					timestampField: 'bucketStart',
					timeZone: '={{ $json.siteTimeZone }}',
					options: { groupBy: 'siteId', metrics: 'contacts' },
				},
			},
		],
	};
}
