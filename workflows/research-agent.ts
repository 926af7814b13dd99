/**
 * An agent loop on Conductor: a bounded `wf.loop` that asks a model what to do next, runs the
 * tool it picked (`wf.switch` on the tool name), adds the result to the conversation and goes
 * round again until the model answers. The model is any OpenAI-compatible chat-completions
 * endpoint (a hosted API, an LLM gateway, a local server); the conversation lives in a workflow
 * variable, so every pass is visible in the execution history.
 */
import { cast, secret, str, when, workflow, z } from 'baton';
import { readPage } from './tasks/research.js';

const toolCall = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string().describe('The arguments, as JSON text') }),
});

const chatMessage = z.object({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.string().nullable(),
  tool_calls: z.array(toolCall).optional(),
  tool_call_id: z.string().optional(),
});
type ChatMessage = z.output<typeof chatMessage>;

/** The part of a chat-completions response the loop reads. */
const chatCompletion = z.object({
  choices: z.array(
    z.object({
      message: chatMessage,
      finish_reason: z.string().nullable(),
    }),
  ),
});

const searchResults = z.object({
  results: z.array(z.object({ title: z.string(), url: z.string(), snippet: z.string() })),
});

/** What the model may call, in the chat-completions `tools` format. */
const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'web_search',
      description: 'Search the web. Returns the title, URL and a snippet of the best matches.',
      parameters: {
        type: 'object',
        properties: { query: { type: 'string', description: 'What to search for' } },
        required: ['query'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'read_page',
      description: 'Read the text of a web page, e.g. one found by web_search.',
      parameters: {
        type: 'object',
        properties: { url: { type: 'string', description: 'The page URL' } },
        required: ['url'],
      },
    },
  },
];

const SYSTEM_PROMPT =
  'You are a careful research assistant. Use web_search to find sources and read_page to read ' +
  'them. When you know enough, answer in a few sentences and cite the URLs you relied on. Do not ' +
  'guess: if the sources do not settle the question, say so.';

/** Longest tool result kept in the conversation, so the workflow variables stay small. */
const MAX_TOOL_RESULT_CHARS = 4_000;

/** The model's next move, read from its reply. */
type NextMove = {
  done: boolean;
  answer: string | null;
  tool: 'web_search' | 'read_page' | 'none' | 'invalid';
  query: string | null;
  url: string | null;
  callId: string | null;
  /** The reply to keep in the conversation (with the one tool call that is run). */
  assistant: ChatMessage;
};

/**
 * Answer a research question with a language model that can search the web and read pages.
 * Runs up to maxSteps rounds of "ask the model, run the tool it picked"; returns the model's
 * final answer (with the sources it cites) and how many rounds it took.
 */
