/**
 * What Conductor itself assumes for a field left out of a definition (the Java beans' field
 * initialisers, 3.x). One table, read by lowering (an imported workflow runs with these, not with
 * baton's policy), by `register` (a field left out equals its default when comparing with the
 * server) and by the importer (defaults are dropped from the canonical form).
 */
import type { TaskPolicy } from '../ir/policy.js';

/** TaskDef retry/timeout settings. */
export const CONDUCTOR_TASK_POLICY: TaskPolicy = Object.freeze({
  retryCount: 3,
  retryLogic: 'FIXED',
  retryDelaySeconds: 60,
  backoffScaleFactor: 1,
  maxRetryDelaySeconds: 0,
  backoffJitterMs: 0,
  timeoutSeconds: 0,
  responseTimeoutSeconds: 3600,
  totalTimeoutSeconds: 0,
  timeoutPolicy: 'TIME_OUT_WF',
  pollTimeoutSeconds: 0,
  rateLimitPerFrequency: 0,
  rateLimitFrequencyInSeconds: 1,
  concurrentExecLimit: 0,
});

/** Every scalar TaskDef field with a default. */
export const CONDUCTOR_TASK_DEF_DEFAULTS = Object.freeze({
  ...CONDUCTOR_TASK_POLICY,
  taskStatusListenerEnabled: true,
  enforceSchema: false,
});

/** WorkflowTask flags. */
export const CONDUCTOR_WORKFLOW_TASK_DEFAULTS = Object.freeze({
  startDelay: 0,
  optional: false,
  asyncComplete: false,
  permissive: false,
});

/** Scalar WorkflowDef settings. */
export const CONDUCTOR_WORKFLOW_DEFAULTS = Object.freeze({
  schemaVersion: 2,
  restartable: true,
  workflowStatusListenerEnabled: false,
  timeoutPolicy: 'ALERT_ONLY',
  timeoutSeconds: 0,
  enforceSchema: true,
});
