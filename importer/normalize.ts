/**
 * The canonical form of Conductor definitions, for importing and for the round-trip check:
 * what the server fills in by itself is removed, so a definition read from a file, the same
 * definition as the server returns it, and what baton builds from the imported source compare
 * equal. Removed: audit fields (createTime, updatedBy, …), nulls, empty lists and maps the server
 * adds, and settings equal to the server's own defaults (`optional: false`, `startDelay: 0`,
 * `retryCount: 3` in an embedded task definition, …). User data (inputParameters, outputParameters,
 * variables, metadata) is never touched inside.
 */
import { CONDUCTOR_TASK_DEF_DEFAULTS, CONDUCTOR_WORKFLOW_DEFAULTS, CONDUCTOR_WORKFLOW_TASK_DEFAULTS } from '../compiler/conductor-defaults.js';
import { type Json, type JsonObject, isObject } from './json.js';

/** Fields the server stamps on every definition it stores. */
const AUDIT_FIELDS = ['createTime', 'updateTime', 'createdBy', 'updatedBy'];

/** WorkflowDef settings left out when equal to the server's default. */
const WORKFLOW_DEFAULTS: Readonly<Record<string, Json>> = { ...CONDUCTOR_WORKFLOW_DEFAULTS, failureWorkflow: '' };

/** WorkflowTask settings equal to the server's default. */
const TASK_DEFAULTS: Readonly<Record<string, Json>> = { ...CONDUCTOR_WORKFLOW_TASK_DEFAULTS, rateLimited: false };

/** TaskDef settings equal to the server's default, embedded or registered. */
export const TASK_DEF_DEFAULTS: Readonly<Record<string, Json>> = CONDUCTOR_TASK_DEF_DEFAULTS;

function isEmpty(value: Json): boolean {
  return (Array.isArray(value) && value.length === 0) || (isObject(value) && Object.keys(value).length === 0);
}

/** Drops nulls, audit fields, empty lists/maps and values equal to `defaults`. */
function prune(object: JsonObject, defaults: Readonly<Record<string, Json>>): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(object)) {
    if (value === null || AUDIT_FIELDS.includes(key) || isEmpty(value)) continue;
    if (Object.hasOwn(defaults, key) && defaults[key] === value) continue;
    out[key] = value;
  }
  return out;
}

/** Schema references (inputSchema/outputSchema) carry audit fields and a default version. */
function normalizeSchemas(out: JsonObject): void {
  for (const key of ['inputSchema', 'outputSchema']) {
    const schema = out[key];
    if (isObject(schema ?? null)) out[key] = prune(schema as JsonObject, { version: 1 });
  }
}

export function normalizeTaskDef(def: JsonObject): JsonObject {
  const out = prune(def, TASK_DEF_DEFAULTS);
  normalizeSchemas(out);
  return out;
}

function normalizeTasks(tasks: Json): Json {
  return Array.isArray(tasks) ? tasks.map((t) => (isObject(t) ? normalizeTask(t) : t)) : tasks;
}

export function normalizeTask(task: JsonObject): JsonObject {
  const out = prune(task, TASK_DEFAULTS);
  out.type ??= 'SIMPLE';
  const cases = out.decisionCases;
  if (isObject(cases)) {
    // An empty case is a real case (it takes precedence over the default): keep it.
    out.decisionCases = Object.fromEntries(Object.entries(cases).map(([k, v]) => [k, normalizeTasks(v)]));
  }
  if (out.defaultCase !== undefined) out.defaultCase = normalizeTasks(out.defaultCase);
  if (out.loopOver !== undefined) out.loopOver = normalizeTasks(out.loopOver);
  if (Array.isArray(out.forkTasks)) out.forkTasks = out.forkTasks.map(normalizeTasks);
  if (isObject(out.taskDefinition ?? null)) {
    const def = normalizeTaskDef(out.taskDefinition as JsonObject);
    if (Object.keys(def).length > 0) out.taskDefinition = def;
    else delete out.taskDefinition;
  }
  if (isObject(out.subWorkflowParam ?? null)) out.subWorkflowParam = normalizeSubWorkflowParam(out.subWorkflowParam as JsonObject);
  return out;
}

function normalizeSubWorkflowParam(param: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(param)) if (value !== null) out[key] = value;
  if (isObject(out.workflowDefinition ?? null)) {
    const inline = normalizeWorkflowDef(out.workflowDefinition as JsonObject);
    out.workflowDefinition = inline;
    // The server writes the inline definition's version into the reference.
    out.version ??= inline.version ?? 1;
  }
  return out;
}

export function normalizeWorkflowDef(def: JsonObject): JsonObject {
  const out = prune(def, WORKFLOW_DEFAULTS);
  out.version ??= 1;
  normalizeSchemas(out);
  // 3.32 fills in how runs over the limit are handled.
  if (isObject(out.rateLimitConfig ?? null)) out.rateLimitConfig = prune(out.rateLimitConfig as JsonObject, { policy: 'QUEUE' });
  if (out.tasks !== undefined) out.tasks = normalizeTasks(out.tasks);
  return out;
}
