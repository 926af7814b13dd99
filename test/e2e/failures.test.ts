// Failure injection on the real server: retries spaced by the compiled backoff, timeouts that
// are detected and retried, heartbeats and lease extension that keep a long task alive, saga
// compensation after a failure at step k (exactly the undo tasks of steps k-1..1, newest
// first, with the right inputs), and a terminated run starting its failure workflow.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TaskPolicy } from '../../ir/policy.js';
import { retryDelay } from '../../compiler/policy.js';
import { createClient } from '../../runtime/client.js';
import { type CompiledSet, compileWorkflows } from '../../runtime/compile-workflows.js';
import { Conductor } from '../../runtime/conductor.js';
import type { Execution } from '../../runtime/execution.js';
import { type WorkerPool, startWorkers } from '../../runtime/runner.js';
import { createLogger } from '../../runtime/logger.js';
import orderFulfillment from '../../workflows/order-saga.js';
import * as inventoryWorkers from '../../workers/inventory.js';
import * as notificationWorkers from '../../workers/notifications.js';
import * as orderWorkers from '../../workers/orders.js';
import * as paymentWorkers from '../../workers/payments.js';
import * as shippingWorkers from '../../workers/shipping.js';
import { ROOT, runBaton } from './fixtures/baton-cli.js';
import { registerWorkflows } from './fixtures/definitions.js';
import { eventually } from './fixtures/eventually.js';
import { heartbeatProbe, httpUndoSaga, leaseProbe, probeWorkers, probeWorkflows, silentProbe, timeoutProbe } from './fixtures/probes.js';
import { type World, serviceEnv, startWorld } from './fixtures/world.js';

const run = Date.now().toString(36);
let world: World;
let pool: WorkerPool;
let shipped: CompiledSet;
const logLines: Record<string, unknown>[] = [];
const connection = () => ({ serverUrl: inject('conductorUrl') });
const client = () => createClient(connection());

const order = (suffix: string, customerId = 'cus-42') => ({
  orderId: `ord-${run}-${suffix}`,
  customerId,
  items: [{ sku: 'TEA-EARLGREY', quantity: 3 }],
  amountCents: 3497,
  shippingAddress: { name: 'Jon Berg', line1: 'Karl Johans gate 1', city: 'Oslo', postalCode: '0154', country: 'NO' },
  shippingBaseUrl: world.url,
});

/** The compensation run the server started for a failed or terminated run. */
async function compensationOf(execution: Execution<unknown>) {
  expect(execution.failureWorkflowId, `no failure workflow in the output of ${execution.workflowId}: ${JSON.stringify(execution.rawOutput)}`).toBeDefined();
  return client().wait(execution.failureWorkflowId!, { waitSeconds: 120 });
}

/** The undo tasks of an order whose shipment, charge and reservation all went through, newest first. */
const allThreeUndone = (orderId: string) => [
  { task: 'cancel_shipment', status: 'COMPLETED', input: { shipmentId: `shp-${orderId}`, orderId } },
  {
    task: 'refund_card',
    status: 'COMPLETED',
    input: { chargeId: `ch-${orderId}`, amountCents: 3497, reason: 'order could not be fulfilled', idempotencyKey: `refund-${orderId}` },
  },
  { task: 'release_inventory', status: 'COMPLETED', input: { reservationId: `res-${orderId}`, orderId } },
];

/** The undo tasks a compensation run executed, in order, with their inputs. */
const undone = (compensation: Execution<unknown>) =>
  compensation.tasks.filter((t) => t.ref.startsWith('undo_') && t.type !== 'SWITCH').map((t) => ({ task: t.name, status: t.status, input: t.input }));

beforeAll(async () => {
  world = await startWorld();
  Object.assign(process.env, serviceEnv(world));
  const registered = await runBaton(['register', '--on-conflict', 'overwrite', '--no-typecheck'], { CONDUCTOR_SERVER_URL: inject('conductorUrl') });
  expect(registered.code, registered.stderr).toBe(0);
  shipped = await compileWorkflows([orderFulfillment], { root: ROOT });
  await registerWorkflows(new Conductor(connection()), probeWorkflows);
  pool = await startWorkers({
    connection: connection(),
    workers: [...Object.values(inventoryWorkers), ...Object.values(paymentWorkers), ...Object.values(shippingWorkers), ...Object.values(notificationWorkers), ...Object.values(orderWorkers), ...probeWorkers],
    logger: createLogger({ write: (line) => logLines.push(JSON.parse(line) as Record<string, unknown>), level: 'debug' }),
  });
});

afterAll(async () => {
  await pool?.stop({ graceMs: 1000 });
  await world?.stop();
});

