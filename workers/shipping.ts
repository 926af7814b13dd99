/**
 * Shipment cancellation with the carrier (creating a shipment is an HTTP task the Conductor
 * server runs itself). A parcel already picked up cannot be cancelled: the carrier answers 409
 * and the task reports `cancelled: false` rather than failing the compensation.
 */
import { implement } from 'baton/runtime';
import { cancelShipment } from '../workflows/tasks/shipping.js';
import { callService } from './lib/service.js';

export const cancelShipmentWorker = implement(cancelShipment, async (input, context) => {
  const { status } = await callService('SHIPPING', 'POST', `/shipments/${encodeURIComponent(input.shipmentId)}/cancel`, context, {
    body: { orderId: input.orderId },
    accept: [409],
  });
  if (status === 409) context.log.warn('the carrier has already picked the parcel up', { shipmentId: input.shipmentId });
  return { cancelled: status !== 409 };
});
