/**
 * Aggregate Completed Contacts hands the event loop back while it sorts its rows and makes them into
 * items: n8n's sleep(0), counted here with a clock that says every look at it is late (so each look
 * pauses). HTTP is nock's.
 */
import nock from 'nock';
import type { INodeExecutionData } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { NiceCxoneAnalytics } from '../../../../../nodes/NiceCxoneAnalytics/NiceCxoneAnalytics.node';
import { testNow, useTestClockForDateNow } from '../../../../support/clock';
import {
	aggregateParams,
	COMPLETED_CONTACTS,
	contact,
	NOCK_API,
	NOCK_LEGACY_AUTH_HOST,
	NOCK_PLATFORM_CREDENTIALS,
} from '../../../../integration/security/support/platform';
import { createContext } from '../../../../support/n8nContext';

jest.mock('n8n-workflow', () => {
	const actual = jest.requireActual<typeof import('n8n-workflow')>('n8n-workflow');
	// The pause (sleep(0)) returns at once; the transport's waits (its deadline) are n8n's own.
	return {
		...actual,
		sleep: jest.fn(async (ms: number, signal?: AbortSignal) =>
			ms === 0 ? undefined : await actual.sleep(ms, signal),
		),
	};
});

useTestClockForDateNow();

beforeAll(() => nock.disableNetConnect());
afterAll(() => {
	nock.enableNetConnect();
	nock.restore();
});
afterEach(() => nock.cleanAll());

describe('Aggregate Completed Contacts: pauses while it builds its output', () => {
	it('pauses once the clock says a tenth of a second has passed, looking at it every 1,000 units of work', async () => {
		// 2,000 contacts of 2,000 agents in one day: 2,000 rows by agent.
		const contacts = Array.from({ length: 2000 }, (_, i) => ({
			...contact(i + 1),
			agentId: i + 1,
		}));
		nock(NOCK_LEGACY_AUTH_HOST)
			.post('/authentication/v1/token/access-key')
			.reply(200, { access_token: 'tok', token_type: 'Bearer' });
		nock(NOCK_API)
			.get(COMPLETED_CONTACTS)
			.query(true)
			.reply(200, { completedContacts: contacts, totalRecords: contacts.length });
		const { ctx } = createContext({
			params: aggregateParams({ dimensions: ['agent.id'] }),
			...NOCK_PLATFORM_CREDENTIALS,
		});
		// Every read of the clock a tenth of a second later than the one before, so every look of the pacer
		// pauses (and the 600 s the requests may take stay far off).
		let lateMs = 0;
		const clock = jest.spyOn(Date, 'now').mockImplementation(() => testNow() + (lateMs += 100));
		let items: INodeExecutionData[];
		try {
			[items] = await new NiceCxoneAnalytics().execute.call(ctx);
		} finally {
			clock.mockRestore();
		}
		expect(items).toHaveLength(2000);
		// Ordered by the agents' ids as text.
		expect([items[0].json, items[1999].json]).toMatchObject([
			{ agentId: '1', count_sum: 1 },
			{ agentId: '999', count_sum: 1 },
		]);
		// The sort of one run of 2,000 rows (32,000 units: a look and a pause), the rows made (2 units each,
		// yielded after 1,000 and 2,000 rows: 2 pauses) and the items (1 unit each, yielded before the
		// 1,001st: 1 pause).
		const pauses = jest.mocked(sleep).mock.calls.filter(([ms]) => ms === 0);
		expect(pauses).toHaveLength(1 + 2 + 1);
	});
});