describe('retries and timeouts', () => {
  it('retries a failing worker with the compiled exponential backoff: three attempts, 2 s then 4 s apart', async () => {
    const input = order('flaky');
    world.inject({ method: 'POST', path: '/charges', when: { orderId: input.orderId }, times: 2, status: 503, body: { message: 'payment provider overloaded' } });
    const execution = await client().execute(orderFulfillment, input, { waitSeconds: 90 });
    expect(execution.status).toBe('COMPLETED');

    const attempts = execution.attempts('charge_card');
    expect(attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 'FAILED'],
      [2, 'FAILED'],
      [3, 'COMPLETED'],
    ]);
    expect(attempts[0]!.reason).toBe('payment service answered POST /charges with 503: payment provider overloaded');
    // The spacing the server applied is the spacing baton compiled: read it from the task definition.
    const policy = shipped.taskDefs.get('charge_card') as unknown as TaskPolicy;
    expect(policy).toMatchObject({ retryLogic: 'EXPONENTIAL_BACKOFF', retryDelaySeconds: 2, retryCount: 3 });
    for (let n = 0; n < 2; n++) {
      const delayMs = retryDelay(policy, n) * 1000;
      expect(delayMs).toBe([2000, 4000][n]);
      // Conductor holds the retry in its queue for the delay: no attempt starts earlier.
      expect(attempts[n + 1]!.startTime - attempts[n]!.endTime).toBeGreaterThanOrEqual(delayMs);
      expect(attempts[n + 1]!.startDelaySeconds).toBe(retryDelay(policy, n));
    }
  });

  it('times out an attempt that runs past timeoutSeconds (TIMED_OUT) and retries it per policy', async () => {
    const execution = await client().execute(timeoutProbe, { runId: run, workMs: 30_000 }, { waitSeconds: 120 });
    expect(execution.status).toBe('COMPLETED');
    expect(execution.output).toEqual({ attempt: 2, heartbeats: 0 });
    const attempts = execution.attempts('e2e_slow_task');
    expect(attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 'TIMED_OUT'],
      [2, 'COMPLETED'],
    ]);
    expect(attempts[1]!.startTime - attempts[0]!.endTime).toBeGreaterThanOrEqual(1000);
  });

  it('keeps a long task alive past its response timeout with heartbeats, or with automatic lease extension', async () => {
    const c = client();
    const [beating, leased, silent] = await Promise.all([
      c.execute(heartbeatProbe, { runId: run, workMs: 8_000 }, { waitSeconds: 120 }),
      c.execute(leaseProbe, { runId: run, workMs: 8_000 }, { waitSeconds: 120 }),
      // The control: the same work without a word to the server is taken for a lost worker.
      c.execute(silentProbe, { runId: run, workMs: 8_000 }, { waitSeconds: 120 }),
    ]);
    expect(beating.status).toBe('COMPLETED');
    expect(beating.output?.attempt).toBe(1);
    expect(beating.output?.heartbeats).toBeGreaterThan(0);
    expect(leased.status).toBe('COMPLETED');
    expect(leased.output?.attempt).toBe(1);
    expect(silent.status).toBe('TIMED_OUT');
    expect(silent.failedTask).toMatchObject({ ref: 'e2e_silent_task', status: 'TIMED_OUT', attempt: 1 });
  });
});

