/**
 * Card payments through the payment service. The idempotency key the workflow passes goes to
 * the provider, so a retried attempt returns the first attempt's charge or refund instead of
 * moving money twice. A declined card (402) fails the task terminally: retrying a decline only
 * annoys the bank.
 */
import { implement } from 'baton/runtime';
import { chargeCard, refundCard } from '../workflows/tasks/payments.js';
import { callService } from './lib/service.js';

export const chargeCardWorker = implement(chargeCard, async (input, context) => {
  const { body } = await callService<{ chargeId: string; amountCents: number }>('PAYMENT', 'POST', '/charges', context, {
    body: { orderId: input.orderId, customerId: input.customerId, amountCents: input.amountCents, currency: input.currency },
    idempotencyKey: input.idempotencyKey,
  });
  context.log.info('card charged', { orderId: input.orderId, chargeId: body.chargeId });
  return { chargeId: body.chargeId, amountCents: body.amountCents };
});

export const refundCardWorker = implement(refundCard, async (input, context) => {
  const { body } = await callService<{ refundId: string }>('PAYMENT', 'POST', '/refunds', context, {
    body: { chargeId: input.chargeId, amountCents: input.amountCents, reason: input.reason },
    idempotencyKey: input.idempotencyKey,
  });
  context.log.info('charge refunded', { chargeId: input.chargeId, refundId: body.refundId });
  return { refundId: body.refundId };
});
