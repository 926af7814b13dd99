/**
 * The defaults policy: baton's shipped retry/timeout settings, the project's overrides and
 * profiles, and how the layers combine for one task. Every resolved policy has every field set
 * and keeps responseTimeout ≤ timeout ≤ totalTimeout, so no server fallback applies by accident.
 */
import type { PolicyOverrides, TaskPolicy, WorkflowPolicy } from '../ir/policy.js';
import { TASK_POLICY_KEYS } from '../ir/policy.js';
import type { PolicyConfig } from './config-types.js';

/** Practice for calls that can fail transiently: 3 retries, backing off 2, 4, 8 seconds. */
export const SHIPPED_DEFAULTS: TaskPolicy = Object.freeze({
  retryCount: 3,
  retryLogic: 'EXPONENTIAL_BACKOFF',
  retryDelaySeconds: 2,
  backoffScaleFactor: 1,
  maxRetryDelaySeconds: 60,
  backoffJitterMs: 0,
  timeoutSeconds: 60,
  responseTimeoutSeconds: 60,
  totalTimeoutSeconds: 0,
  timeoutPolicy: 'RETRY',
  pollTimeoutSeconds: 0,
  rateLimitPerFrequency: 0,
  rateLimitFrequencyInSeconds: 1,
  concurrentExecLimit: 0,
});

export const SHIPPED_PROFILES: Readonly<Record<string, PolicyOverrides>> = Object.freeze({
  default: {},
  /** Calls to other services over the network. */
  external: { timeoutSeconds: 30, responseTimeoutSeconds: 30 },
  /** Calls to language models: slow answers, worth a few patient retries. */
  llm: { timeoutSeconds: 120, responseTimeoutSeconds: 120, retryDelaySeconds: 5 },
  /** Database reads and writes. */
  database: { timeoutSeconds: 10, responseTimeoutSeconds: 10 },
  /** Work that takes long but reports progress (heartbeats) often. */
  'long-running': { timeoutSeconds: 3600, responseTimeoutSeconds: 300, retryCount: 2 },
  /** Undo steps run by the compensation workflow: more patient than the forward path. */
  compensation: {
    retryCount: 10,
    retryLogic: 'EXPONENTIAL_BACKOFF',
    retryDelaySeconds: 5,
    maxRetryDelaySeconds: 300,
    timeoutSeconds: 60,
    responseTimeoutSeconds: 60,
  },
  /** Deterministic steps that retrying cannot fix. */
  'no-retry': { retryCount: 0 },
  /** A child workflow: it has its own timeout, and re-running it whole is not a safe default. */
  'sub-workflow': { retryCount: 0, timeoutSeconds: 0, responseTimeoutSeconds: 3600, totalTimeoutSeconds: 0 },
});

export const SHIPPED_WORKFLOW_POLICY: WorkflowPolicy = Object.freeze({ timeoutSeconds: 3600, timeoutPolicy: 'TIME_OUT_WF' });

export interface PolicyTable {
  readonly defaults: TaskPolicy;
  readonly profiles: Readonly<Record<string, PolicyOverrides>>;
  readonly workflow: WorkflowPolicy;
}

export function policyTable(config: PolicyConfig | undefined): PolicyTable {
  const defaults = { ...SHIPPED_DEFAULTS, ...clean(config?.defaults) } as TaskPolicy;
  const profiles: Record<string, PolicyOverrides> = { ...SHIPPED_PROFILES };
  for (const [name, overrides] of Object.entries(config?.profiles ?? {})) {
    const merged: { -readonly [K in keyof PolicyOverrides]: PolicyOverrides[K] } = { ...profiles[name], ...clean(overrides) };
    // A project timeout replaces the shipped profile's timeouts that were derived from the old one
    // (external's 30 s response timeout must not outlast a project's 15 s timeout).
    if (overrides.timeoutSeconds !== undefined) {
      if (overrides.responseTimeoutSeconds === undefined) delete merged.responseTimeoutSeconds;
      if (overrides.totalTimeoutSeconds === undefined) delete merged.totalTimeoutSeconds;
    }
    profiles[name] = merged;
  }
  return { defaults, profiles, workflow: { ...SHIPPED_WORKFLOW_POLICY, ...clean(config?.workflow) } as WorkflowPolicy };
}

