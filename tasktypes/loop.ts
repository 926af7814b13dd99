/**
 * DO_WHILE: a body that runs again while a condition holds, up to a bound. Built by
 * `wf.loop(name, (b, iteration) => …, { maxIterations, while })` and, for a sequential walk over
 * a list, `wf.loopOver(name, items, (item, b, index) => …)`. Steps inside the body are not
 * referenced from outside (which pass would they mean?); the body returns values instead, and
 * `loop.output` reads them from the last pass.
 */
import type { Block, StepBase } from '../ir/step.js';
import type { Value } from '../ir/value.js';
import { literal } from '../ir/value.js';
import type { StepOptions } from '../dsl/options.js';
import { type Ref, type RefBase, makeRef } from '../dsl/ref.js';
import { type ScopeLike, begin, nested, record, type Recording } from '../dsl/scope-kit.js';
import { STEP, type Step, isStep, makeStep } from '../dsl/step.js';
import { EXPR, type Expr, type ExprIR, isExpr } from '../dsl/expr.js';
import type { Resolved } from '../dsl/input.js';
import type { Scope } from '../dsl/scope.js';
import { escapeText } from '../compiler/expressions.js';
import { checkExpr, syntaxError } from './script.js';
import type { ConductorTask, PlacedValue, TaskTypeModule } from './types.js';

type ResultOf<R> = [R] extends [void | undefined] ? never : R extends Step<infer O> ? O : Resolved<R>;

export interface LoopOptions<R> extends StepOptions {
  /** Upper bound on passes; the loop stops there even if `while` still holds. */
  maxIterations?: number;
  /** Evaluated after every pass: go round again while it is true. */
  while?: (last: Ref<ResultOf<R>>, iteration: Ref<number>) => Expr<unknown> | RefBase<boolean | null | undefined>;
  /** Keep only the last N passes' tasks in the execution (Conductor's keepLastN). */
  keepLastN?: number;
  /**
   * Conductor's own loopCondition, used as written instead of `while` and `maxIterations` (an
   * imported definition): JavaScript the server evaluates after every pass, with `$` holding the
   * loop's `input` and each body task's output under its reference, e.g.
   * `$.poll['status'] != 'DONE'`. Prefer `while`, which is typed.
   */
  loopCondition?: string;
  /** The loop task's own input parameters, read by `loopCondition` as `$.<name>`. */
  input?: Record<string, unknown>;
}

export interface LoopStep<O> extends Step<O> {
  /** The number of the current (or, after the loop, the last) pass, from 1. */
  readonly iteration: Ref<number>;
}

export interface LoopNode extends StepBase {
  readonly kind: 'loop';
  readonly body: readonly StepBase[];
  readonly result?: Value;
  readonly condition?: ExprIR;
  readonly maxIterations?: number;
  readonly keepLastN?: number;
  /** Set for loopOver: the list walked, one element per pass. */
  readonly over?: Value;
  /** Conductor's loopCondition as written, with the loop's `input`; replaces the generated one. */
  readonly loopCondition?: string;
}

export const itemRef = (ref: string) => `${ref}_item`;
export const guardRef = (ref: string) => `${ref}_guard`;

function finish<R>(r: Recording, body: StepBase[], result: unknown, options: LoopOptions<R> | undefined, over?: Value): LoopStep<ResultOf<R>> {
  const resultValue =
    result === undefined ? undefined : isStep(result) ? r.value(result.output, 'loop result') : r.value(result, 'loop result');
  const alias = <T>() =>
    makeRef<T>({ kind: 'alias', owner: r.ref, value: resultValue ?? literal(null) });
  const iteration = makeRef<number>({ kind: 'iteration', owner: r.ref });
  let condition: ExprIR | undefined;
  if (options?.while) {
    const cond = options.while(alias(), iteration);
    if (isExpr(cond)) {
      const expr = cond[EXPR];
      condition = expr;
    } else {
      condition = {
        kind: 'expr',
        params: { continue: r.value(cond, 'while') },
        source: '($.continue === true)',
        problems: [],
        loc: r.loc,
      };
    }
  }
  if (options?.loopCondition !== undefined && (options.while || options.maxIterations !== undefined || over)) {
    r.problem('loop-condition-mixed', `loop '${r.ref}' has loopCondition besides while, maxIterations or a list`, 'loopCondition is the whole condition as Conductor reads it; drop the others or drop loopCondition');
  }
  const node: LoopNode = record(r, {
    kind: 'loop',
    ref: r.ref,
    loc: r.loc,
    input: r.values(options?.input ?? {}, 'input'),
    options: r.options,
    body,
    ...(resultValue !== undefined && { result: resultValue }),
    ...(condition !== undefined && { condition }),
    ...(options?.maxIterations !== undefined && { maxIterations: options.maxIterations }),
    ...(options?.keepLastN !== undefined && { keepLastN: options.keepLastN }),
    ...(over !== undefined && { over }),
    ...(options?.loopCondition !== undefined && { loopCondition: options.loopCondition }),
  });
  const step = makeStep<ResultOf<R>>(node);
  return { ...step, [STEP]: node, output: alias(), iteration };
}

export function loop<R>(
  scope: ScopeLike,
  name: string,
  body: (b: Scope, iteration: Ref<number>) => R,
  options?: LoopOptions<R>,
): LoopStep<ResultOf<R>> {
  const r = begin(scope, name, options);
  const iteration = makeRef<number>({ kind: 'iteration', owner: r.ref });
  const { steps, result } = nested(r, 'repeat', (s) => body(s as Scope, iteration));
  return finish(r, steps, result, options);
}

