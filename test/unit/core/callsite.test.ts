/**
 * Call sites (dsl/callsite.ts): a build only numbers the builder calls a workflow body makes;
 * the first time a location of that body is read, the body runs once more with the stack read
 * at every call. These tests check that this stays invisible: locations read like plain data,
 * the body is not run again until a location is read (and then once), each call gets its own
 * position in the author's file (through the real loader and its source map, read in any order,
 * nested blocks, compensations and inlined sub-workflows included), and a body that makes other
 * calls the second time falls back to the workflow's own location rather than pointing at the
 * wrong line. The positions of diagnostics are checked by locations.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProject } from '../../../compiler/build.js';
import { resolveConfig } from '../../../compiler/config.js';
import { task, workflow, z } from '../../../dsl/index.js';
import { WORKFLOW } from '../../../dsl/brands.js';
import type { SourceLoc } from '../../../ir/source.js';
import type { StepBase } from '../../../ir/step.js';
import type { WorkflowIR } from '../../../ir/workflow.js';
import { walkSteps } from '../../../tasktypes/registry.js';
import type { SubWorkflowNode } from '../../../tasktypes/sub-workflow.js';
import { projectRoot } from './helpers.js';

const thisFile = fileURLToPath(import.meta.url);
const echo = task('callsite_echo', { input: z.object({ text: z.string() }), output: z.object({ text: z.string() }) });
const io = { input: z.object({ text: z.string() }), output: z.object({ text: z.string() }) };

function stepsOf(steps: readonly StepBase[]): StepBase[] {
  const all: StepBase[] = [];
  walkSteps(steps, (step) => all.push(step));
  return all;
}

// A project inside the package, so that `baton` is the package's own dist/ (see locations.test.ts).
const root = resolve(projectRoot, '.baton', 'test-callsite');
const SOURCE = `import { task, when, workflow, z } from 'baton';

const text = z.object({ text: z.string() });
export const echo = task('calls_echo', { input: text, output: text });
export const undo = task('calls_undo', { input: text, output: z.object({}) });

export const child = workflow('calls_child', { input: text, output: text }, (wf) => {
  const one = wf.run(echo, { text: wf.input.text }, { ref: 'child_one' });
  const two = wf.run(echo, { text: one.output.text }, { ref: 'child_two' });
  return { text: two.output.text };
});

export default workflow('calls_parent', { input: text, output: text }, (wf) => {
  const first = wf.run(echo, { text: wf.input.text }, { ref: 'first' }).compensate(undo, (done) => ({ text: done.output.text }));
  wf.if(
    'check',
    when({ t: first.output.text }, ($) => $.t === 'x'),
    (then) => then.run(echo, { text: first.output.text }, { ref: 'inside' }),
  );
  const sub = wf.subWorkflow(child, { text: first.output.text }, { inline: true });
  const last = wf.run(echo, { text: sub.output.text }, { ref: 'last' });
  return { text: last.output.text };
});
`;

/** \`line:column\` of the first \`point\` on the one line holding \`line\`. */
function at(line: string, point: string): string {
  const lines = SOURCE.split('\n');
  const found = lines.flatMap((t, i) => (t.includes(line) ? [i] : []));
  if (found.length !== 1) throw new Error(`'${line}' occurs ${found.length} times`);
  return `${found[0]! + 1}:${lines[found[0]!]!.indexOf(point) + 1}`;
}

const where = (loc: SourceLoc) => `${loc.line}:${loc.column}`;

