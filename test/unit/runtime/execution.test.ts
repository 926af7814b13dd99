// Conductor's Workflow JSON as callers see it: typed output, attempts in order, the failed task.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { WorkflowOutputError, describeOutcome, toExecution } from '../../../runtime/execution.js';
import { createClient, WorkflowInputError } from '../../../runtime/client.js';
import { Conductor } from '../../../runtime/conductor.js';
import { workflow } from '../../../dsl/workflow.js';

const output = z.object({ total: z.number(), currency: z.string().default('EUR') });
const task = (seq: number, ref: string, status: string, retryCount = 0, extra: Record<string, unknown> = {}) => ({
  seq,
  taskId: `t${seq}`,
  referenceTaskName: ref,
  taskDefName: ref,
  taskType: 'SIMPLE',
  status,
  retryCount,
  scheduledTime: 1000 * seq,
  startTime: 1000 * seq + 10,
  endTime: 1000 * seq + 20,
  inputData: {},
  outputData: {},
  ...extra,
});

describe('toExecution', () => {
  it('parses the output of a completed run with the workflow schema', () => {
    const execution = toExecution({ workflowId: 'w', workflowName: 'sum', workflowVersion: 2, status: 'COMPLETED', output: { total: 3 }, startTime: 5, endTime: 1005, tasks: [] }, output);
    expect(execution.status).toBe('COMPLETED');
    expect(execution.output).toEqual({ total: 3, currency: 'EUR' });
    expect(describeOutcome(execution)).toBe('sum w COMPLETED in 1.0 s');
  });

  it('throws when a completed run does not honour its output schema', () => {
    expect(() => toExecution({ workflowId: 'w', workflowName: 'sum', status: 'COMPLETED', output: { total: 'three' } }, output)).toThrow(WorkflowOutputError);
  });

  it('orders attempts and finds the task that failed the run', () => {
    const execution = toExecution({
      workflowId: 'w',
      workflowName: 'pay',
      status: 'FAILED',
      reasonForIncompletion: 'Task t3 failed',
      output: { 'conductor.failure_workflow': '0b5e6f0e-1a2b-4c3d-8e9f-001122334455' },
      tasks: [task(3, 'charge', 'FAILED', 1, { reasonForIncompletion: 'declined', startDelayInSeconds: 2 }), task(1, 'reserve', 'COMPLETED'), task(2, 'charge', 'FAILED', 0, { reasonForIncompletion: 'timeout' })],
    });
    expect(execution.output).toBeUndefined();
    expect(execution.attempts('charge').map((t) => [t.attempt, t.reason, t.startDelaySeconds])).toEqual([
      [1, 'timeout', 0],
      [2, 'declined', 2],
    ]);
    expect(execution.task('charge')?.taskId).toBe('t3');
    expect(execution.failedTask).toMatchObject({ ref: 'charge', attempt: 2, reason: 'declined' });
    expect(execution.failureWorkflowId).toBe('0b5e6f0e-1a2b-4c3d-8e9f-001122334455');
    expect(describeOutcome(execution)).toBe("pay w FAILED at task 'charge' (charge, attempt 2, FAILED): declined");
  });

  it('ignores the sentence the server writes when the failure workflow did not start', () => {
    const execution = toExecution({ workflowId: 'w', status: 'FAILED', output: { 'conductor.failure_workflow': 'Error workflow x failed to start.  reason: no such workflow' } });
    expect(execution.failureWorkflowId).toBeUndefined();
  });
});

describe('the typed client', () => {
  it('checks the input against the workflow schema before sending anything', async () => {
    const sum = workflow('unit_sum', { input: z.object({ values: z.array(z.number()).min(1) }), output }, () => ({ total: 0 }));
    const conductor = new Conductor({ serverUrl: 'http://127.0.0.1:9', attempts: 1 });
    const client = createClient(conductor);
    const error = await client.start(sum, { values: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowInputError);
    expect((error as WorkflowInputError).issues).toEqual([expect.stringMatching(/^input\.values: /)]);
    expect(conductor.requests).toEqual({ GET: 0, POST: 0, PUT: 0, DELETE: 0 });
  });
});
