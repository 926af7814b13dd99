/**
 * LLM_STORE_EMBEDDINGS: stores an embedding vector computed earlier (by generateEmbeddings, say)
 * in a vector database, run by the Conductor server. Built by `wf.storeEmbeddings(name,
 * { vectorDB, index, namespace, embeddings, id })`; the output `result` is the count the store
 * reports (VectorDBWorkers.storeEmbeddings, StoreEmbeddingsInput.java). Without `id` the server
 * makes a random one, so running the step again stores a second copy.
 */
import { z } from 'zod';
import type { In } from '../dsl/input.js';
import type { StepOptions } from '../dsl/options.js';
import type { ScopeLike } from '../dsl/scope-kit.js';
import type { Step } from '../dsl/step.js';
import { type AiNode, aiTaskType, checkRequiredText, recordAiStep } from './ai-task.js';
import { LOCATION_FIELDS, type VectorDbLocation, checkNamespace } from './vector-db.js';

export const STORE_OUTPUT = z.object({ result: z.number() });
export type StoreOutput = z.output<typeof STORE_OUTPUT>;

export interface StoreEmbeddingsOptions extends StepOptions, VectorDbLocation {
  embeddings: In<number[]>;
  /** Id of the entry; storing the same id again replaces it (default: a random id). */
  id?: In<string>;
  /** Stored with the entry and returned by searches. */
  metadata?: Record<string, unknown>;
}

export interface LlmStoreEmbeddingsNode extends AiNode {
  readonly kind: 'llmStoreEmbeddings';
}

const FIELDS = [...LOCATION_FIELDS, 'embeddings', 'id', 'metadata'] as const;

export function storeEmbeddings(scope: ScopeLike, name: string, options: StoreEmbeddingsOptions): Step<StoreOutput> {
  return recordAiStep<LlmStoreEmbeddingsNode, StoreOutput>(scope, 'llmStoreEmbeddings', name, options, FIELDS);
}

export const llmStoreEmbeddingsType = aiTaskType<LlmStoreEmbeddingsNode>({
  kind: 'llmStoreEmbeddings',
  conductorType: 'LLM_STORE_EMBEDDINGS',
  check(node, ctx) {
    const what = `storeEmbeddings '${node.ref}'`;
    checkRequiredText(node, LOCATION_FIELDS, ctx, what);
    checkNamespace(node, ctx, what);
    if (node.input.id === undefined) {
      ctx.report(node.loc, 'vector-no-id', `${what} has no id: a retry or a re-run stores a second copy under a new random id`, 'pass an id derived from the data (a document id, say)', 'warning');
    }
    const embeddings = node.input.embeddings;
    if (embeddings?.kind === 'array' && embeddings.items.length === 0) {
      ctx.report(node.loc, 'vector-embeddings', `${what} stores an empty vector`, 'pass the embeddings, e.g. a generateEmbeddings step output.result');
    }
  },
  outputSchema: () => STORE_OUTPUT,
});
