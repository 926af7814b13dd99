/**
 * A workflow execution as baton hands it to callers: Conductor's Workflow JSON reduced to the
 * fields people read, the tasks in order with their attempts, the task that failed, and the
 * output parsed with the workflow's own output schema (so it is typed, defaults applied).
 */
import type { z } from 'zod';
import { SchemaMismatchError } from './errors.js';
import { issueLines, summarizeIssues } from './issues.js';

export type WorkflowStatus = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'TIMED_OUT' | 'TERMINATED' | 'PAUSED';
export type TaskRunStatus =
  | 'SCHEDULED'
  | 'IN_PROGRESS'
  | 'COMPLETED'
  | 'COMPLETED_WITH_ERRORS'
  | 'FAILED'
  | 'FAILED_WITH_TERMINAL_ERROR'
  | 'TIMED_OUT'
  | 'CANCELED'
  | 'SKIPPED';

export const TERMINAL_WORKFLOW: ReadonlySet<WorkflowStatus> = new Set(['COMPLETED', 'FAILED', 'TIMED_OUT', 'TERMINATED']);
const FAILED_TASK: ReadonlySet<string> = new Set(['FAILED', 'FAILED_WITH_TERMINAL_ERROR', 'TIMED_OUT', 'CANCELED']);

/** One attempt of one task, as the server recorded it. Times are epoch milliseconds. */
export interface TaskRun {
  readonly taskId: string;
  /** The taskReferenceName (with `__n` for the n-th pass of a loop). */
  readonly ref: string;
  /** Task definition name (for SIMPLE tasks, the worker's task name). */
  readonly name: string;
  readonly type: string;
  readonly status: TaskRunStatus;
  /** 1 for the first attempt, 2 for the first retry, … */
  readonly attempt: number;
  readonly scheduledTime: number;
  readonly startTime: number;
  readonly endTime: number;
  readonly input: Record<string, unknown>;
  readonly output: Record<string, unknown>;
  readonly reason?: string;
  readonly workerId?: string;
  readonly subWorkflowId?: string;
  /** Loop pass, for tasks inside a DO_WHILE. */
  readonly iteration?: number;
  /** How long the server held this attempt before handing it out (a retry's backoff). */
  readonly startDelaySeconds: number;
  readonly seq: number;
}

interface ExecutionBase {
  readonly workflowId: string;
  readonly name: string;
  readonly version: number;
  readonly input: Record<string, unknown>;
  /** The output as the server returned it. */
  readonly rawOutput: Record<string, unknown>;
  readonly reason?: string;
  /** The last attempt that failed, timed out or was cancelled, when the run did not complete. */
  readonly failedTask?: TaskRun;
  /** Tasks in the order the server scheduled them (empty when fetched without tasks). */
  readonly tasks: readonly TaskRun[];
  readonly correlationId?: string;
  readonly startTime: number;
  readonly endTime?: number;
  readonly variables: Record<string, unknown>;
  /** Id of the failure workflow (e.g. the generated compensation) the server started. */
  readonly failureWorkflowId?: string;
  readonly parentWorkflowId?: string;
  /** Conductor's Workflow JSON, untouched. */
  readonly raw: Record<string, unknown>;
  /** The latest attempt of the task with this reference name. */
  task(ref: string): TaskRun | undefined;
  /** Every attempt of the task with this reference name, oldest first. */
  attempts(ref: string): TaskRun[];
}

export type Execution<O = unknown> =
  | (ExecutionBase & { readonly status: 'COMPLETED'; readonly output: O })
  | (ExecutionBase & { readonly status: Exclude<WorkflowStatus, 'COMPLETED'>; readonly output?: undefined });

type Json = Record<string, unknown>;

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});

export function toTaskRun(raw: Json): TaskRun {
  const reason = str(raw.reasonForIncompletion);
  const workerId = str(raw.workerId);
  const subWorkflowId = str(raw.subWorkflowId);
  return {
    taskId: String(raw.taskId ?? ''),
    ref: String(raw.referenceTaskName ?? ''),
    name: String(raw.taskDefName ?? raw.taskType ?? ''),
    type: String(raw.taskType ?? ''),
    status: String(raw.status ?? 'SCHEDULED') as TaskRunStatus,
    attempt: num(raw.retryCount) + 1,
    scheduledTime: num(raw.scheduledTime),
    startTime: num(raw.startTime),
    endTime: num(raw.endTime),
    input: obj(raw.inputData),
    output: obj(raw.outputData),
    ...(reason !== undefined && { reason }),
    ...(workerId !== undefined && { workerId }),
    ...(subWorkflowId !== undefined && { subWorkflowId }),
    ...(typeof raw.iteration === 'number' && raw.iteration > 0 && { iteration: raw.iteration }),
    startDelaySeconds: num(raw.startDelayInSeconds),
    seq: num(raw.seq),
  };
}

