/**
 * The order record in the order service (the shop's own database). Recording fulfilment is the
 * saga's last chance to call the order off: the service refuses (409) when the customer
 * cancelled meanwhile, and that refusal is terminal, so the generated compensation undoes the
 * shipment, the charge and the reservation at once instead of after pointless retries.
 */
import { implement } from 'baton/runtime';
import { markOrderFulfilled } from '../workflows/tasks/orders.js';
import { callService } from './lib/service.js';

export const markOrderFulfilledWorker = implement(markOrderFulfilled, async (input, context) => {
  await callService('ORDER', 'POST', `/orders/${encodeURIComponent(input.orderId)}/fulfilment`, context, {
    body: { chargeId: input.chargeId, shipmentId: input.shipmentId, trackingUrl: input.trackingUrl },
  });
  return { status: 'fulfilled' as const };
});
