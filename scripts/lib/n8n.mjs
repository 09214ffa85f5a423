// Runs the pinned n8n from .n8n-test/ against a throw-away user folder: import credentials and
// workflows, execute a workflow, and read the run data that `n8n execute --rawOutput` prints.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { freePort } from './freePort.mjs';
import { N8N_LINE_ENV, distDir, installDir, n8nBinary, nodeBinary } from './paths.mjs';

/** Node type prefix of this package when installed as a community package (the prefix the examples use). */
export const PACKAGE_TYPE_PREFIX = 'n8n-nodes-nice-cxone.';
/** Node type prefix n8n gives the package when it is loaded from N8N_CUSTOM_EXTENSIONS. */
export const CUSTOM_TYPE_PREFIX = 'CUSTOM.';

/**
 * The examples name the nodes as a normal install does (`n8n-nodes-nice-cxone.niceCxoneAnalytics`);
 * loaded from N8N_CUSTOM_EXTENSIONS the same nodes are `CUSTOM.niceCxoneAnalytics`. This rewrites
 * the prefix so one example file serves both.
 */
export function forCustomExtensions(workflow) {
	return {
		...workflow,
		nodes: workflow.nodes.map((node) =>
			node.type.startsWith(PACKAGE_TYPE_PREFIX)
				? { ...node, type: CUSTOM_TYPE_PREFIX + node.type.slice(PACKAGE_TYPE_PREFIX.length) }
				: node,
		),
	};
}

/** One CXone credential as `n8n import:credentials` reads it; n8n encrypts `data` on import. */
export function cxoneCredential({ id, name, baseUrl, tokenUrl, clientId, clientSecret, scope }) {
	return {
		id,
		name,
		type: 'niceCxoneOAuth2Api',
		data: { baseUrl, tokenUrl, clientId, clientSecret, ...(scope === undefined ? {} : { scope }) },
	};
}

/**
 * What every test n8n here runs with: this package from dist/ as a custom extension, UTC, logs on the
 * console without colour, and nothing that phones home or changes the instance (diagnostics, version
 * notes, templates, personalisation, community packages).
 */
export const QUIET_N8N_ENV = {
	N8N_CUSTOM_EXTENSIONS: distDir,
	GENERIC_TIMEZONE: 'UTC',
	TZ: 'UTC',
	N8N_LOG_OUTPUT: 'console',
	N8N_DIAGNOSTICS_ENABLED: 'false',
	N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
	N8N_TEMPLATES_ENABLED: 'false',
	N8N_PERSONALIZATION_ENABLED: 'false',
	N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
	N8N_COMMUNITY_PACKAGES_ENABLED: 'false',
	NO_COLOR: '1',
	FORCE_COLOR: '0',
};

/**
 * A fresh n8n user folder (own SQLite database, settings and encryption key) with helpers that run
 * the n8n CLI in it. Call `cleanup()` when done.
 */
