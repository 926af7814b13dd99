/**
 * `baton mcp`: serve every compiled workflow to AI agents as an MCP tool, over stdio (the
 * default, for a client that spawns baton) or Streamable HTTP (`--http`, for a team).
 * `baton mcp keygen` makes an API key for HTTP.
 */
import type { Argv } from 'yargs';
import { loadConfig } from '../../compiler/config.js';
import { Conductor, connectionFromEnv } from '../../runtime/conductor.js';
import { generateKey, hashKey } from '../../mcp/auth/keys.js';
import { ROLES, isRole } from '../../mcp/auth/roles.js';
import { DEFAULTS } from '../../mcp/defaults.js';
import { DEFAULT_AUDIT_LOG, DEFAULT_PORT, ENV, type McpFlags, resolveMcpOptions } from '../../mcp/options.js';
import { type CommonArgs, projectRoot } from '../context.js';
import packageJson from '../../package.json' with { type: 'json' };

interface McpArgs extends CommonArgs, McpFlags {}

interface KeygenArgs extends CommonArgs {
  id: string;
  role: string;
}

const EPILOGUE = `Conductor: CONDUCTOR_SERVER_URL (e.g. http://localhost:8080/api); for Orkes also CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET.

API keys (HTTP only; stdio runs with your own rights):
  ${ENV.keys}=id:role:secret[,id:role:secret…]   the secret may be given as sha256:<hex>
  ${ENV.keysFile}=keys.json    {"keys":[{"id":"alice","role":"operator","hash":"sha256:…"}]}
                               optional per key: "rateLimitPerMinute": 600, "expires": "2027-01-01T00:00:00Z"
  Roles: viewer (read runs and workflows), operator (+ start, wait, signal, retry), admin (+ terminate, restart, pause, resume).

Other environment: ${ENV.auditLog} (file, '-' for stderr, 'off'), ${ENV.allowedHosts}, ${ENV.allowedOrigins}, ${ENV.logLevel}.
HTTP endpoints: POST /mcp (MCP), GET /healthz (no key; 503 when Conductor is unreachable), GET /metrics (Prometheus; any key).
Exit codes: 0 stopped, 1 could not start, 2 bad usage.`;

function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

async function serve(args: McpArgs): Promise<number> {
  const root = projectRoot(args);
  const config = await loadConfig(root);
  const options = resolveMcpOptions(root, config.mcp, args);
  const conductor = new Conductor(connectionFromEnv());
  // Loaded here so other commands do not pay for the MCP SDK and its HTTP stack.
  const { runMcp } = await import('../../mcp/run.js');
  await runMcp({ outDir: config.outDir, options, conductor, version: packageJson.version, stop: stopSignal() });
  // Idle keep-alive connections to Conductor would hold the process for seconds after its
  // client left; a client that restarts the server should not have to wait for them.
  setTimeout(() => process.exit(), 200).unref();
  return 0;
}

function keygen(args: KeygenArgs): number {
  if (!isRole(args.role)) {
    process.stderr.write(`--role must be one of ${ROLES.join(', ')}\n`);
    return 2;
  }
  const key = generateKey();
  const entry = { id: args.id, role: args.role, hash: hashKey(key) };
  process.stdout.write(
    [
      `API key for '${args.id}' (${args.role}); shown once, store it in the client's secret store:`,
      '',
      `  ${key}`,
      '',
      'Add this entry to the "keys" list of your keys file (it holds only the hash):',
      '',
      `  ${JSON.stringify(entry)}`,
      '',
      `or give it through the environment: ${ENV.keys}=${args.id}:${args.role}:${entry.hash}`,
      '',
    ].join('\n'),
  );
  return 0;
}

export function mcpCommand(cli: Argv): Argv {
  return cli.command(
    'mcp',
    'Serve every compiled workflow as an MCP tool for AI agents (stdio, or Streamable HTTP with --http)',
    (y) =>
      y
        .command(
          'keygen',
          'Make an API key for `baton mcp --http` (prints the key once, and the hash to store)',
          (k) =>
            k
              .option('id', { type: 'string', demandOption: true, describe: 'who the key is for, e.g. claude-desktop-alice' })
              .option('role', { type: 'string', choices: [...ROLES], default: 'operator', describe: 'what the key may do' }),
          (argv) => {
            const args = argv as unknown as KeygenArgs;
            args.setExit(keygen(args));
          },
        )
        .option('http', { type: 'boolean', default: false, describe: 'serve Streamable HTTP instead of stdio' })
        .option('port', { type: 'number', describe: `HTTP port (default ${DEFAULT_PORT}; 0 picks a free one)` })
        .option('host', { type: 'string', describe: 'address to bind (default 127.0.0.1; anything else needs API keys)' })
        .option('stateful', { type: 'boolean', describe: 'keep HTTP sessions in memory (needs sticky routing; lets the server announce tool changes)' })
        .option('keys-file', { type: 'string', describe: `JSON file of hashed API keys (or ${ENV.keysFile})` })
        .option('allowed-hosts', { type: 'string', describe: 'comma-separated Host names to accept (default: loopback names when bound to loopback)' })
        .option('allowed-origins', { type: 'string', describe: 'comma-separated browser origins to accept (default: none)' })
        .option('audit-log', { type: 'string', describe: `audit log file, '-' for stderr, 'off' (default ${DEFAULT_AUDIT_LOG})` })
        .option('rate-limit', { type: 'number', describe: `calls per minute per API key (default ${DEFAULTS.rateLimitPerMinute})` })
        .option('max-wait', { type: 'number', describe: `longest wait a tool call may ask for, in seconds (default ${DEFAULTS.maxWaitSeconds})` })
        .option('log-level', { type: 'string', choices: ['debug', 'info', 'warn', 'error', 'silent'], describe: `log level on stderr (default info, or ${ENV.logLevel})` })
        .option('auth', { type: 'boolean', describe: '--no-auth serves HTTP on loopback without API keys (local experiments only)' })
        .option('watch', { type: 'boolean', default: true, describe: 'reload generated/ when it changes (--no-watch to turn off)' })
        .example('$0 mcp', 'serve stdio, for Claude Desktop, Cursor and other clients that spawn a command')
        .example(`${ENV.keys}=ci:operator:$SECRET $0 mcp --http --port 3333`, 'serve HTTP on 127.0.0.1:3333')
        .example('$0 mcp keygen --id alice --role viewer', 'make an API key')
        .epilogue(EPILOGUE),
    async (argv) => {
      const args = argv as unknown as McpArgs;
      args.setExit(await serve(args));
    },
  );
}
