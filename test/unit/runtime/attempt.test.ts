// One task attempt without a server: the schema checks around the handler, and how every way a
// handler can end maps onto Conductor's task statuses.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { task } from '../../../dsl/task.js';
import { NonRetryableError } from '../../../runtime/errors.js';
import { type AttemptDeps, runAttempt } from '../../../runtime/execute.js';
import { type TaskContext, implement } from '../../../runtime/implement.js';
import { createLogger } from '../../../runtime/logger.js';

const charge = task('unit_charge', {
  input: z.object({ orderId: z.string(), amountCents: z.number().int().positive(), currency: z.string().default('EUR') }),
  output: z.object({ chargeId: z.string(), note: z.string().default('none') }),
});

function deps(lines: string[] = []): AttemptDeps {
  return { log: createLogger({ write: (l) => lines.push(l) }), heartbeat: async () => {}, signal: new AbortController().signal };
}

const polled = (inputData: Record<string, unknown>, retryCount = 0) => ({
  taskId: 't-1',
  workflowInstanceId: 'w-1',
  workflowType: 'orders',
  referenceTaskName: 'charge_ref',
  retryCount,
  pollCount: 1,
  responseTimeoutSeconds: 30,
  inputData,
});

describe('runAttempt', () => {
  it('hands the handler parsed input (defaults applied) and the attempt context, and sends parsed output', async () => {
    let seen: { input: unknown; context: Partial<TaskContext> } | undefined;
    const worker = implement(charge, (input, context) => {
      seen = { input, context: { taskId: context.taskId, workflowId: context.workflowId, workflowType: context.workflowType, taskRef: context.taskRef, attempt: context.attempt, retryCount: context.retryCount } };
      return { chargeId: `ch-${input.orderId}`, extra: 'dropped' } as never;
    });
    const outcome = await runAttempt(worker, polled({ orderId: 'o-1', amountCents: 5, unknownField: true }, 2), deps());
    expect(seen).toEqual({
      input: { orderId: 'o-1', amountCents: 5, currency: 'EUR' },
      context: { taskId: 't-1', workflowId: 'w-1', workflowType: 'orders', taskRef: 'charge_ref', attempt: 3, retryCount: 2 },
    });
    expect(outcome).toEqual({ status: 'COMPLETED', outputData: { chargeId: 'ch-o-1', note: 'none' }, logs: [] });
  });

  it('fails terminally, without calling the handler, when the input does not match the declaration', async () => {
    let called = false;
    const worker = implement(charge, () => {
      called = true;
      return { chargeId: 'x' };
    });
    const outcome = await runAttempt(worker, polled({ orderId: 7, amountCents: -1 }), deps());
    expect(called).toBe(false);
    expect(outcome.status).toBe('FAILED_WITH_TERMINAL_ERROR');
    expect(outcome.reasonForIncompletion).toMatch(/^input of task 'unit_charge' does not match its declaration: input\.orderId: .+; input\.amountCents: .+ \(not retried: a retry would get the same input/);
  });

  it('fails (retryable) with the message of a thrown error, and terminally for a NonRetryableError', async () => {
    const flaky = implement(charge, () => {
      throw new Error('provider timed out');
    });
    expect(await runAttempt(flaky, polled({ orderId: 'o', amountCents: 1 }), deps())).toMatchObject({ status: 'FAILED', reasonForIncompletion: 'provider timed out', outputData: {} });
    const declined = implement(charge, async () => {
      throw new NonRetryableError('card declined');
    });
    expect(await runAttempt(declined, polled({ orderId: 'o', amountCents: 1 }), deps())).toMatchObject({ status: 'FAILED_WITH_TERMINAL_ERROR', reasonForIncompletion: 'card declined' });
    const odd = implement(charge, () => {
      throw { code: 42 };
    });
    expect(await runAttempt(odd, polled({ orderId: 'o', amountCents: 1 }), deps())).toMatchObject({ status: 'FAILED', reasonForIncompletion: '{"code":42}' });
  });

  it('recognises a NonRetryableError from another copy of baton by its brand', async () => {
    const foreign = Object.assign(new Error('no such customer'), { [Symbol.for('baton.nonRetryable')]: true });
    const worker = implement(charge, () => {
      throw foreign;
    });
    expect((await runAttempt(worker, polled({ orderId: 'o', amountCents: 1 }), deps())).status).toBe('FAILED_WITH_TERMINAL_ERROR');
  });

  it('fails (retryable) when the handler returns output the declaration rejects, naming the field', async () => {
    const worker = implement(charge, () => ({ chargeId: 12 }) as never);
    const outcome = await runAttempt(worker, polled({ orderId: 'o', amountCents: 1 }), deps());
    expect(outcome.status).toBe('FAILED');
    expect(outcome.reasonForIncompletion).toMatch(/^worker for 'unit_charge' returned output that does not match the declaration: output\.chargeId: /);
  });

  it('records the handler log lines for the task execution log and the worker log', async () => {
    const lines: string[] = [];
    const worker = implement(charge, (input, context) => {
      context.log.info('charging', { orderId: input.orderId });
      context.log.debug('not for the task log');
      return { chargeId: 'c' };
    });
    const outcome = await runAttempt(worker, polled({ orderId: 'o-9', amountCents: 1 }), { ...deps(lines), log: createLogger({ write: (l) => lines.push(l), level: 'debug' }) });
    expect(outcome.logs.map((l) => l.log)).toEqual(['[info] charging {"orderId":"o-9"}']);
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ level: 'info', msg: 'charging', orderId: 'o-9' }),
      expect.objectContaining({ level: 'debug', msg: 'not for the task log' }),
    ]);
  });
});

describe('implement', () => {
  it('rejects options that cannot work, naming the task', () => {
    expect(() => implement(charge, () => ({ chargeId: 'c' }), { concurrency: 0 })).toThrow("implement('unit_charge'): concurrency must be a whole number of at least 1 (got 0)");
    expect(() => implement(charge, () => ({ chargeId: 'c' }), { domain: 'a b' })).toThrow("domain 'a b' may only hold");
  });
});
