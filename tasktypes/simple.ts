/**
 * SIMPLE: a task executed by a worker. Built by `wf.run(taskDecl, input)`; its retry and timeout
 * settings live in the task definition registered for the declaration, and are embedded in the
 * workflow task only when this step overrides them.
 */
import type { z } from 'zod';
import type { StepBase } from '../ir/step.js';
import type { TaskDeclIR } from '../ir/task-decl.js';
import type { In } from '../dsl/input.js';
import type { StepOptions } from '../dsl/options.js';
import { type ScopeLike, begin, record } from '../dsl/scope-kit.js';
import { type CompensableStep, makeCompensableStep } from '../dsl/step.js';
import { TASK, type TaskDecl } from '../dsl/task.js';
import { checkLiteralInput } from './check-input.js';
import type { TaskTypeModule } from './types.js';

export interface SimpleNode extends StepBase {
  readonly kind: 'simple';
  readonly task: TaskDeclIR;
}

export function run<I extends z.ZodType, O extends z.ZodType>(
  scope: ScopeLike,
  decl: TaskDecl<I, O>,
  input: In<z.input<I>>,
  options?: StepOptions,
): CompensableStep<z.output<I>, z.output<O>> {
  const r = begin(scope, decl.name, options);
  const node: SimpleNode = record(r, {
    kind: 'simple',
    ref: r.ref,
    loc: r.loc,
    input: r.values(input as object, 'input'),
    options: r.options,
    task: decl[TASK],
  });
  return makeCompensableStep(node, r.recorder);
}

export const simpleType: TaskTypeModule<SimpleNode> = {
  kind: 'simple',
  conductorTypes: ['SIMPLE'],
  execution: 'worker',
  check(node, ctx) {
    checkLiteralInput(node.task.input, node.input, node.loc, ctx, `step '${node.ref}'`);
  },
  outputSchema: (node) => node.task.output,
  lower(node, ctx) {
    return [ctx.task(node, node.task.name, 'SIMPLE', { inputParameters: ctx.values(node.input) })];
  },
};
