/**
 * Property tests: random workflow graphs (nested switch, if, parallel, loop, loopOver, forEach
 * and plain steps that read only what has surely run) built through the real builders and
 * compiled. Whatever the shape, the output must be consistent: no errors, every `${…}` names a
 * task that exists, joins wait on real tasks, references are unique, every worker and system
 * task carries complete settings, and compiling twice gives the same bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cast, str, task, when, workflow, z, type Ref, type Scope } from '../../../dsl/index.js';
import { TASK_POLICY_KEYS } from '../../../ir/policy.js';
import type { Json } from '../../../ir/value.js';
import { allTasks, compileAll, type JsonObject } from './helpers.js';

const echo = task('echo', { input: z.object({ text: z.unknown() }), output: z.object({ text: z.string() }) });
const undoEcho = task('undo_echo', { input: z.object({ text: z.unknown() }), output: z.object({}) });

interface Policy {
  retryCount?: number;
  timeoutSeconds?: number;
  responseTimeoutSeconds?: number;
  retryLogic?: 'FIXED' | 'LINEAR_BACKOFF' | 'EXPONENTIAL_BACKOFF';
  profile?: string;
}

type Node =
  | { kind: 'run'; read: number; policy: Policy | null; compensate: boolean }
  | { kind: 'http'; read: number; policy: Policy | null }
  | { kind: 'inline'; read: number }
  | { kind: 'wait' }
  | { kind: 'if'; read: number; then: Node[]; otherwise: Node[] | null; returns: boolean }
  | { kind: 'switch'; cases: Node[][]; fallback: Node[] | null; returns: boolean }
  | { kind: 'parallel'; branches: Node[][] }
  | { kind: 'loop'; body: Node[]; returns: boolean }
  | { kind: 'loopOver'; body: Node[]; returns: boolean }
  | { kind: 'forEach'; body: Node[]; returns: boolean };

const policyArb: fc.Arbitrary<Policy> = fc
  .record(
    {
      retryCount: fc.integer({ min: 0, max: 5 }),
      timeoutSeconds: fc.integer({ min: 1, max: 600 }),
      responseShare: fc.double({ min: 0.01, max: 1, noNaN: true }),
      retryLogic: fc.constantFrom('FIXED' as const, 'LINEAR_BACKOFF' as const, 'EXPONENTIAL_BACKOFF' as const),
      profile: fc.constantFrom('default', 'external', 'database', 'long-running', 'no-retry'),
    },
    { requiredKeys: [] },
  )
  .map(({ responseShare, ...p }) => {
    // A response timeout only together with the timeout it must not exceed.
    const policy: Policy = { ...p };
    if (responseShare !== undefined && p.timeoutSeconds !== undefined) policy.responseTimeoutSeconds = Math.max(1, Math.floor(p.timeoutSeconds * responseShare));
    return policy;
  });

const leafArb: fc.Arbitrary<Node> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('run' as const), read: fc.nat(), policy: fc.option(policyArb), compensate: fc.boolean() }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('http' as const), read: fc.nat(), policy: fc.option(policyArb) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('inline' as const), read: fc.nat() }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'wait' as const }), weight: 1 },
);

function blockArb(depth: number): fc.Arbitrary<Node[]> {
  if (depth === 0) return fc.array(leafArb, { minLength: 1, maxLength: 3 });
  const inner = blockArb(depth - 1);
  const node: fc.Arbitrary<Node> = fc.oneof(
    { arbitrary: leafArb, weight: 4 },
    { arbitrary: fc.record({ kind: fc.constant('if' as const), read: fc.nat(), then: inner, otherwise: fc.option(inner), returns: fc.boolean() }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant('switch' as const), cases: fc.array(inner, { minLength: 1, maxLength: 3 }), fallback: fc.option(inner), returns: fc.boolean() }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant('parallel' as const), branches: fc.array(inner, { minLength: 2, maxLength: 3 }) }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant('loop' as const), body: inner, returns: fc.boolean() }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant('loopOver' as const), body: inner, returns: fc.boolean() }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant('forEach' as const), body: inner, returns: fc.boolean() }), weight: 1 },
  );
  return fc.array(node, { minLength: 1, maxLength: 3 });
}

const input = z.object({ text: z.string(), flag: z.boolean(), kind: z.string(), items: z.array(z.string()) });
type Input = z.output<typeof input>;
type Value = Ref<unknown>;

interface Place {
  /** Values surely available here: earlier steps of this and enclosing blocks, inputs, items. */
  readonly visible: readonly Value[];
  readonly inForEach: boolean;
}

