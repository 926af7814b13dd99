/**
 * Waiting for a run, bounded: polls Conductor with a growing interval until the run stops
 * (finished, paused, or blocked on a WAIT/HUMAN task only a signal moves on: waiting longer
 * would change nothing), the time is up, or the client cancels. Reports progress to clients
 * that asked for it.
 */
import { waitingOn } from './envelope.js';
import { type ConductorRun, type Runs, isTerminal, taskTypeOf } from './runs.js';

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Called after every poll of a run that has not stopped yet. */
  readonly onProgress?: (run: ConductorRun, elapsedMs: number) => Promise<void> | void;
  /** First poll interval (doubles up to maxIntervalMs). */
  readonly initialIntervalMs?: number;
  readonly maxIntervalMs?: number;
}

export interface WaitOutcome {
  readonly run: ConductorRun;
  /** True when time ran out (or the client cancelled) before the run stopped. */
  readonly timedOut: boolean;
}

export function hasStopped(run: ConductorRun): boolean {
  return isTerminal(run.status) || run.status === 'PAUSED' || waitingOn(run).length > 0;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** `first` is the run already fetched with its tasks, saving a poll. */
export async function waitForRun(runs: Runs, workflowId: string, options: WaitOptions, first?: ConductorRun): Promise<WaitOutcome> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  let interval = options.initialIntervalMs ?? 100;
  const maxInterval = options.maxIntervalMs ?? 1000;
  let run = first ?? (await runs.get(workflowId, true));
  for (;;) {
    if (hasStopped(run)) return { run, timedOut: false };
    const left = deadline - Date.now();
    if (left <= 0 || options.signal?.aborted) return { run, timedOut: true };
    await options.onProgress?.(run, Date.now() - started);
    await sleep(Math.min(interval, left), options.signal);
    interval = Math.min(interval * 2, maxInterval);
    if (options.signal?.aborted) return { run, timedOut: true };
    run = await runs.get(workflowId, true);
  }
}

/** "2 of 5 tasks done; now: charge_card (SIMPLE, IN_PROGRESS)" */
export function progressMessage(run: ConductorRun): string {
  const tasks = run.tasks ?? [];
  if (tasks.length === 0) return `run is ${run.status}`;
  const done = tasks.filter((t) => t.status === 'COMPLETED' || t.status === 'SKIPPED' || t.status === 'COMPLETED_WITH_ERRORS').length;
  const open = tasks.filter((t) => t.status === 'IN_PROGRESS' || t.status === 'SCHEDULED').map((t) => `${t.referenceTaskName} (${taskTypeOf(t)}, ${t.status})`);
  return `${done} of ${tasks.length} scheduled tasks done${open.length > 0 ? `; now: ${open.slice(0, 3).join(', ')}` : ''}`;
}
