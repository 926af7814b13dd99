/**
 * Finds a project's workers (the `workers` globs of baton.config.ts, default workers/**\/*.ts),
 * loaded the way workflows are (one esbuild bundle), and checks them against the tasks the
 * workflows declare: a declared task without a worker is worth a warning (its runs will wait),
 * a worker for a task no workflow declares is an error (the server never schedules it, so it
 * is dead code or a typo).
 */
import { relative } from 'node:path';
import { buildProject } from '../compiler/build.js';
import { type ResolvedConfig, loadConfig } from '../compiler/config.js';
import { formatDiagnostic } from '../compiler/diagnostics.js';
import { findFiles } from '../compiler/files.js';
import { loadModules } from '../compiler/load.js';
import { type AnyWorkerDefinition, isWorkerDefinition } from './implement.js';

export interface DiscoveredWorker {
  readonly worker: AnyWorkerDefinition;
  /** Project-relative file that exports it. */
  readonly file: string;
}

export interface Discovery {
  readonly config: ResolvedConfig;
  readonly workers: readonly DiscoveredWorker[];
  /** Task names the workflows declare (SIMPLE steps, compensations, exported declarations). */
  readonly declared: readonly string[];
  /** Declared tasks no worker implements. */
  readonly missing: readonly string[];
  /** Workers for tasks nothing declares. */
  readonly unknown: readonly DiscoveredWorker[];
  /** Problems that stop the workers from starting (load errors, duplicates). */
  readonly errors: readonly string[];
}

const SKIP = ['**/*.test.ts', '**/*.spec.ts', '**/*.d.ts', '**/*.test-d.ts'];

export async function discoverWorkers(root: string): Promise<Discovery> {
  const config = await loadConfig(root);
  const errors: string[] = [];
  const files = findFiles(config.root, config.workers, SKIP);
  const [loaded, build] = await Promise.all([
    loadModules(config.root, files),
    buildProject({ root: config.root, config, typecheck: false, dryRun: true }),
  ]);
  for (const d of loaded.diagnostics) if (d.severity === 'error') errors.push(formatDiagnostic(d, config.root));
  const buildErrors = build.diagnostics.filter((d) => d.severity === 'error');
  if (buildErrors.length > 0) {
    errors.push('the workflows do not compile, so the workers cannot be checked against them:');
    for (const d of buildErrors) errors.push(`  ${formatDiagnostic(d, config.root)}`);
  }

  const workers: DiscoveredWorker[] = [];
  const seen = new Map<AnyWorkerDefinition, string>();
  const byName = new Map<string, DiscoveredWorker>();
  for (const module of loaded.modules) {
    const file = relative(config.root, module.file);
    for (const value of Object.values(module.exports)) {
      if (!isWorkerDefinition(value) || seen.has(value)) continue;
      seen.set(value, file);
      const other = byName.get(value.name);
      if (other) {
        errors.push(`task '${value.name}' has two workers, in ${other.file} and ${file}; keep one`);
        continue;
      }
      const found = { worker: value, file };
      byName.set(value.name, found);
      workers.push(found);
    }
  }

  const declared = [...(build.result?.files.keys() ?? [])]
    .filter((f) => f.startsWith('tasks/'))
    .map((f) => JSON.parse(build.result!.files.get(f)!) as { name: string })
    .map((def) => def.name)
    .sort();
  const declaredSet = new Set(declared);
  const compiled = buildErrors.length === 0;
  return {
    config,
    workers,
    declared,
    missing: compiled ? declared.filter((name) => !byName.has(name)) : [],
    unknown: compiled ? workers.filter((w) => !declaredSet.has(w.worker.name)) : [],
    errors,
  };
}
