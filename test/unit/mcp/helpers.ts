/**
 * Test harness: the real MCP server and the SDK's real Client over an in-memory transport
 * pair, serving a fixture project compiled by the real compiler. Conductor is a real server
 * in e2e tests; here it is an address where nothing listens, so any call that reaches it is
 * counted (Conductor.requests) and fails as a network error would.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { AuditEntry } from '../../../mcp/audit.js';
import type { Principal } from '../../../mcp/auth/roles.js';
import { jsonLogger } from '../../../mcp/log.js';
import { type McpServices, createMcpServer } from '../../../mcp/server.js';
import { closeServices, createServices } from '../../../mcp/services.js';
import { Conductor } from '../../../runtime/conductor.js';
import { type FixtureProject, fixtureProject } from './fixtures/project.js';

/** Port 9 (discard) on loopback: connections are refused at once. */
export function unreachableConductor(): Conductor {
  return new Conductor({ serverUrl: 'http://127.0.0.1:9', attempts: 1, timeoutMs: 2000 });
}

export interface Harness {
  readonly client: Client;
  readonly services: McpServices;
  readonly conductor: Conductor;
  readonly project: FixtureProject;
  readonly auditFile: string;
  auditLines(): AuditEntry[];
  /** Log lines the server wrote. */
  readonly logs: string[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly principal?: Principal;
  readonly conductor?: Conductor;
  readonly project?: FixtureProject;
  readonly pageSize?: number;
  readonly maxResponseBytes?: number;
  readonly notifyListChanged?: boolean;
}

export function readAudit(file: string): AuditEntry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditEntry);
}

export function servicesFor(project: FixtureProject, conductor: Conductor, logs: string[], extra: { pageSize?: number; maxResponseBytes?: number } = {}): McpServices {
  return createServices({
    outDir: project.outDir,
    conductor,
    logger: jsonLogger({ level: 'debug', write: (line) => void logs.push(line) }),
    version: '0.0.0-test',
    auditLog: join(project.root, 'audit.jsonl'),
    ...extra,
  });
}

export async function connect(options: HarnessOptions = {}): Promise<Harness> {
  const project = options.project ?? fixtureProject();
  const conductor = options.conductor ?? unreachableConductor();
  const logs: string[] = [];
  const services = servicesFor(project, conductor, logs, {
    ...(options.pageSize !== undefined && { pageSize: options.pageSize }),
    ...(options.maxResponseBytes !== undefined && { maxResponseBytes: options.maxResponseBytes }),
  });
  const server = createMcpServer(services, {
    transport: 'memory',
    ...(options.principal && { principal: options.principal }),
    notifyListChanged: options.notifyListChanged ?? true,
  });
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'baton-tests', version: '1.0.0' });
  await client.connect(clientSide);
  const auditFile = join(project.root, 'audit.jsonl');
  return {
    client,
    services,
    conductor,
    project,
    auditFile,
    auditLines: () => readAudit(auditFile),
    logs,
    async close() {
      await client.close();
      await server.close();
      closeServices(services);
      if (!options.project) project.remove();
    },
  };
}

/** The text of a tool result's first content block. */
export function textOf(result: object): string {
  const content = (result as { content?: unknown }).content as { type: string; text?: string }[] | undefined;
  return content?.[0]?.text ?? '';
}
