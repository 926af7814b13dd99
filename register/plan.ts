/**
 * The plan: for every task definition, workflow and schedule of the project, what registering
 * would do to the server (create, update, or nothing) and why, before anything is written.
 *
 * Workflows are planned in dependency order (sub-workflows and compensation/failure workflows
 * first), because under `--on-conflict=bump` a dependency may land on another version number
 * and its dependents must then point at that number.
 */
import type { DefinitionSet, ScheduleEntry, TaskDefEntry, WorkflowEntry } from './definitions.js';
import { type FieldChange, type WorkflowDiff, diffValues, diffWorkflows, isEmptyDiff } from './diff.js';
import { type Json, type JsonObject, isObject } from './json.js';
import { normalizeSchedule, normalizeTaskDef, normalizeWorkflow, sameSchedule, sameTaskDef, sameWorkflow } from './normalize.js';
import type { ServerState } from './server-state.js';

/**
 * What to do when a workflow changed but its version already exists on the server:
 * - `fail`: register nothing and say which versions to raise (the default; see README);
 * - `overwrite`: replace that version in place;
 * - `bump`: register the change as the next free version.
 */
export type OnConflict = 'fail' | 'overwrite' | 'bump';
export const ON_CONFLICT_VALUES: readonly OnConflict[] = ['fail', 'overwrite', 'bump'];

export type Action = 'create' | 'update' | 'unchanged';

export interface TaskDefPlan {
  readonly kind: 'taskDef';
  readonly name: string;
  readonly action: Action;
  readonly changes: readonly FieldChange[];
  /** The JSON to send. */
  readonly send: JsonObject;
  readonly entry: TaskDefEntry;
}

export interface WorkflowPlan {
  readonly kind: 'workflow';
  readonly name: string;
  /** The version the project declares. */
  readonly version: number;
  /** The version on the server after applying (differs from `version` only with bump). */
  readonly targetVersion: number;
  readonly action: Action;
  /**
   * Set when the declared version exists with other content: `blocked` under `fail` (nothing
   * is applied), `overwrite`, or `bump` (registered as `targetVersion`).
   */
  readonly conflict?: 'blocked' | 'overwrite' | 'bump';
  /** Against the server's copy of the declared version, when there is one. */
  readonly diff?: WorkflowDiff;
  readonly send: JsonObject;
  readonly entry: WorkflowEntry;
  /** 0 for workflows that depend on nothing in the project, then 1, 2, … */
  readonly layer: number;
}

export interface SchedulePlan {
  readonly kind: 'schedule';
  readonly name: string;
  readonly action: Action;
  readonly changes: readonly FieldChange[];
  readonly send: JsonObject;
  readonly entry: ScheduleEntry;
}

export interface Plan {
  readonly onConflict: OnConflict;
  readonly taskDefs: readonly TaskDefPlan[];
  /** In the order they must be applied. */
  readonly workflows: readonly WorkflowPlan[];
  readonly schedules: readonly SchedulePlan[];
}

export type PlanItem = TaskDefPlan | WorkflowPlan | SchedulePlan;

export function planItems(plan: Plan): PlanItem[] {
  return [...plan.taskDefs, ...plan.workflows, ...plan.schedules];
}

export function hasChanges(plan: Plan): boolean {
  return planItems(plan).some((item) => item.action !== 'unchanged');
}

export function blockedWorkflows(plan: Plan): WorkflowPlan[] {
  return plan.workflows.filter((w) => w.conflict === 'blocked');
}

/**
 * Layer of each workflow: one more than the deepest workflow of the project it depends on.
 * Dependencies outside the project (external workflows) must already be on the server.
 */
export function dependencyLayers(workflows: readonly WorkflowEntry[]): Map<WorkflowEntry, number> {
  const byName = new Map<string, WorkflowEntry[]>();
  for (const w of workflows) byName.set(w.name, [...(byName.get(w.name) ?? []), w]);
  const layers = new Map<WorkflowEntry, number>();
  const visiting = new Set<WorkflowEntry>();
  const layerOf = (w: WorkflowEntry): number => {
    const known = layers.get(w);
    if (known !== undefined) return known;
    // The compiler rejects sub-workflow cycles; a failure-workflow loop just shares a layer.
    if (visiting.has(w)) return 0;
    visiting.add(w);
    let layer = 0;
    for (const dep of w.dependsOn) for (const d of byName.get(dep) ?? []) if (d !== w) layer = Math.max(layer, layerOf(d) + 1);
    visiting.delete(w);
    layers.set(w, layer);
    return layer;
  };
  for (const w of workflows) layerOf(w);
  return layers;
}

type VersionMap = Map<string, number>;
const key = (name: string, version: number) => `${name}@${version}`;

