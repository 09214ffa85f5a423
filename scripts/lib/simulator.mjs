// Starts the CXone simulator for the e2e test and the demo.
import { createRequire } from 'node:module';

const { launchSimulator } = createRequire(import.meta.url)('../../simulator/launch.cjs');

/**
 * The simulator on the real clock (or shifted from it by `clockOffsetMs`), resolving to `{baseUrl,
 * tokenUrl, clientId, clientSecret, truth(body), stats(), platformUniverse(), stop()}`.
 * @param {{seed?: number, profile?: 'clean'|'flaky', speed?: number, clockOffsetMs?: number}} [options]
 */
export async function startSimulator({ seed = 1, profile = 'clean', speed, clockOffsetMs } = {}) {
	const args = [
		...(speed === undefined ? [] : ['--speed', String(speed)]),
		...(clockOffsetMs === undefined ? [] : ['--clock-offset-ms', String(Math.round(clockOffsetMs))]),
	];
	return { ...(await launchSimulator({ seed, profile, args })), args: { seed, profile, speed, clockOffsetMs } };
}
