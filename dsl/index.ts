/**
 * baton's authoring API: what workflow files import from 'baton'.
 */
export { z } from 'zod';
export { task, type TaskDecl, type TaskOptions } from './task.js';
export {
  workflow,
  externalWorkflow,
  isWorkflow,
  type Workflow,
  type AnyWorkflow,
  type WorkflowOptions,
  type ScheduleOptions,
  type ExampleOptions,
  type ToolOptions,
} from './workflow.js';
export { Scope, WorkflowScope } from './scope.js';
export { str } from './template.js';
export { when, js, type Expr } from './expr.js';
export { cast, isRef, type Ref, type RefBase } from './ref.js';
export { raw } from './raw.js';
export { secret } from './secret.js';
export type { In, Resolved } from './input.js';
export type { Step, CompensableStep, TaskStatus } from './step.js';
export type { StepOptions, PolicyOptions } from './options.js';
export type { HttpMethod, HttpResponse, HttpRequest } from '../tasktypes/http.js';
export type { JqOutput } from '../tasktypes/jq.js';
export type { StartWorkflowOutput } from '../tasktypes/start-workflow.js';
export type { EventOutput, EventSink } from '../tasktypes/event.js';
export type { KafkaKeySerializer } from '../tasktypes/kafka-publish.js';
export type { LlmProvider } from '../tasktypes/ai-task.js';
export type { LlmResponse, ToolCall } from '../tasktypes/llm-text-complete.js';
export type { ChatMessage, ChatRole, ToolSpec } from '../tasktypes/llm-chat-complete.js';
export type { IndexedDoc } from '../tasktypes/vector-db.js';
export type { ListToolsOutput } from '../tasktypes/mcp-list-tools.js';
export type { CallToolOutput, McpContent } from '../tasktypes/mcp-call-tool.js';
export { defineConfig, type BatonConfig, type PolicyConfig } from '../compiler/config-types.js';
