/**
 * LLM_INDEX_TEXT: embeds a text with a model and stores it in a vector database, run by the
 * Conductor server. Built by `wf.indexText(name, { vectorDB, index, docId, text,
 * embeddingModelProvider, embeddingModel })`; it has no output.
 *
 * As OSS 3.32 does it (VectorDBWorkers.indexText, IndexDocInput.java): the whole text is one
 * entry (no chunking, no loading from a URL), stored under `docId`, which is required (an empty
 * one fails the task without retries); `namespace` defaults to the docId.
 */
import type { In } from '../dsl/input.js';
import type { StepOptions } from '../dsl/options.js';
import type { ScopeLike } from '../dsl/scope-kit.js';
import type { Step } from '../dsl/step.js';
import { type AiNode, type LlmProvider, aiTaskType, checkRequiredText, recordAiStep } from './ai-task.js';
import { type VectorDbLocation, checkNamespace } from './vector-db.js';
import { checkWholeNumber } from './value-facts.js';

export interface IndexTextOptions extends StepOptions, Omit<VectorDbLocation, 'namespace'> {
  /** Collection inside the index (default: the docId). */
  namespace?: In<string>;
  /** Id the text is stored under; indexing the same id again replaces it. */
  docId: In<string>;
  text: In<string>;
  /** Provider of the embedding model. */
  embeddingModelProvider: In<LlmProvider>;
  embeddingModel: In<string>;
  /** Length of the vector, for models that can shorten it. */
  dimensions?: In<number>;
  /** Stored with the entry and returned by searches. */
  metadata?: Record<string, unknown>;
}

export interface LlmIndexTextNode extends AiNode {
  readonly kind: 'llmIndexText';
}

const FIELDS = ['vectorDB', 'index', 'namespace', 'docId', 'text', 'embeddingModelProvider', 'embeddingModel', 'dimensions', 'metadata'] as const;

export function indexText(scope: ScopeLike, name: string, options: IndexTextOptions): Step<Record<string, never>> {
  return recordAiStep<LlmIndexTextNode, Record<string, never>>(scope, 'llmIndexText', name, options, FIELDS);
}

export const llmIndexTextType = aiTaskType<LlmIndexTextNode>({
  kind: 'llmIndexText',
  conductorType: 'LLM_INDEX_TEXT',
  check(node, ctx) {
    const what = `indexText '${node.ref}'`;
    checkRequiredText(node, ['vectorDB', 'index', 'docId', 'text', 'embeddingModelProvider', 'embeddingModel'], ctx, what);
    checkNamespace(node, ctx, what);
    checkWholeNumber(node.input.dimensions, 1, Number.MAX_SAFE_INTEGER, node.loc, ctx, 'ai-dimensions', `${what} dimensions`);
  },
  outputSchema: () => undefined,
});
