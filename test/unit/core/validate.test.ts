/**
 * Validation (compiler/passes/validate.ts and the task types' own checks): Conductor's
 * registration rules and the mistakes it would only find at run time, each asserted by its
 * diagnostic code and message.
 */
import { describe, expect, it } from 'vitest';
import { externalWorkflow, task, workflow, z, type AnyWorkflow, type WorkflowScope } from '../../../dsl/index.js';
import type { Diagnostic } from '../../../compiler/diagnostics.js';
import { codes, compileAll, diagnosticsOf } from './helpers.js';

const notify = task('notify', { input: z.object({ text: z.string() }), output: z.object({ sent: z.boolean() }) });
const order = task('place_order', {
  input: z.object({ sku: z.string().min(3), qty: z.number().int().positive(), note: z.string().optional(), meta: z.object({ channel: z.enum(['web', 'app']) }) }),
  output: z.object({ orderId: z.string() }),
});
const input = z.object({ id: z.string(), ids: z.array(z.string()), flag: z.boolean() });
const output = z.object({}).catchall(z.unknown());

const simple = (name: string, extra: Partial<Parameters<typeof workflow>[1]> = {}) =>
  workflow(name, { input, output, ...extra } as never, (wf) => {
    wf.run(notify, { text: 'x' });
    return {};
  });

const only = (found: readonly Diagnostic[], code: string) => found.filter((d) => d.code === code);
const messages = (found: readonly Diagnostic[], code: string) => only(found, code).map((d) => d.message);

describe('names, references and shape', () => {
  it('a reference used twice is reported at the second step, naming the first', () => {
    const wf = workflow('dup_refs', { input, output }, (wf) => {
      wf.run(notify, { text: 'a' }, { ref: 'same' });
      wf.if('branch', wf.input.flag, (b) => {
        b.run(notify, { text: 'b' }, { ref: 'same' });
      });
      return {};
    });
    const found = only(diagnosticsOf(wf), 'duplicate-ref');
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toBe("step reference 'same' is used twice in workflow 'dup_refs'");
    expect(found[0]!.hint).toMatch(/^the other is at line \d+; give one a different ref$/);
  });

  it('derived references never clash: the second use of a task gets _2', () => {
    const wf = workflow('derived_refs', { input, output }, (wf) => {
      wf.run(notify, { text: 'a' });
      wf.run(notify, { text: 'b' });
      wf.run(notify, { text: 'c' }, { ref: 'notify_3' });
      wf.run(notify, { text: 'd' });
      return {};
    });
    const result = compileAll([wf]);
    expect(result.diagnostics).toEqual([]);
    expect((result.workflows[0]!.definition.tasks as { taskReferenceName: string }[]).map((t) => t.taskReferenceName)).toEqual([
      'notify',
      'notify_2',
      'notify_3',
      'notify_4',
    ]);
  });

  it('a step named like a helper task baton generates is caught after lowering', () => {
    const wf = workflow('helper_clash', { input, output }, (wf) => {
      wf.run(notify, { text: 'a' }, { ref: 'fan_join' });
      wf.parallel('fan', { a: (b) => b.run(notify, { text: 'x' }), b: (b) => b.run(notify, { text: 'y' }) });
      return {};
    });
    expect(messages(diagnosticsOf(wf), 'duplicate-ref')).toEqual(["task reference 'fan_join' occurs twice in the compiled workflow 'helper_clash'"]);
  });

  it('names Conductor would reject', () => {
    const badTask = task('bad.task', { input: z.object({}), output: z.object({}) });
    const wf = workflow('bad name!', { input, output, version: 0 }, (wf) => {
      wf.run(notify, { text: 'a' }, { ref: 'has.dot' });
      wf.run(badTask, {});
      return {};
    });
    const found = diagnosticsOf(wf);
    expect(messages(found, 'invalid-name').sort()).toEqual([
      "task name 'bad.task' is not allowed by Conductor",
      "workflow name 'bad name!' is not allowed by Conductor",
    ]);
    expect(messages(found, 'invalid-ref')).toEqual(["step reference 'has.dot' has characters that break Conductor expressions"]);
    expect(messages(found, 'invalid-version')).toEqual(["workflow 'bad name!' has version 0"]);
  });

  it('an empty workflow', () => {
    const wf = workflow('empty', { input, output }, () => ({}));
    expect(messages(diagnosticsOf(wf), 'no-steps')).toEqual(["workflow 'empty' has no steps"]);
  });

  it('the same workflow name and version twice', () => {
    expect(codes(diagnosticsOf([simple('twin'), simple('twin')]))).toContain('duplicate-workflow');
  });

  it('a body that throws is reported, and errors leave no files', () => {
    const wf = workflow('throws', { input, output }, () => {
      throw new Error('no network here');
    });
    const result = compileAll([wf]);
    expect(messages(result.diagnostics, 'body-threw')).toEqual(["the body of workflow 'throws' threw: no network here"]);
    expect(result.files.size).toBe(0);
    expect(result.workflows).toEqual([]);
  });

  it('workflow-level numbers out of range', () => {
    const wf = workflow('bad_numbers', { input, output, timeoutSeconds: -1, rateLimit: { key: 'k', concurrentExecLimit: 0 } }, (wf) => {
      wf.run(notify, { text: 'a' }, { startDelaySeconds: 1.5 });
      return {};
    });
    expect(codes(diagnosticsOf(wf)).sort()).toEqual(['invalid-rate-limit', 'invalid-start-delay', 'invalid-timeout']);
  });
});

