// n8n's queue mode on one machine, for the queue e2e (e2e/queue.mjs): a private Redis and a private
// Postgres cluster from the Debian packages (installed when missing), and n8n main and worker processes
// sharing them. Every process runs in its own process group, so stopping it also stops what it started
// (n8n's task runner, Postgres's backends); a process left over when this process exits is killed.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { QUIET_N8N_ENV } from './n8n.mjs';
import { httpAnswers } from './n8nServer.mjs';
import { N8N_LINE_ENV, n8nBinary, nodeBinary } from './paths.mjs';

const POLL_MS = 200;
/** Started services not stopped yet; killed (SIGKILL, whole group) if this process exits first. */
const running = new Set();

process.on('exit', () => {
	for (const service of running) killGroup(service.pid, 'SIGKILL');
});
// Interrupted, exit normally so the handler above runs (the services are in their own process groups,
// out of reach of the terminal's Ctrl-C).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(signal, () => process.exit(130));

function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
		return true;
	} catch (error) {
		if (error.code === 'ESRCH') return false;
		throw error;
	}
}

/**
 * Stops every service still running, the last started first (n8n before Postgres and Redis), each
 * with `signalFor(service)`. Resolves to the names of services whose processes could not be ended.
 */
export async function stopAllServices({ signalFor = () => 'SIGTERM', graceMs = 20000 } = {}) {
	const left = [];
	for (const service of [...running].reverse()) {
		try {
			await service.stop({ signal: signalFor(service), graceMs });
		} catch {
			left.push(service.name);
		}
	}
	return left;
}

/** True while any process of the group `pid` is alive (a zombie-free check: signal 0). */
export function groupAlive(pid) {
	return killGroup(pid, 0);
}

/** Resolves once `condition()` is truthy (returns its value); rejects after `timeoutMs` with `what`. */
export async function waitFor(condition, { timeoutMs, what, intervalMs = POLL_MS }) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await condition();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`Timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}.`);
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
}

