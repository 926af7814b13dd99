/** Puts the server's parts together from resolved options. */
import type { Conductor } from '../runtime/conductor.js';
import { AuditLog, type AuditSink } from './audit.js';
import { DEFAULTS } from './defaults.js';
import { Catalogue } from './catalogue.js';
import type { Logger } from './log.js';
import { McpMetrics } from './metrics.js';
import { ToolRegistry } from './registry.js';
import { Runs } from './runs.js';
import type { McpServices } from './server.js';
import { RUN_TOOL_NAMES } from './tools/names.js';

export { DEFAULTS } from './defaults.js';

export interface ServiceOptions {
  /** The compiled output directory (generated/). */
  readonly outDir: string;
  readonly conductor: Conductor;
  readonly logger: Logger;
  readonly name?: string;
  readonly version: string;
  readonly maxWaitSeconds?: number;
  readonly maxResponseBytes?: number;
  readonly pageSize?: number;
  /** A file, '-' for stderr, or null for none. */
  readonly auditLog: string | null;
  /** Or a sink of your own (tests). */
  readonly audit?: AuditSink;
  /** Reload generated/ when it changes. */
  readonly watch?: boolean;
}

export function createServices(options: ServiceOptions): McpServices {
  const maxWaitSeconds = options.maxWaitSeconds ?? DEFAULTS.maxWaitSeconds;
  const metrics = new McpMetrics();
  const catalogue = new Catalogue(options.outDir, { maxWaitSeconds, reservedNames: RUN_TOOL_NAMES }, options.logger);
  const registry = new ToolRegistry(catalogue, maxWaitSeconds);
  const countTools = () => metrics.tools.set(registry.list('admin').length);
  countTools();
  catalogue.on('changed', () => {
    metrics.reloads.inc({ outcome: 'changed' });
    countTools();
  });
  catalogue.on('error', () => metrics.reloads.inc({ outcome: 'failed' }));
  if (options.watch) catalogue.watch();
  return {
    catalogue,
    registry,
    runs: new Runs(options.conductor),
    limits: { maxWaitSeconds, maxResponseBytes: options.maxResponseBytes ?? DEFAULTS.maxResponseBytes },
    logger: options.logger,
    startsInFlight: new Map(),
    metrics,
    audit: options.audit ?? new AuditLog(options.auditLog, options.logger),
    serverInfo: { name: options.name ?? 'baton', version: options.version },
    pageSize: options.pageSize ?? DEFAULTS.pageSize,
  };
}

/** Stops watching generated/ and closes the audit log. */
export function closeServices(services: McpServices): void {
  services.catalogue.close();
  services.audit.close?.();
}