describe('policies and profiles', () => {
  it('responseTimeout longer than timeout, and total shorter than timeout, are conflicts', () => {
    const wf = workflow('conflicts', { input, output }, (wf) => {
      wf.run(notify, { text: 'a' }, { ref: 'slow_response', timeoutSeconds: 50, responseTimeoutSeconds: 100 });
      wf.run(notify, { text: 'b' }, { ref: 'short_total', totalTimeoutSeconds: 10 });
      wf.run(notify, { text: 'c' }, { ref: 'negative', retryCount: -1 });
      wf.run(notify, { text: 'd' }, { ref: 'fine', timeoutSeconds: 5 });
      return {};
    });
    expect(messages(diagnosticsOf(wf), 'policy-conflict')).toEqual([
      "step 'slow_response': responseTimeoutSeconds (100) is longer than timeoutSeconds (50)",
      "step 'short_total': totalTimeoutSeconds (10) is shorter than timeoutSeconds (60)",
      "step 'negative': retryCount must be a whole number ≥ 0 (got -1)",
    ]);
  });

  it('control steps carry no settings, so their policy options are not judged', () => {
    const wf = workflow('control_policy', { input, output }, (wf) => {
      wf.wait('pause', { seconds: 1, responseTimeoutSeconds: 100, timeoutSeconds: 1 });
      return {};
    });
    expect(codes(diagnosticsOf(wf))).not.toContain('policy-conflict');
  });

  it('an unknown profile on a step, a task or a workflow names the known ones', () => {
    const oddTask = task('odd_task', { input: z.object({}), output: z.object({}), profile: 'glacial' });
    const wf = workflow('profiles', { input, output, profile: 'nope' }, (wf) => {
      wf.run(notify, { text: 'a' }, { profile: 'missing' });
      wf.run(oddTask, {});
      return {};
    });
    const found = only(diagnosticsOf(wf, { policy: { profiles: { mine: { retryCount: 1 } } } }), 'unknown-profile');
    expect(found.map((d) => d.message).sort()).toEqual([
      "step 'notify' asks for profile 'missing'",
      "task 'odd_task' asks for profile 'glacial'",
      "workflow 'profiles' asks for profile 'nope'",
    ]);
    expect(found[0]!.hint).toBe('known profiles: default, external, llm, database, long-running, compensation, no-retry, sub-workflow, mine');
  });
});

