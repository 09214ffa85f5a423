// The editor in Chromium (Debian's, driven by playwright-core): sign in, open every example workflow,
// open our nodes' panels, switch Resource (n8n shows it as the credential choice), Operation and the
// fields that show others, and check which fields the panel shows, exactly. Screenshots of the panels
// go to the output folder; the browser console must carry no error from our nodes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { chromium, selectors } from 'playwright-core';

import { repoRoot } from '../../scripts/lib/paths.mjs';
import { readExamples } from '../../scripts/lib/workflows.mjs';

const PACKAGE_PREFIX = 'n8n-nodes-nice-cxone.';
const ANALYTICS_TYPE = `${PACKAGE_PREFIX}niceCxoneAnalytics`;
/** The Analytics node as an AI Agent's tool (n8n adds the type for a node with `usableAsTool`). */
const ANALYTICS_TOOL_TYPE = `${ANALYTICS_TYPE}Tool`;
const TRENDS_TYPE = `${PACKAGE_PREFIX}niceCxoneTrends`;
/** Generous: a loaded machine renders slowly; every wait is for a condition, never a fixed time. */
const TIMEOUT_MS = 60000;
const PLATFORM_NOTICE = 'Computed in n8n from CXone completed contacts';

/**
 * The fields an Analytics panel shows, in order, for the given choices (the README's tables). n8n shows
 * no Resource field: the credential picks it (see the README's "In the editor").
 */
function analyticsFields({ resource, operation, timeRange = 'yesterday', filterMode = 'none', returnAll = true }) {
	const range = ['Time Range', ...(timeRange === 'lastNDays' ? ['Number of Days', 'Include Today (So Far)'] : []), ...(timeRange === 'custom' ? ['Start', 'End'] : [])];
	if (resource === 'platform' && operation === 'getSkillSummary') return ['Operation', ...range, 'Options'];
	if (resource === 'platform' && operation === 'runReportJob') return ['Operation', 'Report ID', ...range, 'Output', 'Options'];
	return [
		'Operation',
		...(resource === 'platform' ? [`Notice: ${PLATFORM_NOTICE}`] : []),
		'Metrics',
		'Dimensions',
		'Bucket Size',
		...range,
		'Filter',
		...(filterMode === 'conditions' ? ['Combine Conditions', 'Conditions'] : []),
		...(filterMode === 'json' ? ['Filter (JSON)'] : []),
		'Return All',
		...(returnAll ? [] : ['Limit']),
		'Options',
	];
}

/**
 * The fields the Analytics node shows first when it is an AI Agent's tool (the README's table under
 * "As an AI Agent tool"); Description only when the description is set manually.
 */
function toolFields({ descriptionType = 'auto' }) {
	const fields = readmeTableFields('### As an AI Agent tool');
	return descriptionType === 'manual' ? fields : fields.filter((field) => field !== 'Description');
}

/** The fields a Trends panel shows, in order: Sensitivity is not used by the legacy method. */
function trendsFields({ method = 'seasonalRobust' } = {}) {
	return ['Output Mode', 'Method', ...(method === 'legacyZScore' ? [] : ['Sensitivity']), 'Timestamp Field', 'Time Zone', 'Goals', 'Options'];
}

/** The rows of the README table that follows `heading`: the first column, split at " / ". */
function readmeTableFields(heading) {
	const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
	const start = readme.indexOf(`\n${heading}\n`);
	assert.ok(start >= 0, `README.md has no heading "${heading}"`);
	const lines = readme.slice(start).split('\n');
	const first = lines.findIndex((line) => line.startsWith('| parameter |'));
	const rows = [];
	for (const line of lines.slice(first + 2)) {
		if (!line.startsWith('|')) break;
		rows.push(...line.split('|')[1].trim().split(' / '));
	}
	return rows;
}

/**
 * The top-level fields the open panel's Parameters tab shows, by label, in order; a notice shows as
 * `Notice: <its first words>`. The credential slots are not fields.
 */
async function visibleFields(page) {
	return await page.getByTestId('node-parameters').evaluate((root, noticeStart) => {
		const list = root.querySelector('.parameter-input-list-wrapper');
		const fields = [];
		for (const item of list?.children ?? []) {
			// An item's own label comes first; labels after it belong to the rows of a collection.
			const label = item.querySelector('label[for]');
			if (label) fields.push(label.querySelector('span')?.textContent?.trim() ?? '');
			else if (item.textContent.trim().startsWith(noticeStart)) fields.push(`Notice: ${noticeStart}`);
		}
		return fields;
	}, PLATFORM_NOTICE);
}

/** Polls the panel's fields until they equal `expected` (the UI updates asynchronously), then asserts. */
async function expectFields(page, expected, what) {
	const deadline = Date.now() + TIMEOUT_MS;
	let actual;
	do {
		actual = await visibleFields(page);
		if (JSON.stringify(actual) === JSON.stringify(expected)) return;
		await page.waitForTimeout(200);
	} while (Date.now() < deadline);
	assert.deepStrictEqual(actual, expected, `${what}: the panel shows other fields`);
}

