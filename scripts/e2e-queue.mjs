#!/usr/bin/env node
// npm run test:e2e:queue — the package in n8n's queue mode (e2e/queue.mjs): installs the pinned n8n
// once (and Redis and Postgres from the Debian packages when missing), builds the package, runs the
// main, two workers and the checks. Ends with `N passed, N failed`.
//
//   node scripts/e2e-queue.mjs [--no-build]
import { spawnSync } from 'node:child_process';

import { runQueueSuite } from '../e2e/queue.mjs';
import { ensureN8nInstalled } from './n8n-install.mjs';
import { repoRoot } from './lib/paths.mjs';

const log = (line) => process.stdout.write(`${line}\n`);

async function main() {
	const startedAt = Date.now();
	const install = await ensureN8nInstalled();
	if (install.installed) log(`installed n8n in ${install.seconds} s`);
	if (!process.argv.includes('--no-build')) {
		const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'inherit' });
		if (build.status !== 0) throw new Error(`npm run build failed (exit ${build.status})`);
	}
	const { passed, failed } = await runQueueSuite({ log });
	log(`queue e2e finished in ${Math.round((Date.now() - startedAt) / 1000)} s`);
	log(`${passed} passed, ${failed} failed`);
	process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((error) => {
	log(`queue e2e could not run: ${error?.stack ?? error}`);
	log('0 passed, 1 failed');
	process.exitCode = 1;
});