describe('workflow timeout', () => {
  const waits = (name: string, extra: object, body: (wf: WorkflowScope<never>) => void) =>
    workflow(name, { input, output, ...extra } as never, (wf) => {
      body(wf as never);
      return {};
    });

  it('refuses a workflow whose fixed waits outlast its timeout, so every run would time out', () => {
    const found = diagnosticsOf(waits('cool_off', {}, (wf) => void wf.wait('two_hours', { duration: '2h' })));
    expect(only(found, 'workflow-timeout').map((d) => [d.severity, d.message])).toEqual([
      ['error', "workflow 'cool_off' waits at least 7200 s (fixed waits and start delays) but its timeout is 3600 s: every run times out"],
    ]);
    // Start delays and parallel branches add up; a timeout that covers them is fine.
    const parallel = (timeoutSeconds: number) =>
      diagnosticsOf(
        waits(`parallel_${timeoutSeconds}`, { timeoutSeconds }, (wf) => {
          wf.run(notify, { text: 'x' }, { startDelaySeconds: 600 });
          wf.parallel('both', { short: (b) => void b.wait('short', { seconds: 60 }), long: (b) => void b.wait('long', { duration: '1h' }) });
        }),
      );
    expect(messages(parallel(3600), 'workflow-timeout')).toEqual([expect.stringContaining('waits at least 4200 s')]);
    expect(codes(parallel(4201))).not.toContain('workflow-timeout');
  });

  it('counts a switch by its shortest branch and loops not at all, and only warns without TIME_OUT_WF', () => {
    const branches = diagnosticsOf(
      workflow('maybe_wait', { input, output }, (wf) => {
        wf.if('slow_path', wf.input.flag, (b) => void b.wait('long', { duration: '2h' }));
        wf.loop('again', (b) => void b.wait('pass', { duration: '2h' }), { maxIterations: 2 });
        return {};
      }),
    );
    expect(codes(branches)).not.toContain('workflow-timeout');
    const alerting = diagnosticsOf(waits('alert_only', { timeoutPolicy: 'ALERT_ONLY' }, (wf) => void wf.wait('two_hours', { seconds: 7200 })));
    expect(only(alerting, 'workflow-timeout').map((d) => d.severity)).toEqual(['warning']);
    expect(messages(alerting, 'workflow-timeout')[0]).toContain('every run raises a timeout alert');
  });
});

describe('examples and schedules', () => {
  it('an example that does not match the input schema, and duplicate names', () => {
    const wf = simple('examples', {
      examples: [
        { name: 'good', input: { id: 'a', ids: [], flag: true } },
        { name: 'bad', input: { id: 1, ids: [], flag: true } as never },
        { name: 'good', input: { id: 'b', ids: [], flag: false } },
      ],
    });
    const found = diagnosticsOf(wf);
    expect(messages(found, 'example-invalid')).toEqual([
      "example 'bad' does not match the input schema: id: Invalid input: expected string, received number",
    ]);
    expect(messages(found, 'duplicate-example')).toEqual(["example 'good' is defined twice"]);
  });

  it('a bad cron, a bad time zone, an input that does not fit, a duplicate name', () => {
    const wf = simple('schedules', {
      schedules: [
        { name: 'nightly', cron: '0 0 2 * * *', zone: 'Europe/Paris', input: { id: 'a', ids: [], flag: true } },
        { name: 'five', cron: '0 */5 * * *', input: { id: 'a', ids: [], flag: true } },
        { name: 'nowhere', cron: '@daily', zone: 'Mars/Olympus', input: { id: 'a', ids: [], flag: true } },
        { name: 'wrong_input', cron: '@hourly', input: { id: 'a' } as never },
        { name: 'nightly', cron: '@daily', input: { id: 'a', ids: [], flag: true } },
      ],
    });
    const found = diagnosticsOf(wf);
    expect(messages(found, 'invalid-cron')).toEqual([
      `schedule 'five' cron "0 */5 * * *" has 5 fields; Conductor reads six: second minute hour day-of-month month day-of-week (e.g. "0 */5 * * * *")`,
    ]);
    expect(messages(found, 'invalid-zone')).toEqual(["schedule 'nowhere' has time zone 'Mars/Olympus'"]);
    expect(messages(found, 'schedule-input-invalid')).toEqual([
      "schedule 'wrong_input' input does not match the workflow input: ids: Invalid input: expected array, received undefined",
    ]);
    expect(messages(found, 'duplicate-schedule')).toEqual(["schedule 'nightly' is defined twice"]);
  });
});

