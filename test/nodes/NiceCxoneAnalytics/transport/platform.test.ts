import { n8nClock } from '../../../../nodes/shared/transport/clock';
import type { PlatformContext } from '../../../../nodes/NiceCxoneAnalytics/transport/platform';
import {
	MAX_UPDATED_CONTACT_PAGES,
	readUpdatedContacts,
} from '../../../../nodes/NiceCxoneAnalytics/transport/platform';
import { DEFAULT_RETRY_POLICY } from '../../../../nodes/NiceCxoneAnalytics/transport/retry';
import type { ApiRequest, ApiResponse } from '../../../../nodes/NiceCxoneAnalytics/transport/types';
import { newTransportStats } from '../../../../nodes/NiceCxoneAnalytics/transport/types';

const CONTACTS = '/inContactAPI/services/v30.0/contacts/completed';

/** A platform context whose API answers each request with `answer` (no network, no waits). */
function platformContext(answer: (request: ApiRequest, index: number) => ApiResponse) {
	const requests: ApiRequest[] = [];
	const ctx: PlatformContext = {
		send: async (request) => {
			requests.push(request);
			return answer(request, requests.length - 1);
		},
		clock: n8nClock,
		stats: newTransportStats(),
		retry: DEFAULT_RETRY_POLICY,
		deadlineMs: Number.MAX_SAFE_INTEGER,
		pageConcurrency: 1,
	};
	return { ctx, requests };
}

describe('updated contacts', () => {
	it(`a server that links one new contact after another ends after ${MAX_UPDATED_CONTACT_PAGES} pages`, async () => {
		expect(MAX_UPDATED_CONTACT_PAGES).toBe(2000);
		const { ctx, requests } = platformContext((_request, index) => ({
			status: 200,
			headers: {},
			body: {
				completedContacts: [{ contactId: index + 1 }],
				_links: { next: `${CONTACTS}?page=${index + 1}` },
			},
		}));
		let read = 0;
		await expect(readUpdatedContacts(ctx, '2024-01-01T00:00:00Z', () => read++)).rejects.toThrow(
			"CXone's updated contacts went on past 2000 pages in one run; the node reads at most that many. Nothing was output; run the workflow more often, and report it to NICE if it persists.",
		);
		expect([requests.length, read]).toEqual([2000, 2000]);
	});

	it('a last page without a next link ends the reading, its contacts counted once each', async () => {
		const pages = [
			{
				completedContacts: [{ contactId: 1 }, { contactId: 2 }],
				_links: { next: `${CONTACTS}?p=2` },
			},
			// Contact 2 was updated again while the pages were read: its first reading counts.
			{ completedContacts: [{ contactId: 2 }, { contactId: 3 }], lastPollTime: 'T2', _links: {} },
		];
		const { ctx, requests } = platformContext((_request, index) => ({
			status: 200,
			headers: {},
			body: pages[index],
		}));
		const ids: unknown[] = [];
		const lastPollTime = await readUpdatedContacts(ctx, '2024-01-01T00:00:00Z', (contact) =>
			ids.push((contact as { contactId: unknown }).contactId),
		);
		expect([ids, lastPollTime, requests.map((r) => r.path)]).toEqual([
			[1, 2, 3],
			'T2',
			[CONTACTS, `${CONTACTS}?p=2`],
		]);
	});
});
