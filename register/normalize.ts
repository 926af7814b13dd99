/**
 * Brings a definition as baton compiled it and the same definition as the server returns it to
 * one canonical form, so that only real differences show up in a plan.
 *
 * What Conductor 3.32 does to a definition between storing and reading it back (found by
 * registering and reading back; see register/README.md):
 * - adds audit fields: createTime, updateTime, createdBy, updatedBy, ownerApp (schedules:
 *   createTime, updatedTime, createdBy, updatedBy, nextRunTime);
 * - writes every Java field that has a default: `optional:false`, `startDelay:0`,
 *   `asyncComplete:false`, `permissive:false`, empty `decisionCases`/`forkTasks`/`joinOn`/
 *   `loopOver`/`defaultCase`/`defaultExclusiveJoinTask`/`onStateChange`/`metadata`, on
 *   workflows `enforceSchema:true`, `inputTemplate:{}`, `maskedFields:[]`, on task definitions
 *   `taskStatusListenerEnabled:true`, `enforceSchema:false`, `runtimeMetadata:[]`, …;
 * - drops null fields; keeps free-form maps (inputParameters, outputParameters, …) as sent,
 *   nulls and key order included.
 * So on each side a field left out means its default (both when we send it and when the server
 * stores it), audit fields and nulls do not count, and unknown fields holding an empty value (a
 * newer server's new default) do not count either.
 *
 * The rules live in one table of shapes, read two ways: `normalize*` builds the canonical copy
 * (for showing differences), `same*` compares two definitions under the same rules without
 * copying anything (the no-op re-run compares every definition, so this is the hot path).
 */
import { CONDUCTOR_TASK_DEF_DEFAULTS, CONDUCTOR_WORKFLOW_DEFAULTS, CONDUCTOR_WORKFLOW_TASK_DEFAULTS } from '../compiler/conductor-defaults.js';
import { type Json, type JsonObject, deepEqual, isEmptyValue, isObject } from './json.js';

type Child =
  | { readonly of: 'one'; readonly shape: Shape }
  | { readonly of: 'list'; readonly shape: Shape }
  | { readonly of: 'lists'; readonly shape: Shape }
  | { readonly of: 'mapOfLists'; readonly shape: Shape };

interface Shape {
  /** Values of fields left out (the Java bean's field initialisers). */
  readonly defaults: JsonObject;
  /** Fields this server version knows; unknown ones count only when not empty. */
  readonly known: ReadonlySet<string>;
  /** Fields the server maintains itself. */
  readonly audit: ReadonlySet<string>;
  /** Typed sub-objects; every other field is compared as plain JSON. */
  readonly children: Readonly<Record<string, Child>>;
}

const AUDIT = new Set(['createTime', 'updateTime', 'createdBy', 'updatedBy', 'ownerApp', 'accessPolicy']);
const NO_AUDIT = new Set<string>();

function shape(defaults: JsonObject, fields: readonly string[], children: Record<string, Child> = {}, audit: ReadonlySet<string> = AUDIT): Shape {
  return { defaults, known: new Set([...Object.keys(defaults), ...fields, ...Object.keys(children)]), audit, children };
}

const TASK_DEF = shape(
  { ...CONDUCTOR_TASK_DEF_DEFAULTS, inputKeys: [], outputKeys: [], runtimeMetadata: [], inputTemplate: {} },
  ['name', 'description', 'isolationGroupId', 'executionNameSpace', 'ownerEmail', 'baseType', 'inputSchema', 'outputSchema'],
);

const SCHEMA_REF = shape({ version: 1 }, ['name', 'type', 'data', 'externalRef']);
const RATE_LIMIT = shape({ policy: 'QUEUE', concurrentExecLimit: 0 }, ['rateLimitKey'], {}, NO_AUDIT);

// Built in two steps: tasks and workflows contain each other (inline sub-workflow definitions).
const TASK_FIELDS = [
  'name', 'taskReferenceName', 'description', 'dynamicTaskNameParam', 'caseValueParam', 'caseExpression', 'scriptExpression',
  'dynamicForkTasksParam', 'dynamicForkTasksInputParamName', 'sink', 'rateLimited', 'loopCondition', 'items', 'retryCount',
  'evaluatorType', 'expression', 'joinStatus', 'cacheConfig', 'joinMode',
];
const TASK_DEFAULTS: JsonObject = {
  ...CONDUCTOR_WORKFLOW_TASK_DEFAULTS,
  inputParameters: {},
  type: 'SIMPLE',
  joinOn: [],
  defaultExclusiveJoinTask: [],
  onStateChange: {},
  metadata: {},
};
const WORKFLOW_DEFAULTS: JsonObject = {
  ...CONDUCTOR_WORKFLOW_DEFAULTS,
  version: 1,
  inputParameters: [],
  outputParameters: {},
  variables: {},
  inputTemplate: {},
  metadata: {},
  maskedFields: [],
};
const WORKFLOW_FIELDS = ['name', 'description', 'failureWorkflow', 'failureWorkflowVersion', 'ownerEmail', 'workflowStatusListenerSink', 'cacheConfig'];

