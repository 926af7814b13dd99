// Every shipped workflow, end to end: `baton register` puts the definitions on the real server,
// `baton worker` runs the project's workers against a local fixture world, and each workflow
// runs to COMPLETED through the typed client, with its output asserted.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createClient } from '../../runtime/client.js';
import orderFulfillment from '../../workflows/order-saga.js';
import researchAgent from '../../workflows/research-agent.js';
import riskAssessment from '../../workflows/risk-assessment.js';
import stockMonitor from '../../workflows/stock-monitor.js';
import weatherSummary from '../../workflows/weather.js';
import { type BatonProcess, logLines, runBaton, spawnBaton } from './fixtures/baton-cli.js';
import { eventually } from './fixtures/eventually.js';
import { type World, serviceEnv, startWorld } from './fixtures/world.js';

const run = Date.now().toString(36);
let world: World;
let worker: BatonProcess;
const client = () => createClient({ serverUrl: inject('conductorUrl') });

beforeAll(async () => {
  world = await startWorld();
  const env = { CONDUCTOR_SERVER_URL: inject('conductorUrl') };
  const registered = await runBaton(['register', '--on-conflict', 'overwrite', '--no-typecheck'], env);
  expect(registered.code, registered.stderr).toBe(0);
  worker = spawnBaton(['worker', '--log-level', 'debug'], { ...env, ...serviceEnv(world) });
  await worker.waitForLine(/"msg":"workers started"/);
});

afterAll(async () => {
  if (worker && worker.child.exitCode === null) {
    worker.child.kill('SIGTERM');
    await worker.exited;
  }
  await world?.stop();
});

