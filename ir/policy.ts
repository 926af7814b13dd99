/**
 * Retry and timeout settings of one task, named as Conductor's TaskDef names them. A resolved
 * policy has every field set, so the server's own fallbacks never apply by accident.
 */
export type RetryLogic = 'FIXED' | 'EXPONENTIAL_BACKOFF' | 'LINEAR_BACKOFF';
export type TaskTimeoutPolicy = 'RETRY' | 'TIME_OUT_WF' | 'ALERT_ONLY';
export type WorkflowTimeoutPolicy = 'TIME_OUT_WF' | 'ALERT_ONLY';

export interface TaskPolicy {
  readonly retryCount: number;
  readonly retryLogic: RetryLogic;
  readonly retryDelaySeconds: number;
  /** Multiplier for LINEAR_BACKOFF (Conductor ignores it for the other logics). */
  readonly backoffScaleFactor: number;
  /** Upper bound on one retry delay; 0 means no bound. */
  readonly maxRetryDelaySeconds: number;
  readonly backoffJitterMs: number;
  /** How long one attempt may run once started. */
  readonly timeoutSeconds: number;
  /** How long a worker may stay silent (no update) before the attempt is considered lost. */
  readonly responseTimeoutSeconds: number;
  /** Bound on all attempts together, retries and delays included. */
  readonly totalTimeoutSeconds: number;
  readonly timeoutPolicy: TaskTimeoutPolicy;
  /** How long a scheduled task may wait for a worker to poll it; 0 means forever. */
  readonly pollTimeoutSeconds: number;
  readonly rateLimitPerFrequency: number;
  readonly rateLimitFrequencyInSeconds: number;
  readonly concurrentExecLimit: number;
}

export type PolicyOverrides = { readonly [K in keyof TaskPolicy]?: TaskPolicy[K] };

export interface WorkflowPolicy {
  readonly timeoutSeconds: number;
  readonly timeoutPolicy: WorkflowTimeoutPolicy;
}

export const TASK_POLICY_KEYS = [
  'retryCount',
  'retryLogic',
  'retryDelaySeconds',
  'backoffScaleFactor',
  'maxRetryDelaySeconds',
  'backoffJitterMs',
  'timeoutSeconds',
  'responseTimeoutSeconds',
  'totalTimeoutSeconds',
  'timeoutPolicy',
  'pollTimeoutSeconds',
  'rateLimitPerFrequency',
  'rateLimitFrequencyInSeconds',
  'concurrentExecLimit',
] as const satisfies readonly (keyof TaskPolicy)[];
