/**
 * Writes a synthetic project of workflow files for the compile bench: `count` workflows averaging
 * about 15 steps each, mixing every common construct (worker tasks, HTTP, inline scripts,
 * switch/if, parallel, for-each, loops, sub-workflow calls, compensations) with references
 * between steps, plus task declaration modules shared between them. The same seed writes the
 * same files, so runs are comparable. Every file type-checks and compiles without diagnostics.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CorpusOptions {
  readonly dir: string;
  readonly workflows: number;
  readonly taskModules?: number;
  readonly tasksPerModule?: number;
  readonly seed?: number;
}

export interface CorpusStats {
  readonly workflows: number;
  readonly taskModules: number;
  readonly files: number;
  /** Steps recorded per workflow (nested ones included), on average. */
  readonly averageSteps: number;
}

/** mulberry32: small, fast and good enough to vary the shapes. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number) => String(n).padStart(4, '0');
const workflowName = (i: number) => `w${pad(i)}`;

const SHARED = `/** Schemas shared by the bench workflows and task declarations. */
import { z } from 'baton';

export const flowInput = z.object({
  id: z.string().describe('Business key'),
  amount: z.number().describe('Amount in cents'),
  items: z.array(z.object({ sku: z.string(), qty: z.number().int() })).describe('Lines'),
  baseUrl: z.string().describe('Service base URL'),
  flag: z.boolean().describe('Feature switch'),
});

export const flowOutput = z.object({ key: z.string(), total: z.number() });

export const taskInput = z.object({ id: z.string(), n: z.number() });
export const taskOutput = z.object({ key: z.string(), count: z.number(), ok: z.boolean() });
export const undoInput = z.object({ key: z.string(), reason: z.string() });
export const undoOutput = z.object({ undone: z.boolean() });
export const httpBody = z.object({ key: z.string(), count: z.number() });
`;

const PROFILES = ['external', 'database', 'default', undefined] as const;

function taskModule(k: number, perModule: number): string {
  const lines = [`/** Task declarations of bench domain ${k}. */`, `import { task } from 'baton';`, `import { taskInput, taskOutput, undoInput, undoOutput } from '../shared.js';`, ''];
  for (let j = 0; j < perModule; j++) {
    const profile = PROFILES[(k + j) % PROFILES.length];
    lines.push(`/** Does step ${j} of domain ${k}. */`);
    lines.push(`export const d${k}t${j} = task('d${k}_t${j}', { input: taskInput, output: taskOutput${profile ? `, profile: '${profile}'` : ''} });`);
    lines.push('');
  }
  lines.push(`/** Undoes the work of domain ${k}. */`);
  lines.push(`export const d${k}undo = task('d${k}_undo', { input: undoInput, output: undoOutput, profile: 'external' });`);
  return `${lines.join('\n')}\n`;
}

interface Emitter {
  readonly lines: string[];
  steps: number;
  n: number;
  key: string;
  count: string;
  readonly tasks: Set<string>;
  readonly pick: () => string;
  readonly domain: number;
  readonly rand: () => number;
  readonly child: number | undefined;
  compensated: boolean;
}

type Block = (e: Emitter, indent: string) => void;

const run: Block = (e, ind) => {
  const id = ++e.n;
  const t = e.pick();
  let call = `wf.run(${t}, { id: ${e.key}, n: ${e.count} })`;
  if (!e.compensated && e.rand() < 0.3) {
    e.compensated = true;
    e.tasks.add(`d${e.domain}undo`);
    call += `\n${ind}  .compensate(d${e.domain}undo, (done) => ({ key: done.output.key, reason: 'rolled back' }))`;
  }
  e.lines.push(`${ind}const s${id} = ${call};`);
  e.steps += 1;
  e.key = `s${id}.output.key`;
  e.count = `s${id}.output.count`;
};

const http: Block = (e, ind) => {
  const id = ++e.n;
  e.lines.push(
    `${ind}const s${id} = wf.http('get_${id}', { uri: str\`\${wf.input.baseUrl}/things/\${${e.key}}\`, method: 'GET', readTimeOutMs: 5_000, output: httpBody });`,
  );
  e.steps += 1;
  e.key = `s${id}.output.body.key`;
  e.count = `s${id}.output.body.count`;
};

const inline: Block = (e, ind) => {
  const id = ++e.n;
  e.lines.push(`${ind}const s${id} = wf.inline('calc_${id}', { a: ${e.count}, b: wf.input.amount }, ($) => $.a * 2 + $.b);`);
  e.steps += 1;
  e.count = `s${id}.output.result`;
};