export function createN8nSandbox({ logLevel = 'info' } = {}) {
	if (!fs.existsSync(n8nBinary) || !fs.existsSync(nodeBinary)) {
		throw new Error(`n8n is not installed in ${installDir}: run node scripts/n8n-install.mjs`);
	}
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-nice-cxone-'));
	const env = {
		...process.env,
		PATH: `${path.dirname(nodeBinary)}${path.delimiter}${process.env.PATH}`,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: crypto.randomBytes(24).toString('hex'),
		...QUIET_N8N_ENV,
		N8N_LOG_LEVEL: logLevel,
		...N8N_LINE_ENV,
	};

	/** Runs `n8n <args>` and resolves to {code, stdout, stderr, durationMs}; never rejects on exit codes. */
	async function run(args, { timeoutMs = 180000 } = {}) {
		const startedAt = Date.now();
		// n8n's task broker (for Code nodes) listens on 5679 by default; a free port lets several
		// n8n processes (an e2e run and a demo, say) run side by side.
		const brokerPort = await freePort();
		// stdout goes to a file: written to a pipe, n8n's run data (printed just before it exits) was cut
		// short now and then, and the run read as "no run data"; a file is written synchronously.
		const stdoutFile = path.join(userFolder, `stdout-${process.pid}-${Date.now()}-${brokerPort}.txt`);
		const stdoutFd = fs.openSync(stdoutFile, 'w');
		return new Promise((resolve, reject) => {
			const child = spawn(nodeBinary, [n8nBinary, ...args], {
				cwd: userFolder,
				env: { ...env, N8N_RUNNERS_BROKER_PORT: String(brokerPort) },
				stdio: ['ignore', stdoutFd, 'pipe'],
			});
			fs.closeSync(stdoutFd);
			let stderr = '';
			child.stderr.on('data', (chunk) => (stderr += chunk));
			const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
			const stdoutText = () => {
				const text = fs.readFileSync(stdoutFile, 'utf8');
				fs.rmSync(stdoutFile, { force: true });
				return text;
			};
			child.on('error', (error) => {
				clearTimeout(timer);
				fs.rmSync(stdoutFile, { force: true });
				reject(error);
			});
			child.on('close', (code, signal) => {
				clearTimeout(timer);
				resolve({ code: code ?? signal, stdout: stdoutText(), stderr, durationMs: Date.now() - startedAt });
			});
		});
	}

	async function runOrThrow(args, what) {
		const result = await run(args);
		if (result.code !== 0) {
			throw new Error(`${what} failed (n8n ${args.join(' ')}, exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
		}
		return result;
	}

	function writeJson(name, value) {
		const file = path.join(userFolder, name);
		fs.writeFileSync(file, JSON.stringify(value, null, 2));
		return file;
	}

	return {
		userFolder,
		env,
		run,
		/** Imports an array of credentials ({id, name, type, data}). */
		importCredentials: (credentials) =>
			runOrThrow(['import:credentials', `--input=${writeJson('credentials.json', credentials)}`], 'Importing credentials'),
		/** Imports one workflow or an array of them; each needs an `id`. */
		importWorkflows: (workflows) =>
			runOrThrow(['import:workflow', `--input=${writeJson('workflows.json', workflows)}`], 'Importing workflows'),
		/**
		 * Executes an imported workflow from its Manual Trigger. Resolves to
		 * `{ok, run, code, stdout, stderr, durationMs}`: `run` is the run data (`run.data.resultData`),
		 * which n8n prints as JSON after its log lines, also when the execution failed (at log level info).
		 */
		async executeWorkflow(id, { timeoutMs } = {}) {
			const result = await run(['execute', `--id=${id}`, '--rawOutput'], { timeoutMs });
			const run_ = extractRunJson(result.stdout);
			const ok = result.code === 0 && run_ !== undefined && !run_.data?.resultData?.error;
			return { ok, run: run_, ...result };
		},
		cleanup: () => fs.rmSync(userFolder, { recursive: true, force: true }),
	};
}

/**
 * Finds the run data in n8n's stdout: the first JSON object that starts on a line of its own with
 * `{` and ends on a line `}` (n8n prints it with two-space indentation), skipping the log lines.
 */
export function extractRunJson(stdout) {
	// Inside the object every line is indented; a line at column 0 there is a log line another part of
	// n8n wrote into the middle of it (seen under load), and is left out.
	const lines = stdout.split('\n');
	for (let start = 0; start < lines.length; start++) {
		if (lines[start].trimEnd() !== '{') continue;
		for (let end = start + 1; end < lines.length; end++) {
			if (lines[end].trimEnd() !== '}') continue;
			try {
				const body = lines.slice(start + 1, end).filter((line) => /^\s/.test(line));
				const value = JSON.parse(['{', ...body, '}'].join('\n'));
				if (value && typeof value === 'object' && 'data' in value) return value;
			} catch {
				// Not the end of the object yet; the closing brace of the top level comes later.
			}
		}
	}
	return undefined;
}

/** The output items of a node's first run (first output), or [] when it did not run. */
export function nodeOutputItems(run, nodeName) {
	return run?.data?.resultData?.runData?.[nodeName]?.[0]?.data?.main?.[0] ?? [];
}

/** The task data of a node's first run: {startTime, executionTime, executionStatus, error, data}. */
export function nodeTask(run, nodeName) {
	return run?.data?.resultData?.runData?.[nodeName]?.[0];
}
