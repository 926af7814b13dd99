import { describe, expect, it } from 'vitest';
import { workflow, z } from '../../../dsl/index.js';
import { definitionOf, diagnosticsOf, externalDef } from './helpers.js';

const input = z.object({ question: z.string() });

describe('searchIndex (LLM_SEARCH_INDEX)', () => {
  it('lowers the query search, with hits typed in output.result', () => {
    const wf = workflow('search_flow', { input, output: z.object({ best: z.string().optional(), score: z.number() }) }, (wf) => {
      const hits = wf.searchIndex('find', {
        vectorDB: 'pgvector_main',
        index: 'docs',
        namespace: 'handbook',
        query: wf.input.question,
        embeddingModelProvider: 'openai',
        embeddingModel: 'text-embedding-3-small',
        maxResults: 5,
      });
      return { best: hits.output.result[0]!.text, score: hits.output.result[0]!.score };
    });
    const definition = definitionOf(wf);
    expect(definition.tasks).toEqual([
      {
        name: 'find',
        taskReferenceName: 'find',
        type: 'LLM_SEARCH_INDEX',
        inputParameters: {
          vectorDB: 'pgvector_main',
          index: 'docs',
          namespace: 'handbook',
          query: '${workflow.input.question}',
          embeddingModelProvider: 'openai',
          embeddingModel: 'text-embedding-3-small',
          maxResults: 5,
        },
        taskDefinition: externalDef('find'),
      },
    ]);
    expect(definition.outputParameters).toEqual({ best: '${find.output.result[0].text}', score: '${find.output.result[0].score}' });
  });

  it('reports maxResults below 1 and an empty query', () => {
    const wf = workflow('search_bad', { input, output: z.object({}) }, (wf) => {
      wf.searchIndex('find', { vectorDB: 'db', index: 'docs', namespace: 'n', query: '', embeddingModelProvider: 'openai', embeddingModel: 'm', maxResults: 0 });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      { code: 'ai-max-results', severity: 'error', message: "searchIndex 'find' maxResults is 0", hint: 'use a whole number of at least 1' },
      { code: 'ai-required', severity: 'error', message: "searchIndex 'find' has no query", hint: 'Conductor fails the task without query; pass it' },
    ]);
  });
});
