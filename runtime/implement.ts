/**
 * `implement(task, handler, options)`: the code behind a task declaration. The handler receives
 * the input already checked against the declaration's input schema (`z.output<I>`, defaults
 * applied) and returns what the output schema accepts (`z.input<O>`); both checks run around it.
 */
import type { z } from 'zod';
import type { TaskDecl } from '../dsl/task.js';
import type { Logger } from './logger.js';

export const WORKER: unique symbol = Symbol.for('baton.worker') as never;

/** What a handler knows about the attempt it runs, and what it can do besides returning. */
export interface TaskContext {
  readonly taskId: string;
  readonly workflowId: string;
  /** Name of the workflow that scheduled the task. */
  readonly workflowType: string | undefined;
  /** The step's taskReferenceName in that workflow (e.g. `charge_card`, or `fetch__2` in a loop). */
  readonly taskRef: string;
  /** 1 for the first attempt, 2 for the first retry, … */
  readonly attempt: number;
  /** Retries before this attempt (attempt - 1), as Conductor counts them. */
  readonly retryCount: number;
  /** How many times this attempt was handed to a worker (more than 1 after a lost lease). */
  readonly pollCount: number;
  /** Conductor's response timeout for this task, in seconds: heartbeat more often than this. */
  readonly responseTimeoutSeconds: number | undefined;
  /** Logs to the worker's structured log (with task, taskId, workflowId, attempt). */
  readonly log: Logger;
  /**
   * Tells Conductor this attempt is still alive (extends its lease), so a long task is not
   * timed out for silence (responseTimeoutSeconds). Its overall timeoutSeconds still applies.
   */
  heartbeat(): Promise<void>;
  /** Aborted when the worker is shutting down and its grace period is over: stop and throw. */
  readonly signal: AbortSignal;
}

export type Handler<I extends z.ZodType, O extends z.ZodType> = (
  input: z.output<I>,
  context: TaskContext,
) => z.input<O> | Promise<z.input<O>>;

/** How the task runner polls for this task. Every field has a sensible default. */
export interface WorkerOptions {
  /** Pause between polls when the queue is empty, in ms (default 100; the SDK backs off adaptively). */
  pollIntervalMs?: number;
  /** Most tasks fetched by one poll (default: as many as there are free slots). */
  batchSize?: number;
  /** Most tasks running at once in this process (default 1). */
  concurrency?: number;
  /** Task domain to poll (Conductor's taskToDomain routing), e.g. a team or a tenant. */
  domain?: string;
  /**
   * Heartbeat automatically while the handler runs (every 80 % of responseTimeoutSeconds), for
   * long tasks whose handler cannot call `context.heartbeat()` itself.
   */
  leaseExtension?: boolean;
  /** How long one poll waits on the server for work, in ms (default 100). */
  pollTimeoutMs?: number;
}

export interface WorkerDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly [WORKER]: true;
  /** The task name, as Conductor knows it. */
  readonly name: string;
  readonly task: TaskDecl<I, O>;
  readonly handler: Handler<I, O>;
  readonly options: Readonly<WorkerOptions>;
}

// Loose on purpose: a list of workers for different tasks.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyWorkerDefinition = WorkerDefinition<any, any>;

function checkOptions(name: string, options: WorkerOptions): void {
  const positive = (key: keyof WorkerOptions) => {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 1)) {
      throw new Error(`implement('${name}'): ${key} must be a whole number of at least 1 (got ${String(value)})`);
    }
  };
  positive('pollIntervalMs');
  positive('batchSize');
  positive('concurrency');
  positive('pollTimeoutMs');
  if (options.domain !== undefined && !/^[\w-]+$/.test(options.domain)) {
    throw new Error(`implement('${name}'): domain '${options.domain}' may only hold letters, digits, _ and -`);
  }
}

export function implement<I extends z.ZodType, O extends z.ZodType>(
  task: TaskDecl<I, O>,
  handler: Handler<I, O>,
  options: WorkerOptions = {},
): WorkerDefinition<I, O> {
  if (typeof task !== 'object' || task === null || typeof task.name !== 'string' || !task.input || !task.output) {
    throw new Error('implement(task, handler): the first argument must be a task declared with task(name, { input, output })');
  }
  if (typeof handler !== 'function') throw new Error(`implement('${task.name}', handler): the handler must be a function`);
  checkOptions(task.name, options);
  return Object.freeze({ [WORKER]: true as const, name: task.name, task, handler, options: Object.freeze({ ...options }) });
}

export function isWorkerDefinition(value: unknown): value is AnyWorkerDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[WORKER] === true;
}
