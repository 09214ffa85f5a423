import { n8nClock } from '../../../../nodes/shared/transport/clock';
import type { PlatformContext } from '../../../../nodes/NiceCxoneAnalytics/transport/platform';
import { ApiFailure, CxoneApiError } from '../../../../nodes/NiceCxoneAnalytics/transport/errors';
import {
	MAX_UPDATED_CONTACT_PAGES,
	readUpdatedContacts,
	runReportJob,
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

describe('report files', () => {
	it('a file too large for one string is a clear error, downloaded once, not "kept failing … even after retries"', async () => {
		const requests: ApiRequest[] = [];
		const ctx: PlatformContext = {
			send: async (request) => {
				requests.push(request);
				if (request.method === 'POST') return { status: 202, headers: {}, body: { jobId: 'j1' } };
				if (!request.anonymous) {
					return {
						status: 200,
						headers: {},
						body: {
							jobResult: {
								state: 'Finished',
								resultFileURL: 'https://files.niceincontact.com/r.csv',
							},
						},
					};
				}
				// What n8n's helper throws when the body of a 560 MB file cannot become one string.
				throw new ApiFailure(
					'HTTP 200 (Cannot create a string longer than 0x1fffffe8 characters)',
					200,
					{},
					undefined,
				);
			},
			clock: n8nClock,
			stats: newTransportStats(),
			retry: DEFAULT_RETRY_POLICY,
			deadlineMs: Number.MAX_SAFE_INTEGER,
			pageConcurrency: 1,
		};
		const error: unknown = await runReportJob(ctx, '1001', undefined).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(CxoneApiError);
		expect((error as Error).message).toBe(
			'The file of report job j1 (report 1001) could not be read: it is larger than the about 512 MB of text Node.js can hold at once. Narrow the report (a shorter time range, or fewer columns in CXone) and run again.',
		);
		expect(requests.filter((request) => request.anonymous)).toHaveLength(1);
	});
});
