/**
 * The table of forms: which planner tries a task of each Conductor type. A type missing here,
 * or a task its planner declines, is written with the escape hatch.
 */
import type { JsonObject } from '../json.js';
import { planAiTask } from './ai.js';
import { planNoop, planJq, planSetVariable, planTerminate, planWait } from './control.js';
import { planCustom } from './custom.js';
import { planHttp } from './http.js';
import { planInline } from './inline.js';
import { planLoop } from './loop.js';
import { planParallel } from './parallel.js';
import { planSubWorkflow } from './sub-workflow.js';
import { planSwitch } from './switch.js';
import { planDynamic, planEvent, planHuman, planKafkaPublish, planStartWorkflow } from './system.js';
import type { Form, FormContext, Planner } from './types.js';
import { planWorker } from './worker.js';

const PLANNERS: Readonly<Record<string, Planner>> = {
  SIMPLE: planWorker,
  HTTP: planHttp,
  INLINE: planInline,
  SWITCH: planSwitch,
  FORK_JOIN: planParallel,
  DO_WHILE: planLoop,
  SUB_WORKFLOW: planSubWorkflow,
  WAIT: planWait,
  TERMINATE: planTerminate,
  SET_VARIABLE: planSetVariable,
  NOOP: planNoop,
  JSON_JQ_TRANSFORM: planJq,
  HUMAN: planHuman,
  EVENT: planEvent,
  KAFKA_PUBLISH: planKafkaPublish,
  START_WORKFLOW: planStartWorkflow,
  DYNAMIC: planDynamic,
  LLM_TEXT_COMPLETE: planAiTask,
  LLM_CHAT_COMPLETE: planAiTask,
  LLM_GENERATE_EMBEDDINGS: planAiTask,
  LLM_INDEX_TEXT: planAiTask,
  LLM_SEARCH_INDEX: planAiTask,
  LLM_STORE_EMBEDDINGS: planAiTask,
  LLM_GET_EMBEDDINGS: planAiTask,
  LIST_MCP_TOOLS: planAiTask,
  CALL_MCP_TOOL: planAiTask,
};

/** The form for a task: its builder when that writes it exactly, else the escape hatch. */
export function planForm(task: JsonObject, ctx: FormContext, escapeHatch: boolean): Form {
  const planner = escapeHatch ? undefined : PLANNERS[String(task.type)];
  return planner?.(task, ctx) ?? planCustom(task);
}
