import { describe, expect, it } from 'vitest';
import { workflow, z } from '../../../dsl/index.js';
import { diagnosticsOf, defaultDef, tasksOf } from './helpers.js';

const input = z.object({ courier: z.string(), parcelId: z.string() });

describe('dynamic (DYNAMIC)', () => {
  it('lowers the task name into taskToExecute, with the settings that apply to whichever task runs', () => {
    const wf = workflow('ship_dynamic', { input, output: z.object({ tracking: z.string() }) }, (wf) => {
      const ship = wf.dynamic('ship', {
        taskName: wf.input.courier,
        input: { parcelId: wf.input.parcelId },
        output: z.object({ tracking: z.string() }),
      });
      return { tracking: ship.output.tracking };
    });
    expect(tasksOf(wf)).toEqual([
      {
        name: 'ship',
        taskReferenceName: 'ship',
        type: 'DYNAMIC',
        inputParameters: { parcelId: '${workflow.input.parcelId}', taskToExecute: '${workflow.input.courier}' },
        dynamicTaskNameParam: 'taskToExecute',
        // Without it, Conductor would run the target with an ad-hoc definition: no retries, no timeouts.
        taskDefinition: defaultDef('ship'),
      },
    ]);
  });

  it('embeds the settings the step asks for', () => {
    const wf = workflow('ship_dynamic_policy', { input, output: z.object({}) }, (wf) => {
      wf.dynamic('ship', { taskName: wf.input.courier, retryCount: 1 });
      return {};
    });
    expect(tasksOf(wf)).toEqual([
      {
        name: 'ship',
        taskReferenceName: 'ship',
        type: 'DYNAMIC',
        inputParameters: { taskToExecute: '${workflow.input.courier}' },
        dynamicTaskNameParam: 'taskToExecute',
        taskDefinition: defaultDef('ship', { retryCount: 1, totalTimeoutSeconds: 60 * 2 + 2 + 60 }),
      },
    ]);
  });

  it('reports an empty task name', () => {
    const wf = workflow('dynamic_empty', { input, output: z.object({}) }, (wf) => {
      wf.dynamic('ship', { taskName: '' });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      {
        code: 'dynamic-task-name',
        severity: 'error',
        message: "dynamic step 'ship' has an empty taskName",
        hint: 'pass the name of a registered task, usually as a reference',
      },
    ]);
  });

  it('warns when the task name is fixed', () => {
    const wf = workflow('dynamic_fixed', { input, output: z.object({}) }, (wf) => {
      wf.dynamic('ship', { taskName: 'ship_with_ups' });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      {
        code: 'dynamic-fixed-name',
        severity: 'warning',
        message: "dynamic step 'ship' always runs 'ship_with_ups'",
        hint: 'a fixed task is better run with wf.run(taskDecl, input), which is typed',
      },
    ]);
  });

  it('reports an input named taskToExecute', () => {
    const wf = workflow('dynamic_reserved', { input, output: z.object({}) }, (wf) => {
      wf.dynamic('ship', { taskName: wf.input.courier, input: { taskToExecute: 'x' } });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      {
        code: 'dynamic-reserved-input',
        severity: 'error',
        message: "dynamic step 'ship' has an input named 'taskToExecute'",
        hint: 'Conductor reads the name of the task to run from this input parameter; rename the input',
      },
    ]);
  });
});
