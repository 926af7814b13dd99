// `baton dev-server`: runs a local Conductor in the foreground until Ctrl-C.
// Addresses go to stdout (the `export` line is meant to be copy-pasted or
// eval'ed); progress goes to stderr so it never pollutes that.
import { parseArgs } from 'node:util';
import { conductorVersion } from './jar.js';
import { readTail } from './logtail.js';
import { isPortOpen } from './port.js';
import { type RunningConductor, startConductor } from './server.js';

export interface DevServerIO {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

const defaultIO: DevServerIO = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
};

// Conductor's and the SDKs' conventional port; used when free so that tools
// left at their defaults just work, otherwise we fall back to any free port.
const CONVENTIONAL_PORT = 8080;

export const DEV_SERVER_USAGE = `Usage: baton dev-server [--port N] [--data-dir DIR] [--keep] [--timeout SECONDS]

Runs a local Conductor OSS server (SQLite, 127.0.0.1 only) until Ctrl-C.
  --port N          port to listen on (default ${CONVENTIONAL_PORT} if free, else a free port)
  --data-dir DIR    keep the database and log in DIR (kept after exit)
  --keep            keep the temporary data folder after exit
  --timeout SECONDS how long to wait for the server to boot (default 300)`;

function describe(server: RunningConductor, keep: boolean): string[] {
  return [
    `Conductor ${conductorVersion()} is running (pid ${server.pid}, healthy after ${(server.startupMs / 1000).toFixed(1)} s)`,
    `  Server:  ${server.url}`,
    `  API:     ${server.apiUrl}`,
    `  UI:      ${server.uiUrl ?? '(not included in the conductor-server boot jar)'}`,
    ...(server.swaggerUrl ? [`  Swagger: ${server.swaggerUrl}`] : []),
    `  Data:    ${server.dataDir}${keep ? '' : ' (removed on exit)'}`,
    `  Log:     ${server.logFile}`,
    '',
    `export CONDUCTOR_SERVER_URL=${server.apiUrl}`,
    '',
    'Press Ctrl-C to stop.',
  ];
}

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Resolves on the first SIGINT/SIGTERM/SIGHUP. After that, a second signal exits
 * at once (the exit hook still kills the JVM) for the impatient Ctrl-C Ctrl-C.
 */
function stopSignal(): { received: Promise<NodeJS.Signals>; dispose: () => void } {
  const impatient = (): never => process.exit(130);
  let onSignal: (signal: NodeJS.Signals) => void = () => {};
  const received = new Promise<NodeJS.Signals>((resolve) => {
    onSignal = (signal) => {
      for (const s of STOP_SIGNALS) {
        process.removeListener(s, onSignal);
        process.on(s, impatient);
      }
      resolve(signal);
    };
    for (const s of STOP_SIGNALS) process.on(s, onSignal);
  });
  const dispose = (): void => {
    for (const s of STOP_SIGNALS) {
      process.removeListener(s, onSignal);
      process.removeListener(s, impatient);
    }
  };
  return { received, dispose };
}

/** Runs the dev server until a signal arrives; resolves to the process exit code. */
export async function runDevServer(argv: readonly string[], io: DevServerIO = defaultIO): Promise<number> {
  let values: { port?: string; 'data-dir'?: string; keep?: boolean; timeout?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        keep: { type: 'boolean' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${DEV_SERVER_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(DEV_SERVER_USAGE);
    return 0;
  }

  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    io.stderr(`--port must be a TCP port number, got '${values.port}'`);
    return 2;
  }
  const timeoutSeconds = values.timeout === undefined ? 300 : Number(values.timeout);
  if (!(timeoutSeconds > 0)) {
    io.stderr(`--timeout must be a positive number of seconds, got '${values.timeout}'`);
    return 2;
  }
  const chosenPort = port ?? ((await isPortOpen(CONVENTIONAL_PORT)) ? undefined : CONVENTIONAL_PORT);
  const keep = values.keep === true || values['data-dir'] !== undefined;

  // Nothing else holds the event loop open (the JVM child is unref'd on purpose).
  const keepAlive = setInterval(() => {}, 1 << 30);
  try {
    let server: RunningConductor;
    try {
      server = await startConductor({
        port: chosenPort,
        dataDir: values['data-dir'],
        keepDataDir: values.keep === true,
        startupTimeoutMs: timeoutSeconds * 1000,
        log: io.stderr,
      });
    } catch (error) {
      io.stderr((error as Error).message);
      return 1;
    }
    for (const line of describe(server, keep)) io.stdout(line);

    const signal = stopSignal();
    try {
      const crashed = (server.exited ?? new Promise<never>(() => {})).then(() => 'crashed' as const);
      const outcome = await Promise.race([signal.received, crashed]);
      if (outcome === 'crashed') {
        io.stderr(`Conductor exited unexpectedly. Last lines of ${server.logFile}:\n${readTail(server.logFile, { lines: 40, skipStackFrames: true })}`);
        await server.stop();
        return 1;
      }
      io.stderr(`Received ${outcome}, stopping Conductor...`);
      await server.stop();
      return 0;
    } finally {
      signal.dispose();
    }
  } finally {
    clearInterval(keepAlive);
  }
}
