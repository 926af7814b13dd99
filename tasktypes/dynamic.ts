/**
 * DYNAMIC: runs the task whose name is known only at run time (a worker task, usually). Built by
 * `wf.dynamic(name, { taskName, input, output })`; `taskName` is typically a reference
 * (`wf.input.courier`). Conductor reads the name from the input parameter that
 * `dynamicTaskNameParam` names, replaces the step by that task, and the step's output is that
 * task's output (core/.../mapper/DynamicTaskMapper.java).
 *
 * Which retry/timeout settings apply: the task definition of the WorkflowTask, never the one
 * registered for the task that runs. The mapper prefers a definition embedded in the workflow,
 * and when a run starts Conductor fills in every WorkflowTask that has none, from the TaskDef
 * registered under the WorkflowTask's own name or else an ad-hoc one with no retries and no
 * timeouts (core/.../metadata/MetadataMapperService.java). So baton always embeds the step's
 * settings; they apply to whichever task runs. A name no worker polls is scheduled anyway and
 * waits (set pollTimeoutSeconds to bound that): it does not fail the run.
 */
import { z } from 'zod';
import type { StepBase } from '../ir/step.js';
import type { Value } from '../ir/value.js';
import type { StepOptions } from '../dsl/options.js';
import type { RefBase } from '../dsl/ref.js';
import { type ScopeLike, begin, record } from '../dsl/scope-kit.js';
import { type Step, makeStep } from '../dsl/step.js';
import { checkReservedInputs, literalText } from './value-facts.js';
import type { TaskTypeModule } from './types.js';

/** The input parameter that carries the task name (Conductor's dynamicTaskNameParam). */
export const TASK_NAME_PARAMETER = 'taskToExecute';

export interface DynamicOptions<O extends z.ZodType> extends StepOptions {
  /** The name of the task to run, usually a reference resolved at run time. */
  taskName: string | RefBase<string>;
  /** Input of the task that runs. */
  input?: Record<string, unknown>;
  /** Schema of the output of the task that runs. */
  output?: O;
}

export interface DynamicNode extends StepBase {
  readonly kind: 'dynamic';
  readonly name: string;
  readonly taskName: Value;
  readonly outputSchema?: z.ZodType;
}

export function dynamic<O extends z.ZodType = z.ZodUnknown>(scope: ScopeLike, name: string, options: DynamicOptions<O>): Step<z.output<O>> {
  const r = begin(scope, name, options);
  const node: DynamicNode = record(r, {
    kind: 'dynamic',
    ref: r.ref,
    loc: r.loc,
    name,
    input: r.values(options.input ?? {}, 'input'),
    options: r.options,
    taskName: r.value(options.taskName, 'taskName'),
    ...(options.output !== undefined && { outputSchema: options.output }),
  });
  return makeStep(node);
}

export const dynamicType: TaskTypeModule<DynamicNode> = {
  kind: 'dynamic',
  conductorTypes: ['DYNAMIC'],
  execution: 'worker',
  extraValues: (node) => [{ label: 'taskName', value: node.taskName, placement: { at: 'step' } }],
  check(node, ctx) {
    const literal = literalText(node.taskName);
    if (literal !== undefined && literal.trim() === '') {
      ctx.report(node.loc, 'dynamic-task-name', `dynamic step '${node.ref}' has an empty taskName`, 'pass the name of a registered task, usually as a reference');
    } else if (literal !== undefined) {
      ctx.report(node.loc, 'dynamic-fixed-name', `dynamic step '${node.ref}' always runs '${literal}'`, 'a fixed task is better run with wf.run(taskDecl, input), which is typed', 'warning');
    }
    checkReservedInputs(
      node.input,
      { [TASK_NAME_PARAMETER]: 'Conductor reads the name of the task to run from this input parameter' },
      node.loc,
      ctx,
      'dynamic-reserved-input',
      `dynamic step '${node.ref}'`,
    );
  },
  outputSchema: (node) => node.outputSchema ?? z.unknown(),
  lower(node, ctx) {
    return [
      ctx.task(node, node.name, 'DYNAMIC', {
        inputParameters: { ...ctx.values(node.input), [TASK_NAME_PARAMETER]: ctx.value(node.taskName) },
        dynamicTaskNameParam: TASK_NAME_PARAMETER,
      }),
    ];
  },
};
