/** `baton mcp` without the command line: serve stdio or HTTP until told to stop. */
import type { Conductor } from '../runtime/conductor.js';
import { HealthProbe } from './health.js';
import { serveHttp } from './http/server.js';
import { jsonLogger } from './log.js';
import type { ResolvedMcpOptions } from './options.js';
import { closeServices, createServices } from './services.js';
import { serveStdio } from './stdio.js';

export interface RunMcpOptions {
  readonly outDir: string;
  readonly options: ResolvedMcpOptions;
  readonly conductor: Conductor;
  readonly version: string;
  /** Resolves when the server should stop (signals). */
  readonly stop: Promise<unknown>;
}

export async function runMcp(run: RunMcpOptions): Promise<void> {
  const { options } = run;
  const logger = jsonLogger({ level: options.logLevel });
  const services = createServices({
    outDir: run.outDir,
    conductor: run.conductor,
    logger,
    version: run.version,
    auditLog: options.auditLog,
    maxWaitSeconds: options.maxWaitSeconds,
    maxResponseBytes: options.maxResponseBytes,
    pageSize: options.pageSize,
    watch: options.watch,
    ...(options.name !== undefined && { name: options.name }),
  });
  const health = new HealthProbe(run.conductor);
  void health.check().then((h) => {
    if (!h.reachable) logger.warn('Conductor is not reachable; tools will report it until it is', { url: run.conductor.base });
  });
  try {
    if (options.http) {
      const server = await serveHttp(services, health, {
        host: options.host,
        port: options.port,
        keys: options.keys,
        rateLimitPerMinute: options.rateLimitPerMinute,
        ...(options.allowedHosts && { allowedHosts: options.allowedHosts }),
        allowedOrigins: options.allowedOrigins,
        stateful: options.stateful,
      });
      process.stderr.write(`baton MCP server listening on ${server.url}\n`);
      await run.stop;
      await server.close();
    } else {
      logger.info('serving MCP over stdio', { tools: services.catalogue.current.tools.length, conductor: run.conductor.base });
      const server = await serveStdio(services);
      await Promise.race([server.closed, run.stop]);
      await server.close();
    }
  } finally {
    closeServices(services);
  }
}
