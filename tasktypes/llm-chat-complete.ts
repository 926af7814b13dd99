/**
 * LLM_CHAT_COMPLETE: one turn of a conversation with a language model, run by the Conductor
 * server. Built by `wf.chatComplete(name, { llmProvider, model, messages, … })`.
 *
 * Input (ChatCompletion.java, LLMWorkerInput.java): `instructions` becomes a system message put
 * first; `messages` are `{ role, message }` with role user, assistant, system, tool_call or
 * tool; `${name}` placeholders in `instructions` and in every message text are filled from
 * `promptVariables` by the server. `tools` lists tools the model may call; the server does not
 * run them: it answers with `finishReason: 'TOOL_CALLS'` and `toolCalls`, for the workflow to
 * run (with a dynamic step, say) and feed back.
 *
 * Output (LLMResponse.java, LLMHelper.java): `result` is the reply text, parsed into an object
 * when the reply is a JSON object (always tried; with `jsonOutput: true` a reply that is not a
 * JSON object fails the task). Type it with `output`. Token counts, `finishReason`, `toolCalls`,
 * `responseId` and `reasoning` come with it. Conductor's own `outputSchema` input is not offered:
 * OSS 3.32 validates the reply against `inputSchema` instead, and fails without one.
 */
import { z } from 'zod';
import type { In } from '../dsl/input.js';
import type { StepOptions } from '../dsl/options.js';
import type { RefBase } from '../dsl/ref.js';
import type { ScopeLike } from '../dsl/scope-kit.js';
import type { Step } from '../dsl/step.js';
import {
  type AiNode,
  type LlmProvider,
  SAMPLING_FIELDS,
  type SamplingOptions,
  aiTaskType,
  checkRequiredText,
  checkSampling,
  recordAiStep,
} from './ai-task.js';
import { LLM_REPLY, type LlmResponse, checkJsonResult, llmResponseSchema } from './llm-text-complete.js';
import { checkWholeNumber, literalText } from './value-facts.js';

export const CHAT_ROLES = ['user', 'assistant', 'system', 'tool_call', 'tool'] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];

export interface ChatMessage {
  role: ChatRole;
  message: string;
  /** URLs (or data URIs) of images and other media sent with the message. */
  media?: string[];
  mimeType?: string;
}

/** A tool the model may call (ToolSpec.java). `type` is the task type that would run it. */
export interface ToolSpec {
  name: string;
  description?: string;
  /** JSON Schema of the tool's arguments. */
  inputSchema?: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  /** SIMPLE (default), HTTP, SUB_WORKFLOW, CALL_MCP_TOOL, … */
  type?: string;
  configParams?: Record<string, unknown>;
  integrationNames?: Record<string, string>;
}

export interface ChatCompleteOptions<O extends z.ZodType> extends StepOptions, SamplingOptions {
  llmProvider: In<LlmProvider>;
  model: In<string>;
  /** The conversation so far; the last message should be the user's. */
  messages: In<ChatMessage[]> | RefBase<readonly ChatMessage[]>;
  /** The system prompt, put before the messages. */
  instructions?: In<string>;
  /** Values for `${name}` placeholders in instructions and messages. */
  promptVariables?: Record<string, unknown>;
  /** Fail the task unless the reply is a JSON object (the prompt should ask for JSON). */
  jsonOutput?: boolean;
  tools?: In<ToolSpec[]> | RefBase<readonly ToolSpec[]>;
  /** Earlier steps whose outputs join the conversation, by reference name, with their role. */
  participants?: Record<string, ChatRole>;
  /** Token budget for extended thinking (Anthropic, Gemini). */
  thinkingTokenLimit?: In<number>;
  /** OpenAI reasoning effort. */
  reasoningEffort?: In<'low' | 'medium' | 'high'>;
  /** Ask for a reasoning summary in `output.reasoning` ('auto', 'concise', 'detailed' for OpenAI). */
  reasoningSummary?: In<string>;
  /** Continue an OpenAI Responses API conversation without resending it. */
  previousResponseId?: In<string>;
  /** Let the model search the web (OpenAI, Anthropic, Gemini). */
  webSearch?: boolean;
  /** Let the model run code in a sandbox (OpenAI, Anthropic, Gemini). */
  codeInterpreter?: boolean;
  /** OpenAI vector store ids for file search. */
  fileSearchVectorStoreIds?: In<string[]>;
  /** Gemini's Google Search grounding. */
  googleSearchRetrieval?: boolean;
  /** Schema of `output.result` (a JSON reply, parsed). */
  output?: O;
}

export interface LlmChatCompleteNode extends AiNode {
  readonly kind: 'llmChatComplete';
}

const FIELDS = [
  'llmProvider',
  'model',
  'instructions',
  'messages',
  'promptVariables',
  'jsonOutput',
  'tools',
  'participants',
  'thinkingTokenLimit',
  'reasoningEffort',
  'reasoningSummary',
  'previousResponseId',
  'webSearch',
  'codeInterpreter',
  'fileSearchVectorStoreIds',
  'googleSearchRetrieval',
  ...SAMPLING_FIELDS,
] as const;

export function chatComplete<O extends z.ZodType = typeof LLM_REPLY>(
  scope: ScopeLike,
  name: string,
  options: ChatCompleteOptions<O>,
): Step<LlmResponse<z.output<O>>> {
  return recordAiStep<LlmChatCompleteNode, LlmResponse<z.output<O>>>(scope, 'llmChatComplete', name, options, FIELDS);
}

export const llmChatCompleteType = aiTaskType<LlmChatCompleteNode>({
  kind: 'llmChatComplete',
  conductorType: 'LLM_CHAT_COMPLETE',
  defaultProfile: 'llm',
  check(node, ctx) {
    const what = `chatComplete '${node.ref}'`;
    checkRequiredText(node, ['llmProvider', 'model'], ctx, what);
    checkSampling(node, ctx, what);
    checkJsonResult(node, ctx, what);
    const messages = node.input.messages;
    if (messages?.kind === 'array' && messages.items.length === 0 && node.input.instructions === undefined) {
      ctx.report(node.loc, 'llm-no-messages', `${what} sends no messages and no instructions`, 'pass at least the user message');
    }
    if (messages?.kind === 'array') {
      messages.items.forEach((item, i) => {
        if (item.kind !== 'object') return;
        const role = literalText(item.fields.role);
        if (role !== undefined && !(CHAT_ROLES as readonly string[]).includes(role)) {
          ctx.report(node.loc, 'llm-role', `${what} message ${i} has role '${role}'`, `use one of ${CHAT_ROLES.join(', ')}`);
        }
        if (item.fields.message === undefined && item.fields.media === undefined) {
          ctx.report(node.loc, 'llm-message', `${what} message ${i} has no message text`, "write { role, message }; Conductor's field is 'message', not 'content'");
        }
      });
    }
    checkWholeNumber(node.input.thinkingTokenLimit, 1, Number.MAX_SAFE_INTEGER, node.loc, ctx, 'ai-sampling', `${what} thinkingTokenLimit`);
  },
  outputSchema: (node) => llmResponseSchema(node.resultSchema ?? LLM_REPLY),
});
