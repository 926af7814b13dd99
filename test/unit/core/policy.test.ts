/**
 * The defaults policy (compiler/policy.ts) and how it reaches the compiled JSON: layer order,
 * derived timeouts, retry delays as Conductor computes them, and explicit settings on every
 * worker and system task so the server's hidden fallbacks never apply.
 */
import { describe, expect, it } from 'vitest';
import { task, workflow, z } from '../../../dsl/index.js';
import { SHIPPED_DEFAULTS, policyTable, resolvePolicy, retryDelay, worstCaseSeconds } from '../../../compiler/policy.js';
import type { TaskPolicy } from '../../../ir/policy.js';
import { TASK_POLICY_KEYS } from '../../../ir/policy.js';
import { compileOk, fileJson, type JsonObject } from './helpers.js';

const table = policyTable(undefined);
const withDefaults = (overrides: Partial<TaskPolicy>): TaskPolicy => ({ ...SHIPPED_DEFAULTS, ...overrides });

describe('retry delays as Conductor computes them', () => {
  it('FIXED waits the same every time', () => {
    const policy = withDefaults({ retryLogic: 'FIXED', retryDelaySeconds: 2 });
    expect([0, 1, 2].map((n) => retryDelay(policy, n))).toEqual([2, 2, 2]);
  });

  it('LINEAR_BACKOFF grows by delay × scale factor', () => {
    const policy = withDefaults({ retryLogic: 'LINEAR_BACKOFF', retryDelaySeconds: 2, backoffScaleFactor: 3, maxRetryDelaySeconds: 0 });
    expect([0, 1, 2].map((n) => retryDelay(policy, n))).toEqual([6, 12, 18]);
  });

  it('EXPONENTIAL_BACKOFF doubles: the shipped 2-4-8 seconds', () => {
    expect([0, 1, 2].map((n) => retryDelay(SHIPPED_DEFAULTS, n))).toEqual([2, 4, 8]);
  });

  it('maxRetryDelaySeconds caps every logic; 0 means no cap', () => {
    expect([0, 1, 2, 3].map((n) => retryDelay(withDefaults({ maxRetryDelaySeconds: 5 }), n))).toEqual([2, 4, 5, 5]);
    expect(retryDelay(withDefaults({ maxRetryDelaySeconds: 0 }), 10)).toBe(2048);
    expect(retryDelay(withDefaults({ retryLogic: 'FIXED', retryDelaySeconds: 30, maxRetryDelaySeconds: 10 }), 0)).toBe(10);
  });

  it('worstCaseSeconds adds every attempt and every delay', () => {
    expect(worstCaseSeconds(SHIPPED_DEFAULTS)).toBe(4 * 60 + 2 + 4 + 8);
    expect(worstCaseSeconds(withDefaults({ retryCount: 0, timeoutSeconds: 7 }))).toBe(7);
  });
});

