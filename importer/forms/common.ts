/**
 * The settings every step shares (reference, name, description, optional, start delay, cache,
 * an embedded task definition), read from a task into step options, and everything the builder
 * has no option for collected into `fields`, which baton writes back as given.
 */
import { TASK_POLICY_KEYS, type PolicyOverrides } from '../../ir/policy.js';
import { CONDUCTOR_TASK_POLICY } from '../../compiler/conductor-defaults.js';
import { resolvePolicy } from '../../compiler/policy.js';
import { type Json, type JsonObject, isObject } from '../json.js';

export interface CommonPlan {
  readonly ref?: string;
  readonly conductorName?: string;
  readonly description?: string;
  readonly optional?: true;
  readonly permissive?: true;
  readonly asyncComplete?: true;
  readonly rateLimited?: true;
  readonly startDelaySeconds?: number;
  readonly cache?: { readonly key: string; readonly ttlSeconds: number };
  /** Settings of the embedded task definition, as step options. */
  readonly policy: readonly (readonly [string, Json])[];
  /** WorkflowTask fields with no option, written back as given. */
  readonly fields: JsonObject;
}

export interface NameRule {
  /** The reference the builder derives when no `ref` option is given. */
  readonly defaultRef: string;
  /** The task name the builder writes when no rename is given. */
  readonly defaultName: string;
  /** Whether the name may differ from `defaultName` (worker tasks: never). */
  readonly renamable: boolean;
}

/** Keys this module turns into options; the rest is the form's or goes to `fields`. */
const COMMON_KEYS = new Set(['name', 'taskReferenceName', 'type', 'description', 'optional', 'permissive', 'startDelay', 'asyncComplete', 'rateLimited', 'cacheConfig', 'taskDefinition']);
/** Keys a builder always writes itself: `fields` may not carry them. */
const BUILDER_KEYS = new Set(['name', 'taskReferenceName', 'type', 'inputParameters']);
/** What a derived reference keeps of a name (dsl/recorder.ts). */
const SAFE_REF = /^[A-Za-z0-9_-]+$/;

const ENUMS: Partial<Record<string, readonly string[]>> = {
  retryLogic: ['FIXED', 'EXPONENTIAL_BACKOFF', 'LINEAR_BACKOFF'],
  timeoutPolicy: ['RETRY', 'TIME_OUT_WF', 'ALERT_ONLY'],
};

/**
 * An embedded task definition as step options, when baton writes it back exactly: its name is
 * the task's and it holds only retry/timeout settings that Conductor accepts together.
 */
export function policyOptions(def: JsonObject, taskName: string | undefined): [string, Json][] | undefined {
  const entries: [string, Json][] = [];
  for (const [key, value] of Object.entries(def)) {
    if (key === 'name') {
      if (taskName === undefined || value !== taskName) return undefined;
      continue;
    }
    if (!(TASK_POLICY_KEYS as readonly string[]).includes(key)) return undefined;
    const allowed = ENUMS[key];
    if (allowed ? !allowed.includes(value as string) : !Number.isInteger(value) || (value as number) < 0) return undefined;
    entries.push([key, value]);
  }
  if (taskName !== undefined && def.name === undefined) return undefined;
  if (entries.length === 0) return undefined;
  const overrides = Object.fromEntries(entries) as PolicyOverrides;
  const table = { defaults: CONDUCTOR_TASK_POLICY, profiles: {}, workflow: { timeoutSeconds: 0, timeoutPolicy: 'ALERT_ONLY' as const } };
  if (resolvePolicy(table, [overrides]).conflicts.length > 0) return undefined;
  return entries;
}

/**
 * The common options of `task` for a builder that owns the keys `owned`, or undefined when the
 * builder cannot write this task's name.
 */
export function planCommon(task: JsonObject, owned: readonly string[], names: NameRule): CommonPlan | undefined {
  const ref = task.taskReferenceName as string;
  const name = task.name as string;
  const plan: { -readonly [K in keyof CommonPlan]: CommonPlan[K] } = { policy: [], fields: {} };
  if (ref !== names.defaultRef || !SAFE_REF.test(ref)) plan.ref = ref;
  if (name !== names.defaultName) {
    if (!names.renamable) return undefined;
    plan.conductorName = name;
  }
  const fields: JsonObject = {};
  for (const [key, value] of Object.entries(task)) {
    if (owned.includes(key) || key === 'name' || key === 'taskReferenceName' || key === 'type') continue;
    if (!COMMON_KEYS.has(key)) {
      if (BUILDER_KEYS.has(key)) return undefined;
      fields[key] = value;
      continue;
    }
    switch (key) {
      case 'description':
        if (typeof value === 'string' && value !== '') plan.description = value;
        else fields[key] = value;
        break;
      case 'optional':
      case 'permissive':
      case 'asyncComplete':
      case 'rateLimited':
        if (value === true) plan[key] = true;
        else fields[key] = value;
        break;
      case 'startDelay':
        if (Number.isInteger(value) && (value as number) > 0) plan.startDelaySeconds = value as number;
        else fields[key] = value;
        break;
      case 'cacheConfig': {
        const ok = isObject(value) && Object.keys(value).length === 2 && typeof value.key === 'string' && Number.isInteger(value.ttlInSecond);
        if (ok) plan.cache = { key: value.key as string, ttlSeconds: value.ttlInSecond as number };
        else fields[key] = value;
        break;
      }
      case 'taskDefinition': {
        const policy = isObject(value) ? policyOptions(value, name) : undefined;
        if (policy) plan.policy = policy;
        else fields[key] = value;
        break;
      }
    }
  }
  plan.fields = fields;
  return plan;
}
