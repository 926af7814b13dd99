/**
 * `task(name, options)`: declares a task that a worker implements. The declaration is pure data
 * (name, zod schemas, options); the worker lives apart and is checked against it.
 */
import { z } from 'zod';
import type { TaskDeclIR } from '../ir/task-decl.js';
import type { Json } from '../ir/value.js';
import { captureCallSite } from './callsite.js';
import { type PolicyOptions, pickPolicy } from './options.js';

export const TASK: unique symbol = Symbol.for('baton.task') as never;

export interface TaskOptions<I extends z.ZodType, O extends z.ZodType> extends PolicyOptions {
  input: I;
  output: O;
  description?: string;
  /** Named defaults from the project policy: 'default', 'external', 'database', … */
  profile?: string;
  ownerEmail?: string;
  /** Input fields to keep out of logs and audit lines. */
  sensitive?: readonly string[];
  /**
   * Register exactly the settings written here, as `baton import` does for a task definition
   * it read from a server: no profile and no project defaults apply, and the server fills in
   * its own defaults for what is left out. Remove it to opt into the project's policy.
   */
  preserveSettings?: boolean;
  /** TaskDef fields baton has no option for (`inputTemplate`, `isolationGroupId`, …), written as given. */
  fields?: Record<string, Json>;
}

export interface TaskDecl<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly [TASK]: TaskDeclIR;
  readonly name: string;
  readonly input: I;
  readonly output: O;
}

export function task<I extends z.ZodType, O extends z.ZodType>(
  name: string,
  options: TaskOptions<I, O>,
): TaskDecl<I, O> {
  const ir: TaskDeclIR = Object.freeze({
    kind: 'taskDecl',
    name,
    ...(options.description !== undefined && { description: options.description }),
    input: options.input,
    output: options.output,
    ...(options.profile !== undefined && { profile: options.profile }),
    policy: Object.freeze(pickPolicy(options)),
    ...(options.ownerEmail !== undefined && { ownerEmail: options.ownerEmail }),
    ...(options.sensitive !== undefined && { sensitive: Object.freeze([...options.sensitive]) }),
    ...(options.preserveSettings === true && { preserveSettings: true }),
    ...(options.fields !== undefined && { fields: Object.freeze({ ...options.fields }) }),
    loc: captureCallSite(undefined, name),
  });
  return Object.freeze({ [TASK]: ir, name, input: options.input, output: options.output });
}

export function isTaskDecl(value: unknown): value is TaskDecl {
  return typeof value === 'object' && value !== null && TASK in value;
}

/** A task with no declared input or output fields, for quick declarations. */
export const emptyObject = (): z.ZodObject<{}> => z.object({});
