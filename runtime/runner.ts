/**
 * Runs workers with the Conductor SDK's TaskRunner (one per task: polling, concurrency, batch
 * polls, result updates with retries, lease extension) and adds what a production worker needs
 * around it: schema-checked attempts, structured logs, and a graceful stop that stops polling,
 * lets the tasks in hand finish and report, and only then returns.
 */
import { hostname } from 'node:os';
import {
  type ConductorLogger,
  type ConductorWorker,
  type MetricsCollectorInterface,
  type Task,
  TaskRunner,
  type TaskRunnerEventsListener,
} from '@io-orkes/conductor-javascript';
import { Conductor, type ConnectionOptions, connectionFromEnv } from './conductor.js';
import { type PolledTask, runAttempt } from './execute.js';
import type { AnyWorkerDefinition, WorkerOptions } from './implement.js';
import { type Logger, silentLogger } from './logger.js';
import { createSdkClient } from './sdk-client.js';

export interface StartWorkersOptions {
  readonly workers: readonly AnyWorkerDefinition[];
  /** Server and credentials (default: CONDUCTOR_SERVER_URL, CONDUCTOR_AUTH_KEY/SECRET). */
  readonly connection?: ConnectionOptions;
  readonly logger?: Logger;
  /** Shown by Conductor as the worker of each task (default: host name and process id). */
  readonly workerId?: string;
  /** Options for every worker, under each worker's own. */
  readonly defaults?: WorkerOptions;
  /**
   * Collects the Conductor SDKs' worker metrics (polls, executions, errors, update times), e.g.
   * the SDK's CanonicalMetricsCollector; see runtime/status-server.ts to serve them.
   */
  readonly metrics?: MetricsCollectorInterface;
}

export interface StopResult {
  /** True when every task in hand finished and was reported before the grace period ended. */
  readonly drained: boolean;
  /** Tasks still running when the grace period ended (Conductor times them out and retries). */
  readonly abandoned: readonly string[];
}

export interface WorkerPool {
  /** Task names being polled. */
  readonly tasks: readonly string[];
  readonly workerId: string;
  /** Tasks taken from the server and not yet reported back. */
  inFlight(): number;
  /** True once stop() was called: no new tasks are taken. */
  stopping(): boolean;
  /** Stops polling, waits up to `graceMs` (default 30 s) for tasks in hand, then resolves. */
  stop(options?: { graceMs?: number }): Promise<StopResult>;
}

const DEFAULT_GRACE_MS = 30_000;
/** One line per task and kind of failure at most this often, however often the poll fails. */
const REPEAT_LOG_MS = 30_000;

/** The SDK's own log lines: routed into ours, repeated ones throttled, chatter demoted. */
function sdkLogger(log: Logger): ConductorLogger {
  const last = new Map<string, number>();
  const text = (args: unknown[]) =>
    args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
  const throttled = (level: 'warn' | 'error', args: unknown[]) => {
    const message = text(args);
    const key = message.slice(0, 60);
    const now = Date.now();
    if (now - (last.get(key) ?? 0) < REPEAT_LOG_MS) return;
    last.set(key, now);
    log[level](message, { source: 'conductor-sdk' });
  };
  return {
    debug: (...args) => log.debug(text(args), { source: 'conductor-sdk' }),
    info: (...args) => log.debug(text(args), { source: 'conductor-sdk' }),
    warn: (...args) => throttled('warn', args),
    error: (...args) => throttled('warn', args),
  };
}

/** Counts what has been taken from the server and not yet reported, from the runner's events. */
class InFlight {
  private polls = 0;
  readonly running = new Map<string, string>();
  private waiters: (() => void)[] = [];

  listener(log: Logger): TaskRunnerEventsListener {
    const pollEnded = () => {
      // The runner hands polled tasks to execute() a few microtasks after this event fires; a
      // macrotask later they are counted in `running`, so the count never dips to zero between.
      setTimeout(() => {
        this.polls--;
        this.changed();
      }, 0);
    };
    return {
      onPollStarted: () => {
        this.polls++;
      },
      onPollCompleted: pollEnded,
      onPollFailure: pollEnded,
      onTaskUpdateCompleted: (event) => this.done(event.taskId),
      onTaskUpdateFailure: (event) => {
        log.error('could not report the result to Conductor after retries; the server will time the task out and retry it', {
          task: event.taskType,
          taskId: event.taskId,
          workflowId: event.workflowInstanceId,
          error: event.cause?.message,
        });
        this.done(event.taskId);
      },
    };
  }

