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

const NO_BLOCKS: readonly Block[] = Object.freeze([]);

/**
 * A finished (frozen) node's blocks never change, and every pass walks them, several times per
 * workflow: they are made once per node.
 */
const blocksByStep = new WeakMap<StepBase, readonly Block[]>();

export function blocksOf(step: StepBase): readonly Block[] {
  const blocks = moduleOf(step).blocks;
  if (!blocks) return NO_BLOCKS;
  let found = blocksByStep.get(step);
  if (!found) {
    found = blocks(step);
    if (Object.isFrozen(step)) blocksByStep.set(step, Object.freeze(found));
  }
  return found;
}

const AT_STEP = Object.freeze({ at: 'step' } as const);

/** The step's input parameters and every other value it holds, with where each is evaluated. */
export function valuesOf(step: StepBase): readonly PlacedValue[] {
  const list: PlacedValue[] = [];
  const labels = Object.keys(step.input);
  for (let i = 0; i < labels.length; i++) list.push({ label: labels[i]!, value: step.input[labels[i]!]!, placement: AT_STEP });
  const extra = moduleOf(step).extraValues?.(step);
  if (extra) for (let i = 0; i < extra.length; i++) list.push(extra[i]!);
  if (step.options.cache) list.push({ label: 'cache key', value: step.options.cache.key, placement: AT_STEP });
  return list;
}

export function outputRefOf(step: StepBase) {
  return moduleOf(step).outputRef?.(step) ?? { ref: step.ref, prefix: [] };
}

export function executionOf(step: StepBase): Execution {
  const e = moduleOf(step).execution;
  return typeof e === 'function' ? e(step) : e;
}

interface Visited {
  readonly step: StepBase;
  readonly parents: readonly StepBase[];
}

/** Every step of a finished (frozen) list with its parents, in walking order, made once. */
const flattened = new WeakMap<readonly StepBase[], readonly Visited[]>();

function flatten(steps: readonly StepBase[], parents: readonly StepBase[], into: Visited[]): Visited[] {
  for (const step of steps) {
    into.push({ step, parents });
    const blocks = blocksOf(step);
    if (blocks.length === 0) continue;
    const inner = [...parents, step];
    for (const block of blocks) flatten(block.steps, inner, into);
  }
  return into;
}

/** Calls `visit` for every step of a list and of all nested blocks, depth first, in order. */
export function walkSteps(steps: readonly StepBase[], visit: (step: StepBase, parents: readonly StepBase[]) => void, parents: readonly StepBase[] = []): void {
  let list = parents.length === 0 ? flattened.get(steps) : undefined;
  if (!list) {
    list = flatten(steps, parents, []);
    if (parents.length === 0 && Object.isFrozen(steps)) flattened.set(steps, list);
  }
  for (let i = 0; i < list.length; i++) visit(list[i]!.step, list[i]!.parents);
}

setRegistryLookup({ moduleOf, valuesOf, blocksOf, outputRefOf });
