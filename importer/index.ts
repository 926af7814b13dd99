/**
 * `baton import`, without the command line: Conductor definitions in, TypeScript modules out,
 * checked by building them and comparing with what was imported. A task whose written form does
 * not come back exactly is rewritten with the escape hatch; a workflow whose own settings do not,
 * without typed references at all. Nothing is ever dropped: if even that fails, the import fails
 * and says where.
 */
import type { ResolvedConfig } from '../compiler/config.js';
import { type DefinitionSet, ImportError } from './definitions.js';
import type { JsonObject } from './json.js';
import { type GeneratedFile, externalModule, learn, tasksModule, workflowModule } from './modules.js';
import { normalizeWorkflowDef } from './normalize.js';
import { type Batch, type ImportOptions, planBatch, workflowKey } from './plan.js';
import { verifyImport } from './verify.js';

export { ImportError, type DefinitionSet } from './definitions.js';
export type { GeneratedFile } from './modules.js';

export interface ImportedWorkflow {
  readonly name: string;
  readonly version: number;
  readonly source: string;
  /** The module written for it, relative to the output directory. */
  readonly file: string;
  /** Steps written with a named builder / with the escape hatch `wf.task(…)`. */
  readonly builders: number;
  readonly escapeHatch: number;
  /** Expressions written as typed references or `str` templates / kept as `raw(…)`. */
  readonly typed: number;
  readonly raw: number;
  /** How far the importer had to fall back for the round trip to hold. */
  readonly fallback: 'none' | 'tasks' | 'untyped';
}

export interface ImportOutcome {
  readonly files: readonly GeneratedFile[];
  readonly workflows: readonly ImportedWorkflow[];
  /** Whether the round trip was checked (and so holds). */
  readonly verified: boolean;
  readonly rounds: number;
  /** Worker task declarations written, and how many keep a registered definition. */
  readonly declarations: { readonly total: number; readonly registered: number };
  /** Workflows called but not imported, declared with externalWorkflow(). */
  readonly externals: number;
}

export interface GenerateResult {
  readonly batch: Batch;
  readonly files: GeneratedFile[];
}

/** Plans and writes the modules for a set of definitions (no checking). */
export function generateModules(definitions: DefinitionSet, options: ImportOptions = {}): GenerateResult {
  const normalized = definitions.workflows.map((w) => ({ definition: normalizeWorkflowDef(w.definition), source: w.source }));
  const batch = planBatch(normalized, definitions.taskDefs, options);
  learn(batch);
  for (const plan of batch.workflows) Object.assign(plan.stats, { typed: 0, raw: 0 });
  for (const module of batch.modules) for (const inline of module.inlines) Object.assign(inline.stats, { typed: 0, raw: 0 });
  const files: GeneratedFile[] = batch.modules.map((m) => workflowModule(m, batch));
  const tasks = tasksModule(batch);
  if (tasks) files.push(tasks);
  const external = externalModule(batch);
  if (external) files.push(external);
  return { batch, files };
}

export interface ImportRequest {
  readonly definitions: DefinitionSet;
  /** Project root: where the generated modules resolve 'baton', and whose config builds them. */
  readonly root: string;
  readonly config: ResolvedConfig;
  /** Check the round trip by building the modules (default true). */
  readonly verify?: boolean;
  readonly tasksModule?: string;
  readonly externalModule?: string;
}

const MAX_ROUNDS = 6;

export async function importDefinitions(request: ImportRequest): Promise<ImportOutcome> {
  const escapeHatch = new Map<string, Set<string>>();
  const untyped = new Set<string>();
  const verbatimTaskDefs = new Set<string>();
  const originals = new Map<string, JsonObject>(request.definitions.workflows.map((w) => [workflowKey(String(w.definition.name), (w.definition.version as number | undefined) ?? 1), w.definition]));
  const known = new Map([...request.definitions.taskDefs].filter(([name]) => name !== ''));
  /** What the first check found, per workflow: the root cause when a fallback does not help. */
  const firstFindings = new Map<string, readonly string[]>();
  for (let round = 1; ; round++) {
    const generated = generateModules(request.definitions, {
      escapeHatch,
      untyped,
      verbatimTaskDefs,
      ...(request.tasksModule !== undefined && { tasksModule: request.tasksModule }),
      ...(request.externalModule !== undefined && { externalModule: request.externalModule }),
    });
    const decls = [...generated.batch.decls.values()].filter((d) => d.used);
    const outcome = (verified: boolean): ImportOutcome => ({
      files: generated.files,
      workflows: summary(generated.batch, escapeHatch, untyped),
      verified,
      rounds: round,
      declarations: { total: decls.length, registered: decls.filter((d) => d.taskDef !== undefined).length },
      externals: generated.batch.externals.size,
    });
    if (request.verify === false) return outcome(false);
    const usedTaskDefs = new Map([...known].filter(([name]) => generated.batch.decls.get(name)?.used));
    const check = await verifyImport({ root: request.root, config: request.config, files: generated.files, workflows: originals, taskDefs: usedTaskDefs });
    if (check.errors.length > 0) throw new ImportError(`the generated modules do not build:\n${check.errors.map((e) => `  ${e}`).join('\n')}`);
    const failing = [...check.workflows.values()].filter((v) => !v.ok);
    if (failing.length === 0 && check.taskDefs.size === 0) return outcome(true);
    if (round >= MAX_ROUNDS) throw new ImportError(`the round trip does not hold after ${round} attempts:\n${failing.map((f) => `  ${f.key}: ${f.differences.join('; ')}`).join('\n')}`);
    for (const [name, differences] of check.taskDefs) {
      if (verbatimTaskDefs.has(name)) throw new ImportError(`task definition '${name}' does not come back as imported: ${differences.join('; ')}`);
      verbatimTaskDefs.add(name);
    }
    for (const verdict of failing) {
      if (!firstFindings.has(verdict.key)) firstFindings.set(verdict.key, verdict.differences);
      if (untyped.has(verdict.key)) {
        const first = firstFindings.get(verdict.key)!;
        const earlier = first === verdict.differences ? '' : `\n  (first found: ${first.join('; ')})`;
        throw new ImportError(`workflow ${verdict.key} cannot be written so that it builds back the same:\n${verdict.differences.map((d) => `  ${d}`).join('\n')}${earlier}`);
      }
      const plan = generated.batch.workflows.find((w) => w.key === verdict.key);
      const set = escapeHatch.get(verdict.key) ?? new Set<string>();
      const before = set.size;
      for (const ref of verdict.refs) set.add(plan?.consumed.get(ref) ?? ref);
      escapeHatch.set(verdict.key, set);
      if (verdict.whole || set.size === before) untyped.add(verdict.key);
    }
  }
}

function summary(batch: Batch, escapeHatch: ReadonlyMap<string, ReadonlySet<string>>, untyped: ReadonlySet<string>): ImportedWorkflow[] {
  return batch.workflows.map((plan) => {
    const inlines = plan.module.inlines;
    const sum = (pick: (p: typeof plan) => number) => pick(plan) + inlines.reduce((n, p) => n + pick(p), 0);
    return {
      name: plan.name,
      version: plan.version,
      source: plan.source,
      file: `${plan.module.file}.ts`,
      builders: sum((p) => p.stats.builders),
      escapeHatch: sum((p) => p.stats.escapeHatch),
      typed: sum((p) => p.stats.typed),
      raw: sum((p) => p.stats.raw),
      fallback: untyped.has(plan.key) ? 'untyped' : (escapeHatch.get(plan.key)?.size ?? 0) > 0 ? 'tasks' : 'none',
    };
  });
}
