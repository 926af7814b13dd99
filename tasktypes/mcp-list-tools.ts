/**
 * LIST_MCP_TOOLS: asks an MCP server which tools it offers, from the Conductor server. Built by
 * `wf.listMcpTools(name, { mcpServer, headers })`; the output is `{ tools: [{ name,
 * description, inputSchema }] }` (MCPWorkers.listTools), ready to hand to a chat completion.
 *
 * The server speaks plain JSON-RPC over HTTP POST to `mcpServer` (MCPService.java): no stdio,
 * and no `initialize` handshake or session id, so the MCP server must answer `tools/list`
 * statelessly (a Streamable HTTP server without session management does).
 */
import { z } from 'zod';
import type { StepBase } from '../ir/step.js';
import type { In } from '../dsl/input.js';
import type { StepOptions } from '../dsl/options.js';
import type { ScopeLike } from '../dsl/scope-kit.js';
import type { Step } from '../dsl/step.js';
import { type AiNode, aiTaskType, checkRequiredText, recordAiStep } from './ai-task.js';
import { leadingText } from './value-facts.js';
import type { CheckContext } from './types.js';

export const MCP_TOOL_INFO = z.object({
  name: z.string(),
  description: z.string().optional(),
  inputSchema: z.record(z.string(), z.unknown()),
});
export const LIST_TOOLS_OUTPUT = z.object({ tools: z.array(MCP_TOOL_INFO) });
export type ListToolsOutput = z.output<typeof LIST_TOOLS_OUTPUT>;

export interface McpServerOptions {
  /** The MCP server's HTTP(S) endpoint, e.g. 'https://tools.example/mcp'. */
  mcpServer: In<string>;
  /** HTTP headers sent with the request (authorization, say). */
  headers?: Record<string, In<string>>;
}

export interface ListMcpToolsOptions extends StepOptions, McpServerOptions {}

export interface ListMcpToolsNode extends AiNode {
  readonly kind: 'listMcpTools';
}

/** The server's HTTP client only knows http and https URLs. */
export function checkMcpServer(node: StepBase, ctx: CheckContext, what: string): void {
  checkRequiredText(node, ['mcpServer'], ctx, what);
  const value = node.input.mcpServer;
  const head = leadingText(value);
  if (head === undefined || head === '') return;
  // A template may complete the host from a reference: only its scheme is known.
  const ok = value?.kind === 'template' ? /^https?:\/\//i.test(head) : /^https?:\/\/[^/\s]+/i.test(head);
  if (!ok) {
    ctx.report(node.loc, 'mcp-server', `${what} has mcpServer ${JSON.stringify(head)}, which is not an http(s) URL`, "Conductor calls MCP servers over HTTP only; pass the server's URL, e.g. 'https://tools.example/mcp'");
  }
}

export function listMcpTools(scope: ScopeLike, name: string, options: ListMcpToolsOptions): Step<ListToolsOutput> {
  return recordAiStep<ListMcpToolsNode, ListToolsOutput>(scope, 'listMcpTools', name, options, ['mcpServer', 'headers']);
}

export const listMcpToolsType = aiTaskType<ListMcpToolsNode>({
  kind: 'listMcpTools',
  conductorType: 'LIST_MCP_TOOLS',
  check(node, ctx) {
    checkMcpServer(node, ctx, `listMcpTools '${node.ref}'`);
  },
  outputSchema: () => LIST_TOOLS_OUTPUT,
});