describe('shipped workflows on a real server, with the project workers', () => {
  it('weather_summary fans out one HTTP call per city and aggregates them', async () => {
    const execution = await client().execute(weatherSummary, { cities: ['Lisbon', 'Oslo', 'Athens'], weatherBaseUrl: world.url }, { waitSeconds: 60 });
    expect(execution.status).toBe('COMPLETED');
    expect(execution.output).toEqual({
      readings: [
        { city: 'Lisbon', temperatureC: 22.5, conditions: 'sunny' },
        { city: 'Oslo', temperatureC: 3.1, conditions: 'light snow' },
        { city: 'Athens', temperatureC: 27, conditions: 'clear sky' },
      ],
      warmest: { city: 'Athens', temperatureC: 27, conditions: 'clear sky' },
      coldest: { city: 'Oslo', temperatureC: 3.1, conditions: 'light snow' },
      averageTemperatureC: 17.5,
    });
    expect(world.requests('GET', '/weather').map((r) => r.query.city).sort()).toEqual(['Athens', 'Lisbon', 'Oslo']);
  });

  it('stock_price_monitor alerts when the price crossed the threshold, through the send_alert worker', async () => {
    const input = { symbol: 'ACME', threshold: 150, direction: 'below' as const, alertChannel: `#e2e-${run}`, quoteBaseUrl: world.url };
    const execution = await client().execute(stockMonitor, input, { waitSeconds: 60 });
    expect(execution.status).toBe('COMPLETED');
    if (execution.status !== 'COMPLETED') return;
    expect(execution.output).toMatchObject({ symbol: 'ACME', price: 142.17, currency: 'USD', alerted: true });
    expect(execution.output.alertId).toMatch(/^al-\d+$/);
    const alert = world.requests('POST', '/alerts').find((r) => (r.body as { channel: string }).channel === `#e2e-${run}`);
    expect(alert?.body).toEqual({
      channel: `#e2e-${run}`,
      severity: 'warning',
      title: 'ACME is below 150',
      message: 'ACME last traded at 142.17 USD, below the threshold of 150.',
      dedupeKey: 'price-ACME-below-150',
    });
    expect(alert?.headers['idempotency-key']).toBe('price-ACME-below-150');
  });

  it('stock_price_monitor stays quiet when the threshold is not crossed', async () => {
    const execution = await client().execute(stockMonitor, { symbol: 'INIT', threshold: 500, quoteBaseUrl: world.url }, { waitSeconds: 60 });
    expect(execution.status).toBe('COMPLETED');
    expect(execution.output).toEqual({ symbol: 'INIT', price: 431.5, currency: 'USD', alerted: false, alertId: null });
  });

  it('order_fulfillment reserves, charges, ships, records and confirms', async () => {
    const orderId = `ord-${run}-ok`;
    const input = {
      orderId,
      customerId: 'cus-42',
      items: [{ sku: 'MUG-BLUE', quantity: 2 }],
      amountCents: 3497,
      shippingAddress: { name: 'Ana Silva', line1: 'Rua Augusta 100', city: 'Lisboa', postalCode: '1100-053', country: 'PT' },
      shippingBaseUrl: world.url,
    };
    const execution = await client().execute(orderFulfillment, input, { waitSeconds: 60 });
    expect(execution.status).toBe('COMPLETED');
    expect(execution.output).toEqual({
      orderId,
      reservationId: `res-${orderId}`,
      chargeId: `ch-${orderId}`,
      shipmentId: `shp-${orderId}`,
      trackingUrl: `${world.url}/track/shp-${orderId}`,
    });
    // The zod default for currency reached the worker, and the idempotency key was passed on.
    const charge = world.requests('POST', '/charges').find((r) => (r.body as { orderId: string }).orderId === orderId);
    expect(charge?.body).toEqual({ orderId, customerId: 'cus-42', amountCents: 3497, currency: 'EUR' });
    expect(charge?.headers['idempotency-key']).toBe(`charge-${orderId}`);
    const shipment = world.requests('POST', '/shipments').find((r) => (r.body as { orderId: string }).orderId === orderId);
    expect(shipment?.body).toMatchObject({ orderId, warehouseId: 'wh-lisbon', items: input.items });
    expect(world.requests('POST', `/orders/${orderId}/fulfilment`).map((r) => r.body)).toEqual([
      { chargeId: `ch-${orderId}`, shipmentId: `shp-${orderId}`, trackingUrl: `${world.url}/track/shp-${orderId}` },
    ]);
    expect(world.requests('POST', '/emails').some((r) => (r.body as { orderId: string }).orderId === orderId)).toBe(true);
    expect(execution.task('send_order_confirmation')?.workerId).toBe(execution.task('charge_card')?.workerId);
  });

  it('loan_risk_assessment approves a prime applicant by policy and records the decision', async () => {
    const applicationId = `app-${run}-prime`;
    const execution = await client().execute(
      riskAssessment,
      { applicationId, applicantId: 'cus-42', amountCents: 1_500_000, creditBureauBaseUrl: world.url },
      { waitSeconds: 60 },
    );
    expect(execution.status).toBe('COMPLETED');
    expect(execution.output).toEqual({
      applicationId,
      decision: 'approve',
      reason: 'prime credit and an amount within the automatic limit',
      decidedBy: 'policy',
      creditScore: 780,
      fraudVerdict: 'clear',
      reviewCaseId: null,
    });
    const ledger = world.requests('POST', '/decisions').find((r) => (r.body as { applicationId: string }).applicationId === applicationId);
    expect(ledger?.body).toMatchObject({ decision: 'approve', decidedBy: 'policy', creditScore: 780, fraudVerdict: 'clear' });
  });

  it('loan_risk_assessment hands a flagged application to an underwriter and waits for the answer', async () => {
    const applicationId = `app-${run}-review`;
    const c = client();
    const workflowId = await c.start(riskAssessment, { applicationId, applicantId: 'cus-review', amountCents: 800_000, creditBureauBaseUrl: world.url });
    // The fraud screen asked for a second look: the manual_review child waits for a person.
    const child = await eventually('the underwriter task', async () => {
      const review = (await c.get(workflowId)).task('fraud_review');
      if (!review?.subWorkflowId) return undefined;
      const sub = await c.get(review.subWorkflowId);
      return sub.task('await_underwriter')?.status === 'IN_PROGRESS' ? sub : undefined;
    });
    expect(child.name).toBe('manual_review');
    expect(child.task('open_review_case')?.output).toEqual({ caseId: `case-${applicationId}`, queue: 'underwriting' });
    expect(child.input).toMatchObject({ applicationId, fraudVerdict: 'review', creditScore: 700 });

    await c.completeTask(child.workflowId, 'await_underwriter', { decision: 'decline', underwriter: 'r.costa', note: 'identity could not be confirmed' });
    const done = await c.wait(riskAssessment, workflowId, { waitSeconds: 60 });
    expect(done.status).toBe('COMPLETED');
    expect(done.output).toEqual({
      applicationId,
      decision: 'decline',
      reason: 'identity could not be confirmed',
      decidedBy: 'r.costa',
      creditScore: 700,
      fraudVerdict: 'review',
      reviewCaseId: `case-${applicationId}`,
    });
  });

  it('research_agent loops model call → tool call until the model answers', async () => {
    const question = 'When did the Conductor project move to the conductor-oss organisation?';
    const execution = await client().execute(
      researchAgent,
      { question, llmBaseUrl: `${world.url}/v1`, searchBaseUrl: world.url },
      { waitSeconds: 120 },
    );
    expect(execution.status).toBe('COMPLETED');
    expect(execution.output).toEqual({
      answer: `Netflix handed Conductor to the conductor-oss organisation in December 2023 (source: ${world.url}/pages/conductor-history).`,
      answered: true,
      iterations: 3,
    });
    // One pass per tool: search, read (by the read_page worker), then the answer.
    expect(execution.tasks.filter((t) => t.ref.startsWith('run_tool__')).map((t) => t.output.evaluationResult)).toEqual([['web_search'], ['read_page'], ['none']]);
    const page = execution.task('read_page__2');
    expect(page?.output).toMatchObject({ url: `${world.url}/pages/conductor-history`, title: 'Conductor moves to conductor-oss' });
    expect(String(page?.output.text)).toContain('December 2023');
    expect(String(page?.output.text)).not.toContain('track()');
    const conversation = (execution.variables.messages ?? []) as { role: string }[];
    expect(conversation.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant', 'tool', 'assistant']);
    expect(world.requests('POST', '/v1/chat/completions')).toHaveLength(3);
  });

  it('the worker logged each task as a JSON line with task, ids and attempt', () => {
    const lines = logLines(worker.stderr());
    const completed = lines.filter((l) => l.msg === 'task completed');
    expect(new Set(completed.map((l) => l.task))).toEqual(
      new Set(['reserve_inventory', 'charge_card', 'mark_order_fulfilled', 'send_order_confirmation', 'send_alert', 'check_fraud', 'record_decision', 'open_review_case', 'read_page']),
    );
    for (const line of completed) {
      expect(line).toMatchObject({ level: 'info', attempt: 1 });
      expect(line.taskId).toEqual(expect.any(String));
      expect(line.workflowId).toEqual(expect.any(String));
      expect(line.durationMs).toEqual(expect.any(Number));
    }
  });
});
