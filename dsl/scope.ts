/**
 * The builder an author writes steps with: `wf` in a workflow body, `b` in a nested block. Each
 * method records one step through the task type module of the same name (tasktypes/*.ts).
 */
import type { z } from 'zod';
import type { BlockMode, StepBase } from '../ir/step.js';
import type { Recorder } from './recorder.js';
import type { In, Resolved } from './input.js';
import type { StepOptions } from './options.js';
import { type Ref, type RefBase, makeRef } from './ref.js';
import { SCOPE, type ScopeLike, type ScopeState } from './scope-kit.js';
import type { CompensableStep, Step } from './step.js';
import type { TaskDecl } from './task.js';
import type { Expr } from './expr.js';
import type { AnyWorkflow } from './workflow.js';
import { run } from '../tasktypes/simple.js';
import { type HttpOptions, type HttpRequest, type HttpResponse, http } from '../tasktypes/http.js';
import { type InlineOptions, inline } from '../tasktypes/inline.js';
import { type Cases, type SwitchOptions, type UnknownCases, type SwitchResult, ifThen, switchOn } from '../tasktypes/switch.js';
import { type BranchResults, type ParallelOptions, parallel } from '../tasktypes/fork.js';
import { type LoopOptions, type LoopStep, loop, loopOver } from '../tasktypes/loop.js';
import { forEach } from '../tasktypes/for-each.js';
import { type SubWorkflowOptions, subWorkflow } from '../tasktypes/sub-workflow.js';
import { type WaitOptions, wait } from '../tasktypes/wait.js';
import { type TerminateOptions, terminate } from '../tasktypes/terminate.js';
import { setVariable } from '../tasktypes/set-variable.js';
import { type CustomTaskOptions, customTask } from '../tasktypes/custom.js';
import { type JqOptions, type JqOutput, jq } from '../tasktypes/jq.js';
import { type StartWorkflowInput, type StartWorkflowOptions, type StartWorkflowOutput, startWorkflow } from '../tasktypes/start-workflow.js';
import { type DynamicOptions, dynamic } from '../tasktypes/dynamic.js';
import { type HumanOptions, human } from '../tasktypes/human.js';
import { type EventInput, type EventOptions, type EventOutput, event } from '../tasktypes/event.js';
import { type KafkaPublishInput, type KafkaPublishOptions, kafkaPublish } from '../tasktypes/kafka-publish.js';
import { noop } from '../tasktypes/noop.js';
import { type ExclusiveJoinOptions, type JoinableStep, type OutputOf, exclusiveJoin } from '../tasktypes/exclusive-join.js';
import { type LLM_REPLY, type LlmResponse, type TextCompleteOptions, textComplete } from '../tasktypes/llm-text-complete.js';
import { type ChatCompleteOptions, chatComplete } from '../tasktypes/llm-chat-complete.js';
import { type EmbeddingsOutput, type GenerateEmbeddingsOptions, generateEmbeddings } from '../tasktypes/llm-generate-embeddings.js';
import { type IndexTextOptions, indexText } from '../tasktypes/llm-index-text.js';
import { type SearchIndexOptions, searchIndex } from '../tasktypes/llm-search-index.js';
import { type StoreEmbeddingsOptions, type StoreOutput, storeEmbeddings } from '../tasktypes/llm-store-embeddings.js';
import { type GetEmbeddingsOptions, getEmbeddings } from '../tasktypes/llm-get-embeddings.js';
import type { SearchOutput } from '../tasktypes/vector-db.js';
import { type ListMcpToolsOptions, type ListToolsOutput, listMcpTools } from '../tasktypes/mcp-list-tools.js';
import { type CallMcpToolInput, type CallMcpToolOptions, type CallToolOutput, callMcpTool } from '../tasktypes/mcp-call-tool.js';

type ResultOf<R> = [R] extends [void | undefined] ? never : R extends Step<infer O> ? O : Resolved<R>;

export class Scope<V = Record<string, unknown>> implements ScopeLike {
  readonly [SCOPE]: ScopeState;

  constructor(recorder: Recorder, mode: BlockMode = 'always') {
    const steps: StepBase[] = [];
    this[SCOPE] = {
      recorder,
      steps,
      mode,
      child: (childMode) => new Scope<V>(recorder, childMode),
    };
  }

  /** Steps recorded in this scope so far (nested steps live inside their owners). */
  steps(): readonly StepBase[] {
    return this[SCOPE].steps;
  }

