/**
 * A typed client for application code and tests: it takes the baton workflow object itself, so
 * the input is checked and typed by the workflow's input schema and the output parsed with its
 * output schema; no generated TypeScript is needed. Talks to the server through the shared
 * Conductor connection (URL forms, Orkes token auth, retries).
 */
import type { z } from 'zod';
import type { AnyWorkflow } from '../dsl/workflow.js';
import { Conductor, type ConnectionOptions } from './conductor.js';
import { SchemaMismatchError } from './errors.js';
import { type Execution, TERMINAL_WORKFLOW, type WorkflowStatus, toExecution } from './execution.js';
import { issueLines, summarizeIssues } from './issues.js';
import { type TerminateResult, terminateRun } from './terminate.js';

type InputOf<W extends AnyWorkflow> = z.input<W['input']>;
type OutputOf<W extends AnyWorkflow> = z.output<W['output']>;

/** The input did not match the workflow's input schema; nothing was started. */
export class WorkflowInputError extends SchemaMismatchError {
  constructor(
    readonly workflow: string,
    issues: readonly string[],
  ) {
    super(`input of workflow '${workflow}' does not match its schema: ${summarizeIssues(issues)}`, issues);
    this.name = 'WorkflowInputError';
  }
}

export interface StartOptions {
  correlationId?: string;
  priority?: number;
  /** Starting twice with the same key does not start a second run (see idempotencyStrategy). */
  idempotencyKey?: string;
  /** FAIL (default): refuse a second start; RETURN_EXISTING: answer with the first run's id. */
  idempotencyStrategy?: 'FAIL' | 'RETURN_EXISTING' | 'FAIL_ON_RUNNING';
  /** Route tasks to worker domains, e.g. { '*': 'staging' }. */
  taskToDomain?: Record<string, string>;
}

export interface WaitOptions {
  /** How long to wait for the run to end (default 30 s); the run goes on afterwards. */
  waitSeconds?: number;
  /** Pause between status checks once the server stops holding the request (default 500 ms). */
  pollIntervalMs?: number;
}

export interface SearchOptions {
  status?: WorkflowStatus | WorkflowStatus[];
  /** Extra conditions in Conductor's query syntax, e.g. `correlationId = 'order-1'`. */
  query?: string;
  freeText?: string;
  start?: number;
  size?: number;
  /** e.g. 'startTime:DESC' (the default). */
  sort?: string;
}

export interface WorkflowSummary {
  readonly workflowId: string;
  readonly name: string;
  readonly version: number;
  readonly status: WorkflowStatus;
  readonly startTime: string;
  readonly endTime?: string;
  readonly correlationId?: string;
  readonly reason?: string;
}

export type { TerminateResult } from './terminate.js';

export interface BatonClient {
  readonly conductor: Conductor;
  /** Checks the input, starts a run and returns its id. */
  start<W extends AnyWorkflow>(workflow: W, input: InputOf<W>, options?: StartOptions): Promise<string>;
  /**
   * Starts a run and waits for it to end (up to `waitSeconds`). The result's status says
   * whether it did: COMPLETED (with typed output), FAILED, TIMED_OUT, TERMINATED, or still RUNNING.
   */
  execute<W extends AnyWorkflow>(workflow: W, input: InputOf<W>, options?: StartOptions & WaitOptions): Promise<Execution<OutputOf<W>>>;
  /** A run by id; pass the workflow object to get its output typed and parsed. */
  get(workflowId: string, options?: { includeTasks?: boolean }): Promise<Execution<unknown>>;
  get<W extends AnyWorkflow>(workflow: W, workflowId: string, options?: { includeTasks?: boolean }): Promise<Execution<OutputOf<W>>>;
  /** Waits for a started run to end (up to `waitSeconds`). */
  wait(workflowId: string, options?: WaitOptions): Promise<Execution<unknown>>;
  wait<W extends AnyWorkflow>(workflow: W, workflowId: string, options?: WaitOptions): Promise<Execution<OutputOf<W>>>;
  /**
   * Terminates a run. Then, as Conductor does for a run that fails, starts the run's failure
   * workflow (for a saga: its generated compensation) with the terminated run as input. The OSS
   * server's own terminate call never does that part; pass `{ failureWorkflow: false }` to skip
   * it. Terminating a run that already ended changes nothing and starts nothing.
   */
  terminate(workflowId: string, reason?: string, options?: { failureWorkflow?: boolean }): Promise<TerminateResult>;
  /** Retries the last failed task of a FAILED/TIMED_OUT/TERMINATED run. */
  retry(workflowId: string, options?: { resumeSubworkflowTasks?: boolean }): Promise<void>;
  /** Starts a finished run again from the beginning, with the same id and input. */
  restart(workflowId: string, options?: { useLatestDefinitions?: boolean }): Promise<void>;
  pause(workflowId: string): Promise<void>;
  resume(workflowId: string): Promise<void>;
  /** Runs of a workflow (by object or name), newest first. */
  search(workflow: AnyWorkflow | string, options?: SearchOptions): Promise<{ totalHits: number; results: WorkflowSummary[] }>;
  /**
   * Completes (or fails) a task that waits for the outside world, such as a WAIT or HUMAN task,
   * by its reference name.
   */
  completeTask(
    workflowId: string,
    taskRef: string,
    output: Record<string, unknown>,
    status?: 'COMPLETED' | 'FAILED' | 'FAILED_WITH_TERMINAL_ERROR',
  ): Promise<void>;
}

