/**
 * LLM_GET_EMBEDDINGS: despite its name, a search: it returns the entries of a vector database
 * index closest to a given embedding vector. Built by `wf.getEmbeddings(name, { vectorDB, index,
 * namespace, embeddings, maxResults })`; the output is `{ result: [{ docId, text, score, … }] }`.
 * In OSS 3.32 it is the deprecated name of LLM_SEARCH_EMBEDDINGS (VectorDBWorkers.java), which
 * has no task mapper of its own in that release. `maxResults` defaults to 1 on the server.
 */
import type { In } from '../dsl/input.js';
import type { StepOptions } from '../dsl/options.js';
import type { ScopeLike } from '../dsl/scope-kit.js';
import type { Step } from '../dsl/step.js';
import { type AiNode, aiTaskType, checkRequiredText, checkSampling, recordAiStep } from './ai-task.js';
import { LOCATION_FIELDS, SEARCH_OUTPUT, type SearchOutput, type VectorDbLocation, checkNamespace } from './vector-db.js';

export interface GetEmbeddingsOptions extends StepOptions, VectorDbLocation {
  /** The vector to search near (e.g. a generateEmbeddings step's output.result). */
  embeddings: In<number[]>;
  /** How many hits to return (Conductor's default is 1). */
  maxResults?: In<number>;
}

export interface LlmGetEmbeddingsNode extends AiNode {
  readonly kind: 'llmGetEmbeddings';
}

const FIELDS = [...LOCATION_FIELDS, 'embeddings', 'maxResults'] as const;

export function getEmbeddings(scope: ScopeLike, name: string, options: GetEmbeddingsOptions): Step<SearchOutput> {
  return recordAiStep<LlmGetEmbeddingsNode, SearchOutput>(scope, 'llmGetEmbeddings', name, options, FIELDS);
}

export const llmGetEmbeddingsType = aiTaskType<LlmGetEmbeddingsNode>({
  kind: 'llmGetEmbeddings',
  conductorType: 'LLM_GET_EMBEDDINGS',
  check(node, ctx) {
    const what = `getEmbeddings '${node.ref}'`;
    checkRequiredText(node, LOCATION_FIELDS, ctx, what);
    checkNamespace(node, ctx, what);
    checkSampling(node, ctx, what);
    const embeddings = node.input.embeddings;
    if (embeddings?.kind === 'array' && embeddings.items.length === 0) {
      ctx.report(node.loc, 'vector-embeddings', `${what} searches with an empty vector`, 'pass the embeddings, e.g. a generateEmbeddings step output.result');
    }
  },
  outputSchema: () => SEARCH_OUTPUT,
});