function onPath(name) {
	for (const dir of (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/sbin', '/usr/bin', '/sbin', '/bin'])) {
		const file = path.join(dir, name);
		if (dir && fs.existsSync(file)) return file;
	}
	return undefined;
}

/** The redis-server binary, or undefined. */
export function findRedisServer() {
	return onPath('redis-server');
}

/** The folder holding Postgres's initdb and postgres (the newest of /usr/lib/postgresql/<version>/bin), or undefined. */
export function findPostgresBinDir() {
	const root = '/usr/lib/postgresql';
	const versions = fs.existsSync(root)
		? fs
				.readdirSync(root)
				.filter((version) => ['initdb', 'postgres'].every((tool) => fs.existsSync(path.join(root, version, 'bin', tool))))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	if (versions.length > 0) return path.join(root, versions[0], 'bin');
	const initdb = onPath('initdb');
	return initdb && onPath('postgres') ? path.dirname(fs.realpathSync(initdb)) : undefined;
}

/**
 * How to run apt-get here: as it is when root; through `sudo -n` (no password asked, so it never waits
 * for one) when not root but sudo works without a password (a CI runner such as GitHub Actions'
 * ubuntu-latest); undefined when neither.
 */
export function aptGetCommand() {
	if (process.getuid?.() === 0) return ['apt-get'];
	const probe = spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
	return probe.status === 0 ? ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get'] : undefined;
}

/**
 * Installs redis-server and postgresql with apt-get when they are missing (as root, or through
 * passwordless sudo; otherwise says what to install). Resolves to {installed: string[], seconds}.
 */
export function ensureQueuePackages({ log }) {
	const missing = [];
	if (!findRedisServer()) missing.push('redis-server');
	if (!findPostgresBinDir()) missing.push('postgresql');
	if (missing.length === 0) return { installed: [], seconds: 0 };
	const aptGet = aptGetCommand();
	if (!aptGet) {
		throw new Error(
			`Queue mode needs ${missing.join(' and ')}: run apt-get install -y ${missing.join(' ')} as root (not root here, and sudo asks for a password or is missing).`,
		);
	}
	const startedAt = Date.now();
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const [command, ...prefix] = aptGet;
	const run = (...args) => spawnSync(command, [...prefix, ...args], { env, encoding: 'utf8' });
	const install = () => run('install', '-y', '--no-install-recommends', ...missing);
	log(`installing ${missing.join(', ')} with ${aptGet.join(' ')}`);
	let result = install();
	if (result.status !== 0) {
		// A fresh machine may have no package lists yet.
		const update = run('update');
		if (update.status !== 0) throw new Error(`${aptGet.join(' ')} update failed:\n${update.stdout}\n${update.stderr}`);
		result = install();
	}
	if (result.status !== 0 || !findRedisServer() || !findPostgresBinDir()) {
		throw new Error(`${aptGet.join(' ')} install ${missing.join(' ')} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
	}
	return { installed: missing, seconds: Math.round((Date.now() - startedAt) / 1000) };
}

/** {uid, gid} of a system user, from /etc/passwd; undefined when there is none. */
function systemUser(name) {
	const line = fs
		.readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((entry) => entry.startsWith(`${name}:`));
	if (!line) return undefined;
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

/**
 * Starts a process in its own process group with stdout and stderr appended to `logFile`. Resolves
 * at once to a handle: `readLog()`, `waitForLog(regex)`, `kill(signal)` (the whole group), `stop()`.
 */
export function startService(name, command, args, { env = process.env, cwd, user, logFile }) {
	const out = fs.openSync(logFile, 'a');
	const child = spawn(command, args, {
		cwd,
		env,
		detached: true,
		stdio: ['ignore', out, out],
		...(user ?? {}),
	});
	fs.closeSync(out);
	let exit;
	const exited = new Promise((resolve) => {
		child.once('exit', (code, signal) => {
			exit = { code, signal };
			resolve(exit);
		});
		child.once('error', (error) => {
			exit = { code: null, signal: null, error };
			resolve(exit);
		});
	});
	const service = {
		name,
		pid: child.pid,
		logFile,
		exited,
		get exit() {
			return exit;
		},
		readLog: () => fs.readFileSync(logFile, 'utf8'),
		tail: (chars = 3000) => service.readLog().slice(-chars),
		/** Resolves when the log matches `pattern`; rejects when the process exits first or time runs out. */
		async waitForLog(pattern, { timeoutMs, what }) {
			return waitFor(
				() => {
					if (exit) throw new Error(`${name} exited (${JSON.stringify(exit)}) before ${what}:\n${service.tail()}`);
					return pattern.test(service.readLog());
				},
				{ timeoutMs, what: `${what} (${name})` },
			);
		},
		kill: (signal) => killGroup(child.pid, signal),
		/** `signal` to the group, SIGKILL after `graceMs`; resolves when no process of the group is left. */
		async stop({ signal = 'SIGTERM', graceMs = 30000 } = {}) {
			if (!exit) {
				killGroup(child.pid, signal);
				const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), graceMs);
				await exited;
				clearTimeout(timer);
			}
			// Children the leader left behind (a task runner) share its group.
			killGroup(child.pid, 'SIGKILL');
			await waitFor(() => !groupAlive(child.pid), { timeoutMs: 10000, what: `the processes of ${name} to end` });
			running.delete(service);
		},
	};
	running.add(service);
	return service;
}

/** Redis on 127.0.0.1:`port`, no persistence, its working folder in `dir`. */
export async function startRedis({ port, dir, logFile, timeoutMs = 60000 }) {
	const redis = startService(
		'redis',
		findRedisServer(),
		['--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'yes', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'],
		{ cwd: dir, logFile },
	);
	await redis.waitForLog(/Ready to accept connections/, { timeoutMs, what: 'Redis to accept connections' });
	return redis;
}

/**
 * A throw-away Postgres cluster in `dataDir` on 127.0.0.1:`port` (trust authentication, superuser
 * `user`, durability off: it lives for one test). Run as the `postgres` user when this process is root,
 * as Postgres refuses root.
 */
export async function startPostgres({ port, dataDir, user, logFile, timeoutMs = 120000 }) {
	const binDir = findPostgresBinDir();
	let runAs;
	if (process.getuid?.() === 0) {
		runAs = systemUser('postgres');
		if (!runAs) throw new Error('Running as root, Postgres needs the system user postgres (the postgresql package creates it).');
		fs.chownSync(dataDir, runAs.uid, runAs.gid);
	}
	const initdb = spawnSync(
		path.join(binDir, 'initdb'),
		['-D', dataDir, '-U', user, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'],
		{ encoding: 'utf8', cwd: dataDir, ...(runAs ?? {}) },
	);
	if (initdb.status !== 0) throw new Error(`initdb failed (exit ${initdb.status}):\n${initdb.stdout}\n${initdb.stderr}`);
	const settings = {
		listen_addresses: '127.0.0.1',
		unix_socket_directories: dataDir,
		fsync: 'off',
		synchronous_commit: 'off',
		full_page_writes: 'off',
	};
	const postgres = startService(
		'postgres',
		path.join(binDir, 'postgres'),
		['-D', dataDir, '-p', String(port), ...Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`])],
		{ cwd: dataDir, user: runAs, logFile },
	);
	await postgres.waitForLog(/database system is ready to accept connections/, { timeoutMs, what: 'Postgres to accept connections' });
	return postgres;
}