describe('resolvePolicy', () => {
  it('with no layers gives the shipped defaults, total derived from the worst case plus slack', () => {
    const { policy, conflicts } = resolvePolicy(table, []);
    expect(conflicts).toEqual([]);
    expect(policy).toEqual({ ...SHIPPED_DEFAULTS, totalTimeoutSeconds: 254 + 60 });
    expect(Object.keys(policy).sort()).toEqual([...TASK_POLICY_KEYS].sort());
  });

  it('later layers win, field by field', () => {
    const { policy } = resolvePolicy(table, [{ retryCount: 1, retryDelaySeconds: 7 }, undefined, { retryCount: 5 }]);
    expect(policy.retryCount).toBe(5);
    expect(policy.retryDelaySeconds).toBe(7);
  });

  it('a shorter timeout pulls the response timeout down with it', () => {
    expect(resolvePolicy(table, [{ timeoutSeconds: 5 }]).policy).toMatchObject({ timeoutSeconds: 5, responseTimeoutSeconds: 5 });
    // A response timeout set by an earlier layer follows a later, shorter timeout instead of conflicting.
    const layered = resolvePolicy(table, [{ timeoutSeconds: 30, responseTimeoutSeconds: 30 }, { timeoutSeconds: 10 }]);
    expect(layered.conflicts).toEqual([]);
    expect(layered.policy).toMatchObject({ timeoutSeconds: 10, responseTimeoutSeconds: 10, totalTimeoutSeconds: 10 * 4 + 14 + 60 });
    // One that is shorter than the timeout stays.
    expect(resolvePolicy(table, [{ responseTimeoutSeconds: 20 }]).policy).toMatchObject({ timeoutSeconds: 60, responseTimeoutSeconds: 20 });
  });

  it('explicit settings that contradict each other are conflicts, not silently fixed', () => {
    expect(resolvePolicy(table, [{ timeoutSeconds: 10, responseTimeoutSeconds: 20 }]).conflicts).toEqual([
      'responseTimeoutSeconds (20) is longer than timeoutSeconds (10)',
    ]);
    expect(resolvePolicy(table, [{ totalTimeoutSeconds: 30 }]).conflicts).toEqual(['totalTimeoutSeconds (30) is shorter than timeoutSeconds (60)']);
    // A new timeout in a later layer resets an earlier explicit total, which is then derived again.
    expect(resolvePolicy(table, [{ totalTimeoutSeconds: 30 }, { timeoutSeconds: 40 }]).conflicts).toEqual([]);
    expect(resolvePolicy(table, [{ retryCount: 1.5, backoffScaleFactor: 0, responseTimeoutSeconds: 0 }]).conflicts).toEqual([
      'retryCount must be a whole number ≥ 0 (got 1.5)',
      'responseTimeoutSeconds must be at least 1',
      'backoffScaleFactor must be at least 1',
    ]);
  });

  it('keeps responseTimeout ≤ timeout ≤ totalTimeout for every shipped profile', () => {
    for (const [name, profile] of Object.entries(table.profiles)) {
      const { policy, conflicts } = resolvePolicy(table, [profile]);
      expect(conflicts, name).toEqual([]);
      if (policy.timeoutSeconds > 0) {
        expect(policy.responseTimeoutSeconds, name).toBeLessThanOrEqual(policy.timeoutSeconds);
        expect(policy.timeoutSeconds, name).toBeLessThanOrEqual(policy.totalTimeoutSeconds);
      }
    }
  });
});

describe('policyTable', () => {
  it('project defaults and profiles merge over the shipped ones', () => {
    const custom = policyTable({
      defaults: { retryCount: 5, timeoutSeconds: undefined },
      profiles: { external: { timeoutSeconds: 15 }, batch: { timeoutSeconds: 900, retryCount: 1 } },
      workflow: { timeoutSeconds: 7200 },
    });
    expect(custom.defaults).toEqual({ ...SHIPPED_DEFAULTS, retryCount: 5 });
    // The shipped response timeout was derived from the shipped 30 s timeout: a project timeout replaces both.
    expect(custom.profiles.external).toEqual({ timeoutSeconds: 15 });
    expect(custom.profiles.batch).toEqual({ timeoutSeconds: 900, retryCount: 1 });
    expect(custom.profiles.database).toEqual(table.profiles.database);
    expect(custom.workflow).toEqual({ timeoutSeconds: 7200, timeoutPolicy: 'TIME_OUT_WF' });
    // external's own response timeout (30) is longer than the project's 15 s timeout: pulled down, no conflict.
    expect(resolvePolicy(custom, [custom.profiles.external]).policy).toMatchObject({ timeoutSeconds: 15, responseTimeoutSeconds: 15 });
  });
});

