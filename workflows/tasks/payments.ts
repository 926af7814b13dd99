/**
 * Card payments. Both tasks call the payment provider, so they use the 'external' profile
 * (30 s per attempt, 3 retries backing off 2-4-8 s). Conductor retries a failed attempt, so
 * workers must be idempotent: the provider call carries `idempotencyKey`, and a retry returns the
 * charge or refund made by the first attempt instead of making a second one.
 */
import { task, z } from 'baton';

/** Charge the customer's card for an order. */
export const chargeCard = task('charge_card', {
  input: z.object({
    orderId: z.string().describe('Order being paid for'),
    customerId: z.string().describe('Customer whose stored payment method is charged'),
    amountCents: z.number().int().positive().describe('Amount to charge, in the smallest currency unit'),
    currency: z.string().length(3).describe('ISO 4217 currency code, e.g. "EUR"'),
    idempotencyKey: z.string().describe('Same key, same charge: retries never charge twice'),
  }),
  output: z.object({
    chargeId: z.string().describe('Payment provider id of the charge'),
    amountCents: z.number().int().describe('Amount actually charged'),
  }),
  profile: 'external',
  sensitive: ['customerId'],
});

/** Refund a charge made by charge_card, in full. */
export const refundCard = task('refund_card', {
  input: z.object({
    chargeId: z.string().describe('The charge to refund'),
    amountCents: z.number().int().positive().describe('Amount to refund'),
    reason: z.string().describe('Why the money goes back, shown to support staff'),
    idempotencyKey: z.string().describe('Same key, same refund: retries never refund twice'),
  }),
  output: z.object({
    refundId: z.string().describe('Payment provider id of the refund'),
  }),
  profile: 'external',
});
