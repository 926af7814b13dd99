/**
 * SUB_WORKFLOW: runs another workflow as a child and waits for it; the step's output is the
 * child's output. Built by `wf.subWorkflow(otherWorkflow, input)` with the child's own baton
 * object, so the input is type-checked against the child's schema. `{ inline: true }` embeds the
 * child's definition instead of referring to it by name.
 */
import type { StepBase } from '../ir/step.js';
import type { WorkflowIR } from '../ir/workflow.js';
import type { z } from 'zod';
import type { In } from '../dsl/input.js';
import type { StepOptions } from '../dsl/options.js';
import { type ScopeLike, begin, record } from '../dsl/scope-kit.js';
import { type CompensableStep, makeCompensableStep } from '../dsl/step.js';
import { WORKFLOW } from '../dsl/brands.js';
import type { AnyWorkflow } from '../dsl/workflow.js';
import { checkLiteralInput } from './check-input.js';
import type { TaskTypeModule } from './types.js';
import { registryLookup } from './lookup.js';
import { firstSecretIn, reportSecret, secretInValues } from './embedded-secrets.js';

export interface SubWorkflowOptions extends StepOptions {
  /** Embed the child's definition in this workflow instead of referring to it by name. */
  inline?: boolean;
  /**
   * Pin a version other than the child object's own, or 'latest' to leave the version out, so
   * every run starts the newest version registered on the server at that moment.
   */
  version?: number | 'latest';
  /** Task-to-domain mapping for the child run. */
  taskToDomain?: Record<string, string>;
}

export interface SubWorkflowNode extends StepBase {
  readonly kind: 'subWorkflow';
  readonly workflow: { readonly name: string; readonly version: number; readonly external: boolean };
  readonly inputSchema: z.ZodType;
  readonly outputSchema: z.ZodType;
  /** The child's IR when inlined. */
  readonly inlineDefinition?: WorkflowIR;
  readonly taskToDomain?: Readonly<Record<string, string>>;
  /** No version is written: the server runs its newest version of the child. */
  readonly latest?: boolean;
}

export function subWorkflow<I extends z.ZodType, O extends z.ZodType>(
  scope: ScopeLike,
  child: { readonly input: I; readonly output: O } & AnyWorkflow,
  input: In<z.input<I>>,
  options?: SubWorkflowOptions,
): CompensableStep<z.output<I>, z.output<O>> {
  const r = begin(scope, child.name, options);
  const definition = child[WORKFLOW];
  let inlineDefinition: WorkflowIR | undefined;
  if (options?.inline) {
    if (definition.external) {
      r.problem('sub-workflow-inline-external', `workflow '${child.name}' is external and cannot be inlined`, 'drop inline: true; it is called by name');
    } else {
      const built = definition.build(r.recorder.mapLoc);
      inlineDefinition = built.ir;
      for (const p of built.problems) r.recorder.problem(p);
    }
  }
  const node: SubWorkflowNode = record(r, {
    kind: 'subWorkflow',
    ref: r.ref,
    loc: r.loc,
    input: r.values(input as object, 'input'),
    options: r.options,
    workflow: { name: child.name, version: typeof options?.version === 'number' ? options.version : child.version, external: definition.external },
    inputSchema: child.input,
    outputSchema: child.output,
    ...(inlineDefinition !== undefined && { inlineDefinition }),
    ...(options?.taskToDomain !== undefined && { taskToDomain: options.taskToDomain }),
    ...(options?.version === 'latest' && { latest: true }),
  });
  return makeCompensableStep(node, r.recorder);
}

function hasCompensation(steps: readonly StepBase[]): boolean {
  return steps.some((s) => s.compensation !== undefined || registryLookup().blocksOf(s).some((b) => hasCompensation(b.steps)));
}

export const subWorkflowType: TaskTypeModule<SubWorkflowNode> = {
  kind: 'subWorkflow',
  conductorTypes: ['SUB_WORKFLOW'],
  execution: 'system',
  defaultProfile: 'sub-workflow',
  check(node, ctx) {
    checkLiteralInput(node.inputSchema, node.input, node.loc, ctx, `sub-workflow '${node.ref}'`);
    const passed = secretInValues(node.input);
    if (passed !== undefined) {
      reportSecret(
        ctx,
        node.loc,
        'secret-stored',
        `sub-workflow '${node.ref}' passes secret '${passed}' as input: Conductor starts '${node.workflow.name}' with the secret's value, stored as its input`,
        `read secret('${passed}') inside '${node.workflow.name}' instead`,
      );
    }
    if (node.inlineDefinition && hasCompensation(node.inlineDefinition.steps)) {
      ctx.report(node.loc, 'compensation-in-inline-sub-workflow', `sub-workflow '${node.ref}' is inlined, so the compensations of its steps would never run`, 'call it by name (drop inline: true): its own compensation workflow then runs when it fails');
    }
    const secret = node.inlineDefinition && firstSecretIn(node.inlineDefinition.steps);
    if (secret !== undefined) {
      reportSecret(
        ctx,
        node.loc,
        'secret-in-inline-definition',
        `sub-workflow '${node.ref}' is inlined and reads secret '${secret}': Conductor would start it with the secret's value written into its definition, stored in its execution history`,
        'call it by name (drop inline: true); a registered workflow keeps the placeholder until its task runs',
      );
    }
    if (!node.inlineDefinition && !ctx.knowsWorkflow(node.workflow.name)) {
      ctx.report(
        node.loc,
        'sub-workflow-missing',
        `sub-workflow '${node.workflow.name}' is not built by this project`,
        'export it from a workflow file, declare it with externalWorkflow(), or pass { inline: true }',
      );
    } else if (!node.inlineDefinition && !node.workflow.external && !node.latest && !ctx.findWorkflow(node.workflow.name, node.workflow.version)) {
      ctx.report(node.loc, 'sub-workflow-version', `sub-workflow '${node.workflow.name}' has no version ${node.workflow.version} in this project`, 'use a version that a workflow file defines');
    }
  },
  outputSchema: (node) => node.outputSchema,
  lower(node, ctx) {
    const subWorkflowParam: Record<string, unknown> = { name: node.workflow.name };
    if (!node.latest) subWorkflowParam.version = node.workflow.version;
    if (node.inlineDefinition) subWorkflowParam.workflowDefinition = ctx.inlineWorkflow(node.inlineDefinition);
    if (node.taskToDomain) subWorkflowParam.taskToDomain = { ...node.taskToDomain };
    return [
      ctx.task(node, node.workflow.name, 'SUB_WORKFLOW', {
        inputParameters: ctx.values(node.input),
        subWorkflowParam: subWorkflowParam as never,
      }),
    ];
  },
};
