/**
 * Compiles the shipped workflows exactly as `baton build` does (config, esbuild bundle, source
 * map, JSDoc) and prints the result as JSON on stdout. Run in its own Node process by
 * shipped.test.ts (`node scripts/run-ts.mjs test/unit/golden/compile-shipped.ts`): inside the
 * test runner, the workflow bundle would be transformed again and call sites would no longer
 * match its source map, so descriptions taken from JSDoc would be lost.
 */
import { exportedDefinitions } from '../../../compiler/build.js';
import { compile } from '../../../compiler/compile.js';
import { loadConfig } from '../../../compiler/config.js';
import { findFiles } from '../../../compiler/files.js';
import { loadModules } from '../../../compiler/load.js';

export interface ShippedCompilation {
  readonly diagnostics: readonly { file: string; line: number; severity: string; code: string; message: string }[];
  readonly files: Record<string, string>;
  readonly workflows: readonly { name: string; description: string | null; examples: number; exposed: boolean }[];
}

const root = process.cwd();
const config = await loadConfig(root);
const files = findFiles(root, config.workflows, ['**/*.test.ts', '**/*.d.ts', '**/*.spec.ts']);
const loaded = await loadModules(root, files);
const { workflows, taskDecls } = exportedDefinitions(loaded.modules);
const result = compile({ config, workflows, taskDecls, mapLoc: loaded.mapLoc });

const output: ShippedCompilation = {
  diagnostics: [...loaded.diagnostics, ...result.diagnostics].map((d) => ({
    file: d.loc.file,
    line: d.loc.line,
    severity: d.severity,
    code: d.code,
    message: d.message,
  })),
  files: Object.fromEntries(result.files),
  workflows: result.workflows.map((w) => ({
    name: w.ir.name,
    description: w.ir.description ?? null,
    examples: w.ir.examples.length,
    exposed: w.tool !== undefined,
  })),
};
process.stdout.write(JSON.stringify(output));
