// Runs `n8n start` (the editor and its REST API) from the pinned installation in a sandbox made by
// createN8nSandbox, and talks to its REST API as a logged-in user.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { freePort } from './freePort.mjs';
import { n8nBinary, nodeBinary, repoRoot } from './paths.mjs';

/** Whether `url` answers a GET with 200 (and a JSON body when `json`); false while nothing listens there. */
export async function httpAnswers(url, { json = false } = {}) {
	try {
		const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
		await response.arrayBuffer();
		return response.status === 200 && (!json || Boolean(response.headers.get('content-type')?.includes('application/json')));
	} catch {
		return false; // Not listening yet.
	}
}

/**
 * Whether the REST API of the n8n at `url` answers (`GET /rest/settings` gives JSON). While it starts, n8n
 * answers every path with 200 and the text "n8n is starting up", and n8n 1.x reports /healthz/readiness
 * before its REST routes exist.
 */
export function restApiAnswers(url) {
	return httpAnswers(`${url}/rest/settings`, { json: true });
}

/**
 * Installs this package into the sandbox's n8n the way Settings › Community Nodes leaves it: what
 * `npm pack` would publish, unpacked into `<user folder>/.n8n/nodes/node_modules/<name>`, where
 * `n8n start` loads it as a package (node types `n8n-nodes-nice-cxone.*`, as in the examples). Unlike
 * N8N_CUSTOM_EXTENSIONS, this way n8n knows which nodes use a credential, which a `testedBy` credential
 * test needs. Needs a build in dist/. Returns the package folder.
 */
export function installAsCommunityPackage(sandbox) {
	const packDir = fs.mkdtempSync(path.join(sandbox.userFolder, 'pack-'));
	const pack = spawnSync('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: repoRoot, encoding: 'utf8' });
	if (pack.status !== 0) throw new Error(`npm pack failed (exit ${pack.status}):\n${pack.stderr}`);
	const [{ name, filename }] = JSON.parse(pack.stdout);
	const packageDir = path.join(sandbox.userFolder, '.n8n', 'nodes', 'node_modules', name);
	fs.mkdirSync(packageDir, { recursive: true });
	const untar = spawnSync('tar', ['-xzf', path.join(packDir, filename), '-C', packageDir, '--strip-components=1'], { encoding: 'utf8' });
	if (untar.status !== 0) throw new Error(`unpacking ${filename} failed (exit ${untar.status}):\n${untar.stderr}`);
	fs.rmSync(packDir, { recursive: true, force: true });
	return packageDir;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `n8n start` on a free port of 127.0.0.1 with the sandbox's user folder and environment, and
 * resolves once its REST API answers (`GET /rest/settings` gives JSON), to `{url, port, pid, output(), stop()}`
 * (`pid`: the n8n process itself, which runs the workflows in regular mode). Rejects when
 * n8n exits first or is not ready within `startTimeoutMs` (the first start migrates a new database).
 */
export async function startN8nServer(sandbox, { startTimeoutMs = 240000, env: extraEnv = {} } = {}) {
	const [port, brokerPort] = [await freePort(), await freePort()];
	const url = `http://127.0.0.1:${port}`;
	const env = {
		...sandbox.env,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: url,
		// Plain http on 127.0.0.1: a Secure cookie would not come back from the browser.
		N8N_SECURE_COOKIE: 'false',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_HIDE_USAGE_PAGE: 'true',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		...extraEnv,
	};
	// An undefined value in `env` removes the variable (e.g. N8N_CUSTOM_EXTENSIONS).
	for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
	const child = spawn(nodeBinary, [n8nBinary, 'start'], {
		cwd: sandbox.userFolder,
		env,
		// Its own process group, so stop() ends the task runners n8n starts with it.
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	const keep = (chunk) => {
		output += chunk;
		if (output.length > 200000) output = output.slice(-100000);
	};
	child.stdout.on('data', keep);
	child.stderr.on('data', keep);
	const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
	let hasExited = false;
	exited.then(() => (hasExited = true));
	// Whatever ends this process (an uncaught error, Ctrl-C), n8n does not outlive it.
	const killOnExit = () => {
		try {
			process.kill(-child.pid, 'SIGKILL');
		} catch {
			// Already gone.
		}
	};
	process.once('exit', killOnExit);

	const stop = async () => {
		if (!hasExited) {
			try {
				process.kill(-child.pid, 'SIGTERM');
			} catch {
				// Already gone.
			}
			const killer = setTimeout(() => {
				try {
					process.kill(-child.pid, 'SIGKILL');
				} catch {
					// Already gone.
				}
			}, 15000);
			await exited;
			clearTimeout(killer);
		}
		process.off('exit', killOnExit);
	};

	const deadline = Date.now() + startTimeoutMs;
	for (;;) {
		if (hasExited) throw new Error(`n8n start exited with ${await exited} before it was ready:\n${output.slice(-4000)}`);
		if (await restApiAnswers(url)) break;
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`n8n start did not answer on ${url} within ${startTimeoutMs / 1000} s:\n${output.slice(-4000)}`);
		}
		await sleep(500);
	}
	return { url, port, pid: child.pid, output: () => output, stop };
}

