/**
 * TERMINATE: ends the workflow at once with COMPLETED or FAILED, a reason and an output. Built by
 * `wf.terminate(name, { status, reason, output })`. A FAILED terminate starts the failure
 * workflow (and so the compensations) like any other failure.
 */
import type { StepBase } from '../ir/step.js';
import type { StepOptions } from '../dsl/options.js';
import type { RefBase } from '../dsl/ref.js';
import { type ScopeLike, begin, record } from '../dsl/scope-kit.js';
import { type Step, makeStep } from '../dsl/step.js';
import type { TaskTypeModule } from './types.js';

export interface TerminateOptions extends Omit<StepOptions, 'optional'> {
  status: 'COMPLETED' | 'FAILED';
  reason?: string | RefBase<string>;
  /** The workflow's output when it ends here. */
  output?: Record<string, unknown>;
}

export interface TerminateNode extends StepBase {
  readonly kind: 'terminate';
}

export function terminate(scope: ScopeLike, name: string, options: TerminateOptions): Step<Record<string, never>> {
  const r = begin(scope, name, options);
  const input: Record<string, unknown> = { terminationStatus: options.status };
  if (options.reason !== undefined) input.terminationReason = options.reason;
  if (options.output !== undefined) input.workflowOutput = options.output;
  const node: TerminateNode = record(r, {
    kind: 'terminate',
    ref: r.ref,
    loc: r.loc,
    input: r.values(input, 'terminate'),
    options: r.options,
  });
  return makeStep(node);
}

export const terminateType: TaskTypeModule<TerminateNode> = {
  kind: 'terminate',
  conductorTypes: ['TERMINATE'],
  execution: 'control',
  check(node, ctx) {
    const status = node.input.terminationStatus;
    if (status?.kind !== 'literal' || (status.value !== 'COMPLETED' && status.value !== 'FAILED')) {
      ctx.report(node.loc, 'terminate-status', `terminate '${node.ref}' must end with status COMPLETED or FAILED`, "set status: 'COMPLETED' or status: 'FAILED'");
    }
    if (node.options.optional) {
      ctx.report(node.loc, 'terminate-optional', `terminate '${node.ref}' cannot be optional`, 'Conductor rejects an optional TERMINATE; remove optional');
    }
  },
  lower(node, ctx) {
    return [ctx.task(node, node.ref, 'TERMINATE', { inputParameters: ctx.values(node.input) })];
  },
};
