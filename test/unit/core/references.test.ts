/**
 * The reference checker (compiler/passes/references.ts): one test per rule, each asserting the
 * exact diagnostic code, plus the readings that must stay legal (loop and switch results, the
 * loop condition reading the last pass, items inside their own body).
 */
import { describe, expect, it } from 'vitest';
import { cast, str, task, when, workflow, z, type Ref, type Step } from '../../../dsl/index.js';
import { WORKFLOW } from '../../../dsl/brands.js';
import type { Diagnostic } from '../../../compiler/diagnostics.js';
import { diagnosticsOf } from './helpers.js';

const fetchUser = task('fetch_user', {
  input: z.object({ id: z.string() }),
  output: z.object({ name: z.string(), address: z.object({ city: z.string() }), tags: z.array(z.object({ label: z.string() })) }),
});
const notify = task('notify', { input: z.object({ text: z.string() }), output: z.object({ sent: z.boolean() }) });
const input = z.object({ id: z.string(), ids: z.array(z.string()), flag: z.boolean(), profile: z.object({ email: z.string() }) });
const output = z.object({}).catchall(z.unknown());

/** Reference diagnostics in message order (the compiler sorts by location, which these tests do not pin). */
const refErrors = (d: readonly Diagnostic[]) =>
  d
    .filter((x) => x.code.startsWith('ref-'))
    .map((x) => ({ code: x.code, message: x.message }))
    .sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));

