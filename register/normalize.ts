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
 * So each side gets the defaults filled in (a field left out means the default, both when we
 * send it and when the server stores it), audit fields and nulls removed, and unknown fields
 * that hold an empty value (a newer server's new default) removed.
 */
import { type Json, type JsonObject, deepEqual, isEmptyValue, isObject } from './json.js';

const AUDIT_FIELDS = new Set(['createTime', 'updateTime', 'createdBy', 'updatedBy', 'ownerApp', 'accessPolicy']);
const SCHEDULE_AUDIT_FIELDS = new Set(['createTime', 'updatedTime', 'createdBy', 'updatedBy', 'nextRunTime', 'pausedReason']);

// Defaults of the server's Java beans (common/metadata/*), for fields whose default is not null.
const WORKFLOW_DEFAULTS: JsonObject = {
  version: 1,
  tasks: [],
  inputParameters: [],
  outputParameters: {},
  schemaVersion: 2,
  restartable: true,
  workflowStatusListenerEnabled: false,
  timeoutPolicy: 'ALERT_ONLY',
  timeoutSeconds: 0,
  variables: {},
  inputTemplate: {},
  enforceSchema: true,
  metadata: {},
  maskedFields: [],
};
const WORKFLOW_FIELDS = new Set([
  ...Object.keys(WORKFLOW_DEFAULTS),
  'name', 'description', 'failureWorkflow', 'failureWorkflowVersion', 'ownerEmail', 'workflowStatusListenerSink',
  'rateLimitConfig', 'inputSchema', 'outputSchema', 'cacheConfig',
]);

const TASK_DEFAULTS: JsonObject = {
  inputParameters: {},
  type: 'SIMPLE',
  decisionCases: {},
  defaultCase: [],
  forkTasks: [],
  startDelay: 0,
  joinOn: [],
  optional: false,
  defaultExclusiveJoinTask: [],
  asyncComplete: false,
  loopOver: [],
  onStateChange: {},
  permissive: false,
  metadata: {},
};
const TASK_FIELDS = new Set([
  ...Object.keys(TASK_DEFAULTS),
  'name', 'taskReferenceName', 'description', 'dynamicTaskNameParam', 'caseValueParam', 'caseExpression',
  'scriptExpression', 'dynamicForkTasksParam', 'dynamicForkTasksInputParamName', 'subWorkflowParam', 'sink',
  'taskDefinition', 'rateLimited', 'loopCondition', 'items', 'retryCount', 'evaluatorType', 'expression',
  'joinStatus', 'cacheConfig', 'joinMode',
]);

const TASK_DEF_DEFAULTS: JsonObject = {
  retryCount: 3,
  timeoutSeconds: 0,
  inputKeys: [],
  outputKeys: [],
  runtimeMetadata: [],
  timeoutPolicy: 'TIME_OUT_WF',
  retryLogic: 'FIXED',
  retryDelaySeconds: 60,
  responseTimeoutSeconds: 3600,
  inputTemplate: {},
  backoffScaleFactor: 1,
  maxRetryDelaySeconds: 0,
  backoffJitterMs: 0,
  totalTimeoutSeconds: 0,
  taskStatusListenerEnabled: true,
  enforceSchema: false,
};
const TASK_DEF_FIELDS = new Set([
  ...Object.keys(TASK_DEF_DEFAULTS),
  'name', 'description', 'concurrentExecLimit', 'rateLimitPerFrequency', 'rateLimitFrequencyInSeconds',
  'isolationGroupId', 'executionNameSpace', 'ownerEmail', 'pollTimeoutSeconds', 'baseType', 'inputSchema', 'outputSchema',
]);

const SCHEDULE_DEFAULTS: JsonObject = { runCatchupScheduleInstances: false, paused: false, zoneId: 'UTC', cronSchedules: [] };
const SCHEDULE_FIELDS = new Set([...Object.keys(SCHEDULE_DEFAULTS), 'name', 'cronExpression', 'startWorkflowRequest', 'scheduleStartTime', 'scheduleEndTime', 'description']);
const START_REQUEST_DEFAULTS: JsonObject = { input: {}, taskToDomain: {}, priority: 0 };

/**
 * Copies `value` with defaults filled in, audit fields and nulls removed, and unknown empty
 * fields dropped; `children` normalises the typed sub-objects.
 */
function canonical(
  value: JsonObject,
  defaults: JsonObject,
  known: ReadonlySet<string>,
  audit: ReadonlySet<string>,
  children: (key: string, child: Json) => Json = (_k, child) => child,
): JsonObject {
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (audit.has(key) || child === null || child === undefined) continue;
    if (!known.has(key) && isEmptyValue(child)) continue;
    out[key] = children(key, child);
  }
  for (const [key, fallback] of Object.entries(defaults)) if (!(key in out)) out[key] = fallback;
  return out;
}

function withoutNulls(value: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined));
}

const taskList = (list: Json): Json => (Array.isArray(list) ? list.map((t) => (isObject(t) ? normalizeTask(t) : t)) : list);

export function normalizeTask(task: JsonObject): JsonObject {
  return canonical(task, TASK_DEFAULTS, TASK_FIELDS, AUDIT_FIELDS, (key, child) => {
    switch (key) {
      case 'defaultCase':
      case 'loopOver':
        return taskList(child);
      case 'forkTasks':
        return Array.isArray(child) ? child.map(taskList) : child;
      case 'decisionCases':
        return isObject(child) ? Object.fromEntries(Object.entries(child).map(([k, v]) => [k, taskList(v)])) : child;
      case 'taskDefinition':
        return isObject(child) ? normalizeTaskDef(child) : child;
      case 'subWorkflowParam': {
        if (!isObject(child)) return child;
        const param = withoutNulls(child);
        if (isObject(param.workflowDefinition)) param.workflowDefinition = normalizeWorkflow(param.workflowDefinition);
        return param;
      }
      default:
        return child;
    }
  });
}

export function normalizeWorkflow(def: JsonObject): JsonObject {
  return canonical(def, WORKFLOW_DEFAULTS, WORKFLOW_FIELDS, AUDIT_FIELDS, (key, child) => {
    if (key === 'tasks') return taskList(child);
    if (key === 'rateLimitConfig' && isObject(child)) return { policy: 'QUEUE', concurrentExecLimit: 0, ...withoutNulls(child) };
    if ((key === 'inputSchema' || key === 'outputSchema') && isObject(child)) return canonical(child, { version: 1 }, new Set(['name', 'version', 'type', 'data', 'externalRef']), AUDIT_FIELDS);
    return child;
  });
}

export function normalizeTaskDef(def: JsonObject): JsonObject {
  return canonical(def, TASK_DEF_DEFAULTS, TASK_DEF_FIELDS, AUDIT_FIELDS);
}

export function normalizeSchedule(schedule: JsonObject): JsonObject {
  return canonical(schedule, SCHEDULE_DEFAULTS, SCHEDULE_FIELDS, SCHEDULE_AUDIT_FIELDS, (key, child) =>
    key === 'startWorkflowRequest' && isObject(child) ? { ...START_REQUEST_DEFAULTS, ...withoutNulls(child) } : child,
  );
}

/** Equal as the server would store them, the version number aside. */
export function sameWorkflow(a: JsonObject, b: JsonObject): boolean {
  return deepEqual({ ...normalizeWorkflow(a), version: 0 }, { ...normalizeWorkflow(b), version: 0 });
}
