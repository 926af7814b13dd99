/**
 * Messages to people: e-mail, chat, paging. Delivery goes through a provider, hence the
 * 'external' profile; a message sent twice is a nuisance, so workers dedupe on `dedupeKey`.
 */
import { task, z } from 'baton';

/** Send an alert to a channel (chat room, pager rotation or e-mail list). */
export const sendAlert = task('send_alert', {
  input: z.object({
    channel: z.string().describe('Where the alert goes, e.g. "#trading-alerts" or "pager:markets"'),
    severity: z.enum(['info', 'warning', 'critical']).describe('How loudly to alert'),
    title: z.string().describe('One-line summary'),
    message: z.string().describe('Details for the reader'),
    dedupeKey: z.string().describe('Alerts with the same key are delivered once per dedupe window (an hour)'),
  }),
  output: z.object({
    alertId: z.string().describe('Id of the delivered alert at the provider'),
  }),
  profile: 'external',
});

/** E-mail the customer that their order is on its way. */
export const sendOrderConfirmation = task('send_order_confirmation', {
  input: z.object({
    orderId: z.string().describe('The confirmed order'),
    customerId: z.string().describe('Recipient; the worker looks up their address'),
    trackingUrl: z.string().describe('Where the customer can follow the parcel'),
  }),
  output: z.object({
    messageId: z.string().describe('Id of the sent e-mail'),
  }),
  profile: 'external',
});
