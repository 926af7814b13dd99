import { task, workflow, z } from '../../dsl/index.js';
const refund = task('refund', { input: z.object({ chargeId: z.string(), reason: z.enum(['failed', 'cancelled']) }), output: z.object({}) });
const charge = task('charge', { input: z.object({ orderId: z.string() }), output: z.object({ chargeId: z.string() }) });
workflow('w', { input: z.object({ id: z.string() }), output: z.object({}) }, (wf) => {
  wf.run(charge, { orderId: wf.input.id }).compensate(refund, (done) => ({ chargeId: done.output.chargeId, reason: 'failed' as const }));
  wf.run(charge, { orderId: wf.input.id }).compensate(refund, (done) => ({ chargeId: done.output.chargeId, reason: 'failed' }) as const);
  return {};
});
