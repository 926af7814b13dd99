/**
 * The run envelope every workflow tool and run tool answers with: execution id, status, output,
 * failure, truncation marker (the shape `generated/mcp/tools.json` declares), plus a few
 * optional fields baton adds: who the run is waiting on, and a preview when the output itself
 * had to be withheld. Built from Conductor's execution JSON, never passing it through raw.
 */
import { runEnvelopeSchema } from '../compiler/artifacts/mcp-tools.js';
import { redact } from './redact.js';
import type { ConductorRun, ConductorTask } from './runs.js';
import { isTerminal, taskTypeOf } from './runs.js';
import { summarise, jsonBytes } from './summarise.js';
import { type Check, type JsonSchema, formatProblems } from './validation.js';
import { TOOL } from './tools/names.js';

export interface Failure {
  readonly reason: string;
  readonly failedTask?: string;
  readonly taskType?: string;
}

export interface WaitingTask {
  readonly taskRef: string;
  readonly taskType: string;
}

export interface Envelope {
  readonly workflowId: string;
  readonly workflowName?: string;
  readonly status: string;
  readonly output: unknown;
  readonly failure: Failure | null;
  readonly truncated: boolean;
  readonly correlationId?: string;
  readonly waitingOn?: readonly WaitingTask[];
  readonly outputPreview?: unknown;
  readonly outputNote?: string;
  readonly deduplicated?: boolean;
}

/** Task types a person or another system completes (baton_signal_task). */
export const SIGNALLABLE_TASK_TYPES = ['WAIT', 'HUMAN'];
const FAILED_TASK = new Set(['FAILED', 'FAILED_WITH_TERMINAL_ERROR', 'TIMED_OUT', 'CANCELED']);
const OPEN_TASK = new Set(['SCHEDULED', 'IN_PROGRESS']);

/** JSON Schema of baton's additions; merged into every envelope output schema. */
export const ENVELOPE_EXTRAS: Record<string, JsonSchema> = {
  correlationId: { type: 'string' },
  waitingOn: {
    type: 'array',
    items: { type: 'object', properties: { taskRef: { type: 'string' }, taskType: { type: 'string' } }, required: ['taskRef', 'taskType'] },
  },
  outputPreview: {},
  outputNote: { type: 'string' },
  deduplicated: { type: 'boolean' },
};

/** A tool's declared envelope schema with baton's optional additions. */
export function withEnvelopeExtras(schema: JsonSchema): JsonSchema {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  return { ...schema, properties: { ...properties, ...ENVELOPE_EXTRAS } };
}

/** The envelope of a run of any workflow (the lifecycle tools). */
export function genericEnvelopeSchema(): JsonSchema {
  return withEnvelopeExtras(runEnvelopeSchema(undefined) as JsonSchema);
}

/** The workflow's own output schema inside an envelope schema from tools.json, if declared. */
export function declaredOutputSchema(envelopeSchema: JsonSchema): JsonSchema | undefined {
  const output = (envelopeSchema.properties as Record<string, JsonSchema> | undefined)?.output;
  const first = (output?.anyOf as JsonSchema[] | undefined)?.[0];
  return first && Object.keys(first).length > 0 ? first : undefined;
}

function lastFailedTask(tasks: readonly ConductorTask[] | undefined, refs: readonly string[] | undefined): ConductorTask | undefined {
  if (!tasks) return undefined;
  const named = refs?.[0];
  if (named) {
    const match = [...tasks].reverse().find((t) => t.referenceTaskName === named);
    if (match) return match;
  }
  return [...tasks].reverse().find((t) => FAILED_TASK.has(t.status));
}

export function failureOf(run: ConductorRun): Failure | null {
  if (!isTerminal(run.status) || run.status === 'COMPLETED') return null;
  const task = lastFailedTask(run.tasks, run.failedReferenceTaskNames);
  const failedTask = task?.referenceTaskName ?? run.failedReferenceTaskNames?.[0];
  const reason = run.reasonForIncompletion || task?.reasonForIncompletion || `the run ended with status ${run.status}`;
  return {
    reason: reason.length > 1000 ? `${reason.slice(0, 1000)}…` : reason,
    ...(failedTask && { failedTask }),
    ...(task && { taskType: taskTypeOf(task) }),
  };
}

