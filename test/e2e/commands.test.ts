// `baton run` and `baton worker` as a user runs them: real processes, the real server, the
// fixture world. Exit codes and what is printed are part of the contract.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createClient } from '../../runtime/client.js';
import { createLogger } from '../../runtime/logger.js';
import { type WorkerPool, startWorkers } from '../../runtime/runner.js';
import * as inventoryWorkers from '../../workers/inventory.js';
import * as paymentWorkers from '../../workers/payments.js';
import * as riskWorkers from '../../workers/risk.js';
import stockMonitor from '../../workflows/stock-monitor.js';
import { ROOT, logLines, runBaton, spawnBaton } from './fixtures/baton-cli.js';
import { eventually } from './fixtures/eventually.js';
import { type World, serviceEnv, startWorld } from './fixtures/world.js';

const run = Date.now().toString(36);
let world: World;
let pool: WorkerPool;
const env = () => ({ CONDUCTOR_SERVER_URL: inject('conductorUrl') });
const client = () => createClient({ serverUrl: inject('conductorUrl') });
const weatherInput = () => JSON.stringify({ cities: ['Lisbon', 'Oslo'], weatherBaseUrl: world.url });
const orderInput = (suffix: string, customerId: string) =>
  JSON.stringify({
    orderId: `ord-${run}-${suffix}`,
    customerId,
    items: [{ sku: 'MUG-BLUE', quantity: 1 }],
    amountCents: 1299,
    shippingAddress: { name: 'Ana Silva', line1: 'Rua Augusta 100', city: 'Lisboa', postalCode: '1100-053', country: 'PT' },
    shippingBaseUrl: world.url,
  });

beforeAll(async () => {
  world = await startWorld();
  Object.assign(process.env, serviceEnv(world));
  const registered = await runBaton(['register', '--on-conflict', 'overwrite', '--no-typecheck'], env());
  expect(registered.code, registered.stderr).toBe(0);
  // Workers for the runs below; send_alert is left to the `baton worker` tests.
  pool = await startWorkers({
    connection: { serverUrl: inject('conductorUrl') },
    workers: [...Object.values(inventoryWorkers), ...Object.values(paymentWorkers), ...Object.values(riskWorkers)],
    logger: createLogger({ write: () => {} }),
  });
});

afterAll(async () => {
  await pool?.stop({ graceMs: 1000 });
  await world?.stop();
});