const taskChildren: Record<string, Child> = {};
const TASK = shape({ ...TASK_DEFAULTS, decisionCases: {}, defaultCase: [], forkTasks: [], loopOver: [] }, TASK_FIELDS, taskChildren);
const WORKFLOW = shape({ ...WORKFLOW_DEFAULTS, tasks: [] }, WORKFLOW_FIELDS, {
  tasks: { of: 'list', shape: TASK },
  rateLimitConfig: { of: 'one', shape: RATE_LIMIT },
  inputSchema: { of: 'one', shape: SCHEMA_REF },
  outputSchema: { of: 'one', shape: SCHEMA_REF },
});
const SUB_WORKFLOW_PARAM = shape({}, ['name', 'version', 'taskToDomain', 'idempotencyKey', 'idempotencyStrategy', 'priority'], { workflowDefinition: { of: 'one', shape: WORKFLOW } }, NO_AUDIT);
Object.assign(taskChildren, {
  decisionCases: { of: 'mapOfLists', shape: TASK },
  defaultCase: { of: 'list', shape: TASK },
  forkTasks: { of: 'lists', shape: TASK },
  loopOver: { of: 'list', shape: TASK },
  taskDefinition: { of: 'one', shape: TASK_DEF },
  subWorkflowParam: { of: 'one', shape: SUB_WORKFLOW_PARAM },
} satisfies Record<string, Child>);

const START_REQUEST = shape({ input: {}, taskToDomain: {}, priority: 0 }, ['name', 'version', 'correlationId', 'workflowDef', 'externalInputPayloadStoragePath', 'createdBy', 'idempotencyKey', 'idempotencyStrategy'], {}, NO_AUDIT);
const SCHEDULE = shape(
  { runCatchupScheduleInstances: false, paused: false, zoneId: 'UTC', cronSchedules: [] },
  ['name', 'cronExpression', 'scheduleStartTime', 'scheduleEndTime', 'description'],
  { startWorkflowRequest: { of: 'one', shape: START_REQUEST } },
  new Set(['createTime', 'updatedTime', 'createdBy', 'updatedBy', 'nextRunTime', 'pausedReason']),
);

// ---- canonical copies ------------------------------------------------------------------------

function normalizeChild(child: Child, value: Json): Json {
  const one = (v: Json) => (isObject(v) ? normalizeAs(child.shape, v) : v);
  switch (child.of) {
    case 'one':
      return one(value);
    case 'list':
      return Array.isArray(value) ? value.map(one) : value;
    case 'lists':
      return Array.isArray(value) ? value.map((list) => (Array.isArray(list) ? list.map(one) : list)) : value;
    case 'mapOfLists':
      return isObject(value) ? Object.fromEntries(Object.entries(value).map(([k, list]) => [k, Array.isArray(list) ? list.map(one) : list])) : value;
  }
}

function normalizeAs(s: Shape, value: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (s.audit.has(key) || child === null || child === undefined) continue;
    if (!s.known.has(key) && isEmptyValue(child)) continue;
    const typed = s.children[key];
    out[key] = typed ? normalizeChild(typed, child) : child;
  }
  for (const [key, fallback] of Object.entries(s.defaults)) if (!(key in out)) out[key] = fallback;
  return out;
}

export const normalizeWorkflow = (def: JsonObject): JsonObject => normalizeAs(WORKFLOW, def);
export const normalizeTask = (task: JsonObject): JsonObject => normalizeAs(TASK, task);
export const normalizeTaskDef = (def: JsonObject): JsonObject => normalizeAs(TASK_DEF, def);
export const normalizeSchedule = (schedule: JsonObject): JsonObject => normalizeAs(SCHEDULE, schedule);

// ---- comparison without copies ---------------------------------------------------------------

function sameItem(s: Shape, a: Json | undefined, b: Json | undefined): boolean {
  return isObject(a) && isObject(b) ? sameAs(s, a, b) : deepEqual(a, b);
}

function sameList(s: Shape, a: Json, b: Json): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return deepEqual(a, b);
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameItem(s, a[i], b[i])) return false;
  return true;
}

function sameChild(child: Child, a: Json, b: Json): boolean {
  switch (child.of) {
    case 'one':
      return sameItem(child.shape, a, b);
    case 'list':
      return sameList(child.shape, a, b);
    case 'lists': {
      if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return deepEqual(a, b);
      for (let i = 0; i < a.length; i++) if (!sameList(child.shape, a[i]!, b[i]!)) return false;
      return true;
    }
    case 'mapOfLists': {
      if (!isObject(a) || !isObject(b)) return deepEqual(a, b);
      const keys = Object.keys(a);
      if (keys.length !== Object.keys(b).length) return false;
      for (const key of keys) if (!(key in b) || !sameList(child.shape, a[key]!, b[key]!)) return false;
      return true;
    }
  }
}

function sameField(s: Shape, key: string, a: JsonObject, b: JsonObject): boolean {
  if (s.audit.has(key)) return true;
  const fallback = s.defaults[key];
  const left = a[key] ?? fallback;
  const right = b[key] ?? fallback;
  if (!s.known.has(key) && isEmptyValue(left) && isEmptyValue(right)) return true;
  if (left === undefined || right === undefined || left === null || right === null) return left === right;
  const typed = s.children[key];
  return typed ? sameChild(typed, left, right) : deepEqual(left, right);
}

function sameAs(s: Shape, a: JsonObject, b: JsonObject, skip?: string): boolean {
  for (const key in a) if (key !== skip && !sameField(s, key, a, b)) return false;
  for (const key in b) if (key !== skip && !(key in a) && !sameField(s, key, a, b)) return false;
  return true;
}

/** Equal as the server would store them, the version number aside. */
export const sameWorkflow = (a: JsonObject, b: JsonObject): boolean => sameAs(WORKFLOW, a, b, 'version');
export const sameTaskDef = (a: JsonObject, b: JsonObject): boolean => sameAs(TASK_DEF, a, b);
export const sameSchedule = (a: JsonObject, b: JsonObject): boolean => sameAs(SCHEDULE, a, b);