describe('saga compensation', () => {
  it('undoes a step with a workflow of its own: an HTTP call, no worker involved', async () => {
    const orderId = `ord-${run}-http-undo`;
    const failed = await client().execute(httpUndoSaga, { baseUrl: world.url, orderId }, { waitSeconds: 60 });
    expect(failed.status).toBe('FAILED');
    expect(failed.failedTask).toMatchObject({ ref: 'charge_declined', status: 'FAILED' });
    const compensation = await compensationOf(failed);
    expect(compensation.status).toBe('COMPLETED');
    expect(undone(compensation)).toEqual([
      {
        task: 'e2e_cancel_shipment_http',
        status: 'COMPLETED',
        input: expect.objectContaining({ subWorkflowName: 'e2e_cancel_shipment_http', workflowInput: { baseUrl: world.url, shipmentId: `shp-${orderId}`, orderId } }),
      },
    ]);
    // The child run made the call, with the input mapped from the booked shipment.
    const cancels = world.requests('POST', `/shipments/shp-${orderId}/cancel`);
    expect(cancels.map((r) => r.body)).toEqual([{ orderId }]);
  });

  it('a terminal failure at step 4 (the order was cancelled) undoes steps 3, 2 and 1 at once, newest first', async () => {
    const input = order('cancelled');
    const failed = await client().execute(orderFulfillment, input, { waitSeconds: 60 });
    expect(failed.status).toBe('FAILED');
    expect(failed.failedTask).toMatchObject({ ref: 'mark_order_fulfilled', attempt: 1, status: 'FAILED_WITH_TERMINAL_ERROR' });
    expect(failed.failedTask?.reason).toBe(`order service answered POST /orders/${input.orderId}/fulfilment with 409: order ${input.orderId} was cancelled by the customer`);

    const compensation = await compensationOf(failed);
    expect(compensation.status).toBe('COMPLETED');
    expect(undone(compensation)).toEqual(allThreeUndone(input.orderId));
    expect(world.requests('POST', `/shipments/shp-${input.orderId}/cancel`).map((r) => r.body)).toEqual([{ orderId: input.orderId }]);
  });

  it('a failure at step 3 (shipment) undoes steps 2 and 1, newest first, with the original data', async () => {
    const input = order('ship-fails');
    world.inject({ method: 'POST', path: '/shipments', when: { orderId: input.orderId }, times: 10, status: 503, body: { message: 'carrier unavailable' } });
    const failed = await client().execute(orderFulfillment, input, { waitSeconds: 120 });
    expect(failed.status).toBe('FAILED');
    expect(failed.failedTask).toMatchObject({ ref: 'create_shipment', attempt: 4 });

    const compensation = await compensationOf(failed);
    expect(compensation.status).toBe('COMPLETED');
    expect(compensation.input).toMatchObject({ workflowId: failed.workflowId, failureStatus: 'FAILED' });
    expect(undone(compensation)).toEqual([
      {
        task: 'refund_card',
        status: 'COMPLETED',
        input: { chargeId: `ch-${input.orderId}`, amountCents: 3497, reason: 'order could not be fulfilled', idempotencyKey: `refund-${input.orderId}` },
      },
      { task: 'release_inventory', status: 'COMPLETED', input: { reservationId: `res-${input.orderId}`, orderId: input.orderId } },
    ]);
    // The services saw the refund, then the release, and no shipment cancellation.
    const calls = world.journal.filter(
      (r) => (r.method === 'POST' && r.path === '/refunds' && (r.body as { chargeId: string }).chargeId === `ch-${input.orderId}`) || r.path === `/reservations/res-${input.orderId}`,
    );
    expect(calls.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /refunds', `DELETE /reservations/res-${input.orderId}`]);
    expect(calls[0]!.headers['idempotency-key']).toBe(`refund-${input.orderId}`);
    expect(world.requests('POST', `/shipments/shp-${input.orderId}/cancel`)).toEqual([]);
  });

  it('a declined card fails step 2 terminally (no retries) and undoes only step 1', async () => {
    const input = order('declined', 'cus-declined');
    const failed = await client().execute(orderFulfillment, input, { waitSeconds: 60 });
    expect(failed.status).toBe('FAILED');
    expect(failed.attempts('charge_card').map((a) => a.status)).toEqual(['FAILED_WITH_TERMINAL_ERROR']);
    expect(failed.failedTask?.reason).toBe('payment service answered POST /charges with 402: card declined: insufficient funds');

    const compensation = await compensationOf(failed);
    expect(compensation.status).toBe('COMPLETED');
    expect(undone(compensation)).toEqual([
      { task: 'release_inventory', status: 'COMPLETED', input: { reservationId: `res-${input.orderId}`, orderId: input.orderId } },
    ]);
  });

  it('terminating a run starts its failure workflow, which undoes every completed step in reverse', async () => {
    const input = order('terminated');
    // The confirmation e-mail hangs, so the run is caught after the shipment was booked.
    world.inject({ method: 'POST', path: '/emails', when: { orderId: input.orderId }, delayMs: 15_000 });
    const c = client();
    const workflowId = await c.start(orderFulfillment, input);
    await eventually('the confirmation task to be in progress', async () => (await c.get(workflowId)).task('send_order_confirmation')?.status === 'IN_PROGRESS');
    // Conductor's own terminate call does not start the failure workflow; baton's client does,
    // with the input the server gives one when a run fails.
    const result = await c.terminate(workflowId, 'customer cancelled the order');
    expect(result.terminated).toBe(true);
    expect(await c.terminate(workflowId, 'again')).toEqual({ terminated: false });

    const terminated = await c.get(orderFulfillment, workflowId);
    expect(terminated.status).toBe('TERMINATED');
    const compensation = await c.wait(result.failureWorkflowId!, { waitSeconds: 120 });
    expect(compensation.name).toBe('order_fulfillment_compensation');
    expect(compensation.status).toBe('COMPLETED');
    expect(compensation.input).toMatchObject({ workflowId, failureStatus: 'TERMINATED', reason: 'customer cancelled the order' });
    expect(undone(compensation)).toEqual(allThreeUndone(input.orderId));
  });
});