describe('across workflows', () => {
  it('sub-workflows that call each other in a circle (reported once per cycle)', () => {
    const a: AnyWorkflow = workflow('cycle_a', { input, output }, (wf) => {
      wf.subWorkflow(b, { id: 'x', ids: [], flag: true });
      return {};
    });
    const b: AnyWorkflow = workflow('cycle_b', { input, output }, (wf) => {
      wf.subWorkflow(a, { id: 'x', ids: [], flag: true });
      return {};
    });
    const self: AnyWorkflow = workflow('cycle_self', { input, output }, (wf) => {
      wf.subWorkflow(self, { id: 'x', ids: [], flag: true });
      return {};
    });
    expect(messages(diagnosticsOf([a, b, self]), 'sub-workflow-cycle').sort()).toEqual([
      'sub-workflows call each other in a circle: cycle_a → cycle_b → cycle_a',
      'sub-workflows call each other in a circle: cycle_self → cycle_self',
    ]);
  });

  it('a sub-workflow or failure workflow the project does not build', () => {
    const child = simple('not_exported');
    const legacy = externalWorkflow('legacy', { input: z.object({}), output: z.object({}) });
    const wf = workflow('parent_missing', { input, output, failureWorkflow: 'no_such_flow' }, (wf) => {
      wf.subWorkflow(child, { id: 'x', ids: [], flag: true });
      wf.subWorkflow(child, { id: 'x', ids: [], flag: true }, { inline: true, ref: 'inlined' });
      wf.subWorkflow(legacy, {});
      return {};
    });
    const found = diagnosticsOf([wf, legacy]);
    expect(messages(found, 'sub-workflow-missing')).toEqual(["sub-workflow 'not_exported' is not built by this project"]);
    expect(messages(found, 'failure-workflow-missing')).toEqual(["failure workflow 'no_such_flow' is not built by this project"]);
  });

  it('a sub-workflow version that no workflow file defines; an external workflow cannot be inlined', () => {
    const child = simple('versioned');
    const legacy = externalWorkflow('legacy_ext', { input: z.object({}), output: z.object({}) });
    const wf = workflow('parent_version', { input, output }, (wf) => {
      wf.subWorkflow(child, { id: 'x', ids: [], flag: true }, { version: 5 });
      wf.subWorkflow(legacy, {}, { inline: true });
      return {};
    });
    const found = diagnosticsOf([wf, child, legacy]);
    expect(messages(found, 'sub-workflow-version')).toEqual(["sub-workflow 'versioned' has no version 5 in this project"]);
    expect(messages(found, 'sub-workflow-inline-external')).toEqual(["workflow 'legacy_ext' is external and cannot be inlined"]);
  });

  it('one task name declared twice with different settings', () => {
    const a = task('shared_task', { input: z.object({}), output: z.object({}), retryCount: 1 });
    const b = task('shared_task', { input: z.object({}), output: z.object({}), retryCount: 5 });
    const same = task('shared_task', { input: z.object({}), output: z.object({}), retryCount: 1 });
    const wf = workflow('conflicting_decls', { input, output }, (wf) => {
      wf.run(a, {});
      wf.run(same, {}, { ref: 'same' });
      wf.run(b, {}, { ref: 'other' });
      return {};
    });
    const found = only(diagnosticsOf(wf), 'conflicting-task');
    expect(found.map((d) => d.message)).toEqual(["task 'shared_task' is declared twice with different settings"]);
    expect(found[0]!.hint).toMatch(/^the other declaration is at .+:\d+; declare it once and import it$/);
  });
});

