/**
 * Finds the line of the workflow source that a server message is about: the workflow, one of its
 * steps (by task reference name), a task definition or a schedule. After a fresh compile the IR
 * knows every call site; with `--from-generated` only the manifest's source file is known, and
 * the line is found by looking for the quoted name in that file.
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { CompiledWorkflow } from '../compiler/compile.js';
import type { SourceLoc } from '../ir/source.js';
import type { StepBase } from '../ir/step.js';
import type { WorkflowIR } from '../ir/workflow.js';
import { walkSteps } from '../tasktypes/registry.js';
import type { SimpleNode } from '../tasktypes/simple.js';

/** Locations have paths relative to the project root. */
export interface SourceLocator {
  workflow(name: string, version: number): SourceLoc | undefined;
  task(workflow: string, version: number, ref: string): SourceLoc | undefined;
  /** Where the task is first used (its declaration may sit in a shared module). */
  taskDef(name: string): SourceLoc | undefined;
  schedule(name: string): SourceLoc | undefined;
}

// Refs the compiler derives from a step's ref: `<ref>_join`, `<ref>_result`, `undo_<ref>`, ….
const COMPENSATION_PREFIX = 'undo_';

function stepFor(ir: WorkflowIR, ref: string): StepBase | undefined {
  let exact: StepBase | undefined;
  let prefix: StepBase | undefined;
  walkSteps(ir.steps, (step) => {
    if (step.ref === ref) exact ??= step;
    else if (ref.startsWith(`${step.ref}_`) && (!prefix || step.ref.length > prefix.ref.length)) prefix = step;
  });
  return exact ?? prefix;
}

export function irLocator(root: string, compiled: readonly CompiledWorkflow[]): SourceLocator {
  const rel = (loc: SourceLoc | undefined): SourceLoc | undefined =>
    loc && { file: loc.file.startsWith('/') ? relative(root, loc.file) : loc.file, line: loc.line, column: loc.column };
  const main = new Map<string, WorkflowIR>();
  const compensation = new Map<string, WorkflowIR>();
  for (const w of compiled) {
    main.set(`${w.ir.name}@${w.ir.version}`, w.ir);
    const name = w.compensation?.name;
    if (typeof name === 'string') compensation.set(`${name}@${w.ir.version}`, w.ir);
  }
  return {
    workflow: (name, version) => rel((main.get(`${name}@${version}`) ?? compensation.get(`${name}@${version}`))?.loc),
    task(workflow, version, ref) {
      const key = `${workflow}@${version}`;
      const ir = main.get(key);
      if (ir) return rel(stepFor(ir, ref)?.loc ?? ir.loc);
      const undone = compensation.get(key);
      if (!undone) return undefined;
      if (ref.startsWith(COMPENSATION_PREFIX)) {
        const step = stepFor(undone, ref.slice(COMPENSATION_PREFIX.length));
        if (step) return rel(step.compensation?.loc ?? step.loc);
      }
      return rel(undone.loc);
    },
    taskDef(name) {
      for (const ir of main.values()) {
        let found: SourceLoc | undefined;
        walkSteps(ir.steps, (step) => {
          if (found) return;
          if (step.kind === 'simple' && (step as SimpleNode).task.name === name) found = step.loc;
          else if (step.compensation?.undo.kind === 'taskDecl' && step.compensation.undo.name === name) found = step.compensation.loc;
        });
        if (found) return rel(found);
      }
      return undefined;
    },
    schedule(name) {
      for (const ir of main.values()) {
        const schedule = ir.schedules.find((s) => s.name === name);
        if (schedule) return rel(schedule.loc);
      }
      return undefined;
    },
  };
}

/** Where each quoted word of a source file first appears, built once per file. */
type QuotedIndex = Map<string, SourceLoc>;

function quotedIndex(root: string, file: string, cache: Map<string, QuotedIndex>): QuotedIndex {
  let index = cache.get(file);
  if (index) return index;
  index = new Map();
  let text = '';
  try {
    text = readFileSync(resolve(root, file), 'utf8');
  } catch {
    // A source that moved since the build: the file name alone is still worth showing.
  }
  const lines = text.split('\n');
  const quoted = /(['"`])([\w.:-]+)\1/g;
  for (let i = 0; i < lines.length; i++) {
    for (const m of lines[i]!.matchAll(quoted)) {
      if (!index.has(m[2]!)) index.set(m[2]!, { file, line: i + 1, column: (m.index ?? 0) + 1 });
    }
  }
  cache.set(file, index);
  return index;
}

/** The first place in `file` where `name` appears quoted, or the file itself. */
function findQuoted(root: string, file: string, name: string, cache: Map<string, QuotedIndex>): SourceLoc {
  return quotedIndex(root, file, cache).get(name) ?? { file, line: 0, column: 0 };
}

export function textLocator(root: string, workflows: readonly { name: string; version: number; source: string; compensates?: string; dependsOn: readonly string[] }[]): SourceLocator {
  const cache = new Map<string, QuotedIndex>();
  const sourceOf = (name: string, version: number) => workflows.find((w) => w.name === name && w.version === version)?.source;
  return {
    workflow(name, version) {
      const entry = workflows.find((w) => w.name === name && w.version === version);
      if (!entry) return undefined;
      return findQuoted(root, entry.source, entry.compensates ?? name, cache);
    },
    task(workflow, version, ref) {
      const source = sourceOf(workflow, version);
      if (!source) return undefined;
      const bare = ref.startsWith(COMPENSATION_PREFIX) ? ref.slice(COMPENSATION_PREFIX.length) : ref;
      const found = findQuoted(root, source, bare, cache);
      return found.line > 0 ? found : this.workflow(workflow, version);
    },
    taskDef(name) {
      for (const source of new Set(workflows.map((w) => w.source))) {
        const found = findQuoted(root, source, name, cache);
        if (found.line > 0) return found;
      }
      return undefined;
    },
    schedule(name) {
      for (const source of new Set(workflows.map((w) => w.source))) {
        const found = findQuoted(root, source, name, cache);
        if (found.line > 0) return found;
      }
      return undefined;
    },
  };
}
