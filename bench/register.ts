/**
 * `npm run bench:register`: how long `baton register` takes for 200 workflows, cold and as a
 * no-op re-run, against the floor of posting the same JSON with plain bulk requests.
 *
 * The corpus is real compiler output: 200 workflows built with the DSL in this process (worker
 * tasks with compensations, HTTP, switch, parallel, for-each, loop, and sub-workflow calls to 10
 * shared child workflows, so there are two dependency layers), compiled by compiler/compile.ts
 * and written as a generated/ folder with its manifest, plus their task definitions and the
 * generated compensation workflows. Every round uses fresh names, so each register is cold.
 *
 * Each round, on the same server (started fresh unless CONDUCTOR_SERVER_URL names one):
 *   raw:   read the JSON files, POST /metadata/taskdefs [all], PUT /metadata/workflow [all];
 *   baton: registerDefinitions() from the generated folder (reads the server, plans, applies:
 *          one POST of task definitions, one bulk PUT per dependency layer);
 *   no-op: registerDefinitions() again, asserting zero write requests;
 * then everything the round created is deleted, so every round starts from the same server
 * state. A warm-up round (not measured) runs first: the JVM's first requests are several times
 * slower than later ones and would otherwise count against whichever side goes first. Raw and
 * baton take turns going first, with a pause before each measurement, because a request that
 * follows a large write is slower whichever side sends it.
 * Finally the no-op re-run is timed once more as CI runs it: `baton register --from-generated`
 * in a new Node process.
 *
 * Last line: `register_200_s=<median baton> noop_rerun_s=<CLI no-op> ratio_to_raw=<baton/raw>`.
 *
 *   npm run bench:register -- [--workflows 200] [--rounds 4]
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { compile } from '../compiler/compile.js';
import { resolveConfig } from '../compiler/config.js';
import { type RunningConductor, connectOrStartConductor } from '../devserver/server.js';
import { type AnyWorkflow, str, task, when, workflow, z } from '../dsl/index.js';
import { type Reporter, definitionsFromGenerated, registerDefinitions } from '../register/index.js';
import { mapLimit } from '../register/pool.js';
import { Conductor } from '../runtime/conductor.js';

// npm runs scripts from the package root (this file itself runs from a bundle in .baton/cache).
const repo = process.cwd();
const CHILDREN = 10;
/** Idle time before each measurement. */
const SETTLE_MS = 1500;

const flowInput = z.object({ id: z.string(), amount: z.number(), items: z.array(z.object({ sku: z.string(), qty: z.number() })), baseUrl: z.string() });
const flowOutput = z.object({ key: z.string(), total: z.number() });
const stepInput = z.object({ id: z.string(), n: z.number() });
const stepOutput = z.object({ key: z.string(), count: z.number() });

