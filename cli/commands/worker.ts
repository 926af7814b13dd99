/**
 * `baton worker`: runs the project's workers until SIGTERM or Ctrl-C, then shuts down
 * gracefully: polling stops at once, tasks in hand finish and are reported, and only then does
 * the process exit (what a rolling deploy or `kubectl delete pod` expects). A second signal
 * exits immediately. Logs go to stderr: JSON lines, or text on a terminal.
 */
import type { Argv } from 'yargs';
import { discoverWorkers } from '../../runtime/discover.js';
import type { WorkerOptions } from '../../runtime/implement.js';
import { type LogLevel, createLogger } from '../../runtime/logger.js';
import type { StatusServer } from '../../runtime/status-server.js';
import { type CommonArgs, projectRoot } from '../context.js';

interface WorkerArgs extends CommonArgs {
  only?: string[];
  concurrency?: number;
  pollInterval?: number;
  batchSize?: number;
  domain?: string;
  workerId?: string;
  shutdownTimeout: number;
  metricsPort?: number;
  metricsHost: string;
  logFormat?: 'json' | 'text';
  logLevel: LogLevel;
}

async function runWorkers(args: WorkerArgs): Promise<number> {
  // JSON lines for log shippers; readable lines when a person watches the terminal.
  const log = createLogger({ format: args.logFormat ?? (process.stderr.isTTY ? 'text' : 'json'), level: args.logLevel });
  const discovery = await discoverWorkers(projectRoot(args));
  if (discovery.errors.length > 0) {
    for (const line of discovery.errors) process.stderr.write(`${line}\n`);
    return 1;
  }
  if (discovery.unknown.length > 0) {
    for (const { worker, file } of discovery.unknown) {
      log.error('worker for a task no workflow declares; the server never schedules it', {
        task: worker.name,
        file,
        declared: discovery.declared,
      });
    }
    return 1;
  }
  let chosen = discovery.workers;
  if (args.only && args.only.length > 0) {
    const names = new Set(args.only.flatMap((n) => n.split(',')).map((n) => n.trim()).filter(Boolean));
    const unknown = [...names].filter((n) => !discovery.workers.some((w) => w.worker.name === n));
    if (unknown.length > 0) {
      process.stderr.write(
        `--only names tasks without a worker: ${unknown.join(', ')}\nWorkers: ${discovery.workers.map((w) => w.worker.name).join(', ') || '(none)'}\n`,
      );
      return 2;
    }
    chosen = discovery.workers.filter((w) => names.has(w.worker.name));
  } else {
    for (const task of discovery.missing) {
      log.warn('no worker implements this task; its runs will wait until one polls', { task });
    }
  }
  if (chosen.length === 0) {
    process.stderr.write(`No workers found (globs: ${discovery.config.workers.join(', ')}). Write one with implement(task, handler).\n`);
    return 1;
  }

  const defaults: WorkerOptions = {
    ...(args.concurrency !== undefined && { concurrency: args.concurrency }),
    ...(args.pollInterval !== undefined && { pollIntervalMs: args.pollInterval }),
    ...(args.batchSize !== undefined && { batchSize: args.batchSize }),
    ...(args.domain !== undefined && { domain: args.domain }),
  };
  // Listening before the workers start: "workers started" tells a supervisor it may signal us,
  // and a SIGTERM with no listener yet would kill the process on the spot.
  const received = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  // Loaded here, not at the top: every other command would pay for the Conductor SDK.
  const { startWorkers } = await import('../../runtime/runner.js');
  const { CanonicalMetricsCollector } = await import('@io-orkes/conductor-javascript');
  // The metric names every Conductor SDK's workers report (task_poll_total, task_execute_time_seconds, …).
  const metrics = args.metricsPort !== undefined ? new CanonicalMetricsCollector() : undefined;
  const pool = await startWorkers({
    workers: chosen.map((w) => w.worker),
    logger: log,
    defaults,
    ...(args.workerId !== undefined && { workerId: args.workerId }),
    ...(metrics && { metrics }),
  });
  let status: StatusServer | undefined;
  if (metrics && args.metricsPort !== undefined) {
    const { serveWorkerStatus } = await import('../../runtime/status-server.js');
    try {
      status = await serveWorkerStatus({ pool, metrics, port: args.metricsPort, host: args.metricsHost });
    } catch (error) {
      log.error('could not serve /metrics and /healthz; stopping', { port: args.metricsPort, host: args.metricsHost, error: (error as Error).message });
      await pool.stop({ graceMs: args.shutdownTimeout * 1000 });
      return 1;
    }
    log.info('serving /metrics and /healthz', { url: status.url, port: status.port });
  }

  const signal = await received;
  log.info('signal received', { signal });
  process.once(signal, () => {
    log.warn('second signal: exiting without waiting for the tasks in hand');
    process.exit(130);
  });
  const result = await pool.stop({ graceMs: args.shutdownTimeout * 1000 });
  await status?.close();
  // Everything is reported; a handler that ignored the abort signal must not keep the process
  // (and the pod) alive. Unref'd: a clean exit does not wait for it.
  setTimeout(() => process.exit(result.drained ? 0 : 1), 2_000).unref();
  return result.drained ? 0 : 1;
}

