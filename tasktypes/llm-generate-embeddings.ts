/**
 * LLM_GENERATE_EMBEDDINGS: turns a text into an embedding vector with a model, run by the
 * Conductor server. Built by `wf.generateEmbeddings(name, { llmProvider, model, text })`; the
 * output is `{ result: number[] }` (LLMWorkers.generateEmbeddings). An empty text fails the task
 * without retries.
 */
import { z } from 'zod';
import type { In } from '../dsl/input.js';
import type { StepOptions } from '../dsl/options.js';
import type { ScopeLike } from '../dsl/scope-kit.js';
import type { Step } from '../dsl/step.js';
import { type AiNode, type LlmProvider, aiTaskType, checkRequiredText, recordAiStep } from './ai-task.js';
import { checkWholeNumber } from './value-facts.js';

export const EMBEDDINGS_OUTPUT = z.object({ result: z.array(z.number()) });
export type EmbeddingsOutput = z.output<typeof EMBEDDINGS_OUTPUT>;

export interface GenerateEmbeddingsOptions extends StepOptions {
  llmProvider: In<LlmProvider>;
  /** The embedding model, e.g. 'text-embedding-3-small'. */
  model: In<string>;
  text: In<string>;
  /** Length of the vector, for models that can shorten it. */
  dimensions?: In<number>;
}

export interface LlmGenerateEmbeddingsNode extends AiNode {
  readonly kind: 'llmGenerateEmbeddings';
}

const FIELDS = ['llmProvider', 'model', 'text', 'dimensions'] as const;

export function generateEmbeddings(scope: ScopeLike, name: string, options: GenerateEmbeddingsOptions): Step<EmbeddingsOutput> {
  return recordAiStep<LlmGenerateEmbeddingsNode, EmbeddingsOutput>(scope, 'llmGenerateEmbeddings', name, options, FIELDS);
}

export const llmGenerateEmbeddingsType = aiTaskType<LlmGenerateEmbeddingsNode>({
  kind: 'llmGenerateEmbeddings',
  conductorType: 'LLM_GENERATE_EMBEDDINGS',
  check(node, ctx) {
    const what = `generateEmbeddings '${node.ref}'`;
    checkRequiredText(node, ['llmProvider', 'model', 'text'], ctx, what);
    checkWholeNumber(node.input.dimensions, 1, Number.MAX_SAFE_INTEGER, node.loc, ctx, 'ai-dimensions', `${what} dimensions`);
  },
  outputSchema: () => EMBEDDINGS_OUTPUT,
});