/** True when this process may give a child its own host name (a UTS namespace: root on Linux). */
export function canSetHostName() {
	const probe = spawnSync('unshare', ['--uts', 'true'], { stdio: 'ignore' });
	return probe.status === 0;
}

/**
 * The environment of one n8n process of a queue-mode setup: the shared database, Redis and encryption
 * key, this package as a custom extension, the settings the n8n line needs on its Node (N8N_LINE_ENV:
 * 1.x's legacy expression engine), and the process's own user folder and task-runner port.
 */
export function queueModeEnv({ encryptionKey, postgres, redis, userFolder, brokerPort, extra = {} }) {
	return {
		...process.env,
		PATH: `${path.dirname(nodeBinary)}${path.delimiter}${process.env.PATH}`,
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: '',
		N8N_ENCRYPTION_KEY: encryptionKey,
		N8N_USER_FOLDER: userFolder,
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		...QUIET_N8N_ENV,
		N8N_LOG_LEVEL: 'info',
		// One JSON object a line, with the metadata (the worker's host id on "Execution … finished").
		N8N_LOG_FORMAT: 'json',
		N8N_SECURE_COOKIE: 'false',
		...N8N_LINE_ENV,
		...extra,
	};
}

/**
 * Starts `n8n <args>` with `env`, named `hostName`: with a UTS namespace (when `ownHostName`) the
 * process's host name is `hostName`, which n8n puts in its host id (`worker-<host name>`) when it
 * believes it runs in a container.
 */
export function startN8n({ hostName, args, env, logFile, ownHostName }) {
	const command = [nodeBinary, n8nBinary, ...args];
	const [file, argv] = ownHostName
		? ['unshare', ['--uts', 'sh', '-c', 'hostname "$1" && shift && exec "$@"', 'sh', hostName, ...command]]
		: [command[0], command.slice(1)];
	return startService(hostName, file, argv, { env, cwd: env.N8N_USER_FOLDER, logFile });
}

/** Resolves when `probe()` resolves true; rejects if `service` exits first or after `timeoutMs`. */
export async function waitForService(service, probe, { timeoutMs, what }) {
	return waitFor(
		async () => {
			if (service.exit) throw new Error(`${service.name} exited (${JSON.stringify(service.exit)}) before ${what}:\n${service.tail()}`);
			return probe();
		},
		{ timeoutMs, what: `${what} (${service.name})`, intervalMs: 500 },
	);
}

/** Resolves when `url` answers 200; rejects if `service` exits first or after `timeoutMs`. */
export async function waitForHttpOk(url, service, options) {
	return waitForService(service, () => httpAnswers(url), options);
}

/** The JSON log lines of an n8n process (N8N_LOG_FORMAT=json); other lines are skipped. */
export function n8nLogRecords(service) {
	return service
		.readLog()
		.split('\n')
		.filter((line) => line.startsWith('{'))
		.flatMap((line) => {
			try {
				return [JSON.parse(line)];
			} catch {
				return [];
			}
		});
}

/** Execution ids a worker's log says it started and finished: {started: string[], finished: string[]}. */
export function workerExecutions(service) {
	const started = [];
	const finished = [];
	for (const { message } of n8nLogRecords(service)) {
		const match = /^Worker (started|finished) execution (\d+) /.exec(message ?? '');
		if (match) (match[1] === 'started' ? started : finished).push(match[2]);
	}
	return { started, finished };
}

/** A fresh folder under the system's temporary folder. */
export function tempFolder(prefix) {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