/** The output of a COMPLETED run did not match the workflow's output schema. */
export class WorkflowOutputError extends SchemaMismatchError {
  constructor(
    readonly workflowId: string,
    workflow: string,
    issues: readonly string[],
    readonly rawOutput: unknown,
  ) {
    super(`workflow '${workflow}' (${workflowId}) completed with output that does not match its output schema: ${summarizeIssues(issues)}`, issues);
    this.name = 'WorkflowOutputError';
  }
}

/**
 * Builds an Execution from Conductor's Workflow JSON. With `outputSchema`, a COMPLETED run's
 * output is parsed (typed, defaults applied); a mismatch throws WorkflowOutputError, since the
 * definition on the server no longer agrees with the code that started it.
 */
export function toExecution<O>(raw: Json, outputSchema?: z.ZodType<O>): Execution<O> {
  const tasks = (Array.isArray(raw.tasks) ? (raw.tasks as Json[]) : []).map(toTaskRun).sort((a, b) => a.seq - b.seq);
  const status = String(raw.status ?? 'RUNNING') as WorkflowStatus;
  const rawOutput = obj(raw.output);
  const failedTask = status === 'COMPLETED' || status === 'RUNNING' ? undefined : [...tasks].reverse().find((t) => FAILED_TASK.has(t.status));
  const workflowId = String(raw.workflowId ?? '');
  const name = String(raw.workflowName ?? raw.workflowType ?? '');
  const reason = str(raw.reasonForIncompletion);
  const failureWorkflow = str(rawOutput['conductor.failure_workflow']);
  const correlationId = str(raw.correlationId);
  const parentWorkflowId = str(raw.parentWorkflowId);
  const endTime = num(raw.endTime);
  let output: unknown;
  if (status === 'COMPLETED') {
    if (outputSchema) {
      const parsed = outputSchema.safeParse(rawOutput);
      if (!parsed.success) throw new WorkflowOutputError(workflowId, name, issueLines(parsed.error, 'output'), rawOutput);
      output = parsed.data;
    } else {
      output = rawOutput;
    }
  }
  return {
    workflowId,
    name,
    version: num(raw.workflowVersion),
    status,
    input: obj(raw.input),
    output,
    rawOutput,
    ...(reason !== undefined && { reason }),
    ...(failedTask !== undefined && { failedTask }),
    tasks,
    ...(correlationId !== undefined && { correlationId }),
    startTime: num(raw.startTime ?? raw.createTime),
    ...(endTime > 0 && { endTime }),
    variables: obj(raw.variables),
    // Only an id: the server writes an error sentence here when the failure workflow did not start.
    ...(failureWorkflow !== undefined && /^[0-9a-f-]{36}$/i.test(failureWorkflow) && { failureWorkflowId: failureWorkflow }),
    ...(parentWorkflowId !== undefined && { parentWorkflowId }),
    raw,
    task: (ref: string) => [...tasks].reverse().find((t) => t.ref === ref),
    attempts: (ref: string) => tasks.filter((t) => t.ref === ref),
  } as Execution<O>;
}

/** One line saying how a run ended, e.g. for logs and the CLI. */
export function describeOutcome(execution: Execution<unknown>): string {
  const took = execution.endTime && execution.startTime ? ` in ${((execution.endTime - execution.startTime) / 1000).toFixed(1)} s` : '';
  const head = `${execution.name} ${execution.workflowId} ${execution.status}${took}`;
  if (execution.status === 'COMPLETED' || execution.status === 'RUNNING' || execution.status === 'PAUSED') return head;
  const failed = execution.failedTask;
  const where = failed ? ` at task '${failed.ref}' (${failed.name}, attempt ${failed.attempt}, ${failed.status})` : '';
  const reason = failed?.reason ?? execution.reason;
  return `${head}${where}${reason ? `: ${reason}` : ''}`;
}
