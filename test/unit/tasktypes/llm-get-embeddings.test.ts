import { describe, expect, it } from 'vitest';
import { workflow, z } from '../../../dsl/index.js';
import { diagnosticsOf, externalDef, tasksOf } from './helpers.js';

const input = z.object({ vector: z.array(z.number()) });

describe('getEmbeddings (LLM_GET_EMBEDDINGS)', () => {
  it('lowers a search by vector', () => {
    const wf = workflow('vector_search', { input, output: z.object({ ids: z.unknown() }) }, (wf) => {
      const hits = wf.getEmbeddings('nearest', { vectorDB: 'mongo_main', index: 'docs', namespace: 'faq', embeddings: wf.input.vector, maxResults: 3 });
      return { ids: hits.output.result };
    });
    expect(tasksOf(wf)).toEqual([
      {
        name: 'nearest',
        taskReferenceName: 'nearest',
        type: 'LLM_GET_EMBEDDINGS',
        inputParameters: { vectorDB: 'mongo_main', index: 'docs', namespace: 'faq', embeddings: '${workflow.input.vector}', maxResults: 3 },
        taskDefinition: externalDef('nearest'),
      },
    ]);
  });

  it('reports an empty vector and a missing vector database', () => {
    const wf = workflow('vector_search_bad', { input, output: z.object({}) }, (wf) => {
      wf.getEmbeddings('nearest', { vectorDB: '', index: 'docs', namespace: 'faq', embeddings: [] });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      { code: 'ai-required', severity: 'error', message: "getEmbeddings 'nearest' has no vectorDB", hint: 'Conductor fails the task without vectorDB; pass it' },
      { code: 'vector-embeddings', severity: 'error', message: "getEmbeddings 'nearest' searches with an empty vector", hint: 'pass the embeddings, e.g. a generateEmbeddings step output.result' },
    ]);
  });
});
