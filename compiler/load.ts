/**
 * Loads workflow modules fast: esbuild bundles every file into one ES module (one parse, one
 * import), dependencies stay external, and the source map is kept in memory so call sites
 * recorded at run time map back to the author's `.ts` line.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Message } from 'esbuild';
import type { SourceLoc } from '../ir/source.js';
import type { LocationMapper } from '../dsl/recorder.js';
import type { Diagnostic } from './diagnostics.js';
import { BundleSourceMap } from './source-map.js';

export interface LoadedModule {
  /** Absolute path of the source file. */
  readonly file: string;
  readonly exports: Readonly<Record<string, unknown>>;
}

export interface LoadResult {
  readonly modules: readonly LoadedModule[];
  readonly mapLoc: LocationMapper;
  readonly diagnostics: readonly Diagnostic[];
}

let sequence = 0;

function esbuildDiagnostic(message: Message, root: string, severity: 'error' | 'warning'): Diagnostic {
  const loc = message.location;
  return {
    loc: loc ? { file: resolve(root, loc.file), line: loc.line, column: loc.column + 1 } : { file: '<bundle>', line: 0, column: 0 },
    code: severity === 'error' ? 'syntax' : 'bundle-warning',
    message: message.text,
    severity,
  };
}

/** Where loaded bundles are written: inside the project, so its packages resolve. */
export function cacheDir(root: string): string {
  return join(root, '.baton', 'cache');
}

export async function loadModules(root: string, files: readonly string[]): Promise<LoadResult> {
  if (files.length === 0) return { modules: [], mapLoc: (l) => l, diagnostics: [] };
  const imports = files.map((file, i) => `import * as m${i} from ${JSON.stringify(file)};`).join('\n');
  const list = files.map((file, i) => `[${JSON.stringify(file)}, m${i}]`).join(',\n');
  const entry = `${imports}\nexport const modules = [\n${list}\n];\n`;
  const dir = join(cacheDir(root), `load-${process.pid}-${++sequence}`);
  const outfile = join(dir, 'workflows.mjs');
  let result;
  try {
    result = await build({
      stdin: { contents: entry, resolveDir: root, sourcefile: '<baton-entry>.ts', loader: 'ts' },
      // esbuild reports file paths relative to its working directory: make that the project root.
      absWorkingDir: root,
      bundle: true,
      format: 'esm',
      platform: 'node',
      // Functions passed to `when`/`inline` are shipped as source text: nothing may be lowered.
      target: 'esnext',
      packages: 'external',
      sourcemap: 'external',
      // Positions are all the loader reads from the map; the sources are on disk.
      sourcesContent: false,
      write: false,
      outfile,
      logLevel: 'silent',
      keepNames: false,
    });
  } catch (error) {
    const failure = error as { errors?: Message[]; warnings?: Message[] };
    const diagnostics = (failure.errors ?? []).map((m) => esbuildDiagnostic(m, root, 'error'));
    if (diagnostics.length === 0) throw error;
    return { modules: [], mapLoc: (l) => l, diagnostics };
  }
  const js = result.outputFiles.find((f) => f.path.endsWith('.mjs'));
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'));
  if (!js || !map) throw new Error('esbuild produced no output for the workflow bundle');
  mkdirSync(dir, { recursive: true });
  writeFileSync(outfile, js.text);
  // Decoded on the first lookup: most locations are never read.
  const sourceMap = new BundleSourceMap(map.text);
  const bundleFile = outfile;
  // Every step of a workflow file maps to the same source: resolve each source's path once.
  const sourcePaths = new Map<string, string>();
  const sourcePath = (original: string): string => {
    let path = sourcePaths.get(original);
    if (path === undefined) {
      path = original.startsWith('file://') ? new URL(original).pathname : resolve(dir, original);
      sourcePaths.set(original, path);
    }
    return path;
  };
  const mapLoc: LocationMapper = (loc: SourceLoc) => {
    if (loc.file !== bundleFile) return loc;
    const entryFound = sourceMap.findEntry(loc.line - 1, loc.column - 1);
    if (!entryFound.originalSource) return loc;
    const source = sourcePath(entryFound.originalSource);
    return { file: source, line: (entryFound.originalLine ?? 0) + 1, column: (entryFound.originalColumn ?? 0) + 1 };
  };
  const diagnostics: Diagnostic[] = result.warnings.map((m) => esbuildDiagnostic(m, root, 'warning'));
  try {
    const loaded = (await import(pathToFileURL(outfile).href)) as { modules: [string, Record<string, unknown>][] };
    return { modules: loaded.modules.map(([file, exports]) => ({ file, exports })), mapLoc, diagnostics };
  } catch (error) {
    const loc = error instanceof Error ? stackLoc(error, bundleFile, mapLoc) : undefined;
    diagnostics.push({
      loc: loc ?? { file: relative(root, files[0]!), line: 0, column: 0 },
      code: 'module-threw',
      message: `loading the workflow modules failed: ${error instanceof Error ? error.message : String(error)}`,
      hint: 'module top level should only declare tasks and workflows',
      severity: 'error',
    });
    return { modules: [], mapLoc, diagnostics };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function stackLoc(error: Error, bundleFile: string, mapLoc: LocationMapper): SourceLoc | undefined {
  for (const line of (error.stack ?? '').split('\n')) {
    const at = line.indexOf(bundleFile);
    if (at < 0) continue;
    const m = /:(\d+):(\d+)/.exec(line.slice(at + bundleFile.length));
    if (m) return mapLoc({ file: bundleFile, line: Number(m[1]), column: Number(m[2]) });
  }
  return undefined;
}
