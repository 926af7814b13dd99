/**
 * Deciding, for one `${…}` expression at one place, whether it can be written as a typed
 * reference: the target must exist in the workflow, have surely run there (the rule of
 * compiler/passes/references.ts, mirrored level by level), be reachable by name in the
 * generated code (fork branches return their handles), and be typed by its builder. Anything
 * else is written with `raw(…)`, which baton passes through untouched.
 */
import type { PathSegment } from '../ir/value.js';
import { accessor } from './doc.js';
import type { ParsedRef } from './expressions.js';
import type { ValueType } from './forms/types.js';
import type { PlannedStep, Position, WorkflowPlan } from './plan.js';

export interface Resolved {
  readonly text: string;
  readonly type: ValueType;
}

/** The position at the end of the workflow, where its output is read. */
export const END: Position = [{ owner: null, block: 0, mode: 'always', index: Number.MAX_SAFE_INTEGER }];

/**
 * Whether `target` has surely completed at `at`; when it has, the level at which the two
 * positions part (the target's enclosing blocks below it are all parallel branches).
 */
export function availableAt(target: Position, at: Position): number | undefined {
  const depth = Math.min(target.length, at.length);
  for (let k = 0; k < depth; k++) {
    const t = target[k]!;
    const a = at[k]!;
    if (t.owner !== a.owner || t.block !== a.block) return undefined;
    if (t.index === a.index) continue;
    if (t.index > a.index) return undefined;
    for (let j = k + 1; j < target.length; j++) if (target[j]!.mode !== 'always') return undefined;
    return k;
  }
  return undefined;
}

/** Segments the reference proxy cannot walk through (dsl/ref.ts answers them itself). */
const PROXY_NAMES = new Set(['then', 'toJSON', 'toString', 'valueOf', '__proto__', 'constructor', 'prototype']);

/** The path in TypeScript; segments past the declared keys go through index signatures. */
const path = (segments: readonly PathSegment[], named: number) => segments.map((s, i) => accessor(s) + (i >= named ? '!' : '')).join('');

const WORKFLOW_META: Readonly<Record<string, Resolved>> = {
  workflowId: { text: 'wf.workflowId', type: 'string' },
  correlationId: { text: 'wf.correlationId', type: 'nullableString' },
  workflowType: { text: 'wf.workflowType', type: 'string' },
  version: { text: 'wf.workflowVersion', type: 'number' },
  parentWorkflowId: { text: 'wf.parentWorkflowId', type: 'nullableString' },
};

const STEP_META: Readonly<Record<string, ValueType>> = { status: 'string', taskId: 'string', reasonForIncompletion: 'nullableString' };

/** The handle of a step, named on first use; fork branches on the way out return it. */
function handleFor(plan: WorkflowPlan, target: PlannedStep, common: number): string {
  let name = plan.handles.get(target.ref);
  if (name === undefined) {
    name = plan.module.namer.take(target.ref);
    plan.handles.set(target.ref, name);
  }
  for (let j = common + 1; j < target.position.length; j++) {
    const level = target.position[j]!;
    const fork = level.owner!;
    const branches = plan.exports.get(fork) ?? new Map<number, Set<string>>();
    const names = branches.get(level.block) ?? new Set<string>();
    names.add(name);
    branches.set(level.block, names);
    plan.exports.set(fork, branches);
  }
  return name;
}

/** The typed TypeScript for a reference read at `at`, or undefined to write it raw. */
export function resolveReference(plan: WorkflowPlan, ref: ParsedRef, at: Position): Resolved | undefined {
  if (plan.untyped) return undefined;
  if (ref.path.some((s) => typeof s === 'string' && PROXY_NAMES.has(s))) return undefined;
  const root = ref.root;
  switch (root.kind) {
    case 'workflowInput':
    case 'variables': {
      const first = ref.path[0];
      if (ref.path.length > 0 && typeof first !== 'string') return undefined;
      if (typeof first === 'string') (root.kind === 'workflowInput' ? plan.inputKeys : plan.variableKeys).add(first);
      const base = root.kind === 'workflowInput' ? 'wf.input' : 'wf.variables';
      return { text: base + path(ref.path, 1), type: ref.path.length === 0 ? 'object' : 'any' };
    }
    case 'workflowMeta':
      return ref.path.length === 0 ? WORKFLOW_META[root.field] : undefined;
    case 'taskId':
      return { text: 'wf.taskId', type: 'string' };
    case 'secret':
      return ref.path.length === 0 ? { text: `secret('${root.name}')`, type: 'string' } : undefined;
    case 'stepOutput':
    case 'stepInput':
    case 'stepMeta': {
      const target = plan.index.get(root.ref);
      if (!target?.form.member) return undefined;
      const common = availableAt(target.position, at);
      if (common === undefined) {
        // A loop's pass number is readable inside the loop, through the body's parameter.
        const inside = at.some((level) => level.owner === target.ref);
        const member = root.kind === 'stepOutput' ? target.form.member(root, ref.path) : undefined;
        if (!inside || member?.access !== '.iteration') return undefined;
        let param = plan.iterationParams.get(target.ref);
        if (param === undefined) {
          param = plan.module.namer.take(target.ref, 'Iteration');
          plan.iterationParams.set(target.ref, param);
        }
        return { text: param, type: 'number' };
      }
      if (root.kind === 'stepMeta') {
        const type = ref.path.length === 0 ? STEP_META[root.field] : undefined;
        return type === undefined ? undefined : { text: `${handleFor(plan, target, common)}.${root.field}`, type };
      }
      const member = target.form.member(root, ref.path);
      if (!member) return undefined;
      member.used?.();
      if (member.access === '.output' && member.path.length > 0) plan.outputRead.add(target.ref);
      return { text: `${handleFor(plan, target, common)}${member.access}${path(member.path, member.named)}`, type: member.type };
    }
  }
}