beforeAll(() => {
  if (!existsSync(join(projectRoot, 'dist', 'dsl.js'))) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: projectRoot });
  mkdirSync(join(root, 'workflows'), { recursive: true });
  writeFileSync(join(root, 'workflows', 'calls.ts'), SOURCE);
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('call sites', () => {
  it('point at each call in the author\'s file, in whatever order they are read', async () => {
    const outcome = await buildProject({ root, typecheck: false, dryRun: true, config: resolveConfig(root, {}) });
    expect(outcome.diagnostics).toEqual([]);
    const parent = outcome.result!.workflows.find((w) => w.ir.name === 'calls_parent')!.ir;
    const steps = new Map(stepsOf(parent.steps).map((s) => [s.ref, s]));
    const step = (ref: string) => steps.get(ref)!;
    const file = join(root, 'workflows', 'calls.ts');
    // Last call first: the replay numbers the calls as the first run did.
    expect(where(step('last').loc)).toBe(at("{ ref: 'last' }", 'run'));
    expect(step('last').loc.file).toBe(file);
    expect(where(step('inside').loc)).toBe(at("{ ref: 'inside' }", 'run'));
    expect(where(step('check').loc)).toBe(at('wf.if(', 'if'));
    expect(where(step('first').loc)).toBe(at("{ ref: 'first' }", 'run'));
    expect(where(step('first').compensation!.loc)).toBe(at("{ ref: 'first' }", 'compensate'));
    expect(where(parent.loc)).toBe(at("workflow('calls_parent'", 'workflow'));
    // An inlined child keeps its own calls' positions; the parent's calls after it keep theirs.
    const sub = [...steps.values()].find((s) => s.kind === 'subWorkflow') as SubWorkflowNode;
    expect(where(sub.loc)).toBe(at('wf.subWorkflow(child', 'subWorkflow'));
    const inlined = new Map(stepsOf(sub.inlineDefinition!.steps).map((s) => [s.ref, s]));
    expect(where(inlined.get('child_two')!.loc)).toBe(at("{ ref: 'child_two' }", 'run'));
    expect(where(inlined.get('child_one')!.loc)).toBe(at("{ ref: 'child_one' }", 'run'));
    const child: WorkflowIR = outcome.result!.workflows.find((w) => w.ir.name === 'calls_child')!.ir;
    expect(where(stepsOf(child.steps)[1]!.loc)).toBe(at("{ ref: 'child_two' }", 'run'));
  });

  it('read like plain data: fields, spread, JSON, equality, frozen', () => {
    const flow = workflow('callsite_data', io, (wf) => ({ text: wf.run(echo, { text: wf.input.text }).output.text }));
    const [step] = flow[WORKFLOW].build().ir.steps;
    const loc: SourceLoc = step!.loc;
    const plain = { file: loc.file, line: loc.line, column: loc.column };
    expect(plain.file).toBe(thisFile);
    expect(plain.line).toBeGreaterThan(0);
    expect(Object.keys(loc)).toEqual(['file', 'line', 'column']);
    expect({ ...loc }).toEqual(plain);
    expect(JSON.parse(JSON.stringify(loc))).toEqual(plain);
    expect(loc).toEqual(plain);
    expect(Object.isFrozen(loc)).toBe(true);
  });

  it('run the body again only when a location is first read, and only once', () => {
    let runs = 0;
    const flow = workflow('callsite_lazy', io, (wf) => {
      runs++;
      const first = wf.run(echo, { text: wf.input.text });
      const second = wf.run(echo, { text: first.output.text }, { ref: 'second' });
      return { text: second.output.text };
    });
    const { ir } = flow[WORKFLOW].build();
    expect(runs).toBe(1);
    const [first, second] = ir.steps;
    expect(second!.loc.file).toBe(thisFile);
    expect(runs).toBe(2);
    expect(first!.loc.line).toBeLessThan(second!.loc.line);
    expect(runs).toBe(2);
  });

  it('fall back to the workflow location when the body makes other calls the second time', () => {
    let runs = 0;
    const flow = workflow('callsite_changing', io, (wf) => {
      runs++;
      // A body must make the same calls every time; this one does not.
      if (runs > 1) wf.noop('sneaky');
      const step = wf.run(echo, { text: wf.input.text });
      return { text: step.output.text };
    });
    const { ir } = flow[WORKFLOW].build();
    const [step] = ir.steps;
    expect({ ...step!.loc }).toEqual({ ...ir.loc });
    expect(runs).toBe(2);
  });
});
