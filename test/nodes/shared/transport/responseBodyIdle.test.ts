/**
 * The idle watch of a read waits a second at a time: n8n 1.x's `sleep` ignores its signal, so a longer
 * wait outlived the read by up to the whole idle limit (60 s), and with it the answer's bytes.
 */
const waits: number[] = [];

jest.mock('n8n-workflow', () => {
	const actual = jest.requireActual<typeof import('n8n-workflow')>('n8n-workflow');
	return {
		...actual,
		// As n8n-workflow 1.x: the signal is ignored (and the test does not wait the whole time).
		sleep: async (ms: number) => {
			waits.push(ms);
			await actual.sleep(Math.min(ms, 5));
		},
	};
});

import { readAnswerText } from '../../../../nodes/shared/transport/responseBody';
import { streamOf } from '../../../support/streams';

describe('the idle watch of a read', () => {
	it('waits at most a second at a time, whatever the idle limit', async () => {
		const text = await readAnswerText(streamOf('{"a":', '1}'), {
			maxBytes: 1024,
			idleMs: 60_000,
		});
		expect(text).toBe('{"a":1}');
		expect(waits.length).toBeGreaterThan(0);
		expect(Math.max(...waits)).toBe(1000);
	});
});