/** Points sub-workflow calls (and pinned failure workflows) at the versions bump chose. */
function retarget(def: JsonObject, moved: VersionMap): JsonObject {
  if (moved.size === 0) return def;
  const visit = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(visit);
    if (!isObject(value)) return value;
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = visit(v);
    const param = out.subWorkflowParam;
    if (out.type === 'SUB_WORKFLOW' && isObject(param) && typeof param.name === 'string' && typeof param.version === 'number') {
      const target = moved.get(key(param.name, param.version));
      if (target !== undefined) out.subWorkflowParam = { ...param, version: target };
    }
    return out;
  };
  const out = visit(def) as JsonObject;
  if (typeof out.failureWorkflow === 'string' && typeof out.failureWorkflowVersion === 'number') {
    const target = moved.get(key(out.failureWorkflow, out.failureWorkflowVersion));
    if (target !== undefined) out.failureWorkflowVersion = target;
  }
  return out;
}

/** Audit fields a whole-definition PUT would otherwise wipe (the server writes what it is sent). */
function keepAudit(send: JsonObject, current: JsonObject | undefined, now: number): JsonObject {
  if (!current) return { ...send, createTime: now };
  const out: JsonObject = { ...send };
  for (const field of ['createTime', 'createdBy', 'ownerApp'] as const) {
    const value = current[field];
    if (value !== undefined && value !== null) out[field] = value;
  }
  return out;
}

function planWorkflow(entry: WorkflowEntry, layer: number, state: ServerState, onConflict: OnConflict, moved: VersionMap, now: number): WorkflowPlan {
  const desired = retarget(entry.definition, moved);
  const versions = state.workflows.get(entry.name);
  const current = versions?.get(entry.version);
  const base = { kind: 'workflow' as const, name: entry.name, version: entry.version, entry, layer };
  if (!current) return { ...base, targetVersion: entry.version, action: 'create', send: keepAudit(desired, undefined, now) };
  if (sameWorkflow(current, desired)) return { ...base, targetVersion: entry.version, action: 'unchanged', send: desired };
  let diff = diffWorkflows(normalizeWorkflow(current), normalizeWorkflow(desired));
  if (isEmptyDiff(diff)) diff = { fields: [{ path: 'tasks', before: '(structure)', after: '(structure changed)' }], tasks: [] };
  if (onConflict === 'fail') return { ...base, targetVersion: entry.version, action: 'update', conflict: 'blocked', diff, send: desired };
  if (onConflict === 'overwrite') return { ...base, targetVersion: entry.version, action: 'update', conflict: 'overwrite', diff, send: keepAudit(desired, current, now) };
  // bump: a later version may already hold exactly this definition (an earlier bump).
  const later = [...(versions?.entries() ?? [])].filter(([v]) => v > entry.version).sort(([a], [b]) => b - a);
  const match = later.find(([, def]) => sameWorkflow(def, desired));
  if (match) {
    moved.set(key(entry.name, entry.version), match[0]);
    return { ...base, targetVersion: match[0], action: 'unchanged', send: { ...desired, version: match[0] } };
  }
  const target = Math.max(...(versions?.keys() ?? [entry.version])) + 1;
  moved.set(key(entry.name, entry.version), target);
  return { ...base, targetVersion: target, action: 'create', conflict: 'bump', diff, send: { ...desired, version: target } };
}

function planTaskDef(entry: TaskDefEntry, state: ServerState): TaskDefPlan {
  const current = state.taskDefs.get(entry.name);
  const base = { kind: 'taskDef' as const, name: entry.name, entry, send: entry.definition };
  if (!current) return { ...base, action: 'create', changes: [] };
  if (sameTaskDef(current, entry.definition)) return { ...base, action: 'unchanged', changes: [] };
  return { ...base, action: 'update', changes: diffValues(normalizeTaskDef(current), normalizeTaskDef(entry.definition)) };
}

function planSchedule(entry: ScheduleEntry, state: ServerState, moved: VersionMap): SchedulePlan {
  let send = entry.definition;
  const request = send.startWorkflowRequest;
  if (isObject(request) && typeof request.name === 'string' && typeof request.version === 'number') {
    const target = moved.get(key(request.name, request.version));
    if (target !== undefined) send = { ...send, startWorkflowRequest: { ...request, version: target } };
  }
  const current = state.schedules?.get(entry.name);
  const base = { kind: 'schedule' as const, name: entry.name, entry, send };
  if (!current) return { ...base, action: 'create', changes: [] };
  if (sameSchedule(current, send)) return { ...base, action: 'unchanged', changes: [] };
  return { ...base, action: 'update', changes: diffValues(normalizeSchedule(current), normalizeSchedule(send)) };
}

export function makePlan(definitions: DefinitionSet, state: ServerState, onConflict: OnConflict, now = Date.now()): Plan {
  const layers = dependencyLayers(definitions.workflows);
  const ordered = [...definitions.workflows].sort(
    (a, b) => layers.get(a)! - layers.get(b)! || a.name.localeCompare(b.name) || a.version - b.version,
  );
  const moved: VersionMap = new Map();
  const workflows = ordered.map((entry) => planWorkflow(entry, layers.get(entry)!, state, onConflict, moved, now));
  return {
    onConflict,
    taskDefs: definitions.taskDefs.map((entry) => planTaskDef(entry, state)),
    workflows,
    schedules: definitions.schedules.map((entry) => planSchedule(entry, state, moved)),
  };
}
