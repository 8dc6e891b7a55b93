/**
 * Cancelling a long GPU job (evaluation, map counting, ablation) from another task: the caller passes an
 * AbortSignal, the job checks it between batches and stops with a CancelledError that says how far it got.
 * A batch already submitted finishes first (GPU work cannot be recalled), so cancelling takes at most about
 * one batch.
 */

export class CancelledError extends Error {
  override name = 'CancelledError';
}

/** Throws CancelledError, naming `what` and the images done of `total`, when `signal` has been aborted. */
export function throwIfCancelled(signal: AbortSignal | undefined, what: string, done: number, total: number): void {
  if (signal?.aborted) throw new CancelledError(`${what} cancelled after ${done} of ${total} images`);
}
