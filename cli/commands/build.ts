/**
 * `baton build`: compile the workflow files into generated/. `--check` is CI's drift check,
 * `--watch` rebuilds on save, `--json` prints a machine-readable report.
 */
import { watch } from 'node:fs';
import { relative } from 'node:path';
import type { Argv } from 'yargs';
import { type BuildOutcome, buildProject } from '../../compiler/build.js';
import { diagnosticJson, formatDiagnostic } from '../../compiler/diagnostics.js';
import { type CommonArgs, projectRoot } from '../context.js';
import { secretsNotice } from '../secrets.js';

interface BuildArgs extends CommonArgs {
  check: boolean;
  watch: boolean;
  json: boolean;
  typecheck: boolean;
}

export function outcomeJson(outcome: BuildOutcome) {
  const root = outcome.config.root;
  const errors = outcome.diagnostics.filter((d) => d.severity === 'error').length;
  return {
    ok: errors === 0 && outcome.stale.length === 0,
    errors,
    warnings: outcome.diagnostics.length - errors,
    diagnostics: outcome.diagnostics.map((d) => diagnosticJson(d, root)),
    stale: outcome.stale,
    wrote: outcome.wrote,
    outDir: relative(root, outcome.config.outDir) || '.',
    workflows: (outcome.result?.workflows ?? []).map((w) => ({ name: w.ir.name, version: w.ir.version, compensation: w.compensation !== undefined, secrets: w.secrets })),
    timingsMs: Object.fromEntries(Object.entries(outcome.timings).map(([k, v]) => [k, Math.round(v)])),
  };
}

function report(outcome: BuildOutcome, args: BuildArgs): number {
  const root = outcome.config.root;
  const errors = outcome.diagnostics.filter((d) => d.severity === 'error');
  if (args.json) {
    process.stdout.write(`${JSON.stringify(outcomeJson(outcome), null, 2)}\n`);
  } else {
    for (const d of outcome.diagnostics) process.stderr.write(`${formatDiagnostic(d, root)}\n`);
    const out = relative(root, outcome.config.outDir) || '.';
    if (errors.length > 0) {
      process.stderr.write(`\n${errors.length} error${errors.length === 1 ? '' : 's'}; ${out}/ was left as it was.\n`);
    } else if (args.check) {
      if (outcome.stale.length > 0) {
        process.stderr.write(`${out}/ is stale; run 'baton build' and commit the result:\n`);
        for (const s of outcome.stale) process.stderr.write(`  ${s.change.padEnd(7)} ${out}/${s.file}\n`);
      } else {
        process.stdout.write(`${out}/ is up to date (${outcome.result?.workflows.length ?? 0} workflows).\n`);
      }
    } else {
      const workflows = outcome.result?.workflows ?? [];
      const compensations = workflows.filter((w) => w.compensation).length;
      process.stdout.write(
        `Built ${workflows.length} workflow${workflows.length === 1 ? '' : 's'}` +
          (compensations > 0 ? ` (+${compensations} compensation)` : '') +
          ` into ${out}/ in ${Math.round(outcome.timings.total ?? 0)} ms.\n`,
      );
      process.stdout.write(secretsNotice(workflows.map((w) => ({ name: w.ir.name, secrets: w.secrets }))));
    }
  }
  if (errors.length > 0) return 1;
  return args.check && outcome.stale.length > 0 ? 1 : 0;
}

async function runWatch(args: BuildArgs): Promise<number> {
  const root = projectRoot(args);
  let running = false;
  let again = false;
  const rebuild = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    do {
      again = false;
      const outcome = await buildProject({ root, typecheck: args.typecheck });
      report(outcome, args);
    } while (again);
    running = false;
  };
  await rebuild();
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(root, { recursive: true }, (_event, file) => {
    if (!file || /(^|\/)(node_modules|generated|\.baton|dist|\.git)(\/|$)/.test(file)) return;
    if (!/\.(ts|mts|js|mjs|json)$/.test(file)) return;
    clearTimeout(timer);
    timer = setTimeout(() => void rebuild(), 120);
  });
  // Listening before saying so: a SIGTERM with no listener would kill the process outright.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      watcher.close();
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stderr.write('Watching for changes (Ctrl-C to stop).\n');
  await stopped;
  return 0;
}

export function buildCommand(cli: Argv): Argv {
  return cli.command(
    'build',
    'Compile workflows/ into generated/ (Conductor JSON, JSON Schemas, MCP tools, diagrams, manifest)',
    (y) =>
      y
        .option('check', { type: 'boolean', default: false, describe: 'compare with generated/ instead of writing; exit 1 when it is stale' })
        .option('watch', { type: 'boolean', default: false, describe: 'rebuild whenever a file changes' })
        .option('json', { type: 'boolean', default: false, describe: 'print a JSON report on stdout' })
        .option('typecheck', { type: 'boolean', default: true, describe: 'type-check the workflow files (--no-typecheck skips it)' })
        .example('$0 build', 'compile and write generated/')
        .example('$0 build --check', 'fail when generated/ is not what the sources compile to')
        .epilogue('Exit codes: 0 built (or up to date), 1 errors (or stale with --check), 2 bad usage.'),
    async (argv) => {
      const args = argv as unknown as BuildArgs;
      if (args.watch) {
        args.setExit(await runWatch(args));
        return;
      }
      const outcome = await buildProject({ root: projectRoot(args), typecheck: args.typecheck, check: args.check });
      args.setExit(report(outcome, args));
    },
  );
}