const pick = (place: Place, n: number): Value => place.visible[n % place.visible.length]!;
const caseKeys = ['a', 'b', 'c'];

/** Records `nodes` into `scope`; returns the values readable after the block has run. */
function record(scope: Scope, wf: { input: Ref<Input> }, nodes: readonly Node[], place: Place): Value[] {
  const visible: Value[] = [...place.visible];
  const here = (): Place => ({ ...place, visible });
  const returning = (b: Scope, body: readonly Node[], at: Place, returns: boolean) => {
    const after = record(b, wf, body, at);
    return returns ? { v: after[after.length - 1]! } : undefined;
  };
  for (const node of nodes) {
    switch (node.kind) {
      case 'run': {
        const step = scope.run(echo, { text: pick(here(), node.read) }, node.policy ?? undefined);
        if (node.compensate && !place.inForEach) step.compensate(undoEcho, (done) => ({ text: done.output.text }));
        visible.push(step.output.text);
        break;
      }
      case 'http': {
        const call = scope.http('call', { uri: str`https://api.example/${cast<string>(pick(here(), node.read))}`, method: 'POST', body: { v: pick(here(), node.read + 1) }, ...node.policy });
        visible.push(call.output.body);
        break;
      }
      case 'inline': {
        const calc = scope.inline('calc', { v: pick(here(), node.read) }, ($) => JSON.stringify($.v).length);
        visible.push(calc.output.result);
        break;
      }
      case 'wait':
        scope.wait('pause', { seconds: 1 });
        break;
      case 'if': {
        const at = here();
        const condition = node.read % 2 === 0 ? wf.input.flag : when({ v: pick(at, node.read) }, ($) => $.v != null);
        const result = scope.if(
          'cond',
          condition,
          (b) => returning(b, node.then, at, node.returns),
          node.otherwise ? (b) => returning(b, node.otherwise!, at, node.returns) : undefined,
        );
        if (node.returns) visible.push(cast<{ v: unknown }>(result.output).v);
        break;
      }
      case 'switch': {
        const at = here();
        const cases: Record<string, (b: Scope) => unknown> = {};
        node.cases.forEach((body, i) => {
          cases[caseKeys[i]!] = (b) => returning(b, body, at, node.returns);
        });
        const result = scope.switch('pick', wf.input.kind, cases, node.fallback ? { default: (b) => returning(b, node.fallback!, at, node.returns) } : {});
        if (node.returns) visible.push(cast<{ v: unknown }>(result.output).v);
        break;
      }
      case 'parallel': {
        const at = here();
        const branchValues: Value[][] = [];
        const branches: Record<string, (b: Scope) => unknown> = {};
        node.branches.forEach((body, i) => {
          branches[`branch${i}`] = (b) => {
            branchValues.push(record(b, wf, body, at).slice(at.visible.length));
          };
        });
        scope.parallel('fan', branches);
        // After the join every branch has finished: what they produced is readable.
        for (const values of branchValues) visible.push(...values);
        break;
      }
      case 'loop': {
        const at = here();
        const result = scope.loop('again', (b, iteration) => returning(b, node.body, { ...at, visible: [...at.visible, iteration] }, node.returns), { maxIterations: 3 });
        if (node.returns) visible.push(cast<{ v: unknown }>(result.output).v);
        visible.push(result.iteration);
        break;
      }
      case 'loopOver': {
        const at = here();
        const result = scope.loopOver('walk', wf.input.items, (item, b, index) =>
          returning(b, node.body, { ...at, visible: [...at.visible, item, index] }, node.returns),
        );
        if (node.returns) visible.push(cast<{ v: unknown }>(result.output).v);
        break;
      }
      case 'forEach': {
        const at = here();
        const result = scope.forEach('each', wf.input.items, (item, b, index) =>
          returning(b, node.body, { visible: [...at.visible, item, index], inForEach: true }, node.returns),
        );
        if (node.returns) visible.push(cast<{ v: unknown }[]>(result.output)[0]!.v);
        break;
      }
    }
  }
  return visible;
}

function buildWorkflow(nodes: Node[], name = 'prop') {
  return workflow(name, { input, output: z.object({}).catchall(z.unknown()) }, (wf) => {
    const after = record(wf as unknown as Scope, wf, nodes, { visible: [wf.input.text, wf.input.items], inForEach: false });
    return { last: after[after.length - 1]! };
  });
}