export function workerCommand(cli: Argv): Argv {
  return cli.command(
    'worker',
    'Run the workers of this project (workers/**/*.ts) until SIGTERM or Ctrl-C',
    (y) =>
      y
        .option('only', { type: 'string', array: true, describe: 'run only these tasks (names, repeatable or comma-separated)' })
        .option('concurrency', { type: 'number', describe: 'tasks at once per task type, for workers that do not set their own' })
        .option('poll-interval', { type: 'number', describe: 'ms between polls when idle, for workers that do not set their own' })
        .option('batch-size', { type: 'number', describe: 'most tasks per poll, for workers that do not set their own' })
        .option('domain', { type: 'string', describe: 'task domain to poll, for workers that do not set their own' })
        .option('worker-id', { type: 'string', describe: 'name shown by Conductor for this process (default: host-pid)' })
        .option('shutdown-timeout', { type: 'number', default: 30, describe: 'seconds to let tasks in hand finish after SIGTERM' })
        .option('metrics-port', { type: 'number', describe: 'serve GET /metrics (Prometheus, the Conductor SDK metric names) and GET /healthz (503 while stopping) on this port; 0 picks one' })
        .option('metrics-host', { type: 'string', default: '0.0.0.0', describe: 'address for --metrics-port (127.0.0.1 keeps it on this machine)' })
        .option('log-format', { choices: ['json', 'text'] as const, describe: 'log lines on stderr (default: text on a terminal, else JSON)' })
        .option('log-level', { choices: ['debug', 'info', 'warn', 'error'] as const, default: 'info' as const })
        .example('$0 worker', 'poll for every task that has a worker')
        .example('$0 worker --only charge_card --only refund_card --concurrency 4', 'a dedicated payments worker')
        .example('$0 worker --metrics-port 9464', 'with Prometheus metrics and a health check for Kubernetes probes')
        .epilogue(
          'Connects to CONDUCTOR_SERVER_URL (with CONDUCTOR_AUTH_KEY/CONDUCTOR_AUTH_SECRET for Orkes).\n' +
            'Exit codes: 0 stopped after finishing every task in hand, 1 could not start (or stopped with tasks ' +
            'unfinished after --shutdown-timeout), 2 bad usage.',
        ),
    async (argv) => {
      const args = argv as unknown as WorkerArgs;
      for (const [flag, value] of [['concurrency', args.concurrency], ['poll-interval', args.pollInterval], ['batch-size', args.batchSize]] as const) {
        if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
          process.stderr.write(`--${flag} must be a whole number of at least 1 (got ${value})\n`);
          args.setExit(2);
          return;
        }
      }
      if (args.metricsPort !== undefined && !(Number.isInteger(args.metricsPort) && args.metricsPort >= 0 && args.metricsPort <= 65535)) {
        process.stderr.write(`--metrics-port must be a port number from 0 to 65535 (got ${args.metricsPort})\n`);
        args.setExit(2);
        return;
      }
      if (!(args.shutdownTimeout >= 0)) {
        process.stderr.write(`--shutdown-timeout must be a number of seconds (got ${args.shutdownTimeout})\n`);
        args.setExit(2);
        return;
      }
      args.setExit(await runWorkers(args));
    },
  );
}