  started(taskId: string, task: string): void {
    this.running.set(taskId, task);
  }

  private done(taskId: string): void {
    this.running.delete(taskId);
    this.changed();
  }

  get idle(): boolean {
    return this.polls <= 0 && this.running.size === 0;
  }

  private changed(): void {
    if (!this.idle) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  whenIdle(): Promise<void> {
    return this.idle ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

/**
 * Feeds the SDK's metrics collector. A failed attempt comes back from execute() as a FAILED
 * result rather than a throw (so its reason, output and logs reach Conductor as written), which
 * the SDK reports as a successful execution: those are passed on as the failures they are.
 */
class MetricsFeed {
  private readonly failed = new Map<string, string>();
  constructor(private readonly collector: MetricsCollectorInterface) {}

  failedAttempt(taskId: string, errorType: string): void {
    this.failed.set(taskId, errorType);
  }

  listener(): TaskRunnerEventsListener {
    const c = this.collector;
    return {
      onPollStarted: (e) => c.onPollStarted?.(e),
      onPollCompleted: (e) => c.onPollCompleted?.(e),
      onPollFailure: (e) => c.onPollFailure?.(e),
      onTaskExecutionStarted: (e) => c.onTaskExecutionStarted?.(e),
      onTaskExecutionCompleted: (e) => {
        const errorType = this.failed.get(e.taskId);
        if (errorType === undefined) return c.onTaskExecutionCompleted?.(e);
        this.failed.delete(e.taskId);
        const cause = Object.assign(new Error(errorType), { name: errorType });
        return c.onTaskExecutionFailure?.({ taskType: e.taskType, taskId: e.taskId, workerId: e.workerId, workflowInstanceId: e.workflowInstanceId, cause, durationMs: e.durationMs, timestamp: e.timestamp });
      },
      onTaskExecutionFailure: (e) => c.onTaskExecutionFailure?.(e),
      onTaskUpdateCompleted: (e) => c.onTaskUpdateCompleted?.(e),
      onTaskUpdateFailure: (e) => c.onTaskUpdateFailure?.(e),
    };
  }
}

function checkWorkers(workers: readonly AnyWorkerDefinition[]): void {
  if (workers.length === 0) throw new Error('no workers to run');
  const seen = new Set<string>();
  for (const worker of workers) {
    if (seen.has(worker.name)) throw new Error(`two workers implement task '${worker.name}'; keep one`);
    seen.add(worker.name);
  }
}

export async function startWorkers(options: StartWorkersOptions): Promise<WorkerPool> {
  checkWorkers(options.workers);
  const log = options.logger ?? silentLogger;
  const connection = options.connection ?? connectionFromEnv();
  const workerId = options.workerId ?? `${hostname()}-${process.pid}`;
  const settings = (worker: AnyWorkerDefinition): WorkerOptions => ({ ...options.defaults, ...worker.options });
  const batchSizes = new Map<string, number>();
  for (const worker of options.workers) {
    const size = settings(worker).batchSize;
    if (size !== undefined) batchSizes.set(worker.name, size);
  }
  const client = await createSdkClient({ connection, logger: sdkLogger(log), batchSizes });
  // Heartbeats go through baton's own connection: the SDK has no public call for a lease extension.
  const rest = new Conductor(connection);
  const inFlight = new InFlight();
  const shutdown = new AbortController();
  const metrics = options.metrics && new MetricsFeed(options.metrics);

  const heartbeat = async (task: PolledTask) => {
    await rest.post('/tasks', {
      taskId: task.taskId,
      workflowInstanceId: task.workflowInstanceId,
      status: 'IN_PROGRESS',
      extendLease: true,
      workerId,
    }, { retry: true });
  };

  // The SDK's update-v2 call has the server poll the next task and hand it back with the reply.
  // A runner that is stopping drops such a task unseen, and Conductor only gets it back after
  // the task's responseTimeoutSeconds, as a failed attempt. Plain updates cost one poll more per
  // task and never lose one, so graceful shutdown stays graceful.
  (TaskRunner as unknown as { updateV2Available: boolean | null }).updateV2Available = false;

  const runners = options.workers.map((worker) => {
    const own = settings(worker);
    const taskLog = log.child({ task: worker.name });
    const conductorWorker: ConductorWorker = {
      taskDefName: worker.name,
      ...(own.domain !== undefined && { domain: own.domain }),
      ...(own.concurrency !== undefined && { concurrency: own.concurrency }),
      ...(own.pollIntervalMs !== undefined && { pollInterval: own.pollIntervalMs }),
      leaseExtendEnabled: own.leaseExtension === true,
      execute: async (task: Task) => {
        const started = performance.now();
        const attemptLog = taskLog.child({ taskId: task.taskId, workflowId: task.workflowInstanceId, attempt: (task.retryCount ?? 0) + 1 });
        inFlight.started(task.taskId ?? '', worker.name);
        attemptLog.debug('task started', { ref: task.referenceTaskName });
        const outcome = await runAttempt(worker, task as PolledTask, { log: attemptLog, heartbeat, signal: shutdown.signal });
        const durationMs = Math.round(performance.now() - started);
        if (outcome.status === 'COMPLETED') attemptLog.info('task completed', { durationMs });
        else {
          attemptLog.info('task failed', { status: outcome.status, durationMs });
          metrics?.failedAttempt(task.taskId ?? '', outcome.errorType ?? 'Error');
        }
        return {
          status: outcome.status,
          outputData: outcome.outputData,
          ...(outcome.reasonForIncompletion !== undefined && { reasonForIncompletion: outcome.reasonForIncompletion }),
          logs: outcome.logs.map((l) => ({ ...l, taskId: task.taskId })),
        };
      },
    };
    return new TaskRunner({
      worker: conductorWorker,
      client,
      options: {
        workerID: workerId,
        domain: own.domain,
        ...(own.pollIntervalMs !== undefined && { pollInterval: own.pollIntervalMs }),
        ...(own.concurrency !== undefined && { concurrency: own.concurrency }),
        ...(own.pollTimeoutMs !== undefined && { batchPollingTimeout: own.pollTimeoutMs }),
      },
      logger: sdkLogger(taskLog),
      eventListeners: [inFlight.listener(taskLog), ...(metrics ? [metrics.listener()] : [])],
    });
  });

  for (const runner of runners) runner.startPolling();
  log.info('workers started', {
    workerId,
    server: rest.base,
    tasks: options.workers.map((w) => w.name),
  });

  let stopping: Promise<StopResult> | undefined;
  const stop = ({ graceMs = DEFAULT_GRACE_MS }: { graceMs?: number } = {}): Promise<StopResult> => {
    stopping ??= (async () => {
      log.info('stopping: no new tasks will be taken; finishing the tasks in hand', { inFlight: inFlight.running.size, graceMs });
      await Promise.all(runners.map((runner) => runner.stopPolling()));
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<'expired'>((resolve) => {
        timer = setTimeout(() => resolve('expired'), graceMs);
      });
      const outcome = await Promise.race([inFlight.whenIdle().then(() => 'drained' as const), expired]);
      clearTimeout(timer);
      if (outcome === 'drained') {
        log.info('stopped: every task in hand was finished and reported');
        return { drained: true, abandoned: [] };
      }
      // Tell handlers to give up; what they still report is accepted if the server has not
      // timed the task out yet.
      shutdown.abort(new Error('worker shutting down'));
      const abandoned = [...inFlight.running.keys()];
      log.warn('stopped with tasks still running; Conductor will time them out and retry them', {
        abandoned: [...inFlight.running.entries()].map(([taskId, task]) => ({ task, taskId })),
      });
      return { drained: false, abandoned };
    })();
    return stopping;
  };

  return {
    tasks: options.workers.map((w) => w.name),
    workerId,
    inFlight: () => inFlight.running.size,
    stopping: () => stopping !== undefined,
    stop,
  };
}
