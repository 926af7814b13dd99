// Builds dist/: the CLI, the authoring API ('baton'), the runtime for workers and clients
// ('baton/runtime') and the workflow test helper ('baton/testing') as ES module bundles
// (dependencies stay external), and their type declarations in dist/types: a project using
// baton type-checks against those, never against baton's sources under its own settings.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: 'cli/main.ts', dsl: 'dsl/index.ts', runtime: 'runtime/index.ts', testing: 'runtime/testing.ts' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});

// tsconfig.types.json lists the entry points; tsc emits only their declarations.
const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
try {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.types.json'], { cwd: root, stdio: 'inherit' });
} catch {
  console.error('build: the type declarations (dist/types) could not be emitted; see the errors above');
  process.exit(1);
}
