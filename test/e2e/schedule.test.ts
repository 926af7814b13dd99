// A schedule compiled from a workflow file, registered on the real server's scheduler, starts
// the workflow on its own. The shipped schedule runs every five minutes in market hours and is
// registered paused; this test registers the same compiled schedule under its own name, firing
// every two seconds, and waits for the scheduler to start a run.
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createClient } from '../../runtime/client.js';
import { compileWorkflows } from '../../runtime/compile-workflows.js';
import { Conductor } from '../../runtime/conductor.js';
import { createLogger } from '../../runtime/logger.js';
import { type WorkerPool, startWorkers } from '../../runtime/runner.js';
import stockMonitor from '../../workflows/stock-monitor.js';
import { sendAlertWorker } from '../../workers/notifications.js';
import { ROOT, runBaton } from './fixtures/baton-cli.js';
import { eventually } from './fixtures/eventually.js';
import { type World, serviceEnv, startWorld } from './fixtures/world.js';

const name = `e2e_stock_schedule_${Date.now().toString(36)}`;
let world: World;
let pool: WorkerPool;
let conductor: Conductor;

beforeAll(async () => {
  world = await startWorld();
  Object.assign(process.env, serviceEnv(world));
  conductor = new Conductor({ serverUrl: inject('conductorUrl') });
  const registered = await runBaton(['register', '--on-conflict', 'overwrite', '--no-typecheck'], { CONDUCTOR_SERVER_URL: inject('conductorUrl') });
  expect(registered.code, registered.stderr).toBe(0);
  pool = await startWorkers({ connection: { serverUrl: inject('conductorUrl') }, workers: [sendAlertWorker], logger: createLogger({ write: () => {} }) });
});

afterAll(async () => {
  await conductor?.delete(`/scheduler/schedules/${name}`).catch(() => undefined);
  await pool?.stop({ graceMs: 1000 });
  await world?.stop();
});

it('registers a compiled schedule and the scheduler starts the workflow', async () => {
  const { schedules } = await compileWorkflows([stockMonitor], { root: ROOT });
  const shipped = schedules.find((s) => s.name === 'acme_below_150_market_hours');
  expect(shipped).toMatchObject({ cronExpression: '0 */5 9-16 * * MON-FRI', zoneId: 'America/New_York', paused: true });
  // The shipped schedule is also on the server, registered paused by `baton register`.
  expect(await conductor.get(`/scheduler/schedules/acme_below_150_market_hours`)).toMatchObject({ name: 'acme_below_150_market_hours', paused: true });

  const request = shipped!.startWorkflowRequest as { name: string; version: number; input: Record<string, unknown> };
  const correlationId = `${name}-runs`;
  await conductor.post('/scheduler/schedules', {
    ...shipped,
    name,
    cronExpression: '*/2 * * * * *',
    zoneId: 'UTC',
    paused: false,
    startWorkflowRequest: { ...request, correlationId, input: { ...request.input, quoteBaseUrl: world.url } },
  });
  const stored = await conductor.get<{ name: string; paused: boolean; cronExpression: string }>(`/scheduler/schedules/${name}`);
  expect(stored).toMatchObject({ name, paused: false, cronExpression: '*/2 * * * * *' });

  const client = createClient(conductor);
  const started = await eventually('a run started by the scheduler', async () => {
    const runs = await conductor.get<{ workflowId: string }[]>(`/workflow/stock_price_monitor/correlated/${correlationId}`, { query: { includeClosed: true } });
    return runs[0];
  });
  // Stop it firing before looking at the run.
  await conductor.put(`/scheduler/schedules/${name}/pause`);
  const execution = await client.wait(stockMonitor, started.workflowId, { waitSeconds: 60 });
  expect(execution.input).toMatchObject({ _startedByScheduler: name, symbol: 'ACME', threshold: 150, direction: 'below' });
  expect(execution.status).toBe('COMPLETED');
  expect(execution.output).toMatchObject({ symbol: 'ACME', price: 142.17, alerted: true });
});
