/**
 * `baton register`: apply the project's task definitions, workflows and schedules to a Conductor
 * server. Shows a plan first; `--dry-run` stops there. Safe to re-run: unchanged definitions
 * cost no writes.
 */
import type { Argv } from 'yargs';
import { diagnosticJson, formatDiagnostic } from '../../compiler/diagnostics.js';
import { Conductor, connectionFromEnv } from '../../runtime/conductor.js';
import {
  type DefinitionSet,
  type Loaded,
  type MissingDependency,
  type OnConflict,
  ON_CONFLICT_VALUES,
  type RegisterOutcome,
  countPlan,
  failureJson,
  isInteractive,
  lineReporter,
  loadDefinitions,
  planJson,
  quietReporter,
  registerDefinitions,
  renderFailures,
  renderPlan,
  terminalReporter,
} from '../../register/index.js';
import { type CommonArgs, projectRoot } from '../context.js';
import { secretsNotice } from '../secrets.js';

interface RegisterArgs extends CommonArgs {
  fromGenerated: boolean;
  dryRun: boolean;
  onConflict: OnConflict;
  json: boolean;
  typecheck: boolean;
  serverUrl?: string;
}

const out = (text: string) => process.stdout.write(text);
const err = (text: string) => process.stderr.write(text);

/** Compile (or read generated/) and print what stops us; shared with `baton validate`. */
export async function loadOrReport(args: { root?: string; fromGenerated: boolean; typecheck: boolean; json: boolean }): Promise<Loaded> {
  const loaded = await loadDefinitions({ root: projectRoot(args), fromGenerated: args.fromGenerated, typecheck: args.typecheck });
  if (!loaded.ok) {
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
    if (args.json) {
      out(`${JSON.stringify({ ok: false, stage: 'compile', diagnostics: loaded.diagnostics.map((d) => diagnosticJson(d, loaded.root)), exitCode: 1 }, null, 2)}\n`);
    } else {
      for (const d of loaded.diagnostics) err(`${formatDiagnostic(d, loaded.root)}\n`);
      err(`\n${errors.length} error${errors.length === 1 ? '' : 's'} in the workflow files; nothing was sent to the server.\n`);
    }
  } else if (!args.json) {
    for (const d of loaded.warnings) err(`${formatDiagnostic(d, loaded.definitions.root)}\n`);
  }
  return loaded;
}

/** The connection from CONDUCTOR_SERVER_URL / CONDUCTOR_AUTH_KEY / CONDUCTOR_AUTH_SECRET, or `--server-url`. */
export function connect(server: string | undefined): Conductor {
  const options = connectionFromEnv();
  return new Conductor(server !== undefined ? { ...options, serverUrl: server } : options);
}

export function describeSource(definitions: DefinitionSet): string {
  const n = definitions.workflows.length;
  const what = `${n} workflow${n === 1 ? '' : 's'}, ${definitions.taskDefs.length} task definition${definitions.taskDefs.length === 1 ? '' : 's'}, ${definitions.schedules.length} schedule${definitions.schedules.length === 1 ? '' : 's'}`;
  return definitions.origin === 'generated' ? `${what} from generated files` : `${what} compiled from source`;
}

function renderMissing(missing: readonly MissingDependency[], definitions: DefinitionSet): string {
  return missing
    .map((m) => {
      const loc = definitions.locator.task(m.workflow, m.version, m.ref);
      const where = loc ? `${loc.file}${loc.line > 0 ? `:${loc.line}:${loc.column}` : ''}  ` : '';
      return `${where}warning: ${m.workflow} v${m.version} calls '${m.target}'${m.targetVersion !== undefined ? ` v${m.targetVersion}` : ''}, which is neither in the project nor on the server; runs will fail there\n`;
    })
    .join('');
}

function summaryJson(outcome: RegisterOutcome, definitions: DefinitionSet, conductor: Conductor, args: RegisterArgs, loadMs: number) {
  return {
    ok: outcome.exitCode !== 1,
    dryRun: args.dryRun,
    server: conductor.base,
    authenticated: conductor.authenticated,
    onConflict: args.onConflict,
    source: definitions.origin,
    counts: countPlan(outcome.plan),
    plan: planJson(outcome.plan, definitions.locator),
    applied: outcome.result?.applied ?? [],
    skipped: outcome.result?.skipped ?? [],
    failures: (outcome.result?.failures ?? []).map(failureJson),
    missingDependencies: outcome.missing,
    requests: { ...conductor.requests },
    writes: conductor.writes,
    timingsMs: Object.fromEntries(Object.entries({ load: loadMs, ...outcome.timingsMs }).map(([k, v]) => [k, Math.round(v)])),
    exitCode: outcome.exitCode,
  };
}

