/**
 * START_WORKFLOW: starts another workflow and goes on without waiting for it; the step's output
 * is `{ workflowId }` of the started run. Built by `wf.startWorkflow(otherWorkflow, input)` with
 * the other workflow's baton object, so the input is type-checked against its schema (as for
 * sub-workflows).
 *
 * Conductor reads one input parameter, `startWorkflow`, as a StartWorkflowRequest (name, version,
 * input, correlationId, priority, taskToDomain; core/.../tasks/StartWorkflow.java). When the
 * request leaves them out, the started run inherits this run's correlationId and taskToDomain.
 * An unknown workflow or version fails the step (and it is retried per its policy); the task
 * completes as soon as the other run is created, whatever becomes of that run. The undo of a
 * started run (terminating it by `done.output.workflowId`) may be declared with `.compensate()`.
 *
 * The request's `idempotencyKey` is not offered: OSS 3.32's StartWorkflow passes the request to
 * `WorkflowExecutor.startWorkflow`, which never reads it (only the agent start path does).
 */
import { z } from 'zod';
import type { StepBase } from '../ir/step.js';
import type { Value } from '../ir/value.js';
import type { In } from '../dsl/input.js';
import type { StepOptions } from '../dsl/options.js';
import type { RefBase } from '../dsl/ref.js';
import { type ScopeLike, begin, record } from '../dsl/scope-kit.js';
import { type CompensableStep, makeCompensableStep } from '../dsl/step.js';
import { WORKFLOW } from '../dsl/brands.js';
import type { AnyWorkflow } from '../dsl/workflow.js';
import { checkLiteralInput } from './check-input.js';
import { checkWholeNumber } from './value-facts.js';
import type { TaskTypeModule } from './types.js';
import { reportSecret, secretInValues } from './embedded-secrets.js';

export interface StartWorkflowOptions extends StepOptions {
  /** Start a version other than the target object's own. */
  version?: number;
  /** Correlation id of the started run (default: this run's correlation id). */
  correlationId?: string | RefBase<string>;
  /** Priority of the started run, 0 (default) to 99. */
  priority?: number | RefBase<number>;
  /** Task-to-domain mapping of the started run (default: this run's mapping). */
  taskToDomain?: Record<string, string>;
}

export interface StartWorkflowOutput {
  /** The id of the run that was started. */
  readonly workflowId: string;
}

/** The task's input as Conductor holds it (what a compensation reads as `done.input`). */
export interface StartWorkflowInput<I> {
  readonly startWorkflow: {
    readonly name: string;
    readonly version: number;
    readonly input: I;
    readonly correlationId?: string;
    readonly priority?: number;
    readonly taskToDomain?: Record<string, string>;
  };
}

export interface StartWorkflowNode extends StepBase {
  readonly kind: 'startWorkflow';
  readonly workflow: { readonly name: string; readonly version: number; readonly external: boolean };
  readonly inputSchema: z.ZodType;
  /** correlationId, priority, taskToDomain as given. */
  readonly request: Readonly<Record<string, Value>>;
}

export function startWorkflow<I extends z.ZodType>(
  scope: ScopeLike,
  target: { readonly input: I } & AnyWorkflow,
  input: In<z.input<I>>,
  options?: StartWorkflowOptions,
): CompensableStep<StartWorkflowInput<z.output<I>>, StartWorkflowOutput> {
  const r = begin(scope, `start_${target.name}`, options);
  const definition = target[WORKFLOW];
  const request: Record<string, unknown> = {};
  if (options?.correlationId !== undefined) request.correlationId = options.correlationId;
  if (options?.priority !== undefined) request.priority = options.priority;
  if (options?.taskToDomain !== undefined) request.taskToDomain = options.taskToDomain;
  const node: StartWorkflowNode = record(r, {
    kind: 'startWorkflow',
    ref: r.ref,
    loc: r.loc,
    input: r.values(input as object, 'input'),
    options: r.options,
    workflow: { name: target.name, version: options?.version ?? target.version, external: definition.external },
    inputSchema: target.input,
    request: r.values(request, 'startWorkflow'),
  });
  return makeCompensableStep(node, r.recorder);
}

export const startWorkflowType: TaskTypeModule<StartWorkflowNode> = {
  kind: 'startWorkflow',
  conductorTypes: ['START_WORKFLOW'],
  execution: 'system',
  extraValues: (node) => [{ label: 'startWorkflow', value: { kind: 'object', fields: node.request }, placement: { at: 'step' } }],
  check(node, ctx) {
    checkLiteralInput(node.inputSchema, node.input, node.loc, ctx, `startWorkflow '${node.ref}'`);
    const secret = secretInValues(node.input);
    if (secret !== undefined) {
      reportSecret(
        ctx,
        node.loc,
        'secret-stored',
        `startWorkflow '${node.ref}' passes secret '${secret}' as input: Conductor starts '${node.workflow.name}' with the secret's value, stored as its input`,
        `read secret('${secret}') inside '${node.workflow.name}' instead`,
      );
    }
    if (!ctx.knowsWorkflow(node.workflow.name)) {
      ctx.report(
        node.loc,
        'start-workflow-missing',
        `startWorkflow '${node.ref}' starts '${node.workflow.name}', which is not built by this project`,
        'export it from a workflow file or declare it with externalWorkflow()',
      );
    } else if (!node.workflow.external && !ctx.findWorkflow(node.workflow.name, node.workflow.version)) {
      ctx.report(node.loc, 'start-workflow-version', `startWorkflow '${node.ref}' starts '${node.workflow.name}' version ${node.workflow.version}, which this project does not define`, 'use a version that a workflow file defines');
    }
    checkWholeNumber(node.request.priority, 0, 99, node.loc, ctx, 'start-workflow-priority', `startWorkflow '${node.ref}' priority`);
  },
  outputSchema: () => z.object({ workflowId: z.string() }),
  lower(node, ctx) {
    const request = {
      name: node.workflow.name,
      version: node.workflow.version,
      input: ctx.values(node.input),
      ...ctx.values(node.request),
    };
    return [ctx.task(node, node.ref, 'START_WORKFLOW', { inputParameters: { startWorkflow: request } })];
  },
};
