import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { ImpossibleResultError } from '../core/rows';
import { QueryValidationError } from '../core/validationError';
import { ApiFailure, CxoneApiError, QueryCancelledError } from '../transport/errors';
import { displayUrl } from '../../shared/transport/endpoints';
import { serverText as cleanServerText } from '../../shared/transport/serverText';
import type { Resource } from './types';

/** What a failed API call means for the person building the workflow, and what to do. */
function explainFailure(failure: ApiFailure, mode: Resource): string {
	// The credential's failures (token endpoint, discovery, a refused address) say it all already.
	if (failure.credential) return failure.message;
	const body = (failure.body && typeof failure.body === 'object' ? failure.body : {}) as {
		error?: unknown;
		message?: unknown;
		details?: unknown;
	};
	// The Reporting API says what went wrong in the icStatusDescription header. Whatever the server
	// wrote is redacted and clipped: it ends up in items, audit records, logs and webhooks.
	const serverText =
		[failure.headers.icstatusdescription, body.message, body.error]
			.map((text) => cleanServerText(text))
			.find((text) => text !== '') ?? cleanServerText(failure.message);
	if (failure.status !== undefined && failure.status >= 300 && failure.status < 400) {
		return `CXone answered with a redirect (HTTP ${failure.status} to ${displayUrl(failure.headers.location)}). The node follows no redirects, so the token goes only to the API host: check ${mode === 'platform' ? 'API Base URL Override in the NICE CXone API credential' : 'Base URL in the credential'}.`;
	}
	if (mode === 'platform') {
		switch (failure.status) {
			case 400:
				return `CXone refused the request: ${serverText} (HTTP 400).`;
			case 401:
				return 'CXone rejected the access token even after renewing it (HTTP 401). Check the access key and the application in the NICE CXone API credential.';
			case 403:
				return `The access key's role lacks a permission (HTTP 403: ${serverText}). Ask a CXone admin to add it to the role of the key's employee.`;
			case 404:
				return `CXone does not know what was asked for (HTTP 404: ${serverText}). Check the report ID or the API Base URL.`;
		}
	}
	switch (failure.status) {
		case 400: {
			const details = (
				Array.isArray(body.details)
					? (body.details as Array<{ field?: unknown; problem?: unknown }>)
					: []
			)
				.slice(0, 10)
				.map((d) => `${cleanServerText(d?.field)}: ${cleanServerText(d?.problem)}`)
				.join('; ');
			return `The CXone API rejected the query: ${serverText}${details ? ` (${details})` : ''}`;
		}
		case 401:
			return 'The CXone API rejected the access token even after renewing it (HTTP 401). Check Client ID, Client Secret, Token URL and Base URL in the credential.';
		case 403:
			return `The CXone client lacks a scope (HTTP 403 ${serverText}). Grant analytics:query and analytics:view, and list both under Scope in the credential.`;
		case 404:
			return `The CXone API does not know this query (HTTP 404 ${serverText}). Check Base URL in the credential.`;
		case undefined:
			// Without a network code the failure came from n8n or the credential (say, a refused token
			// request), whose message already says what to do.
			return failure.networkCode === undefined
				? failure.message
				: `No response from the CXone API (${failure.networkCode}), even after retries. Check Base URL and the network, then run again.`;
		default:
			// A 2xx that failed was never retried: n8n could not read the answer (too big, say).
			if (failure.status >= 200 && failure.status < 300)
				return `The CXone API's answer (HTTP ${failure.status}) could not be read: ${serverText}. Narrow the query and run again.`;
			return `The CXone API kept failing (HTTP ${failure.status} ${serverText}), even after retries. Run the workflow again later.`;
	}
}

/** Turns any failure of an item into the n8n error the user sees. */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	mode: Resource = 'analytics',
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof QueryValidationError) {
		return new NodeOperationError(node, error.message, {
			itemIndex,
			description: `Field: ${error.field}`,
		});
	}
	if (error instanceof ApiFailure) {
		const message = explainFailure(error, mode);
		// Only the explained message goes on: the raw body may echo a secret.
		return new NodeApiError(node, { message } as JsonObject, {
			message,
			httpCode: error.status === undefined ? undefined : String(error.status),
			itemIndex,
		});
	}
	if (error instanceof CxoneApiError || error instanceof ImpossibleResultError) {
		return new NodeApiError(node, { message: error.message } as JsonObject, {
			message: error.message,
			httpCode:
				error instanceof CxoneApiError && error.status !== undefined
					? String(error.status)
					: undefined,
			itemIndex,
		});
	}
	if (error instanceof QueryCancelledError)
		return new NodeOperationError(node, error.message, { itemIndex });
	return new NodeOperationError(node, error as Error, { itemIndex });
}