  /** Runs a declared worker task (SIMPLE). */
  run<I extends z.ZodType, O extends z.ZodType>(
    task: TaskDecl<I, O>,
    input: In<z.input<I>>,
    options?: StepOptions,
  ): CompensableStep<z.output<I>, z.output<O>> {
    return run(this, task, input, options);
  }

  /** Makes an HTTP request from the Conductor server (HTTP). */
  http<O extends z.ZodType = z.ZodUnknown>(
    name: string,
    options: HttpOptions<O>,
  ): CompensableStep<{ http_request: HttpRequest }, HttpResponse<z.output<O>>> {
    return http(this, name, options);
  }

  /** Evaluates a small JavaScript function on the server (INLINE); output is `{ result }`. */
  inline<const P extends Record<string, unknown>, R>(
    name: string,
    params: P,
    fn: ($: Resolved<P>) => R,
    options?: InlineOptions<z.ZodType>,
  ): Step<{ result: R }>;
  inline<O extends z.ZodType>(
    name: string,
    params: Record<string, unknown>,
    script: string,
    options: InlineOptions<O> & { output: O },
  ): Step<{ result: z.output<O> }>;
  inline(
    name: string,
    params: Record<string, unknown>,
    fn: ((...args: never[]) => unknown) | string,
    options?: InlineOptions<z.ZodType>,
  ): Step<{ result: unknown }> {
    return inline(this, name, params, fn as never, options);
  }

  // The default and `otherwise` branches are typed by what they return (RD, RE), not by the
  // function type itself: TypeScript cannot infer a function-typed parameter from a callback
  // once an earlier argument is a callback too, and `(b) => …` would then not compile.

  /** Runs the branch whose key equals the value (SWITCH). Branches may return values. */
  switch<T, C extends Cases<T>, RD = never>(
    name: string,
    on: RefBase<T> | Expr<T>,
    // A generic object type accepts extra keys silently: a key the value can never take (a
    // misspelt case) is given a type no branch has, so the error sits on that key and says why.
    cases: C & { [K in keyof C]?: (b: Scope<V>) => unknown } & NoInfer<UnknownCases<C, T>>,
    options?: Omit<SwitchOptions<undefined>, 'default'> & { default?: (b: Scope<V>) => RD },
  ): Step<SwitchResult<C, (b: never) => RD>> {
    return switchOn(this, name, on, cases as never, options as never) as Step<SwitchResult<C, (b: never) => RD>>;
  }

  /** Runs `then` when the condition holds, else `otherwise` (SWITCH on 'true'/'false'). */
  if<RT, RE = never>(
    name: string,
    condition: RefBase<boolean | null | undefined> | Expr<unknown>,
    then: (b: Scope<V>) => RT,
    otherwise?: (b: Scope<V>) => RE,
    options?: StepOptions,
  ): Step<ResultOf<RT> | ResultOf<RE>> {
    return ifThen(this, name, condition, then as never, otherwise as never, options) as never;
  }

  /** Runs branches in parallel and joins them (FORK_JOIN + JOIN). Returns each branch's result. */
  parallel<B extends Record<string, (b: Scope<V>) => unknown>>(name: string, branches: B, options?: ParallelOptions): BranchResults<B> {
    return parallel(this, name, branches as never, options) as BranchResults<B>;
  }

  /** Runs the body for every element of a list, in parallel (FORK_JOIN_DYNAMIC + JOIN). */
  forEach<T, R>(
    name: string,
    items: RefBase<readonly T[] | null | undefined>,
    body: (item: Ref<T>, b: Scope<V>, index: Ref<number>) => R,
    options?: StepOptions,
  ): Step<ResultOf<R>[]> {
    return forEach(this, name, items, body as never, options) as Step<ResultOf<R>[]>;
  }

  /** Repeats the body while a condition holds, up to maxIterations (DO_WHILE). */
  loop<R>(name: string, body: (b: Scope<V>, iteration: Ref<number>) => R, options?: LoopOptions<R>): LoopStep<ResultOf<R>> {
    return loop(this, name, body as never, options as never) as LoopStep<ResultOf<R>>;
  }

  /** Runs the body once per element of a list, one after another (DO_WHILE over the list). */
  loopOver<T, R>(
    name: string,
    items: RefBase<readonly T[] | null | undefined>,
    body: (item: Ref<T>, b: Scope<V>, index: Ref<number>) => R,
    options?: LoopOptions<R>,
  ): LoopStep<ResultOf<R>> {
    return loopOver(this, name, items, body as never, options as never) as LoopStep<ResultOf<R>>;
  }

