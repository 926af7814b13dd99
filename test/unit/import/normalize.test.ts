/**
 * The canonical form: what Conductor 3.32 adds to a definition it stores (taken from its
 * answers, see test/e2e/import.test.ts) is removed; what the author wrote is kept.
 */
import { describe, expect, it } from 'vitest';
import { normalizeTaskDef, normalizeWorkflowDef } from '../../../importer/normalize.js';
import type { JsonObject } from '../../../importer/json.js';

/** A task as the server returns it, with every default it fills in. */
const stored = (task: JsonObject): JsonObject => ({
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
  ...task,
});

describe('normalizeWorkflowDef', () => {
  it('removes what the server fills in, at every level', () => {
    const written: JsonObject = {
      name: 'w',
      tasks: [
        { name: 'h', taskReferenceName: 'h', type: 'HTTP', taskDefinition: { name: 'h', retryCount: 1 } },
        { name: 's', taskReferenceName: 's', type: 'SUB_WORKFLOW', subWorkflowParam: { name: 'inl', workflowDefinition: { name: 'inl', tasks: [{ name: 'q', taskReferenceName: 'q', type: 'NOOP' }] } } },
      ],
      rateLimitConfig: { rateLimitKey: 'k', concurrentExecLimit: 1 },
    };
    const returned: JsonObject = {
      createTime: 0,
      updateTime: 1795554691039,
      name: 'w',
      version: 1,
      tasks: [
        stored({
          name: 'h',
          taskReferenceName: 'h',
          type: 'HTTP',
          taskDefinition: {
            createTime: 0, updateTime: 0, name: 'h', retryCount: 1, timeoutSeconds: 0, inputKeys: [], outputKeys: [], runtimeMetadata: [], timeoutPolicy: 'TIME_OUT_WF',
            retryLogic: 'FIXED', retryDelaySeconds: 60, responseTimeoutSeconds: 3600, inputTemplate: {}, rateLimitPerFrequency: 0, rateLimitFrequencyInSeconds: 1,
            backoffScaleFactor: 1, maxRetryDelaySeconds: 0, backoffJitterMs: 0, totalTimeoutSeconds: 0, taskStatusListenerEnabled: true, enforceSchema: false,
          },
        }),
        stored({
          name: 's',
          taskReferenceName: 's',
          type: 'SUB_WORKFLOW',
          // The server writes the inline definition's version into the reference.
          subWorkflowParam: { name: 'inl', version: 1, workflowDefinition: { createTime: 0, updateTime: 0, name: 'inl', version: 1, tasks: [stored({ name: 'q', taskReferenceName: 'q', type: 'NOOP' })], inputParameters: [], outputParameters: {}, schemaVersion: 2, restartable: true, workflowStatusListenerEnabled: false, timeoutPolicy: 'ALERT_ONLY', timeoutSeconds: 0, variables: {}, inputTemplate: {}, enforceSchema: true, metadata: {}, maskedFields: [] } },
        }),
      ],
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
      rateLimitConfig: { rateLimitKey: 'k', concurrentExecLimit: 1, policy: 'QUEUE' },
    };
    expect(normalizeWorkflowDef(returned)).toEqual(normalizeWorkflowDef(written));
  });

  it('keeps what changes behaviour: an empty case, a non-default setting, user data', () => {
    const def = normalizeWorkflowDef({
      name: 'w',
      restartable: false,
      tasks: [{ name: 's', taskReferenceName: 's', type: 'SWITCH', decisionCases: { a: [] }, inputParameters: { keep: {}, list: [] }, optional: true }],
    });
    expect(def).toEqual({
      name: 'w',
      version: 1,
      restartable: false,
      tasks: [{ name: 's', taskReferenceName: 's', type: 'SWITCH', decisionCases: { a: [] }, inputParameters: { keep: {}, list: [] }, optional: true }],
    });
  });
});

describe('normalizeTaskDef', () => {
  it('removes defaults and audit fields, keeps settings', () => {
    expect(normalizeTaskDef({ name: 't', createTime: 1, createdBy: 'me', retryCount: 3, retryLogic: 'FIXED', timeoutSeconds: 30, inputKeys: [], concurrentExecLimit: 0 })).toEqual({
      name: 't',
      timeoutSeconds: 30,
    });
  });
});
