/**
 * Errors a worker throws to tell Conductor how a task failed. A plain Error fails the attempt
 * and Conductor retries it per the task's policy; a NonRetryableError fails it terminally
 * (FAILED_WITH_TERMINAL_ERROR): a retry would fail the same way, so none is made.
 */

const NON_RETRYABLE = Symbol.for('baton.nonRetryable');

export class NonRetryableError extends Error {
  readonly [NON_RETRYABLE] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NonRetryableError';
  }
}

/** Recognised by a brand, so an error thrown by another loaded copy of baton still counts. */
export function isNonRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[NON_RETRYABLE] === true;
}

/** A value's data did not match a zod schema; `issues` are `path: message` lines. */
export class SchemaMismatchError extends Error {
  constructor(
    message: string,
    readonly issues: readonly string[],
  ) {
    super(message);
    this.name = 'SchemaMismatchError';
  }
}
