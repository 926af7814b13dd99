/**
 * Import from a live Conductor: the corpus (under names of its own) is registered through
 * runtime/conductor.ts, `baton import --from-server` reads it back with the task definitions,
 * and what the generated modules build is compared with what the server returns. The built
 * definitions are then registered again, and the server must hand back the same thing.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { resolveConfig } from '../../compiler/config.js';
import { type RunningConductor, connectOrStartConductor } from '../../devserver/index.js';
import { readDefinitionFiles } from '../../importer/definitions.js';
import { importDefinitions } from '../../importer/index.js';
import { type Json, type JsonObject, isObject, jsonDifferences } from '../../importer/json.js';
import { normalizeTaskDef, normalizeWorkflowDef } from '../../importer/normalize.js';
import { fetchDefinitions } from '../../importer/server.js';
import { Conductor } from '../../runtime/conductor.js';
import { buildFiles, projectRoot, scratchDir, writeFiles } from '../unit/import/helpers.js';

const suffix = `${Date.now().toString(36)}${process.pid}`;
const fixtures = join(projectRoot, 'test', 'fixtures', 'import');
const corpus = readDefinitionFiles(
  readdirSync(fixtures)
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(fixtures, f)),
);

/** Workflow and worker task names made unique to this run, references included. */
function renamed(value: Json, names: ReadonlyMap<string, string>): Json {
  if (Array.isArray(value)) return value.map((v) => renamed(v, names));
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) out[key] = renamed(v, names);
  const isWorkerTask = typeof out.taskReferenceName === 'string' && (out.type ?? 'SIMPLE') === 'SIMPLE';
  const isDefinition = Array.isArray(out.tasks) || (out.taskReferenceName === undefined && ('retryCount' in out || 'inputKeys' in out));
  if ((isWorkerTask || isDefinition) && typeof out.name === 'string' && names.has(out.name)) out.name = names.get(out.name)!;
  for (const key of ['subWorkflowParam', 'startWorkflow'] as const) {
    const ref = out[key];
    if (isObject(ref ?? null) && typeof (ref as JsonObject).name === 'string' && names.has((ref as JsonObject).name as string)) {
      out[key] = { ...(ref as JsonObject), name: names.get((ref as JsonObject).name as string)! };
    }
  }
  if (typeof out.failureWorkflow === 'string' && names.has(out.failureWorkflow)) out.failureWorkflow = names.get(out.failureWorkflow)!;
  return out;
}

const names = new Map<string, string>();
for (const w of corpus.workflows) names.set(String(w.definition.name), `${String(w.definition.name)}_${suffix}`);
for (const name of corpus.taskDefs.keys()) names.set(name, `${name}_${suffix}`);
const workflows = corpus.workflows.map((w) => renamed(w.definition, names) as JsonObject);
const taskDefs = [...corpus.taskDefs.values()].map((d) => renamed(d, names) as JsonObject);
const key = (def: JsonObject) => `${String(def.name)}@${String(def.version ?? 1)}`;

