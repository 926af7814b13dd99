/**
 * `baton import`: Conductor workflow definitions (JSON files, or a live server) become baton
 * workflow modules that build back to the very same definitions. The round trip is checked
 * before anything is written.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { Argv } from 'yargs';
import { loadConfig } from '../../compiler/config.js';
import { globToRegExp } from '../../compiler/files.js';
import { ImportError, readDefinitionFiles } from '../../importer/definitions.js';
import type { ImportOutcome } from '../../importer/index.js';
import { type ServerSelection, fetchDefinitions, parseSelector } from '../../importer/server.js';
import { Conductor, ConductorError } from '../../runtime/conductor.js';
import { type CommonArgs, projectRoot } from '../context.js';

interface ImportArgs extends CommonArgs {
  files?: string[];
  fromServer?: string[];
  all: boolean;
  allVersions: boolean;
  out?: string;
  verify: boolean;
  json: boolean;
}

function selection(args: ImportArgs): ServerSelection | undefined {
  if (args.allVersions) return { kind: 'all-versions' };
  if (args.all) return { kind: 'latest' };
  if (args.fromServer === undefined) return undefined;
  return { kind: 'names', names: args.fromServer.map(parseSelector) };
}

function report(outcome: ImportOutcome, outDir: string, root: string, unseen: boolean): void {
  const out = relative(root, outDir) || '.';
  const check = outcome.verified ? 'each builds back to its definition' : 'the round trip was not checked: --no-verify';
  process.stdout.write(`Imported ${outcome.workflows.length} workflow${outcome.workflows.length === 1 ? '' : 's'} into ${out}/ (${check}):\n`);
  const width = Math.max(...outcome.workflows.map((w) => `${w.name} v${w.version}`.length));
  for (const w of outcome.workflows) {
    const steps = w.builders + w.escapeHatch;
    const hatch = w.escapeHatch > 0 ? ` (${w.escapeHatch} with wf.task)` : '';
    const fallback = w.fallback === 'none' ? '' : w.fallback === 'tasks' ? '; some steps fell back to wf.task' : '; written without typed references';
    process.stdout.write(
      `  ${`${w.name} v${w.version}`.padEnd(width)}  ${w.file}: ${steps} step${steps === 1 ? '' : 's'}${hatch}, ${w.typed} typed expression${w.typed === 1 ? '' : 's'}, ${w.raw} raw${fallback}\n`,
    );
  }
  const { total, registered } = outcome.declarations;
  const tasks = outcome.files.find((f) => f.path === 'tasks.ts');
  if (tasks) process.stdout.write(`  tasks.ts: ${total} worker task declaration${total === 1 ? '' : 's'}, ${registered} with the registered definition kept\n`);
  if (outcome.externals > 0) {
    process.stdout.write(`  external.ts: ${outcome.externals} workflow${outcome.externals === 1 ? '' : 's'} called but not imported (declared with externalWorkflow)\n`);
  }
  if (unseen) {
    process.stderr.write(`\nNote: ${out}/ is not matched by the workflow globs of baton.config.ts, so \`baton build\` will not compile it; add '${out.split(sep).join('/')}/**/*.ts' to \`workflows\`.\n`);
  }
}

export function importCommand(cli: Argv): Argv {
  return cli.command(
    'import [files..]',
    'Turn Conductor workflow definitions (JSON files or a live server) into baton workflow modules',
    (y) =>
      y
        .positional('files', { type: 'string', array: true, describe: 'JSON files, each a WorkflowDef, a list of them, or TaskDefs' })
        .option('out', { type: 'string', describe: 'folder to write the modules to (e.g. workflows/imported)', demandOption: true })
        .option('from-server', { type: 'string', array: true, describe: 'read these workflows (name or name:version) from CONDUCTOR_SERVER_URL' })
        .option('all', { type: 'boolean', default: false, describe: 'with the server: the newest version of every workflow' })
        .option('all-versions', { type: 'boolean', default: false, describe: 'with the server: every version of every workflow' })
        .option('verify', { type: 'boolean', default: true, describe: 'build the modules and compare with the definitions before writing (--no-verify skips it)' })
        .option('json', { type: 'boolean', default: false, describe: 'print a JSON report on stdout' })
        .example('$0 import exported/*.json --out workflows/imported', 'import definitions exported from Conductor')
        .example('$0 import --from-server order_flow:3 payment --out workflows/imported', 'import from the server, with task definitions')
        .example('$0 import --all --out workflows/imported', 'import the newest version of every workflow on the server')
        .epilogue('Exit codes: 0 imported, 1 the definitions could not be read or imported, 2 bad usage.'),
    async (argv) => {
      const args = argv as unknown as ImportArgs;
      const root = projectRoot(args);
      const files = args.files ?? [];
      const server = selection(args);
      if ((server === undefined) === (files.length === 0)) {
        process.stderr.write('Give either JSON files or --from-server (with names, --all or --all-versions), not both and not neither.\n');
        args.setExit(2);
        return;
      }
      if (server?.kind === 'names' && server.names.length === 0) {
        process.stderr.write('--from-server needs workflow names (name or name:version), or --all.\n');
        args.setExit(2);
        return;
      }
      try {
        const definitions = server ? await fetchDefinitions(new Conductor(), server) : readDefinitionFiles(files, root);
        if (definitions.workflows.length === 0) throw new ImportError('there is no workflow definition to import');
        const config = await loadConfig(root);
        // Loaded here: the importer brings ts-morph, which no other command should pay for.
        const { importDefinitions } = await import('../../importer/index.js');
        const outcome = await importDefinitions({ definitions, root, config, verify: args.verify });
        const outDir = resolve(root, args.out!);
        for (const file of outcome.files) {
          const path = join(outDir, file.path);
          mkdirSync(resolve(path, '..'), { recursive: true });
          writeFileSync(path, file.text);
        }
        const first = relative(root, join(outDir, outcome.files[0]!.path)).split(sep).join('/');
        const unseen = !config.workflows.some((glob) => globToRegExp(glob).test(first));
        if (args.json) {
          process.stdout.write(`${JSON.stringify({ ok: true, outDir: relative(root, outDir) || '.', verified: outcome.verified, files: outcome.files.map((f) => f.path), workflows: outcome.workflows }, null, 2)}\n`);
        } else {
          report(outcome, outDir, root, unseen);
        }
        args.setExit(0);
      } catch (error) {
        if (!(error instanceof ImportError || error instanceof ConductorError)) throw error;
        if (args.json) process.stdout.write(`${JSON.stringify({ ok: false, error: error.message }, null, 2)}\n`);
        else process.stderr.write(`baton import: ${error.message}\n`);
        args.setExit(1);
      }
    },
  );
}
