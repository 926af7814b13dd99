/**
 * The MCP server proper, whatever the transport: tools/list (filtered by the caller's role,
 * paginated, in a stable order) and tools/call (role check, schema check before anything
 * reaches Conductor, the tool, then metrics and the audit line). Built on the SDK's low-level
 * `Server`, because tool schemas are JSON Schema from tools.json rather than zod.
 */
import { performance } from 'node:perf_hooks';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { type CallToolRequest, type CallToolResult, ErrorCode, McpError, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { AuditOutcome, AuditSink } from './audit.js';
import { LOCAL_PRINCIPAL, type Principal, roleAllows } from './auth/roles.js';
import { ToolFailure } from './errors.js';
import type { McpMetrics } from './metrics.js';
import { ToolRegistry } from './registry.js';
import type { CallNotes, ServedTool, ToolAnswer, ToolServices } from './tools/types.js';
import { formatProblems } from './validation.js';

/** JSON-RPC error code for a tool the caller's role may not use (server-defined range). */
export const FORBIDDEN_ERROR_CODE = -32003;

export interface McpServices extends ToolServices {
  readonly registry: ToolRegistry;
  readonly metrics: McpMetrics;
  readonly audit: AuditSink;
  readonly serverInfo: { readonly name: string; readonly version: string };
  /** Tools per tools/list page. */
  readonly pageSize: number;
}

export interface ServerOptions {
  /** Who calls when the transport does not say (stdio, in-memory). */
  readonly principal?: Principal;
  readonly transport: 'stdio' | 'http' | 'memory';
  /** Send notifications/tools/list_changed when generated/ changes (long-lived connections). */
  readonly notifyListChanged?: boolean;
}

const INSTRUCTIONS =
  'Each workflow tool starts a run of a Conductor workflow: put its input under "input"; set waitSeconds to wait for the result. ' +
  'Runs are followed with baton_wait_run / baton_get_run, and steered with the other baton_ tools.';

/*
 * The SDK parses a request with the schema a handler is registered under before anything
 * else, and a failure there surfaces as an internal error carrying zod's dump. Registering
 * under schemas that only pin the method lets the Server's own tools/call check (or ours, for
 * tools/list) answer malformed params as InvalidParams, with a readable message.
 */
const AnyCallToolRequest = z.object({ method: z.literal('tools/call'), params: z.unknown().optional() });
const AnyListToolsRequest = z.object({ method: z.literal('tools/list'), params: z.unknown().optional() });

// One validator for all servers: the SDK would otherwise build an ajv instance per Server, and
// stateless HTTP builds a Server per request.
let sharedValidator: jsonSchemaValidator | undefined;

function principalOf(extra: { authInfo?: { extra?: Record<string, unknown> } }, fallback: Principal): Principal {
  return (extra.authInfo?.extra?.principal as Principal | undefined) ?? fallback;
}

function encodeCursor(offset: number, revision: string): string {
  return Buffer.from(JSON.stringify({ o: offset, r: revision })).toString('base64url');
}

function decodeCursor(cursor: string): number {
  try {
    const { o } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof o === 'number' && Number.isInteger(o) && o >= 0) return o;
  } catch {
    // fall through
  }
  throw new McpError(ErrorCode.InvalidParams, 'Invalid cursor: pass back a nextCursor from tools/list, or none for the first page.');
}

/** The text an agent reads: the sentence, then the JSON, unless together they are too big. */
function toResult(answer: ToolAnswer, maxBytes: number): CallToolResult {
  let text = answer.text;
  if (answer.structured) {
    const json = JSON.stringify(answer.structured);
    if (Buffer.byteLength(text) + Buffer.byteLength(json) + 1 <= maxBytes) text = `${text}\n${json}`;
  }
  return {
    content: [{ type: 'text', text }],
    ...(answer.structured && { structuredContent: answer.structured }),
    ...(answer.isError && { isError: true }),
  };
}

function failureResult(message: string, structured?: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: message }], ...(structured && { structuredContent: structured }), isError: true };
}

