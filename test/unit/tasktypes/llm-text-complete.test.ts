import { describe, expect, it } from 'vitest';
import { workflow, z } from '../../../dsl/index.js';
import { definitionOf, diagnosticsOf, llmDef, tasksOf } from './helpers.js';

const input = z.object({ topic: z.string() });

describe('textComplete (LLM_TEXT_COMPLETE)', () => {
  it('lowers the prompt, its variables and sampling settings under Conductor’s names, with the llm profile', () => {
    const wf = workflow('text_flow', { input, output: z.object({ summary: z.string(), tokens: z.number() }) }, (wf) => {
      const summary = wf.textComplete('summarize', {
        llmProvider: 'openai',
        model: 'gpt-4o-mini',
        prompt: 'Write one line about ${topic}.',
        promptVariables: { topic: wf.input.topic },
        temperature: 0.2,
        maxTokens: 200,
        stopWords: ['\n\n'],
        output: z.string(),
      });
      return { summary: summary.output.result, tokens: summary.output.tokenUsed };
    });
    const definition = definitionOf(wf);
    expect(definition.tasks).toEqual([
      {
        name: 'summarize',
        taskReferenceName: 'summarize',
        type: 'LLM_TEXT_COMPLETE',
        inputParameters: {
          llmProvider: 'openai',
          model: 'gpt-4o-mini',
          // Escaped for Conductor; the AI module fills ${topic} from promptVariables afterwards.
          prompt: 'Write one line about $${topic}.',
          promptVariables: { topic: '${workflow.input.topic}' },
          temperature: 0.2,
          maxTokens: 200,
          stopWords: ['\n\n'],
        },
        taskDefinition: llmDef('summarize'),
      },
    ]);
    expect(definition.outputParameters).toEqual({ summary: '${summarize.output.result}', tokens: '${summarize.output.tokenUsed}' });
  });

  it('sets retryCount 0 on the WorkflowTask when the step asks for no retries, since the AI mapper would turn 0 into 3', () => {
    const wf = workflow('text_no_retry', { input, output: z.object({}) }, (wf) => {
      wf.textComplete('once', { llmProvider: 'anthropic', model: 'claude-sonnet-4-5', prompt: 'hi', profile: 'no-retry' });
      return {};
    });
    expect(tasksOf(wf)).toEqual([
      {
        name: 'once',
        taskReferenceName: 'once',
        type: 'LLM_TEXT_COMPLETE',
        inputParameters: { llmProvider: 'anthropic', model: 'claude-sonnet-4-5', prompt: 'hi' },
        retryCount: 0,
        taskDefinition: llmDef('once', { retryCount: 0, totalTimeoutSeconds: 240 }),
      },
    ]);
  });

  it('reports a required field known to be empty', () => {
    const wf = workflow('text_empty', { input, output: z.object({}) }, (wf) => {
      wf.textComplete('blank', { llmProvider: 'openai', model: ' ', prompt: 'hi' });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      { code: 'ai-required', severity: 'error', message: "textComplete 'blank' has no model", hint: 'Conductor fails the task without model; pass it' },
    ]);
  });

  it('reports sampling settings out of range', () => {
    const wf = workflow('text_sampling', { input, output: z.object({}) }, (wf) => {
      wf.textComplete('hot', { llmProvider: 'openai', model: 'm', prompt: 'hi', temperature: 3, topP: 1.5, maxTokens: 0 });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      { code: 'ai-sampling', severity: 'error', message: "textComplete 'hot' has temperature 3", hint: 'providers accept 0 to 2 (some only 0 to 1)' },
      { code: 'ai-sampling', severity: 'error', message: "textComplete 'hot' has topP 1.5", hint: 'topP is a probability from 0 to 1' },
      { code: 'ai-sampling', severity: 'error', message: "textComplete 'hot' maxTokens is 0", hint: 'use a whole number of at least 1' },
    ]);
  });

  it('reports a JSON reply schema that is not an object', () => {
    const wf = workflow('text_json', { input, output: z.object({}) }, (wf) => {
      wf.textComplete('list', { llmProvider: 'openai', model: 'm', prompt: 'list three', jsonOutput: true, output: z.array(z.string()) });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      {
        code: 'llm-json-object',
        severity: 'error',
        message: "textComplete 'list' expects a JSON array with jsonOutput",
        hint: 'Conductor only accepts a JSON object as a JSON reply; ask for an object and describe it with z.object()',
      },
    ]);
  });
});