describe('baton itself', () => {
  it('prints its version, and its commands with --help', async () => {
    const { default: pkg } = await import('../../package.json', { with: { type: 'json' } });
    const version = await runBaton(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    const help = await runBaton(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['init', 'build', 'graph', 'dev-server', 'register', 'validate', 'mcp', 'worker', 'run', 'import']) expect(help.stdout).toContain(`baton ${command}`);
  });

  it('starts a project with init that builds, registers, runs its worker and completes its workflow', async () => {
    const project = mkdtempSync(join(tmpdir(), 'baton-init-'));
    const worker = { current: undefined as ReturnType<typeof spawnBaton> | undefined };
    try {
      mkdirSync(join(project, 'node_modules'));
      symlinkSync(ROOT, join(project, 'node_modules', 'baton'), 'dir');
      const init = await runBaton(['init', '--root', project]);
      expect(init.code).toBe(0);
      expect(init.stdout).toContain('wrote workflows/hello.ts');
      const root = ['--root', project];
      const built = await runBaton(['build', ...root]);
      expect(built.code, built.stderr).toBe(0);
      const registered = await runBaton(['register', ...root, '--on-conflict', 'overwrite'], env());
      expect(registered.code, registered.stderr).toBe(0);
      worker.current = spawnBaton(['worker', ...root], env());
      await worker.current.waitForLine(/workers started/);
      const ran = await runBaton(['run', 'hello', ...root, '--example', 'Ada', '--wait', '30', '--json'], env());
      expect(ran.code, ran.stderr).toBe(0);
      expect(JSON.parse(ran.stdout)).toMatchObject({ status: 'COMPLETED', output: { greeting: 'Hello, Ada!' } });
      // A second init keeps every file.
      expect((await runBaton(['init', '--root', project])).stdout).not.toContain('wrote');
    } finally {
      worker.current?.child.kill('SIGTERM');
      await worker.current?.exited;
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('builds a project that installed it, with no tsconfig of its own, type-checking only that project', async () => {
    // The layout of an install: the project's node_modules/baton is this package.
    const project = mkdtempSync(join(tmpdir(), 'baton-user-'));
    try {
      mkdirSync(join(project, 'node_modules'));
      symlinkSync(ROOT, join(project, 'node_modules', 'baton'), 'dir');
      mkdirSync(join(project, 'workflows'));
      const source = (text: string) =>
        [
          "import { task, workflow, z } from 'baton';",
          "const greet = task('user_greet', { input: z.object({ name: z.string() }), output: z.object({ text: z.string() }) });",
          "/** Says hello. */",
          "export default workflow('user_hello', { input: z.object({ name: z.string() }), output: z.object({ text: z.string() }) }, (wf) => {",
          `  const said = wf.run(greet, { name: ${text} });`,
          '  return { text: said.output.text };',
          '});',
          '',
        ].join('\n');
      writeFileSync(join(project, 'workflows', 'hello.ts'), source('wf.input.name'));
      const built = await runBaton(['build', '--root', project]);
      expect(built.stdout).toMatch(/^Built 1 workflow into generated\//);
      expect(built.code).toBe(0);
      expect(JSON.parse(readFileSync(join(project, 'generated', 'workflows', 'user_hello.v1.json'), 'utf8'))).toMatchObject({ name: 'user_hello', description: 'Says hello.' });

      // A type error is reported at the project's line, and nothing of baton's own code is.
      writeFileSync(join(project, 'workflows', 'hello.ts'), source('42'));
      const broken = await runBaton(['build', '--root', project]);
      expect(broken.code).toBe(1);
      const typeErrors = broken.stderr.split('\n').filter((l) => / TS\d+ /.test(l));
      expect(typeErrors).toEqual([expect.stringMatching(/^workflows\/hello\.ts:5:\d+ +TS2322 /)]);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});

describe('baton run', () => {
  it('starts, waits and prints a JSON summary with the output (exit 0)', async () => {
    const result = await runBaton(['run', 'weather_summary', '--input', weatherInput(), '--wait', '60', '--json'], env());
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({
      name: 'weather_summary',
      version: 1,
      status: 'COMPLETED',
      output: { warmest: { city: 'Lisbon' }, coldest: { city: 'Oslo' }, averageTemperatureC: 12.8 },
    });
    expect(summary.workflowId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reads the input from a file and prints the status line on stderr, the output on stdout', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'baton-run-')), 'input.json');
    writeFileSync(file, weatherInput());
    const result = await runBaton(['run', 'weather_summary@1', '--input', `@${file}`, '--wait', '60'], env());
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^weather_summary [0-9a-f-]{36} COMPLETED in \d+\.\d s\n$/);
    expect(JSON.parse(result.stdout)).toMatchObject({ readings: [{ city: 'Lisbon' }, { city: 'Oslo' }] });
  });

  it('without --wait prints the id of the started run (exit 0)', async () => {
    const result = await runBaton(['run', 'weather_summary', '--input', weatherInput()], env());
    expect(result.code, result.stderr).toBe(0);
    const id = result.stdout.trim();
    const execution = await client().wait(id, { waitSeconds: 60 });
    expect(execution.name).toBe('weather_summary');
    expect(execution.status).toBe('COMPLETED');
  });

  it('names the failed task and the reason, and the failure workflow (exit 1)', async () => {
    const result = await runBaton(['run', 'order_fulfillment', '--input', orderInput('declined', 'cus-declined'), '--wait', '60'], env());
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(
      /^order_fulfillment [0-9a-f-]{36} FAILED in \d+\.\d s at task 'charge_card' \(charge_card, attempt 1, FAILED_WITH_TERMINAL_ERROR\): payment service answered POST \/charges with 402: card declined: insufficient funds\n/,
    );
    expect(result.stderr).toMatch(/Failure workflow started: [0-9a-f-]{36}\n$/);
    expect(result.stdout).toBe('');
  });

  it('exits 3 when the run is still going when --wait runs out', async () => {
    const input = JSON.stringify({ applicationId: `app-${run}-cli`, applicantId: 'cus-review', amountCents: 900_000, creditBureauBaseUrl: world.url });
    const result = await runBaton(['run', 'loan_risk_assessment', '--input', input, '--wait', '2', '--json'], env());
    expect(result.code, result.stderr).toBe(3);
    const summary = JSON.parse(result.stdout) as { workflowId: string; status: string };
    expect(summary.status).toBe('RUNNING');
    await client().terminate(summary.workflowId, 'test cleanup');
  });

  it('rejects input that does not match the schema before starting anything (exit 2)', async () => {
    const result = await runBaton(['run', 'weather_summary', '--input', '{"cities": [], "weatherBaseUrl": "not a url"}'], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Input of 'weather_summary' does not match its schema:");
    expect(result.stderr).toMatch(/ {2}input\.cities: .+\n/);
    expect(result.stderr).toMatch(/ {2}input\.weatherBaseUrl: .+\n/);
    expect(result.stdout).toBe('');
  });

  it('explains unusable arguments (exit 2)', async () => {
    const badJson = await runBaton(['run', 'weather_summary', '--input', '{cities:'], env());
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toMatch(/^--input is not valid JSON: /);

    const unknown = await runBaton(['run', 'wether_summary'], env());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no workflow 'wether_summary' in workflows\/\*\*\/\*\.ts\. Known: .*weather_summary/);

    const example = await runBaton(['run', 'weather_summary', '--example', 'four capitals'], env());
    expect(example.code).toBe(2);
    expect(example.stderr).toContain("has no example 'four capitals'. Examples: 'three capitals', 'one city'");
  });
});

describe('baton worker', () => {
  it('finishes the task in hand on SIGTERM, reports it, stops polling and exits 0', async () => {
    const channel = `#shutdown-${run}`;
    // The alert provider is slow, so the task is in the worker's hands when SIGTERM arrives.
    world.inject({ method: 'POST', path: '/alerts', when: { channel }, delayMs: 4_000 });
    const worker = spawnBaton(['worker', '--only', 'send_alert', '--log-level', 'debug'], { ...env(), ...serviceEnv(world) });
    await worker.waitForLine(/"msg":"workers started"/);

    const c = client();
    const workflowId = await c.start(stockMonitor, { symbol: 'ACME', threshold: 150, direction: 'below', alertChannel: channel, quoteBaseUrl: world.url });
    const alertTask = await eventually('send_alert to be in progress', async () => {
      const task = (await c.get(workflowId)).task('send_alert');
      return task?.status === 'IN_PROGRESS' ? task : undefined;
    });
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);

    const lines = logLines(worker.stderr());
    const index = (predicate: (l: Record<string, unknown>) => boolean) => lines.findIndex(predicate);
    const stopping = index((l) => String(l.msg).startsWith('stopping'));
    const completed = index((l) => l.msg === 'task completed' && l.taskId === alertTask.taskId);
    const stopped = index((l) => String(l.msg).startsWith('stopped: every task in hand'));
    expect(lines[stopping]).toMatchObject({ level: 'info', inFlight: 1 });
    expect(stopping).toBeGreaterThan(-1);
    expect(completed).toBeGreaterThan(stopping);
    expect(stopped).toBeGreaterThan(completed);
    // The result reached the server: the run completed with the alert the slow provider sent.
    const done = await c.wait(stockMonitor, workflowId, { waitSeconds: 30 });
    expect(done.status).toBe('COMPLETED');
    expect(done.output?.alerted).toBe(true);
    expect(done.task('send_alert')?.attempt).toBe(1);

    // Nothing polls any more: a new alert waits in the queue untouched.
    const next = await c.start(stockMonitor, { symbol: 'ACME', threshold: 150, direction: 'below', alertChannel: `${channel}-after`, quoteBaseUrl: world.url });
    const waiting = await eventually('send_alert to be scheduled', async () => {
      const task = (await c.get(next)).task('send_alert');
      return task?.status === 'SCHEDULED' ? task : undefined;
    });
    expect(waiting.workerId).toBeUndefined();
    await c.terminate(next, 'test cleanup');
  });

  it('serves the SDK worker metrics and a health check with --metrics-port', async () => {
    const channel = `#metrics-${run}`;
    // The first alert fails (the provider is busy), the retry goes through.
    world.inject({ method: 'POST', path: '/alerts', when: { channel }, status: 503, body: { message: 'busy' } });
    const worker = spawnBaton(['worker', '--only', 'send_alert', '--metrics-port', '0', '--metrics-host', '127.0.0.1'], { ...env(), ...serviceEnv(world) });
    try {
      const { url } = JSON.parse(await worker.waitForLine(/"msg":"serving \/metrics and \/healthz"/)) as { url: string };
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'UP', tasks: ['send_alert'], inFlight: 0 });

      const done = await client().execute(stockMonitor, { symbol: 'ACME', threshold: 150, direction: 'below', alertChannel: channel, quoteBaseUrl: world.url }, { waitSeconds: 60 });
      expect(done.status).toBe('COMPLETED');
      expect(done.attempts('send_alert').map((a) => a.status)).toEqual(['FAILED', 'COMPLETED']);

      const scraped = await fetch(`${url}/metrics`);
      expect(scraped.headers.get('content-type')).toContain('text/plain');
      const text = await scraped.text();
      const value = (name: string, labels: Record<string, string>) => {
        const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
        return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
      };
      // The failed attempt counts as a failure (its error type as the exception), not as a success.
      expect(value('task_execute_time_seconds_count', { taskType: 'send_alert', status: 'SUCCESS' })).toBe(1);
      expect(value('task_execute_time_seconds_count', { taskType: 'send_alert', status: 'FAILURE' })).toBe(1);
      expect(value('task_execute_error_total', { taskType: 'send_alert', exception: 'ServiceError' })).toBe(1);
      expect(value('task_poll_total', { taskType: 'send_alert' })).toBeGreaterThan(0);
    } finally {
      worker.child.kill('SIGTERM');
    }
    expect(await worker.exited).toBe(0);
  });

  it('refuses --only with a task that has no worker (exit 2)', async () => {
    const result = await runBaton(['worker', '--only', 'send_alert,sned_alert'], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^--only names tasks without a worker: sned_alert\nWorkers: .*send_alert/);
  });

  it('warns about declared tasks without a worker, and runs the rest', async () => {
    const root = join(ROOT, 'test/e2e/fixtures/projects/greeter');
    const worker = spawnBaton(['worker', '--root', root], env());
    await worker.waitForLine(/"msg":"workers started"/);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    const lines = logLines(worker.stderr());
    expect(lines.find((l) => l.level === 'warn')).toMatchObject({ msg: 'no worker implements this task; its runs will wait until one polls', task: 'e2e_farewell' });
    expect(lines.find((l) => l.msg === 'workers started')).toMatchObject({ tasks: ['e2e_greet'] });
  });

  it('refuses to start with a worker for a task no workflow declares (exit 1)', async () => {
    const root = join(ROOT, 'test/e2e/fixtures/projects/stray');
    const result = await runBaton(['worker', '--root', root], env());
    expect(result.code).toBe(1);
    const error = logLines(result.stderr).find((l) => l.level === 'error');
    expect(error).toMatchObject({ task: 'e2e_stray', file: 'workers/stray.ts', declared: ['e2e_greet'] });
    expect(result.stderr).not.toContain('workers started');
  });
});
