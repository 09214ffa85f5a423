/** The API refused or failed a query; the message says what happened and what to do. */
export class CxoneApiError extends Error {
	constructor(
		message: string,
		readonly status?: number,
		readonly description?: string,
	) {
		super(message);
		this.name = 'CxoneApiError';
	}
}

/** The execution was cancelled while a query ran; its queries were cancelled on the server. */
export class QueryCancelledError extends Error {
	constructor() {
		super('The execution was cancelled; the queries it started were cancelled on the server.');
		this.name = 'QueryCancelledError';
	}
}
