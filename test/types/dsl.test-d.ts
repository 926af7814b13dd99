/**
 * Type tests of the authoring API: what the editor must reject (`@ts-expect-error`, which fails
 * if the line compiles) and the types references carry (`expectTypeOf`). Run by vitest's
 * typecheck mode in the unit project.
 */
import { describe, expectTypeOf, test } from 'vitest';
import { cast, js, str, task, when, workflow, z, type Ref } from '../../dsl/index.js';

const lookUp = task('look_up', {
  input: z.object({ id: z.string(), limit: z.number().optional(), tags: z.array(z.string()).optional() }),
  output: z.object({
    name: z.string(),
    score: z.number(),
    tier: z.enum(['gold', 'basic']),
    nickname: z.string().optional(),
    manager: z.object({ email: z.string() }).nullable(),
    history: z.array(z.object({ at: z.string(), amount: z.number() })),
  }),
});
const takesNumber = task('takes_number', { input: z.object({ n: z.number() }), output: z.object({ ok: z.boolean() }) });
const takesString = task('takes_string', { input: z.object({ s: z.string() }), output: z.object({ done: z.literal(true) }) });
const refund = task('refund', { input: z.object({ chargeId: z.string(), cents: z.number() }), output: z.object({}) });

const input = z.object({
  id: z.string(),
  count: z.number(),
  flag: z.boolean(),
  tier: z.enum(['gold', 'basic']),
  mode: z.literal('fast'),
  note: z.string().optional(),
  items: z.array(z.object({ sku: z.string(), qty: z.number() })),
});
const output = z.object({}).catchall(z.unknown());

const child = workflow(
  'child',
  { input: z.object({ orderId: z.string(), cents: z.number().int() }), output: z.object({ receipt: z.string() }) },
  (wf) => {
    const s = wf.run(takesString, { s: wf.input.orderId });
    return { receipt: str`${s.output.done}` };
  },
);

describe('references', () => {
  test('are typed from the schemas, field by field', () => {
    workflow('t_refs', { input, output }, (wf) => {
      expectTypeOf(wf.input.id).toEqualTypeOf<Ref<string>>();
      expectTypeOf(wf.input.items[0]!.qty).toEqualTypeOf<Ref<number>>();
      const user = wf.run(lookUp, { id: wf.input.id });
      expectTypeOf(user.output.name).toEqualTypeOf<Ref<string>>();
      expectTypeOf(user.output.history[2]!.amount).toEqualTypeOf<Ref<number>>();
      // Optional and nullable fields keep their undefined / null down the path.
      expectTypeOf(user.output.nickname).toEqualTypeOf<Ref<string | undefined>>();
      expectTypeOf(user.output.manager.email).toEqualTypeOf<Ref<string | null>>();
      expectTypeOf(user.input.limit).toEqualTypeOf<Ref<number | undefined>>();
      expectTypeOf(user.status).toEqualTypeOf<Ref<'IN_PROGRESS' | 'CANCELED' | 'FAILED' | 'FAILED_WITH_TERMINAL_ERROR' | 'COMPLETED' | 'COMPLETED_WITH_ERRORS' | 'SCHEDULED' | 'TIMED_OUT' | 'SKIPPED'>>();
      return {};
    });
  });

  test('a wrong type, an unknown field or a scalar’s field is an error', () => {
    workflow('t_ref_errors', { input, output }, (wf) => {
      wf.run(takesNumber, { n: wf.input.count });
      // @ts-expect-error Ref<string> is not Ref<number>
      wf.run(takesNumber, { n: wf.input.id });
      // @ts-expect-error no such field in the workflow input
      wf.run(takesString, { s: wf.input.missing });
      const user = wf.run(lookUp, { id: wf.input.id });
      // @ts-expect-error no such field in the step output
      wf.run(takesString, { s: user.output.nmae });
      // @ts-expect-error a string has no fields
      wf.run(takesString, { s: user.output.name.length });
      // @ts-expect-error a number literal where a string goes
      wf.run(takesString, { s: 5 });
      // @ts-expect-error an optional value where a required one goes
      wf.run(takesString, { s: wf.input.note });
      // @ts-expect-error a required input field left out
      wf.run(lookUp, { limit: 3 });
      // @ts-expect-error an input field the task does not declare
      wf.run(takesNumber, { n: 1, extra: true });
      return {};
    });
  });

  test('literal unions and enums go where a string goes; optional fields may be left out or given a reference', () => {
    workflow('t_unions', { input, output }, (wf) => {
      wf.run(takesString, { s: wf.input.tier });
      wf.run(takesString, { s: wf.input.mode });
      wf.run(lookUp, { id: 'x' });
      wf.run(lookUp, { id: 'x', limit: wf.input.count, tags: [wf.input.id, 'literal'] });
      // @ts-expect-error a string is not one of the enum's members
      wf.run(takesNumber, { n: wf.input.tier });
      return {};
    });
  });

  test('str takes strings, numbers and booleans (and references to them), not objects', () => {
    workflow('t_str', { input, output }, (wf) => {
      expectTypeOf(str`${wf.input.id}/${wf.input.count}/${wf.input.flag}/${'x'}/${1}`).toEqualTypeOf<Ref<string>>();
      // @ts-expect-error an object cannot be interpolated into text
      str`${wf.input.items}`;
      return {};
    });
  });

  test('cast changes what a reference holds', () => {
    workflow('t_cast', { input, output }, (wf) => {
      const loose = wf.http('call', { uri: 'https://x.example', method: 'GET' });
      expectTypeOf(loose.output.body).toEqualTypeOf<Ref<unknown>>();
      expectTypeOf(cast<{ id: string }>(loose.output.body).id).toEqualTypeOf<Ref<string>>();
      return {};
    });
  });
});