describe('compiled settings', () => {
  const plain = task('plain_task', { input: z.object({}), output: z.object({ ok: z.boolean() }) });
  const database = task('db_task', { input: z.object({}), output: z.object({}), profile: 'database', retryCount: 2 });
  const input = z.object({});
  const output = z.object({}).catchall(z.unknown());

  it('every task definition file carries every setting, with the project owner', () => {
    const wf = workflow('settings_files', { input, output }, (wf) => {
      wf.run(plain, {});
      wf.run(database, {});
      return {};
    });
    const { result } = compileOk(wf, { ownerEmail: 'ops@example.com' });
    const plainDef = fileJson(result, 'tasks/plain_task.json');
    expect(plainDef).toEqual({
      name: 'plain_task',
      ...SHIPPED_DEFAULTS,
      totalTimeoutSeconds: 314,
      inputKeys: [],
      outputKeys: ['ok'],
      ownerEmail: 'ops@example.com',
    });
    expect(Object.keys(plainDef)).toEqual(['name', ...TASK_POLICY_KEYS, 'inputKeys', 'outputKeys', 'ownerEmail']);
    expect(fileJson(result, 'tasks/db_task.json')).toMatchObject({ retryCount: 2, timeoutSeconds: 10, responseTimeoutSeconds: 10, totalTimeoutSeconds: 10 * 3 + 2 + 4 + 60 });
  });

  it('a step embeds a definition only when its settings differ from its declaration’s', () => {
    const wf = workflow('embedding', { input, output }, (wf) => {
      wf.run(plain, {}, { ref: 'as_declared' });
      wf.run(plain, {}, { ref: 'same_values', retryCount: 3, profile: 'default' });
      wf.run(plain, {}, { ref: 'overridden', profile: 'no-retry' });
      return {};
    });
    const { tasks } = compileOk(wf);
    expect(tasks.map((t) => 'taskDefinition' in t)).toEqual([false, false, true]);
    expect((tasks[2]!.taskDefinition as JsonObject).retryCount).toBe(0);
    expect(Object.keys(tasks[2]!.taskDefinition as JsonObject)).toEqual(['name', ...TASK_POLICY_KEYS]);
  });

  it('layers apply in order: workflow profile, workflow defaults, type profile, declaration, step profile, step options', () => {
    const config = { policy: { profiles: { wf_profile: { retryCount: 7, timeoutSeconds: 100, retryDelaySeconds: 1 }, step_profile: { retryDelaySeconds: 9, maxRetryDelaySeconds: 11 } } } };
    const wf = workflow('layers', { input, output, profile: 'wf_profile', defaults: { retryCount: 6, backoffJitterMs: 50 } }, (wf) => {
      wf.http('call', { uri: 'https://x.example', method: 'GET', profile: 'step_profile', retryCount: 1 });
      wf.run(plain, {}, { ref: 'worker' });
      wf.run(database, {}, { ref: 'db' });
      return {};
    });
    const { tasks } = compileOk(wf, config);
    // HTTP: the external profile's 30 s beats the workflow's 100 s; the step's own options win last.
    expect(tasks[0]!.taskDefinition).toMatchObject({ retryCount: 1, timeoutSeconds: 30, responseTimeoutSeconds: 30, retryDelaySeconds: 9, maxRetryDelaySeconds: 11, backoffJitterMs: 50 });
    // A worker task with no settings of its own takes the workflow's: embedded, since its registered definition differs.
    expect(tasks[1]!.taskDefinition).toMatchObject({ retryCount: 6, timeoutSeconds: 100, retryDelaySeconds: 1, backoffJitterMs: 50 });
    // The declaration (profile database, retryCount 2) beats the workflow's layers.
    expect(tasks[2]!.taskDefinition).toMatchObject({ retryCount: 2, timeoutSeconds: 10, retryDelaySeconds: 1, backoffJitterMs: 50 });
  });

  it('workflow timeouts come from the project unless the workflow sets them', () => {
    const a = workflow('wf_timeout_default', { input, output }, (wf) => {
      wf.run(plain, {});
      return {};
    });
    const b = workflow('wf_timeout_own', { input, output, timeoutSeconds: 60, timeoutPolicy: 'ALERT_ONLY' }, (wf) => {
      wf.run(plain, {});
      return {};
    });
    const config = { policy: { workflow: { timeoutSeconds: 900 } } };
    expect(compileOk(a, config).definition).toMatchObject({ timeoutSeconds: 900, timeoutPolicy: 'TIME_OUT_WF' });
    expect(compileOk(b, config).definition).toMatchObject({ timeoutSeconds: 60, timeoutPolicy: 'ALERT_ONLY' });
  });
});
