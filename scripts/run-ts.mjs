#!/usr/bin/env node
// Runs one TypeScript file of this repository (a bench, a test helper) under plain Node: esbuild
// bundles it with everything it imports from the repository into .baton/cache (npm packages stay
// external and resolve from the project), then it is imported. Arguments after the file are
// passed on in process.argv, as if the file had been run directly.
//
//   node scripts/run-ts.mjs bench/compile.ts --runs 5
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [file, ...args] = process.argv.slice(2);
if (!file || !file.endsWith('.ts')) {
  console.error('usage: node scripts/run-ts.mjs <file.ts> [arguments…]');
  process.exit(2);
}

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = resolve(file);
const dir = join(root, '.baton', 'cache', `run-ts-${process.pid}`);
const outfile = join(dir, basename(entry).replace(/\.ts$/, '.mjs'));

await build({
  entryPoints: [entry],
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'inline',
  outfile,
  logLevel: 'warning',
});

// Stack traces then point at the .ts files.
process.setSourceMapsEnabled(true);
process.argv = [process.argv[0], entry, ...args];
try {
  await import(pathToFileURL(outfile).href);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
