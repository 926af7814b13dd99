/**
 * The disk side of the build (compiler/build.ts): the same sources give byte-identical output
 * wherever the project lives; `--check` reports changed, missing and extra files; a failed build,
 * or a write that fails part-way, leaves the output directory exactly as it was.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProject, compareOutput, writeOutput } from '../../../compiler/build.js';
import { resolveConfig } from '../../../compiler/config.js';
import { projectRoot } from './helpers.js';

// The fixture imports 'baton' through the package self-reference (see locations.test.ts).
const fixtureRoot = resolve(projectRoot, 'test/fixtures/locations');
const scratch = mkdtempSync(join(tmpdir(), 'baton-build-test-'));
// A second copy of the fixture project elsewhere in the package (a dot-directory, which
// TypeScript's include globs skip), to show the output does not depend on where it lives.
const copyRoot = mkdtempSync(join(projectRoot, 'test', 'fixtures', '.determinism-'));

beforeAll(() => {
  if (!existsSync(join(projectRoot, 'dist', 'dsl.js'))) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: projectRoot });
  mkdirSync(join(copyRoot, 'workflows'));
  for (const file of ['ok.ts', 'tasks.ts']) cpSync(join(fixtureRoot, 'workflows', file), join(copyRoot, 'workflows', file));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(copyRoot, { recursive: true, force: true });
  rmSync(join(fixtureRoot, '.baton'), { recursive: true, force: true });
});

function build(options: { root?: string; outDir: string; files?: string[]; check?: boolean }) {
  const root = options.root ?? fixtureRoot;
  const config = resolveConfig(root, { workflows: (options.files ?? ['ok.ts', 'tasks.ts']).map((f) => `workflows/${f}`), outDir: options.outDir });
  return buildProject({ root, typecheck: false, config, ...(options.check && { check: true }) });
}

/** Every file under a directory with its content, by relative path. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.set(relative(dir, full), readFileSync(full, 'utf8'));
    }
  };
  walk(dir);
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

const leftovers = (outDir: string) => readdirSync(dirname(outDir)).filter((n) => n.startsWith(`${relative(dirname(outDir), outDir)}.`));

describe('building twice', () => {
  it('gives byte-identical files, wherever the project lives', async () => {
    const first = await build({ outDir: join(scratch, 'first') });
    const second = await build({ outDir: join(scratch, 'second') });
    const elsewhere = await build({ root: copyRoot, outDir: join(scratch, 'elsewhere') });
    for (const outcome of [first, second, elsewhere]) {
      expect(outcome.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(outcome.wrote).toBe(true);
    }
    const files = snapshot(join(scratch, 'first'));
    expect([...files.keys()]).toEqual([
      'diagrams/fixture_orders.v1.mmd',
      'manifest.json',
      'mcp/tools.json',
      'schedules/fixture_orders_nightly.json',
      'schemas/fixture_orders.v1.input.json',
      'schemas/fixture_orders.v1.output.json',
      'tasks/charge.json',
      'tasks/notify.json',
      'tasks/refund.json',
      'workflows/fixture_orders.v1.json',
      'workflows/fixture_orders_compensation.v1.json',
    ]);
    expect(snapshot(join(scratch, 'second'))).toEqual(files);
    expect(snapshot(join(scratch, 'elsewhere'))).toEqual(files);
    for (const [path, content] of files) expect(content.endsWith('}\n') || path.endsWith('.mmd'), path).toBe(true);
    // The manifest names sources relative to the project root, never an absolute path.
    expect(files.get('manifest.json')).not.toContain(projectRoot);
  });
});

describe('--check', () => {
  it('finds nothing to do on fresh output, then reports changed, missing and extra files', async () => {
    const outDir = join(scratch, 'checked');
    await build({ outDir });
    expect((await build({ outDir, check: true })).stale).toEqual([]);

    writeFileSync(join(outDir, 'tasks', 'notify.json'), '{}\n');
    unlinkSync(join(outDir, 'mcp', 'tools.json'));
    writeFileSync(join(outDir, 'workflows', 'old_flow.v1.json'), '{}\n');
    const before = snapshot(outDir);
    const outcome = await build({ outDir, check: true });
    expect(outcome.stale).toEqual([
      { file: 'mcp/tools.json', change: 'missing' },
      { file: 'tasks/notify.json', change: 'changed' },
      { file: 'workflows/old_flow.v1.json', change: 'extra' },
    ]);
    expect(outcome.wrote).toBe(false);
    // Checking never writes.
    expect(snapshot(outDir)).toEqual(before);
  });

  it('compareOutput treats a missing output directory as every file missing', () => {
    expect(compareOutput(join(scratch, 'never-built'), new Map([['b.json', '{}\n'], ['a.json', '{}\n']]))).toEqual([
      { file: 'a.json', change: 'missing' },
      { file: 'b.json', change: 'missing' },
    ]);
  });
});

describe('atomic output', () => {
  it('a build with errors leaves the output directory as it was', async () => {
    const outDir = join(scratch, 'kept');
    await build({ outDir });
    const before = snapshot(outDir);
    const failed = await build({ outDir, files: ['ok.ts', 'tasks.ts', 'broken-syntax.ts'] });
    expect(failed.diagnostics.map((d) => d.code)).toEqual(['syntax']);
    expect(failed.wrote).toBe(false);
    expect(snapshot(outDir)).toEqual(before);
    const invalid = await build({ outDir, files: ['steps.ts', 'tasks.ts'] });
    expect(invalid.wrote).toBe(false);
    expect(snapshot(outDir)).toEqual(before);
    expect(leftovers(outDir)).toEqual([]);
  });

  it('writeOutput replaces the whole directory, dropping files no longer generated', () => {
    const outDir = join(scratch, 'replaced');
    writeOutput(outDir, new Map([['a/one.json', '1\n'], ['two.json', '2\n']]));
    writeOutput(outDir, new Map([['two.json', '22\n'], ['b/three.json', '3\n']]));
    expect(snapshot(outDir)).toEqual(new Map([['b/three.json', '3\n'], ['two.json', '22\n']]));
    expect(leftovers(outDir)).toEqual([]);
  });

  it('writeOutput failing part-way leaves the old output untouched and no staging behind', () => {
    const outDir = join(scratch, 'interrupted');
    writeOutput(outDir, new Map([['keep.json', 'old\n']]));
    // 'x' as a file and as a directory cannot both be written.
    expect(() => writeOutput(outDir, new Map([['x', 'file\n'], ['x/y.json', 'nested\n']]))).toThrow();
    expect(snapshot(outDir)).toEqual(new Map([['keep.json', 'old\n']]));
    expect(leftovers(outDir)).toEqual([]);
  });
});
