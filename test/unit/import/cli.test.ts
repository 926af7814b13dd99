/**
 * `baton import` on the command line: files in, modules out, a report, and clear failures.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';
import { projectRoot, scratchDir } from './helpers.js';

const dir = scratchDir('cli');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const write = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  process.stdout.write = ((chunk: string) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => err.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    const code = await main(['import', '--root', projectRoot, ...args]);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}

describe('baton import (files)', () => {
  it('writes a module per workflow, the task declarations, and a report', async () => {
    const out = join(dir, 'modules');
    const { code, out: stdout, err } = await run(['test/fixtures/import/payment_flow.json', 'test/fixtures/import/task_definitions.json', '--out', relative(projectRoot, out)]);
    expect(err).toContain('is not matched by the workflow globs');
    expect(code).toBe(0);
    expect(stdout).toContain('Imported 2 workflows into');
    expect(stdout).toContain('each builds back to its definition');
    expect(stdout).toMatch(/payment_flow v2 +payment_flow\.v2\.ts: 4 steps, \d+ typed expressions, 0 raw/);
    expect(stdout).toContain('tasks.ts: 2 worker task declarations, 2 with the registered definition kept');
    expect(existsSync(join(out, 'payment_flow.v1.ts'))).toBe(true);
    const tasks = readFileSync(join(out, 'tasks.ts'), 'utf8');
    expect(tasks).toContain("export const authorisePaymentTask = task('authorise_payment', {");
    expect(readFileSync(join(out, 'payment_flow.v2.ts'), 'utf8')).toContain('// Workflow \'payment_flow\' version 2, imported by `baton import` from test/fixtures/import/payment_flow.json.');
  }, 60_000);

  it('says which file is not a definition, and where', async () => {
    mkdirSync(dir, { recursive: true });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'w', tasks: [{ name: 'a' }, { taskReferenceName: 'b', name: 'b', inputParameters: 'x' }] }));
    const { code, err } = await run([relative(projectRoot, bad), '--out', relative(projectRoot, join(dir, 'x'))]);
    expect(code).toBe(1);
    expect(err).toContain('bad.json: not a Conductor definition:');
    expect(err).toContain('$.tasks[0].taskReferenceName must be a non-empty string');
    expect(err).toContain('$.tasks[1].inputParameters must be an object');
    const missing = await run(['nowhere.json', '--out', 'x']);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/cannot read nowhere\.json/);
  });

  it('needs files or a server, not neither', async () => {
    const { code, err } = await run(['--out', 'x']);
    expect(code).toBe(2);
    expect(err).toContain('Give either JSON files or --from-server');
  });
});