const switchBlock: Block = (e, ind) => {
  const id = ++e.n;
  const high = e.pick();
  e.lines.push(
    `${ind}const s${id} = wf.switch('route_${id}', when({ v: ${e.count} }, ($) => ($.v > 100 ? 'high' : $.v > 10 ? 'mid' : 'low')), {`,
    `${ind}  high: (b) => {`,
    `${ind}    const r = b.run(${high}, { id: ${e.key}, n: ${e.count} });`,
    `${ind}    return { key: r.output.key, count: r.output.count };`,
    `${ind}  },`,
    `${ind}  mid: (b) => {`,
    `${ind}    const r = b.http('mid_${id}', { uri: str\`\${wf.input.baseUrl}/mid/\${${e.key}}\`, method: 'POST', body: { n: ${e.count} }, output: httpBody });`,
    `${ind}    return { key: r.output.body.key, count: r.output.body.count };`,
    `${ind}  },`,
    `${ind}  low: () => ({ key: ${e.key}, count: 0 }),`,
    `${ind}});`,
  );
  e.steps += 3;
  e.key = `s${id}.output.key`;
  e.count = `s${id}.output.count`;
};

const ifBlock: Block = (e, ind) => {
  const id = ++e.n;
  const t = e.pick();
  e.lines.push(
    `${ind}const s${id} = wf.if(`,
    `${ind}  'check_${id}',`,
    `${ind}  when({ f: wf.input.flag, c: ${e.count} }, ($) => $.f && $.c > 5),`,
    `${ind}  (b) => ({ key: b.run(${t}, { id: ${e.key}, n: ${e.count} }).output.key }),`,
    `${ind}  () => ({ key: 'skipped' }),`,
    `${ind});`,
  );
  e.steps += 2;
  e.key = `s${id}.output.key`;
};

const parallelBlock: Block = (e, ind) => {
  const id = ++e.n;
  const t = e.pick();
  e.lines.push(
    `${ind}const s${id} = wf.parallel('fan_${id}', {`,
    `${ind}  left: (b) => b.run(${t}, { id: ${e.key}, n: ${e.count} }),`,
    `${ind}  right: (b) => {`,
    `${ind}    const h = b.http('side_${id}', { uri: str\`\${wf.input.baseUrl}/side/\${${e.key}}\`, method: 'GET', output: httpBody });`,
    `${ind}    return b.inline('side_calc_${id}', { c: h.output.body.count }, ($) => $.c + 1);`,
    `${ind}  },`,
    `${ind}});`,
  );
  e.steps += 4;
  e.key = `s${id}.left.output.key`;
  e.count = `s${id}.right.output.result`;
};

const forEachBlock: Block = (e, ind) => {
  const id = ++e.n;
  const t = e.pick();
  // Half the bodies are a single task, half are two steps (lowered to an inline sub-workflow).
  if (e.rand() < 0.5) {
    e.lines.push(`${ind}const s${id} = wf.forEach('each_${id}', wf.input.items, (item, b) => b.run(${t}, { id: item.sku, n: item.qty }).output.count);`);
    e.steps += 2;
  } else {
    const u = e.pick();
    e.lines.push(
      `${ind}const s${id} = wf.forEach('each_${id}', wf.input.items, (item, b) => {`,
      `${ind}  const first = b.run(${t}, { id: item.sku, n: item.qty });`,
      `${ind}  return b.run(${u}, { id: first.output.key, n: ${e.count} }).output.count;`,
      `${ind}});`,
    );
    e.steps += 3;
  }
  const sum = ++e.n;
  e.lines.push(`${ind}const s${sum} = wf.inline('sum_${sum}', { xs: s${id}.output }, ($) => $.xs.reduce((a, x) => a + x, 0));`);
  e.steps += 1;
  e.count = `s${sum}.output.result`;
};

const loopBlock: Block = (e, ind) => {
  const id = ++e.n;
  const t = e.pick();
  e.lines.push(
    `${ind}const s${id} = wf.loop(`,
    `${ind}  'poll_${id}',`,
    `${ind}  (b) => {`,
    `${ind}    const r = b.run(${t}, { id: ${e.key}, n: ${e.count} });`,
    `${ind}    return { ok: r.output.ok, count: r.output.count };`,
    `${ind}  },`,
    `${ind}  { maxIterations: 5, while: (last) => when({ ok: last.ok }, ($) => !$.ok) },`,
    `${ind});`,
  );
  e.steps += 2;
  e.count = `s${id}.output.count`;
};

const subWorkflowBlock: Block = (e, ind) => {
  if (e.child === undefined) return run(e, ind);
  const id = ++e.n;
  e.lines.push(
    `${ind}const s${id} = wf.subWorkflow(${workflowName(e.child)}, { id: ${e.key}, amount: ${e.count}, items: wf.input.items, baseUrl: wf.input.baseUrl, flag: wf.input.flag });`,
  );
  e.steps += 1;
  e.key = `s${id}.output.key`;
  e.count = `s${id}.output.total`;
};

