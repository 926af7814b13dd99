/**
 * What the vector database tasks of Conductor OSS 3.32 (LLM_INDEX_TEXT, LLM_STORE_EMBEDDINGS,
 * LLM_SEARCH_INDEX, LLM_GET_EMBEDDINGS) share: where the data lives, and the shape of a search
 * hit (VectorDBInput.java, IndexedDoc.java, VectorDBWorkers.java).
 *
 * `vectorDB` names a vector database instance configured on the server, `index` is the index
 * (or table) and `namespace` the collection inside it; the pgvector and MongoDB stores reject a
 * namespace that is not letters, digits, `_` and `-`.
 */
import { z } from 'zod';
import type { StepBase } from '../ir/step.js';
import type { In } from '../dsl/input.js';
import { literalText } from './value-facts.js';
import type { CheckContext } from './types.js';

export interface VectorDbLocation {
  /** The vector database instance configured on the server. */
  vectorDB: In<string>;
  index: In<string>;
  namespace: In<string>;
}

export const LOCATION_FIELDS = ['vectorDB', 'index', 'namespace'] as const;

export const INDEXED_DOC = z.object({
  docId: z.string().optional(),
  parentDocId: z.string().optional(),
  text: z.string().optional(),
  score: z.number(),
  metadata: z.record(z.string(), z.unknown()),
});
export type IndexedDoc = z.output<typeof INDEXED_DOC>;

export const SEARCH_OUTPUT = z.object({ result: z.array(INDEXED_DOC) });
export type SearchOutput = z.output<typeof SEARCH_OUTPUT>;

const NAMESPACE = /^[A-Za-z0-9_-]+$/;

export function checkNamespace(node: StepBase, ctx: CheckContext, what: string): void {
  const namespace = literalText(node.input.namespace);
  if (namespace !== undefined && namespace !== '' && !NAMESPACE.test(namespace)) {
    ctx.report(node.loc, 'vector-namespace', `${what} has namespace '${namespace}'`, 'the pgvector and MongoDB stores accept only letters, digits, _ and -', 'warning');
  }
}