export function createMcpServer(services: McpServices, options: ServerOptions): Server {
  sharedValidator ??= new AjvJsonSchemaValidator();
  const fallback = options.principal ?? LOCAL_PRINCIPAL;
  const server = new Server(services.serverInfo, {
    capabilities: { tools: { listChanged: true } },
    instructions: INSTRUCTIONS,
    jsonSchemaValidator: sharedValidator,
  });

  server.setRequestHandler(AnyListToolsRequest, (request, extra) => {
    const principal = principalOf(extra, fallback);
    const tools = services.registry.list(principal.role);
    const params = request.params as { cursor?: unknown } | undefined;
    if (params !== undefined && (params === null || typeof params !== 'object')) throw new McpError(ErrorCode.InvalidParams, 'tools/list params must be an object');
    const cursor = params?.cursor;
    if (cursor !== undefined && typeof cursor !== 'string') throw new McpError(ErrorCode.InvalidParams, 'Invalid cursor: must be a string from nextCursor');
    const offset = cursor !== undefined ? decodeCursor(cursor) : 0;
    const page = tools.slice(offset, offset + services.pageSize).map((t): Tool => t.definition);
    const next = offset + services.pageSize < tools.length ? encodeCursor(offset + services.pageSize, services.registry.revision) : undefined;
    return { tools: page, ...(next && { nextCursor: next }) };
  });

  // The Server checks tools/call against CallToolRequestSchema before calling this.
  server.setRequestHandler(AnyCallToolRequest, async (loose, extra) => {
    const request = loose as CallToolRequest;
    const started = performance.now();
    const name = request.params.name;
    const tool = services.registry.get(name);
    if (!tool) {
      services.metrics.toolCalls.inc({ tool: '(unknown)', outcome: 'unknown_tool' });
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool '${name.slice(0, 100)}'. Call tools/list to see the tools this server offers.`);
    }
    const principal = principalOf(extra, fallback);
    const notes: CallNotes = { ...tool.notes };
    const args = (request.params.arguments ?? {}) as Record<string, unknown>;
    const finish = (outcome: AuditOutcome, error?: string) => {
      const seconds = (performance.now() - started) / 1000;
      services.metrics.toolCalls.inc({ tool: name, outcome });
      services.metrics.toolDuration.observe(seconds, { tool: name });
      const line = { tool: name, keyId: principal.keyId, outcome, durationMs: Math.round(seconds * 1000), ...(notes.executionId && { executionId: notes.executionId }) };
      if (tool.writes) services.logger.info('tool call', line);
      else services.logger.debug('tool call', line);
      if (!tool.writes) return;
      services.audit.write({
        keyId: principal.keyId,
        role: principal.role,
        tool: name,
        ...(notes.workflow && { workflow: notes.workflow }),
        ...(notes.executionId && { executionId: notes.executionId }),
        outcome,
        ...(error && { error: error.slice(0, 500) }),
        durationMs: Math.round(seconds * 1000),
        transport: options.transport,
        arguments: args,
        ...(notes.maskedFields && { maskedFields: notes.maskedFields }),
      });
    };

    if (!roleAllows(principal.role, tool.role)) {
      finish('forbidden', `role ${principal.role} may not call ${name}`);
      throw new McpError(FORBIDDEN_ERROR_CODE, forbiddenMessage(principal, tool));
    }
    const problems = tool.check(args);
    if (problems.length > 0) {
      const message = `Invalid arguments for ${name}: ${formatProblems(problems)}. The tool's inputSchema says what it takes.`;
      finish('invalid_input', message);
      return failureResult(message);
    }

    const progressToken = request.params._meta?.progressToken;
    let lastProgress = -1;
    const progress =
      progressToken === undefined
        ? undefined
        : async (value: number, total: number | undefined, message: string) => {
            // Progress must grow with every notification.
            const next = Math.max(value, lastProgress + 0.1);
            lastProgress = next;
            await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: next, ...(total !== undefined && { total }), message } });
          };

    try {
      const answer = await tool.run(args, { principal, signal: extra.signal, notes, ...(progress && { progress }) }, services);
      finish(answer.isError ? 'run_failed' : 'ok', answer.isError ? answer.text : undefined);
      return toResult(answer, services.limits.maxResponseBytes);
    } catch (error) {
      if (error instanceof ToolFailure) {
        if (error.kind === 'unavailable' || error.kind === 'conductor') services.metrics.conductorErrors.inc({ tool: name, kind: error.kind });
        finish(error.kind === 'invalid_input' ? 'invalid_input' : 'error', error.message);
        return failureResult(error.message, error.structured);
      }
      const reference = Math.random().toString(36).slice(2, 10);
      services.logger.error('tool failed unexpectedly', { tool: name, reference, error, stack: error instanceof Error ? error.stack : undefined });
      finish('error', `internal error ${reference}`);
      return failureResult(`${name} failed inside the MCP server (reference ${reference}); the operator can find it in the server log.`);
    }
  });

  if (options.notifyListChanged) {
    const onChange = () => {
      void server.sendToolListChanged().catch(() => undefined);
    };
    services.catalogue.on('changed', onChange);
    const previous = server.onclose;
    server.onclose = () => {
      services.catalogue.off('changed', onChange);
      previous?.();
    };
  }
  return server;
}

/** Counts and audits a call refused for the caller's role (the HTTP layer refuses before MCP runs). */
export function recordForbidden(services: McpServices, principal: Principal, tool: ServedTool, args: unknown, transport: ServerOptions['transport']): void {
  services.metrics.toolCalls.inc({ tool: tool.name, outcome: 'forbidden' });
  if (!tool.writes) return;
  services.audit.write({
    keyId: principal.keyId,
    role: principal.role,
    tool: tool.name,
    ...(tool.notes?.workflow && { workflow: tool.notes.workflow }),
    outcome: 'forbidden',
    error: `role ${principal.role} may not call ${tool.name}`,
    transport,
    arguments: args,
    ...(tool.notes?.maskedFields && { maskedFields: tool.notes.maskedFields }),
  });
}

export function forbiddenMessage(principal: Principal, tool: ServedTool): string {
  return `Forbidden: API key '${principal.keyId}' has the ${principal.role} role, and ${tool.name} needs ${tool.role}. Ask the operator for a key with that role.`;
}
