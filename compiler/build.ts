/**
 * `baton build`: find the workflow modules, load them, compile, type-check (in parallel), and
 * write `generated/` (only what changed; a failure leaves it as it was), or, with `check`, only
 * compare it. A build with errors writes nothing.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import type { TaskDeclIR } from '../ir/task-decl.js';
import { TASK } from '../dsl/task.js';
import { isWorkflow } from '../dsl/workflow.js';
import { type CompileResult, type SourcedWorkflow, compile } from './compile.js';
import { type ResolvedConfig, loadConfig } from './config.js';
import { type Diagnostic, sortDiagnostics } from './diagnostics.js';
import { findFiles } from './files.js';
import { clearDocCache } from './jsdoc.js';
import { type LoadedModule, loadModules } from './load.js';
import { typecheck } from './typecheck.js';

export interface BuildOptions {
  readonly root: string;
  readonly typecheck?: boolean;
  /** Compare with what is on disk instead of writing. */
  readonly check?: boolean;
  /** Compile only; neither write nor compare. */
  readonly dryRun?: boolean;
  readonly config?: ResolvedConfig;
}

export interface BuildOutcome {
  readonly config: ResolvedConfig;
  readonly diagnostics: readonly Diagnostic[];
  readonly result?: CompileResult;
  /** With `check`: files that differ, are missing, or should not be there. */
  readonly stale: readonly { readonly file: string; readonly change: 'changed' | 'missing' | 'extra' }[];
  readonly wrote: boolean;
  readonly files: readonly string[];
  readonly timings: Readonly<Record<string, number>>;
}

function isTaskDeclValue(value: unknown): value is { [TASK]: TaskDeclIR } {
  return typeof value === 'object' && value !== null && TASK in value;
}

/** The workflows and task declarations the loaded modules export, with the file of each. */
export function exportedDefinitions(modules: readonly LoadedModule[]): { workflows: SourcedWorkflow[]; taskDecls: { decl: TaskDeclIR; file: string }[] } {
  const workflows: SourcedWorkflow[] = [];
  const taskDecls: { decl: TaskDeclIR; file: string }[] = [];
  for (const module of modules) {
    for (const value of Object.values(module.exports)) {
      if (isWorkflow(value)) workflows.push({ workflow: value, file: module.file });
      else if (isTaskDeclValue(value)) taskDecls.push({ decl: value[TASK], file: module.file });
    }
  }
  return { workflows, taskDecls };
}

function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  // Directory entries know their type: no stat per file (symbolic links are followed).
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const isDirectory = entry.isSymbolicLink() ? statSync(full).isDirectory() : entry.isDirectory();
    // Paths relative to the listed directory, `/`-separated, built as the walk goes down.
    if (isDirectory) out.push(...listFiles(full, `${prefix}${entry.name}/`));
    else out.push(`${prefix}${entry.name}`);
  }
  return out.sort();
}

/** The file's text, or undefined when there is no such file. */
function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** What would change on disk: the drift check of CI. */
export function compareOutput(outDir: string, files: ReadonlyMap<string, string>): BuildOutcome['stale'] {
  const stale: { file: string; change: 'changed' | 'missing' | 'extra' }[] = [];
  for (const [file, content] of files) {
    const current = readIfExists(join(outDir, file));
    if (current === undefined) stale.push({ file, change: 'missing' });
    else if (current !== content) stale.push({ file, change: 'changed' });
  }
  for (const file of listFiles(outDir)) if (!files.has(file)) stale.push({ file, change: 'extra' });
  return stale.sort((a, b) => a.file.localeCompare(b.file));
}

/**
 * Replaces the output directory in one step: everything is written to a sibling directory,
 * which then takes the old one's place. A failure part-way leaves the old output untouched.
 */
