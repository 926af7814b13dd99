/**
 * Any other task type: `wf.task(name, { type, input, fields })` writes a WorkflowTask of the
 * given type with the given input and raw fields, so every Conductor task type (including those
 * of newer servers, plugins and Orkes) is reachable. Nothing about it is checked beyond the
 * basics; prefer a named builder where one exists.
 */
import { z } from 'zod';
import type { StepBase } from '../ir/step.js';
import type { Json } from '../ir/value.js';
import type { StepOptions } from '../dsl/options.js';
import { type ScopeLike, begin, record } from '../dsl/scope-kit.js';
import { type Step, makeStep } from '../dsl/step.js';
import type { ConductorTask, Execution, TaskTypeModule } from './types.js';

export interface CustomTaskOptions<O extends z.ZodType> extends StepOptions {
  /** The Conductor task type, e.g. 'LAMBDA' or a plugin's type. */
  type: string;
  input?: Record<string, unknown>;
  /** Other WorkflowTask fields, written as given. */
  fields?: Record<string, Json>;
  /** Schema of the task's output. */
  output?: O;
  /** Whether retry/timeout settings apply: 'worker'/'system' tasks get them, 'control' none. */
  execution?: Execution;
  /** The task's `name` when it differs from the reference name. */
  taskName?: string;
}

export interface CustomNode extends StepBase {
  readonly kind: 'custom';
  readonly type: string;
  readonly taskName: string;
  readonly fields: Readonly<Record<string, Json>>;
  readonly outputSchema?: z.ZodType;
  readonly execution: Execution;
}

export const RESERVED_FIELDS = ['name', 'taskReferenceName', 'type', 'inputParameters'];

export function customTask<O extends z.ZodType>(scope: ScopeLike, name: string, options: CustomTaskOptions<O>): Step<z.output<O>> {
  const r = begin(scope, name, options);
  const node: CustomNode = record(r, {
    kind: 'custom',
    ref: r.ref,
    loc: r.loc,
    input: r.values(options.input ?? {}, 'input'),
    options: r.options,
    type: options.type,
    taskName: options.taskName ?? name,
    fields: { ...options.fields },
    ...(options.output !== undefined && { outputSchema: options.output }),
    execution: options.execution ?? 'control',
  });
  return makeStep(node);
}

export const customType: TaskTypeModule<CustomNode> = {
  kind: 'custom',
  conductorTypes: [],
  execution: (node) => node.execution,
  check(node, ctx) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(node.type)) {
      ctx.report(node.loc, 'custom-type', `task '${node.ref}' has type '${node.type}'`, 'Conductor task types are upper-case names such as LAMBDA or MY_PLUGIN_TASK', 'warning');
    }
    for (const key of RESERVED_FIELDS) {
      if (key in node.fields) {
        ctx.report(node.loc, 'custom-reserved', `task '${node.ref}' sets '${key}' in fields`, `set it through the builder (${key === 'inputParameters' ? 'input' : 'name/type'}), not fields`);
      }
    }
  },
  outputSchema: (node) => node.outputSchema ?? z.unknown(),
  lower(node, ctx) {
    const fields: ConductorTask = { inputParameters: ctx.values(node.input), ...node.fields };
    return [ctx.task(node, node.taskName, node.type, fields)];
  },
};
