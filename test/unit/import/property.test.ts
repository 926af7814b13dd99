/**
 * The property: any valid batch of WorkflowDefs (random, see arbitraries.ts) survives import →
 * build unchanged. The modules are generated without the importer's own check and fallback, so
 * this proves that every builder form writes exactly what it claims to.
 */
import { rmSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { generateModules } from '../../../importer/index.js';
import { type JsonObject, jsonDifferences } from '../../../importer/json.js';
import { normalizeTaskDef, normalizeWorkflowDef } from '../../../importer/normalize.js';
import { join } from 'node:path';
import { buildFiles, scratchDir, typeErrors, writeFiles } from './helpers.js';
import { taskDefinitions, workflowBatch } from './arbitraries.js';

const dir = scratchDir('property');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function roundTrip(workflows: JsonObject[], taskDefs: JsonObject[]): Promise<void> {
  const definitions = {
    workflows: workflows.map((definition) => ({ definition, source: 'generated' })),
    taskDefs: new Map(taskDefs.map((d) => [String(d.name), d])),
  };
  const { files, batch } = generateModules(definitions);
  const built = await buildFiles(writeFiles(dir, files));
  expect(built.errors).toEqual([]);
  for (const def of workflows) {
    const key = `${String(def.name)}@${String(def.version)}`;
    const rebuilt = built.workflows.get(key);
    expect(rebuilt, key).toBeDefined();
    expect(jsonDifferences(normalizeWorkflowDef(def), normalizeWorkflowDef(rebuilt!)), key).toEqual([]);
  }
  for (const def of taskDefs) {
    if (!batch.decls.get(String(def.name))?.used) continue;
    expect(jsonDifferences(normalizeTaskDef(def), normalizeTaskDef(built.taskDefs.get(String(def.name))!)), String(def.name)).toEqual([]);
  }
}

describe('import → build, property', () => {
  it('random valid WorkflowDefs survive import and build unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(workflowBatch, taskDefinitions, async (workflows, taskDefs) => roundTrip(workflows, taskDefs)),
      { numRuns: Number(process.env.BATON_PROPERTY_RUNS ?? 25), endOnFailure: true },
    );
  }, 600_000);

  it('writes source that passes the TypeScript type-check, whatever the definitions', async () => {
    const batches = fc.sample(fc.tuple(workflowBatch, taskDefinitions), { numRuns: Number(process.env.BATON_TYPECHECK_BATCHES ?? 8), seed: Number(process.env.BATON_PROPERTY_SEED ?? 20261124) });
    const paths = batches.flatMap(([workflows, taskDefs], i) => {
      const { files } = generateModules({
        workflows: workflows.map((definition) => ({ definition, source: 'generated' })),
        taskDefs: new Map(taskDefs.map((d) => [String(d.name), d])),
      });
      return writeFiles(join(dir, `typed-${i}`), files);
    });
    expect(await typeErrors(paths)).toEqual([]);
  }, 300_000);
});
