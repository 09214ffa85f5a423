import { stopError } from './errors';
import { ownSignal } from '../../shared/transport/signals';

/**
 * Counts the queries of one tenant that may be PENDING or RUNNING at once (docs/api/analytics-v2.md §2: at most
 * 5). One instance serves a whole execution, so items and split ranges share the limit.
 */
export class QuerySlots {
	private free: number;
	private readonly waiting: Array<() => void> = [];

	constructor(size: number) {
		this.free = size;
	}

	async acquire(cancelSignal?: AbortSignal): Promise<void> {
		if (cancelSignal?.aborted) throw stopError(cancelSignal);
		if (this.free > 0) {
			this.free--;
			return;
		}
		const signal = ownSignal(cancelSignal);
		await new Promise<void>((resolve, reject) => {
			const grant = () => {
				signal?.removeEventListener('abort', onAbort);
				resolve();
			};
			const onAbort = () => {
				const index = this.waiting.indexOf(grant);
				if (index >= 0) this.waiting.splice(index, 1);
				reject(stopError(cancelSignal));
			};
			this.waiting.push(grant);
			signal?.addEventListener('abort', onAbort, { once: true });
		});
	}

	release(): void {
		const next = this.waiting.shift();
		if (next) next();
		else this.free++;
	}
}
