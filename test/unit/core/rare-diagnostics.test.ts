/**
 * The diagnostics that only a mistake off the beaten path produces: values with no JSON form in
 * a workflow's output, examples, schedules and variables; lowering problems (a `$` before a
 * reference, a brace in a field name, a loop result read where no such field exists); names
 * and options that would make Conductor do something else than written. Each by code, with
 * the message the author reads.
 */
import { describe, expect, it } from 'vitest';
import { js, secret, str, task, workflow, z } from '../../../dsl/index.js';
import { compileAll, diagnosticsOf } from './helpers.js';

const notify = task('notify', { input: z.object({ text: z.string() }), output: z.object({ sent: z.boolean() }) });
const anyOutput = z.object({}).catchall(z.unknown());

const found = (workflows: Parameters<typeof diagnosticsOf>[0], code: string) =>
  diagnosticsOf(workflows)
    .filter((d) => d.code === code)
    .map((d) => `${d.severity}: ${d.message}`);

describe('values with no JSON form', () => {
  it('in the output, the examples, the schedules and the initial variables', () => {
    const wf = workflow(
      'no_json',
      {
        input: z.object({ at: z.unknown() }),
        output: anyOutput,
        examples: [{ name: 'a map', input: { at: new Map() } }],
        schedules: [{ cron: '0 0 * * * *', input: { at: 10n } as never }],
        variables: z.object({ retries: z.number() }),
        initialVariables: { retries: Number.NaN },
      },
      (wf) => {
        wf.run(notify, { text: 'x' });
        return { when: () => 1 } as never;
      },
    );
    expect(found(wf, 'invalid-output')).toEqual(['error: output.when: a function has no JSON form; compute the value in an inline step']);
    expect(found(wf, 'invalid-example')).toEqual(['error: examples[0].input.at: a Map instance is not plain data']);
    expect(found(wf, 'invalid-schedule')).toEqual(['error: schedules[0].input.at: a bigint has no JSON form; pass a number or a string']);
    expect(found(wf, 'invalid-variables')).toEqual(['error: initialVariables.retries: NaN is not a JSON number']);
  });
});

describe('lowering', () => {
  it('a `$` right before a reference, which Conductor would read as an escaped `${`', () => {
    const wf = workflow('dollar', { input: z.object({ amount: z.number() }), output: anyOutput }, (wf) => {
      wf.run(notify, { text: str`costs $${wf.input.amount}` });
      return {};
    });
    expect(found(wf, 'template-dollar')).toEqual([expect.stringContaining('a string template has a `$` right before a reference')]);
  });

  it('a field name with a brace, which would end the `${…}` expression early', () => {
    const wf = workflow('brace', { input: z.object({ 'a}b': z.string() }), output: anyOutput }, (wf) => {
      wf.run(notify, { text: wf.input['a}b'] });
      return {};
    });
    expect(found(wf, 'ref-unsafe-key')).toEqual([expect.stringContaining("the field name 'a}b' contains a brace")]);
  });

  it('a loop result read at a field it does not have, or interpolated whole', () => {
    const wf = workflow('loop_result', { input: z.object({}), output: anyOutput }, (wf) => {
      const loop = wf.loop('again', (b) => ({ sent: b.run(notify, { text: 'x' }).output.sent }), { maxIterations: 2 });
      wf.run(notify, { text: (loop.output as unknown as { missing: never }).missing });
      wf.run(notify, { text: str`result: ${loop.output as never}` });
      return {};
    });
    expect(found(wf, 'alias-path')).toEqual(['error: a loop result has no field missing']);
    expect(found(wf, 'template-value')).toEqual([expect.stringContaining('a string template interpolates a loop result that is not a single value')]);
  });

  it('a value a generated script cannot read (a secret in a compensation mapping)', () => {
    const undo = task('undo_notify', { input: z.object({ token: z.string() }), output: z.object({}) });
    const wf = workflow('script_reads', { input: z.object({}), output: anyOutput }, (wf) => {
      wf.run(notify, { text: 'x' }).compensate(undo, () => ({ token: secret('API_TOKEN') }));
      return {};
    });
    expect(found(wf, 'script-reference')).toEqual(['error: a generated script cannot read ${workflow.secrets.API_TOKEN}']);
  });
});

describe('names and options Conductor would read otherwise', () => {
  it('a system step named like a declared worker task takes over its settings', () => {
    const wf = workflow('shadowing', { input: z.object({}), output: anyOutput }, (wf) => {
      wf.run(notify, { text: 'x' }, { ref: 'say' });
      // WAIT is named after its reference.
      wf.wait('notify', { seconds: 5 });
      return {};
    });
    const shadows = compileAll([wf]).diagnostics.filter((d) => d.code === 'name-shadows-task');
    expect(shadows.map((d) => d.message)).toEqual([expect.stringContaining("is named 'notify' like a declared worker task")]);
  });

  it('an evaluator on a switch that selects by a reference', () => {
    const wf = workflow('switch_evaluator', { input: z.object({ tier: z.enum(['a', 'b']) }), output: anyOutput }, (wf) => {
      wf.switch('by_tier', wf.input.tier, { a: (b) => void b.run(notify, { text: 'a' }) }, { evaluatorType: 'graaljs' } as never);
      return {};
    });
    expect(found(wf, 'switch-evaluator')).toEqual([expect.stringContaining("switch 'by_tier' sets evaluatorType but selects by a reference")]);
    // The same option on a script selector is what it is for.
    const scripted = workflow('switch_script', { input: z.object({ n: z.number() }), output: anyOutput }, (wf) => {
      wf.switch('by_size', js({ n: wf.input.n }, "$.n > 1 ? 'big' : 'small'"), { big: (b) => void b.run(notify, { text: 'big' }) });
      return {};
    });
    expect(found(scripted, 'switch-evaluator')).toEqual([]);
  });

  it('an inlined sub-workflow whose steps declare compensations that would never run', () => {
    const undo = task('undo_child', { input: z.object({}), output: z.object({}) });
    const child = workflow('compensating_child', { input: z.object({}), output: anyOutput }, (wf) => {
      wf.run(notify, { text: 'x' }).compensate(undo, () => ({}));
      return {};
    });
    const parent = workflow('inlining_parent', { input: z.object({}), output: anyOutput }, (wf) => {
      wf.subWorkflow(child, {}, { inline: true });
      return {};
    });
    expect(found([parent, child], 'compensation-in-inline-sub-workflow')).toEqual([
      expect.stringContaining("sub-workflow 'compensating_child' is inlined, so the compensations of its steps would never run"),
    ]);
  });

  it('an undo workflow whose version the project does not build', () => {
    const cancelV1 = workflow('cancel_it', { version: 1, input: z.object({}), output: anyOutput }, (wf) => {
      wf.run(notify, { text: 'cancel' });
      return {};
    });
    const cancelV2 = workflow('cancel_it', { version: 2, input: z.object({}), output: anyOutput }, (wf) => {
      wf.run(notify, { text: 'cancel v2' });
      return {};
    });
    const wf = workflow('undone_by_v2', { input: z.object({}), output: anyOutput }, (wf) => {
      wf.run(notify, { text: 'x' }).compensate(cancelV2, () => ({}));
      return {};
    });
    expect(found([wf, cancelV1], 'undo-workflow-version')).toEqual([
      "error: undo workflow 'cancel_it' of step 'notify' has no version 2 in this project",
    ]);
  });
});
