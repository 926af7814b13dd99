/**
 * CALL_MCP_TOOL: calls one tool of an MCP server from the Conductor server. Built by
 * `wf.callMcpTool(name, { mcpServer, method, arguments, headers, output })`; `method` is the
 * tool's name (Conductor's parameter name).
 *
 * As OSS 3.32 does it (MCPToolCallRequest.java, MCPWorkers.callTool, MCPService.java): the
 * arguments go in `arguments`; other input names are ignored, whatever older examples show.
 * The request is a plain JSON-RPC `tools/call` POST without an `initialize` handshake or session.
 * The output is `{ content: [{ type, text, data, mimeType, parsed }], isError }`, where `parsed`
 * is a text item's JSON parsed (typed by `output`); the tool's structuredContent is dropped. A
 * tool that reports an error (`isError: true`) still completes the step: check `output.isError`.
 * A tool with effects may declare its undo with `.compensate(task, (done) => …)`.
 */
import { z } from 'zod';
import type { In } from '../dsl/input.js';
import type { StepOptions } from '../dsl/options.js';
import type { ScopeLike } from '../dsl/scope-kit.js';
import type { CompensableStep } from '../dsl/step.js';
import { type AiNode, aiTaskType, checkRequiredText, recordCompensableAiStep } from './ai-task.js';
import { type McpServerOptions, checkMcpServer } from './mcp-list-tools.js';

export function mcpContentSchema<P extends z.ZodType>(parsed: P) {
  return z.object({
    type: z.string(),
    text: z.string().optional(),
    data: z.string().optional(),
    mimeType: z.string().optional(),
    parsed: parsed.optional(),
  });
}

export interface McpContent<P> {
  readonly type: string;
  readonly text?: string;
  /** Base64 data of an image item. */
  readonly data?: string;
  readonly mimeType?: string;
  /** A text item's JSON, parsed. */
  readonly parsed?: P;
}

export interface CallToolOutput<P> {
  readonly content: McpContent<P>[];
  /** True when the tool reported an error; the step still completes. */
  readonly isError: boolean;
}

export interface CallMcpToolOptions<O extends z.ZodType> extends StepOptions, McpServerOptions {
  /** The name of the tool to call. */
  method: In<string>;
  /** The tool's arguments. */
  arguments?: Record<string, unknown> | In<Record<string, unknown>>;
  /** Schema of the JSON in the tool's text result (`output.content[i].parsed`). */
  output?: O;
}

/** The task's input as Conductor holds it (what a compensation reads as `done.input`). */
export interface CallMcpToolInput {
  readonly mcpServer: string;
  readonly method: string;
  readonly arguments?: Record<string, unknown>;
  readonly headers?: Record<string, string>;
}

export interface CallMcpToolNode extends AiNode {
  readonly kind: 'callMcpTool';
}

const FIELDS = ['mcpServer', 'method', 'arguments', 'headers'] as const;

export function callMcpTool<O extends z.ZodType = z.ZodUnknown>(
  scope: ScopeLike,
  name: string,
  options: CallMcpToolOptions<O>,
): CompensableStep<CallMcpToolInput, CallToolOutput<z.output<O>>> {
  return recordCompensableAiStep<CallMcpToolNode, CallMcpToolInput, CallToolOutput<z.output<O>>>(scope, 'callMcpTool', name, options, FIELDS);
}

export const callMcpToolType = aiTaskType<CallMcpToolNode>({
  kind: 'callMcpTool',
  conductorType: 'CALL_MCP_TOOL',
  check(node, ctx) {
    const what = `callMcpTool '${node.ref}'`;
    checkMcpServer(node, ctx, what);
    checkRequiredText(node, ['method'], ctx, what);
  },
  outputSchema: (node) => z.object({ content: z.array(mcpContentSchema(node.resultSchema ?? z.unknown())), isError: z.boolean() }),
});