  /** Runs another baton workflow as a child and waits for it (SUB_WORKFLOW). */
  subWorkflow<I extends z.ZodType, O extends z.ZodType>(
    child: { readonly input: I; readonly output: O } & AnyWorkflow,
    input: In<z.input<I>>,
    options?: SubWorkflowOptions,
  ): CompensableStep<z.output<I>, z.output<O>> {
    return subWorkflow(this, child, input, options);
  }

  /** Pauses for a duration, until a date, or until completed from outside (WAIT). */
  wait<O extends z.ZodType = z.ZodUnknown>(name: string, options?: WaitOptions<O>): Step<z.output<O>> {
    return wait(this, name, options);
  }

  /** Ends the workflow now with COMPLETED or FAILED (TERMINATE). */
  terminate(name: string, options: TerminateOptions): Step<Record<string, never>> {
    return terminate(this, name, options);
  }

  /** Sets workflow variables (SET_VARIABLE). */
  setVariable(name: string, values: { [K in keyof V]?: In<V[K]> }, options?: StepOptions): Step<Record<string, never>> {
    return setVariable(this, name, values, options);
  }

  /**
   * Transforms JSON with a jq program run on the server (JSON_JQ_TRANSFORM). The program reads
   * `input` as `.`; the output is `{ result, resultList }`, typed by the `output` schema of one
   * result.
   */
  jq<O extends z.ZodType = z.ZodUnknown>(name: string, options: JqOptions<O>): Step<JqOutput<z.output<O>>> {
    return jq(this, name, options);
  }

  /**
   * Starts another baton workflow and goes on without waiting (START_WORKFLOW). The input is
   * checked against the target's schema; the output is the new run's `{ workflowId }`. An undo
   * (terminating that run, say) may be declared with `.compensate()`.
   */
  startWorkflow<I extends z.ZodType>(
    target: { readonly input: I } & AnyWorkflow,
    input: In<z.input<I>>,
    options?: StartWorkflowOptions,
  ): CompensableStep<StartWorkflowInput<z.output<I>>, StartWorkflowOutput> {
    return startWorkflow(this, target, input, options);
  }

  /**
   * Runs the task whose name is known only at run time (DYNAMIC), e.g. `taskName:
   * wf.input.courier`. The output is that task's output, typed by `output`.
   */
  dynamic<O extends z.ZodType = z.ZodUnknown>(name: string, options: DynamicOptions<O>): Step<z.output<O>> {
    return dynamic(this, name, options);
  }

  /**
   * Waits until a person or system completes the task from outside (HUMAN): the task update API,
   * an event handler, baton's signal tool. What they send is the output, typed by `output`.
   * Without `timeoutSeconds` it waits for ever.
   */
  human<O extends z.ZodType = z.ZodUnknown>(name: string, options?: HumanOptions<O>): Step<z.output<O>> {
    return human(this, name, options);
  }

  /**
   * Publishes the input as a message to an event queue (EVENT): `sink: 'conductor:<queue>'`,
   * `'sqs:<queue>'`, `'kafka:<topic>'`, … The output echoes the message and names the queue.
   * May declare an undo with `.compensate()`.
   */
  event<const P extends Record<string, unknown> = {}>(name: string, options: EventOptions<P>): CompensableStep<EventInput<P>, EventOutput & Resolved<P>> {
    return event(this, name, options);
  }

  /** Publishes one message to a Kafka topic from the server (KAFKA_PUBLISH); may declare an undo. */
  kafkaPublish(name: string, options: KafkaPublishOptions): CompensableStep<KafkaPublishInput, Record<string, never>> {
    return kafkaPublish(this, name, options);
  }

  /** A task that does nothing and completes at once (NOOP). */
  noop(name: string, options?: StepOptions): Step<Record<string, never>> {
    return noop(this, name, options);
  }

  /**
   * Continues with the output of the first of `joinOn` that ran, else of `defaultJoinOn`
   * (EXCLUSIVE_JOIN); typically the last steps of switch branches of which one is taken.
   */
  exclusiveJoin<const J extends readonly JoinableStep[], const D extends readonly JoinableStep[] = []>(
    name: string,
    options: ExclusiveJoinOptions<J, D>,
  ): Step<OutputOf<J[number] | D[number]>> {
    return exclusiveJoin(this, name, options);
  }

