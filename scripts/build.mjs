// Builds dist/: the CLI, the authoring API ('baton'), the runtime for workers and clients
// ('baton/runtime') and the workflow test helper ('baton/testing') as ES module bundles
// (dependencies stay external).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

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
