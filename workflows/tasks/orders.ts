/**
 * The order database: the record the shop's own pages read. 'database' profile: 10 s per
 * attempt, 3 retries.
 */
import { task, z } from 'baton';

/**
 * Record that an order has been paid and shipped. Fails with a terminal error when the order was
 * cancelled in the meantime, which makes the saga undo the payment, stock and shipment.
 */
export const markOrderFulfilled = task('mark_order_fulfilled', {
  input: z.object({
    orderId: z.string().describe('The order'),
    chargeId: z.string().describe('Payment that settled it'),
    shipmentId: z.string().describe('Shipment that delivers it'),
    trackingUrl: z.string().describe('Shown to the customer on the order page'),
  }),
  output: z.object({
    status: z.literal('fulfilled').describe('The order status now recorded'),
  }),
  profile: 'database',
});
