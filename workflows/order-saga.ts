import { task, workflow, str, z } from 'baton';

/** Charge a card; refunded if a later step fails. */
export const chargeCard = task('charge_card', {
  input: z.object({ orderId: z.string(), amountCents: z.number().int().positive() }),
  output: z.object({ chargeId: z.string() }),
  profile: 'external',
});

/** Give back a charge made by charge_card. */
export const refundCard = task('refund_card', {
  input: z.object({ chargeId: z.string(), reason: z.string() }),
  output: z.object({ refundId: z.string() }),
  profile: 'external',
});

/** Take an order from payment to shipment. */
export default workflow(
  'order_fulfillment',
  {
    version: 1,
    input: z.object({ orderId: z.string(), amountCents: z.number().int(), shippingBaseUrl: z.string().url() }),
    output: z.object({ chargeId: z.string(), trackingId: z.string() }),
    examples: [{ name: 'small', input: { orderId: 'o-1', amountCents: 1299, shippingBaseUrl: 'http://127.0.0.1:8080' } }],
  },
  (wf) => {
    const charge = wf
      .run(chargeCard, { orderId: wf.input.orderId, amountCents: wf.input.amountCents })
      .compensate(refundCard, (c) => ({ chargeId: c.output.chargeId, reason: 'order failed' }));
    const ship = wf.http('create_shipment', {
      uri: str`${wf.input.shippingBaseUrl}/orders/${wf.input.orderId}`,
      method: 'POST',
      body: { chargeId: charge.output.chargeId },
      output: z.object({ trackingId: z.string() }),
    });
    return { chargeId: charge.output.chargeId, trackingId: ship.output.body.trackingId };
  },
);
