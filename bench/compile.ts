/**
 * `npm run bench:compile`: how long `baton build` takes on a large project, against the floor
 * of merely loading its modules. Writes a corpus of 1,000 workflow files (bench/corpus.ts) into
 * .baton/bench/compile-corpus, then measures, each run in a fresh Node process:
 *   (a) loading the modules (compiler/load.ts `loadModules`: esbuild bundle + import),
 *   (b) the full build without the type-check (`buildProject({ root, typecheck: false })`:
 *       load, build the IR, validate, lower, compare with generated/ and write what changed;
 *       one build into an empty generated/, and one after editing a single workflow, are
 *       reported as well),
 *   and once the type-check of the same files (compiler/typecheck.ts, tsc in a child process).
 * The last line is machine-readable: `compile_1000_s=<median of b> ratio_to_load=<b / a>`.
 *
 *   npm run bench:compile -- [--workflows 1000] [--runs 5] [--no-typecheck]
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildProject } from '../compiler/build.js';
import { findFiles } from '../compiler/files.js';
import { loadModules } from '../compiler/load.js';
import { typecheck } from '../compiler/typecheck.js';
import { writeCorpus } from './corpus.js';

type Mode = 'load' | 'build' | 'fresh-build' | 'typecheck';

interface Measurement {
  /** Wall-clock time. */
  readonly seconds: number;
  /** CPU time of this process (user + system): steadier than wall-clock on a busy machine. */
  readonly cpuSeconds: number;
  /** Parts of the build, in seconds (build mode only). */
  readonly parts?: Readonly<Record<string, number>>;
  readonly detail: string;
}

const WORKFLOW_GLOBS = ['workflows/**/*.ts'];
const EXCLUDE = ['**/*.test.ts', '**/*.d.ts', '**/*.spec.ts'];

