/**
 * Shipping. Shipments are created by an HTTP call straight from the Conductor server (see
 * order-saga.ts); undoing one needs the carrier's own cancellation flow, which a worker runs.
 */
import { task, z } from 'baton';

/** Cancel a shipment that has not left the warehouse yet. */
export const cancelShipment = task('cancel_shipment', {
  input: z.object({
    shipmentId: z.string().describe('Id returned when the shipment was created'),
    orderId: z.string().describe('Order the shipment belonged to'),
  }),
  output: z.object({
    cancelled: z.boolean().describe('False when the carrier had already picked the parcel up'),
  }),
  profile: 'external',
});