describe('scripts', () => {
  test('when and inline type $ from their parameters', () => {
    workflow('t_when', { input, output }, (wf) => {
      const user = wf.run(lookUp, { id: wf.input.id });
      when({ n: wf.input.count, tier: user.output.tier, nested: { list: wf.input.items } }, ($) => {
        expectTypeOf($.n).toEqualTypeOf<number>();
        expectTypeOf($.tier).toEqualTypeOf<'gold' | 'basic'>();
        expectTypeOf($.nested.list[0]!.sku).toEqualTypeOf<string>();
        return $.n > 1;
      });
      // @ts-expect-error $ has only the parameters given
      when({ n: wf.input.count }, ($) => $.m > 1);
      const total = wf.inline('total', { items: wf.input.items }, ($) => $.items.reduce((sum, i) => sum + i.qty, 0));
      expectTypeOf(total.output.result).toEqualTypeOf<Ref<number>>();
      const text = wf.inline('text', { a: 1 }, '$.a + 1', { output: z.number() });
      expectTypeOf(text.output.result).toEqualTypeOf<Ref<number>>();
      expectTypeOf(js<boolean>({ a: 1 }, '$.a > 0')).not.toBeAny();
      return {};
    });
  });
});

describe('control flow', () => {
  test('switch case keys are limited to the values of a literal-union reference', () => {
    workflow('t_switch_keys', { input, output }, (wf) => {
      wf.switch('by_tier', wf.input.tier, { gold: (b) => b.run(takesNumber, { n: 1 }), basic: () => undefined });
      // @ts-expect-error 'silver' is not a value of the tier
      wf.switch('by_tier_2', wf.input.tier, { silver: (b) => b.run(takesNumber, { n: 1 }) });
      wf.switch('by_tier_3', wf.input.tier, {
        gold: (b) => b.run(takesNumber, { n: 1 }),
        // @ts-expect-error a misspelt case beside a valid one is caught too
        basci: () => undefined,
      });
      // Numeric and boolean keys are compared as the text Conductor compares.
      wf.switch('by_flag_keys', wf.input.flag, { true: () => undefined, false: () => undefined });
      // Any key goes on a plain string.
      wf.switch('by_id', wf.input.id, { anything: (b) => b.run(takesNumber, { n: 1 }) });
      // Booleans switch on 'true' / 'false'.
      wf.switch('by_flag', wf.input.flag, { true: (b) => b.run(takesNumber, { n: 1 }) });
      return {};
    });
  });

  test('numeric literal keys match the values of a numeric literal union', () => {
    const ranked = z.object({ priority: z.union([z.literal(1), z.literal(2)]) });
    workflow('t_switch_numbers', { input: ranked, output: z.object({}) }, (wf) => {
      wf.switch('by_priority', wf.input.priority, { 1: () => undefined, '2': () => undefined });
      // @ts-expect-error 3 is not a priority
      wf.switch('by_priority_2', wf.input.priority, { 1: () => undefined, 3: () => undefined });
      return {};
    });
  });

  test('switch and if results are the union of what the branches return', () => {
    workflow('t_switch_result', { input, output }, (wf) => {
      const picked = wf.switch(
        'pick',
        wf.input.tier,
        { gold: (b) => ({ label: b.run(lookUp, { id: 'g' }).output.name }), basic: () => ({ label: 'basic' as const }) },
        { default: (b) => ({ label: b.run(takesString, { s: 'x' }).output.done }) },
      );
      expectTypeOf(picked.output).toEqualTypeOf<Ref<{ label: string } | { label: 'basic' } | { label: true }>>();
      const stepResult = wf.switch('step_result', wf.input.tier, { gold: (b) => b.run(takesNumber, { n: 1 }) });
      expectTypeOf(stepResult.output).toEqualTypeOf<Ref<{ ok: boolean }>>();
      const chosen = wf.if('chosen', wf.input.flag, () => ({ v: 1 }), (b) => ({ v: b.run(lookUp, { id: 'x' }).output.name }));
      expectTypeOf(chosen.output).toEqualTypeOf<Ref<{ v: number } | { v: string }>>();
      const onlyThen = wf.if('only_then', wf.input.flag, (b) => {
        b.run(takesNumber, { n: 1 });
      });
      expectTypeOf(onlyThen.output).toEqualTypeOf<Ref<never>>();
      // @ts-expect-error a condition must be a boolean reference or a script
      wf.if('bad_condition', wf.input.id, () => undefined);
      return {};
    });
  });

  test('parallel returns what each branch returned', () => {
    workflow('t_parallel', { input, output }, (wf) => {
      const both = wf.parallel('both', { a: (b) => b.run(lookUp, { id: 'a' }), b: (b) => b.run(takesNumber, { n: 1 }) });
      expectTypeOf(both.a.output.score).toEqualTypeOf<Ref<number>>();
      expectTypeOf(both.b.output.ok).toEqualTypeOf<Ref<boolean>>();
      return {};
    });
  });

  test('forEach types the element and the list of results', () => {
    workflow('t_for_each', { input, output }, (wf) => {
      const each = wf.forEach('each', wf.input.items, (item, b, index) => {
        expectTypeOf(item.sku).toEqualTypeOf<Ref<string>>();
        expectTypeOf(index).toEqualTypeOf<Ref<number>>();
        // @ts-expect-error the element has no such field
        b.run(takesString, { s: item.name });
        return { qty: b.run(takesNumber, { n: item.qty }).output.ok };
      });
      expectTypeOf(each.output).toEqualTypeOf<Ref<{ qty: boolean }[]>>();
      const steps = wf.forEach('steps', wf.input.items, (item, b) => b.run(takesNumber, { n: item.qty }));
      expectTypeOf(steps.output).toEqualTypeOf<Ref<{ ok: boolean }[]>>();
      // @ts-expect-error forEach walks over a list
      wf.forEach('not_a_list', wf.input.id, (item, b) => b.run(takesString, { s: item }));
      return {};
    });
  });

  test('loop and loopOver type the result of the last pass, the iteration and the while callback', () => {
    workflow('t_loops', { input, output }, (wf) => {
      const poll = wf.loop(
        'poll',
        (b, iteration) => {
          expectTypeOf(iteration).toEqualTypeOf<Ref<number>>();
          const user = b.run(lookUp, { id: wf.input.id });
          return { score: user.output.score, tier: user.output.tier };
        },
        {
          maxIterations: 5,
          while: (last, iteration) => {
            expectTypeOf(last.score).toEqualTypeOf<Ref<number>>();
            return when({ score: last.score, n: iteration }, ($) => $.score < 50 && $.n < 3);
          },
        },
      );
      expectTypeOf(poll.output).toEqualTypeOf<Ref<{ score: number; tier: 'gold' | 'basic' }>>();
      expectTypeOf(poll.iteration).toEqualTypeOf<Ref<number>>();
      const walked = wf.loopOver('walk', wf.input.items, (item, b, index) => {
        expectTypeOf(item.qty).toEqualTypeOf<Ref<number>>();
        expectTypeOf(index).toEqualTypeOf<Ref<number>>();
        return b.run(takesNumber, { n: item.qty });
      });
      expectTypeOf(walked.output).toEqualTypeOf<Ref<{ ok: boolean }>>();
      // @ts-expect-error while gets the result of the last pass: it has no field 'nope'
      wf.loop('bad_while', (b) => ({ n: b.run(takesNumber, { n: 1 }).output.ok }), { maxIterations: 2, while: (last) => last.nope });
      return {};
    });
  });
});

