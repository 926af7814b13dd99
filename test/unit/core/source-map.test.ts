/**
 * The loader's source map reader (compiler/source-map.ts) must answer exactly as Node's own
 * `SourceMap.findEntry` does, which it replaces for speed: on a real bundle made the way the
 * loader makes it, at every position of every line (and just outside), and on the odd maps a
 * bundler could write (segments without a source, names, segments out of order, nothing at all).
 */
import { SourceMap } from 'node:module';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { findFiles } from '../../../compiler/files.js';
import { BundleSourceMap } from '../../../compiler/source-map.js';
import { projectRoot } from './helpers.js';

type Found = { originalSource?: string; originalLine?: number; originalColumn?: number };

/** What the loader reads from an entry: where it came from, or nothing. */
const origin = (entry: Found) => (entry.originalSource ? [entry.originalSource, entry.originalLine, entry.originalColumn] : null);

function sameAnswers(mapText: string, positions: Iterable<[number, number]>): number {
  const node = new SourceMap(JSON.parse(mapText));
  const ours = new BundleSourceMap(mapText);
  let compared = 0;
  for (const [line, column] of positions) {
    expect(origin(ours.findEntry(line, column)), `line ${line} column ${column}`).toEqual(origin(node.findEntry(line, column) as Found));
    compared++;
  }
  return compared;
}

function* everyPosition(code: string): Iterable<[number, number]> {
  const lines = code.split('\n');
  for (let line = -1; line <= lines.length + 1; line++) {
    const length = lines[line]?.length ?? 0;
    for (let column = -1; column <= length + 1; column++) yield [line, column];
  }
}

const map = (mappings: string, sources = ['a.ts', 'b.ts'], names: string[] = []) => JSON.stringify({ version: 3, sources, names, mappings });

describe('the bundle source map', () => {
  it('maps every position of a real bundle as Node does', async () => {
    // The shipped workflows and the location fixtures, bundled as compiler/load.ts bundles them.
    const root = resolve(projectRoot, 'test/fixtures/locations');
    const files = [...findFiles(projectRoot, ['workflows/**/*.ts'], ['**/*.test.ts']), ...findFiles(root, ['workflows/ok.ts', 'workflows/steps.ts', 'workflows/tasks.ts'], [])];
    const entry = files.map((file, i) => `import * as m${i} from ${JSON.stringify(file)};\nexport { m${i} };`).join('\n');
    const result = await build({
      stdin: { contents: entry, resolveDir: projectRoot, sourcefile: '<entry>.ts', loader: 'ts' },
      absWorkingDir: projectRoot,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'esnext',
      packages: 'external',
      sourcemap: 'external',
      sourcesContent: false,
      write: false,
      outfile: join(projectRoot, '.baton', 'cache', 'source-map-test', 'bundle.mjs'),
      logLevel: 'silent',
    });
    const code = result.outputFiles.find((f) => f.path.endsWith('.mjs'))!.text;
    const mapText = result.outputFiles.find((f) => f.path.endsWith('.map'))!.text;
    expect(sameAnswers(mapText, everyPosition(code))).toBeGreaterThan(10_000);
  });

  it('agrees on segments without a source, names, several sources and lines without mappings', () => {
    // Line 0: a source-less segment, then a.ts; line 2 (after an empty line): b.ts with a name.
    const text = map('A,CAAA,EAAC;;ACCAA,GAAGC', ['a.ts', 'b.ts'], ['x', 'y']);
    const grid: [number, number][] = [];
    for (let line = -1; line < 5; line++) for (let column = -1; column < 8; column++) grid.push([line, column]);
    sameAnswers(text, grid);
  });

  it('agrees when segments are out of order, and when there are none', () => {
    const grid: [number, number][] = [];
    for (let line = -1; line < 3; line++) for (let column = -1; column < 12; column++) grid.push([line, column]);
    // Columns 10, then 2 (a negative delta), then 6 on one line: Node sorts them.
    sameAnswers(map('UAAA,RAAC,IAAE;AAAA'), grid);
    sameAnswers(map(''), grid);
    sameAnswers(map(';;;'), grid);
  });

  it('agrees on a source index past the list of sources', () => {
    const grid: [number, number][] = [];
    for (let column = -1; column < 6; column++) grid.push([0, column]);
    sameAnswers(map('AAAA,CEAA', ['a.ts']), grid);
  });
});
