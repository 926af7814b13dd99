/**
 * Scheduled monitoring: Conductor's scheduler starts this workflow every five minutes during
 * market hours; each run fetches a quote over HTTP and alerts only when the price is past the
 * threshold (`wf.if` with a condition evaluated on the server).
 */
import { str, when, workflow, z } from 'baton';
import { sendAlert } from './tasks/notifications.js';

/**
 * Check a stock's price against a threshold and alert when it is above (or below) it. Fetches
 * the latest quote from the market data service and, if the price crossed the threshold in the
 * watched direction, sends an alert to the given channel.
 */
export default workflow(
  'stock_price_monitor',
  {
    version: 1,
    input: z.object({
      symbol: z.string().min(1).max(12).describe('Ticker symbol, e.g. "ACME"'),
      threshold: z.number().positive().describe('Price that triggers the alert, in the quote currency'),
      direction: z
        .enum(['above', 'below'])
        .default('above')
        .describe('Alert when the price is above the threshold, or below it'),
      alertChannel: z.string().default('#market-alerts').describe('Where alerts go (chat room, pager rotation, e-mail list)'),
      quoteBaseUrl: z.url().default('https://quotes.example.com').describe('Base URL of the market data service (GET /quote?symbol=<symbol>)'),
    }),
    output: z.object({
      symbol: z.string(),
      price: z.number().describe('Last traded price'),
      currency: z.string().describe('ISO 4217 currency of the price'),
      alerted: z.boolean().describe('Whether this run sent an alert'),
      alertId: z.string().nullable().describe('Id of the alert sent, or null'),
    }),
    examples: [
      { name: 'drop below 150', input: { symbol: 'ACME', threshold: 150, direction: 'below' } },
      { name: 'rise above 420', input: { symbol: 'INIT', threshold: 420, direction: 'above', alertChannel: '#desk-7' } },
    ],
    schedules: [
      {
        name: 'acme_below_150_market_hours',
        // second minute hour day-of-month month day-of-week: every 5 minutes, 09:00-16:55, Mon-Fri.
        cron: '0 */5 9-16 * * MON-FRI',
        zone: 'America/New_York',
        input: { symbol: 'ACME', threshold: 150, direction: 'below', alertChannel: '#trading-alerts' },
        // Registered paused: resume it once quoteBaseUrl points at your market data service.
        paused: true,
      },
    ],
    // Sending an alert changes nothing that would need undoing.
    tool: { destructive: false },
    // A run that is still going when the next one starts is stale: give up well before that.
    timeoutSeconds: 240,
  },
  (wf) => {
    const quote = wf.http('get_quote', {
      uri: str`${wf.input.quoteBaseUrl}/quote?symbol=${wf.input.symbol}`,
      method: 'GET',
      connectionTimeOutMs: 2_000,
      readTimeOutMs: 5_000,
      output: z.object({
        symbol: z.string(),
        price: z.number(),
        currency: z.string(),
      }),
    });
    const price = quote.output.body.price;

    const check = wf.if(
      'threshold_crossed',
      when({ price, threshold: wf.input.threshold, direction: wf.input.direction }, ($) =>
        $.direction === 'below' ? $.price < $.threshold : $.price > $.threshold,
      ),
      (b) => {
        const alert = b.run(sendAlert, {
          channel: wf.input.alertChannel,
          severity: 'warning',
          title: str`${wf.input.symbol} is ${wf.input.direction} ${wf.input.threshold}`,
          message: str`${wf.input.symbol} last traded at ${price} ${quote.output.body.currency}, ${wf.input.direction} the threshold of ${wf.input.threshold}.`,
          dedupeKey: str`price-${wf.input.symbol}-${wf.input.direction}-${wf.input.threshold}`,
        });
        return { alerted: true, alertId: alert.output.alertId };
      },
      () => ({ alerted: false, alertId: null }),
    );

    return {
      symbol: wf.input.symbol,
      price,
      currency: quote.output.body.currency,
      alerted: check.output.alerted,
      alertId: check.output.alertId,
    };
  },
);
