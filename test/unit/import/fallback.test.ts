/**
 * The safety net: when a builder's form does not come back exactly, the importer rewrites the
 * task with the escape hatch, and a workflow whose own settings do not, without typed references.
 * Both fallbacks are exact by themselves, and differences are traced to the right tasks.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDefinitionFiles } from '../../../importer/definitions.js';
import { generateModules } from '../../../importer/index.js';
import { type JsonObject, isObject, jsonDifferences } from '../../../importer/json.js';
import { normalizeWorkflowDef } from '../../../importer/normalize.js';
import { compareWorkflow } from '../../../importer/verify.js';
import { buildFiles, projectRoot, scratchDir, writeFiles } from './helpers.js';

const fixtures = join(projectRoot, 'test', 'fixtures', 'import');
const definitions = readDefinitionFiles(readdirSync(fixtures).filter((f) => f.endsWith('.json')).map((f) => join(fixtures, f)));
const keys = definitions.workflows.map((w) => `${String(w.definition.name)}@${String(w.definition.version)}`);
const dir = scratchDir('fallback');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function refsOf(tasks: unknown, into = new Set<string>()): Set<string> {
  if (!Array.isArray(tasks)) return into;
  for (const t of tasks as JsonObject[]) {
    into.add(String(t.taskReferenceName));
    for (const list of [t.defaultCase, t.loopOver, ...(Array.isArray(t.forkTasks) ? t.forkTasks : []), ...(isObject(t.decisionCases ?? null) ? Object.values(t.decisionCases as JsonObject) : [])]) refsOf(list, into);
  }
  return into;
}

async function expectExact(files: ReturnType<typeof generateModules>['files']): Promise<void> {
  const built = await buildFiles(writeFiles(dir, files));
  expect(built.errors).toEqual([]);
  for (const { definition } of definitions.workflows) {
    const key = `${String(definition.name)}@${String(definition.version)}`;
    expect(jsonDifferences(normalizeWorkflowDef(definition), normalizeWorkflowDef(built.workflows.get(key)!)), key).toEqual([]);
  }
}

describe('fallbacks', () => {
  it('the escape hatch writes every task exactly, nested ones included', async () => {
    const escapeHatch = new Map(definitions.workflows.map((w) => [`${String(w.definition.name)}@${String(w.definition.version)}`, refsOf(w.definition.tasks)]));
    const { files, batch } = generateModules(definitions, { escapeHatch });
    expect(batch.workflows.every((w) => w.stats.builders === 0)).toBe(true);
    await expectExact(files);
  });

  it('a workflow written without typed references builds back exactly', async () => {
    const { files } = generateModules(definitions, { untyped: new Set(keys) });
    const order = files.find((f) => f.path === 'order_fulfillment_legacy.ts')!.text;
    expect(order).not.toMatch(/\bwf\.input\b/);
    expect(order).toContain("raw('${workflow.input.orderId}')");
    await expectExact(files);
  });
});

describe('compareWorkflow', () => {
  const original: JsonObject = {
    name: 'w',
    tasks: [
      { name: 'a', taskReferenceName: 'a', type: 'SIMPLE', inputParameters: { x: 1 } },
      { name: 'f', taskReferenceName: 'f', type: 'FORK_JOIN', forkTasks: [[{ name: 'b', taskReferenceName: 'b', type: 'SWITCH', decisionCases: { k: [] } }]] },
      { name: 'j', taskReferenceName: 'j', type: 'JOIN', joinOn: ['b'] },
    ],
  };

  it('agrees when only server defaults differ', () => {
    expect(compareWorkflow('w@1', original, { ...original, restartable: true, tasks: (original.tasks as JsonObject[]).map((t) => ({ ...t, optional: false })) }).ok).toBe(true);
  });

  it('blames the task that differs, not its parents', () => {
    const built = structuredClone(original) as JsonObject;
    ((built.tasks as JsonObject[])[0]!.inputParameters as JsonObject).x = 2;
    expect(compareWorkflow('w@1', original, built)).toMatchObject({ ok: false, refs: ['a'], whole: false });
  });

  it('blames the task before one that only the build has (a generated helper)', () => {
    const built = structuredClone(original) as JsonObject;
    const fork = (built.tasks as JsonObject[])[1]!;
    (fork.forkTasks as JsonObject[][])[0]!.push({ name: 'f_end', taskReferenceName: 'f_end', type: 'NOOP' });
    expect(compareWorkflow('w@1', original, built).refs).toEqual(['f', 'b']);
  });

  it('marks the whole workflow when its own settings differ', () => {
    expect(compareWorkflow('w@1', original, { ...original, timeoutSeconds: 60 })).toMatchObject({ ok: false, whole: true });
    expect(compareWorkflow('w@1', original, undefined)).toMatchObject({ ok: false, whole: true });
  });
});
