/**
 * `baton validate`: compile the workflow files and report problems without writing anything.
 * With `--server`, also ask the Conductor server about every definition (its validate endpoint,
 * its cron parser, and whether called sub-workflows exist); nothing is stored on the server.
 */
import type { Argv } from 'yargs';
import { failureJson, renderFailures, validateOnServer } from '../../register/index.js';
import type { CommonArgs } from '../context.js';
import { connect, describeSource, loadOrReport } from './register.js';

interface ValidateArgs extends CommonArgs {
  server: boolean;
  serverUrl?: string;
  fromGenerated: boolean;
  typecheck: boolean;
  json: boolean;
}

async function run(args: ValidateArgs): Promise<number> {
  const conductor = args.server ? connect(args.serverUrl) : undefined;
  const loaded = await loadOrReport(args);
  if (!loaded.ok) return 1;
  const { definitions } = loaded;
  if (!conductor) {
    if (args.json) process.stdout.write(`${JSON.stringify({ ok: true, server: null, workflows: definitions.workflows.length, failures: [] }, null, 2)}\n`);
    else process.stdout.write(`OK: ${describeSource(definitions)}. Add --server to check them against a Conductor server too.\n`);
    return 0;
  }
  const validation = await validateOnServer(conductor, definitions);
  const ok = validation.failures.length === 0;
  if (args.json) {
    process.stdout.write(
      `${JSON.stringify({ ok, server: conductor.base, checked: validation.checked, failures: validation.failures.map(failureJson), requests: conductor.requests }, null, 2)}\n`,
    );
  } else if (ok) {
    process.stdout.write(`OK: the server at ${conductor.base} accepts ${validation.checked.workflows} workflow${validation.checked.workflows === 1 ? '' : 's'} and ${validation.checked.schedules} schedule${validation.checked.schedules === 1 ? '' : 's'} (nothing was stored).\n`);
  } else {
    process.stderr.write(renderFailures(validation.failures));
    process.stderr.write(`\nThe server at ${conductor.base} would refuse ${validation.failures.length} definition${validation.failures.length === 1 ? '' : 's'} (nothing was stored).\n`);
  }
  return ok ? 0 : 1;
}

export function validateCommand(cli: Argv): Argv {
  return cli.command(
    'validate',
    'Check the workflows without writing anything; --server also asks the Conductor server (stores nothing)',
    (y) =>
      y
        .option('server', { type: 'boolean', default: false, describe: "ask the server's validate endpoint about every definition" })
        .option('server-url', { type: 'string', describe: 'server address (default CONDUCTOR_SERVER_URL; with or without /api)' })
        .option('from-generated', { type: 'boolean', default: false, describe: 'check generated/ as it is instead of compiling the workflow files' })
        .option('typecheck', { type: 'boolean', default: true, describe: 'type-check the workflow files (--no-typecheck skips it)' })
        .option('json', { type: 'boolean', default: false, describe: 'print a JSON report on stdout' })
        .example('$0 validate --server', 'compile, then let the server check every definition')
        .epilogue('Exit codes: 0 valid, 1 problems found (or the server could not be reached), 2 bad usage.'),
    async (argv) => {
      const args = argv as unknown as ValidateArgs;
      try {
        args.setExit(await run(args));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (args.json) process.stdout.write(`${JSON.stringify({ ok: false, error: message }, null, 2)}\n`);
        else process.stderr.write(`baton validate: ${message}\n`);
        args.setExit(1);
      }
    },
  );
}
