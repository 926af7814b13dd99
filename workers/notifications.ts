/**
 * Messages to people through the notification service, which delivers once per key: the
 * alert's dedupe key, or the order for a confirmation e-mail.
 */
import { implement } from 'baton/runtime';
import { sendAlert, sendOrderConfirmation } from '../workflows/tasks/notifications.js';
import { callService } from './lib/service.js';

export const sendAlertWorker = implement(sendAlert, async (input, context) => {
  const { body } = await callService<{ alertId: string }>('NOTIFICATION', 'POST', '/alerts', context, {
    body: input,
    idempotencyKey: input.dedupeKey,
  });
  return { alertId: body.alertId };
});

export const sendOrderConfirmationWorker = implement(sendOrderConfirmation, async (input, context) => {
  const { body } = await callService<{ messageId: string }>('NOTIFICATION', 'POST', '/emails', context, {
    body: { template: 'order-confirmation', customerId: input.customerId, orderId: input.orderId, trackingUrl: input.trackingUrl },
    idempotencyKey: `confirmation-${input.orderId}`,
  });
  return { messageId: body.messageId };
});