function requestLine(conductor: Conductor): string {
  const parts = Object.entries(conductor.requests).filter(([, n]) => n > 0).map(([m, n]) => `${n} ${m}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

async function run(args: RegisterArgs): Promise<number> {
  // Before compiling: a missing server address should not cost a build to find out.
  const conductor = connect(args.serverUrl);
  const loaded = await loadOrReport(args);
  if (!loaded.ok) return 1;
  const { definitions } = loaded;
  const reporter = args.json ? quietReporter : isInteractive() ? terminalReporter() : lineReporter(err);
  if (!args.json) {
    err(`Conductor ${conductor.base}${conductor.authenticated ? ' (token auth)' : ''}: ${describeSource(definitions)}${args.dryRun ? ' (dry run)' : ''}\n`);
  }
  const started = performance.now();
  const outcome = await registerDefinitions({
    conductor,
    definitions,
    onConflict: args.onConflict,
    dryRun: args.dryRun,
    reporter,
    onPlan: (plan, missing) => {
      if (args.json) return;
      out(renderPlan(plan, definitions.locator));
      if (missing.length > 0) err(renderMissing(missing, definitions));
      out(secretsNotice(definitions.workflows));
    },
  });
  if (args.json) {
    out(`${JSON.stringify(summaryJson(outcome, definitions, conductor, args, loaded.ms), null, 2)}\n`);
    return outcome.exitCode;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const result = outcome.result;
  if (result) {
    const created = result.applied.filter((a) => a.action === 'create').length;
    const updated = result.applied.length - created;
    if (result.failures.length > 0) {
      err(`\nThe server refused ${result.failures.length === 1 ? 'a definition' : 'definitions'}:\n${renderFailures(result.failures)}`);
      if (result.skipped.length > 0) err(`Not applied because of that: ${result.skipped.map((s) => `${s.name}${s.version !== undefined ? ` v${s.version}` : ''}`).join(', ')}\n`);
      err(`Applied before the failure: ${created} created, ${updated} updated. Fix the above and run again; what is already applied shows as unchanged.\n`);
    } else {
      out(`Applied: ${created} created, ${updated} updated in ${seconds} s (requests: ${requestLine(conductor)}).\n`);
    }
  } else if (args.dryRun) {
    out(`Dry run: nothing was applied (requests: ${requestLine(conductor)}).\n`);
  } else if (outcome.exitCode === 1) {
    err('Nothing was applied.\n');
  } else {
    out(`Nothing to do (${seconds} s, ${conductor.writes} writes).\n`);
  }
  return outcome.exitCode;
}

export function registerCommand(cli: Argv): Argv {
  return cli.command(
    'register',
    'Apply task definitions, workflows and schedules to the Conductor server at CONDUCTOR_SERVER_URL (plan first)',
    (y) =>
      y
        .option('dry-run', { type: 'boolean', default: false, describe: 'show the plan and stop; exit 0 when nothing would change, 2 when something would' })
        .option('on-conflict', {
          choices: ON_CONFLICT_VALUES as OnConflict[],
          default: 'fail' as OnConflict,
          describe: 'a changed workflow whose version is already on the server: fail (refuse, apply nothing), overwrite (replace it in place), bump (register the next free version)',
        })
        .option('from-generated', { type: 'boolean', default: false, describe: 'register generated/ as it is instead of compiling the workflow files' })
        .option('json', { type: 'boolean', default: false, describe: 'print a JSON summary on stdout (plan, applied, failures, requests)' })
        .option('typecheck', { type: 'boolean', default: true, describe: 'type-check the workflow files first (--no-typecheck skips it)' })
        .option('server-url', { type: 'string', describe: 'server address (default CONDUCTOR_SERVER_URL; with or without /api)' })
        .example('$0 register --dry-run', 'show what would change')
        .example('$0 register --from-generated --json', 'CI: register the committed generated/ and report as JSON')
        .epilogue(
          'Authentication: CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET (Orkes); none for plain OSS.\n' +
            'Exit codes: 0 applied or nothing to do, 1 failed (or refused by --on-conflict=fail), 2 changes pending (--dry-run).',
        ),
    async (argv) => {
      const args = argv as unknown as RegisterArgs;
      try {
        args.setExit(await run(args));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (args.json) out(`${JSON.stringify({ ok: false, error: message, exitCode: 1 }, null, 2)}\n`);
        else err(`baton register: ${message}\n`);
        args.setExit(1);
      }
    },
  );
}