/** The project: `count` workflows named `<prefix>_w<i>`, each with its own task declarations. */
function corpus(prefix: string, count: number): AnyWorkflow[] {
  const children: AnyWorkflow[] = [];
  const out: AnyWorkflow[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${prefix}_w${String(i).padStart(3, '0')}`;
    const fetch = task(`${name}_fetch`, { input: stepInput, output: stepOutput, profile: 'external' });
    const store = task(`${name}_store`, { input: stepInput, output: stepOutput, profile: 'database' });
    const undo = task(`${name}_undo`, { input: z.object({ key: z.string() }), output: z.object({ undone: z.boolean() }) });
    const child = i >= CHILDREN ? children[i % CHILDREN] : undefined;
    const wf = workflow(name, { version: 1, description: `Bench workflow ${i}.`, input: flowInput, output: flowOutput }, (wf) => {
      const first = wf.run(fetch, { id: wf.input.id, n: wf.input.amount });
      const fetched = i % 3 === 0 ? first.compensate(undo, (done) => ({ key: done.output.key })) : first;
      const looked = wf.http('look_up', { uri: str`${wf.input.baseUrl}/things/${fetched.output.key}`, method: 'GET', output: stepOutput });
      const routed = wf.switch('route', when({ v: looked.output.body.count }, ($) => ($.v > 100 ? 'high' : 'low')), {
        high: (b) => ({ key: b.run(store, { id: fetched.output.key, n: 1 }).output.key }),
        low: (b) => ({ key: b.inline('label', { k: fetched.output.key }, ($) => `low-${$.k}`).output.result }),
      });
      wf.parallel('fan_out', {
        left: (b) => b.run(store, { id: routed.output.key, n: 2 }),
        right: (b) => b.http('notify', { uri: str`${wf.input.baseUrl}/notify`, method: 'POST', body: { key: routed.output.key } }),
      });
      const each = wf.forEach('per_item', wf.input.items, (item, b) => b.run(fetch, { id: item.sku, n: item.qty }).output.count);
      const total = wf.inline('total', { xs: each.output }, ($) => $.xs.reduce((a, x) => a + x, 0));
      wf.loop('settle', (b) => b.run(store, { id: routed.output.key, n: 3 }).output, { maxIterations: 2 });
      if (child) wf.subWorkflow(child, { id: routed.output.key, amount: total.output.result, items: wf.input.items, baseUrl: wf.input.baseUrl });
      return { key: routed.output.key, total: total.output.result };
    });
    if (i < CHILDREN) children.push(wf);
    out.push(wf);
  }
  return out;
}

/** Compiles the corpus and writes it as `<dir>/generated/`, manifest included. */
function writeGenerated(dir: string, prefix: string, count: number): { workflows: number; taskDefs: number } {
  rmSync(dir, { recursive: true, force: true });
  const config = resolveConfig(dir, { ownerEmail: 'bench@example.com' });
  const result = compile({ config, workflows: corpus(prefix, count).map((workflow) => ({ workflow, file: join(dir, 'workflows', `${workflow.name}.ts`) })) });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`the bench corpus does not compile: ${errors[0]!.code} ${errors[0]!.message}`);
  for (const [file, content] of result.files) {
    const path = join(config.outDir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  const manifest = JSON.parse(result.files.get('manifest.json')!) as { workflows: unknown[]; taskDefs: unknown[] };
  return { workflows: manifest.workflows.length, taskDefs: manifest.taskDefs.length };
}

/** What the raw baseline sends: the same files, read the plain way. */
function readRaw(dir: string): { taskDefs: unknown[]; workflows: unknown[] } {
  const manifest = JSON.parse(readFileSync(join(dir, 'generated', 'manifest.json'), 'utf8')) as { workflows: { file: string }[]; taskDefs: { file: string }[] };
  const read = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown;
  return { taskDefs: manifest.taskDefs.map((t) => read(t.file)), workflows: manifest.workflows.map((w) => read(w.file)) };
}

async function send(server: RunningConductor, method: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${server.apiUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  await response.arrayBuffer();
}

interface Timed {
  readonly seconds: number;
  /** Seconds per part: requests for raw, phases for baton. */
  readonly parts: Readonly<Record<string, number>>;
  readonly writes: number;
}

async function rawRegister(server: RunningConductor, dir: string): Promise<Timed> {
  const started = performance.now();
  const { taskDefs, workflows } = readRaw(dir);
  const t1 = performance.now();
  await send(server, 'POST', '/metadata/taskdefs', taskDefs);
  const t2 = performance.now();
  await send(server, 'PUT', '/metadata/workflow', workflows);
  const t3 = performance.now();
  return { seconds: (t3 - started) / 1000, parts: { files: (t1 - started) / 1000, 'task definitions': (t2 - t1) / 1000, workflows: (t3 - t2) / 1000 }, writes: 2 };
}

/** A progress reporter that notes how long each phase took. */
function phaseClock(into: Record<string, number>): Reporter {
  let label = '';
  let started = 0;
  const close = () => {
    if (label) into[label] = (performance.now() - started) / 1000;
    label = '';
  };
  return {
    step: close,
    phase: (text) => {
      close();
      label = text;
      started = performance.now();
    },
    advance: () => {},
    finish: close,
  };
}

async function batonRegister(server: RunningConductor, dir: string): Promise<Timed> {
  const started = performance.now();
  const conductor = new Conductor({ serverUrl: server.apiUrl });
  const phases: Record<string, number> = {};
  const outcome = await registerDefinitions({ conductor, definitions: definitionsFromGenerated(dir, 'generated'), reporter: phaseClock(phases) });
  const seconds = (performance.now() - started) / 1000;
  if (outcome.exitCode !== 0) throw new Error(`baton register failed: ${JSON.stringify(outcome.result?.failures ?? outcome.plan.workflows.filter((w) => w.conflict))}`);
  const parts = { read: (outcome.timingsMs.read ?? 0) / 1000, plan: (outcome.timingsMs.plan ?? 0) / 1000, ...phases };
  return { seconds, parts, writes: conductor.writes };
}

/** Removes what a round registered, so the next round meets the same server. */
async function cleanUp(server: RunningConductor, dir: string): Promise<void> {
  const manifest = JSON.parse(readFileSync(join(dir, 'generated', 'manifest.json'), 'utf8')) as { workflows: { name: string; version: number }[]; taskDefs: { name: string }[] };
  const remove = async (path: string) => {
    const response = await fetch(`${server.apiUrl}${path}`, { method: 'DELETE' });
    await response.arrayBuffer();
  };
  await mapLimit(manifest.workflows, 4, (w) => remove(`/metadata/workflow/${w.name}/${w.version}`));
  await mapLimit(manifest.taskDefs, 4, (t) => remove(`/metadata/taskdefs/${t.name}`));
}

async function cliNoop(server: RunningConductor, dir: string): Promise<{ seconds: number; writes: number; timingsMs: Record<string, number> }> {
  const started = performance.now();
  const { stdout } = await promisify(execFile)(process.execPath, [join(repo, 'bin/baton.js'), 'register', '--from-generated', '--json', '--root', dir], {
    env: { ...process.env, CONDUCTOR_SERVER_URL: server.apiUrl },
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  const summary = JSON.parse(stdout) as { writes: number; exitCode: number; timingsMs: Record<string, number> };
  if (summary.exitCode !== 0) throw new Error(`the CLI no-op run exited ${summary.exitCode}`);
  return { seconds, writes: summary.writes, timingsMs: summary.timingsMs };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function option(args: readonly string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} needs a whole number ≥ 1, got ${args[at + 1]}`);
  return value;
}

