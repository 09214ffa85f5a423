import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { n8nClock } from '../../../shared/transport/clock';
import { deadlineAfter } from '../../../shared/transport/signals';
import { CxoneApiError } from '../../transport/errors';
import { createN8nSend } from '../../transport/n8n';
import type { PlatformContext } from '../../transport/platform';
import { DEFAULT_PLATFORM_OPTIONS } from '../../transport/platform';
import { DEFAULT_RETRY_POLICY } from '../../transport/retry';
import { newTransportStats } from '../../transport/types';
import { TIME_ZONE_OPTION, positiveNumber, wholeNumber } from '../shared/queryFields';

export const PLATFORM_CREDENTIAL_TYPE = 'niceCxoneApi';

/** Options every platform operation has (a test checks the defaults against DEFAULT_PLATFORM_OPTIONS). */
export const PLATFORM_COMMON_OPTIONS = [
	{
		displayName: 'Page Concurrency',
		name: 'pageConcurrency',
		type: 'number' as const,
		typeOptions: { minValue: 1, maxValue: 10 },
		default: 4,
		description: 'Pages of completed contacts read at once',
	},
	TIME_ZONE_OPTION,
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeoutSeconds',
		type: 'number' as const,
		typeOptions: { minValue: 1 },
		default: 600,
		description: 'Give up after this long',
	},
];

/**
 * Runs one item's requests through the NICE CXone API credential, with retries, under one deadline
 * (Options › Timeout) that every request, wait and paging loop shares, a request in flight included.
 */
export async function withPlatformContext<T>(
	ctx: IExecuteFunctions,
	options: IDataObject,
	run: (transport: PlatformContext) => Promise<T>,
): Promise<T> {
	const timeoutSeconds = positiveNumber(
		options.timeoutSeconds ?? DEFAULT_PLATFORM_OPTIONS.timeoutMs / 1000,
		'Options › Timeout (Seconds)',
	);
	const pageConcurrency = wholeNumber(
		options.pageConcurrency ?? DEFAULT_PLATFORM_OPTIONS.pageConcurrency,
		'Options › Page Concurrency',
		1,
		10,
	);
	const deadline = deadlineAfter(
		timeoutSeconds * 1000,
		() =>
			new CxoneApiError(
				`The CXone requests did not finish within ${timeoutSeconds} s (Options › Timeout). Raise the timeout or shorten the time range.`,
			),
	);
	const cancel = ctx.getExecutionCancelSignal?.();
	try {
		return await run({
			// No base URL: the credential sends relative paths to the API host it found for the tenant.
			send: createN8nSend(ctx, undefined, { credentialType: PLATFORM_CREDENTIAL_TYPE }),
			clock: n8nClock,
			stats: newTransportStats(),
			retry: DEFAULT_RETRY_POLICY,
			signal: cancel ? AbortSignal.any([cancel, deadline.signal]) : deadline.signal,
			deadlineMs: Date.now() + timeoutSeconds * 1000,
			pageConcurrency,
			apiHost: async () => await credentialApiHost(ctx),
		});
	} finally {
		deadline.end();
	}
}

/**
 * The API host the NICE CXone API credential sends requests to: its API Base URL Override, else the
 * host it found with the token (stored once found). Undefined when it holds neither.
 */
async function credentialApiHost(ctx: IExecuteFunctions): Promise<string | undefined> {
	const credentials = await ctx.getCredentials(PLATFORM_CREDENTIAL_TYPE);
	for (const field of [credentials.apiBaseUrl, credentials.apiEndpoint]) {
		if (typeof field === 'string' && field.trim() !== '') return field.trim();
	}
	return undefined;
}

/** The Options collection of an operation that reads no pages (no Page Concurrency). */
export const PLATFORM_OPTIONS_WITHOUT_PAGING: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: PLATFORM_COMMON_OPTIONS.filter((o) => o.name !== 'pageConcurrency'),
};

/** The Options collection of one item. */
export function itemOptions(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	return ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
}