/** Every `${…}` Conductor will substitute (not the escaped `$${…}`), by its root name. */
function expressionRoots(json: Json, out: string[] = []): string[] {
  if (typeof json === 'string') {
    for (const m of json.matchAll(/(?<!\$)\$\{([^}]*)\}/g)) out.push(m[1]!.split(/[.[]/)[0]!);
  } else if (Array.isArray(json)) {
    for (const item of json) expressionRoots(item, out);
  } else if (json !== null && typeof json === 'object') {
    for (const value of Object.values(json)) expressionRoots(value, out);
  }
  return out;
}

/** Checks the joins of a task list (recursively): each JOIN follows its fork and waits on branch ends. */
function checkJoins(tasks: readonly JsonObject[]): void {
  tasks.forEach((t, i) => {
    if (t.type === 'JOIN') {
      const fork = tasks[i - 1]!;
      expect(['FORK_JOIN', 'FORK_JOIN_DYNAMIC']).toContain(fork.type);
      if (fork.type === 'FORK_JOIN') {
        const ends = (fork.forkTasks as JsonObject[][]).map((branch) => branch[branch.length - 1]!.taskReferenceName);
        expect(t.joinOn).toEqual(ends);
        for (const branch of fork.forkTasks as JsonObject[][]) {
          // A branch ending in a SWITCH would let the join go on before the branch is done.
          expect(branch[branch.length - 1]!.type).not.toBe('SWITCH');
        }
      }
    }
    for (const key of ['loopOver', 'defaultCase'] as const) if (Array.isArray(t[key])) checkJoins(t[key] as JsonObject[]);
    if (Array.isArray(t.forkTasks)) for (const branch of t.forkTasks as JsonObject[][]) checkJoins(branch);
    if (t.decisionCases) for (const branch of Object.values(t.decisionCases as Record<string, JsonObject[]>)) checkJoins(branch);
  });
}

function checkSettings(settings: JsonObject, where: string): void {
  expect(Object.keys(settings).filter((k) => (TASK_POLICY_KEYS as readonly string[]).includes(k)).sort(), where).toEqual([...TASK_POLICY_KEYS].sort());
  const timeout = settings.timeoutSeconds as number;
  if (timeout > 0) {
    expect(settings.responseTimeoutSeconds as number, where).toBeLessThanOrEqual(timeout);
    expect(timeout, where).toBeLessThanOrEqual(settings.totalTimeoutSeconds as number);
  }
}

function checkDefinition(definition: JsonObject, files: ReadonlyMap<string, string>): void {
  const tasks = allTasks(definition.tasks as JsonObject[]);
  const refs = tasks.map((t) => t.taskReferenceName as string);
  expect(new Set(refs).size, 'taskReferenceNames are unique').toBe(refs.length);
  const known = new Set([...refs, 'workflow', 'CPEWF_TASK_ID']);
  for (const root of expressionRoots(definition)) expect(known.has(root), `\${${root}…} names a task of ${String(definition.name)}`).toBe(true);
  checkJoins(definition.tasks as JsonObject[]);
  for (const t of tasks) {
    if (t.type !== 'SIMPLE' && t.type !== 'HTTP') continue;
    const where = `${String(definition.name)}/${String(t.taskReferenceName)}`;
    if (t.taskDefinition) checkSettings(t.taskDefinition as JsonObject, where);
    else {
      expect(t.type, `${where}: HTTP always embeds its settings`).toBe('SIMPLE');
      const registered = files.get(`tasks/${String(t.name)}.json`);
      expect(registered, `${where}: a registered definition`).toBeDefined();
      checkSettings(JSON.parse(registered!) as JsonObject, where);
    }
  }
}

// A few dozen runs keep the unit suite fast; BATON_PROPERTY_RUNS=1000 searches harder.
const RUNS = Number(process.env.BATON_PROPERTY_RUNS ?? 50);

describe('random workflow graphs', () => {
  it('compile without errors into consistent, complete and deterministic Conductor JSON', { timeout: Math.max(20_000, RUNS * 500) }, () => {
    fc.assert(
      fc.property(blockArb(2), (nodes) => {
        const first = compileAll([buildWorkflow(nodes)]);
        const errors = first.diagnostics.filter((d) => d.severity === 'error');
        expect(errors.map((d) => `${d.code}: ${d.message}`)).toEqual([]);
        const compiled = first.workflows[0]!;
        checkDefinition(compiled.definition as JsonObject, first.files);
        if (compiled.compensation) checkDefinition(compiled.compensation as JsonObject, first.files);
        // Deterministic: the same program compiles to the same bytes.
        const second = compileAll([buildWorkflow(nodes)]);
        expect([...second.files.entries()]).toEqual([...first.files.entries()]);
      }),
      { numRuns: RUNS },
    );
  });
});