export function loopOver<T, R>(
  scope: ScopeLike,
  name: string,
  items: RefBase<readonly T[] | null | undefined>,
  body: (item: Ref<T>, b: Scope, index: Ref<number>) => R,
  options?: Omit<LoopOptions<R>, 'maxIterations'> & { maxIterations?: number },
): LoopStep<ResultOf<R>> {
  const r = begin(scope, name, options);
  r.recorder.reserve(itemRef(r.ref));
  r.recorder.reserve(guardRef(r.ref));
  const over = r.value(items, 'items');
  const item = makeRef<T>({ kind: 'item', owner: r.ref });
  const index = makeRef<number>({ kind: 'index', owner: r.ref });
  const { steps, result } = nested(r, 'repeat', (s) => body(item, s as Scope, index));
  return finish(r, steps, result, options, over);
}

function conditionScript(node: LoopNode): string {
  const self = `$['${node.ref}']`;
  const parts: string[] = [];
  if (node.over) parts.push(`(${self}.iteration < ($.items == null ? 0 : $.items.length))`);
  if (node.maxIterations !== undefined) parts.push(`(${self}.iteration < ${node.maxIterations})`);
  if (node.condition) parts.push(`Boolean(${node.condition.source})`);
  return parts.length === 0 ? 'false' : parts.join(' && ');
}

export const loopType: TaskTypeModule<LoopNode> = {
  kind: 'loop',
  conductorTypes: ['DO_WHILE'],
  execution: 'control',
  aliasBlock: 0,
  itemRef: (node, which) => ({ ref: itemRef(node.ref), prefix: ['result', which] }),
  blocks: (node): Block[] => [{ label: 'loop body', mode: 'repeat', steps: node.body }],
  extraValues(node) {
    const values: PlacedValue[] = [];
    if (node.over) values.push({ label: 'items', value: node.over, placement: { at: 'step' } });
    if (node.condition) {
      for (const [label, value] of Object.entries(node.condition.params)) {
        values.push({ label: `while ${label}`, value, placement: { at: 'endOfBlock', block: 0 } });
      }
    }
    if (node.result) values.push({ label: 'loop result', value: node.result, placement: { at: 'endOfBlock', block: 0 } });
    return values;
  },
  check(node, ctx) {
    if (node.body.length === 0) {
      ctx.report(node.loc, 'loop-empty', `loop '${node.ref}' has an empty body`, 'Conductor requires at least one task in loopOver');
    }
    if (node.condition) checkExpr(node.condition, node.loc, ctx, `while condition of '${node.ref}'`);
    if (node.loopCondition !== undefined) {
      const error = syntaxError(node.loopCondition);
      if (error) ctx.report(node.loc, 'script-syntax', `loopCondition of '${node.ref}' is not valid JavaScript: ${error}`, 'the server fails the loop when it evaluates it', 'warning');
      return;
    }
    if (!node.over && node.maxIterations === undefined && node.condition) {
      ctx.report(node.loc, 'loop-unbounded', `loop '${node.ref}' has no maxIterations`, 'add maxIterations so a condition that never turns false cannot run forever', 'warning');
    }
    if (!node.over && node.maxIterations === undefined && !node.condition) {
      ctx.report(node.loc, 'loop-no-exit', `loop '${node.ref}' has neither maxIterations nor while`, 'say how many passes to make (maxIterations) or when to stop (while)');
    }
    if (node.maxIterations !== undefined && (!Number.isInteger(node.maxIterations) || node.maxIterations < 1)) {
      ctx.report(node.loc, 'loop-bound', `loop '${node.ref}' has maxIterations ${node.maxIterations}`, 'use a whole number of at least 1');
    }
  },
  lower(node, ctx) {
    const inputParameters: Record<string, unknown> = { ...ctx.values(node.input) };
    if (node.condition) Object.assign(inputParameters, ctx.values(node.condition.params));
    if (node.over) inputParameters.items = ctx.value(node.over);
    if (node.keepLastN !== undefined) inputParameters.keepLastN = node.keepLastN;
    const body = ctx.block(node.body);
    if (node.over) {
      const pick = `(function () { var i = $.iteration - 1; return { item: $.items[i], index: i }; })()`;
      body.unshift(
        ctx.helper(itemRef(node.ref), 'INLINE', {
          inputParameters: {
            items: `\${${node.ref}.input.items}`,
            iteration: `\${${node.ref}.output.iteration}`,
            evaluatorType: 'graaljs',
            expression: escapeText(pick),
          },
        }),
      );
    }
    const doWhile = ctx.task(node, node.ref, 'DO_WHILE', {
      inputParameters: inputParameters as ConductorTask,
      loopCondition: node.loopCondition ?? conditionScript(node),
      loopOver: body,
    });
    if (!node.over) return [doWhile];
    // A DO_WHILE always runs its body once; an empty list must not.
    return [
      ctx.helper(guardRef(node.ref), 'SWITCH', {
        inputParameters: { items: ctx.value(node.over) },
        evaluatorType: 'graaljs',
        expression: "($.items != null && $.items.length > 0) ? 'run' : 'skip'",
        decisionCases: { run: [doWhile] },
        defaultCase: [],
      }),
    ];
  },
};
