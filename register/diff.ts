/**
 * Readable differences between two normalised definitions. Workflows are compared task by task,
 * keyed by task reference name (the identity Conductor itself uses), so inserting a step shows
 * as one added task instead of every later array index changing.
 */
import { type Json, type JsonObject, deepEqual, isObject } from './json.js';

/** One changed value; `before`/`after` are absent when the field was added/removed. */
export interface FieldChange {
  readonly path: string;
  readonly before?: Json;
  readonly after?: Json;
}

export type TaskChange =
  | { readonly kind: 'added' | 'removed'; readonly ref: string; readonly type: string; readonly where: string }
  | { readonly kind: 'changed'; readonly ref: string; readonly type: string; readonly changes: readonly FieldChange[] }
  | { readonly kind: 'moved'; readonly ref: string; readonly type: string; readonly from: string; readonly to: string }
  | { readonly kind: 'reordered'; readonly where: string; readonly before: readonly string[]; readonly after: readonly string[] };

export interface WorkflowDiff {
  /** Workflow-level fields (everything but the task tree). */
  readonly fields: readonly FieldChange[];
  readonly tasks: readonly TaskChange[];
}

const join = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;

/** Leaf-level differences: objects key by key, equal-length arrays item by item. */
export function diffValues(before: Json | undefined, after: Json | undefined, path = ''): FieldChange[] {
  if (deepEqual(before, after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(after), ...Object.keys(before)])];
    return keys.flatMap((key) => diffValues(before[key], after[key], join(path, key)));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length && before.length > 0) {
    return before.flatMap((item, i) => diffValues(item, after[i], join(path, i)));
  }
  return [{ path: path || '(value)', ...(before !== undefined && { before }), ...(after !== undefined && { after }) }];
}

const CHILD_LISTS = ['decisionCases', 'defaultCase', 'forkTasks', 'loopOver'] as const;

interface Placed {
  readonly task: JsonObject;
  /** Where the task sits, e.g. `tasks` or `check.decisionCases["yes"]`. */
  readonly where: string;
  readonly index: number;
}

/** Every task of a workflow by reference name, with its container and position. */
export function flattenTasks(tasks: Json | undefined): Map<string, Placed> {
  const out = new Map<string, Placed>();
  const visit = (list: Json | undefined, where: string) => {
    if (!Array.isArray(list)) return;
    list.forEach((task, index) => {
      if (!isObject(task)) return;
      const ref = typeof task.taskReferenceName === 'string' ? task.taskReferenceName : `${where}[${index}]`;
      out.set(ref, { task, where, index });
      if (isObject(task.decisionCases)) for (const [c, branch] of Object.entries(task.decisionCases)) visit(branch, `${ref}.decisionCases[${JSON.stringify(c)}]`);
      visit(task.defaultCase, `${ref}.defaultCase`);
      if (Array.isArray(task.forkTasks)) task.forkTasks.forEach((branch, i) => visit(branch, `${ref}.forkTasks[${i}]`));
      visit(task.loopOver, `${ref}.loopOver`);
    });
  };
  visit(tasks, 'tasks');
  return out;
}

/** A task's own settings, without the tasks nested in it (those are compared on their own). */
function ownFields(task: JsonObject): JsonObject {
  const own: JsonObject = {};
  for (const [key, value] of Object.entries(task)) {
    if ((CHILD_LISTS as readonly string[]).includes(key)) continue;
    own[key] = value;
  }
  return own;
}

const typeOf = (task: JsonObject) => (typeof task.type === 'string' ? task.type : 'SIMPLE');

export function diffWorkflows(before: JsonObject, after: JsonObject): WorkflowDiff {
  const { tasks: beforeTasks, ...beforeRest } = before;
  const { tasks: afterTasks, ...afterRest } = after;
  const fields = diffValues(beforeRest, afterRest);
  const old = flattenTasks(beforeTasks);
  const now = flattenTasks(afterTasks);
  const tasks: TaskChange[] = [];
  for (const [ref, placed] of now) {
    const previous = old.get(ref);
    if (!previous) {
      tasks.push({ kind: 'added', ref, type: typeOf(placed.task), where: placed.where });
      continue;
    }
    if (previous.where !== placed.where) tasks.push({ kind: 'moved', ref, type: typeOf(placed.task), from: previous.where, to: placed.where });
    const changes = diffValues(ownFields(previous.task), ownFields(placed.task));
    if (changes.length > 0) tasks.push({ kind: 'changed', ref, type: typeOf(placed.task), changes });
  }
  for (const [ref, placed] of old) if (!now.has(ref)) tasks.push({ kind: 'removed', ref, type: typeOf(placed.task), where: placed.where });
  // Order inside a container: compare the refs both sides have, in their order.
  const containers = new Set([...now.values()].map((p) => p.where));
  for (const where of containers) {
    const order = (map: Map<string, Placed>) =>
      [...map.entries()].filter(([, p]) => p.where === where).sort((a, b) => a[1].index - b[1].index).map(([ref]) => ref);
    const afterOrder = order(now);
    const beforeOrder = order(old);
    const common = (list: string[], other: string[]) => list.filter((ref) => other.includes(ref));
    const a = common(beforeOrder, afterOrder);
    const b = common(afterOrder, beforeOrder);
    if (a.join('\u0000') !== b.join('\u0000')) tasks.push({ kind: 'reordered', where, before: beforeOrder, after: afterOrder });
  }
  return { fields, tasks };
}

export function isEmptyDiff(diff: WorkflowDiff): boolean {
  return diff.fields.length === 0 && diff.tasks.length === 0;
}
