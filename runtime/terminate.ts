/**
 * Terminating a run the way a saga needs it. Conductor OSS does not start a workflow's failure
 * workflow when a run is terminated through its API (only failures and timeouts do), so a
 * cancelled order would keep its charge. This terminates and then starts the failure workflow
 * itself, with the input Conductor gives one after a failure.
 */
import type { Conductor } from './conductor.js';
import { TERMINAL_WORKFLOW, type WorkflowStatus } from './execution.js';

export interface TerminateResult {
  /** False when the run had already finished (nothing was done). */
  readonly terminated: boolean;
  readonly failureWorkflowId?: string;
}

export async function terminateRun(
  conductor: Conductor,
  workflowId: string,
  reason?: string,
  options: { failureWorkflow?: boolean } = {},
): Promise<TerminateResult> {
  const path = `/workflow/${encodeURIComponent(workflowId)}`;
  const before = await conductor.get<Record<string, unknown>>(path, { query: { includeTasks: false } });
  if (TERMINAL_WORKFLOW.has(String(before.status) as WorkflowStatus)) return { terminated: false };
  await conductor.delete(path, { query: { reason } });
  const failureWorkflow = (before.workflowDefinition as { failureWorkflow?: string } | undefined)?.failureWorkflow;
  if (options.failureWorkflow === false || !failureWorkflow) return { terminated: true };
  const after = await conductor.get<Record<string, unknown>>(path, { query: { includeTasks: true } });
  const input = {
    ...(after.input as Record<string, unknown> | undefined),
    workflowId,
    reason: reason ?? null,
    failureStatus: String(after.status),
    failedWorkflow: after,
  };
  const id = await conductor.post<string>('/workflow', {
    name: failureWorkflow,
    input,
    ...(typeof after.correlationId === 'string' && { correlationId: after.correlationId }),
    ...(typeof after.taskToDomain === 'object' && after.taskToDomain !== null && { taskToDomain: after.taskToDomain as Record<string, string> }),
    // Honoured by servers that support it (Orkes); OSS relies on the finished-run check above.
    idempotencyKey: `failure-workflow-of-${workflowId}`,
    idempotencyStrategy: 'RETURN_EXISTING',
  });
  return { terminated: true, failureWorkflowId: String(id).trim() };
}
