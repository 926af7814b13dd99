import { describe, expect, it } from 'vitest';
import { workflow, z } from '../../../dsl/index.js';
import { diagnosticsOf, externalDef, tasksOf } from './helpers.js';

const input = z.object({ docId: z.string(), body: z.string() });

describe('indexText (LLM_INDEX_TEXT)', () => {
  it('lowers the location, document and embedding model under Conductor’s names', () => {
    const wf = workflow('index_flow', { input, output: z.object({}) }, (wf) => {
      wf.indexText('index_doc', {
        vectorDB: 'pgvector_main',
        index: 'docs',
        namespace: 'handbook',
        docId: wf.input.docId,
        text: wf.input.body,
        embeddingModelProvider: 'openai',
        embeddingModel: 'text-embedding-3-small',
        metadata: { source: 'wiki' },
      });
      return {};
    });
    expect(tasksOf(wf)).toEqual([
      {
        name: 'index_doc',
        taskReferenceName: 'index_doc',
        type: 'LLM_INDEX_TEXT',
        inputParameters: {
          vectorDB: 'pgvector_main',
          index: 'docs',
          namespace: 'handbook',
          docId: '${workflow.input.docId}',
          text: '${workflow.input.body}',
          embeddingModelProvider: 'openai',
          embeddingModel: 'text-embedding-3-small',
          metadata: { source: 'wiki' },
        },
        taskDefinition: externalDef('index_doc'),
      },
    ]);
  });

  it('reports an empty docId and warns about a namespace pgvector and MongoDB reject', () => {
    const wf = workflow('index_bad', { input, output: z.object({}) }, (wf) => {
      wf.indexText('index_doc', { vectorDB: 'db', index: 'docs', namespace: 'hand book', docId: '', text: wf.input.body, embeddingModelProvider: 'openai', embeddingModel: 'm' });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      { code: 'ai-required', severity: 'error', message: "indexText 'index_doc' has no docId", hint: 'Conductor fails the task without docId; pass it' },
      {
        code: 'vector-namespace',
        severity: 'warning',
        message: "indexText 'index_doc' has namespace 'hand book'",
        hint: 'the pgvector and MongoDB stores accept only letters, digits, _ and -',
      },
    ]);
  });
});
