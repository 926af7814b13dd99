/**
 * Shared by the import tests: generated modules are written inside the repository (so they
 * resolve 'baton' and 'zod' like a project's own files), loaded and compiled by the real
 * compiler, and what they build is returned for comparison with what was imported.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compile } from '../../../compiler/compile.js';
import { resolveConfig } from '../../../compiler/config.js';
import { type Diagnostic, formatDiagnostic } from '../../../compiler/diagnostics.js';
import { loadModules } from '../../../compiler/load.js';
import { exportedDefinitions } from '../../../compiler/build.js';
import { typecheck } from '../../../compiler/typecheck.js';
import { clearDocCache } from '../../../compiler/jsdoc.js';
import type { GeneratedFile } from '../../../importer/index.js';
import type { JsonObject } from '../../../importer/json.js';
import { projectRoot } from '../core/helpers.js';

export { projectRoot };

/** Where a test writes its modules: git-ignored, inside the project. */
export function scratchDir(name: string): string {
  return join(projectRoot, '.baton', 'import-test', `${name}-${process.pid}`);
}

export function writeFiles(dir: string, files: readonly GeneratedFile[]): string[] {
  rmSync(dir, { recursive: true, force: true });
  return files.map((file) => {
    const path = join(dir, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.text);
    return path;
  });
}

export interface Built {
  /** Workflow definitions by `name@version`. */
  readonly workflows: ReadonlyMap<string, JsonObject>;
  /** Generated task definitions by name. */
  readonly taskDefs: ReadonlyMap<string, JsonObject>;
  readonly errors: readonly string[];
}

/** Loads and compiles modules the way `baton build` does (project defaults, no config file). */
export async function buildFiles(paths: readonly string[]): Promise<Built> {
  // Descriptions are read from the files, which tests rewrite in place.
  clearDocCache();
  let loaded = await loadModules(projectRoot, paths);
  // Other work in this checkout rebuilds dist/ now and then; 'baton' is missing for a moment.
  for (let attempt = 0; attempt < 10 && loaded.diagnostics.some((d) => d.message.includes('dist/dsl.js')); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    loaded = await loadModules(projectRoot, paths);
  }
  const loadErrors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (loadErrors.length > 0) return { workflows: new Map(), taskDefs: new Map(), errors: loadErrors.map(show) };
  const { workflows, taskDecls } = exportedDefinitions(loaded.modules);
  const result = compile({ config: resolveConfig(projectRoot, {}), workflows, taskDecls, mapLoc: loaded.mapLoc });
  const errors = result.diagnostics.filter((d) => d.severity === 'error').map(show);
  const built = new Map(result.workflows.map((w) => [`${w.ir.name}@${w.ir.version}`, w.definition as JsonObject]));
  const taskDefs = new Map<string, JsonObject>();
  for (const [path, text] of result.files) if (path.startsWith('tasks/')) {
    const def = JSON.parse(text) as JsonObject;
    taskDefs.set(String(def.name), def);
  }
  return { workflows: built, taskDefs, errors };
}

function show(d: Diagnostic): string {
  return formatDiagnostic(d, projectRoot);
}

/** The project's own `tsc` over the generated files: their errors, as text. */
export async function typeErrors(paths: readonly string[]): Promise<string[]> {
  const diagnostics = await typecheck(projectRoot, join(projectRoot, 'tsconfig.json'), paths);
  return diagnostics.filter((d) => d.severity === 'error').map(show);
}
