/**
 * Options every step accepts, and the retry/timeout options shared by steps, task declarations,
 * workflows and the project policy. Names follow Conductor's TaskDef so its documentation applies.
 */
import type { PolicyOverrides, RetryLogic, TaskTimeoutPolicy } from '../ir/policy.js';
import { TASK_POLICY_KEYS } from '../ir/policy.js';
import type { StepOptionsIR } from '../ir/step.js';
import type { Json } from '../ir/value.js';
import type { RefBase } from './ref.js';
import { type ValueProblem, toValue } from './values.js';

export interface PolicyOptions {
  /** Attempts after the first one. */
  retryCount?: number;
  retryLogic?: RetryLogic;
  /** First retry delay; EXPONENTIAL_BACKOFF doubles it on every further attempt. */
  retryDelaySeconds?: number;
  /** Multiplier for LINEAR_BACKOFF. */
  backoffScaleFactor?: number;
  /** Upper bound on one retry delay (0: none). */
  maxRetryDelaySeconds?: number;
  backoffJitterMs?: number;
  /** How long one attempt may run. */
  timeoutSeconds?: number;
  /** How long a worker may stay silent before the attempt is considered lost. */
  responseTimeoutSeconds?: number;
  /** Bound on all attempts together. */
  totalTimeoutSeconds?: number;
  /** RETRY (default), TIME_OUT_WF (fail the workflow) or ALERT_ONLY. */
  timeoutPolicy?: TaskTimeoutPolicy;
  /** How long a scheduled task may wait for a worker (0: forever). */
  pollTimeoutSeconds?: number;
  rateLimitPerFrequency?: number;
  rateLimitFrequencyInSeconds?: number;
  /** Most attempts of this task running at once across all workflows. */
  concurrentExecLimit?: number;
}

export interface StepOptions extends PolicyOptions {
  /** The taskReferenceName; derived from the task name when left out. */
  ref?: string;
  description?: string;
  /** The workflow continues when this step fails. */
  optional?: boolean;
  /** The workflow continues past this failure and fails at the end. */
  permissive?: boolean;
  /** Seconds to wait before the task is scheduled. */
  startDelaySeconds?: number;
  /** The task stays IN_PROGRESS until completed from outside (an event, an API call). */
  asyncComplete?: boolean;
  /** Reuse the output of an earlier run with the same key for ttlSeconds. */
  cache?: { key: string | RefBase<string>; ttlSeconds: number };
  /** Named defaults from the project policy. */
  profile?: string;
  /** Apply the task definition's rate limit on this step. */
  rateLimited?: boolean;
  /**
   * The WorkflowTask's `name` as Conductor shows it, when it should differ from what the builder
   * derives (an imported definition). Not for worker tasks, whose name is their declaration's.
   */
  conductorName?: string;
  /**
   * WorkflowTask fields baton has no option for (`retryCount`, `onStateChange`, a newer server's
   * fields), written as given over what the builder generates. Not for name, type or input.
   */
  fields?: Record<string, Json>;
}

/** WorkflowTask fields a builder always owns: `fields` may not replace them. */
const BUILDER_FIELDS = ['name', 'taskReferenceName', 'type', 'inputParameters'];

export function pickPolicy(options: PolicyOptions | undefined): PolicyOverrides {
  const out: Record<string, unknown> = {};
  if (!options) return out;
  for (const key of TASK_POLICY_KEYS) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value;
  }
  return out as PolicyOverrides;
}

/** What a step without options records (most steps): one frozen object for all of them. */
const NO_OPTIONS: StepOptionsIR = Object.freeze({});

export function toStepOptions(options: StepOptions | undefined, problems: ValueProblem[]): StepOptionsIR {
  if (!options) return NO_OPTIONS;
  const policy = pickPolicy(options);
  const out: {
    -readonly [K in keyof StepOptionsIR]: StepOptionsIR[K];
  } = {};
  if (options.description !== undefined) out.description = options.description;
  if (options.optional !== undefined) out.optional = options.optional;
  if (options.permissive !== undefined) out.permissive = options.permissive;
  if (options.startDelaySeconds !== undefined) out.startDelaySeconds = options.startDelaySeconds;
  if (options.asyncComplete !== undefined) out.asyncComplete = options.asyncComplete;
  if (options.profile !== undefined) out.profile = options.profile;
  if (options.rateLimited !== undefined) out.rateLimited = options.rateLimited;
  if (options.conductorName !== undefined) out.conductorName = options.conductorName;
  if (options.fields !== undefined) {
    for (const key of BUILDER_FIELDS) {
      if (key in options.fields) problems.push({ path: `$.fields.${key}`, message: `'${key}' is set by the builder, not through fields` });
    }
    out.fields = { ...options.fields };
  }
  if (options.cache !== undefined) {
    out.cache = { key: toValue(options.cache.key, problems, '$.cache.key'), ttlSeconds: options.cache.ttlSeconds };
  }
  if (Object.keys(policy).length > 0) out.policy = policy;
  return out;
}
