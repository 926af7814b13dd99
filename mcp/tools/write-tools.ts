/**
 * Run tools that change a run: signal a waiting task, retry, restart, terminate, pause,
 * resume. Each checks the run's state first (Conductor's own answers to a wrong state range
 * from a 404 to a 500), acts, and answers with the run as it is afterwards.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Role } from '../auth/roles.js';
import { SIGNALLABLE_TASK_TYPES, genericEnvelopeSchema } from '../envelope.js';
import { ToolFailure, toToolFailure } from '../errors.js';
import { type ConductorRun, taskTypeOf } from '../runs.js';
import { type JsonSchema, lazyCheck } from '../validation.js';
import { EXECUTION_ID, TASK_REF, envelopeFor, objectSchema, requireStatus, runAnswer, scopedRun } from './common.js';
import { TOOL } from './names.js';
import type { CallContext, ServedTool, ToolAnswer, ToolServices } from './types.js';

interface Hints {
  readonly destructive: boolean;
  readonly idempotent: boolean;
}

function writeTool(
  name: string,
  title: string,
  role: Role,
  hints: Hints,
  description: string,
  properties: Record<string, JsonSchema>,
  required: readonly string[],
  run: (args: Record<string, unknown>, context: CallContext, services: ToolServices) => Promise<ToolAnswer>,
): ServedTool {
  const inputSchema = objectSchema({ executionId: EXECUTION_ID, ...properties }, ['executionId', ...required]);
  const definition: Tool = {
    name,
    title,
    description: role === 'admin' ? `${description} Needs the admin role.` : description,
    inputSchema,
    outputSchema: genericEnvelopeSchema() as Tool['outputSchema'],
    annotations: { title, readOnlyHint: false, destructiveHint: hints.destructive, idempotentHint: hints.idempotent, openWorldHint: false },
  };
  return { name, role, writes: true, definition, check: lazyCheck(inputSchema as JsonSchema, 'refuse'), run };
}

/** Acts, then reads the run back so the answer shows its new state. */
async function act(services: ToolServices, run: ConductorRun, action: string, call: () => Promise<void>, lead: string): Promise<ToolAnswer> {
  try {
    await call();
  } catch (error) {
    throw toToolFailure(error, `${action} run ${run.workflowId}`);
  }
  let after: ConductorRun;
  try {
    after = await services.runs.get(run.workflowId, true);
  } catch {
    return { text: `${lead} (Its new state could not be read; use ${TOOL.getRun}.)`, structured: { ...envelopeFor(services, run) } };
  }
  // The action succeeded; a run that is failed or terminated now is what was asked for.
  const answer = runAnswer(envelopeFor(services, after), {}, lead);
  return action === 'terminate' ? { ...answer, isError: false } : answer;
}

const signalTask = writeTool(
  TOOL.signalTask,
  'Complete a waiting task',
  'operator',
  { destructive: false, idempotent: false },
  'Completes (or fails) a WAIT or HUMAN task a run is waiting on, with the given output; the run then carries on. Runs list such tasks in waitingOn.',
  {
    taskRef: TASK_REF,
    status: { type: 'string', enum: ['COMPLETED', 'FAILED', 'FAILED_WITH_TERMINAL_ERROR'], description: 'default COMPLETED' },
    output: { type: 'object', description: 'the task\'s output, read by later steps', maxProperties: 100 },
    reason: { type: 'string', maxLength: 1000, description: 'why, when failing the task' },
  },
  ['taskRef'],
  async (args, context, services) => {
    const a = args as { executionId: string; taskRef: string; status?: 'COMPLETED' | 'FAILED' | 'FAILED_WITH_TERMINAL_ERROR'; output?: Record<string, unknown>; reason?: string };
    const run = await scopedRun(services, context, a.executionId, true);
    requireStatus(run, ['RUNNING'], 'signal a task of', run.status === 'PAUSED' ? `Resume it first with ${TOOL.resumeRun}.` : 'It has finished.');
    const task = [...(run.tasks ?? [])].reverse().find((t) => t.referenceTaskName === a.taskRef);
    if (!task) {
      const open = (run.tasks ?? []).filter((t) => SIGNALLABLE_TASK_TYPES.includes(taskTypeOf(t)) && (t.status === 'IN_PROGRESS' || t.status === 'SCHEDULED'));
      throw new ToolFailure(
        `Run ${a.executionId} has no task '${a.taskRef}' yet.${open.length ? ` It is waiting on: ${open.map((t) => t.referenceTaskName).join(', ')}.` : ''}`,
        'not_found',
      );
    }
    if (!SIGNALLABLE_TASK_TYPES.includes(taskTypeOf(task))) {
      throw new ToolFailure(`Task '${a.taskRef}' is a ${taskTypeOf(task)} task; only ${SIGNALLABLE_TASK_TYPES.join(' and ')} tasks are completed from outside (a worker completes the others).`, 'conflict');
    }
    if (task.status !== 'IN_PROGRESS' && task.status !== 'SCHEDULED') {
      throw new ToolFailure(`Task '${a.taskRef}' is already ${task.status}; there is nothing to signal.`, 'conflict');
    }
    const status = a.status ?? 'COMPLETED';
    return act(
      services,
      run,
      'signal a task of',
      () =>
        services.runs.updateTask({
          workflowInstanceId: run.workflowId,
          taskId: task.taskId,
          status,
          outputData: a.output ?? {},
          ...(a.reason !== undefined && { reasonForIncompletion: a.reason }),
          workerId: `baton-mcp:${context.principal.keyId}`,
        }),
      `Task '${a.taskRef}' is now ${status}.`,
    );
  },
);

