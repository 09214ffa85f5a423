// Where the pinned n8n test installation lives and which versions it holds.
// One place for these facts: the installer, the e2e test and the demo all read them from here.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The n8n lines the e2e runs on, chosen with N8N_LINE=1 or N8N_LINE=2 (the default; `npm run test:e2e
 * -- --n8n 1` sets it). Each line has its own installation folder and Node binary from the npm package
 * that ships it (the same Node everywhere, whatever the machine has).
 * - 2.x: n8n 2.41.3 (the newest) does not install: it needs a package version the registry lacks.
 *   n8n 2.36+ needs Node 24.
 * - 1.x: 1.123.81 is the newest 1.x; n8n 1.123 accepts Node 20.19 to 24.x, and runs here on Node 20.
 *   Its n8n-nodes-base takes `xlsx` from cdn.sheetjs.com, which is not reachable here: `overrides`
 *   takes the same SheetJS 0.20.2 from the registry's republished copy (2.x itself uses @e965/xlsx).
 *   Its default expression engine ('vm') runs on isolated-vm 6.2, which needs Node 22 or later (no
 *   build for Node 20's ABI): on Node 20 every n8n command that evaluates expressions (start, worker,
 *   execute, import:workflow) exits with "Could not initialize the vm expression engine". n8n's own
 *   setting N8N_EXPRESSION_ENGINE=legacy (the engine of every earlier 1.x) is what a Node 20 user needs.
 */
export const N8N_LINES = {
	2: { n8n: '2.41.1', node: '24.14.1' },
	1: {
		n8n: '1.123.81',
		node: '20.20.2',
		overrides: { xlsx: 'npm:@e965/xlsx@0.20.2' },
		env: { N8N_EXPRESSION_ENGINE: 'legacy' },
	},
};
export const n8nLine = String(process.env.N8N_LINE || '2').replace(/\.x$/, '');
if (!N8N_LINES[n8nLine]) {
	throw new Error(`N8N_LINE=${process.env.N8N_LINE}: the e2e knows the n8n lines ${Object.keys(N8N_LINES).join(' and ')}`);
}

/**
 * Git-ignored folder holding n8n and a Node binary, separate from the repo's own node_modules.
 * N8N_TEST_INSTALL_DIR moves the 2.x installation, e.g. to a cache that fresh clones (CI) share instead
 * of installing 3 GB again each time; the 1.x installation then sits next to it with `-1` appended
 * (…/n8n-test → …/n8n-test-1), unless N8N_TEST_INSTALL_DIR_1 names its own folder.
 */
function lineInstallDir() {
	const dir2 = process.env.N8N_TEST_INSTALL_DIR;
	if (n8nLine === '2') return dir2 ? path.resolve(dir2) : path.join(repoRoot, '.n8n-test');
	if (process.env.N8N_TEST_INSTALL_DIR_1) return path.resolve(process.env.N8N_TEST_INSTALL_DIR_1);
	return dir2 ? `${path.resolve(dir2)}-${n8nLine}` : path.join(repoRoot, `.n8n-test-${n8nLine}`);
}
export const installDir = lineInstallDir();

export const N8N_VERSION = N8N_LINES[n8nLine].n8n;
export const NODE_VERSION = N8N_LINES[n8nLine].node;
/** npm `overrides` the line's installation needs (see N8N_LINES). */
export const N8N_OVERRIDES = N8N_LINES[n8nLine].overrides;
/** Settings n8n needs on this line's Node (see N8N_LINES), given to every n8n the scripts start. */
export const N8N_LINE_ENV = N8N_LINES[n8nLine].env ?? {};
export const nodePackageName = `node-${process.platform}-${process.arch}`;

export const markerFile = path.join(installDir, 'installed.json');
export const nodePackageDir = path.join(installDir, 'node_modules', nodePackageName);
export const nodeBinary = path.join(nodePackageDir, 'bin', 'node');
export const n8nBinary = path.join(installDir, 'node_modules', 'n8n', 'bin', 'n8n');
/** The native SQLite binding n8n needs, compiled by the install against the line's Node. */
export const sqliteBinding = path.join(installDir, 'node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.node');
export const distDir = path.join(repoRoot, 'dist');
export const simulatorCli = path.join(repoRoot, 'simulator', 'cli.mjs');
export const examplesDir = path.join(repoRoot, 'examples');