describe('reading a step that may not have run', () => {
  it('unknown step: a handle from another workflow', () => {
    let foreign: Step<{ sent: boolean }> | undefined;
    const other = workflow('other', { input, output }, (wf) => {
      foreign = wf.run(notify, { text: 'x' }, { ref: 'foreign_step' });
      return {};
    });
    other[WORKFLOW].build();
    const wf = workflow('reads_foreign', { input, output }, (wf) => {
      wf.run(notify, { text: str`${foreign!.output.sent}` });
      return {};
    });
    expect(refErrors(diagnosticsOf(wf))).toEqual([
      { code: 'ref-unknown-step', message: "step 'notify' (text) reads step 'foreign_step', which is not in workflow 'reads_foreign'" },
    ]);
  });

  it('later step: a reference to a step that comes after the reader', () => {
    let foreign: Step<{ sent: boolean }> | undefined;
    workflow('defines_later', { input, output }, (wf) => {
      foreign = wf.run(notify, { text: 'x' }, { ref: 'later' });
      return {};
    })[WORKFLOW].build();
    // Same reference name in this workflow, but recorded after the step that reads it.
    const wf = workflow('reads_later', { input, output }, (wf) => {
      wf.run(notify, { text: str`${foreign!.output.sent}` }, { ref: 'early' });
      wf.run(notify, { text: 'y' }, { ref: 'later' });
      return {};
    });
    expect(refErrors(diagnosticsOf(wf))).toEqual([
      { code: 'ref-not-yet-run', message: "step 'early' (text) reads 'later' comes later and has not run yet here" },
    ]);
  });

  it('a step inside a switch branch, read after the switch', () => {
    let inner: Step<{ sent: boolean }> | undefined;
    const wf = workflow('after_switch', { input, output }, (wf) => {
      wf.if('maybe', wf.input.flag, (b) => {
        inner = b.run(notify, { text: 'inside' });
      });
      wf.run(notify, { text: str`${inner!.output.sent}` }, { ref: 'reader' });
      return { seen: inner!.output.sent };
    });
    expect(refErrors(diagnosticsOf(wf))).toEqual([
      { code: 'ref-maybe-not-run', message: "step 'reader' (text) reads 'notify' is inside a branch that may not have run" },
      { code: 'ref-maybe-not-run', message: "the workflow output reads 'notify' is inside a branch that may not have run" },
    ]);
  });

  it('a step of another switch branch', () => {
    let fromA: Step<{ sent: boolean }> | undefined;
    const wf = workflow('cross_branch', { input, output }, (wf) => {
      wf.switch('pick', wf.input.id, {
        a: (b) => {
          fromA = b.run(notify, { text: 'a' });
        },
        b: (b) => {
          b.run(notify, { text: str`${fromA!.output.sent}` }, { ref: 'in_b' });
        },
      });
      return {};
    });
    expect(refErrors(diagnosticsOf(wf))).toEqual([
      { code: 'ref-other-branch', message: "step 'in_b' (text) reads 'notify' runs in another branch, which may not have finished here" },
    ]);
  });

  it('a step of a sibling parallel branch', () => {
    let left: Step<{ sent: boolean }> | undefined;
    const wf = workflow('cross_fork', { input, output }, (wf) => {
      wf.parallel('both', {
        left: (b) => {
          left = b.run(notify, { text: 'l' });
        },
        right: (b) => {
          b.run(notify, { text: str`${left!.output.sent}` }, { ref: 'on_right' });
        },
      });
      // After the join every branch has finished: reading it is fine.
      wf.run(notify, { text: str`${left!.output.sent}` }, { ref: 'after_join' });
      return {};
    });
    expect(refErrors(diagnosticsOf(wf))).toEqual([
      { code: 'ref-other-branch', message: "step 'on_right' (text) reads 'notify' runs in a parallel branch, which may not have finished here" },
    ]);
  });

  it('a step inside a loop body, read from outside the loop', () => {
    let inner: Step<{ sent: boolean }> | undefined;
    const wf = workflow('outside_loop', { input, output }, (wf) => {
      wf.loop('again', (b) => {
        inner = b.run(notify, { text: 'x' });
      }, { maxIterations: 2 });
      wf.run(notify, { text: str`${inner!.output.sent}` }, { ref: 'reader' });
      return {};
    });
    expect(refErrors(diagnosticsOf(wf))).toEqual([
      { code: 'ref-inside-loop', message: "step 'reader' (text) reads 'notify' is inside a loop body" },
    ]);
  });

  it('a step inside a for-each body, read from outside', () => {
    let inner: Step<{ sent: boolean }> | undefined;
    const wf = workflow('outside_for_each', { input, output }, (wf) => {
      wf.forEach('each', wf.input.ids, (id, b) => {
        inner = b.run(notify, { text: id });
      });
      wf.run(notify, { text: str`${inner!.output.sent}` }, { ref: 'reader' });
      return {};
    });
    expect(refErrors(diagnosticsOf(wf))).toEqual([
      { code: 'ref-inside-for-each', message: "step 'reader' (text) reads 'notify' runs once per element inside a for-each" },
    ]);
  });

  it('the current element of a for-each (or loopOver) outside its body', () => {
    let item: Ref<string> | undefined;
    let position: Ref<number> | undefined;
    const wf = workflow('item_outside', { input, output }, (wf) => {
      wf.forEach('each', wf.input.ids, (id, b, index) => {
        item = id;
        position = index;
        b.run(notify, { text: id });
      });
      wf.run(notify, { text: item! }, { ref: 'reader' });
      wf.run(notify, { text: str`${position!}` }, { ref: 'reader_2' });
      return {};
    });
    expect(refErrors(diagnosticsOf(wf))).toEqual([
      { code: 'ref-item-outside', message: "step 'reader' (text) reads the current element of 'each' outside its body" },
      { code: 'ref-item-outside', message: "step 'reader_2' (text) reads the current element of 'each' outside its body" },
    ]);
  });

  it('a compensation may read its own step and earlier ones, not later ones', () => {
    const undo = task('undo_notify', { input: z.object({ text: z.string(), other: z.boolean() }), output: z.object({}) });
    let later: Step<{ sent: boolean }> | undefined;
    workflow('defines_late', { input, output }, (wf) => {
      later = wf.run(notify, { text: 'x' }, { ref: 'late' });
      return {};
    })[WORKFLOW].build();
    const wf = workflow('compensation_reads', { input, output }, (wf) => {
      const first = wf.run(notify, { text: 'first' }, { ref: 'first' });
      wf.run(notify, { text: 'second' }, { ref: 'second' }).compensate(undo, (done) => ({
        text: str`${done.input.text} after ${first.output.sent}`,
        other: later!.output.sent,
      }));
      wf.run(notify, { text: 'late' }, { ref: 'late' });
      return {};
    });
    expect(refErrors(diagnosticsOf(wf))).toEqual([
      { code: 'ref-not-yet-run', message: "the compensation of 'second' reads 'late' comes later and has not run yet here" },
    ]);
  });
});

