import { sleep } from 'n8n-workflow';

import { pacer, type Pacer } from './core/pacer';

/**
 * The pacer of a node's run in n8n: it hands the event loop back (n8n's `sleep(0)`) whenever a tenth of a
 * second of work has passed, so that a queue-mode worker answers its broker and keeps its job.
 */
export function n8nPacer(): Pacer {
	return pacer(
		async () => await sleep(0),
		() => Date.now(),
	);
}
