/**
 * The task type builders' required fields and output types, as the type checker sees them: a
 * missing required field is a compile error, and outputs are typed from the given schemas.
 */
import { expectTypeOf, test } from 'vitest';
import { type Ref, type Step, task, workflow, z } from '../../dsl/index.js';

const io = { input: z.object({ id: z.string(), n: z.number(), texts: z.array(z.string()) }), output: z.object({}) };
const audit = workflow('types_audit', { input: z.object({ orderId: z.string(), amount: z.number() }), output: z.object({}) }, () => ({}));
const worker = task('types_worker', { input: z.object({ id: z.string() }), output: z.object({ value: z.string() }) });

test('jq needs a query and input, and types result from the schema', () => {
  workflow('types_jq', io, (wf) => {
    // @ts-expect-error query is required
    wf.jq('a', { input: {} });
    // @ts-expect-error input is required
    wf.jq('b', { query: '.' });
    const typed = wf.jq('c', { query: '.n', input: { n: wf.input.n }, output: z.number() });
    expectTypeOf(typed.output.result).toEqualTypeOf<Ref<number>>();
    expectTypeOf(typed.output.resultList).toEqualTypeOf<Ref<number[]>>();
    return {};
  });
});

test('startWorkflow checks the input against the target and returns the workflowId', () => {
  workflow('types_start', io, (wf) => {
    // @ts-expect-error amount is required by the target
    wf.startWorkflow(audit, { orderId: wf.input.id });
    // @ts-expect-error a string reference is not a number
    wf.startWorkflow(audit, { orderId: wf.input.id, amount: wf.input.id });
    // @ts-expect-error priority is a number
    wf.startWorkflow(audit, { orderId: 'o', amount: 1 }, { priority: 'high' });
    const started = wf.startWorkflow(audit, { orderId: wf.input.id, amount: wf.input.n });
    expectTypeOf(started.output.workflowId).toEqualTypeOf<Ref<string>>();
    return {};
  });
});

test('dynamic needs a task name, a string', () => {
  workflow('types_dynamic', io, (wf) => {
    // @ts-expect-error taskName is required
    wf.dynamic('a', { input: {} });
    // @ts-expect-error taskName is a string
    wf.dynamic('b', { taskName: wf.input.n });
    const ran = wf.dynamic('c', { taskName: wf.input.id, output: z.object({ ok: z.boolean() }) });
    expectTypeOf(ran.output.ok).toEqualTypeOf<Ref<boolean>>();
    return {};
  });
});

test('human types what the completer supplies', () => {
  workflow('types_human', io, (wf) => {
    // @ts-expect-error assignee is a string
    wf.human('a', { assignee: wf.input.n });
    const review = wf.human('b', { output: z.object({ approved: z.boolean() }) });
    expectTypeOf(review.output.approved).toEqualTypeOf<Ref<boolean>>();
    // @ts-expect-error no such field in the schema
    review.output.comment;
    return {};
  });
});

test('event needs a sink and echoes the message in its output', () => {
  workflow('types_event', io, (wf) => {
    // @ts-expect-error sink is required
    wf.event('a', { input: { id: wf.input.id } });
    // @ts-expect-error the sink is a string
    wf.event('b', { sink: wf.input.n });
    const sent = wf.event('c', { sink: 'conductor:orders', input: { id: wf.input.id } });
    expectTypeOf(sent.output.event_produced).toEqualTypeOf<Ref<string>>();
    expectTypeOf(sent.output.id).toEqualTypeOf<Ref<string>>();
    return {};
  });
});

test('kafkaPublish needs brokers, a topic and a value', () => {
  workflow('types_kafka', io, (wf) => {
    // @ts-expect-error topic is required
    wf.kafkaPublish('a', { bootStrapServers: 'k:9092', value: 1 });
    // @ts-expect-error bootStrapServers is required
    wf.kafkaPublish('b', { topic: 't', value: 1 });
    // @ts-expect-error value is required
    wf.kafkaPublish('c', { bootStrapServers: 'k:9092', topic: 't' });
    // @ts-expect-error keySerializer is one of Kafka's three
    wf.kafkaPublish('d', { bootStrapServers: 'k:9092', topic: 't', value: 1, keySerializer: 'json' });
    wf.kafkaPublish('e', { bootStrapServers: 'k:9092', topic: 't', value: { id: wf.input.id }, key: wf.input.id });
    return {};
  });
});

test('side-effecting steps may declare an undo typed from the task input as Conductor holds it', () => {
  const undo = task('types_undo', { input: z.object({ topic: z.string(), runId: z.string() }), output: z.object({}) });
  workflow('types_compensate', io, (wf) => {
    wf.kafkaPublish('k', { bootStrapServers: 'k:9092', topic: 't', value: 1, key: 'x' }).compensate(undo, (done) => ({ topic: done.input.kafka_request.topic, runId: 'r' }));
    // @ts-expect-error the topic is under kafka_request
    wf.kafkaPublish('k2', { bootStrapServers: 'k:9092', topic: 't', value: 1, key: 'x' }).compensate(undo, (done) => ({ topic: done.input.topic, runId: 'r' }));
    wf.startWorkflow(audit, { orderId: 'o', amount: 1 }).compensate(undo, (done) => ({ topic: done.input.startWorkflow.input.orderId, runId: done.output.workflowId }));
    wf.event('e', { sink: 'sqs:q', input: { id: wf.input.id } }).compensate(undo, (done) => ({ topic: done.input.sink, runId: done.input.id }));
    wf.callMcpTool('m', { mcpServer: 'https://t.example/mcp', method: 'create' }).compensate(undo, (done) => ({ topic: done.input.method, runId: 'r' }));
    return {};
  });
});