/** Picks `optionText` in the options field `name` of the open panel. */
async function choose(page, name, optionText) {
	await page.getByTestId(`parameter-input-${name}`).click();
	// An option shows its name, and below it its description when it has one.
	await page
		.getByTestId('parameter-input-item')
		.locator('visible=true')
		.filter({ has: page.getByText(optionText, { exact: true }) })
		.click();
}

async function openNode(page, nodeName) {
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`).dblclick();
	await page.getByTestId('ndv').waitFor({ state: 'visible' });
	await page.getByTestId('node-parameters').waitFor({ state: 'visible' });
}

async function closeNode(page) {
	await page.getByTestId('ndv-close-button').click();
	await page.getByTestId('ndv').waitFor({ state: 'hidden' });
}

async function openWorkflow(page, baseUrl, workflow) {
	await page.goto(`${baseUrl}/workflow/${workflow.id}`);
	await page.locator('[data-test-id="canvas-node"]').first().waitFor({ state: 'visible' });
	// Every node of the file is on the canvas, and no other.
	const deadline = Date.now() + TIMEOUT_MS;
	const expected = workflow.nodes.map((node) => node.name).sort();
	let names;
	do {
		names = (await page.locator('[data-test-id="canvas-node"]').evaluateAll((els) => els.map((el) => el.dataset.nodeName))).sort();
		if (JSON.stringify(names) === JSON.stringify(expected)) break;
		await page.waitForTimeout(200);
	} while (Date.now() < deadline);
	assert.deepStrictEqual(names, expected, `${workflow.name}: the canvas shows other nodes`);
}

/** True for console text that comes from this package (its node types, credentials, icons or names). */
export function mentionsPackage(text) {
	return /nice-?cxone|niceCxone/i.test(text);
}

/**
 * The editor asks for every node's output schema at /schemas/<type>/<version>/<resource>/<operation>.json
 * to preview the output before a run; the package ships none, so n8n answers 404 and the editor shows
 * no preview. That request is n8n's, not an error of our nodes.
 */
export function isSchemaProbe(text) {
	return /Failed to load resource: the server responded with a status of 404 \(Not Found\) \(https?:\/\/[^/]+\/schemas\/n8n-nodes-nice-cxone\.[A-Za-z]+\/[0-9.]+\/[A-Za-z/]+\.json\)$/.test(text);
}

/**
 * Registers the browser tests. `context()` gives `{baseUrl, owner, outputDir, chromiumPath, credentialIds}`
 * once the suite set them up. `shots` collects the screenshot files written.
 */
export function registerBrowserTests(harness, context) {
	const state = { browser: undefined, page: undefined, consoleErrors: [], shots: [] };
	const examples = readExamples();
	const shoot = async (name) => {
		const file = path.join(context().outputDir, `${name}.png`);
		await state.page.getByTestId('ndv').screenshot({ path: file });
		state.shots.push(file);
	};

	harness.test('the editor opens in Chromium and the owner signs in', async () => {
		const { baseUrl, owner, chromiumPath } = context();
		selectors.setTestIdAttribute('data-test-id');
		state.browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
		const browserContext = await state.browser.newContext({ viewport: { width: 1280, height: 1500 }, locale: 'en-US', timezoneId: 'UTC' });
		browserContext.setDefaultTimeout(TIMEOUT_MS);
		state.page = await browserContext.newPage();
		state.page.on('console', (message) => {
			if (message.type() === 'error') state.consoleErrors.push(`console: ${message.text()} (${message.location().url})`);
		});
		state.page.on('pageerror', (error) => state.consoleErrors.push(`page error: ${error.stack ?? error.message}`));
		await state.page.goto(`${baseUrl}/signin`);
		await state.page.getByTestId('emailOrLdapLoginId').locator('input').fill(owner.email);
		await state.page.getByTestId('password').locator('input').fill(owner.password);
		await state.page.getByTestId('form-submit-button').click();
		await state.page.waitForURL((url) => !url.pathname.startsWith('/signin'));
	});

	for (const { file, workflow } of examples) {
		const ours = workflow.nodes.filter((node) => [ANALYTICS_TYPE, ANALYTICS_TOOL_TYPE, TRENDS_TYPE].includes(node.type));
		harness.test(`${file}: opens with every node, and each of our nodes' panel shows the fields of its settings`, async () => {
			assert.ok(state.page, 'the browser did not start (see the first test)');
			await openWorkflow(state.page, context().baseUrl, workflow);
			for (const node of ours) {
				await openNode(state.page, node.name);
				const p = node.parameters;
				const expected =
					node.type === TRENDS_TYPE
						? trendsFields({ method: p.method })
						: [
								...(node.type === ANALYTICS_TOOL_TYPE ? toolFields(p) : []),
								...analyticsFields({ ...p, returnAll: p.returnAll ?? true }),
							];
				await expectFields(state.page, expected, `${file} › ${node.name}`);
				await shoot(`${path.basename(file, '.json')}--${node.name.replace(/[^A-Za-z0-9]+/g, '-')}`);
				await closeNode(state.page);
			}
		});
	}

	harness.test('NICE CXone Analytics: Resource (the credential), Operation and the fields that depend on others switch what the panel shows', async () => {
		assert.ok(state.page, 'the browser did not start (see the first test)');
		const { baseUrl, credentialIds } = context();
		const { workflow } = examples.find(({ workflow: w }) => w.nodes.some((node) => node.type === ANALYTICS_TYPE && node.parameters.resource === 'platform'));
		const node = workflow.nodes.find((candidate) => candidate.type === ANALYTICS_TYPE);
		await openWorkflow(state.page, baseUrl, workflow);
		await openNode(state.page, node.name);
		const page = state.page;
		const platform = { resource: 'platform', timeRange: node.parameters.timeRange };

		await choose(page, 'operation', 'Get Skill Summary');
		await expectFields(page, analyticsFields({ ...platform, operation: 'getSkillSummary' }), 'Get Skill Summary');
		await choose(page, 'operation', 'Run Report Job');
		await expectFields(page, analyticsFields({ ...platform, operation: 'runReportJob' }), 'Run Report Job');
		await shoot('analytics--platform-run-report-job');
		await choose(page, 'timeRange', 'Custom');
		await expectFields(page, analyticsFields({ ...platform, operation: 'runReportJob', timeRange: 'custom' }), 'Run Report Job, Custom');
		await choose(page, 'operation', 'Aggregate Completed Contacts');
		await expectFields(page, analyticsFields({ ...platform, operation: 'aggregateCompletedContacts', timeRange: 'custom' }), 'Aggregate Completed Contacts');

		// The Resource: picking a credential of the other type switches it (and resets the parameters).
		await page.getByTestId('node-credentials-select').first().click();
		await page.locator(`[data-test-id="node-credentials-select-item-${credentialIds.oauth2}"]`).locator('visible=true').click();
		const analytics = { resource: 'analytics', operation: 'runAggregationQuery' };
		await expectFields(page, analyticsFields(analytics), 'Analytics (after picking the OAuth2 credential)');
		const seen = new Set(await visibleFields(page));
		const steps = [
			['timeRange', 'Last N Days (Before Today)', { timeRange: 'lastNDays' }],
			['timeRange', 'Custom', { timeRange: 'custom' }],
			['filterMode', 'Conditions', { timeRange: 'custom', filterMode: 'conditions' }],
			['filterMode', 'JSON', { timeRange: 'custom', filterMode: 'json' }],
		];
		for (const [field, option, choices] of steps) {
			await choose(page, field, option);
			await expectFields(page, analyticsFields({ ...analytics, ...choices }), `Analytics, ${field} = ${option}`);
			for (const label of await visibleFields(page)) seen.add(label);
		}
		await page.getByTestId('parameter-input-returnAll').locator('.el-switch, [role="switch"]').first().click();
		const last = { ...analytics, timeRange: 'custom', filterMode: 'json', returnAll: false };
		await expectFields(page, analyticsFields(last), 'Analytics, Return All off');
		for (const label of await visibleFields(page)) seen.add(label);
		await shoot('analytics--run-aggregation-query-custom-json-limit');

		// Every field of the README's table showed up, and no field the README does not describe.
		const described = new Set([...readmeTableFields('## NICE CXone Analytics — Run Aggregation Query'), 'Operation', 'Options', 'Combine Conditions', 'Conditions', 'Filter (JSON)']);
		assert.deepStrictEqual([...seen].filter((label) => !described.has(label)), [], 'fields the README does not describe');
		assert.deepStrictEqual([...described].filter((label) => !seen.has(label)), [], 'fields of the README that never showed');
		await closeNode(page);
	});

	harness.test('NICE CXone Trends & Anomalies: Method Legacy Z-Score hides Sensitivity', async () => {
		assert.ok(state.page, 'the browser did not start (see the first test)');
		const { workflow } = examples.find(({ workflow: w }) => w.nodes.some((node) => node.type === TRENDS_TYPE));
		const node = workflow.nodes.find((candidate) => candidate.type === TRENDS_TYPE);
		await openWorkflow(state.page, context().baseUrl, workflow);
		await openNode(state.page, node.name);
		await choose(state.page, 'method', 'Legacy Z-Score (Not Recommended)');
		await expectFields(state.page, trendsFields({ method: 'legacyZScore' }), 'Trends, Legacy Z-Score');
		await choose(state.page, 'method', 'Rolling Robust');
		await expectFields(state.page, trendsFields({ method: 'rollingRobust' }), 'Trends, Rolling Robust');
		await closeNode(state.page);
	});

	harness.test('the browser console shows no error from our nodes', async () => {
		assert.ok(state.page, 'the browser did not start (see the first test)');
		const ours = state.consoleErrors.filter((text) => mentionsPackage(text) && !isSchemaProbe(text));
		assert.deepStrictEqual(ours, [], 'console errors from this package');
		assert.ok(state.shots.length >= 2, `only ${state.shots.length} screenshots were written`);
	});

	return {
		state,
		close: async () => {
			await state.browser?.close();
		},
	};
}
