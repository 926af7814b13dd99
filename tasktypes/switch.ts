/**
 * SWITCH: runs one of several branches. Built by `wf.switch(name, on, cases, { default })` (on a
 * reference's value, or a script's result) and by `wf.if(name, condition, then, otherwise)`.
 * A step inside one branch may not have run, so it cannot be referenced after the switch;
 * instead each branch may return values, and `step.output` is the taken branch's values
 * (lowered to a small INLINE task after the SWITCH that picks them by the evaluated case).
 */
import { z } from 'zod';
import type { Block, StepBase } from '../ir/step.js';
import type { Value } from '../ir/value.js';
import type { StepOptions } from '../dsl/options.js';
import type { RefBase } from '../dsl/ref.js';
import { type ScopeLike, begin, nested, record, type Recording } from '../dsl/scope-kit.js';
import { type Step, isStep, makeStep } from '../dsl/step.js';
import { EXPR, type Expr, type ExprIR, isExpr } from '../dsl/expr.js';
import type { Resolved } from '../dsl/input.js';
import { escapeText } from '../compiler/expressions.js';
import { checkExpr } from './script.js';
import type { ConductorTask, LowerContext, TaskTypeModule } from './types.js';

/** A branch callback; typed by the Scope methods, loose here. */
export type Branch = (b: never) => unknown;

type BranchResult<F> = F extends (b: never) => infer R
  ? [R] extends [void | undefined]
    ? never
    : R extends Step<infer O>
      ? O
      : Resolved<R>
  : never;

export type SwitchResult<C, D> = { [K in keyof C]: BranchResult<C[K]> }[keyof C] | BranchResult<D>;

type CaseKeys<V> = [V] extends [string | number | boolean]
  ? string extends V
    ? string
    : number extends V
      ? string
      : `${V}`
  : string;

export type Cases<V> = { readonly [K in CaseKeys<V>]?: Branch };

/** Keys of `C` the switched value can never take, each typed as a message no branch matches. */
export type UnknownCases<C, V> = {
  // Compared as text: `{ 1: … }` has the numeric key 1, the value 1 switches on '1'.
  readonly [K in keyof C as `${K & (string | number)}` extends CaseKeys<V> ? never : K]: `'${K & (string | number)}' is not a value this switch can take`;
};

export interface SwitchOptions<D extends Branch | undefined> extends StepOptions {
  /** The branch taken when no case matches. */
  default?: D;
  /**
   * How the server evaluates a `js(params, source)` selector: 'graaljs' (default), 'javascript'
   * (the older name of the same), or 'value-param', where `source` names the parameter whose
   * value picks the case (Conductor's own form, kept by imported definitions).
   */
  evaluatorType?: SwitchEvaluator;
}

export type SwitchEvaluator = 'graaljs' | 'javascript' | 'value-param';

export interface SwitchCaseIR {
  readonly key: string;
  readonly steps: readonly StepBase[];
  readonly result?: Value;
}

export interface SwitchNode extends StepBase {
  readonly kind: 'switch';
  /** What picks the case: a value (value-param evaluator) or a script (graaljs). */
  readonly on: { readonly kind: 'value'; readonly value: Value } | { readonly kind: 'script'; readonly expr: ExprIR };
  readonly cases: readonly SwitchCaseIR[];
  readonly defaultCase: { readonly steps: readonly StepBase[]; readonly result?: Value };
  /** True when branches return values, so a result step follows the SWITCH. */
  readonly hasResult: boolean;
  /** `if` compiles its condition to 'true'/'false' cases. */
  readonly form: 'switch' | 'if';
  /** How a script selector is evaluated (graaljs when absent). */
  readonly evaluatorType?: SwitchEvaluator;
}

function runBranch(r: Recording, branch: Branch | undefined): { steps: StepBase[]; result?: Value } {
  if (!branch) return { steps: [] };
  const { steps, result } = nested(r, 'maybe', (scope) => branch(scope as never));
  if (result === undefined) return { steps };
  const value = isStep(result) ? r.value(result.output, 'branch result') : r.value(result, 'branch result');
  return { steps, result: value };
}

function resultRef(ref: string): string {
  return `${ref}_result`;
}

function build(
  scope: ScopeLike,
  name: string,
  on: SwitchNode['on'] | ((r: Recording) => SwitchNode['on']),
  cases: Record<string, Branch | undefined>,
  fallback: Branch | undefined,
  options: SwitchOptions<Branch | undefined> | undefined,
  form: SwitchNode['form'],
): Step<unknown> {
  const r = begin(scope, name, options);
  const picked = typeof on === 'function' ? on(r) : on;
  const caseNodes: SwitchCaseIR[] = [];
  for (const [key, branch] of Object.entries(cases)) {
    if (!branch) continue;
    caseNodes.push({ key, ...runBranch(r, branch) });
  }
  const defaultCase = runBranch(r, fallback);
  const hasResult = caseNodes.some((c) => c.result !== undefined) || defaultCase.result !== undefined;
  if (hasResult) r.recorder.reserve(resultRef(r.ref));
  const node: SwitchNode = record(r, {
    kind: 'switch',
    ref: r.ref,
    loc: r.loc,
    input: {},
    options: r.options,
    on: picked,
    cases: caseNodes,
    defaultCase,
    hasResult,
    form,
    ...(options?.evaluatorType !== undefined && { evaluatorType: options.evaluatorType }),
  });
  return makeStep(node);
}

function selector(on: RefBase<unknown> | Expr<unknown>): (r: Recording) => SwitchNode['on'] {
  return (r) => (isExpr(on) ? { kind: 'script', expr: on[EXPR] } : { kind: 'value', value: r.value(on, 'switch value') });
}