describe('fields read through a reference', () => {
  it('an unknown field of the workflow input names the known ones', () => {
    const wf = workflow('bad_input_field', { input, output }, (wf) => {
      const loose = wf.input as unknown as Record<string, Ref<string>>;
      wf.run(notify, { text: loose.nmae! });
      wf.run(notify, { text: (wf.input.profile as unknown as Record<string, Ref<string>>).mail! }, { ref: 'second' });
      return {};
    });
    const found = diagnosticsOf(wf).filter((d) => d.code === 'ref-unknown-field');
    expect(found.map((d) => [d.message, d.hint])).toEqual([
      ['the workflow input has no field nmae', 'known fields: id, ids, flag, profile'],
      ['the workflow input has no field profile.mail', 'known fields: email'],
    ]);
  });

  it('an unknown field of a step output, through nested objects and arrays', () => {
    const wf = workflow('bad_output_field', { input, output }, (wf) => {
      const user = wf.run(fetchUser, { id: wf.input.id });
      const out = cast<{ address: { town: string }; tags: { text: string }[]; name: { first: string } }>(user.output);
      wf.run(notify, { text: out.address.town }, { ref: 'a' });
      wf.run(notify, { text: out.tags[0]!.text }, { ref: 'b' });
      wf.run(notify, { text: user.output.tags[1]!.label }, { ref: 'fine' });
      return { first: out.name.first };
    });
    const found = diagnosticsOf(wf).filter((d) => d.code === 'ref-unknown-field');
    // Reading below a string (name.first) is not checked: a path into text is the author's business.
    expect(found.map((d) => [d.message, d.hint])).toEqual([
      ["the output of 'fetch_user' has no field address.town", 'known fields: city'],
      ["the output of 'fetch_user' has no field tags[0].text", 'known fields: label'],
    ]);
  });

  it('an unknown workflow variable', () => {
    const wf = workflow('bad_variable', { input, output, variables: z.object({ count: z.number() }) }, (wf) => {
      const vars = wf.variables as unknown as Record<string, Ref<string>>;
      wf.run(notify, { text: vars.cuont! });
      return {};
    });
    expect(diagnosticsOf(wf).filter((d) => d.code === 'ref-unknown-field').map((d) => d.message)).toEqual([
      'the workflow variables has no field cuont',
    ]);
  });
});

describe('readings that are legal', () => {
  it('loop results, the loop condition, iteration and switch results read without error', () => {
    const wf = workflow('legal_reads', { input, output }, (wf) => {
      const poll = wf.loop(
        'poll',
        (b, iteration) => {
          const user = b.run(fetchUser, { id: str`${wf.input.id}-${iteration}` });
          return { name: user.output.name, city: user.output.address.city };
        },
        { maxIterations: 5, while: (last, iteration) => when({ name: last.name, n: iteration }, ($) => $.name === '' && $.n < 3) },
      );
      const walked = wf.loopOver('walk', wf.input.ids, (id, b, index) => {
        const sent = b.run(notify, { text: str`${id}#${index}` });
        return { sent: sent.output.sent };
      });
      const picked = wf.if('pick', wf.input.flag, (b) => ({ text: b.run(notify, { text: 'yes' }).output.sent }), () => ({ text: false }));
      const each = wf.forEach('each', wf.input.ids, (id, b) => b.run(fetchUser, { id }).output.address.city);
      wf.run(notify, { text: str`${poll.output.name} ${poll.output.city} ${poll.iteration} ${walked.output.sent} ${picked.output.text}` });
      return { cities: each.output, last: poll.output };
    });
    const found = diagnosticsOf(wf);
    expect(found.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('a step of an outer scope is readable inside nested blocks', () => {
    const wf = workflow('outer_reads', { input, output }, (wf) => {
      const user = wf.run(fetchUser, { id: wf.input.id });
      wf.parallel('fan', {
        a: (b) => {
          b.loop('inner_loop', (c) => {
            c.if('deep', wf.input.flag, (d) => {
              d.forEach('deeper', user.output.tags, (tag, e) => {
                e.run(notify, { text: str`${tag.label} ${user.output.name}` });
              });
            });
          }, { maxIterations: 2 });
        },
        b: (b) => {
          b.run(notify, { text: user.output.address.city });
        },
      });
      return {};
    });
    expect(diagnosticsOf(wf).filter((d) => d.severity === 'error')).toEqual([]);
  });
});
