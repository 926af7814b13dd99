/**
 * `baton dev-server`: a local Conductor OSS server (SQLite, loopback only) in the foreground
 * until Ctrl-C. The work is done by devserver/cli.ts, which the e2e tests and CI scripts share;
 * this only translates yargs options into its arguments.
 */
import type { Argv } from 'yargs';
import { runDevServer } from '../../devserver/cli.js';
import type { CommonArgs } from '../context.js';

interface DevServerArgs extends CommonArgs {
  port?: number;
  dataDir?: string;
  keep: boolean;
  timeout?: number;
}

export function devServerCommand(cli: Argv): Argv {
  return cli.command(
    'dev-server',
    'Run a local Conductor server (SQLite, 127.0.0.1) until Ctrl-C; prints its URL and API/UI addresses',
    (y) =>
      y
        .option('port', { type: 'number', describe: 'port to listen on (default 8080 if free, else any free port)' })
        .option('data-dir', { type: 'string', describe: 'keep the database and log in this folder (kept after exit)' })
        .option('keep', { type: 'boolean', default: false, describe: 'keep the temporary data folder after exit' })
        .option('timeout', { type: 'number', describe: 'seconds to wait for the server to boot (default 180)' })
        .example('$0 dev-server', 'start a server, then in another shell: export CONDUCTOR_SERVER_URL=…')
        .epilogue('Exit codes: 0 stopped by Ctrl-C, 1 failed to start or crashed, 2 bad usage.'),
    async (argv) => {
      const args = argv as unknown as DevServerArgs;
      const forwarded = [
        ...(args.port !== undefined ? ['--port', String(args.port)] : []),
        ...(args.dataDir !== undefined ? ['--data-dir', args.dataDir] : []),
        ...(args.keep ? ['--keep'] : []),
        ...(args.timeout !== undefined ? ['--timeout', String(args.timeout)] : []),
      ];
      args.setExit(await runDevServer(forwarded));
    },
  );
}