/** Blocks and how often they are picked. */
const BLOCKS: readonly [Block, number][] = [
  [run, 5],
  [http, 3],
  [inline, 3],
  [switchBlock, 2],
  [ifBlock, 2],
  [parallelBlock, 1.5],
  [forEachBlock, 1.5],
  [loopBlock, 1.5],
  [subWorkflowBlock, 1],
];
const TOTAL_WEIGHT = BLOCKS.reduce((sum, [, w]) => sum + w, 0);

function pickBlock(rand: () => number): Block {
  let r = rand() * TOTAL_WEIGHT;
  for (const [block, weight] of BLOCKS) {
    r -= weight;
    if (r < 0) return block;
  }
  return run;
}

function workflowFile(i: number, options: Required<CorpusOptions>, rand: () => number): { text: string; steps: number } {
  const domain = Math.floor(rand() * options.taskModules);
  const other = Math.floor(rand() * options.taskModules);
  const tasks = new Set<string>();
  const pick = () => {
    const d = rand() < 0.7 ? domain : other;
    const name = `d${d}t${Math.floor(rand() * options.tasksPerModule)}`;
    tasks.add(name);
    return name;
  };
  // Sub-workflows call an earlier workflow, so the calls form no cycle.
  const child = i > 0 ? Math.max(0, i - 1 - Math.floor(rand() * Math.min(i, 50))) : undefined;
  const e: Emitter = { lines: [], steps: 0, n: 0, key: 'wf.input.id', count: 'wf.input.amount', tasks, pick, domain, rand, child, compensated: false };
  const target = 10 + Math.floor(rand() * 11);
  while (e.steps < target) pickBlock(rand)(e, '    ');
  const usedChild = e.lines.some((l) => l.includes(`wf.subWorkflow(${workflowName(child ?? -1)}`));

  const byModule = new Map<number, string[]>();
  for (const name of [...tasks].sort()) {
    const d = Number(/^d(\d+)/.exec(name)![1]);
    byModule.set(d, [...(byModule.get(d) ?? []), name]);
  }
  const usesWhen = e.lines.some((l) => l.includes('when('));
  const usesStr = e.lines.some((l) => l.includes('str`'));
  const baton = ['workflow', 'z', ...(usesStr ? ['str'] : []), ...(usesWhen ? ['when'] : [])].sort();
  const usesHttpBody = e.lines.some((l) => l.includes('httpBody'));
  const text = [
    `import { ${baton.join(', ')} } from 'baton';`,
    `import { flowInput, flowOutput${usesHttpBody ? ', httpBody' : ''} } from './shared.js';`,
    ...[...byModule.entries()].sort(([a], [b]) => a - b).map(([d, names]) => `import { ${names.join(', ')} } from './tasks/domain-${d}.js';`),
    ...(usedChild ? [`import ${workflowName(child!)} from './${workflowName(child!)}.js';`] : []),
    '',
    `/** Bench workflow ${i}: ${e.steps} steps. */`,
    `export default workflow('${workflowName(i)}', { version: 1, input: flowInput, output: flowOutput }, (wf) => {`,
    ...e.lines,
    `    return { key: ${e.key}, total: ${e.count} };`,
    '});',
    '',
  ].join('\n');
  return { text, steps: e.steps };
}

const TSCONFIG = {
  extends: '../../../tsconfig.json',
  compilerOptions: { noEmit: true },
  include: ['workflows'],
};

export function writeCorpus(options: CorpusOptions): CorpusStats {
  const full: Required<CorpusOptions> = { taskModules: 50, tasksPerModule: 10, seed: 20_260_101, ...options };
  const rand = random(full.seed);
  const workflowsDir = join(full.dir, 'workflows');
  rmSync(full.dir, { recursive: true, force: true });
  mkdirSync(join(workflowsDir, 'tasks'), { recursive: true });
  writeFileSync(join(full.dir, 'tsconfig.json'), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
  writeFileSync(join(workflowsDir, 'shared.ts'), SHARED);
  for (let k = 0; k < full.taskModules; k++) writeFileSync(join(workflowsDir, 'tasks', `domain-${k}.ts`), taskModule(k, full.tasksPerModule));
  let steps = 0;
  for (let i = 0; i < full.workflows; i++) {
    const file = workflowFile(i, full, rand);
    steps += file.steps;
    writeFileSync(join(workflowsDir, `${workflowName(i)}.ts`), file.text);
  }
  return {
    workflows: full.workflows,
    taskModules: full.taskModules,
    files: full.workflows + full.taskModules + 1,
    averageSteps: steps / full.workflows,
  };
}
