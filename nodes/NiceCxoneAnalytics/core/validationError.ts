/** A parameter that cannot make a valid query: which field, and a message that says the fix. */
export class QueryValidationError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
		this.name = 'QueryValidationError';
	}
}
