#!/usr/bin/env node
// Runs n8n's verification scanner (@n8n/scan-community-package) on what this repo would publish, the
// way its CLI does on a published package: the source leg over the committed tree (`git archive
// HEAD`, with the scanner's SOURCE_FILE_PATTERNS) and the artifact leg over the unpacked `npm pack`
// tarball (compiled `.js` and package.json). Any finding fails. Needs `npm run build` first.
//
// Why it is done this way:
// - The scanner's own CLI only scans a version already on npm (it fetches the tarball and, through the
//   provenance attestation, the source), so its exported `analyzePackage` is called instead.
// - It pins its own ESLint and TypeScript, which must not mix with the repo's, so it is installed
//   with `--ignore-scripts` into a folder of its own outside the clone, once per pinned version.
// - Two fixture packages that import `zlib` (a module n8n Cloud refuses) are scanned first, one per
//   leg: if either passes, the check could not fail, and the run stops before trusting a pass.
//
// Usage: node scripts/scan-package.mjs [--keep]   (--keep leaves the scanned folders and prints them)
// N8N_SCANNER_DIR moves the scanner's folder (default ~/.cache/n8n-nodes-nice-cxone/scanner-<version>).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { repoRoot } from './lib/paths.mjs';

export const SCANNER_VERSION = '0.32.0';
const SCANNER_PACKAGE = '@n8n/scan-community-package';

/** Patterns of the scanner's tarball leg, as `analyzePackageByName` passes them. */
const ARTIFACT_FILE_PATTERNS = ['**/*.js', 'package.json'];

const scannerDir = process.env.N8N_SCANNER_DIR
	? path.resolve(process.env.N8N_SCANNER_DIR)
	: path.join(os.homedir(), '.cache', 'n8n-nodes-nice-cxone', `scanner-${SCANNER_VERSION}`);
const scannerModule = path.join(
	scannerDir,
	'node_modules',
	...SCANNER_PACKAGE.split('/'),
	'scanner',
	'scanner.mjs',
);

const log = (line) => process.stdout.write(`[scan] ${line}\n`);

function run(command, args, options = {}) {
	const result = spawnSync(command, args, {
		encoding: 'utf8',
		maxBuffer: 64 * 1024 * 1024,
		...options,
	});
	if (result.status !== 0) {
		throw new Error(
			`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr ?? ''}${result.stdout ?? ''}`,
		);
	}
	return result.stdout;
}

function installedScannerVersion() {
	try {
		const manifest = path.join(
			scannerDir,
			'node_modules',
			...SCANNER_PACKAGE.split('/'),
			'package.json',
		);
		return JSON.parse(fs.readFileSync(manifest, 'utf8')).version;
	} catch {
		return undefined;
	}
}

/** Installs the pinned scanner into its folder unless it is there; a half-done install is never left in place. */
function ensureScanner() {
	if (installedScannerVersion() === SCANNER_VERSION && fs.existsSync(scannerModule)) return false;
	const staging = `${scannerDir}.installing-${process.pid}`;
	fs.rmSync(staging, { recursive: true, force: true });
	fs.mkdirSync(staging, { recursive: true });
	fs.writeFileSync(
		path.join(staging, 'package.json'),
		JSON.stringify(
			{
				name: 'n8n-scanner-installation',
				private: true,
				description: 'Made by n8n-nodes-nice-cxone scripts/scan-package.mjs.',
				dependencies: { [SCANNER_PACKAGE]: SCANNER_VERSION },
			},
			null,
			'\t',
		) + '\n',
	);
	log(`installing ${SCANNER_PACKAGE}@${SCANNER_VERSION} into ${scannerDir}`);
	run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
		cwd: staging,
	});
	fs.rmSync(scannerDir, { recursive: true, force: true });
	fs.mkdirSync(path.dirname(scannerDir), { recursive: true });
	fs.renameSync(staging, scannerDir);
	return true;
}

/** The committed tree, as a source checkout at that commit would hold it. */
function exportCommittedTree(workDir) {
	const dir = path.join(workDir, 'source');
	fs.mkdirSync(dir);
	const tarball = path.join(workDir, 'source.tar');
	run('git', ['archive', '--format=tar', '-o', tarball, 'HEAD'], { cwd: repoRoot });
	run('tar', ['-xf', tarball, '-C', dir]);
	return dir;
}

/** What `npm publish` would upload, unpacked. */
function packArtifact(workDir) {
	const packed = JSON.parse(
		run('npm', ['pack', '--json', '--pack-destination', workDir], { cwd: repoRoot }),
	);
	const { filename, entryCount } = packed[0];
	const dir = path.join(workDir, 'package');
	fs.mkdirSync(dir);
	run('tar', [
		'-xzf',
		path.join(workDir, path.basename(filename)),
		'-C',
		dir,
		'--strip-components=1',
	]);
	return { dir, entryCount };
}

function writeFiles(dir, files) {
	for (const [name, content] of Object.entries(files)) {
		const file = path.join(dir, name);
		fs.mkdirSync(path.dirname(file), { recursive: true });
		fs.writeFileSync(
			file,
			typeof content === 'string' ? content : JSON.stringify(content, null, 2) + '\n',
		);
	}
}

/** A package the scanner otherwise passes (its own clean fixture), with one node that imports zlib. */
function writeZlibFixture(dir, nodeFile, nodeSource) {
	writeFiles(dir, {
		'package.json': {
			name: 'n8n-nodes-fixture',
			version: '1.0.0',
			description: 'A fixture community node package',
			license: 'MIT',
			author: { name: 'Test Author', email: 'test@example.com' },
			keywords: ['n8n-community-node-package'],
			peerDependencies: { 'n8n-workflow': '*' },
			n8n: { n8nNodesApiVersion: 1, nodes: ['dist/nodes/Foo/Foo.node.js'] },
		},
		[nodeFile]: nodeSource,
	});
	return dir;
}