test('noop takes a name only', () => {
  workflow('types_noop', io, (wf) => {
    // @ts-expect-error a name is required
    wf.noop();
    expectTypeOf(wf.noop('a')).toEqualTypeOf<Step<Record<string, never>>>();
    return {};
  });
});

test('exclusiveJoin needs joinOn and outputs the union of the joined outputs', () => {
  workflow('types_exclusive', io, (wf) => {
    const a = wf.run(worker, { id: wf.input.id });
    const b = wf.jq('b', { query: '.', input: {}, output: z.object({ other: z.number() }) });
    // @ts-expect-error joinOn is required
    wf.exclusiveJoin('x', {});
    // @ts-expect-error joinOn lists step handles
    wf.exclusiveJoin('y', { joinOn: ['a'] });
    const joined = wf.exclusiveJoin('z', { joinOn: [a], defaultJoinOn: [b] });
    expectTypeOf(joined).toEqualTypeOf<Step<{ value: string } | { readonly result: { other: number }; readonly resultList: { other: number }[] }>>();
    return {};
  });
});

test('the LLM tasks need their provider, model and content', () => {
  workflow('types_llm', io, (wf) => {
    // @ts-expect-error llmProvider is required
    wf.chatComplete('a', { model: 'm', messages: [] });
    // @ts-expect-error model is required
    wf.chatComplete('b', { llmProvider: 'openai', messages: [] });
    // @ts-expect-error messages are required
    wf.chatComplete('c', { llmProvider: 'openai', model: 'm' });
    // @ts-expect-error a message has role and message
    wf.chatComplete('d', { llmProvider: 'openai', model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    // @ts-expect-error the role is one Conductor knows
    wf.chatComplete('e', { llmProvider: 'openai', model: 'm', messages: [{ role: 'human', message: 'hi' }] });
    // @ts-expect-error prompt is required
    wf.textComplete('f', { llmProvider: 'openai', model: 'm' });
    // @ts-expect-error temperature is a number
    wf.textComplete('g', { llmProvider: 'openai', model: 'm', prompt: 'p', temperature: 'low' });
    const chat = wf.chatComplete('h', { llmProvider: 'anthropic', model: 'm', messages: [{ role: 'user', message: wf.input.id }], output: z.object({ answer: z.string() }) });
    expectTypeOf(chat.output.result.answer).toEqualTypeOf<Ref<string>>();
    expectTypeOf(chat.output.tokenUsed).toEqualTypeOf<Ref<number>>();
    const text = wf.textComplete('i', { llmProvider: 'openai', model: 'm', prompt: 'p' });
    expectTypeOf(text.output.result).toEqualTypeOf<Ref<string | Record<string, unknown>>>();
    return {};
  });
});

test('the embedding and vector database tasks need their location and data', () => {
  workflow('types_vectors', io, (wf) => {
    // @ts-expect-error text is required
    wf.generateEmbeddings('a', { llmProvider: 'openai', model: 'm' });
    const embedded = wf.generateEmbeddings('b', { llmProvider: 'openai', model: 'm', text: wf.input.id });
    expectTypeOf(embedded.output.result).toEqualTypeOf<Ref<number[]>>();
    // @ts-expect-error docId is required
    wf.indexText('c', { vectorDB: 'db', index: 'i', text: 't', embeddingModelProvider: 'openai', embeddingModel: 'm' });
    // @ts-expect-error embeddings are required
    wf.storeEmbeddings('d', { vectorDB: 'db', index: 'i', namespace: 'n' });
    // @ts-expect-error namespace is required
    wf.storeEmbeddings('e', { vectorDB: 'db', index: 'i', embeddings: embedded.output.result });
    // @ts-expect-error embeddings are numbers
    wf.storeEmbeddings('f', { vectorDB: 'db', index: 'i', namespace: 'n', embeddings: wf.input.texts });
    // @ts-expect-error query is required
    wf.searchIndex('g', { vectorDB: 'db', index: 'i', namespace: 'n', embeddingModelProvider: 'openai', embeddingModel: 'm' });
    // @ts-expect-error embeddings are required
    wf.getEmbeddings('h', { vectorDB: 'db', index: 'i', namespace: 'n' });
    const hits = wf.searchIndex('i', { vectorDB: 'db', index: 'i', namespace: 'n', query: wf.input.id, embeddingModelProvider: 'openai', embeddingModel: 'm' });
    expectTypeOf(hits.output.result[0]!.score).toEqualTypeOf<Ref<number>>();
    return {};
  });
});

test('the MCP tasks need a server and a tool name', () => {
  workflow('types_mcp', io, (wf) => {
    // @ts-expect-error mcpServer is required
    wf.listMcpTools('a', {});
    // @ts-expect-error method is required
    wf.callMcpTool('b', { mcpServer: 'https://t.example/mcp', arguments: {} });
    const listed = wf.listMcpTools('c', { mcpServer: 'https://t.example/mcp' });
    expectTypeOf(listed.output.tools[0]!.name).toEqualTypeOf<Ref<string>>();
    const called = wf.callMcpTool('d', { mcpServer: 'https://t.example/mcp', method: 'get', output: z.object({ tempC: z.number() }) });
    expectTypeOf(called.output.isError).toEqualTypeOf<Ref<boolean>>();
    expectTypeOf(called.output.content[0]!.parsed.tempC).toEqualTypeOf<Ref<number | undefined>>();
    return {};
  });
});