const fmt = (seconds: number) => seconds.toFixed(3);

async function main(args: readonly string[]): Promise<void> {
  const count = option(args, '--workflows', 200);
  const rounds = option(args, '--rounds', 4);
  const base = join(repo, '.baton', 'bench', 'register');
  const run = Date.now().toString(36);
  const server = await connectOrStartConductor({ log: (line) => console.log(line) });
  try {
    const warm = join(base, 'warm');
    const size = writeGenerated(warm, `bw${run}`, count);
    console.log(`corpus: ${count} workflows (+${size.workflows - count} compensation workflows), ${size.taskDefs} task definitions per round`);
    await rawRegister(server, warm);
    await batonRegister(server, warm);
    await cleanUp(server, warm);

    const raw: number[] = [];
    const cold: number[] = [];
    const noop: number[] = [];
    const parts = (t: Timed) => Object.entries(t.parts).map(([k, v]) => `${k} ${fmt(v)}`).join(', ');
    let last = warm;
    for (let round = 1; round <= rounds; round++) {
      const rawDir = join(base, `raw-${round}`);
      const batonDir = join(base, `baton-${round}`);
      writeGenerated(rawDir, `br${run}r${round}`, count);
      writeGenerated(batonDir, `bb${run}r${round}`, count);
      // Alternate who goes first, and let the server settle (GC, SQLite checkpoints) before each
      // measurement: whichever side follows a large write otherwise pays for it.
      const order = round % 2 === 1 ? (['raw', 'baton'] as const) : (['baton', 'raw'] as const);
      const timed: Partial<Record<'raw' | 'baton', Timed>> = {};
      for (const side of order) {
        await sleep(SETTLE_MS);
        timed[side] = side === 'raw' ? await rawRegister(server, rawDir) : await batonRegister(server, batonDir);
      }
      await sleep(SETTLE_MS);
      const again = await batonRegister(server, batonDir);
      if (again.writes !== 0) throw new Error(`the no-op re-run made ${again.writes} write requests`);
      raw.push(timed.raw!.seconds);
      cold.push(timed.baton!.seconds);
      noop.push(again.seconds);
      console.log(`round ${round} (${order.join(' first, then ')}):`);
      console.log(`  raw        ${fmt(timed.raw!.seconds)} s (${parts(timed.raw!)}; 2 writes)`);
      console.log(`  baton cold ${fmt(timed.baton!.seconds)} s (${parts(timed.baton!)}; ${timed.baton!.writes} writes)`);
      console.log(`  baton no-op ${fmt(again.seconds)} s (read ${fmt(again.parts.read!)}, plan ${fmt(again.parts.plan!)}; 0 writes)`);
      if (round < rounds) {
        await cleanUp(server, rawDir);
        await cleanUp(server, batonDir);
      }
      last = batonDir;
    }
    // The no-op as CI sees it: a new process that reads generated/ and asks the server.
    const cli = await cliNoop(server, last);
    if (cli.writes !== 0) throw new Error(`the CLI no-op run made ${cli.writes} write requests`);
    const rawMedian = median(raw);
    const coldMedian = median(cold);
    console.log(`medians over ${rounds} rounds: raw ${fmt(rawMedian)} s, baton cold ${fmt(coldMedian)} s, baton no-op in process ${fmt(median(noop))} s`);
    const t = cli.timingsMs;
    const inside = ((t.load ?? 0) + (t.read ?? 0) + (t.plan ?? 0)) / 1000;
    console.log(
      `no-op re-run through the CLI (new process, reads generated/, 0 writes): ${fmt(cli.seconds)} s = ` +
        `Node start and module imports ${fmt(cli.seconds - inside)} + config and files ${fmt((t.load ?? 0) / 1000)} + ` +
        `server reads ${fmt((t.read ?? 0) / 1000)} + plan ${fmt((t.plan ?? 0) / 1000)}`,
    );
    console.log(`register_${count}_s=${fmt(coldMedian)} noop_rerun_s=${fmt(cli.seconds)} ratio_to_raw=${(coldMedian / rawMedian).toFixed(2)}`);
  } finally {
    await server.stop();
    rmSync(base, { recursive: true, force: true });
  }
}

await main(process.argv.slice(2));
