// "Our node inside n8n": the built package in the pinned n8n of the e2e tests (.n8n-test/, made by
// scripts/n8n-install.mjs), one workflow per size run with `n8n execute`. Skipped, with the reason,
// when that install is missing.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { freePort } from '../../scripts/lib/freePort.mjs';
import { queryNodeParameters } from './sizes.mjs';

const CREDENTIAL = { id: 'benchCxoneCred01', name: 'CXone bench' };

/** Why the n8n scenario cannot run here, or undefined when it can. */
export async function n8nUnavailable() {
	let paths;
	try {
		paths = await import('../../scripts/lib/paths.mjs');
	} catch {
		return 'scripts/lib/paths.mjs is missing (the e2e runner is not in this checkout)';
	}
	if (!fs.existsSync(paths.markerFile) || !fs.existsSync(paths.n8nBinary) || !fs.existsSync(paths.nodeBinary)) {
		return `n8n is not installed in ${paths.installDir}; run node scripts/n8n-install.mjs`;
	}
	return undefined;
}

function workflowFor(size) {
	return {
		id: `benchQuery${size.toUpperCase().padStart(5, '0')}`.slice(0, 16),
		name: `bench ${size}`,
		nodes: [
			{ id: 'b0000000-0000-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'b0000000-0000-4000-8000-000000000002',
				name: 'Query',
				type: 'CUSTOM.niceCxoneAnalytics',
				typeVersion: 1,
				position: [260, 0],
				parameters: queryNodeParameters(size),
				credentials: { niceCxoneOAuth2Api: CREDENTIAL },
			},
		],
		connections: { Start: { main: [[{ node: 'Query', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1', timezone: 'UTC' },
		pinData: {},
		active: false,
	};
}

/** Peak RSS (VmHWM) of a live process, in bytes; undefined once it has exited. */
function peakRss(pid) {
	try {
		const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
		return match ? Number(match[1]) * 1024 : undefined;
	} catch {
		return undefined;
	}
}

/**
 * One n8n sandbox for a simulator: the credential and a workflow per size imported. `run(size)`
 * executes that size's workflow and resolves to the figures of the Query node.
 */
export async function createN8nBench(sim, sizes) {
	const { createN8nSandbox, cxoneCredential, extractRunJson, nodeOutputItems, nodeTask } = await import('../../scripts/lib/n8n.mjs');
	const { n8nBinary, nodeBinary } = await import('../../scripts/lib/paths.mjs');
	const sandbox = createN8nSandbox();
	await sandbox.importCredentials([
		cxoneCredential({ ...CREDENTIAL, baseUrl: sim.baseUrl, tokenUrl: sim.tokenUrl, clientId: sim.clientId, clientSecret: sim.clientSecret }),
	]);
	const workflows = Object.fromEntries(sizes.map((size) => [size, workflowFor(size)]));
	await sandbox.importWorkflows(Object.values(workflows));

	async function run(size) {
		const brokerPort = await freePort();
		const startedAt = Date.now();
		// stdout goes to a file: n8n exits with process.exit(), which cuts a large run-data print short
		// on a pipe (writes to a file are synchronous).
		const outFile = path.join(sandbox.userFolder, `execute-${size}.out`);
		const outFd = fs.openSync(outFile, 'w');
		const child = spawn(nodeBinary, [n8nBinary, 'execute', `--id=${workflows[size].id}`, '--rawOutput'], {
			cwd: sandbox.userFolder,
			env: { ...sandbox.env, N8N_RUNNERS_BROKER_PORT: String(brokerPort) },
			stdio: ['ignore', outFd, 'pipe'],
		});
		fs.closeSync(outFd);
		let stderr = '';
		let peak = 0;
		const sampler = setInterval(() => (peak = Math.max(peak, peakRss(child.pid) ?? 0)), 20);
		child.stderr.on('data', (chunk) => (stderr += chunk));
		const code = await new Promise((resolve) => child.on('close', (c, signal) => resolve(c ?? signal)));
		clearInterval(sampler);
		const processMs = Date.now() - startedAt;
		const text = fs.readFileSync(outFile, 'utf8');
		fs.rmSync(outFile);
		if (process.env.BENCH_N8N_DUMP) fs.writeFileSync(process.env.BENCH_N8N_DUMP + size, text);
		const runData = extractRunJson(text);
		const task = nodeTask(runData, 'Query');
		if (code !== 0 || !task || task.error) {
			return { error: `n8n exit ${code}: ${task?.error?.message ?? runData?.data?.resultData?.error?.message ?? `no run data; stdout ends ${text.slice(-300)} stderr ends ${stderr.slice(-300)}`}` };
		}
		const items = nodeOutputItems(runData, 'Query');
		const hash = crypto.createHash('sha256');
		for (const item of items) hash.update(`${JSON.stringify(item.json)}\n`);
		return {
			scenario: 'n8n',
			size,
			// The node's own time as n8n records it; the process time adds n8n's start-up and output.
			elapsedMs: task.executionTime,
			processMs,
			rowCount: items.length,
			peak: { rss: peak },
			digest: { sha256: hash.digest('hex') },
		};
	}

	return { run, cleanup: () => sandbox.cleanup() };
}
