import { describe, expect, it } from 'vitest';
import { workflow, z } from '../../../dsl/index.js';
import { diagnosticsOf, externalDef, tasksOf } from './helpers.js';

const input = z.object({ docId: z.string(), text: z.string() });

describe('storeEmbeddings (LLM_STORE_EMBEDDINGS)', () => {
  it('stores the vector of an earlier step under an id', () => {
    const wf = workflow('store_flow', { input, output: z.object({ stored: z.number() }) }, (wf) => {
      const embedded = wf.generateEmbeddings('embed', { llmProvider: 'openai', model: 'm', text: wf.input.text });
      const stored = wf.storeEmbeddings('store', { vectorDB: 'pinecone_prod', index: 'docs', namespace: 'faq', embeddings: embedded.output.result, id: wf.input.docId, metadata: { lang: 'en' } });
      return { stored: stored.output.result };
    });
    expect(tasksOf(wf)[1]).toEqual({
      name: 'store',
      taskReferenceName: 'store',
      type: 'LLM_STORE_EMBEDDINGS',
      inputParameters: {
        vectorDB: 'pinecone_prod',
        index: 'docs',
        namespace: 'faq',
        embeddings: '${embed.output.result}',
        id: '${workflow.input.docId}',
        metadata: { lang: 'en' },
      },
      taskDefinition: externalDef('store'),
    });
  });

  it('warns that without an id a retry stores a second copy, and reports an empty vector', () => {
    const wf = workflow('store_bad', { input, output: z.object({}) }, (wf) => {
      wf.storeEmbeddings('store', { vectorDB: 'db', index: 'docs', namespace: 'faq', embeddings: [] });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      { code: 'vector-embeddings', severity: 'error', message: "storeEmbeddings 'store' stores an empty vector", hint: 'pass the embeddings, e.g. a generateEmbeddings step output.result' },
      {
        code: 'vector-no-id',
        severity: 'warning',
        message: "storeEmbeddings 'store' has no id: a retry or a re-run stores a second copy under a new random id",
        hint: 'pass an id derived from the data (a document id, say)',
      },
    ]);
  });
});
