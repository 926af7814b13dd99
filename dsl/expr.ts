/**
 * Script expressions that run on the Conductor server (GraalJS): conditions of `if`, `switch`
 * and loops, and the body of inline steps. `when(params, fn)` takes a real TypeScript function,
 * so its parameter `$` is typed from the references it reads; the function's source text is what
 * Conductor runs, so it may use only `$` and JavaScript built-ins, never variables from outside.
 */
import type { Value } from '../ir/value.js';
import { captureCallSite } from './callsite.js';
import type { Resolved } from './input.js';
import { type ValueProblem, toValueRecord } from './values.js';
import type { SourceLoc } from '../ir/source.js';

export const EXPR: unique symbol = Symbol.for('baton.expr') as never;

export interface ExprIR {
  readonly kind: 'expr';
  /** Inputs of the script, visible to it as `$.<name>`. */
  readonly params: Readonly<Record<string, Value>>;
  /** A JavaScript expression over `$`. */
  readonly source: string;
  /** The function text as written, when the expression came from a function. */
  readonly fn?: string;
  readonly problems: readonly ValueProblem[];
  readonly loc: SourceLoc;
}

declare const exprType: unique symbol;

export interface Expr<R> {
  readonly [EXPR]: ExprIR;
  readonly [exprType]?: R;
}

export function isExpr(value: unknown): value is Expr<unknown> {
  return typeof value === 'object' && value !== null && EXPR in value;
}

/**
 * A typed script expression: `when({ score: risk.output.score }, ($) => $.score > 80)`.
 * Arrow functions and function expressions work; the function is called with `$`.
 */
export function when<const P extends Record<string, unknown>, R>(params: P, fn: ($: Resolved<P>) => R): Expr<R> {
  const problems: ValueProblem[] = [];
  const text = fn.toString();
  return Object.freeze({
    [EXPR]: Object.freeze({
      kind: 'expr',
      params: Object.freeze(toValueRecord(params, problems)),
      source: `(${text})($)`,
      fn: text,
      problems,
      loc: captureCallSite(undefined, 'when'),
    }),
  }) as Expr<R>;
}

/** A script expression written as text, for what a function cannot say. `$` holds `params`. */
export function js<R = unknown>(params: Record<string, unknown>, source: string): Expr<R> {
  const problems: ValueProblem[] = [];
  return Object.freeze({
    [EXPR]: Object.freeze({
      kind: 'expr',
      params: Object.freeze(toValueRecord(params, problems)),
      source,
      problems,
      loc: captureCallSite(undefined, 'js'),
    }),
  }) as Expr<R>;
}
