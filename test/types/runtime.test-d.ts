// Worker handlers and the client are typed from the declarations' and workflows' schemas.
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { task } from '../../dsl/task.js';
import { workflow } from '../../dsl/workflow.js';
import { type BatonClient } from '../../runtime/client.js';
import { implement } from '../../runtime/implement.js';
import { completed } from '../../runtime/testing.js';

const charge = task('types_charge', {
  input: z.object({ orderId: z.string(), currency: z.string().default('EUR') }),
  output: z.object({ chargeId: z.string(), note: z.string().default('') }),
});
const order = workflow(
  'types_order',
  { input: z.object({ orderId: z.string(), rush: z.boolean().default(false) }), output: z.object({ chargeId: z.string() }) },
  () => ({ chargeId: 'c' }),
);
declare const client: BatonClient;

describe('implement', () => {
  it('gives the handler the parsed input and accepts what the output schema accepts', () => {
    implement(charge, (input, context) => {
      expectTypeOf(input).toEqualTypeOf<{ orderId: string; currency: string }>();
      expectTypeOf(context.attempt).toEqualTypeOf<number>();
      return { chargeId: 'c' };
    });
    // @ts-expect-error chargeId must be a string
    implement(charge, () => ({ chargeId: 1 }));
    // @ts-expect-error the output needs chargeId
    implement(charge, async () => ({ note: 'x' }));
  });
});

describe('the client', () => {
  it('types input and output from the workflow object', async () => {
    // rush has a default, so it may be left out.
    const run = await client.execute(order, { orderId: 'o-1' });
    if (run.status === 'COMPLETED') expectTypeOf(run.output).toEqualTypeOf<{ chargeId: string }>();
    // @ts-expect-error orderId is required
    await client.start(order, {});
  });
});

describe('mocks', () => {
  it('checks a declared task mock against its output type', () => {
    completed(charge, { chargeId: 'c' });
    // @ts-expect-error chargeId must be a string
    completed(charge, { chargeId: 3 });
  });
});
