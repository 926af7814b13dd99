/**
 * Where `register` and `validate` get their definitions: a fresh compile of the workflow files
 * (the default, so what is registered is what the sources say), or the committed `generated/`
 * folder with `--from-generated` (what CI checked with `baton build --check`).
 */
import { buildProject } from '../compiler/build.js';
import { loadConfig } from '../compiler/config.js';
import type { Diagnostic } from '../compiler/diagnostics.js';
import { type DefinitionSet, definitionsFromBuild, definitionsFromGenerated } from './definitions.js';

export interface LoadOptions {
  readonly root: string;
  readonly fromGenerated?: boolean;
  /** Type-check the workflow files while compiling (ignored with fromGenerated). */
  readonly typecheck?: boolean;
}

export type Loaded =
  | { readonly ok: true; readonly definitions: DefinitionSet; readonly warnings: readonly Diagnostic[]; readonly ms: number }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[]; readonly root: string };

export async function loadDefinitions(options: LoadOptions): Promise<Loaded> {
  const started = performance.now();
  const config = await loadConfig(options.root);
  if (options.fromGenerated) {
    return { ok: true, definitions: definitionsFromGenerated(config.root, config.outDir), warnings: [], ms: performance.now() - started };
  }
  const outcome = await buildProject({ root: options.root, config, dryRun: true, typecheck: options.typecheck ?? true });
  const errors = outcome.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !outcome.result) return { ok: false, diagnostics: outcome.diagnostics, root: config.root };
  return {
    ok: true,
    definitions: definitionsFromBuild(outcome),
    warnings: outcome.diagnostics.filter((d) => d.severity === 'warning'),
    ms: performance.now() - started,
  };
}
