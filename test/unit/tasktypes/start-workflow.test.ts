import { describe, expect, it } from 'vitest';
import { externalWorkflow, task, workflow, z } from '../../../dsl/index.js';
import { compileAll, defaultDef, diagnosticsOf, tasksOf } from './helpers.js';

const notify = task('send_notification', { input: z.object({ text: z.string() }), output: z.object({}) });

const audit = workflow('audit_trail', { version: 2, input: z.object({ orderId: z.string(), amount: z.number().int().positive() }), output: z.object({}) }, (wf) => {
  wf.run(notify, { text: wf.input.orderId });
  return {};
});

const input = z.object({ orderId: z.string(), region: z.string() });

describe('startWorkflow (START_WORKFLOW)', () => {
  it('lowers to a startWorkflow request pinned to the target version, with the typed workflowId', () => {
    const wf = workflow('checkout', { input, output: z.object({ auditRun: z.string() }) }, (wf) => {
      const started = wf.startWorkflow(audit, { orderId: wf.input.orderId, amount: 12 });
      return { auditRun: started.output.workflowId };
    });
    expect(tasksOf(wf, audit)).toEqual([
      {
        name: 'start_audit_trail',
        taskReferenceName: 'start_audit_trail',
        type: 'START_WORKFLOW',
        inputParameters: {
          startWorkflow: { name: 'audit_trail', version: 2, input: { orderId: '${workflow.input.orderId}', amount: 12 } },
        },
        taskDefinition: defaultDef('start_audit_trail'),
      },
    ]);
  });

  it('passes correlationId, priority and taskToDomain in the request', () => {
    const wf = workflow('checkout_opts', { input, output: z.object({}) }, (wf) => {
      wf.startWorkflow(audit, { orderId: wf.input.orderId, amount: 1 }, {
        ref: 'kick_audit',
        correlationId: wf.input.orderId,
        priority: 5,
        taskToDomain: { send_notification: 'eu' },
        retryCount: 0,
      });
      return {};
    });
    expect(tasksOf(wf, audit)).toEqual([
      {
        name: 'kick_audit',
        taskReferenceName: 'kick_audit',
        type: 'START_WORKFLOW',
        inputParameters: {
          startWorkflow: {
            name: 'audit_trail',
            version: 2,
            input: { orderId: '${workflow.input.orderId}', amount: 1 },
            correlationId: '${workflow.input.orderId}',
            priority: 5,
            taskToDomain: { send_notification: 'eu' },
          },
        },
        taskDefinition: defaultDef('kick_audit', { retryCount: 0, totalTimeoutSeconds: 120 }),
      },
    ]);
  });

  it('may declare an undo, fed from the started run id and the request as Conductor holds it', () => {
    const stopRun = task('stop_run', { input: z.object({ workflowId: z.string(), orderId: z.string() }), output: z.object({}) });
    const wf = workflow('checkout_undo', { input, output: z.object({}) }, (wf) => {
      wf.startWorkflow(audit, { orderId: wf.input.orderId, amount: 1 }).compensate(stopRun, (done) => ({
        workflowId: done.output.workflowId,
        orderId: done.input.startWorkflow.input.orderId,
      }));
      return {};
    });
    const compiled = compileAll(wf, audit).workflows.find((w) => w.ir.name === 'checkout_undo')!;
    expect(compiled.definition.failureWorkflow).toBe('checkout_undo_compensation');
    const plan = (compiled.compensation!.tasks as { inputParameters: { expression: string } }[])[0]!.inputParameters.expression;
    expect(plan).toContain('"start_audit_trail": function (t) { return {"workflowId": (t.outputData == null ? null : t.outputData["workflowId"])');
    expect(plan).toContain('t.inputData["startWorkflow"])["input"])["orderId"]');
  });

  it('checks literal input against the target schema', () => {
    const wf = workflow('checkout_bad_input', { input, output: z.object({}) }, (wf) => {
      wf.startWorkflow(audit, { orderId: wf.input.orderId, amount: -3 });
      return {};
    });
    expect(diagnosticsOf(wf, audit)).toEqual([
      {
        code: 'input-schema',
        severity: 'error',
        message: "startWorkflow 'start_audit_trail' input amount: Too small: expected number to be >0",
        hint: 'fix the literal value to match the input schema',
      },
    ]);
  });

  it('reports a target this project does not build or declare', () => {
    const wf = workflow('checkout_missing', { input, output: z.object({}) }, (wf) => {
      wf.startWorkflow(audit, { orderId: 'o', amount: 1 });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      {
        code: 'start-workflow-missing',
        severity: 'error',
        message: "startWorkflow 'start_audit_trail' starts 'audit_trail', which is not built by this project",
        hint: 'export it from a workflow file or declare it with externalWorkflow()',
      },
    ]);
  });

  it('accepts an external workflow and reports a version no workflow file defines', () => {
    const billing = externalWorkflow('billing', { version: 3, input: z.object({ id: z.string() }), output: z.object({}) });
    const wf = workflow('checkout_versions', { input, output: z.object({}) }, (wf) => {
      wf.startWorkflow(billing, { id: wf.input.orderId });
      wf.startWorkflow(audit, { orderId: 'o', amount: 1 }, { version: 7 });
      return {};
    });
    expect(diagnosticsOf(wf, audit, billing)).toEqual([
      {
        code: 'start-workflow-version',
        severity: 'error',
        message: "startWorkflow 'start_audit_trail' starts 'audit_trail' version 7, which this project does not define",
        hint: 'use a version that a workflow file defines',
      },
    ]);
  });

  it('reports a priority outside 0-99', () => {
    const wf = workflow('checkout_priority', { input, output: z.object({}) }, (wf) => {
      wf.startWorkflow(audit, { orderId: 'o', amount: 1 }, { priority: 120 });
      return {};
    });
    expect(diagnosticsOf(wf, audit)).toEqual([
      {
        code: 'start-workflow-priority',
        severity: 'error',
        message: "startWorkflow 'start_audit_trail' priority is 120",
        hint: 'use a whole number from 0 to 99',
      },
    ]);
  });
});
