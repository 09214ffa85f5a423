/**
 * Servers a test file starts, closed after each test, and the parameters of the analytics query the
 * hostile-server tests run.
 */
import type { IDataObject } from 'n8n-workflow';

import type { HostileServer } from './platform';

/**
 * Registers an afterEach that closes every server started in the test; returns `track`, which awaits
 * a server as it starts and keeps it for that afterEach. Call it once, at the top of a test file.
 */
export function serverTracker(): <T extends HostileServer>(server: Promise<T>) => Promise<T> {
	const servers: HostileServer[] = [];
	afterEach(async () => {
		await Promise.all(servers.splice(0).map(async (server) => await server.close()));
	});
	return async function track<T extends HostileServer>(server: Promise<T>): Promise<T> {
		const started = await server;
		servers.push(started);
		return started;
	};
}

/**
 * Run Aggregation Query (count:sum by day over 2024-01-01, no filter, every row). `options` are
 * added to the node's options, whose default is a 0.05 s poll interval; `overrides` replace whole
 * parameters (an `options` among them replaces the options, defaults included).
 */
export function analyticsQueryParams(
	options: IDataObject = {},
	overrides: IDataObject = {},
): IDataObject {
	return {
		resource: 'analytics',
		operation: 'runAggregationQuery',
		metrics: { metric: [{ metric: 'count:sum' }] },
		dimensions: [],
		bucketSize: 'DAY',
		timeRange: 'custom',
		start: '2024-01-01T00:00:00Z',
		end: '2024-01-02T00:00:00Z',
		filterMode: 'none',
		returnAll: true,
		options: { pollIntervalSeconds: 0.05, ...options },
		...overrides,
	};
}

/**
 * The OAuth credential's fields for a local server that plays both the token endpoint
 * (`/oauth/token`) and the API; `overrides` replace or add fields (an `accessToken`, say).
 */
export function serverCredential(server: HostileServer, overrides: IDataObject = {}): IDataObject {
	return {
		tokenUrl: `${server.url}/oauth/token`,
		baseUrl: server.url,
		clientId: 'c',
		clientSecret: 's',
		...overrides,
	};
}
