/**
 * The `baton` command line. Each command lives in cli/commands/ and registers itself here.
 */
import yargs, { type Argv } from 'yargs';
import { buildCommand } from './commands/build.js';
import { graphCommand } from './commands/graph.js';
import { devServerCommand } from './commands/dev-server.js';
import { registerCommand } from './commands/register.js';
import { validateCommand } from './commands/validate.js';
import { mcpCommand } from './commands/mcp.js';
import { workerCommand } from './commands/worker.js';
import { runCommand } from './commands/run.js';
import { importCommand } from './commands/import.js';
import { initCommand } from './commands/init.js';
import packageJson from '../package.json' with { type: 'json' };

export type CommandModule = (cli: Argv) => Argv;

const commands: CommandModule[] = [initCommand, buildCommand, graphCommand, devServerCommand, registerCommand, validateCommand, mcpCommand, workerCommand, runCommand, importCommand];

export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const cli = yargs([...argv])
    .scriptName('baton')
    .usage('$0 <command> [options]\n\nWorkflow-as-code for Netflix Conductor.')
    .option('root', { type: 'string', describe: 'project root (default: current directory)', global: true })
    .strict()
    .demandCommand(1, 'Say which command to run; see --help.')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(packageJson.version)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((message, error) => {
      if (error) throw error;
      process.stderr.write(`${message}\n\nRun 'baton --help' for usage.\n`);
      exitCode = 2;
    })
    .middleware((args) => {
      args.setExit = (code: number) => {
        exitCode = code;
      };
    });
  for (const register of commands) register(cli);
  try {
    await cli.parseAsync();
  } catch (error) {
    process.stderr.write(`baton: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  return exitCode;
}
