// Where the pinned n8n test installation lives and which versions it holds.
// One place for these facts: the installer, the e2e test and the demo all read them from here.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Git-ignored folder holding n8n and a Node 24 binary, separate from the repo's own node_modules.
 * N8N_TEST_INSTALL_DIR moves it, e.g. to a cache that fresh clones (CI) share instead of
 * installing 3 GB again each time.
 */
export const installDir = process.env.N8N_TEST_INSTALL_DIR
	? path.resolve(process.env.N8N_TEST_INSTALL_DIR)
	: path.join(repoRoot, '.n8n-test');

/**
 * n8n 2.41.3 (the newest) does not install: it needs a package version the registry lacks.
 * n8n 2.36+ needs Node 24, so a Node 24 binary comes from the npm package that ships it.
 */
export const N8N_VERSION = '2.41.1';
export const NODE_VERSION = '24.14.1';
export const nodePackageName = `node-${process.platform}-${process.arch}`;

export const markerFile = path.join(installDir, 'installed.json');
export const nodePackageDir = path.join(installDir, 'node_modules', nodePackageName);
export const nodeBinary = path.join(nodePackageDir, 'bin', 'node');
export const n8nBinary = path.join(installDir, 'node_modules', 'n8n', 'bin', 'n8n');
/** The native SQLite binding n8n needs, compiled by the install against Node 24. */
export const sqliteBinding = path.join(installDir, 'node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.node');
export const distDir = path.join(repoRoot, 'dist');
export const simulatorCli = path.join(repoRoot, 'simulator', 'cli.mjs');
export const examplesDir = path.join(repoRoot, 'examples');