const DEFAULT_WAIT_SECONDS = 30;
/** The synchronous execute call holds the request open; past this, we poll instead. */
const MAX_HELD_SECONDS = 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function checkInput<W extends AnyWorkflow>(workflow: W, input: unknown): z.output<W['input']> {
  const parsed = workflow.input.safeParse(input);
  if (!parsed.success) throw new WorkflowInputError(workflow.name, issueLines(parsed.error, 'input'));
  return parsed.data as z.output<W['input']>;
}

function startRequest(workflow: AnyWorkflow, input: unknown, options: StartOptions = {}) {
  return {
    name: workflow.name,
    version: workflow.version,
    // Parsed, so zod defaults reach the server: the compiled definition does not know them.
    input: checkInput(workflow, input),
    ...(options.correlationId !== undefined && { correlationId: options.correlationId }),
    ...(options.priority !== undefined && { priority: options.priority }),
    ...(options.idempotencyKey !== undefined && { idempotencyKey: options.idempotencyKey }),
    ...(options.idempotencyStrategy !== undefined && { idempotencyStrategy: options.idempotencyStrategy }),
    ...(options.taskToDomain !== undefined && { taskToDomain: options.taskToDomain }),
  };
}

export function createClient(connection?: Conductor | ConnectionOptions): BatonClient {
  const conductor = connection instanceof Conductor ? connection : new Conductor(connection);

  const fetchExecution = async (workflowId: string, schema: z.ZodType | undefined, includeTasks = true) => {
    const read = () => conductor.get<Record<string, unknown>>(`/workflow/${encodeURIComponent(workflowId)}`, { query: { includeTasks } });
    let raw = await read();
    // The server records a run as failed before it starts the failure workflow and adds its id
    // (or why it could not start) to the output; on a cold server that start, which runs the
    // compensation plan's script, takes seconds. Wait for it, so callers get the id with the
    // status. (A run terminated through the API never gets one: OSS Conductor starts failure
    // workflows only for runs that fail or time out.)
    const definition = raw.workflowDefinition as { failureWorkflow?: unknown } | undefined;
    const failed = ['FAILED', 'TIMED_OUT'].includes(String(raw.status));
    for (let i = 0; failed && definition?.failureWorkflow && i < 150; i++) {
      if ((raw.output as Record<string, unknown> | undefined)?.['conductor.failure_workflow'] !== undefined) break;
      await sleep(100);
      raw = await read();
    }
    return toExecution(raw, schema);
  };

  const waitFor = async (workflowId: string, schema: z.ZodType | undefined, options: WaitOptions = {}, since = Date.now()) => {
    const deadline = since + (options.waitSeconds ?? DEFAULT_WAIT_SECONDS) * 1000;
    const interval = options.pollIntervalMs ?? 500;
    for (;;) {
      const raw = await conductor.get<Record<string, unknown>>(`/workflow/${encodeURIComponent(workflowId)}`, { query: { includeTasks: false } });
      const status = String(raw.status) as WorkflowStatus;
      if (TERMINAL_WORKFLOW.has(status) || Date.now() + interval > deadline) return fetchExecution(workflowId, schema);
      await sleep(interval);
    }
  };

  const client: BatonClient = {
    conductor,

    async start(workflow, input, options) {
      const body = startRequest(workflow, input, options);
      const id = await conductor.post<string>('/workflow', body);
      return String(id).trim();
    },

    async execute(workflow, input, options = {}) {
      const body = startRequest(workflow, input, options);
      const since = Date.now();
      const waitSeconds = options.waitSeconds ?? DEFAULT_WAIT_SECONDS;
      const held = Math.max(1, Math.min(Math.ceil(waitSeconds), MAX_HELD_SECONDS));
      // Conductor's synchronous execute: returns when the run ends, blocks on a WAIT task, or
      // `waitForSeconds` passes. Not retried: a retry would start a second run.
      const run = await conductor.post<{ workflowId: string; status?: string }>(
        `/workflow/execute/${encodeURIComponent(workflow.name)}/${workflow.version}`,
        body,
        { query: { waitForSeconds: held }, retry: false, timeoutMs: (held + 30) * 1000 },
      );
      const status = String(run.status) as WorkflowStatus;
      if (TERMINAL_WORKFLOW.has(status) || Date.now() - since >= waitSeconds * 1000) return fetchExecution(run.workflowId, workflow.output) as never;
      return waitFor(run.workflowId, workflow.output, options, since) as never;
    },

    async get(first: AnyWorkflow | string, second?: string | { includeTasks?: boolean }, third?: { includeTasks?: boolean }) {
      if (typeof first === 'string') return fetchExecution(first, undefined, (second as { includeTasks?: boolean } | undefined)?.includeTasks ?? true);
      return fetchExecution(second as string, first.output, third?.includeTasks ?? true) as never;
    },

    async wait(first: AnyWorkflow | string, second?: string | WaitOptions, third?: WaitOptions) {
      if (typeof first === 'string') return waitFor(first, undefined, second as WaitOptions | undefined);
      return waitFor(second as string, first.output, third) as never;
    },

    async terminate(workflowId, reason, options = {}) {
      return terminateRun(conductor, workflowId, reason, options);
    },

    async retry(workflowId, options = {}) {
      await conductor.post(`/workflow/${encodeURIComponent(workflowId)}/retry`, undefined, {
        query: { resumeSubworkflowTasks: options.resumeSubworkflowTasks ?? false },
      });
    },

    async restart(workflowId, options = {}) {
      await conductor.post(`/workflow/${encodeURIComponent(workflowId)}/restart`, undefined, {
        query: { useLatestDefinitions: options.useLatestDefinitions ?? false },
      });
    },

    async pause(workflowId) {
      await conductor.put(`/workflow/${encodeURIComponent(workflowId)}/pause`, undefined, { retry: true });
    },

    async resume(workflowId) {
      await conductor.put(`/workflow/${encodeURIComponent(workflowId)}/resume`, undefined, { retry: true });
    },

    async search(workflow, options = {}) {
      const name = typeof workflow === 'string' ? workflow : workflow.name;
      const statuses = options.status === undefined ? [] : Array.isArray(options.status) ? options.status : [options.status];
      const clauses = [`workflowType IN (${name})`];
      if (statuses.length > 0) clauses.push(`status IN (${statuses.join(',')})`);
      if (options.query) clauses.push(options.query);
      const result = await conductor.get<{ totalHits: number; results: Record<string, unknown>[] }>('/workflow/search', {
        query: {
          query: clauses.join(' AND '),
          freeText: options.freeText ?? '*',
          start: options.start ?? 0,
          size: options.size ?? 20,
          sort: options.sort ?? 'startTime:DESC',
        },
      });
      return {
        totalHits: result.totalHits,
        results: result.results.map((r) => ({
          workflowId: String(r.workflowId),
          name: String(r.workflowType),
          version: Number(r.version),
          status: String(r.status) as WorkflowStatus,
          startTime: String(r.startTime ?? ''),
          ...(typeof r.endTime === 'string' && r.endTime !== '' && { endTime: r.endTime }),
          ...(typeof r.correlationId === 'string' && r.correlationId !== '' && { correlationId: r.correlationId }),
          ...(typeof r.reasonForIncompletion === 'string' && r.reasonForIncompletion !== '' && { reason: r.reasonForIncompletion }),
        })),
      };
    },

    async completeTask(workflowId, taskRef, output, status = 'COMPLETED') {
      await conductor.post(
        `/tasks/${encodeURIComponent(workflowId)}/${encodeURIComponent(taskRef)}/${status}`,
        output,
        { query: { workerid: 'baton-client' } },
      );
    },
  };
  return client;
}
