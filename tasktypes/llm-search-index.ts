/**
 * LLM_SEARCH_INDEX: semantic search: the server embeds the query text with the given model and
 * returns the closest entries of a vector database index. Built by `wf.searchIndex(name,
 * { vectorDB, index, namespace, query, embeddingModelProvider, embeddingModel, maxResults })`;
 * the output is `{ result: [{ docId, text, score, metadata, … }] }` (VectorDBWorkers.searchIndex).
 * `maxResults` defaults to 1 on the server (LLMWorkerInput.java), not to a handful.
 */
import type { In } from '../dsl/input.js';
import type { StepOptions } from '../dsl/options.js';
import type { ScopeLike } from '../dsl/scope-kit.js';
import type { Step } from '../dsl/step.js';
import { type AiNode, type LlmProvider, aiTaskType, checkRequiredText, checkSampling, recordAiStep } from './ai-task.js';
import { LOCATION_FIELDS, SEARCH_OUTPUT, type SearchOutput, type VectorDbLocation, checkNamespace } from './vector-db.js';
import { checkWholeNumber } from './value-facts.js';

export interface SearchIndexOptions extends StepOptions, VectorDbLocation {
  /** The text to search for. */
  query: In<string>;
  /** Provider of the embedding model; must be the model the index was built with. */
  embeddingModelProvider: In<LlmProvider>;
  embeddingModel: In<string>;
  dimensions?: In<number>;
  /** How many hits to return (Conductor's default is 1). */
  maxResults?: In<number>;
}

export interface LlmSearchIndexNode extends AiNode {
  readonly kind: 'llmSearchIndex';
}

const FIELDS = [...LOCATION_FIELDS, 'query', 'embeddingModelProvider', 'embeddingModel', 'dimensions', 'maxResults'] as const;

export function searchIndex(scope: ScopeLike, name: string, options: SearchIndexOptions): Step<SearchOutput> {
  return recordAiStep<LlmSearchIndexNode, SearchOutput>(scope, 'llmSearchIndex', name, options, FIELDS);
}

export const llmSearchIndexType = aiTaskType<LlmSearchIndexNode>({
  kind: 'llmSearchIndex',
  conductorType: 'LLM_SEARCH_INDEX',
  check(node, ctx) {
    const what = `searchIndex '${node.ref}'`;
    checkRequiredText(node, [...LOCATION_FIELDS, 'query', 'embeddingModelProvider', 'embeddingModel'], ctx, what);
    checkNamespace(node, ctx, what);
    checkSampling(node, ctx, what);
    checkWholeNumber(node.input.dimensions, 1, Number.MAX_SAFE_INTEGER, node.loc, ctx, 'ai-dimensions', `${what} dimensions`);
  },
  outputSchema: () => SEARCH_OUTPUT,
});
