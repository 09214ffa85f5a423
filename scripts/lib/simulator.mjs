// Starts the CXone simulator for the e2e test and the demo.
import { createRequire } from 'node:module';

const { launchSimulator } = createRequire(import.meta.url)('../../simulator/launch.cjs');

/**
 * The simulator on the real clock, resolving to `{baseUrl, tokenUrl, clientId, clientSecret, truth(body),
 * stats(), platformUniverse(), stop()}`.
 * @param {{seed?: number, profile?: 'clean'|'flaky', speed?: number}} [options]
 */
export async function startSimulator({ seed = 1, profile = 'clean', speed } = {}) {
	const args = speed === undefined ? [] : ['--speed', String(speed)];
	return { ...(await launchSimulator({ seed, profile, args })), args: { seed, profile, speed } };
}