export function writeOutput(outDir: string, files: ReadonlyMap<string, string>): void {
  const staging = `${outDir}.tmp-${process.pid}`;
  const previous = `${outDir}.old-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    const made = new Set<string>();
    for (const [file, content] of files) {
      const path = join(staging, file);
      const dir = dirname(path);
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      writeFileSync(path, content);
    }
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  const hadOutput = existsSync(outDir);
  if (hadOutput) renameSync(outDir, previous);
  try {
    renameSync(staging, outDir);
  } catch (error) {
    if (hadOutput) renameSync(previous, outDir);
    throw error;
  }
  if (hadOutput) rmSync(previous, { recursive: true, force: true });
}

/**
 * Brings an existing output directory up to date by writing only what changed (`stale`, from
 * compareOutput): every changed or missing file is first written beside its target, and only
 * once all of them are on disk are they renamed into place and the files no longer generated
 * removed. A failure while writing leaves the directory as it was; renames do not fail midway.
 * A rebuild after editing one workflow of a thousand then writes a handful of files, not all.
 */
export function applyChanges(outDir: string, files: ReadonlyMap<string, string>, stale: BuildOutcome['stale']): void {
  const pending: { tmp: string; target: string }[] = [];
  try {
    for (const { file, change } of stale) {
      if (change === 'extra') continue;
      const target = join(outDir, file);
      const entry = { tmp: `${target}.tmp-${process.pid}`, target };
      pending.push(entry);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(entry.tmp, files.get(file)!);
    }
  } catch (error) {
    for (const { tmp } of pending) rmSync(tmp, { force: true });
    throw error;
  }
  // The manifest last: a reader that sees the new manifest (the MCP server, say) sees the rest.
  const manifest = join(outDir, 'manifest.json');
  pending.sort((a, b) => Number(a.target === manifest) - Number(b.target === manifest));
  for (const { tmp, target } of pending) renameSync(tmp, target);
  for (const { file, change } of stale) {
    if (change !== 'extra') continue;
    rmSync(join(outDir, file), { force: true });
    // Folders left empty go too, up to the output directory itself.
    for (let dir = dirname(join(outDir, file)); dir.startsWith(outDir + sep) && readdirSync(dir).length === 0; dir = dirname(dir)) rmSync(dir, { recursive: true });
  }
}

export async function buildProject(options: BuildOptions): Promise<BuildOutcome> {
  const timings: Record<string, number> = {};
  const started = performance.now();
  const config = options.config ?? (await loadConfig(options.root));
  const files = findFiles(config.root, config.workflows, ['**/*.test.ts', '**/*.d.ts', '**/*.spec.ts']);
  const checking = options.typecheck === false || files.length === 0 ? Promise.resolve([]) : typecheck(config.root, config.tsconfig, files);
  clearDocCache();
  const t0 = performance.now();
  const loaded = await loadModules(config.root, files);
  timings.load = performance.now() - t0;
  const { workflows, taskDecls } = exportedDefinitions(loaded.modules);
  const t1 = performance.now();
  const result = loaded.diagnostics.some((d) => d.severity === 'error')
    ? undefined
    : compile({ config, workflows, taskDecls, mapLoc: loaded.mapLoc });
  timings.compile = performance.now() - t1;
  const t2 = performance.now();
  const typeErrors = await checking;
  timings.typecheckWait = performance.now() - t2;
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...(result?.diagnostics ?? []), ...typeErrors]);
  const failed = diagnostics.some((d) => d.severity === 'error') || !result;
  let stale: BuildOutcome['stale'] = [];
  let wrote = false;
  const t3 = performance.now();
  if (!failed && result) {
    if (options.check) stale = compareOutput(config.outDir, result.files);
    else if (!options.dryRun) {
      // Output that is already what this build produces is left alone: rewriting thousands of
      // files costs more than reading them, and their modification times stay meaningful. A
      // new output directory, or one mostly out of date, is replaced whole in one step.
      const changes = compareOutput(config.outDir, result.files);
      if (changes.length > result.files.size / 2 || !existsSync(config.outDir)) writeOutput(config.outDir, result.files);
      else if (changes.length > 0) applyChanges(config.outDir, result.files, changes);
      wrote = true;
    }
  }
  timings.write = performance.now() - t3;
  timings.total = performance.now() - started;
  return { config, diagnostics, ...(result && { result }), stale, wrote, files, timings };
}
