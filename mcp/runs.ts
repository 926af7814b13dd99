/**
 * The Conductor calls the MCP tools make, as typed functions over the shared connection
 * (runtime/conductor.ts). Only the fields baton reads are typed; Conductor sends more.
 */
import { terminateRun } from '../runtime/terminate.js';
import type { Conductor } from '../runtime/conductor.js';

export const TERMINAL_STATUSES = ['COMPLETED', 'FAILED', 'TIMED_OUT', 'TERMINATED'] as const;
export type RunStatus = 'RUNNING' | 'PAUSED' | (typeof TERMINAL_STATUSES)[number];

export interface ConductorTask {
  readonly taskId: string;
  readonly referenceTaskName: string;
  readonly taskDefName?: string;
  /** For SIMPLE tasks Conductor puts the task's name here; the type is in workflowTask.type. */
  readonly taskType: string;
  readonly workflowTask?: { readonly type?: string };
  readonly status: string;
  readonly reasonForIncompletion?: string;
  readonly retryCount?: number;
  readonly seq?: number;
  readonly scheduledTime?: number;
  readonly startTime?: number;
  readonly endTime?: number;
  readonly inputData?: Record<string, unknown>;
  readonly outputData?: Record<string, unknown>;
  readonly workflowInstanceId?: string;
}

export interface ConductorRun {
  readonly workflowId: string;
  readonly workflowName: string;
  readonly workflowVersion?: number;
  readonly status: RunStatus;
  readonly correlationId?: string;
  readonly input?: Record<string, unknown>;
  readonly output?: Record<string, unknown>;
  readonly variables?: Record<string, unknown>;
  readonly reasonForIncompletion?: string;
  readonly failedReferenceTaskNames?: readonly string[];
  readonly startTime?: number;
  readonly endTime?: number;
  readonly updateTime?: number;
  readonly parentWorkflowId?: string;
  readonly tasks?: readonly ConductorTask[];
}

export interface RunSummary {
  readonly workflowId: string;
  readonly workflowType: string;
  readonly version?: number;
  readonly status: RunStatus;
  readonly correlationId?: string;
  /** Conductor sends these as strings in the server's time zone or ISO; kept as sent. */
  readonly startTime?: string;
  readonly endTime?: string;
  readonly updateTime?: string;
  readonly reasonForIncompletion?: string;
  readonly failedReferenceTaskNames?: string;
}

export interface StartRequest {
  readonly name: string;
  readonly version?: number;
  readonly input: unknown;
  readonly correlationId?: string;
  readonly idempotencyKey?: string;
}

export interface SearchQuery {
  readonly workflowTypes: readonly string[];
  readonly statuses?: readonly string[];
  readonly correlationId?: string;
  readonly startedAfter?: number;
  readonly startedBefore?: number;
  readonly start: number;
  readonly size: number;
}

/** The task's type (SIMPLE, HTTP, WAIT, …), whatever Conductor put in taskType. */
export function taskTypeOf(task: ConductorTask): string {
  return task.workflowTask?.type ?? task.taskType;
}

export function isTerminal(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

const id = (value: string) => encodeURIComponent(value);

export class Runs {
  constructor(readonly conductor: Conductor) {}

  /** Starts a run; Conductor answers with the new execution id as plain text. */
  async start(request: StartRequest): Promise<string> {
    const body = {
      name: request.name,
      ...(request.version !== undefined && { version: request.version }),
      input: request.input,
      ...(request.correlationId !== undefined && { correlationId: request.correlationId }),
      // Orkes Conductor deduplicates on these; OSS ignores them (baton checks first, see workflow tools).
      ...(request.idempotencyKey !== undefined && { idempotencyKey: request.idempotencyKey, idempotencyStrategy: 'RETURN_EXISTING' }),
    };
    const answer = await this.conductor.post<unknown>('/workflow', body, { headers: { accept: 'text/plain, application/json' } });
    return String(answer).trim();
  }

  get(workflowId: string, includeTasks = false): Promise<ConductorRun> {
    return this.conductor.get<ConductorRun>(`/workflow/${id(workflowId)}`, { query: { includeTasks } });
  }

  /** Runs of `name` with this correlation id, finished ones included. */
  async correlated(name: string, correlationId: string): Promise<ConductorRun[]> {
    const runs = await this.conductor.get<ConductorRun[] | undefined>(`/workflow/${id(name)}/correlated/${id(correlationId)}`, {
      query: { includeClosed: true, includeTasks: false },
    });
    return runs ?? [];
  }

  async search(query: SearchQuery): Promise<{ totalHits: number; results: RunSummary[] }> {
    const clauses = [`workflowType IN (${query.workflowTypes.join(',')})`];
    if (query.statuses && query.statuses.length > 0) clauses.push(`status IN (${query.statuses.join(',')})`);
    if (query.correlationId !== undefined) clauses.push(`correlationId = '${query.correlationId}'`);
    if (query.startedAfter !== undefined) clauses.push(`startTime > ${query.startedAfter}`);
    if (query.startedBefore !== undefined) clauses.push(`startTime < ${query.startedBefore}`);
    const answer = await this.conductor.get<{ totalHits?: number; results?: RunSummary[] }>('/workflow/search', {
      query: { start: query.start, size: query.size, sort: 'startTime:DESC', freeText: '*', query: clauses.join(' AND ') },
    });
    return { totalHits: answer?.totalHits ?? 0, results: answer?.results ?? [] };
  }

  /** Terminates and, like a failure would, starts the run's failure workflow (compensation). */
  async terminate(workflowId: string, reason: string): Promise<void> {
    await terminateRun(this.conductor, workflowId, reason);
  }

  async pause(workflowId: string): Promise<void> {
    await this.conductor.put(`/workflow/${id(workflowId)}/pause`);
  }

  async resume(workflowId: string): Promise<void> {
    await this.conductor.put(`/workflow/${id(workflowId)}/resume`);
  }

  async retry(workflowId: string, resumeSubworkflowTasks: boolean): Promise<void> {
    await this.conductor.post(`/workflow/${id(workflowId)}/retry`, undefined, { query: { resumeSubworkflowTasks } });
  }

  async restart(workflowId: string, useLatestDefinitions: boolean): Promise<void> {
    await this.conductor.post(`/workflow/${id(workflowId)}/restart`, undefined, { query: { useLatestDefinitions } });
  }

  /** Completes (or fails) a task from outside, as a human or a signal would (TaskResult). */
  async updateTask(result: {
    workflowInstanceId: string;
    taskId: string;
    status: 'COMPLETED' | 'FAILED' | 'FAILED_WITH_TERMINAL_ERROR';
    outputData: Record<string, unknown>;
    reasonForIncompletion?: string;
    workerId: string;
  }): Promise<void> {
    await this.conductor.post('/tasks', result, { headers: { accept: 'text/plain, application/json' } });
  }
}
