// `baton register` and `baton validate --server` against a real Conductor server (devserver/,
// or the one CONDUCTOR_SERVER_URL names). A throw-away project in a temp folder holds the
// workflow files; every name carries a per-run prefix, so a reused server never sees a clash.
// The CLI runs as a child process (`node bin/baton.js`, built by `npm run test:e2e`), exactly
// as CI would run it; request counts come from the Conductor client's own counters.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningConductor, connectOrStartConductor } from '../../devserver/server.js';
import { definitionsFromGenerated, registerDefinitions } from '../../register/index.js';
import { Conductor } from '../../runtime/conductor.js';

const BOOT_TIMEOUT_MS = 240_000;
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const p = `reg${Date.now().toString(36)}${process.pid.toString(36)}`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Summary = any;

let server: RunningConductor;
let project: string;

function baton(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(repo, 'bin/baton.js'), ...args, '--root', project],
      { env: { ...process.env, CONDUCTOR_SERVER_URL: server.apiUrl, CI: '1', ...env }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        // A process killed by a signal has no exit code; -1 makes that visible in assertions.
        const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : -1) : 0;
        done({ code, stdout, stderr: error?.signal ? `${stderr}\n(killed by ${error.signal})` : stderr });
      },
    );
  });
}

async function registerJson(...args: string[]): Promise<{ run: Run; summary: Summary }> {
  const run = await baton(['register', '--no-typecheck', '--json', ...args]);
  let summary: Summary;
  try {
    summary = JSON.parse(run.stdout);
  } catch {
    throw new Error(`register --json printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  return { run, summary };
}

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: Summary }> {
  const response = await fetch(`${server.apiUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

function write(file: string, text: string): void {
  const path = join(project, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

// ---- the project ---------------------------------------------------------------------------

const shop = (options: { notifyTimeout: number; extraStep: boolean }) => `
import { task, workflow, z } from 'baton';

export const reserve = task('${p}_reserve', {
  input: z.object({ orderId: z.string() }),
  output: z.object({ reservationId: z.string() }),
  profile: 'database',
});
export const release = task('${p}_release', { input: z.object({ reservationId: z.string() }), output: z.object({}) });
export const notify = task('${p}_notify', {
  input: z.object({ text: z.string() }),
  output: z.object({ sent: z.boolean() }),
  timeoutSeconds: ${options.notifyTimeout},
});
export const audit = task('${p}_audit', { input: z.object({ what: z.string() }), output: z.object({}) });

/** Sends one notification. */
export const notifier = workflow('${p}_notifier', {
  version: 1,
  input: z.object({ text: z.string() }),
  output: z.object({ sent: z.boolean() }),
}, (wf) => {
  const sent = wf.run(notify, { text: wf.input.text });${options.extraStep ? `
  wf.run(audit, { what: wf.input.text });` : ''}
  return { sent: sent.output.sent };
});

/** Reserves stock (released again if a later step fails), then notifies through a sub-workflow. */
export const order = workflow('${p}_order', {
  version: 1,
  input: z.object({ orderId: z.string(), items: z.array(z.string()), express: z.boolean() }),
  output: z.object({ reservationId: z.string(), sent: z.boolean() }),
}, (wf) => {
  const reserved = wf
    .run(reserve, { orderId: wf.input.orderId })
    .compensate(release, (r) => ({ reservationId: r.output.reservationId }));
  wf.if('express_only', wf.input.express, (b) => {
    b.run(audit, { what: 'express' });
  });
  wf.parallel('fan_out', {
    left: (b) => b.run(audit, { what: 'left' }),
    right: (b) => b.wait('pause', { seconds: 1 }),
  });
  wf.forEach('per_item', wf.input.items, (item, b) => b.run(audit, { what: item }).output);
  wf.loop('twice', (b) => b.run(audit, { what: 'again' }).output, { maxIterations: 2 });
  const told = wf.subWorkflow(notifier, { text: reserved.output.reservationId });
  return { reservationId: reserved.output.reservationId, sent: told.output.sent };
});
`;

const ticker = `
import { workflow, z } from 'baton';

/** Doubles a number; started by the scheduler every two seconds. */
export default workflow('${p}_ticker', {
  version: 1,
  input: z.object({ n: z.number() }),
  output: z.object({ doubled: z.number() }),
  schedules: [{ name: '${p}_every_2s', cron: '*/2 * * * * *', input: { n: 21 } }],
}, (wf) => {
  const doubled = wf.inline('double', { n: wf.input.n }, ($) => $.n * 2);
  return { doubled: doubled.output.result };
});
`;

// The escape hatch lets through an HTTP task without a request, which only the server refuses;
// the second workflow calls the first, so it comes in a later layer and must not be attempted.
const broken = `
import { workflow, z } from 'baton';

export const broken = workflow('${p}_broken', {
  version: 1,
  input: z.object({}),
  output: z.object({}),
}, (wf) => {
  wf.task('${p}_raw_http', { type: 'HTTP', input: { note: 'no request here' } });
  return {};
});

export const caller = workflow('${p}_calls_broken', { version: 1, input: z.object({}), output: z.object({}) }, (wf) => {
  wf.subWorkflow(broken, {});
  return {};
});
`;

beforeAll(async () => {
  server = await connectOrStartConductor({ startupTimeoutMs: BOOT_TIMEOUT_MS - 10_000 });
  project = mkdtempSync(join(tmpdir(), 'baton-register-e2e-'));
  // The workflow files import 'baton'; point it at this checkout.
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(repo, join(project, 'node_modules', 'baton'), 'dir');
  write('baton.config.ts', `import { defineConfig } from 'baton';\nexport default defineConfig({ workflows: ['workflows/**/*.ts'], outDir: 'generated', ownerEmail: 'e2e@example.com' });\n`);
  write('workflows/shop.ts', shop({ notifyTimeout: 30, extraStep: false }));
  write('workflows/ticker.ts', ticker);
}, BOOT_TIMEOUT_MS);

afterAll(async () => {
  // A schedule left behind would keep starting workflows on a reused server.
  if (server) await api('DELETE', `/scheduler/schedules/${p}_every_2s`).catch(() => undefined);
  if (project) rmSync(project, { recursive: true, force: true });
  await server?.stop();
}, 60_000);

describe('baton register against a real Conductor', () => {
  it('first run: creates task definitions, workflows in dependency order and the schedule, with bulk requests', async () => {
    const { run, summary } = await registerJson();
    expect(run.code, run.stderr).toBe(0);
    expect(summary.ok).toBe(true);
    expect(summary.failures).toEqual([]);
    const workflows = summary.plan.filter((i: Summary) => i.kind === 'workflow');
    expect(workflows.map((w: Summary) => [w.name, w.action]).sort()).toEqual(
      [`${p}_notifier`, `${p}_order`, `${p}_order_compensation`, `${p}_ticker`].map((n) => [n, 'create']).sort(),
    );
    // The sub-workflow and the compensation workflow go in an earlier layer than the caller.
    const layer = (name: string) => workflows.find((w: Summary) => w.name === name).layer;
    expect(layer(`${p}_notifier`)).toBeLessThan(layer(`${p}_order`));
    expect(layer(`${p}_order_compensation`)).toBeLessThan(layer(`${p}_order`));
    // One bulk POST for the task definitions, one bulk PUT per layer, one POST for the schedule.
    expect(summary.requests.POST).toBe(2);
    expect(summary.requests.PUT).toBe(2);
    expect(summary.counts.create).toBe(summary.plan.length);

    const stored = await api('GET', `/metadata/workflow/${p}_order?version=1`);
    expect(stored.status).toBe(200);
    expect(stored.json.tasks.map((t: Summary) => t.taskReferenceName)).toContain('per_item');
    expect(stored.json.failureWorkflow).toBe(`${p}_order_compensation`);
    expect(stored.json.createTime).toBeGreaterThan(0);
    const taskDef = await api('GET', `/metadata/taskdefs/${p}_notify`);
    expect(taskDef.json.timeoutSeconds).toBe(30);
    const schedule = await api('GET', `/scheduler/schedules/${p}_every_2s`);
    expect(schedule.json.startWorkflowRequest).toMatchObject({ name: `${p}_ticker`, version: 1 });
  });

  it('second run: everything unchanged and zero write requests (counted by the Conductor client)', async () => {
    // In process, to read the client's counters directly.
    const build = await baton(['build', '--no-typecheck']);
    expect(build.code, build.stderr).toBe(0);
    const conductor = new Conductor({ serverUrl: server.apiUrl });
    const outcome = await registerDefinitions({ conductor, definitions: definitionsFromGenerated(project, 'generated') });
    expect(outcome.exitCode).toBe(0);
    expect(outcome.plan.workflows.every((w) => w.action === 'unchanged')).toBe(true);
    expect(outcome.plan.taskDefs.every((t) => t.action === 'unchanged')).toBe(true);
    expect(outcome.plan.schedules.every((s) => s.action === 'unchanged')).toBe(true);
    expect(conductor.writes).toBe(0);
    expect(conductor.requests.GET).toBe(3);

    // And through the CLI, compiling afresh.
    const { run, summary } = await registerJson();
    expect(run.code).toBe(0);
    expect(summary.counts).toMatchObject({ create: 0, update: 0, blocked: 0 });
    expect(summary.writes).toBe(0);
    const dry = await baton(['register', '--no-typecheck', '--dry-run']);
    expect(dry.code, `${dry.stdout}\n${dry.stderr}`).toBe(0);
    expect(dry.stdout).toContain('Plan: nothing to change');
  });

  it('accepts the server URL with and without /api', async () => {
    for (const url of [server.url, `${server.url}/`, server.apiUrl, `${server.apiUrl}/`]) {
      const conductor = new Conductor({ serverUrl: url });
      const outcome = await registerDefinitions({ conductor, definitions: definitionsFromGenerated(project, 'generated'), dryRun: true });
      expect(outcome.exitCode, url).toBe(0);
      expect(conductor.writes).toBe(0);
    }
    // Through the CLI: the --server-url option and the environment variable.
    const viaOption = await baton(['register', '--no-typecheck', '--dry-run', '--server-url', server.url]);
    expect(viaOption.code, viaOption.stderr).toBe(0);
    const viaEnv = await baton(['register', '--no-typecheck', '--dry-run'], { CONDUCTOR_SERVER_URL: `${server.apiUrl}/` });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);
  });

  it('a changed workflow: the plan shows exactly that one, with a diff by task reference name', async () => {
    write('workflows/shop.ts', shop({ notifyTimeout: 45, extraStep: true }));
    const { run, summary } = await registerJson('--dry-run', '--on-conflict=overwrite');
    expect(run.code).toBe(2);
    const changed = summary.plan.filter((i: Summary) => i.action !== 'unchanged');
    expect(changed.map((i: Summary) => `${i.kind}:${i.name}`).sort()).toEqual([`taskDef:${p}_notify`, `workflow:${p}_notifier`]);
    const workflow = changed.find((i: Summary) => i.kind === 'workflow');
    expect(workflow).toMatchObject({ action: 'update', conflict: 'overwrite', version: 1 });
    expect(workflow.taskChanges).toEqual([{ kind: 'added', ref: `${p}_audit`, type: 'SIMPLE', where: 'tasks' }]);
    // The task's timeout is part of the inline settings of the step too.
    const taskDef = changed.find((i: Summary) => i.kind === 'taskDef');
    expect(taskDef.changes).toEqual(expect.arrayContaining([{ path: 'timeoutSeconds', before: 30, after: 45 }]));

    const text = await baton(['register', '--no-typecheck', '--dry-run', '--on-conflict=overwrite']);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain(`~ ${p}_notifier v1`);
    expect(text.stdout).toContain(`+ task ${p}_audit (SIMPLE)`);
    expect(text.stdout).toContain('timeoutSeconds: 30 → 45');
    expect(text.stdout).toMatch(/Plan: 0 to create, 2 to update, \d+ unchanged\./);
  });

  it('--on-conflict=fail (the default) refuses and writes nothing; the dry run says so with exit 1', async () => {
    const before = await api('GET', `/metadata/workflow/${p}_notifier?version=1`);
    const dry = await baton(['register', '--no-typecheck', '--dry-run']);
    expect(dry.code).toBe(1);
    expect(dry.stdout).toContain(`! ${p}_notifier v1`);
    expect(dry.stdout).toContain('workflows/shop.ts:');
    const { run, summary } = await registerJson();
    expect(run.code).toBe(1);
    expect(summary.counts.blocked).toBe(1);
    expect(summary.writes).toBe(0);
    const after = await api('GET', `/metadata/workflow/${p}_notifier?version=1`);
    expect(after.json).toEqual(before.json);
  });

  it('--on-conflict=overwrite replaces the version in place and keeps its createTime', async () => {
    const before = await api('GET', `/metadata/workflow/${p}_notifier?version=1`);
    const { run, summary } = await registerJson('--on-conflict=overwrite');
    expect(run.code, run.stderr).toBe(0);
    expect(summary.applied).toEqual(
      expect.arrayContaining([
        { kind: 'workflow', name: `${p}_notifier`, version: 1, action: 'update' },
        { kind: 'taskDef', name: `${p}_notify`, action: 'update' },
      ]),
    );
    const after = await api('GET', `/metadata/workflow/${p}_notifier?version=1`);
    expect(after.json.tasks.map((t: Summary) => t.taskReferenceName)).toEqual([`${p}_notify`, `${p}_audit`]);
    expect(after.json.createTime).toBe(before.json.createTime);
    expect((await registerJson()).summary.writes).toBe(0);
  });

  it('--on-conflict=bump registers the next version and points callers at it; re-running changes nothing', async () => {
    write('workflows/shop.ts', shop({ notifyTimeout: 45, extraStep: false }));
    const { run, summary } = await registerJson('--on-conflict=bump');
    expect(run.code, run.stderr).toBe(0);
    const byName = (name: string) => summary.plan.find((i: Summary) => i.kind === 'workflow' && i.name === name);
    expect(byName(`${p}_notifier`)).toMatchObject({ action: 'create', conflict: 'bump', version: 1, targetVersion: 2 });
    // The order workflow calls notifier v1 by version, so it moves to v2 of itself as well.
    expect(byName(`${p}_order`)).toMatchObject({ action: 'create', conflict: 'bump', version: 1, targetVersion: 2 });

    const v1 = await api('GET', `/metadata/workflow/${p}_notifier?version=1`);
    const v2 = await api('GET', `/metadata/workflow/${p}_notifier?version=2`);
    expect(v1.json.tasks).toHaveLength(2);
    expect(v2.json.tasks).toHaveLength(1);
    const order2 = await api('GET', `/metadata/workflow/${p}_order?version=2`);
    const call = order2.json.tasks.find((t: Summary) => t.type === 'SUB_WORKFLOW');
    expect(call.subWorkflowParam).toMatchObject({ name: `${p}_notifier`, version: 2 });

    const again = await registerJson('--on-conflict=bump');
    expect(again.run.code).toBe(0);
    expect(again.summary.writes).toBe(0);
    expect(again.summary.counts).toMatchObject({ create: 0, update: 0 });
  });

  it('a schedule registered by baton starts its workflow', async () => {
    // The scheduler polls continuously; a seconds-based cron fires within a few seconds.
    let hits = 0;
    for (let i = 0; i < 120 && hits === 0; i++) {
      const found = await api('GET', `/workflow/search?query=${encodeURIComponent(`workflowType IN (${p}_ticker)`)}&size=1`);
      hits = found.json?.totalHits ?? 0;
      if (hits === 0) await new Promise((r) => setTimeout(r, 500));
    }
    expect(hits).toBeGreaterThan(0);
    const paused = await api('PUT', `/scheduler/schedules/${p}_every_2s/pause`);
    expect(paused.status).toBe(200);
  });

  it('a definition the server refuses is reported against its source line, and nothing after it is applied', async () => {
    write('workflows/broken.ts', broken);
    const run = await baton(['register', '--no-typecheck', '--on-conflict=bump']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`workflows/broken\\.ts:9:\\d+  ${p}_broken v1 \\(task '${p}_raw_http'\\): .*http_request`));
    expect(run.stderr).toContain('[HTTP 400]');
    expect(run.stderr).toContain(`Not applied because of that: ${p}_calls_broken v1`);
    expect((await api('GET', `/metadata/workflow/${p}_broken?version=1`)).status).toBe(404);
    expect((await api('GET', `/metadata/workflow/${p}_calls_broken?version=1`)).status).toBe(404);

    const { summary } = await registerJson('--on-conflict=bump');
    expect(summary.failures).toEqual([
      expect.objectContaining({ kind: 'workflow', name: `${p}_broken`, version: 1, status: 400, ref: `${p}_raw_http`, file: 'workflows/broken.ts', line: 9 }),
    ]);
    expect(summary.skipped).toContainEqual({ kind: 'workflow', name: `${p}_calls_broken`, version: 1, action: 'create' });
    // The schedule was paused on the server by the test before: the plan shows that drift, and
    // saving it again (which would resume it) was not attempted either.
    const schedule = summary.plan.find((i: Summary) => i.kind === 'schedule');
    expect(schedule).toMatchObject({ action: 'update', changes: [{ path: 'paused', before: true, after: false }] });
    expect(summary.skipped).toContainEqual({ kind: 'schedule', name: `${p}_every_2s`, action: 'update' });
  });

  it('validate --server asks the server about every definition and stores nothing', async () => {
    const bad = await baton(['validate', '--server', '--no-typecheck']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(new RegExp(`workflows/broken\\.ts:9:\\d+  ${p}_broken v1 \\(task '${p}_raw_http'\\)`));

    rmSync(join(project, 'workflows/broken.ts'));
    // A call to a workflow that exists nowhere: the server's validation lets it through.
    write('workflows/extra.ts', `
import { externalWorkflow, workflow, z } from 'baton';
export const elsewhere = externalWorkflow('${p}_nowhere', { version: 3, input: z.object({}), output: z.object({}) });
export default workflow('${p}_extra', { version: 1, input: z.object({}), output: z.object({}) }, (wf) => {
  wf.subWorkflow(elsewhere, {});
  return {};
});
`);
    const missing = await baton(['validate', '--server', '--no-typecheck']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(new RegExp(`workflows/extra\\.ts:5:\\d+  ${p}_extra v1 \\(task '${p}_nowhere'\\): calls workflow '${p}_nowhere' v3, which is neither in the project nor on the server`));

    write('workflows/extra.ts', `
import { workflow, z } from 'baton';
export default workflow('${p}_extra', { version: 1, input: z.object({}), output: z.object({}) }, (wf) => {
  wf.wait('nap', { seconds: 5 });
  return {};
});
`);
    const good = await baton(['validate', '--server', '--no-typecheck', '--json']);
    expect(good.code, good.stderr).toBe(0);
    const report = JSON.parse(good.stdout);
    expect(report.ok).toBe(true);
    expect(report.checked.schedules).toBe(1);
    expect(report.requests.PUT).toBe(0);
    expect((await api('GET', `/metadata/workflow/${p}_extra?version=1`)).status).toBe(404);
  });
});
