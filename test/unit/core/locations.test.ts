/**
 * Diagnostic locations end to end, through the real loader (esbuild bundle, native import,
 * source maps) and the real type-checker: every diagnostic must point at the author's line and
 * column, the builder call that caused it.
 *
 * How the fixture project resolves `baton`: its files live inside this package and it has no
 * package.json of its own, so `import … from 'baton'` is the package's self-reference (Node and
 * TypeScript alike): `dist/dsl.js` at run time (built by `node scripts/build.mjs`, done below if
 * missing) and `dsl/index.ts` for types. A fixture package.json would hide the self-reference
 * (the nearest package.json decides), and importing `dsl/` by relative path would bundle baton
 * into the workflow bundle, where its frames could no longer be told from the author's.
 * Files named `broken-*` are excluded from the repository's tsconfig; the fixture's own
 * tsconfig.json (used by the build's type-check) includes them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProject } from '../../../compiler/build.js';
import { resolveConfig } from '../../../compiler/config.js';
import { type Diagnostic, formatDiagnostic } from '../../../compiler/diagnostics.js';
import { projectRoot } from './helpers.js';

const fixtureRoot = resolve(projectRoot, 'test/fixtures/locations');

beforeAll(() => {
  if (!existsSync(join(projectRoot, 'dist', 'dsl.js'))) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: projectRoot });
});

afterAll(() => {
  // The loader and the type-check keep their scratch files under the project's .baton/.
  rmSync(join(fixtureRoot, '.baton'), { recursive: true, force: true });
});

function build(files: readonly string[], typecheck = false) {
  const config = resolveConfig(fixtureRoot, { workflows: files.map((f) => `workflows/${f}`) });
  return buildProject({ root: fixtureRoot, typecheck, dryRun: true, config });
}

/** `workflows/<file>:line:column` of the one line holding `line`, at the first `point` on it. */
function at(file: string, line: string, point: string): string {
  const lines = readFileSync(join(fixtureRoot, 'workflows', file), 'utf8').split('\n');
  const found = lines.flatMap((text, i) => (text.includes(line) ? [i] : []));
  if (found.length !== 1) throw new Error(`'${line}' occurs ${found.length} times in ${file}`);
  const index = found[0]!;
  const column = lines[index]!.indexOf(point);
  if (column < 0) throw new Error(`'${point}' is not on the line of '${line}'`);
  return `workflows/${file}:${index + 1}:${column + 1}`;
}

const where = (d: Diagnostic) => `${relative(fixtureRoot, d.loc.file)}:${d.loc.line}:${d.loc.column}`;
const located = (diagnostics: readonly Diagnostic[]) => diagnostics.map((d) => [where(d), d.code]);

describe('diagnostic locations', () => {
  it('point at the builder call of each step, compensation and inline function', async () => {
    const outcome = await build(['steps.ts', 'tasks.ts']);
    expect(located(outcome.diagnostics)).toEqual([
      [at('steps.ts', "{ ref: 'reader' }", 'run'), 'ref-maybe-not-run'],
      [at('steps.ts', "text: 'b' }, { ref: 'twice' }", 'run'), 'duplicate-ref'],
      [at('steps.ts', "reason: 'nope'", 'compensate'), 'duplicate-compensation'],
      [at('steps.ts', "reason: 'nope'", 'compensate'), 'input-schema'],
      [at('steps.ts', "wf.inline('closure'", 'inline'), 'script-closure'],
      [at('steps.ts', '.nmae', 'run'), 'ref-unknown-field'],
    ]);
    const duplicate = outcome.diagnostics.find((d) => d.code === 'duplicate-ref')!;
    expect(duplicate.hint).toBe(`the other is at line ${at('steps.ts', "text: 'a' }, { ref: 'twice' }", 'run').split(':')[1]}; give one a different ref`);
    expect(formatDiagnostic(outcome.diagnostics[0]!, fixtureRoot)).toBe(
      `${at('steps.ts', "{ ref: 'reader' }", 'run')}  ref-maybe-not-run  step 'reader' (text) reads 'notify' is inside a branch that may not have run` +
        '  (hint: return the value from each branch and read it from the switch step’s output)',
    );
    expect(outcome.wrote).toBe(false);
  });

  it('point at the workflow() call for workflow-level problems, and at a conflicting task() declaration', async () => {
    const outcome = await build(['shape.ts', 'tasks.ts']);
    expect(located(outcome.diagnostics)).toEqual([
      [at('shape.ts', 'export const empty = workflow(', 'workflow('), 'invalid-cron'],
      [at('shape.ts', 'export const empty = workflow(', 'workflow('), 'no-steps'],
      [at('tasks.ts', "export const notify = task('notify'", 'task('), 'conflicting-task'],
    ]);
    const conflict = outcome.diagnostics.find((d) => d.code === 'conflicting-task')!;
    expect(conflict.hint).toBe(`the other declaration is at ${at('shape.ts', "export const notifyAgain = task('notify'", 'task').split(':').slice(0, 2).join(':')}; declare it once and import it`);
  });

  it('an exception thrown while the body records its steps points at the throw', async () => {
    const outcome = await build(['throws-in-body.ts', 'tasks.ts']);
    expect(outcome.diagnostics.map((d) => [where(d), d.code, d.message])).toEqual([
      [at('throws-in-body.ts', "throw new Error('workflow bodies", 'new'), 'body-threw', "the body of workflow 'location_throws' threw: workflow bodies must not read secrets"],
    ]);
  });

  it('a module that throws at its top level points at the throwing line', async () => {
    const outcome = await build(['throws-at-top.ts', 'tasks.ts']);
    expect(located(outcome.diagnostics)).toEqual([[at('throws-at-top.ts', 'JSON.parse(', 'parse'), 'module-threw']]);
    expect(outcome.diagnostics[0]!.message).toMatch(/^loading the workflow modules failed: /);
    expect(outcome.result).toBeUndefined();
  });

  it('a loader warning points at its line and does not stop the build', async () => {
    const outcome = await build(['broken-duplicate-key.ts', 'tasks.ts']);
    expect(outcome.diagnostics.map((d) => [where(d), d.code, d.severity])).toEqual([[at('broken-duplicate-key.ts', "text: 'second'", 'text: \'second\''), 'bundle-warning', 'warning']]);
    expect(outcome.diagnostics[0]!.message).toMatch(/Duplicate key "text"/);
  });

  it('a syntax error points at the offending token', async () => {
    const outcome = await build(['broken-syntax.ts', 'tasks.ts']);
    expect(outcome.diagnostics.map((d) => [where(d), d.code, d.message])).toEqual([[at('broken-syntax.ts', "{ text: 'ok' }) +;", ';'), 'syntax', 'Unexpected ";"']]);
    expect(outcome.result).toBeUndefined();
  });

  it('a type error found by the type-check points at the expression', async () => {
    const outcome = await build(['broken-types.ts', 'tasks.ts'], true);
    expect(outcome.diagnostics.map((d) => [where(d), d.code])).toEqual([[at('broken-types.ts', 'text: wf.input.count', 'text'), 'TS2322']]);
    expect(outcome.diagnostics[0]!.message).toMatch(/^Type 'RefBase<number>' is not assignable to type 'string \| RefBase<string>'/);
  });
});
