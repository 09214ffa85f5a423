#!/usr/bin/env node
// Installs the pinned n8n and its Node binary into .n8n-test/ once; later runs return in moments.
// N8N_LINE=1 installs the 1.x line (n8n 1.123, Node 20) into its own folder (scripts/lib/paths.mjs).
//
// Why it is done this way:
// - `--ignore-scripts`: some of n8n's native dependencies download prebuilt binaries in their
//   install scripts, and only the npm registry is reachable here, so those scripts fail.
// - sqlite3 is then built from source against the headers that the Node package ships (Node 24 for 2.x,
//   Node 20 for 1.x), because n8n's default database needs it and no prebuilt binary can be fetched.
// - A marker file records the versions; a matching marker (and the binaries present) means done.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
	N8N_OVERRIDES,
	N8N_VERSION,
	NODE_VERSION,
	installDir,
	markerFile,
	n8nBinary,
	nodeBinary,
	nodePackageDir,
	nodePackageName,
	sqliteBinding,
} from './lib/paths.mjs';

const expectedMarker = { n8n: N8N_VERSION, node: NODE_VERSION, nodePackage: nodePackageName };

function log(message) {
	process.stderr.write(`[n8n-install] ${message}\n`);
}

/** True when the marker names the pinned versions and the binaries it promises exist. */
export function isInstalled() {
	try {
		const marker = JSON.parse(fs.readFileSync(markerFile, 'utf8'));
		return (
			marker.n8n === expectedMarker.n8n &&
			marker.node === expectedMarker.node &&
			marker.nodePackage === expectedMarker.nodePackage &&
			fs.existsSync(nodeBinary) &&
			fs.existsSync(n8nBinary) &&
			fs.existsSync(sqliteBinding)
		);
	} catch {
		return false;
	}
}

function countInstalledPackages() {
	const modulesDir = path.join(installDir, 'node_modules');
	try {
		let count = 0;
		for (const entry of fs.readdirSync(modulesDir)) {
			if (entry.startsWith('.')) continue;
			count += entry.startsWith('@') ? fs.readdirSync(path.join(modulesDir, entry)).length : 1;
		}
		return count;
	} catch {
		return 0;
	}
}

function freeDiskBytes() {
	const stats = fs.statfsSync(installDir);
	return stats.bavail * stats.bsize;
}

/** Runs a command, printing its output and a heartbeat with elapsed time so a long step shows progress. */
function runStep(title, command, args, { env = process.env } = {}) {
	const startedAt = Date.now();
	const freeBytesAtStart = freeDiskBytes();
	log(`${title}…`);
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd: installDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
		const prefixLines = (chunk) =>
			chunk
				.toString()
				.split('\n')
				.filter((line) => line.trim() !== '')
				.forEach((line) => process.stderr.write(`  ${line}\n`));
		child.stdout.on('data', prefixLines);
		child.stderr.on('data', prefixLines);
		const heartbeat = setInterval(() => {
			const seconds = Math.round((Date.now() - startedAt) / 1000);
			const packages = countInstalledPackages();
			const writtenGb = ((freeBytesAtStart - freeDiskBytes()) / 1e9).toFixed(1);
			const stage =
				packages === 0 ? 'resolving the dependency tree' : `${packages} packages, ${writtenGb} GB written`;
			log(`  still working: ${seconds} s, ${stage}`);
		}, 15000);
		child.on('error', (error) => {
			clearInterval(heartbeat);
			reject(error);
		});
		child.on('close', (code) => {
			clearInterval(heartbeat);
			const seconds = Math.round((Date.now() - startedAt) / 1000);
			if (code === 0) {
				log(`${title}: done in ${seconds} s`);
				resolve();
			} else {
				reject(new Error(`${title} failed (exit code ${code}) after ${seconds} s; see the output above.`));
			}
		});
	});
}

/** npm install of the pinned n8n and Node into the installation folder, scripts off. */
async function installPackages(npm) {
	// Its own package.json keeps this installation apart from the repo's dependencies.
	fs.writeFileSync(
		path.join(installDir, 'package.json'),
		JSON.stringify(
			{
				name: 'n8n-test-installation',
				private: true,
				description: 'Pinned n8n used by npm run test:e2e and npm run demo; made by scripts/n8n-install.mjs.',
				dependencies: { n8n: N8N_VERSION, [nodePackageName]: NODE_VERSION },
				...(N8N_OVERRIDES ? { overrides: N8N_OVERRIDES } : {}),
			},
			null,
			'\t',
		) + '\n',
	);

	await runStep(`npm install n8n@${N8N_VERSION} ${nodePackageName}@${NODE_VERSION}`, npm, [
		'install',
		'--ignore-scripts',
		'--no-audit',
		'--no-fund',
		'--loglevel=warn',
	]);
	if (!fs.existsSync(nodeBinary)) throw new Error(`the Node package did not provide ${nodeBinary}`);
}

/**
 * Makes sure .n8n-test/ holds n8n ${N8N_VERSION} and Node ${NODE_VERSION}; installs them when it does not.
 * Returns { installed: boolean, seconds: number } where installed says whether work was done.
 */
export async function ensureN8nInstalled() {
	if (isInstalled()) return { installed: false, seconds: 0 };
	const startedAt = Date.now();
	fs.mkdirSync(installDir, { recursive: true });
	fs.rmSync(markerFile, { force: true });
	log(`installing n8n ${N8N_VERSION} and Node ${NODE_VERSION} into ${installDir}`);
	log('the first time takes about 5 minutes and 3 GB of disk');

	// Its own package.json keeps this installation apart from the repo's dependencies. When the
	// packages are already there (an install whose native build failed), only the build is redone.
	const packagesPresent = fs.existsSync(n8nBinary) && fs.existsSync(nodeBinary);
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	if (!packagesPresent) await installPackages(npm);

	// node-gyp compiles against the headers given by --nodedir; running it under that Node too keeps
	// every tool in the build on the same version.
	const nodeBinDir = path.dirname(nodeBinary);
	await runStep(`building sqlite3 from source against the Node ${NODE_VERSION} headers`, npm, [
		'rebuild',
		'sqlite3',
		'--ignore-scripts=false',
		`--nodedir=${nodePackageDir}`,
		'--loglevel=warn',
	], {
		env: {
			...process.env,
			PATH: `${nodeBinDir}${path.delimiter}${process.env.PATH}`,
			// Run from `npm run`, this process inherits the repo's .npmrc as npm_config_ignore_scripts=true,
			// which would skip the build silently.
			npm_config_ignore_scripts: 'false',
			// Read by sqlite3's install script (node-pre-gyp): compile instead of downloading a binary.
			npm_config_build_from_source: 'true',
		},
	});
	if (!fs.existsSync(sqliteBinding)) throw new Error(`building sqlite3 did not produce ${sqliteBinding}`);

	fs.writeFileSync(markerFile, JSON.stringify({ ...expectedMarker, installedAt: new Date().toISOString() }, null, '\t') + '\n');
	const seconds = Math.round((Date.now() - startedAt) / 1000);
	log(`ready in ${seconds} s`);
	return { installed: true, seconds };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
	ensureN8nInstalled()
		.then(({ installed }) => {
			if (!installed) log(`n8n ${N8N_VERSION} and Node ${NODE_VERSION} already installed in ${installDir}`);
		})
		.catch((error) => {
			log(error.message);
			process.exit(1);
		});
}
