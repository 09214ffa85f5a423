/**
 * Work done in steps, so that the node can hand the event loop back between them (a queue-mode worker
 * whose loop is blocked for long loses its job): a generator that yields how much it did since its last
 * yield, in units of about one record or small object made, and returns its result. The core never
 * pauses itself; `runStepsNow` (shared/core/steps) runs a piece of work to its end at once.
 */
export type Steps<T> = Generator<number, T, void>;
