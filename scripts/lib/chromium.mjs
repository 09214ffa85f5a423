// Debian's Chromium for the editor test: playwright-core drives it, so no browser is downloaded.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * Makes sure Chromium is at CHROMIUM_PATH: when it is missing, installs Debian's `chromium` package
 * with apt-get (the test machines run as root). Returns `{path, installed, seconds}`.
 */
export function ensureChromium({ log = (line) => process.stdout.write(`${line}\n`) } = {}) {
	if (fs.existsSync(CHROMIUM_PATH)) return { path: CHROMIUM_PATH, installed: false, seconds: 0 };
	const startedAt = Date.now();
	log(`${CHROMIUM_PATH} is missing: installing Debian's chromium with apt-get`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	for (const args of [['update', '-q'], ['install', '-y', '-q', 'chromium']]) {
		const result = spawnSync('apt-get', args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
		if (result.status !== 0) {
			throw new Error(
				`apt-get ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}). ` +
					`Install Chromium (Debian: apt-get install chromium) or set CHROMIUM_PATH.`,
			);
		}
	}
	if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium, but ${CHROMIUM_PATH} does not exist; set CHROMIUM_PATH.`);
	return { path: CHROMIUM_PATH, installed: true, seconds: Math.round((Date.now() - startedAt) / 1000) };
}
