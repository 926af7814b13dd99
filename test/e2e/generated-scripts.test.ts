// The JavaScript baton generates for the server (for-each preparation and gathering, loop
// conditions and item picks, the empty-list guard, switch result merging, `${` escaping) runs
// in Conductor's GraalJS, where task inputs arrive as Java maps and lists, not JS objects. A
// workflow made only of server-side steps, run on the real server's test endpoint, checks
// every one of them.
import { describe, expect, it } from 'vitest';
import { str, when, workflow, z } from '../../dsl/index.js';
import { testWorkflow } from '../../runtime/testing.js';

const line = z.object({ sku: z.string(), qty: z.number().int() });

const scripts = workflow(
  'e2e_generated_scripts',
  {
    input: z.object({ lines: z.array(line), note: z.string() }),
    output: z.object({
      doubled: z.array(z.object({ sku: z.string(), qty: z.number(), index: z.number(), note: z.string() })),
      labels: z.array(z.string()),
      lastSum: z.number().nullable(),
      size: z.string(),
      template: z.string(),
    }),
    tool: { expose: false },
  },
  (wf) => {
    // for-each with one step: the element, its index and an outer value reach each task.
    const doubled = wf.forEach('double_each', wf.input.lines, (item, b, index) =>
      b.inline('double', { sku: item.sku, qty: item.qty, index, note: wf.input.note }, ($) => ({ sku: $.sku, qty: $.qty * 2, index: $.index, note: $.note })).output.result,
    );
    // for-each with several steps: each element runs as an inline sub-workflow.
    const labels = wf.forEach('label_each', wf.input.lines, (item, b) => {
      const upper = b.inline('upper', { sku: item.sku }, ($) => $.sku.toUpperCase());
      const label = b.inline('label', { sku: upper.output.result, qty: item.qty }, ($) => `${$.sku} x${$.qty}`);
      return label.output.result;
    });
    // A sequential walk over the list (DO_WHILE with an item pick and an empty-list guard).
    const sums = wf.loopOver('running_sum', wf.input.lines, (item, b, index) => {
      const sum = b.inline('add', { qty: item.qty, index }, ($) => $.qty + $.index);
      return { sum: sum.output.result };
    });
    // if/else whose branches both return a value: the result script merges them.
    const size = wf.if(
      'is_big',
      when({ lines: wf.input.lines }, ($) => $.lines.length > 2),
      () => ({ size: 'big' }),
      () => ({ size: 'small' }),
    );
    return {
      doubled: doubled.output,
      labels: labels.output,
      lastSum: sums.output.sum,
      size: size.output.size,
      template: str`${wf.input.note} / ${'${literal}'}`,
    };
  },
);

describe('generated scripts on the server (GraalJS)', () => {
  it('for-each, loop-over, if/else and templates give the values the workflow describes', async () => {
    const run = await testWorkflow(scripts, {
      lines: [
        { sku: 'mug', qty: 2 },
        { sku: 'tea', qty: 5 },
        { sku: 'pot', qty: 1 },
      ],
      note: 'keep ${this} as text',
    });
    expect(run.status, run.reason).toBe('COMPLETED');
    expect(run.output).toEqual({
      doubled: [
        { sku: 'mug', qty: 4, index: 0, note: 'keep ${this} as text' },
        { sku: 'tea', qty: 10, index: 1, note: 'keep ${this} as text' },
        { sku: 'pot', qty: 2, index: 2, note: 'keep ${this} as text' },
      ],
      labels: ['MUG x2', 'TEA x5', 'POT x1'],
      lastSum: 3,
      size: 'big',
      template: 'keep ${this} as text / ${literal}',
    });
    expect(['add__1', 'add__2', 'add__3'].map((ref) => run.task(ref)?.output.result)).toEqual([2, 6, 3]);
  });

  it('skips a loop over an empty list and takes the other branch', async () => {
    const run = await testWorkflow(scripts, { lines: [], note: 'none' });
    expect(run.status, run.reason).toBe('COMPLETED');
    expect(run.output).toEqual({ doubled: [], labels: [], lastSum: null, size: 'small', template: 'none / ${literal}' });
    expect(run.task('running_sum')).toBeUndefined();
  });
});