export default workflow(
  'research_agent',
  {
    version: 1,
    input: z.object({
      question: z.string().min(1).max(2_000).describe('The question to research'),
      model: z.string().default('gpt-4o-mini').describe('Model name, as the chat-completions endpoint knows it'),
      maxSteps: z.number().int().min(1).max(10).default(6).describe('Most rounds of model call plus tool call'),
      llmBaseUrl: z.url().default('https://llm-gateway.example.com/v1').describe('OpenAI-compatible API base URL (POST /chat/completions)'),
      searchBaseUrl: z.url().default('https://search.example.com').describe('Base URL of the search service (POST /search)'),
    }),
    output: z.object({
      answer: z.string().nullable().describe('The final answer, or null when the step limit came first'),
      answered: z.boolean().describe('False when the loop stopped at maxSteps without an answer'),
      iterations: z.number().int().describe('Rounds used'),
    }),
    variables: z.object({
      messages: z.array(chatMessage).describe('The conversation with the model so far'),
    }),
    examples: [
      { name: 'fact check', input: { question: 'When did the Conductor project move to the conductor-oss organisation?' } },
      { name: 'short budget', description: 'at most three rounds', input: { question: 'What is a saga in distributed systems?', maxSteps: 3 } },
    ],
    tool: { readOnly: true, openWorld: true },
    timeoutSeconds: 900,
  },
  (wf) => {
    wf.setVariable('start_conversation', {
      messages: [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: wf.input.question },
      ],
    });

    const research = wf.loop(
      'research',
      (b) => {
        // Conductor 3.32+ replaces `${workflow.secrets.…}` in an HTTP task's input when it runs
        // it, anywhere in the input: text taken from the web must not be able to ask for that.
        const prepared = b.inline('prepare_messages', { messages: wf.variables.messages }, ($): ChatMessage[] => {
          const defang = (text: string) => text.split('${').join('$ {');
          return $.messages.map((m) => ({
            role: m.role,
            content: m.content == null ? null : defang(m.content),
            ...(m.tool_calls
              ? {
                  tool_calls: m.tool_calls.map((c) => ({
                    id: c.id,
                    type: c.type,
                    function: { name: c.function.name, arguments: defang(c.function.arguments) },
                  })),
                }
              : {}),
            ...(m.tool_call_id ? { tool_call_id: m.tool_call_id } : {}),
          }));
        });

        const reply = b.http('ask_llm', {
          uri: str`${wf.input.llmBaseUrl}/chat/completions`,
          method: 'POST',
          // The key comes from the server's CONDUCTOR_SECRET_LLM_API_KEY environment variable,
          // so it never appears in workflow input or execution history.
          headers: { Authorization: str`Bearer ${secret('LLM_API_KEY')}` },
          body: { model: wf.input.model, messages: prepared.output.result, tools: TOOLS, tool_choice: 'auto', temperature: 0 },
          // Models take seconds to answer: read for up to 90 s of the step's 120 s.
          connectionTimeOutMs: 5_000,
          readTimeOutMs: 90_000,
          timeoutSeconds: 120,
          output: chatCompletion,
        });

        const next = b.inline('read_reply', { reply: reply.output.body }, ($): NextMove => {
          const message: ChatMessage = $.reply.choices[0]?.message ?? { role: 'assistant', content: null };
          const call = message.tool_calls?.[0];
          if (!call) {
            const kept: ChatMessage = { role: 'assistant', content: message.content };
            return { done: true, answer: message.content, tool: 'none', query: null, url: null, callId: null, assistant: kept };
          }
          const move: NextMove = {
            done: false,
            answer: null,
            tool: 'invalid',
            query: null,
            url: null,
            callId: call.id,
            // Only the first tool call is run; the reply kept in the conversation lists only that one.
            assistant: { role: 'assistant', content: message.content, tool_calls: [call] },
          };
          let args: { query?: unknown; url?: unknown } | null;
          try {
            args = JSON.parse(call.function.arguments);
          } catch {
            return move;
          }
          if (args === null || typeof args !== 'object') return move;
          if (call.function.name === 'web_search' && typeof args.query === 'string') return { ...move, tool: 'web_search', query: args.query };
          if (call.function.name === 'read_page' && typeof args.url === 'string') return { ...move, tool: 'read_page', url: args.url };
          return move;
        });

        const tool = b.switch(
          'run_tool',
          next.output.result.tool,
          {
            web_search: (b) => {
              const found = b.http('web_search', {
                uri: str`${wf.input.searchBaseUrl}/search`,
                method: 'POST',
                body: { query: next.output.result.query, limit: 5 },
                connectionTimeOutMs: 2_000,
                readTimeOutMs: 10_000,
                output: searchResults,
              });
              const listed = b.inline('list_results', { results: found.output.body.results }, ($) =>
                $.results.map((r, i) => '[' + (i + 1) + '] ' + r.title + ' (' + r.url + ')\n' + r.snippet).join('\n\n') || 'No results.',
              );
              return { content: listed.output.result };
            },
            read_page: (b) => {
              // read_reply picks this branch only when the model gave a URL.
              const page = b.run(readPage, { url: cast<string>(next.output.result.url), maxChars: MAX_TOOL_RESULT_CHARS });
              return { content: page.output.text };
            },
            invalid: () => ({ content: 'That tool call could not be run: use web_search or read_page with valid JSON arguments.' }),
          },
          { default: () => ({ content: null }) },
        );

        const conversation = b.inline(
          'extend_conversation',
          {
            messages: wf.variables.messages,
            assistant: next.output.result.assistant,
            callId: next.output.result.callId,
            result: tool.output.content,
            limit: MAX_TOOL_RESULT_CHARS,
          },
          ($): ChatMessage[] => {
            const history = $.messages.slice();
            history.push($.assistant);
            if ($.callId != null) history.push({ role: 'tool', tool_call_id: $.callId, content: String($.result ?? '').slice(0, $.limit) });
            return history;
          },
        );
        b.setVariable('remember', { messages: conversation.output.result });

        return { done: next.output.result.done, answer: next.output.result.answer };
      },
      {
        maxIterations: 10,
        while: (last, iteration) =>
          when({ done: last.done, iteration, maxSteps: wf.input.maxSteps }, ($) => !$.done && $.iteration < $.maxSteps),
      },
    );

    return { answer: research.output.answer, answered: research.output.done, iterations: research.iteration };
  },
);
