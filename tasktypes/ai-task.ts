/**
 * What the AI task types of Conductor OSS 3.32 (the `ai/` module: LLM_*, LIST_MCP_TOOLS,
 * CALL_MCP_TOOL) have in common, so that each of their modules only states its own fields.
 *
 * They are system tasks run by the server itself (annotated system task workers: the input map
 * is read into a request object, unknown names are ignored; LLMWorkers.java, VectorDBWorkers.java,
 * MCPWorkers.java), and exist only when the server runs with
 * `conductor.integrations.ai.enabled=true` and the providers and vector databases are configured
 * there; on a server without them the task is treated as a worker task nobody polls.
 *
 * One pitfall is handled here: the AI task mapper (AIModelTaskMapper.java) replaces a task
 * definition's retryCount below 1 by 3 retries (LINEAR_BACKOFF, 2 s). A step that asks for no
 * retries therefore also gets `retryCount: 0` on its WorkflowTask, which the server's retry
 * logic reads before the task definition (DeciderService.retry).
 */
import type { z } from 'zod';
import type { StepBase } from '../ir/step.js';
import type { In } from '../dsl/input.js';
import type { StepOptions } from '../dsl/options.js';
import { type ScopeLike, begin, record } from '../dsl/scope-kit.js';
import type { Recorder } from '../dsl/recorder.js';
import { type CompensableStep, type Step, makeCompensableStep, makeStep } from '../dsl/step.js';
import { checkWholeNumber, literalNumber, literalText } from './value-facts.js';
import type { CheckContext, ConductorTask, TaskTypeModule } from './types.js';

/** Provider names (and aliases) the AI module of Conductor OSS 3.32 registers. */
export type LlmProvider =
  | 'openai'
  | 'azure_openai'
  | 'anthropic'
  | 'bedrock'
  | 'cohere'
  | 'vertex_ai'
  | 'google_gemini'
  | 'Grok'
  | 'huggingface'
  | 'litellm'
  | 'mistral'
  | 'ollama'
  | 'perplexity'
  | 'stabilityai'
  | (string & {});

/** Sampling settings shared by the completion tasks (LLMWorkerInput.java). */
export interface SamplingOptions {
  temperature?: In<number>;
  topP?: In<number>;
  topK?: In<number>;
  frequencyPenalty?: In<number>;
  presencePenalty?: In<number>;
  /** Most tokens to generate (Conductor's default is 8192). */
  maxTokens?: In<number>;
  /** Sequences that end generation. */
  stopWords?: In<string[]>;
}

export interface AiNode extends StepBase {
  /** The WorkflowTask name. */
  readonly name: string;
  /** Schema of the part of the output the author described (an LLM's `result`, say). */
  readonly resultSchema?: z.ZodType;
}

/** Input field names of the AI options; everything else in the options is a step option. */
export function pickFields(options: object, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = (options as Record<string, unknown>)[field];
    if (value !== undefined) out[field] = value;
  }
  return out;
}

function recordAiNode(
  scope: ScopeLike,
  kind: string,
  name: string,
  options: StepOptions & { output?: z.ZodType },
  fields: readonly string[],
): { node: AiNode; recorder: Recorder } {
  const r = begin(scope, name, options);
  const node: AiNode = record(r, {
    kind,
    ref: r.ref,
    loc: r.loc,
    name,
    input: r.values(pickFields(options, fields), 'input'),
    options: r.options,
    ...(options.output !== undefined && { resultSchema: options.output }),
  });
  return { node, recorder: r.recorder };
}

/** Records an AI step whose inputParameters are the given option fields. */
export function recordAiStep<N extends AiNode, O>(
  scope: ScopeLike,
  kind: N['kind'],
  name: string,
  options: StepOptions & { output?: z.ZodType },
  fields: readonly string[],
): Step<O> {
  return makeStep(recordAiNode(scope, kind, name, options, fields).node);
}

/** The same for a step with side effects outside the workflow, which may declare an undo. */
export function recordCompensableAiStep<N extends AiNode, I, O>(
  scope: ScopeLike,
  kind: N['kind'],
  name: string,
  options: StepOptions & { output?: z.ZodType },
  fields: readonly string[],
): CompensableStep<I, O> {
  const { node, recorder } = recordAiNode(scope, kind, name, options, fields);
  return makeCompensableStep(node, recorder);
}

export const SAMPLING_FIELDS = ['temperature', 'topP', 'topK', 'frequencyPenalty', 'presencePenalty', 'maxTokens', 'stopWords'] as const;

/** Reports a required text field that is known to be empty. */
export function checkRequiredText(node: StepBase, fields: readonly string[], ctx: CheckContext, what: string): void {
  for (const field of fields) {
    const value = node.input[field];
    const text = literalText(value);
    if (value === undefined || (value.kind === 'literal' && value.value === null) || (text !== undefined && text.trim() === '')) {
      ctx.report(node.loc, 'ai-required', `${what} has no ${field}`, `Conductor fails the task without ${field}; pass it`);
    }
  }
}

export function checkSampling(node: StepBase, ctx: CheckContext, what: string): void {
  const temperature = literalNumber(node.input.temperature);
  if (temperature !== undefined && (temperature < 0 || temperature > 2)) {
    ctx.report(node.loc, 'ai-sampling', `${what} has temperature ${temperature}`, 'providers accept 0 to 2 (some only 0 to 1)');
  }
  const topP = literalNumber(node.input.topP);
  if (topP !== undefined && (topP < 0 || topP > 1)) ctx.report(node.loc, 'ai-sampling', `${what} has topP ${topP}`, 'topP is a probability from 0 to 1');
  checkWholeNumber(node.input.topK, 1, Number.MAX_SAFE_INTEGER, node.loc, ctx, 'ai-sampling', `${what} topK`);
  checkWholeNumber(node.input.maxTokens, 1, Number.MAX_SAFE_INTEGER, node.loc, ctx, 'ai-sampling', `${what} maxTokens`);
  checkWholeNumber(node.input.maxResults, 1, Number.MAX_SAFE_INTEGER, node.loc, ctx, 'ai-max-results', `${what} maxResults`);
}

/**
 * The module of one AI task type: system execution, shared lowering, and the 'external' profile
 * unless the type says otherwise (completions: 'llm', since models take long to answer).
 */
export function aiTaskType<N extends AiNode>(spec: {
  readonly kind: N['kind'];
  readonly conductorType: string;
  readonly defaultProfile?: string;
  readonly check: (node: N, ctx: CheckContext) => void;
  readonly outputSchema: (node: N) => z.ZodType | undefined;
}): TaskTypeModule<N> {
  return {
    kind: spec.kind,
    conductorTypes: [spec.conductorType],
    execution: 'system',
    defaultProfile: spec.defaultProfile ?? 'external',
    check: spec.check,
    outputSchema: spec.outputSchema,
    lower(node, ctx) {
      const fields: ConductorTask = { inputParameters: ctx.values(node.input) };
      if (ctx.policy(node).retryCount === 0) fields.retryCount = 0;
      return [ctx.task(node, node.name, spec.conductorType, fields)];
    },
  };
}
