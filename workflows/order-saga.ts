/**
 * The saga pattern: an order goes through several services, and each step that changed the
 * world says how to undo it with `.compensate(…)`. When a later step fails, baton's generated
 * failure workflow (`order_fulfillment_compensation`) runs the undo tasks of the steps that
 * completed, newest first: cancel the shipment, refund the card, release the stock. Conductor
 * starts it when a run fails or times out; baton's client and MCP terminate tool start it too
 * (Conductor's own terminate API does not).
 */
import { str, workflow, z } from 'baton';
import { lineItem, releaseInventory, reserveInventory } from './tasks/inventory.js';
import { sendOrderConfirmation } from './tasks/notifications.js';
import { markOrderFulfilled } from './tasks/orders.js';
import { chargeCard, refundCard } from './tasks/payments.js';
import { cancelShipment } from './tasks/shipping.js';

const address = z.object({
  name: z.string().describe('Recipient name'),
  line1: z.string().describe('Street and number'),
  line2: z.string().optional().describe('Flat, floor, building'),
  city: z.string(),
  postalCode: z.string(),
  country: z.string().length(2).describe('ISO 3166-1 alpha-2 country code, e.g. "PT"'),
});

/**
 * Take an order from stock reservation to shipment: reserve the goods, charge the card, book the
 * shipment, record the order as fulfilled and e-mail the customer. If a step fails after its
 * retries, what was already done is undone in reverse order (the shipment cancelled, the card
 * refunded, the stock released). A failed confirmation e-mail does not undo the order.
 */
export default workflow(
  'order_fulfillment',
  {
    version: 1,
    input: z.object({
      orderId: z.string().min(1).describe('Order to fulfil; also the idempotency key of every step'),
      customerId: z.string().min(1).describe('Customer who placed the order'),
      items: z.array(lineItem).min(1).describe('What was ordered'),
      amountCents: z.number().int().positive().describe('Order total, in the smallest currency unit'),
      currency: z.string().length(3).default('EUR').describe('ISO 4217 currency code'),
      shippingAddress: address.describe('Where the parcel goes'),
      shippingBaseUrl: z.url().default('https://shipping.example.com').describe('Base URL of the shipping service (POST /shipments)'),
    }),
    output: z.object({
      orderId: z.string(),
      reservationId: z.string().describe('Stock reservation holding the goods'),
      chargeId: z.string().describe('Card charge at the payment provider'),
      shipmentId: z.string().describe('Shipment booked with the carrier'),
      trackingUrl: z.string().describe('Where the customer can follow the parcel'),
    }),
    examples: [
      {
        name: 'two items to Lisbon',
        input: {
          orderId: 'ord-1001',
          customerId: 'cus-42',
          items: [
            { sku: 'MUG-BLUE', quantity: 2 },
            { sku: 'TEA-EARLGREY', quantity: 1 },
          ],
          amountCents: 3497,
          currency: 'EUR',
          shippingAddress: { name: 'Ana Silva', line1: 'Rua Augusta 100', city: 'Lisboa', postalCode: '1100-053', country: 'PT' },
        },
      },
    ],
    // Orders are processed once: an agent must not start the same order twice by accident.
    tool: { destructive: true, idempotent: false },
    timeoutSeconds: 1800,
  },
  (wf) => {
    const reservation = wf
      .run(reserveInventory, { orderId: wf.input.orderId, items: wf.input.items })
      .compensate(releaseInventory, (done) => ({
        reservationId: done.output.reservationId,
        orderId: done.input.orderId,
      }));

    const charge = wf
      .run(chargeCard, {
        orderId: wf.input.orderId,
        customerId: wf.input.customerId,
        amountCents: wf.input.amountCents,
        currency: wf.input.currency,
        idempotencyKey: str`charge-${wf.input.orderId}`,
      })
      .compensate(refundCard, (done) => ({
        chargeId: done.output.chargeId,
        amountCents: done.output.amountCents,
        reason: 'order could not be fulfilled',
        idempotencyKey: str`refund-${done.input.orderId}`,
      }));

    const shipment = wf
      .http('create_shipment', {
        uri: str`${wf.input.shippingBaseUrl}/shipments`,
        method: 'POST',
        headers: { 'Idempotency-Key': str`shipment-${wf.input.orderId}` },
        body: {
          orderId: wf.input.orderId,
          warehouseId: reservation.output.warehouseId,
          address: wf.input.shippingAddress,
          items: wf.input.items,
        },
        // Tighter than baton's defaults (5 s to connect, 25 s to read): booking is quick.
        connectionTimeOutMs: 2_000,
        readTimeOutMs: 10_000,
        output: z.object({
          shipmentId: z.string(),
          trackingUrl: z.string(),
        }),
      })
      .compensate(cancelShipment, (done) => ({
        shipmentId: done.output.body.shipmentId,
        orderId: wf.input.orderId,
      }));

    // The last step that can still call the order off (it was cancelled meanwhile, say): when it
    // fails, the shipment, the charge and the reservation are all undone.
    wf.run(markOrderFulfilled, {
      orderId: wf.input.orderId,
      chargeId: charge.output.chargeId,
      shipmentId: shipment.output.body.shipmentId,
      trackingUrl: shipment.output.body.trackingUrl,
    });

    // Optional: the order stands even when the e-mail cannot be sent.
    wf.run(
      sendOrderConfirmation,
      {
        orderId: wf.input.orderId,
        customerId: wf.input.customerId,
        trackingUrl: shipment.output.body.trackingUrl,
      },
      { optional: true },
    );

    return {
      orderId: wf.input.orderId,
      reservationId: reservation.output.reservationId,
      chargeId: charge.output.chargeId,
      shipmentId: shipment.output.body.shipmentId,
      trackingUrl: shipment.output.body.trackingUrl,
    };
  },
);