function clean<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The delay before retry n (0-based), as Conductor computes it. */
export function retryDelay(policy: TaskPolicy, attempt: number): number {
  let delay: number;
  switch (policy.retryLogic) {
    case 'FIXED':
      delay = policy.retryDelaySeconds;
      break;
    case 'LINEAR_BACKOFF':
      delay = policy.retryDelaySeconds * policy.backoffScaleFactor * (attempt + 1);
      break;
    case 'EXPONENTIAL_BACKOFF':
      delay = policy.retryDelaySeconds * 2 ** attempt;
      break;
  }
  return policy.maxRetryDelaySeconds > 0 ? Math.min(delay, policy.maxRetryDelaySeconds) : delay;
}

/** The time all attempts and the delays between them can take. */
export function worstCaseSeconds(policy: TaskPolicy): number {
  let total = policy.timeoutSeconds * (policy.retryCount + 1);
  for (let attempt = 0; attempt < policy.retryCount; attempt++) total += retryDelay(policy, attempt);
  return total;
}

export interface ResolvedPolicy {
  readonly policy: TaskPolicy;
  /** Conflicts between explicit settings, for diagnostics. */
  readonly conflicts: readonly string[];
}

/**
 * Combines layers from least to most specific. Derived fields follow the timeout when the most
 * specific layer that set the timeout did not set them too: a task that says `timeoutSeconds: 5`
 * gets a 5 s response timeout rather than a conflict with the default 60.
 */
export function resolvePolicy(table: PolicyTable, layers: readonly (PolicyOverrides | undefined)[]): ResolvedPolicy {
  const merged: Record<string, unknown> = { ...table.defaults };
  const explicit = new Set<string>();
  for (const layer of layers) {
    if (!layer) continue;
    for (const key of TASK_POLICY_KEYS) {
      const value = layer[key];
      if (value === undefined) continue;
      merged[key] = value;
      explicit.add(key);
      if (key === 'timeoutSeconds') {
        // A new timeout resets what was derived from the old one.
        explicit.delete('responseTimeoutSeconds');
        explicit.delete('totalTimeoutSeconds');
        if (layer.responseTimeoutSeconds !== undefined) explicit.add('responseTimeoutSeconds');
        if (layer.totalTimeoutSeconds !== undefined) explicit.add('totalTimeoutSeconds');
      }
    }
  }
  const policy = merged as unknown as { -readonly [K in keyof TaskPolicy]: TaskPolicy[K] };
  const conflicts: string[] = [];
  if (policy.responseTimeoutSeconds > policy.timeoutSeconds && policy.timeoutSeconds > 0) {
    if (explicit.has('responseTimeoutSeconds')) {
      conflicts.push(`responseTimeoutSeconds (${policy.responseTimeoutSeconds}) is longer than timeoutSeconds (${policy.timeoutSeconds})`);
    } else {
      policy.responseTimeoutSeconds = policy.timeoutSeconds;
    }
  }
  // The total budget also covers time spent queued before a worker polls: leave slack.
  const worst = policy.timeoutSeconds > 0 ? worstCaseSeconds(policy) + Math.max(60, policy.timeoutSeconds) : 0;
  if (!explicit.has('totalTimeoutSeconds') || policy.totalTimeoutSeconds === 0) {
    policy.totalTimeoutSeconds = worst;
  } else if (policy.totalTimeoutSeconds < policy.timeoutSeconds) {
    conflicts.push(`totalTimeoutSeconds (${policy.totalTimeoutSeconds}) is shorter than timeoutSeconds (${policy.timeoutSeconds})`);
  }
  for (const key of ['retryCount', 'retryDelaySeconds', 'timeoutSeconds', 'responseTimeoutSeconds', 'pollTimeoutSeconds'] as const) {
    const v = policy[key];
    if (!Number.isInteger(v) || v < 0) conflicts.push(`${key} must be a whole number ≥ 0 (got ${v})`);
  }
  if (policy.responseTimeoutSeconds < 1) conflicts.push('responseTimeoutSeconds must be at least 1');
  if (policy.backoffScaleFactor < 1) conflicts.push('backoffScaleFactor must be at least 1');
  return { policy: Object.freeze(policy), conflicts };
}

export function profileOf(table: PolicyTable, name: string | undefined): PolicyOverrides | undefined {
  if (name === undefined) return undefined;
  return table.profiles[name];
}