/** An open task that only a signal moves on (a WAIT with a duration or date ends by itself). */
export function awaitsSignal(task: ConductorTask): boolean {
  const type = taskTypeOf(task);
  if (!OPEN_TASK.has(task.status) || !SIGNALLABLE_TASK_TYPES.includes(type)) return false;
  return !(type === 'WAIT' && (task.inputData?.duration !== undefined || task.inputData?.until !== undefined));
}

export function waitingOn(run: ConductorRun): WaitingTask[] {
  if (run.status !== 'RUNNING' || !run.tasks) return [];
  return run.tasks.filter(awaitsSignal).map((t) => ({ taskRef: t.referenceTaskName, taskType: taskTypeOf(t) }));
}

export interface EnvelopeOptions {
  /** Largest output, in bytes, shown as is. */
  readonly outputBudgetBytes: number;
  readonly maskedFields?: readonly string[];
  /** The workflow's output schema, when known: an output that breaks it is not passed off as valid. */
  readonly checkOutput?: Check;
}

export function envelopeOf(run: ConductorRun, options: EnvelopeOptions): Envelope {
  const waiting = waitingOn(run);
  const base = {
    workflowId: run.workflowId,
    ...(run.workflowName && { workflowName: run.workflowName }),
    status: run.status,
    failure: failureOf(run),
    ...(run.correlationId && { correlationId: run.correlationId }),
    ...(waiting.length > 0 && { waitingOn: waiting }),
  };
  if (run.status !== 'COMPLETED') return { ...base, output: null, truncated: false };

  // Declared masked fields only: an output field called `token` may be the whole point.
  const output = redact(run.output ?? {}, options.maskedFields ?? [], { secrets: false });
  const problems = options.checkOutput?.(output) ?? [];
  if (problems.length > 0) {
    const preview = summarise(output, options.outputBudgetBytes);
    return {
      ...base,
      output: null,
      truncated: preview.truncated,
      outputPreview: preview.value,
      outputNote: `the output does not match the workflow's declared output schema (${formatProblems(problems, 4)}); it is shown in outputPreview`,
    };
  }
  if (jsonBytes(output) > options.outputBudgetBytes) {
    const preview = summarise(output, options.outputBudgetBytes);
    return {
      ...base,
      output: null,
      truncated: true,
      outputPreview: preview.value,
      outputNote: `the output is ${preview.originalBytes} bytes, over this server's limit of ${options.outputBudgetBytes}; outputPreview summarises it. Read parts with ${TOOL.getRun} and outputPath.`,
    };
  }
  return { ...base, output, truncated: false };
}

/** One sentence an agent can act on, ahead of the JSON in a text answer. */
export function describeEnvelope(envelope: Envelope): string {
  const who = `Run ${envelope.workflowId}${envelope.workflowName ? ` of ${envelope.workflowName}` : ''}`;
  const id = JSON.stringify({ executionId: envelope.workflowId });
  switch (envelope.status) {
    case 'COMPLETED':
      return `${who} COMPLETED.${envelope.truncated ? ' Its output was summarised (see outputNote).' : ''}`;
    case 'RUNNING': {
      const task = envelope.waitingOn?.[0];
      if (task) {
        return `${who} is waiting on ${task.taskType} task '${task.taskRef}'. Complete it with ${TOOL.signalTask} ${JSON.stringify({ executionId: envelope.workflowId, taskRef: task.taskRef, output: {} })}.`;
      }
      return `${who} is RUNNING. Wait for its result with ${TOOL.waitRun} ${id}.`;
    }
    case 'PAUSED':
      return `${who} is PAUSED; ${TOOL.resumeRun} ${id} resumes it.`;
    default: {
      const at = envelope.failure?.failedTask ? ` at '${envelope.failure.failedTask}'${envelope.failure.taskType ? ` (${envelope.failure.taskType})` : ''}` : '';
      const next = envelope.status === 'TERMINATED' ? `${TOOL.restartRun} runs it again` : `${TOOL.retryRun} ${id} retries it from the failed task`;
      return `${who} ${envelope.status}${at}: ${envelope.failure?.reason ?? 'no reason given'}. ${next}; ${TOOL.getRun} with details: true shows its tasks.`;
    }
  }
}
