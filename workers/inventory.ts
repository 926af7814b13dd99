/**
 * Stock reservations in the inventory service. Reservations are keyed by order, so a retried
 * attempt gets the reservation the first attempt made. Releasing one that is already gone is
 * not an error: compensations must be safe to run twice.
 */
import { implement } from 'baton/runtime';
import { releaseInventory, reserveInventory } from '../workflows/tasks/inventory.js';
import { callService } from './lib/service.js';

export const reserveInventoryWorker = implement(reserveInventory, async (input, context) => {
  const { body } = await callService<{ reservationId: string; warehouseId: string }>('INVENTORY', 'POST', '/reservations', context, {
    body: { orderId: input.orderId, items: input.items },
    idempotencyKey: `reserve-${input.orderId}`,
  });
  return { reservationId: body.reservationId, warehouseId: body.warehouseId };
});

export const releaseInventoryWorker = implement(releaseInventory, async (input, context) => {
  const { status } = await callService('INVENTORY', 'DELETE', `/reservations/${encodeURIComponent(input.reservationId)}`, context, {
    accept: [404],
  });
  if (status === 404) context.log.info('reservation was already released', { reservationId: input.reservationId, orderId: input.orderId });
  return { released: status !== 404 };
});
