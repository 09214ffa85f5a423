#!/usr/bin/env node
// npm run test:editor — the package in a running n8n editor: the credentials' Test buttons through
// n8n's REST API, then the editor in Debian's Chromium (installed with apt-get when missing). Installs
// the pinned n8n once, builds the package, and ends with `N passed, N failed`.
//
//   node scripts/editor.mjs [--no-build] [--output DIR]   (screenshots go to DIR, else a new temp folder)
import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { defaultOutputDir, runEditorSuite } from '../e2e/editor/suite.mjs';
import { ensureN8nInstalled } from './n8n-install.mjs';
import { ensureChromium } from './lib/chromium.mjs';
import { repoRoot } from './lib/paths.mjs';

const log = (line) => process.stdout.write(`${line}\n`);

function option(name) {
	const index = process.argv.indexOf(name);
	return index === -1 ? undefined : process.argv[index + 1];
}

async function main() {
	const startedAt = Date.now();
	const install = await ensureN8nInstalled();
	if (install.installed) log(`installed n8n in ${install.seconds} s`);
	const chromium = ensureChromium({ log });
	if (chromium.installed) log(`installed chromium in ${chromium.seconds} s`);
	if (!process.argv.includes('--no-build')) {
		const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'inherit' });
		if (build.status !== 0) throw new Error(`npm run build failed (exit ${build.status})`);
	}
	const outputDir = option('--output') ? path.resolve(option('--output')) : defaultOutputDir();
	const { passed, failed, shots } = await runEditorSuite({ log, outputDir, chromiumPath: chromium.path });
	log(`screenshots (${shots.length}) in ${outputDir}`);
	log(`editor test finished in ${Math.round((Date.now() - startedAt) / 1000)} s`);
	log(`${passed} passed, ${failed} failed`);
	process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((error) => {
	log(`the editor test could not run: ${error?.stack ?? error}`);
	log('0 passed, 1 failed');
	process.exitCode = 1;
});
