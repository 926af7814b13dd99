/**
 * NOOP: a task that completes at once and does nothing. Built by `wf.noop(name)`; useful as an
 * explicit end of a branch, or as a placeholder while a workflow is being written. The server
 * completes it inside the decider (core/.../tasks/Noop.java), so no retry or timeout applies.
 */
import type { StepBase } from '../ir/step.js';
import type { StepOptions } from '../dsl/options.js';
import { type ScopeLike, begin, record } from '../dsl/scope-kit.js';
import { type Step, makeStep } from '../dsl/step.js';
import type { TaskTypeModule } from './types.js';

export interface NoopNode extends StepBase {
  readonly kind: 'noop';
}

export function noop(scope: ScopeLike, name: string, options?: StepOptions): Step<Record<string, never>> {
  const r = begin(scope, name, options);
  const node: NoopNode = record(r, { kind: 'noop', ref: r.ref, loc: r.loc, input: {}, options: r.options });
  return makeStep(node);
}

export const noopType: TaskTypeModule<NoopNode> = {
  kind: 'noop',
  conductorTypes: ['NOOP'],
  execution: 'control',
  lower(node, ctx) {
    return [ctx.task(node, node.ref, 'NOOP', { inputParameters: {} })];
  },
};