describe('literal inputs against schemas', () => {
  it('reports literals that break the task input schema, never values behind references', () => {
    const wf = workflow('literal_inputs', { input, output }, (wf) => {
      wf.run(order, { sku: 'ab', qty: 0, meta: { channel: 'fax' as never } }, { ref: 'bad_literals' });
      wf.run(order, { sku: wf.input.id, qty: 2, meta: { channel: wf.input.id as never } }, { ref: 'refs_are_unknown' });
      wf.run(order, { qty: 1.5 } as never, { ref: 'missing_fields' });
      return {};
    });
    expect(messages(diagnosticsOf(wf), 'input-schema').sort()).toEqual([
      'step \'bad_literals\' input meta.channel: Invalid option: expected one of "web"|"app"',
      "step 'bad_literals' input qty: Too small: expected number to be >0",
      "step 'bad_literals' input sku: Too small: expected string to have >=3 characters",
      "step 'missing_fields' input meta: Invalid input: expected object, received undefined",
      "step 'missing_fields' input qty: Invalid input: expected int, received number",
      "step 'missing_fields' input sku: Invalid input: expected string, received undefined",
    ]);
  });

  it('checks setVariable against the variables schema, the output against the output schema, undo inputs against the undo task', () => {
    const undo = task('cancel_order', { input: z.object({ orderId: z.string(), reason: z.enum(['failed', 'timeout']) }), output: z.object({}) });
    const wf = workflow(
      'literal_elsewhere',
      { input, output: z.object({ count: z.number() }), variables: z.object({ count: z.number(), who: z.string() }) },
      (wf) => {
        wf.setVariable('set_wrong', { count: 'many' as never, who: wf.input.id });
        wf.setVariable('set_right', { count: 3 });
        wf.run(order, { sku: 'abc', qty: 1, meta: { channel: 'web' } }).compensate(undo, (done) => ({ orderId: done.output.orderId, reason: 'oops' as never }));
        return { count: 'ten' as never };
      },
    );
    const found = diagnosticsOf(wf);
    expect(messages(found, 'input-schema').sort()).toEqual([
      'compensation of \'place_order\' input reason: Invalid option: expected one of "failed"|"timeout"',
      "setVariable 'set_wrong' input count: Invalid input: expected number, received string",
    ]);
    expect(messages(found, 'output-schema')).toEqual([
      "workflow 'literal_elsewhere' output count: Invalid input: expected number, received string",
    ]);
  });

  it('a compensation inside a for-each body would never run, so it is an error', () => {
    const undo = task('undo_notify', { input: z.object({ text: z.string() }), output: z.object({}) });
    const wf = workflow('compensate_in_for_each', { input, output }, (wf) => {
      wf.forEach('each', wf.input.ids, (id, b) => {
        b.run(notify, { text: id }).compensate(undo, (done) => ({ text: done.input.text }));
      });
      wf.loopOver('walk', wf.input.ids, (id, b) => {
        b.run(notify, { text: id }).compensate(undo, (done) => ({ text: done.input.text }));
      });
      return {};
    });
    expect(messages(diagnosticsOf(wf), 'compensation-in-for-each')).toEqual([
      "step 'notify' declares a compensation inside for-each 'each', which the generated failure workflow cannot see",
    ]);
  });
});

