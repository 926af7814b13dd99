/**
 * EXCLUSIVE_JOIN: continues with the output of whichever of several steps ran, typically the
 * last steps of switch branches of which only one is taken. Built by
 * `wf.exclusiveJoin(name, { joinOn: [a, b], defaultJoinOn: [c] })`; the step's output is the
 * output of the step it settled on.
 *
 * How the server decides (core/.../tasks/ExclusiveJoin.java): it walks `joinOn` in order and
 * takes the first step that was scheduled and not skipped; it waits until that step finishes,
 * then completes with its output (or fails with its failure). When no step of `joinOn` ran, it
 * walks `defaultExclusiveJoinTask` the same way. When none of them ran at all, the task stays
 * IN_PROGRESS for ever, so every path through the workflow must run one of the steps.
 */
import { z } from 'zod';
import type { BlockMode, StepBase } from '../ir/step.js';
import type { PathSegment } from '../ir/value.js';
import type { StepOptions } from '../dsl/options.js';
import { type ScopeLike, begin, record } from '../dsl/scope-kit.js';
import type { RefBase } from '../dsl/ref.js';
import { STEP, type Step, makeStep } from '../dsl/step.js';
import { registryLookup } from './lookup.js';
import type { CheckContext, ConductorTask, TaskTypeModule } from './types.js';

/**
 * What the join needs of a step handle. A `Step<O>` is invariant in O (its output reference has
 * a field per property), so the constraint names only the covariant parts.
 */
export interface JoinableStep<O = unknown> {
  readonly [STEP]: StepBase;
  readonly output: RefBase<O>;
}

export interface ExclusiveJoinOptions<J extends readonly JoinableStep[], D extends readonly JoinableStep[]> extends StepOptions {
  /** The steps to continue from, in the order they are tried. */
  joinOn: J;
  /** Steps tried, in order, when none of `joinOn` ran. */
  defaultJoinOn?: D;
}

/** The output type of a step handle. */
export type OutputOf<S> = S extends { readonly output: RefBase<infer O> } ? O : never;

export interface ExclusiveJoinNode extends StepBase {
  readonly kind: 'exclusiveJoin';
  /** The joined steps' nodes (shared with where they were recorded, not copies). */
  readonly joinOn: readonly StepBase[];
  readonly defaultJoinOn: readonly StepBase[];
}

export function exclusiveJoin<J extends readonly JoinableStep[], D extends readonly JoinableStep[] = []>(
  scope: ScopeLike,
  name: string,
  options: ExclusiveJoinOptions<J, D>,
): Step<OutputOf<J[number] | D[number]>> {
  const r = begin(scope, name, options);
  const node: ExclusiveJoinNode = record(r, {
    kind: 'exclusiveJoin',
    ref: r.ref,
    loc: r.loc,
    input: {},
    options: r.options,
    joinOn: options.joinOn.map((s) => s[STEP]),
    defaultJoinOn: (options.defaultJoinOn ?? []).map((s) => s[STEP]),
  });
  return makeStep(node);
}

interface Placed {
  /** The steps enclosing this one, outermost first, with the mode of the block it sits in. */
  readonly enclosing: readonly { readonly owner: StepBase; readonly mode: BlockMode }[];
}

function placeSteps(steps: readonly StepBase[]): Map<StepBase, Placed> {
  const placed = new Map<StepBase, Placed>();
  const walk = (list: readonly StepBase[], enclosing: Placed['enclosing']) => {
    for (const step of list) {
      placed.set(step, { enclosing });
      for (const block of registryLookup().blocksOf(step)) walk(block.steps, [...enclosing, { owner: step, mode: block.mode }]);
    }
  };
  walk(steps, []);
  return placed;
}

/** The task the join waits on for a step, and where that task keeps the step's output. */
function joinTarget(step: StepBase): { readonly ref: string; readonly prefix: readonly PathSegment[] } {
  return registryLookup().outputRefOf(step);
}

function checkTargets(node: ExclusiveJoinNode, ctx: CheckContext): void {
  const placed = placeSteps(ctx.workflow.steps);
  const self = placed.get(node);
  const targets = [...node.joinOn, ...node.defaultJoinOn];
  for (const target of targets) {
    const where = placed.get(target);
    if (!where || !self) {
      ctx.report(node.loc, 'exclusive-join-unknown-step', `exclusiveJoin '${node.ref}' joins on '${target.ref}', which is not a step of workflow '${ctx.workflow.name}'`, 'join on steps recorded in this workflow');
      continue;
    }
    // A step inside a loop or for-each body that does not also hold the join runs under other
    // task names (one per pass or element), so the join would never find it.
    const repeated = where.enclosing.find((e) => (e.mode === 'repeat' || e.mode === 'isolated') && !self.enclosing.some((s) => s.owner === e.owner));
    if (repeated) {
      ctx.report(node.loc, 'exclusive-join-repeated', `exclusiveJoin '${node.ref}' joins on '${target.ref}', which runs inside '${repeated.owner.ref}' once per pass`, 'join inside the loop, or return the value from the loop body and read the loop output');
      continue;
    }
    if (target.kind === 'loop') {
      ctx.report(node.loc, 'exclusive-join-loop', `exclusiveJoin '${node.ref}' joins on loop '${target.ref}', whose task output is not the loop's result`, 'join on a step after the loop that carries its result');
    }
  }
  const seen = new Set<StepBase>();
  for (const target of targets) {
    if (seen.has(target)) ctx.report(node.loc, 'exclusive-join-duplicate', `exclusiveJoin '${node.ref}' lists '${target.ref}' twice`, 'list each step once', 'warning');
    seen.add(target);
  }
  const prefixes = new Set(targets.map((t) => JSON.stringify(joinTarget(t).prefix)));
  if (prefixes.size > 1) {
    ctx.report(node.loc, 'exclusive-join-mixed', `exclusiveJoin '${node.ref}' joins on steps whose outputs have different shapes`, 'join on steps of the same kind (e.g. all worker tasks); the join output is the raw task output of the one that ran');
  }
}

export const exclusiveJoinType: TaskTypeModule<ExclusiveJoinNode> = {
  kind: 'exclusiveJoin',
  conductorTypes: ['EXCLUSIVE_JOIN'],
  execution: 'control',
  check(node, ctx) {
    if (node.joinOn.length === 0) {
      ctx.report(node.loc, 'exclusive-join-empty', `exclusiveJoin '${node.ref}' joins on no step`, 'list the steps to continue from in joinOn; without them the task never completes');
      return;
    }
    checkTargets(node, ctx);
  },
  // The join's output is the raw output of the joined task, laid out as that task lays it out.
  outputRef: (node) => ({ ref: node.ref, prefix: node.joinOn[0] ? joinTarget(node.joinOn[0]).prefix : [] }),
  outputSchema: (node) => {
    const schemas = [...node.joinOn, ...node.defaultJoinOn].map((t) => registryLookup().moduleOf(t).outputSchema?.(t));
    if (schemas.length === 0 || schemas.some((s) => s === undefined)) return undefined;
    const [first, ...rest] = schemas as z.ZodType[];
    return rest.length === 0 ? first : z.union([first!, ...rest]);
  },
  lower(node, ctx) {
    const joinOn = node.joinOn.map((t) => joinTarget(t).ref);
    const fields: ConductorTask = { inputParameters: {}, joinOn };
    if (node.defaultJoinOn.length > 0) fields.defaultExclusiveJoinTask = node.defaultJoinOn.map((t) => joinTarget(t).ref);
    return [ctx.task(node, node.ref, 'EXCLUSIVE_JOIN', fields)];
  },
};
