import { describe, expect, it } from 'vitest';
import { workflow, z } from '../../../dsl/index.js';
import { definitionOf, diagnosticsOf, llmDef } from './helpers.js';

const input = z.object({ question: z.string(), history: z.array(z.object({ role: z.enum(['user', 'assistant']), message: z.string() })) });

describe('chatComplete (LLM_CHAT_COMPLETE)', () => {
  it('lowers instructions, messages, tools and options under Conductor’s names, and types result and toolCalls', () => {
    const answer = z.object({ answer: z.string(), confidence: z.number() });
    const wf = workflow('chat_flow', { input, output: z.object({ answer: z.string(), tool: z.string().optional(), reason: z.string().optional() }) }, (wf) => {
      const reply = wf.chatComplete('ask', {
        llmProvider: 'anthropic',
        model: 'claude-sonnet-4-5',
        instructions: 'Answer briefly. Reply as JSON.',
        messages: [{ role: 'user', message: wf.input.question }],
        tools: [{ name: 'lookup_order', description: 'Find an order', inputSchema: { type: 'object' } }],
        jsonOutput: true,
        temperature: 0,
        thinkingTokenLimit: 1024,
        webSearch: true,
        output: answer,
      });
      return { answer: reply.output.result.answer, tool: reply.output.toolCalls[0]!.name, reason: reply.output.finishReason };
    });
    const definition = definitionOf(wf);
    expect(definition.tasks).toEqual([
      {
        name: 'ask',
        taskReferenceName: 'ask',
        type: 'LLM_CHAT_COMPLETE',
        inputParameters: {
          llmProvider: 'anthropic',
          model: 'claude-sonnet-4-5',
          instructions: 'Answer briefly. Reply as JSON.',
          messages: [{ role: 'user', message: '${workflow.input.question}' }],
          jsonOutput: true,
          tools: [{ name: 'lookup_order', description: 'Find an order', inputSchema: { type: 'object' } }],
          thinkingTokenLimit: 1024,
          webSearch: true,
          temperature: 0,
        },
        taskDefinition: llmDef('ask'),
      },
    ]);
    expect(definition.outputParameters).toEqual({
      answer: '${ask.output.result.answer}',
      tool: '${ask.output.toolCalls[0].name}',
      reason: '${ask.output.finishReason}',
    });
  });

  it('takes the whole conversation from a reference', () => {
    const wf = workflow('chat_history', { input, output: z.object({}) }, (wf) => {
      wf.chatComplete('continue', { llmProvider: 'openai', model: 'gpt-4o', messages: wf.input.history });
      return {};
    });
    expect((definitionOf(wf).tasks as { inputParameters: unknown }[])[0]!.inputParameters).toEqual({
      llmProvider: 'openai',
      model: 'gpt-4o',
      messages: '${workflow.input.history}',
    });
  });

  it('reports a call without messages or instructions', () => {
    const wf = workflow('chat_empty', { input, output: z.object({}) }, (wf) => {
      wf.chatComplete('silent', { llmProvider: 'openai', model: 'gpt-4o', messages: [] });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      { code: 'llm-no-messages', severity: 'error', message: "chatComplete 'silent' sends no messages and no instructions", hint: 'pass at least the user message' },
    ]);
  });

  it("reports a role Conductor does not know and a message written as 'content'", () => {
    const wf = workflow('chat_shape', { input, output: z.object({}) }, (wf) => {
      const messages = [{ role: 'human', message: 'hi' }, { role: 'user', content: 'hello' }];
      wf.chatComplete('odd', { llmProvider: 'openai', model: 'gpt-4o', messages: messages as never });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      { code: 'llm-message', severity: 'error', message: "chatComplete 'odd' message 1 has no message text", hint: "write { role, message }; Conductor's field is 'message', not 'content'" },
      { code: 'llm-role', severity: 'error', message: "chatComplete 'odd' message 0 has role 'human'", hint: 'use one of user, assistant, system, tool_call, tool' },
    ]);
  });

  it('reports a provider known to be empty and a thinking budget that is not a whole number', () => {
    const wf = workflow('chat_required', { input, output: z.object({}) }, (wf) => {
      wf.chatComplete('nobody', { llmProvider: '', model: 'm', messages: [{ role: 'user', message: 'hi' }], thinkingTokenLimit: 0.5 });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      { code: 'ai-required', severity: 'error', message: "chatComplete 'nobody' has no llmProvider", hint: 'Conductor fails the task without llmProvider; pass it' },
      { code: 'ai-sampling', severity: 'error', message: "chatComplete 'nobody' thinkingTokenLimit is 0.5", hint: 'use a whole number of at least 1' },
    ]);
  });
});
