/**
 * LLM_TEXT_COMPLETE: a single prompt answered by a language model, run by the Conductor server.
 * Built by `wf.textComplete(name, { llmProvider, model, prompt, … })`.
 *
 * The server turns it into a chat (LLMWorkers.textCompletion): `prompt` becomes the system
 * instructions, with `${name}` placeholders filled from `promptVariables`, followed by a fixed
 * user message asking to follow them. The output is the same as a chat completion's: `result`
 * (the reply, parsed when it is a JSON object), token counts and `finishReason`.
 *
 * Conductor's `promptName` is not offered: OSS 3.32 has no prompt store and uses the name as the
 * prompt text itself.
 */
import { z } from 'zod';
import type { In } from '../dsl/input.js';
import type { StepOptions } from '../dsl/options.js';
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

/** A reply as Conductor stores it when no schema is given: text, or a parsed JSON object. */
export const LLM_REPLY = z.union([z.string(), z.record(z.string(), z.unknown())]);

/** A tool the model asked to call (ToolCall.java); `inputParameters.method` is the tool name. */
export const TOOL_CALL = z.object({
  taskReferenceName: z.string(),
  name: z.string(),
  type: z.string(),
  inputParameters: z.record(z.string(), z.unknown()),
  integrationNames: z.record(z.string(), z.string()).optional(),
  output: z.record(z.string(), z.unknown()).optional(),
});
export type ToolCall = z.output<typeof TOOL_CALL>;

/** Media the model produced, stored by the server (Media.java). */
export const LLM_MEDIA = z.object({ location: z.string().optional(), mimeType: z.string().optional() });

/** The output of the completion tasks (LLMResponse.java); absent fields were null. */
export function llmResponseSchema<R extends z.ZodType>(result: R) {
  return z.object({
    result,
    finishReason: z.string().optional(),
    tokenUsed: z.number(),
    promptTokens: z.number(),
    completionTokens: z.number(),
    toolCalls: z.array(TOOL_CALL).optional(),
    media: z.array(LLM_MEDIA).optional(),
    responseId: z.string().optional(),
    reasoning: z.string().optional(),
    reasoningTokens: z.number().optional(),
  });
}

export type LlmResponse<R> = Omit<z.output<ReturnType<typeof llmResponseSchema<z.ZodUnknown>>>, 'result'> & { result: R };

export interface TextCompleteOptions<O extends z.ZodType> extends StepOptions, SamplingOptions {
  llmProvider: In<LlmProvider>;
  model: In<string>;
  /** The prompt; `${name}` placeholders are filled from promptVariables by the server. */
  prompt: In<string>;
  /** Values for `${name}` placeholders in the prompt. */
  promptVariables?: Record<string, unknown>;
  /** Fail the task unless the reply is a JSON object (the prompt should ask for JSON). */
  jsonOutput?: boolean;
  /** Schema of `output.result` (a JSON reply, parsed). */
  output?: O;
}

export interface LlmTextCompleteNode extends AiNode {
  readonly kind: 'llmTextComplete';
}

const FIELDS = ['llmProvider', 'model', 'prompt', 'promptVariables', 'jsonOutput', ...SAMPLING_FIELDS] as const;

export function textComplete<O extends z.ZodType = typeof LLM_REPLY>(
  scope: ScopeLike,
  name: string,
  options: TextCompleteOptions<O>,
): Step<LlmResponse<z.output<O>>> {
  return recordAiStep<LlmTextCompleteNode, LlmResponse<z.output<O>>>(scope, 'llmTextComplete', name, options, FIELDS);
}

/** Conductor's JSON mode parses only top-level objects; a schema for anything else cannot match. */
export function checkJsonResult(node: AiNode, ctx: Parameters<typeof checkSampling>[1], what: string): void {
  const json = node.input.jsonOutput;
  if (json?.kind !== 'literal' || json.value !== true || !node.resultSchema) return;
  const type = (node.resultSchema as unknown as { _zod?: { def?: { type?: string } } })._zod?.def?.type;
  if (type !== undefined && type !== 'object' && type !== 'record' && type !== 'unknown' && type !== 'any') {
    ctx.report(node.loc, 'llm-json-object', `${what} expects a JSON ${type} with jsonOutput`, 'Conductor only accepts a JSON object as a JSON reply; ask for an object and describe it with z.object()');
  }
}

export const llmTextCompleteType = aiTaskType<LlmTextCompleteNode>({
  kind: 'llmTextComplete',
  conductorType: 'LLM_TEXT_COMPLETE',
  defaultProfile: 'llm',
  check(node, ctx) {
    const what = `textComplete '${node.ref}'`;
    checkRequiredText(node, ['llmProvider', 'model', 'prompt'], ctx, what);
    checkSampling(node, ctx, what);
    checkJsonResult(node, ctx, what);
  },
  outputSchema: (node) => llmResponseSchema(node.resultSchema ?? LLM_REPLY),
});