describe("each task type's own rules", () => {
  it.each<[string, (wf: WorkflowScope<z.output<typeof input>, Record<string, never>>) => void, string, 'error' | 'warning']>([
    ['switch-no-cases', (wf) => wf.switch('s', wf.input.id, {}, { default: (b) => b.run(notify, { text: 'x' }) }), "switch 's' has no cases", 'error'],
    ['switch-empty', (wf) => wf.switch('s', wf.input.id, { a: () => undefined }), "switch 's' runs no step in any branch", 'warning'],
    ['fork-no-branches', (wf) => wf.parallel('p', {}), "parallel 'p' has no branches", 'error'],
    ['fork-empty-branch', (wf) => wf.parallel('p', { a: (b) => b.run(notify, { text: 'x' }), b: () => undefined }), "branch 'b' of parallel 'p' has no steps", 'error'],
    ['fork-single-branch', (wf) => wf.parallel('p', { a: (b) => b.run(notify, { text: 'x' }) }), "parallel 'p' has a single branch", 'warning'],
    ['for-each-empty', (wf) => wf.forEach('f', wf.input.ids, () => undefined), "for-each 'f' has an empty body", 'error'],
    ['for-each-items', (wf) => wf.forEach('f', 'abc' as never, (i, b) => b.run(notify, { text: 'x' })), `for-each 'f' walks over "abc"`, 'error'],
    ['loop-empty', (wf) => wf.loop('l', () => undefined, { maxIterations: 2 }), "loop 'l' has an empty body", 'error'],
    ['loop-no-exit', (wf) => wf.loop('l', (b) => b.run(notify, { text: 'x' })), "loop 'l' has neither maxIterations nor while", 'error'],
    ['loop-unbounded', (wf) => wf.loop('l', (b) => ({ s: b.run(notify, { text: 'x' }).output.sent }), { while: (last) => last.s }), "loop 'l' has no maxIterations", 'warning'],
    ['loop-bound', (wf) => wf.loop('l', (b) => b.run(notify, { text: 'x' }), { maxIterations: 0 }), "loop 'l' has maxIterations 0", 'error'],
    ['wait-duration', (wf) => wf.wait('w', { duration: '5 fortnights' }), `wait 'w' has duration "5 fortnights", which Conductor cannot read`, 'error'],
    ['wait-until', (wf) => wf.wait('w', { until: 'next tuesday' }), `wait 'w' has until "next tuesday", which Conductor cannot read`, 'error'],
    ['terminate-status', (wf) => wf.terminate('t', { status: 'DONE' as never }), "terminate 't' must end with status COMPLETED or FAILED", 'error'],
    ['terminate-optional', (wf) => wf.terminate('t', { status: 'FAILED', optional: true } as never), "terminate 't' cannot be optional", 'error'],
    ['http-method', (wf) => wf.http('h', { uri: 'https://x.example', method: 'FETCH' as never }), `HTTP step 'h' has method "FETCH"`, 'error'],
    ['http-uri', (wf) => wf.http('h', { uri: 'x.example/path', method: 'GET' }), `HTTP step 'h' has uri "x.example/path", which is not an absolute http(s) URL`, 'error'],
    ['http-body', (wf) => wf.http('h', { uri: 'https://x.example', method: 'GET', body: { a: 1 } }), "HTTP step 'h' sends a body with GET", 'warning'],
    ['set-variable-empty', (wf) => wf.setVariable('v', {}), "setVariable 'v' sets nothing", 'warning'],
    ['reserved-input', (wf) => wf.inline('i', { expression: 1 }, ($) => $.expression), "inline step 'i' has a parameter named evaluatorType or expression", 'error'],
  ])('%s', (code, body, message, severity) => {
    const wf = workflow(`rule_${code.replaceAll('-', '_')}`, { input, output }, (wf) => {
      body(wf);
      wf.run(notify, { text: 'keep the workflow non-empty' }, { ref: 'anchor' });
      return {};
    });
    const found = only(diagnosticsOf(wf), code);
    expect(found.map((d) => [d.message, d.severity])).toEqual([[message, severity]]);
  });

  it('valid waits, terminations and requests pass', () => {
    // No workflow timeout: the waits add up to days.
    const wf = workflow('valid_rules', { input, output, timeoutSeconds: 0 }, (wf) => {
      for (const duration of ['1d 2h 30m 15s', '30m', '45 seconds', '2 hours', '1 day']) wf.wait('w', { duration });
      for (const until of ['2026-12-01', '2026-12-01 09:00', '2026-12-01 09:00 UTC', '2026-12-01 09:00 America/New_York']) wf.wait('u', { until });
      wf.http('h', { uri: 'http://127.0.0.1:8080/x', method: 'DELETE' });
      wf.terminate('t', { status: 'COMPLETED' });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([]);
  });
});
