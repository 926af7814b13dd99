/**
 * The table of task types: one entry per module in this folder. Compiler passes look a node's
 * module up here by its `kind`; adding a task type means adding its module and one line below.
 */
import type { Block, StepBase } from '../ir/step.js';
import { customType } from './custom.js';
import { dynamicType } from './dynamic.js';
import { eventType } from './event.js';
import { exclusiveJoinType } from './exclusive-join.js';
import { humanType } from './human.js';
import { jqType } from './jq.js';
import { kafkaPublishType } from './kafka-publish.js';
import { llmChatCompleteType } from './llm-chat-complete.js';
import { llmGenerateEmbeddingsType } from './llm-generate-embeddings.js';
import { llmGetEmbeddingsType } from './llm-get-embeddings.js';
import { llmIndexTextType } from './llm-index-text.js';
import { llmSearchIndexType } from './llm-search-index.js';
import { llmStoreEmbeddingsType } from './llm-store-embeddings.js';
import { llmTextCompleteType } from './llm-text-complete.js';
import { callMcpToolType } from './mcp-call-tool.js';
import { listMcpToolsType } from './mcp-list-tools.js';
import { noopType } from './noop.js';
import { startWorkflowType } from './start-workflow.js';
import { forEachType } from './for-each.js';
import { forkType } from './fork.js';
import { httpType } from './http.js';
import { inlineType } from './inline.js';
import { setRegistryLookup } from './lookup.js';
import { loopType } from './loop.js';
import { setVariableType } from './set-variable.js';
import { simpleType } from './simple.js';
import { subWorkflowType } from './sub-workflow.js';
import { switchType } from './switch.js';
import { terminateType } from './terminate.js';
import type { Execution, PlacedValue, TaskTypeModule } from './types.js';
import { waitType } from './wait.js';

const modules = [
  simpleType,
  httpType,
  inlineType,
  switchType,
  forkType,
  forEachType,
  loopType,
  subWorkflowType,
  waitType,
  terminateType,
  setVariableType,
  jqType,
  startWorkflowType,
  dynamicType,
  humanType,
  eventType,
  kafkaPublishType,
  noopType,
  exclusiveJoinType,
  llmTextCompleteType,
  llmChatCompleteType,
  llmGenerateEmbeddingsType,
  llmIndexTextType,
  llmSearchIndexType,
  llmStoreEmbeddingsType,
  llmGetEmbeddingsType,
  listMcpToolsType,
  callMcpToolType,
  customType,
] as const;

const byKind = new Map<string, TaskTypeModule>(modules.map((m) => [m.kind, m as unknown as TaskTypeModule]));

export function taskTypes(): readonly TaskTypeModule[] {
  return [...byKind.values()];
}

export function moduleOf(step: StepBase): TaskTypeModule {
  const found = byKind.get(step.kind);
  if (!found) throw new Error(`no task type module for step kind '${step.kind}' (step '${step.ref}')`);
  return found;
}

export function blocksOf(step: StepBase): readonly Block[] {
  return moduleOf(step).blocks?.(step) ?? [];
}

/** The step's input parameters and every other value it holds, with where each is evaluated. */
export function valuesOf(step: StepBase): readonly PlacedValue[] {
  const own: PlacedValue[] = Object.entries(step.input).map(([label, value]) => ({ label, value, placement: { at: 'step' } }));
  const extra = moduleOf(step).extraValues?.(step) ?? [];
  const cache = step.options.cache ? [{ label: 'cache key', value: step.options.cache.key, placement: { at: 'step' } as const }] : [];
  return [...own, ...extra, ...cache];
}

export function outputRefOf(step: StepBase) {
  return moduleOf(step).outputRef?.(step) ?? { ref: step.ref, prefix: [] };
}

export function executionOf(step: StepBase): Execution {
  const e = moduleOf(step).execution;
  return typeof e === 'function' ? e(step) : e;
}

/** Calls `visit` for every step of a list and of all nested blocks, depth first, in order. */
export function walkSteps(steps: readonly StepBase[], visit: (step: StepBase, parents: readonly StepBase[]) => void, parents: readonly StepBase[] = []): void {
  for (const step of steps) {
    visit(step, parents);
    for (const block of blocksOf(step)) walkSteps(block.steps, visit, [...parents, step]);
  }
}

setRegistryLookup({ moduleOf, valuesOf, blocksOf, outputRefOf });