describe('sub-workflows, variables and compensation', () => {
  test('a sub-workflow’s input is checked against the child’s schema; its output is the child’s', () => {
    workflow('t_sub', { input, output }, (wf) => {
      const run = wf.subWorkflow(child, { orderId: wf.input.id, cents: wf.input.count });
      expectTypeOf(run.output.receipt).toEqualTypeOf<Ref<string>>();
      // @ts-expect-error cents is a number
      wf.subWorkflow(child, { orderId: wf.input.id, cents: wf.input.id });
      // @ts-expect-error orderId is required
      wf.subWorkflow(child, { cents: 1 });
      return {};
    });
  });

  test('setVariable is checked against the variables schema, and variables read back typed', () => {
    workflow('t_vars', { input, output, variables: z.object({ attempts: z.number(), lastId: z.string() }) }, (wf) => {
      wf.setVariable('set', { attempts: 1, lastId: wf.input.id });
      wf.setVariable('partial', { attempts: wf.input.count });
      // @ts-expect-error attempts is a number
      wf.setVariable('wrong_type', { attempts: 'one' });
      // @ts-expect-error no such variable
      wf.setVariable('unknown', { tries: 1 });
      expectTypeOf(wf.variables.attempts).toEqualTypeOf<Ref<number>>();
      return {};
    });
  });

  test('a compensation mapping reads the step’s input and output and must produce the undo task’s input', () => {
    workflow('t_compensate', { input, output }, (wf) => {
      const charge = task('charge', { input: z.object({ orderId: z.string(), cents: z.number() }), output: z.object({ chargeId: z.string() }) });
      wf.run(charge, { orderId: wf.input.id, cents: wf.input.count }).compensate(refund, (done) => {
        expectTypeOf(done.output.chargeId).toEqualTypeOf<Ref<string>>();
        expectTypeOf(done.input.cents).toEqualTypeOf<Ref<number>>();
        return { chargeId: done.output.chargeId, cents: done.input.cents };
      });
      // @ts-expect-error cents must be a number, not the charge id
      wf.run(charge, { orderId: 'a', cents: 1 }).compensate(refund, (done) => ({ chargeId: done.output.chargeId, cents: done.output.chargeId }));
      // @ts-expect-error the undo task's input needs cents
      wf.run(charge, { orderId: 'a', cents: 1 }).compensate(refund, (done) => ({ chargeId: done.output.chargeId }));
      return {};
    });
  });

  test('a compensation may be a workflow, its mapping typed from that workflow’s input', () => {
    const charge = task('charge', { input: z.object({ orderId: z.string(), cents: z.number() }), output: z.object({ chargeId: z.string() }) });
    const refundFlow = workflow('t_refund_flow', { input: z.object({ chargeId: z.string(), reason: z.enum(['failed', 'timeout']) }), output }, () => ({}));
    workflow('t_undo_workflow', { input, output }, (wf) => {
      wf.run(charge, { orderId: wf.input.id, cents: 1 }).compensate(refundFlow, (done) => ({ chargeId: done.output.chargeId, reason: 'failed' }));
      // @ts-expect-error the undo workflow's input needs a reason
      wf.run(charge, { orderId: 'a', cents: 1 }).compensate(refundFlow, (done) => ({ chargeId: done.output.chargeId }));
      // @ts-expect-error chargeId must be a string
      wf.run(charge, { orderId: 'a', cents: 1 }).compensate(refundFlow, (done) => ({ chargeId: done.input.cents, reason: 'timeout' }));
      return {};
    });
  });

  test('the workflow body returns the declared output', () => {
    workflow('t_output_ok', { input, output: z.object({ name: z.string() }) }, (wf) => ({ name: wf.run(lookUp, { id: wf.input.id }).output.name }));
    // @ts-expect-error name must be a string
    workflow('t_output_bad', { input, output: z.object({ name: z.string() }) }, (wf) => ({ name: wf.input.count }));
    // @ts-expect-error a required output field is missing
    workflow('t_output_missing', { input, output: z.object({ name: z.string() }) }, () => ({}));
  });

  test('literals returned from callbacks keep their literal types (enum outputs, undo inputs)', () => {
    const status = z.object({ status: z.enum(['ok', 'bad']), tags: z.array(z.string()) });
    workflow('t_literal_output', { input, output: status }, (wf) => ({ status: 'ok', tags: [wf.input.id, 'x'] }));
    // @ts-expect-error 'okay' is not a member of the enum
    workflow('t_literal_output_bad', { input, output: status }, () => ({ status: 'okay', tags: [] }));
    const cancel = task('cancel', { input: z.object({ id: z.string(), reason: z.enum(['failed', 'timeout']) }), output: z.object({}) });
    workflow('t_literal_undo', { input, output }, (wf) => {
      wf.run(lookUp, { id: wf.input.id }).compensate(cancel, (done) => ({ id: done.input.id, reason: 'failed' }));
      // @ts-expect-error 'later' is not a member of the enum
      wf.run(lookUp, { id: wf.input.id }).compensate(cancel, (done) => ({ id: done.input.id, reason: 'later' }));
      return {};
    });
  });
});
