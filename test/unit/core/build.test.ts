/**
 * The disk side of the build (compiler/build.ts): the same sources give byte-identical output
 * wherever the project lives; `--check` reports changed, missing and extra files; a failed build,
 * or a write that fails part-way, leaves the output directory exactly as it was.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyChanges, buildProject, compareOutput, writeOutput } from '../../../compiler/build.js';
import { resolveConfig } from '../../../compiler/config.js';
import { projectRoot } from './helpers.js';

// Two copies of the fixture project's files, each in a dot-directory of the package (the
// self-reference resolves 'baton', see locations.test.ts; TypeScript's include globs skip dot
// directories). Copies, so this file never shares scratch space with another test file.
const fixtureRoot = resolve(projectRoot, 'test/fixtures/locations');
const FILES = ['ok.ts', 'tasks.ts', 'steps.ts', 'broken-syntax.ts'];
const mainRoot = mkdtempSync(join(projectRoot, 'test', 'fixtures', '.build-'));
const copyRoot = mkdtempSync(join(projectRoot, 'test', 'fixtures', '.build-'));
const scratch = mkdtempSync(join(tmpdir(), 'baton-build-test-'));

beforeAll(() => {
  if (!existsSync(join(projectRoot, 'dist', 'dsl.js'))) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: projectRoot });
  for (const root of [mainRoot, copyRoot]) {
    mkdirSync(join(root, 'workflows'));
    for (const file of FILES) cpSync(join(fixtureRoot, 'workflows', file), join(root, 'workflows', file));
  }
});

afterAll(() => {
  for (const dir of [mainRoot, copyRoot, scratch]) rmSync(dir, { recursive: true, force: true });
});

function build(options: { root?: string; outDir: string; files?: string[]; check?: boolean }) {
  const root = options.root ?? mainRoot;
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
    // The manifest names files relative to the project root, so each project writes to the same
    // place inside itself.
    const outDir = (root: string) => join(root, '.baton', 'generated');
    const first = await build({ outDir: outDir(mainRoot) });
    const firstFiles = snapshot(outDir(mainRoot));
    const second = await build({ outDir: outDir(mainRoot) });
    const elsewhere = await build({ root: copyRoot, outDir: outDir(copyRoot) });
    for (const outcome of [first, second, elsewhere]) {
      expect(outcome.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(outcome.wrote).toBe(true);
    }
    const files = firstFiles;
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
    expect(snapshot(outDir(mainRoot))).toEqual(files);
    expect(snapshot(outDir(copyRoot))).toEqual(files);
    for (const [path, content] of files) expect(content.endsWith('}\n') || path.endsWith('.mmd'), path).toBe(true);
    // Nothing in the output names an absolute path.
    for (const [path, content] of files) expect(content, path).not.toContain(projectRoot);
    expect(JSON.parse(files.get('manifest.json')!).workflows[1]).toMatchObject({ file: '.baton/generated/workflows/fixture_orders.v1.json', source: 'workflows/ok.ts' });
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

  it('applyChanges writes only what changed, removes what is no longer generated, and keeps the rest untouched', () => {
    const outDir = join(scratch, 'incremental');
    writeOutput(outDir, new Map([['a/one.json', '1\n'], ['a/gone.json', 'x\n'], ['old/only.json', 'o\n'], ['same.json', 's\n']]));
    const before = statSync(join(outDir, 'same.json')).mtimeMs;
    const next = new Map([['a/one.json', '11\n'], ['same.json', 's\n'], ['b/new.json', 'n\n']]);
    applyChanges(outDir, next, compareOutput(outDir, next));
    expect(snapshot(outDir)).toEqual(new Map([['a/one.json', '11\n'], ['b/new.json', 'n\n'], ['same.json', 's\n']]));
    expect(statSync(join(outDir, 'same.json')).mtimeMs).toBe(before);
    // A folder left empty goes too.
    expect(existsSync(join(outDir, 'old'))).toBe(false);
  });

  it('applyChanges failing while writing leaves the output as it was, with no temporary files', () => {
    const outDir = join(scratch, 'incremental-interrupted');
    writeOutput(outDir, new Map([['keep.json', 'old\n'], ['x', 'a file\n']]));
    // 'x' is a file: nothing can be written under it.
    const next = new Map([['keep.json', 'new\n'], ['x', 'a file\n'], ['x/y.json', 'nested\n']]);
    expect(() => applyChanges(outDir, next, compareOutput(outDir, next))).toThrow();
    expect(snapshot(outDir)).toEqual(new Map([['keep.json', 'old\n'], ['x', 'a file\n']]));
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
