import { describe, expect, it } from 'vitest';
import { workflow, z } from '../../../dsl/index.js';
import { definitionOf, diagnosticsOf, externalDef } from './helpers.js';

const input = z.object({ text: z.string() });

describe('generateEmbeddings (LLM_GENERATE_EMBEDDINGS)', () => {
  it('lowers provider, model, text and dimensions, with the vector in output.result', () => {
    const wf = workflow('embed_flow', { input, output: z.object({ vector: z.array(z.number()) }) }, (wf) => {
      const embedded = wf.generateEmbeddings('embed', { llmProvider: 'openai', model: 'text-embedding-3-small', text: wf.input.text, dimensions: 256 });
      return { vector: embedded.output.result };
    });
    const definition = definitionOf(wf);
    expect(definition.tasks).toEqual([
      {
        name: 'embed',
        taskReferenceName: 'embed',
        type: 'LLM_GENERATE_EMBEDDINGS',
        inputParameters: { llmProvider: 'openai', model: 'text-embedding-3-small', text: '${workflow.input.text}', dimensions: 256 },
        taskDefinition: externalDef('embed'),
      },
    ]);
    expect(definition.outputParameters).toEqual({ vector: '${embed.output.result}' });
  });

  it('reports an empty text and bad dimensions', () => {
    const wf = workflow('embed_bad', { input, output: z.object({}) }, (wf) => {
      wf.generateEmbeddings('embed', { llmProvider: 'openai', model: 'm', text: '', dimensions: -1 });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      { code: 'ai-dimensions', severity: 'error', message: "generateEmbeddings 'embed' dimensions is -1", hint: 'use a whole number of at least 1' },
      { code: 'ai-required', severity: 'error', message: "generateEmbeddings 'embed' has no text", hint: 'Conductor fails the task without text; pass it' },
    ]);
  });
});