  /**
   * Answers a single prompt with a language model on the server (LLM_TEXT_COMPLETE).
   * `output.result` is the reply, typed by `output` for JSON replies.
   */
  textComplete<O extends z.ZodType = typeof LLM_REPLY>(name: string, options: TextCompleteOptions<O>): Step<LlmResponse<z.output<O>>> {
    return textComplete(this, name, options);
  }

  /**
   * One turn of a conversation with a language model on the server (LLM_CHAT_COMPLETE):
   * `messages` of `{ role, message }`, optional `instructions` and `tools`. `output.result` is the
   * reply, typed by `output` for JSON replies; tool requests are in `output.toolCalls`.
   */
  chatComplete<O extends z.ZodType = typeof LLM_REPLY>(name: string, options: ChatCompleteOptions<O>): Step<LlmResponse<z.output<O>>> {
    return chatComplete(this, name, options);
  }

  /** Turns a text into an embedding vector, `output.result` (LLM_GENERATE_EMBEDDINGS). */
  generateEmbeddings(name: string, options: GenerateEmbeddingsOptions): Step<EmbeddingsOutput> {
    return generateEmbeddings(this, name, options);
  }

  /** Embeds a text and stores it in a vector database under `docId` (LLM_INDEX_TEXT). */
  indexText(name: string, options: IndexTextOptions): Step<Record<string, never>> {
    return indexText(this, name, options);
  }

  /** Searches a vector database index with a text query (LLM_SEARCH_INDEX); hits in `output.result`. */
  searchIndex(name: string, options: SearchIndexOptions): Step<SearchOutput> {
    return searchIndex(this, name, options);
  }

  /** Stores an embedding vector in a vector database (LLM_STORE_EMBEDDINGS). */
  storeEmbeddings(name: string, options: StoreEmbeddingsOptions): Step<StoreOutput> {
    return storeEmbeddings(this, name, options);
  }

  /**
   * Searches a vector database index with an embedding vector (LLM_GET_EMBEDDINGS, which despite
   * its name returns the closest entries); hits in `output.result`.
   */
  getEmbeddings(name: string, options: GetEmbeddingsOptions): Step<SearchOutput> {
    return getEmbeddings(this, name, options);
  }

  /** Lists the tools of an MCP server over HTTP (LIST_MCP_TOOLS); `output.tools`. */
  listMcpTools(name: string, options: ListMcpToolsOptions): Step<ListToolsOutput> {
    return listMcpTools(this, name, options);
  }

  /**
   * Calls one tool of an MCP server over HTTP (CALL_MCP_TOOL): `method` is the tool name,
   * `arguments` its arguments. A tool error still completes the step: check `output.isError`.
   * A tool with effects may declare its undo with `.compensate()`.
   */
  callMcpTool<O extends z.ZodType = z.ZodUnknown>(
    name: string,
    options: CallMcpToolOptions<O>,
  ): CompensableStep<CallMcpToolInput, CallToolOutput<z.output<O>>> {
    return callMcpTool(this, name, options);
  }

  /**
   * Any Conductor task type, by its type name, with its input and raw WorkflowTask fields: the
   * way to reach a task type baton has no builder for.
   */
  task<O extends z.ZodType = z.ZodUnknown>(name: string, options: CustomTaskOptions<O>): Step<z.output<O>> {
    return customTask(this, name, options);
  }
}

/** The scope of a workflow body: a Scope plus the workflow's own input, variables and metadata. */
export class WorkflowScope<I, V = Record<string, unknown>> extends Scope<V> {
  /** The workflow's input, as `${workflow.input.…}`. */
  readonly input: Ref<I> = makeRef<I>({ kind: 'workflowInput' });
  /** The workflow variables, as `${workflow.variables.…}`. */
  readonly variables: Ref<V> = makeRef<V>({ kind: 'variables' });
  readonly workflowId: Ref<string> = makeRef<string>({ kind: 'workflowMeta', field: 'workflowId' });
  readonly correlationId: Ref<string | null> = makeRef<string | null>({ kind: 'workflowMeta', field: 'correlationId' });
  readonly workflowType: Ref<string> = makeRef<string>({ kind: 'workflowMeta', field: 'workflowType' });
  readonly workflowVersion: Ref<number> = makeRef<number>({ kind: 'workflowMeta', field: 'version' });
  readonly parentWorkflowId: Ref<string | null> = makeRef<string | null>({ kind: 'workflowMeta', field: 'parentWorkflowId' });
  /** The id of the task being executed, where a step needs its own task id. */
  readonly taskId: Ref<string> = makeRef<string>({ kind: 'taskId' });
}
