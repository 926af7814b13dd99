/**
 * The round-trip check: the generated modules are loaded and compiled exactly as `baton build`
 * does, and every definition they produce is compared, in canonical form, with the one that
 * was imported (task definitions too, where they were imported). Differences are traced to the
 * tasks they belong to, so the importer can write just those with the escape hatch.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compile } from '../compiler/compile.js';
import type { ResolvedConfig } from '../compiler/config.js';
import { type Diagnostic, formatDiagnostic } from '../compiler/diagnostics.js';
import { loadModules } from '../compiler/load.js';
import { clearDocCache } from '../compiler/jsdoc.js';
import { exportedDefinitions } from '../compiler/build.js';
import { type Json, type JsonObject, isObject, jsonDifferences, sameJson } from './json.js';
import type { GeneratedFile } from './modules.js';
import { normalizeTaskDef, normalizeWorkflowDef } from './normalize.js';

export interface WorkflowVerdict {
  readonly key: string;
  readonly ok: boolean;
  /** Task references whose written form differs from the original. */
  readonly refs: readonly string[];
  /** The workflow's own fields differ, or it could not be built. */
  readonly whole: boolean;
  readonly differences: readonly string[];
}

export interface Verification {
  readonly workflows: ReadonlyMap<string, WorkflowVerdict>;
  readonly taskDefs: ReadonlyMap<string, readonly string[]>;
  /** Errors not tied to one workflow (they stop the whole build). */
  readonly errors: readonly string[];
}

type Tree = Map<string, { shallow: JsonObject; previous?: string }>;

/** Each task by reference, with its nested task lists reduced to the references in them. */
function taskTree(tasks: Json | undefined, into: Tree = new Map()): Tree {
  if (!Array.isArray(tasks)) return into;
  let previous: string | undefined;
  for (const item of tasks) {
    if (!isObject(item)) continue;
    const shallow: JsonObject = { ...item };
    const refs = (list: Json | undefined) => (Array.isArray(list) ? list.map((t) => (isObject(t) ? (t.taskReferenceName ?? null) : null)) : list ?? null);
    if (isObject(item.decisionCases ?? null)) {
      shallow.decisionCases = Object.fromEntries(Object.entries(item.decisionCases as JsonObject).map(([k, v]) => [k, refs(v)]));
      for (const list of Object.values(item.decisionCases as JsonObject)) taskTree(list, into);
    }
    for (const key of ['defaultCase', 'loopOver'] as const) {
      if (item[key] === undefined) continue;
      shallow[key] = refs(item[key]);
      taskTree(item[key], into);
    }
    if (Array.isArray(item.forkTasks)) {
      shallow.forkTasks = item.forkTasks.map(refs);
      for (const branch of item.forkTasks) taskTree(branch, into);
    }
    const ref = String(item.taskReferenceName);
    if (!into.has(ref)) into.set(ref, { shallow, ...(previous !== undefined && { previous }) });
    previous = ref;
  }
  return into;
}

/** Compares one imported definition with what was built from its module. */
export function compareWorkflow(key: string, original: JsonObject, built: JsonObject | undefined): WorkflowVerdict {
  if (!built) return { key, ok: false, refs: [], whole: true, differences: ['the module did not build this workflow'] };
  const a = normalizeWorkflowDef(original);
  const b = normalizeWorkflowDef(built);
  if (sameJson(a, b)) return { key, ok: true, refs: [], whole: false, differences: [] };
  const differences = jsonDifferences(a, b);
  const { tasks: ta, ...restA } = a;
  const { tasks: tb, ...restB } = b;
  const whole = !sameJson(restA, restB);
  const treeA = taskTree(ta);
  const treeB = taskTree(tb);
  const refs = new Set<string>();
  for (const ref of new Set([...treeA.keys(), ...treeB.keys()])) {
    if (sameJson(treeA.get(ref)?.shallow, treeB.get(ref)?.shallow)) continue;
    // A task only the build has was added by a builder: blame the original task before it.
    const blamed = treeA.has(ref) ? ref : treeB.get(ref)?.previous;
    if (blamed !== undefined && treeA.has(blamed)) refs.add(blamed);
  }
  return { key, ok: false, refs: [...refs], whole: whole || refs.size === 0, differences };
}

export interface VerifyInput {
  readonly root: string;
  readonly config: ResolvedConfig;
  readonly files: readonly GeneratedFile[];
  /** The imported definitions by `name@version`. */
  readonly workflows: ReadonlyMap<string, JsonObject>;
  /** Imported task definitions by name. */
  readonly taskDefs: ReadonlyMap<string, JsonObject>;
}

/** Loads and compiles the generated modules in a scratch folder and compares the results. */
export async function verifyImport(input: VerifyInput): Promise<Verification> {
  const dir = join(input.root, '.baton', `import-${process.pid}-${Date.now().toString(36)}`);
  try {
    const paths = input.files.map((f) => {
      const path = join(dir, f.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.text);
      return path;
    });
    clearDocCache();
    const loaded = await loadModules(input.root, paths);
    const loadErrors = loaded.diagnostics.filter((d) => d.severity === 'error');
    if (loadErrors.length > 0) return { workflows: new Map(), taskDefs: new Map(), errors: loadErrors.map((d) => formatDiagnostic(d, input.root)) };
    const { workflows, taskDecls } = exportedDefinitions(loaded.modules);
    const result = compile({ config: input.config, workflows, taskDecls, mapLoc: loaded.mapLoc });
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    const verdicts = new Map<string, WorkflowVerdict>();
    if (errors.length > 0) {
      const unattributed: Diagnostic[] = [];
      const byWorkflow = new Map<string, string[]>();
      for (const d of errors) {
        const keys = d.workflow === undefined ? [] : [...input.workflows.keys()].filter((k) => k.slice(0, k.lastIndexOf('@')) === d.workflow);
        if (keys.length === 0) unattributed.push(d);
        for (const key of keys) byWorkflow.set(key, [...(byWorkflow.get(key) ?? []), formatDiagnostic(d, input.root)]);
      }
      for (const [key, messages] of byWorkflow) {
        // Checks name the step they reject ('ref'): those tasks are rewritten with the escape hatch.
        const known = taskTree(normalizeWorkflowDef(input.workflows.get(key)!).tasks);
        const refs = new Set<string>();
        for (const message of messages) for (const m of message.matchAll(/'([^']+)'/g)) if (known.has(m[1]!)) refs.add(m[1]!);
        verdicts.set(key, { key, ok: false, refs: [...refs], whole: refs.size === 0, differences: messages });
      }
      return { workflows: verdicts, taskDefs: new Map(), errors: unattributed.map((d) => formatDiagnostic(d, input.root)) };
    }
    for (const [key, original] of input.workflows) {
      const built = result.workflows.find((w) => `${w.ir.name}@${w.ir.version}` === key)?.definition as JsonObject | undefined;
      verdicts.set(key, compareWorkflow(key, original, built));
    }
    const taskDefs = new Map<string, readonly string[]>();
    for (const [name, original] of input.taskDefs) {
      const text = result.files.get(`tasks/${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
      if (text === undefined) continue;
      const differences = jsonDifferences(normalizeTaskDef(original), normalizeTaskDef(JSON.parse(text) as JsonObject));
      if (differences.length > 0) taskDefs.set(name, differences);
    }
    return { workflows: verdicts, taskDefs, errors: [] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
