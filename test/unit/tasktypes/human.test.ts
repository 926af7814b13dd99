import { describe, expect, it } from 'vitest';
import { workflow, z } from '../../../dsl/index.js';
import { defaultDef, diagnosticsOf, tasksOf } from './helpers.js';

const input = z.object({ requestId: z.string(), approver: z.string() });
const decision = z.object({ approved: z.boolean(), comment: z.string().optional() });

describe('human (HUMAN)', () => {
  it('lowers input and assignee into inputParameters, without settings, and types the output', () => {
    const wf = workflow('approval', { input, output: z.object({ approved: z.boolean() }) }, (wf) => {
      const review = wf.human('review', {
        input: { requestId: wf.input.requestId },
        assignee: wf.input.approver,
        output: decision,
        description: 'Approve the refund',
      });
      return { approved: review.output.approved };
    });
    expect(tasksOf(wf)).toEqual([
      {
        name: 'review',
        taskReferenceName: 'review',
        type: 'HUMAN',
        description: 'Approve the refund',
        inputParameters: { requestId: '${workflow.input.requestId}', assignee: '${workflow.input.approver}' },
      },
    ]);
  });

  it('with timeoutSeconds, embeds a deadline without retries whose response timeout is the same', () => {
    const wf = workflow('approval_deadline', { input, output: z.object({}) }, (wf) => {
      wf.human('review', { timeoutSeconds: 86_400, timeoutPolicy: 'TIME_OUT_WF' });
      return {};
    });
    expect(tasksOf(wf)).toEqual([
      {
        name: 'review',
        taskReferenceName: 'review',
        type: 'HUMAN',
        inputParameters: {},
        taskDefinition: defaultDef('review', {
          retryCount: 0,
          timeoutSeconds: 86_400,
          responseTimeoutSeconds: 86_400,
          totalTimeoutSeconds: 172_800,
          timeoutPolicy: 'TIME_OUT_WF',
        }),
      },
    ]);
  });

  it('warns about retry settings that a human task without a deadline ignores', () => {
    const wf = workflow('approval_ignored', { input, output: z.object({}) }, (wf) => {
      wf.human('review', { retryCount: 2 });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      {
        code: 'human-policy-ignored',
        severity: 'warning',
        message: "human step 'review' sets retryCount but no timeoutSeconds",
        hint: 'a human task only uses retry/timeout settings when it has a deadline; add timeoutSeconds or drop them',
      },
    ]);
  });

  it('reports a zero deadline', () => {
    const wf = workflow('approval_zero', { input, output: z.object({}) }, (wf) => {
      wf.human('review', { timeoutSeconds: 0 });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      {
        code: 'human-timeout',
        severity: 'error',
        message: "human step 'review' has timeoutSeconds 0",
        hint: 'leave timeoutSeconds out to wait without a deadline',
      },
    ]);
  });

  it('reports assignee given twice', () => {
    const wf = workflow('approval_twice', { input, output: z.object({}) }, (wf) => {
      wf.human('review', { assignee: 'ops', input: { assignee: 'finance' } });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      { code: 'human-assignee', severity: 'error', message: "human step 'review' sets assignee both as an option and in input", hint: 'keep one of them' },
    ]);
  });
});