const retryRun = writeTool(
  TOOL.retryRun,
  'Retry a failed run',
  'operator',
  { destructive: false, idempotent: false },
  'Retries a FAILED, TIMED_OUT or TERMINATED run from the task that failed, keeping the work already done.',
  { resumeSubworkflowTasks: { type: 'boolean', description: 'retry inside the failed sub-workflow instead of restarting it' } },
  [],
  async (args, context, services) => {
    const a = args as { executionId: string; resumeSubworkflowTasks?: boolean };
    const run = await scopedRun(services, context, a.executionId, false);
    requireStatus(run, ['FAILED', 'TIMED_OUT', 'TERMINATED'], 'retry', run.status === 'COMPLETED' ? `To run it again, use ${TOOL.restartRun}.` : 'Wait for it to finish.');
    return act(services, run, 'retry', () => services.runs.retry(run.workflowId, a.resumeSubworkflowTasks ?? false), 'Retried.');
  },
);

const restartRun = writeTool(
  TOOL.restartRun,
  'Restart a run',
  'admin',
  { destructive: true, idempotent: false },
  'Runs a finished run again from the start with the same input, discarding its task history.',
  { useLatestDefinitions: { type: 'boolean', description: 'use the newest registered definition' } },
  [],
  async (args, context, services) => {
    const a = args as { executionId: string; useLatestDefinitions?: boolean };
    const run = await scopedRun(services, context, a.executionId, false);
    requireStatus(run, ['COMPLETED', 'FAILED', 'TIMED_OUT', 'TERMINATED'], 'restart', 'Only finished runs restart; terminate it first if it must start over.');
    return act(services, run, 'restart', () => services.runs.restart(run.workflowId, a.useLatestDefinitions ?? false), 'Restarted from the beginning.');
  },
);

const terminateRun = writeTool(
  TOOL.terminateRun,
  'Terminate a run',
  'admin',
  { destructive: true, idempotent: true },
  'Cancels a RUNNING or PAUSED run: it stops with status TERMINATED and its failure workflow (compensation), if any, starts.',
  { reason: { type: 'string', minLength: 1, maxLength: 1000, description: 'why; recorded on the run' } },
  ['reason'],
  async (args, context, services) => {
    const a = args as { executionId: string; reason: string };
    const run = await scopedRun(services, context, a.executionId, false);
    requireStatus(run, ['RUNNING', 'PAUSED'], 'terminate', 'It has already finished.');
    return act(services, run, 'terminate', () => services.runs.terminate(run.workflowId, a.reason), 'Terminated.');
  },
);

const pauseRun = writeTool(
  TOOL.pauseRun,
  'Pause a run',
  'admin',
  { destructive: false, idempotent: true },
  'Pauses a RUNNING run: tasks already running finish, no new ones are scheduled until it is resumed.',
  {},
  [],
  async (args, context, services) => {
    const a = args as { executionId: string };
    const run = await scopedRun(services, context, a.executionId, false);
    requireStatus(run, ['RUNNING'], 'pause', run.status === 'PAUSED' ? 'It is paused already.' : 'It has finished.');
    return act(services, run, 'pause', () => services.runs.pause(run.workflowId), 'Paused.');
  },
);

const resumeRun = writeTool(
  TOOL.resumeRun,
  'Resume a paused run',
  'admin',
  { destructive: false, idempotent: true },
  'Resumes a PAUSED run.',
  {},
  [],
  async (args, context, services) => {
    const a = args as { executionId: string };
    const run = await scopedRun(services, context, a.executionId, false);
    requireStatus(run, ['PAUSED'], 'resume', 'Only a paused run resumes.');
    return act(services, run, 'resume', () => services.runs.resume(run.workflowId), 'Resumed.');
  },
);

export function writeTools(): ServedTool[] {
  return [signalTask, retryRun, restartRun, terminateRun, pauseRun, resumeRun];
}
