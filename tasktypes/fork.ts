/**
 * FORK_JOIN + JOIN: branches that run in parallel, joined before the workflow goes on. Built by
 * `wf.parallel(name, { branchA: (b) => …, branchB: (b) => … })`, which returns what each branch
 * returned. The JOIN waits on the last task of every branch; when a branch ends in a SWITCH
 * (which completes as soon as it picks a case), a NOOP is appended so the join waits for the
 * branch's real end.
 */
import type { Block, StepBase, StepOptionsIR } from '../ir/step.js';
import { type StepOptions, toStepOptions } from '../dsl/options.js';
import { type ScopeLike, begin, nested, record } from '../dsl/scope-kit.js';
import type { ValueProblem } from '../dsl/values.js';
import type { ConductorTask, TaskTypeModule } from './types.js';

export interface ParallelOptions extends StepOptions {
  /**
   * The JOIN that closes the fork, when it must be exactly so (an imported definition): its
   * reference (default `<ref>_join`), the references it waits on (default: the end of every
   * branch), and its own options.
   */
  join?: StepOptions & { joinOn?: readonly string[] };
}

export interface JoinIR {
  readonly ref: string;
  /** Waited-on references as given; computed from the branches when absent. */
  readonly joinOn?: readonly string[];
  readonly options: StepOptionsIR;
}

export interface ForkNode extends StepBase {
  readonly kind: 'fork';
  readonly branches: readonly { readonly name: string; readonly steps: readonly StepBase[] }[];
  readonly join?: JoinIR;
}

export type Branches = Record<string, (b: never) => unknown>;
export type BranchResults<B extends Branches> = { [K in keyof B]: ReturnType<B[K]> };

export function joinRef(ref: string): string {
  return `${ref}_join`;
}

export function parallel<B extends Branches>(scope: ScopeLike, name: string, branches: B, options?: ParallelOptions): BranchResults<B> {
  const r = begin(scope, name, options);
  let join: JoinIR | undefined;
  if (options?.join) {
    const problems: ValueProblem[] = [];
    const joinOptions = toStepOptions(options.join, problems);
    for (const p of problems) r.problem('invalid-input', `join options ${p.path.replace(/^\$\.?/, '')}: ${p.message}`);
    const ref = r.recorder.claim(options.join.ref ?? joinRef(r.ref), true);
    join = { ref, ...(options.join.joinOn !== undefined && { joinOn: [...options.join.joinOn] }), options: joinOptions };
  } else {
    r.recorder.reserve(joinRef(r.ref));
  }
  const results: Record<string, unknown> = {};
  const recorded: { name: string; steps: StepBase[] }[] = [];
  for (const [branchName, body] of Object.entries(branches)) {
    const { steps, result } = nested(r, 'always', (s) => body(s as never));
    recorded.push({ name: branchName, steps });
    results[branchName] = result;
  }
  record<ForkNode>(r, { kind: 'fork', ref: r.ref, loc: r.loc, input: {}, options: r.options, branches: recorded, ...(join && { join }) });
  return results as BranchResults<B>;
}

/** Control tasks that complete before the work they start is done. */
const COMPLETES_EARLY = new Set(['SWITCH', 'DECISION']);

/** The reference the JOIN must wait on for one lowered branch, adding a NOOP when needed. */
export function branchEnd(tasks: ConductorTask[], sentinelRef: string, makeNoop: (ref: string) => ConductorTask): string {
  const last = tasks[tasks.length - 1];
  if (!last || COMPLETES_EARLY.has(String(last.type))) {
    tasks.push(makeNoop(sentinelRef));
    return sentinelRef;
  }
  return String(last.taskReferenceName);
}

export const forkType: TaskTypeModule<ForkNode> = {
  kind: 'fork',
  conductorTypes: ['FORK_JOIN', 'JOIN'],
  execution: 'control',
  blocks: (node): Block[] => node.branches.map((b) => ({ label: `branch '${b.name}'`, mode: 'always', steps: b.steps })),
  check(node, ctx) {
    if (node.branches.length === 0) {
      ctx.report(node.loc, 'fork-no-branches', `parallel '${node.ref}' has no branches`, 'add at least one branch');
    }
    for (const b of node.branches) {
      if (b.steps.length === 0) {
        ctx.report(node.loc, 'fork-empty-branch', `branch '${b.name}' of parallel '${node.ref}' has no steps`, 'Conductor rejects an empty fork branch; remove it or add a step');
      }
    }
    if (node.branches.length === 1) {
      ctx.report(node.loc, 'fork-single-branch', `parallel '${node.ref}' has a single branch`, 'a single branch runs the same as plain sequential steps', 'warning');
    }
  },
  outputRef: (node) => ({ ref: node.join?.ref ?? joinRef(node.ref), prefix: [] }),
  lower(node, ctx) {
    const forkTasks: ConductorTask[][] = [];
    const joinOn: string[] = [];
    node.branches.forEach((b) => {
      const tasks = ctx.block(b.steps);
      if (!node.join?.joinOn) {
        joinOn.push(branchEnd(tasks, `${node.ref}_${b.name}_end`.replace(/[^A-Za-z0-9_-]/g, '_'), (ref) => ctx.helper(ref, 'NOOP', {})));
      }
      forkTasks.push(tasks);
    });
    const fork = ctx.task(node, node.ref, 'FORK_JOIN', { inputParameters: {}, forkTasks });
    if (!node.join) return [fork, ctx.helper(joinRef(node.ref), 'JOIN', { inputParameters: {}, joinOn })];
    // A JOIN with its own options is lowered like a step of its own.
    const joinNode: StepBase = { ...node, ref: node.join.ref, options: node.join.options };
    return [fork, ctx.task(joinNode, node.join.ref, 'JOIN', { inputParameters: {}, joinOn: [...(node.join.joinOn ?? joinOn)] })];
  },
};
