import { NodeApiError, type INode } from 'n8n-workflow';

import { toApiFailure } from '../../../../nodes/NiceCxoneAnalytics/transport/n8n';
import { isRetryable } from '../../../../nodes/NiceCxoneAnalytics/transport/retry';

const node = {
	name: 'NICE CXone Analytics',
	type: 'test',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
} as unknown as INode;

describe('what n8n hands back for a failed request', () => {
	it('a dropped connection is a network failure, retried, whether the code is on the cause (n8n 2) or only in httpCode (n8n 1)', () => {
		const dropped = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
		const n8n2 = toApiFailure(new NodeApiError(node, dropped as never));
		expect([n8n2.status, n8n2.networkCode, isRetryable(n8n2)]).toEqual([
			undefined,
			'ECONNRESET',
			true,
		]);
		// n8n-workflow 1.x: no cause kept, the code found among the response's keys as httpCode.
		const n8n1 = toApiFailure({
			message: 'The connection to the server was closed unexpectedly',
			httpCode: 'ECONNRESET',
		});
		expect([n8n1.status, n8n1.networkCode, isRetryable(n8n1)]).toEqual([
			undefined,
			'ECONNRESET',
			true,
		]);
		const http = toApiFailure({ message: 'Service unavailable', httpCode: '503' });
		expect([http.status, http.networkCode]).toEqual([503, undefined]);
	});
});

describe('the token a failed request carried', () => {
	/** An axios-like error for a 400 whose body and header quote `token`, as n8n 2 wraps it. */
	function quotingFailure(token: string, sentHeader: Record<string, string>) {
		const axiosError = Object.assign(new Error('Request failed with status code 400'), {
			config: { headers: sentHeader },
			response: {
				status: 400,
				headers: { icStatusDescription: `token ${token} is not valid` },
				data: { error: 'invalid_request', message: `the access token ${token} has expired` },
			},
		});
		return new NodeApiError(node, axiosError as never);
	}

	it.each(['at_5f3c9e1b72', 'kqzvhwtrmplxbdnfgsyjcaoeuiKQZVHWTRMPLXBD'])(
		'%s, read from the Authorization header n8n keeps on the error, is out of message, body and headers',
		(token) => {
			const failure = toApiFailure(quotingFailure(token, { Authorization: `Bearer ${token}` }));
			expect(failure.message).toBe('HTTP 400 token [redacted] is not valid');
			expect(failure.body).toEqual({
				error: 'invalid_request',
				message: 'the access token [redacted] has expired',
			});
			expect(failure.headers.icstatusdescription).toBe('token [redacted] is not valid');
		},
	);

	it('a token the credential fetched is redacted when the error keeps no request headers', () => {
		const token = 'at_5f3c9e1b72';
		expect(toApiFailure(quotingFailure(token, {})).body).toEqual({
			error: 'invalid_request',
			message: `the access token ${token} has expired`,
		});
		const failure = toApiFailure(quotingFailure(token, {}), [token]);
		expect(failure.message).toBe('HTTP 400 token [redacted] is not valid');
		expect(failure.body).toEqual({
			error: 'invalid_request',
			message: 'the access token [redacted] has expired',
		});
	});
});
