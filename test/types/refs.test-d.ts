import { expectTypeOf, test } from 'vitest';
import { task, workflow, z } from '../../dsl/index.js';

const t = task('t', { input: z.object({ n: z.number() }), output: z.object({ s: z.string() }) });

test('a string reference cannot go where a number goes', () => {
  workflow('w', { input: z.object({ name: z.string(), n: z.number() }), output: z.object({}) }, (wf) => {
    wf.run(t, { n: wf.input.n });
    // @ts-expect-error Ref<string> is not Ref<number>
    wf.run(t, { n: wf.input.name });
    // @ts-expect-error no such field
    wf.run(t, { n: wf.input.missing });
    const step = wf.run(t, { n: 1 });
    expectTypeOf(step.output.s).not.toBeAny();
    return {};
  });
});
