/**
 * Stock reservations in the inventory database ('database' profile: 10 s per attempt). A
 * reservation holds stock for one order; releasing it makes the stock sellable again. Both are
 * keyed by the order id, so a retried attempt finds the work already done.
 */
import { task, z } from 'baton';

export const lineItem = z.object({
  sku: z.string().describe('Stock keeping unit'),
  quantity: z.number().int().positive().describe('Units ordered'),
});

/** Hold stock for every line of an order; fails when any line cannot be filled. */
export const reserveInventory = task('reserve_inventory', {
  input: z.object({
    orderId: z.string().describe('Order the stock is held for'),
    items: z.array(lineItem).min(1).describe('Lines to reserve'),
  }),
  output: z.object({
    reservationId: z.string().describe('Id of the reservation, needed to release it'),
    warehouseId: z.string().describe('Warehouse the goods ship from'),
  }),
  profile: 'database',
});

/** Give back the stock held by reserve_inventory. */
export const releaseInventory = task('release_inventory', {
  input: z.object({
    reservationId: z.string().describe('The reservation to release'),
    orderId: z.string().describe('Order the reservation belonged to, for the audit trail'),
  }),
  output: z.object({
    released: z.boolean().describe('False when the reservation was already released'),
  }),
  profile: 'database',
});