export function switchOn<V, C extends Cases<V>, D extends Branch | undefined = undefined>(
  scope: ScopeLike,
  name: string,
  on: RefBase<V> | Expr<V>,
  cases: C,
  options?: SwitchOptions<D>,
): Step<SwitchResult<C, D>> {
  return build(scope, name, selector(on), cases as Record<string, Branch>, options?.default, options, 'switch') as Step<
    SwitchResult<C, D>
  >;
}

export function ifThen<T extends Branch, E extends Branch | undefined = undefined>(
  scope: ScopeLike,
  name: string,
  condition: RefBase<boolean | null | undefined> | Expr<unknown>,
  then: T,
  otherwise?: E,
  options?: StepOptions,
): Step<BranchResult<T> | BranchResult<E>> {
  const on = (r: Recording): SwitchNode['on'] => {
    if (isExpr(condition)) {
      const expr = condition[EXPR];
      return { kind: 'script', expr: { ...expr, source: `((${expr.source}) ? 'true' : 'false')` } };
    }
    return { kind: 'value', value: r.value(condition, 'condition') };
  };
  return build(scope, name, on, { true: then }, otherwise, options, 'if') as Step<BranchResult<T> | BranchResult<E>>;
}

function blocksOf(node: SwitchNode): Block[] {
  const blocks: Block[] = node.cases.map((c) => ({ label: `case '${c.key}'`, mode: 'maybe', steps: c.steps }));
  blocks.push({ label: 'default', mode: 'maybe', steps: node.defaultCase.steps });
  return blocks;
}

/** The INLINE after the SWITCH that returns the values of the branch that ran. */
function lowerResult(node: SwitchNode, ctx: LowerContext): ConductorTask {
  const keys = node.cases.map((c) => c.key);
  const results: Record<string, Value> = {};
  node.cases.forEach((c, i) => {
    results[`case${i}`] = c.result ?? { kind: 'literal', value: null };
  });
  results.fallback = node.defaultCase.result ?? { kind: 'literal', value: null };
  const script =
    `(function () { var keys = ${JSON.stringify(keys)}; ` +
    `var taken = $.evaluationResult == null ? null : String($.evaluationResult[0]); ` +
    `var i = keys.indexOf(taken); return i < 0 ? $.fallback : $['case' + i]; })()`;
  return ctx.helper(resultRef(node.ref), 'INLINE', {
    inputParameters: {
      evaluationResult: `\${${node.ref}.output.evaluationResult}`,
      ...ctx.values(results),
      evaluatorType: 'graaljs',
      expression: escapeText(script),
    },
  });
}

/** What the branches return is typed by TypeScript; the compiler checks no path in it. */
const ANY_RESULT = z.unknown();

export const switchType: TaskTypeModule<SwitchNode> = {
  kind: 'switch',
  conductorTypes: ['SWITCH'],
  execution: 'control',
  blocks: blocksOf,
  extraValues(node) {
    const values: { label: string; value: Value; placement: { at: 'step' } | { at: 'endOfBlock'; block: number } }[] = [];
    if (node.on.kind === 'value') values.push({ label: 'switch value', value: node.on.value, placement: { at: 'step' } });
    else for (const [label, value] of Object.entries(node.on.expr.params)) values.push({ label, value, placement: { at: 'step' } });
    node.cases.forEach((c, i) => {
      if (c.result) values.push({ label: `result of case '${c.key}'`, value: c.result, placement: { at: 'endOfBlock', block: i } });
    });
    if (node.defaultCase.result) {
      values.push({ label: 'result of default', value: node.defaultCase.result, placement: { at: 'endOfBlock', block: node.cases.length } });
    }
    return values;
  },
  check(node, ctx) {
    if (node.on.kind === 'script' && node.evaluatorType !== 'value-param') checkExpr(node.on.expr, node.loc, ctx, `condition of '${node.ref}'`);
    if (node.evaluatorType !== undefined && node.on.kind !== 'script') {
      ctx.report(node.loc, 'switch-evaluator', `switch '${node.ref}' sets evaluatorType but selects by a reference`, 'evaluatorType applies to a js(params, source) selector');
    }
    if (node.cases.length === 0) {
      ctx.report(node.loc, 'switch-no-cases', `switch '${node.ref}' has no cases`, 'Conductor requires at least one case; add one, or drop the switch');
    }
    const empty = node.cases.every((c) => c.steps.length === 0) && node.defaultCase.steps.length === 0;
    if (empty && !node.hasResult) {
      ctx.report(node.loc, 'switch-empty', `switch '${node.ref}' runs no step in any branch`, undefined, 'warning');
    }
  },
  outputRef: (node) => (node.hasResult ? { ref: resultRef(node.ref), prefix: ['result'] } : { ref: node.ref, prefix: [] }),
  outputSchema: () => ANY_RESULT,
  lower(node, ctx) {
    const decisionCases: Record<string, ConductorTask[]> = {};
    for (const c of node.cases) decisionCases[c.key] = ctx.block(c.steps);
    const fields: ConductorTask =
      node.on.kind === 'value'
        ? { inputParameters: { switchCaseValue: ctx.value(node.on.value) }, evaluatorType: 'value-param', expression: 'switchCaseValue' }
        : { inputParameters: ctx.values(node.on.expr.params), evaluatorType: node.evaluatorType ?? 'graaljs', expression: node.on.expr.source };
    const tasks = [
      ctx.task(node, node.ref, 'SWITCH', { ...fields, decisionCases, defaultCase: ctx.block(node.defaultCase.steps) }),
    ];
    if (node.hasResult) tasks.push(lowerResult(node, ctx));
    return tasks;
  },
};

