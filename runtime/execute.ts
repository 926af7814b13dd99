/**
 * One attempt of a task, from the polled task to the result sent back to Conductor: check the
 * input against the declaration, run the handler, check its output, and turn whatever happened
 * into COMPLETED, FAILED (Conductor retries) or FAILED_WITH_TERMINAL_ERROR (it does not).
 * No network here: the runner supplies heartbeats and delivers the result.
 */
import type { AnyWorkerDefinition, TaskContext } from './implement.js';
import { isNonRetryable } from './errors.js';
import { issueLines, summarizeIssues } from './issues.js';
import type { LogFields, Logger } from './logger.js';

/** The fields of Conductor's Task that a worker reads. */
export interface PolledTask {
  readonly taskId?: string;
  readonly workflowInstanceId?: string;
  readonly workflowType?: string;
  readonly referenceTaskName?: string;
  readonly taskDefName?: string;
  readonly retryCount?: number;
  readonly pollCount?: number;
  readonly responseTimeoutSeconds?: number;
  readonly inputData?: Record<string, unknown>;
}

export type OutcomeStatus = 'COMPLETED' | 'FAILED' | 'FAILED_WITH_TERMINAL_ERROR';

export interface TaskOutcome {
  readonly status: OutcomeStatus;
  readonly outputData: Record<string, unknown>;
  readonly reasonForIncompletion?: string;
  /** What went wrong, for metrics: the thrown error's name, or InputMismatch/OutputMismatch. */
  readonly errorType?: string;
  /** Lines shown in Conductor's execution log of the task. */
  readonly logs: { log: string; createdTime: number }[];
}

export interface AttemptDeps {
  readonly log: Logger;
  heartbeat(task: PolledTask): Promise<void>;
  readonly signal: AbortSignal;
}

/** Conductor keeps the reason in its database and shows it in lists: keep it readable. */
const MAX_REASON = 2000;

function clip(text: string): string {
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A logger that also records the handler's lines for Conductor's task execution log. */
function recordingLogger(log: Logger, lines: TaskOutcome['logs']): Logger {
  const wrap = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: LogFields) => {
    log[level](message, fields);
    if (level !== 'debug') {
      const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
      lines.push({ log: `[${level}] ${message}${extra}`, createdTime: Date.now() });
    }
  };
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error'), child: (f) => recordingLogger(log.child(f), lines) };
}

export async function runAttempt(worker: AnyWorkerDefinition, task: PolledTask, deps: AttemptDeps): Promise<TaskOutcome> {
  const logs: TaskOutcome['logs'] = [];
  const retryCount = task.retryCount ?? 0;
  const log = deps.log;
  const fail = (status: OutcomeStatus, reason: string, errorType: string): TaskOutcome => {
    logs.push({ log: `[error] ${reason}`, createdTime: Date.now() });
    return { status, outputData: {}, reasonForIncompletion: clip(reason), errorType, logs };
  };

  const parsedInput = worker.task.input.safeParse(task.inputData ?? {});
  if (!parsedInput.success) {
    const issues = issueLines(parsedInput.error, 'input');
    log.error('input does not match the task declaration', { issues });
    return fail(
      'FAILED_WITH_TERMINAL_ERROR',
      `input of task '${worker.name}' does not match its declaration: ${summarizeIssues(issues)} ` +
        '(not retried: a retry would get the same input; fix the workflow step that feeds this task)',
      'InputMismatch',
    );
  }

  const context: TaskContext = {
    taskId: task.taskId ?? '',
    workflowId: task.workflowInstanceId ?? '',
    workflowType: task.workflowType,
    taskRef: task.referenceTaskName ?? worker.name,
    attempt: retryCount + 1,
    retryCount,
    pollCount: task.pollCount ?? 1,
    responseTimeoutSeconds: task.responseTimeoutSeconds,
    log: recordingLogger(log, logs),
    heartbeat: () => deps.heartbeat(task),
    signal: deps.signal,
  };

  let returned: unknown;
  try {
    returned = await worker.handler(parsedInput.data, context);
  } catch (error) {
    const terminal = isNonRetryable(error);
    const message = messageOf(error);
    log[terminal ? 'error' : 'warn'](terminal ? 'handler threw a non-retryable error' : 'handler threw', {
      error: message,
      ...(error instanceof Error && error.name !== 'Error' && { errorType: error.name }),
    });
    return fail(terminal ? 'FAILED_WITH_TERMINAL_ERROR' : 'FAILED', message, error instanceof Error ? error.name || 'Error' : 'Error');
  }

  const parsedOutput = worker.task.output.safeParse(returned ?? {});
  if (!parsedOutput.success) {
    const issues = issueLines(parsedOutput.error, 'output');
    log.error('output does not match the task declaration', { issues });
    // Retried: the output often carries data from another service, which may be right next time.
    return fail('FAILED', `worker for '${worker.name}' returned output that does not match the declaration: ${summarizeIssues(issues)}`, 'OutputMismatch');
  }
  if (!isPlainObject(parsedOutput.data)) {
    return fail(
      'FAILED_WITH_TERMINAL_ERROR',
      `the output of task '${worker.name}' must be an object (Conductor stores task output as a JSON object); declare the output with z.object({ … })`,
      'OutputMismatch',
    );
  }
  // What the server stores is JSON: send exactly what it will give back to later steps.
  const outputData = JSON.parse(JSON.stringify(parsedOutput.data)) as Record<string, unknown>;
  return { status: 'COMPLETED', outputData, logs };
}