function report(label, result) {
	if (result.passed) {
		log(`${label}: no findings`);
		return true;
	}
	process.stdout.write(`[scan] ${label}: ${result.message}\n${result.details ?? ''}\n`);
	return false;
}

/** Copies a scanned tree and adds a zlib import to its first node (as package.json names it). */
function withZlibImport(dir, copyDir, nodeFile, line) {
	fs.cpSync(dir, copyDir, { recursive: true });
	fs.appendFileSync(path.join(copyDir, nodeFile), `\n${line}\n`);
	return copyDir;
}

/** Throws unless the scanner refused the tree for importing zlib. */
function expectZlibRefused(label, result) {
	const details = result.details ?? '';
	if (result.passed || !/zlib/.test(details) || !/no-restricted-imports/.test(details)) {
		throw new Error(
			`${label}: the scanner did not refuse it (${JSON.stringify(result)}), so a pass would prove nothing.`,
		);
	}
	log(`${label}: refused, as it must be`);
}

async function main() {
	const keep = process.argv.includes('--keep');
	const startedAt = Date.now();
	if (!fs.existsSync(path.join(repoRoot, 'dist', 'package.json'))) {
		throw new Error('dist/ is missing or incomplete; run npm run build first.');
	}
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxone-scan-'));
	// The scanner makes a temporary folder when it is imported and leaves it; this puts it in workDir.
	process.env.TMPDIR = path.join(workDir, 'tmp');
	fs.mkdirSync(process.env.TMPDIR);
	try {
		const installed = ensureScanner();
		const { analyzePackage, SOURCE_FILE_PATTERNS } = await import(
			pathToFileURL(scannerModule).href
		);
		log(
			`${SCANNER_PACKAGE}@${SCANNER_VERSION}${installed ? ' installed' : ''}; source patterns ${JSON.stringify(SOURCE_FILE_PATTERNS)}`,
		);

		// Negative controls, first on fixtures: each leg must refuse a node that imports zlib.
		expectZlibRefused(
			'negative control, source leg: a fixture whose nodes/Foo/Foo.node.ts imports zlib',
			await analyzePackage(
				writeZlibFixture(
					path.join(workDir, 'control-source'),
					'nodes/Foo/Foo.node.ts',
					"import { gzipSync } from 'zlib';\n\nexport const packed = gzipSync('x');\n",
				),
				SOURCE_FILE_PATTERNS,
			),
		);
		expectZlibRefused(
			'negative control, artifact leg: a fixture whose dist/nodes/Foo/Foo.node.js requires zlib',
			await analyzePackage(
				writeZlibFixture(
					path.join(workDir, 'control-artifact'),
					'dist/nodes/Foo/Foo.node.js',
					"'use strict';\nconst zlib = require('zlib');\nexports.packed = zlib.gzipSync('x');\n",
				),
				ARTIFACT_FILE_PATTERNS,
			),
		);

		const uncommitted = git('status', '--porcelain', '--', 'package.json', 'nodes', 'credentials');
		if (uncommitted !== '') {
			log(
				'warning: uncommitted changes in package.json, nodes/ or credentials/ are in the npm pack leg only',
			);
		}
		const sourceDir = exportCommittedTree(workDir);
		const artifact = packArtifact(workDir);
		const sourcePassed = report(
			`source leg: git archive HEAD (${git('rev-parse', '--short', 'HEAD')}) with SOURCE_FILE_PATTERNS`,
			await analyzePackage(sourceDir, SOURCE_FILE_PATTERNS),
		);
		const artifactPassed = report(
			`artifact leg: npm pack (${artifact.entryCount} files) with ${JSON.stringify(ARTIFACT_FILE_PATTERNS)}`,
			await analyzePackage(artifact.dir, ARTIFACT_FILE_PATTERNS),
		);

		// Negative controls on this package itself: the same trees with one zlib import added to the
		// first node must be refused, so the scanned files are really the ones n8n would look at.
		const builtNode = JSON.parse(fs.readFileSync(path.join(artifact.dir, 'package.json'), 'utf8'))
			.n8n.nodes[0];
		const sourceNode = builtNode.replace(/^dist\//, '').replace(/\.js$/, '.ts');
		expectZlibRefused(
			`negative control, source leg: this tree with a zlib import added to ${sourceNode}`,
			await analyzePackage(
				withZlibImport(sourceDir, path.join(workDir, 'source-zlib'), sourceNode, "import 'zlib';"),
				SOURCE_FILE_PATTERNS,
			),
		);
		expectZlibRefused(
			`negative control, artifact leg: this package with a zlib require added to ${builtNode}`,
			await analyzePackage(
				withZlibImport(
					artifact.dir,
					path.join(workDir, 'package-zlib'),
					builtNode,
					"require('zlib');",
				),
				ARTIFACT_FILE_PATTERNS,
			),
		);

		if (keep) log(`scanned folders kept in ${workDir}`);
		log(`done in ${Math.round((Date.now() - startedAt) / 1000)} s`);
		if (!sourcePassed || !artifactPassed) process.exitCode = 1;
	} finally {
		if (!keep) fs.rmSync(workDir, { recursive: true, force: true });
	}
}

function git(...args) {
	return run('git', args, { cwd: repoRoot }).trim();
}

main().catch((error) => {
	process.stderr.write(`[scan] ${error.message}\n`);
	process.exitCode = 1;
});