/** One measurement, in this (fresh) process. */
async function measure(mode: Mode, root: string): Promise<Measurement> {
  const files = findFiles(root, WORKFLOW_GLOBS, EXCLUDE);
  const cpuStart = process.cpuUsage();
  const result = await timed(mode, root, files);
  const cpu = process.cpuUsage(cpuStart);
  return { ...result, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

async function timed(mode: Mode, root: string, files: string[]): Promise<Omit<Measurement, 'cpuSeconds'>> {
  // A build whose output is already on disk only compares it; this one writes every file.
  if (mode === 'fresh-build') rmSync(join(root, 'generated'), { recursive: true, force: true });
  const started = performance.now();
  switch (mode) {
    case 'load': {
      const loaded = await loadModules(root, files);
      const seconds = (performance.now() - started) / 1000;
      const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
      if (errors.length > 0) throw new Error(`loading the corpus failed: ${errors[0]!.message}`);
      return { seconds, detail: `${loaded.modules.length} modules` };
    }
    case 'build':
    case 'fresh-build': {
      const outcome = await buildProject({ root, typecheck: false });
      const seconds = (performance.now() - started) / 1000;
      const errors = outcome.diagnostics.filter((d) => d.severity === 'error');
      if (errors.length > 0 || !outcome.wrote) throw new Error(`building the corpus failed: ${errors[0]?.message ?? 'nothing written'}`);
      const parts = Object.fromEntries(Object.entries(outcome.timings).map(([k, v]) => [k, v / 1000]));
      const warnings = outcome.diagnostics.length;
      return { seconds, parts, detail: `${outcome.result?.workflows.length ?? 0} workflows, ${outcome.files.length} files, ${warnings} warnings` };
    }
    case 'typecheck': {
      const diagnostics = await typecheck(root, join(root, 'tsconfig.json'), files);
      const seconds = (performance.now() - started) / 1000;
      // The corpus imports baton's own sources for their types: their errors are not the corpus's.
      const own = diagnostics.filter((d) => d.loc.file.startsWith(root));
      const first = own[0] ?? diagnostics[0];
      const where = first ? `; first: ${first.loc.file}:${first.loc.line} ${first.message}` : '';
      return { seconds, detail: `${own.length} errors in the corpus, ${diagnostics.length - own.length} in imported files${where}` };
    }
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const fmt = (seconds: number) => seconds.toFixed(3);

/** Runs one measurement in a new Node process running this same (bundled) file. */
async function inFreshProcess(mode: Mode, root: string): Promise<Measurement> {
  const self = fileURLToPath(import.meta.url);
  const { stdout } = await promisify(execFile)(process.execPath, [self, '--measure', mode, root], { maxBuffer: 16 * 1024 * 1024 });
  const last = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as Measurement;
}

function option(args: readonly string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} needs a whole number ≥ 1, got ${args[at + 1]}`);
  return value;
}

async function main(args: readonly string[]): Promise<void> {
  const workflows = option(args, '--workflows', 1000);
  const runs = option(args, '--runs', 5);
  const root = process.cwd();
  const corpus = join(root, '.baton', 'bench', 'compile-corpus');

  const stats = writeCorpus({ dir: corpus, workflows });
  console.log(
    `corpus: ${stats.workflows} workflows averaging ${stats.averageSteps.toFixed(1)} steps, ${stats.taskModules} task modules, ` +
      `${stats.files} files in ${corpus}`,
  );

  // The corpus was just written: a first, uncounted build writes generated/, so that every
  // counted build meets the output of the previous one, as a rebuild does.
  await inFreshProcess('build', corpus);
  const series: Record<'load' | 'build', Measurement[]> = { load: [], build: [] };
  for (let run = 0; run < runs; run++) {
    // Interleaved, so a slow moment of a shared machine hurts both series alike.
    for (const mode of ['load', 'build'] as const) series[mode].push(await inFreshProcess(mode, corpus));
  }
  const load = median(series.load.map((m) => m.seconds));
  const build = median(series.build.map((m) => m.seconds));
  const parts = Object.keys(series.build[0]?.parts ?? {}).map((key) => `${key} ${fmt(median(series.build.map((m) => m.parts?.[key] ?? 0)))}`);
  const cpu = (list: readonly Measurement[]) => fmt(median(list.map((m) => m.cpuSeconds)));
  console.log(
    `load (loadModules), ${runs} runs: ${series.load.map((m) => fmt(m.seconds)).join(' ')} s; median ${fmt(load)} s, ` +
      `cpu ${cpu(series.load)} s (${series.load[0]?.detail})`,
  );
  console.log(
    `build (typecheck: false), ${runs} runs: ${series.build.map((m) => fmt(m.seconds)).join(' ')} s; median ${fmt(build)} s, ` +
      `cpu ${cpu(series.build)} s (${series.build[0]?.detail})`,
  );
  console.log(`build parts (median s): ${parts.join(', ')}`);
  const fresh = await inFreshProcess('fresh-build', corpus);
  console.log(`build into an empty generated/, once: ${fmt(fresh.seconds)} s, cpu ${fmt(fresh.cpuSeconds)} s (write ${fmt(fresh.parts?.write ?? 0)} s)`);
  // The edit-and-rebuild loop: one workflow's description changes, so a few files do.
  const edited = join(corpus, 'workflows', 'w0001.ts');
  const original = readFileSync(edited, 'utf8');
  writeFileSync(edited, original.replace('/** ', '/** Edited. '));
  try {
    const rebuilt = await inFreshProcess('build', corpus);
    console.log(`build after editing one workflow, once: ${fmt(rebuilt.seconds)} s (write ${fmt(rebuilt.parts?.write ?? 0)} s)`);
  } finally {
    writeFileSync(edited, original);
  }

  if (!args.includes('--no-typecheck')) {
    const checked = await inFreshProcess('typecheck', corpus);
    console.log(`typecheck_${workflows}_s=${fmt(checked.seconds)} (tsc over the same files, once, in a child process: ${checked.detail})`);
  }
  console.log(`compile_${workflows}_s=${fmt(build)} ratio_to_load=${(build / load).toFixed(2)}`);
}

const args = process.argv.slice(2);
if (args[0] === '--measure') {
  const result = await measure(args[1] as Mode, args[2]!);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  await main(args);
}
