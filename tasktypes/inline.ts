/**
 * INLINE: JavaScript evaluated by the Conductor server (GraalJS), for small computations that
 * need no worker. Built by `wf.inline(name, params, ($) => …)`; the output is `{ result }`, and
 * `step.output.result` is typed from the function's return type.
 */
import { z } from 'zod';
import type { StepBase } from '../ir/step.js';
import type { Resolved } from '../dsl/input.js';
import type { StepOptions } from '../dsl/options.js';
import { type ScopeLike, begin, record } from '../dsl/scope-kit.js';
import { type Step, makeStep } from '../dsl/step.js';
import { EXPR, type ExprIR, js, when } from '../dsl/expr.js';
import { escapeText } from '../compiler/expressions.js';
import { checkExpr } from './script.js';
import type { TaskTypeModule } from './types.js';

export interface InlineNode extends StepBase {
  readonly kind: 'inline';
  readonly expr: ExprIR;
  readonly resultSchema?: z.ZodType;
  /** The evaluator named in the task (graaljs when absent). */
  readonly evaluatorType?: InlineEvaluator;
}

/** 'javascript' is the older name of the same GraalJS evaluator, kept by imported definitions. */
export type InlineEvaluator = 'graaljs' | 'javascript';

export interface InlineOptions<O extends z.ZodType> extends StepOptions {
  /** Schema of `result`, when the function's return type is not enough (or for text scripts). */
  output?: O;
  /** The evaluator the task names (default 'graaljs'). */
  evaluatorType?: InlineEvaluator;
}

export function inline<const P extends Record<string, unknown>, R>(
  scope: ScopeLike,
  name: string,
  params: P,
  fn: (($: Resolved<P>) => R) | string,
  options?: InlineOptions<z.ZodType>,
): Step<{ result: R }> {
  const r = begin(scope, name, options);
  const expr = typeof fn === 'string' ? js(params, fn) : when(params, fn);
  const node: InlineNode = record(r, {
    kind: 'inline',
    ref: r.ref,
    loc: r.loc,
    input: {},
    options: r.options,
    expr: expr[EXPR],
    ...(options?.output !== undefined && { resultSchema: options.output }),
    ...(options?.evaluatorType !== undefined && { evaluatorType: options.evaluatorType }),
  });
  return makeStep(node);
}

/** `{ result }` around the result schema, made once per result schema (zod objects are costly). */
const outputSchemas = new WeakMap<z.ZodType, z.ZodType>();
const UNKNOWN_RESULT = z.unknown();

function outputSchemaFor(result: z.ZodType = UNKNOWN_RESULT): z.ZodType {
  let schema = outputSchemas.get(result);
  if (!schema) outputSchemas.set(result, (schema = z.object({ result })));
  return schema;
}

export const inlineType: TaskTypeModule<InlineNode> = {
  kind: 'inline',
  conductorTypes: ['INLINE'],
  execution: 'control',
  extraValues: (node) =>
    Object.entries(node.expr.params).map(([label, value]) => ({ label, value, placement: { at: 'step' } as const })),
  check(node, ctx) {
    checkExpr(node.expr, node.loc, ctx, `inline step '${node.ref}'`);
    if ('evaluatorType' in node.expr.params || 'expression' in node.expr.params) {
      ctx.report(node.loc, 'reserved-input', `inline step '${node.ref}' has a parameter named evaluatorType or expression`, 'Conductor reads those names itself; rename the parameter');
    }
  },
  outputSchema: (node) => outputSchemaFor(node.resultSchema),
  lower(node, ctx) {
    return [
      ctx.task(node, node.ref, 'INLINE', {
        inputParameters: { ...ctx.values(node.expr.params), evaluatorType: node.evaluatorType ?? 'graaljs', expression: escapeText(node.expr.source) },
      }),
    ];
  },
};