describe('import from a live Conductor', () => {
  let server: RunningConductor;
  let conductor: Conductor;
  const fromServer = new Map<string, JsonObject>();
  const dir = scratchDir('e2e');

  beforeAll(async () => {
    server = await connectOrStartConductor({ startupTimeoutMs: 230_000 });
    conductor = new Conductor({ serverUrl: server.apiUrl });
    await conductor.post('/metadata/taskdefs', taskDefs);
    await conductor.put('/metadata/workflow', workflows);
    for (const def of workflows) {
      fromServer.set(key(def), await conductor.get<JsonObject>(`/metadata/workflow/${encodeURIComponent(String(def.name))}`, { query: { version: def.version as number } }));
    }
  }, 240_000);

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await server?.stop();
  }, 60_000);

  it("accepts the corpus, and what it returns is the registered definition plus the server's defaults", () => {
    for (const def of workflows) {
      const returned = fromServer.get(key(def))!;
      // The server does fill things in (empty lists and maps, flags, a version for inline definitions)...
      expect(returned).not.toEqual(def);
      // ...all of which the canonical form removes. What it does not keep is a WorkflowTask field
      // it does not know: the plugin option of the legacy fixture is gone.
      const dropped = String(def.name).startsWith('legacy_notifications') ? ['/tasks/3/pluginOption: {"mode":"fast"} ≠ (absent)'] : [];
      expect(jsonDifferences(normalizeWorkflowDef(def), normalizeWorkflowDef(returned)), key(def)).toEqual(dropped);
    }
  });

  it('imports from the server, and the modules build what the server returns', async () => {
    const selection = { kind: 'names' as const, names: workflows.map((d) => ({ name: String(d.name), version: d.version as number })) };
    const definitions = await fetchDefinitions(conductor, selection);
    // Worker tasks with a registered definition come with it: ours, and any the corpus shares
    // with other suites on the same server (charge_card, say).
    const fetched = [...definitions.taskDefs.keys()];
    expect(fetched).toEqual(expect.arrayContaining(taskDefs.map((d) => String(d.name))));
    const registered = new Set((await conductor.get<{ name: string }[]>('/metadata/taskdefs')).map((d) => d.name));
    for (const name of fetched) expect(registered.has(name), name).toBe(true);
    const outcome = await importDefinitions({ definitions, root: projectRoot, config: resolveConfig(projectRoot, {}) });
    expect(outcome.verified).toBe(true);
    expect(outcome.workflows.every((w) => w.fallback === 'none')).toBe(true);
    const built = await buildFiles(writeFiles(dir, outcome.files));
    expect(built.errors).toEqual([]);
    for (const [k, returned] of fromServer) {
      expect(jsonDifferences(normalizeWorkflowDef(returned), normalizeWorkflowDef(built.workflows.get(k)!)), k).toEqual([]);
    }
    for (const def of taskDefs) {
      const registered = await conductor.get<JsonObject>(`/metadata/taskdefs/${encodeURIComponent(String(def.name))}`);
      expect(jsonDifferences(normalizeTaskDef(registered), normalizeTaskDef(built.taskDefs.get(String(def.name))!)), String(def.name)).toEqual([]);
    }

    // Registered again, the built definitions come back from the server exactly as before.
    await conductor.put('/metadata/workflow', [...built.workflows.entries()].filter(([k]) => fromServer.has(k)).map(([, d]) => d));
    for (const [k, before] of fromServer) {
      const [name, version] = [k.slice(0, k.lastIndexOf('@')), k.slice(k.lastIndexOf('@') + 1)];
      const after = await conductor.get<JsonObject>(`/metadata/workflow/${encodeURIComponent(name)}`, { query: { version } });
      const { updateTime: _a, createTime: _b, ...restAfter } = after;
      const { updateTime: _c, createTime: _d, ...restBefore } = before;
      expect(restAfter, k).toEqual(restBefore);
    }
  }, 180_000);

  it('`baton import --from-server` writes the modules and reports them', async () => {
    const out = join(dir, 'cli');
    const previous = process.env.CONDUCTOR_SERVER_URL;
    process.env.CONDUCTOR_SERVER_URL = server.apiUrl;
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    let code: number;
    try {
      const checkout = names.get('checkout')!;
      code = await main(['import', '--root', projectRoot, '--from-server', `${checkout}:5`, names.get('payment_flow')!, '--out', out, '--json']);
    } finally {
      process.stdout.write = write;
      if (previous === undefined) delete process.env.CONDUCTOR_SERVER_URL;
      else process.env.CONDUCTOR_SERVER_URL = previous;
    }
    expect(code).toBe(0);
    const report = JSON.parse(written.join('')) as { ok: boolean; verified: boolean; files: string[]; workflows: { name: string; version: number }[] };
    expect(report.ok).toBe(true);
    expect(report.verified).toBe(true);
    // payment_flow without a version is its newest one.
    expect(report.workflows.map((w) => `${w.name}@${w.version}`).sort()).toEqual([`${names.get('checkout')}@5`, `${names.get('payment_flow')}@2`]);
    const checkoutSource = readFileSync(join(out, `${names.get('checkout')}.ts`), 'utf8');
    expect(checkoutSource).toContain('from the Conductor server');
    expect(checkoutSource).toContain(`import paymentFlow`);
    expect(readFileSync(join(out, 'tasks.ts'), 'utf8')).toContain('preserveSettings: true');
  }, 180_000);
});
