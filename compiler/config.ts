/**
 * Reads the project configuration, `baton.config.ts` (or `.js`/`.mjs`) at the project root, and
 * fills in defaults. A project without one gets the defaults.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { BatonConfig, McpConfig } from './config-types.js';
import { type PolicyTable, policyTable } from './policy.js';
import { cacheDir } from './load.js';

export const CONFIG_FILES = ['baton.config.ts', 'baton.config.mts', 'baton.config.js', 'baton.config.mjs'];

export interface ResolvedConfig {
  readonly root: string;
  readonly configFile?: string;
  readonly workflows: readonly string[];
  readonly workers: readonly string[];
  readonly outDir: string;
  readonly ownerEmail?: string;
  readonly policy: PolicyTable;
  readonly tsconfig: string;
  readonly mcp: McpConfig;
}

export function resolveConfig(root: string, config: BatonConfig, configFile?: string): ResolvedConfig {
  return {
    root,
    ...(configFile !== undefined && { configFile }),
    workflows: config.workflows ?? ['workflows/**/*.ts'],
    workers: config.workers ?? ['workers/**/*.ts'],
    outDir: resolve(root, config.outDir ?? 'generated'),
    ...(config.ownerEmail !== undefined && { ownerEmail: config.ownerEmail }),
    policy: policyTable(config.policy),
    tsconfig: resolve(root, config.tsconfig ?? 'tsconfig.json'),
    mcp: config.mcp ?? {},
  };
}

let sequence = 0;

export async function loadConfig(root: string): Promise<ResolvedConfig> {
  const file = CONFIG_FILES.map((f) => join(root, f)).find((f) => existsSync(f));
  if (!file) return resolveConfig(root, {});
  const dir = join(cacheDir(root), `config-${process.pid}-${++sequence}`);
  const outfile = join(dir, 'baton.config.mjs');
  try {
    const result = await build({
      entryPoints: [file],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'esnext',
      packages: 'external',
      write: false,
      outfile,
      logLevel: 'silent',
    });
    mkdirSync(dir, { recursive: true });
    writeFileSync(outfile, result.outputFiles[0]!.text);
    const loaded = (await import(pathToFileURL(outfile).href)) as { default?: BatonConfig };
    if (!loaded.default || typeof loaded.default !== 'object') {
      throw new Error(`${file} must export default defineConfig({ … })`);
    }
    return resolveConfig(root, loaded.default, file);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot read ${file}: ${detail}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
