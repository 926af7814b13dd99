/**
 * FORK_JOIN_DYNAMIC + JOIN: a typed for-each that runs its body once per element of a list, all
 * in parallel. Built by `wf.forEach(name, list, (item, b, index) => …)`; `step.output` is the
 * list of what the body returned, in list order.
 *
 * Lowering: a script step builds one forked task per element (the body's single task, or an
 * inline sub-workflow when the body has several steps), the dynamic fork runs them, the JOIN
 * waits, and a last script step gathers the outputs in list order.
 */
import type { Block, StepBase } from '../ir/step.js';
import type { RefValue, Value } from '../ir/value.js';
import { forEachRef } from '../ir/value.js';
import type { StepOptions } from '../dsl/options.js';
import { type Ref, type RefBase, makeRef } from '../dsl/ref.js';
import { type ScopeLike, begin, nested, record } from '../dsl/scope-kit.js';
import { type Step, isStep, makeStep } from '../dsl/step.js';
import type { Resolved } from '../dsl/input.js';
import type { Scope } from '../dsl/scope.js';
import { escapeText } from '../compiler/expressions.js';
import { ESCAPE_FN, MarkerTable, jsPath, splitSecretPlaceholders } from '../compiler/js-source.js';
import type { ConductorTask, LowerContext, TaskTypeModule } from './types.js';
import type { Json } from '../ir/value.js';
import { registryLookup } from './lookup.js';
import { firstSecretIn, reportSecret } from './embedded-secrets.js';

type ResultOf<R> = [R] extends [void | undefined] ? never : R extends Step<infer O> ? O : Resolved<R>;

export interface ForEachNode extends StepBase {
  readonly kind: 'forEach';
  readonly items: Value;
  readonly body: readonly StepBase[];
  readonly result?: Value;
}

export const tasksRef = (ref: string) => `${ref}_tasks`;
export const forkJoinRef = (ref: string) => `${ref}_join`;
export const resultsRef = (ref: string) => `${ref}_results`;

export function forEach<T, R>(
  scope: ScopeLike,
  name: string,
  items: RefBase<readonly T[] | null | undefined>,
  body: (item: Ref<T>, b: Scope, index: Ref<number>) => R,
  options?: StepOptions,
): Step<ResultOf<R>[]> {
  const r = begin(scope, name, options);
  for (const helper of [tasksRef, forkJoinRef, resultsRef]) r.recorder.reserve(helper(r.ref));
  const item = makeRef<T>({ kind: 'item', owner: r.ref });
  const index = makeRef<number>({ kind: 'index', owner: r.ref });
  const { steps, result } = nested(r, 'isolated', (s) => body(item, s as Scope, index));
  const resultValue =
    result === undefined ? undefined : isStep(result) ? r.value(result.output, 'for-each result') : r.value(result, 'for-each result');
  const node: ForEachNode = record(r, {
    kind: 'forEach',
    ref: r.ref,
    loc: r.loc,
    input: {},
    options: r.options,
    items: r.value(items, 'items'),
    body: steps,
    ...(resultValue !== undefined && { result: resultValue }),
  });
  return makeStep(node);
}

/** Refs inside the body that point outside it: they are handed to each element as context. */
function outerRefs(node: ForEachNode, inner: Set<string>): RefValue[] {
  const seen = new Map<string, RefValue>();
  const visit = (ref: RefValue) => {
    const t = ref.target;
    if (t.kind === 'alias') return;
    if ((t.kind === 'item' || t.kind === 'index') && t.owner === node.ref) return;
    if ((t.kind === 'stepOutput' || t.kind === 'stepInput' || t.kind === 'stepMeta') && inner.has(t.step)) return;
    if ((t.kind === 'item' || t.kind === 'index' || t.kind === 'iteration') && inner.has(t.owner)) return;
    // Written into each element's task as it is: the server resolves a secret where it is used,
    // whereas as context it would be resolved by the script and stored with every element.
    if (t.kind === 'taskId' || t.kind === 'secret') return;
    const key = JSON.stringify(ref);
    if (!seen.has(key)) seen.set(key, ref);
  };
  const walk = (steps: readonly StepBase[]) => {
    for (const step of steps) {
      for (const v of registryLookup().valuesOf(step)) forEachRef(v.value, visit);
      for (const b of registryLookup().blocksOf(step)) walk(b.steps);
    }
  };
  walk(node.body);
  if (node.result) forEachRef(node.result, visit);
  return [...seen.values()];
}

/** A body of one task without nested blocks is forked as that task; any other runs as a child workflow. */
function isSingleTask(node: ForEachNode): boolean {
  return node.body.length === 1 && registryLookup().blocksOf(node.body[0]!).length === 0;
}

function innerRefs(steps: readonly StepBase[], into = new Set<string>()): Set<string> {
  for (const step of steps) {
    into.add(step.ref);
    for (const b of registryLookup().blocksOf(step)) innerRefs(b.steps, into);
  }
  return into;
}

const sameRef = (a: RefValue, b: RefValue) => JSON.stringify(a) === JSON.stringify(b);

function lowerForEach(node: ForEachNode, ctx: LowerContext): ConductorTask[] {
  const inner = innerRefs(node.body);
  const outer = outerRefs(node, inner);
  const contextParams: Record<string, Json> = {};
  outer.forEach((ref, i) => {
    contextParams[`c${i}`] = ctx.value(ref);
  });
  const contextIndex = (ref: RefValue) => outer.findIndex((o) => sameRef(o, ref));
  const single = isSingleTask(node);
  const markers = new MarkerTable();
  let forkTask: ConductorTask;
  let resultJs: (outputExpr: string) => string;

  if (single) {
    const step = node.body[0]!;
    // Every reference in the single task is computed per element by the script.
    const perItem = ctx.withRefs((ref) => {
      const t = ref.target;
      if (t.kind === 'item' && t.owner === node.ref) return markers.mark(`esc(${jsPath('item', ref.path)})`);
      if (t.kind === 'index' && t.owner === node.ref) return markers.mark('i');
      const c = contextIndex(ref);
      return c >= 0 ? markers.mark(`esc(${jsPath(`$.context.c${c}`, [])})`) : undefined;
    });
    const [task] = perItem.block([step]);
    forkTask = task!;
    const out = registryLookup().outputRefOf(step);
    resultJs = (o) => {
      if (!node.result) return 'null';
      return ctx.js(node.result, {
        ref: (ref) => {
          const t = ref.target;
          if (t.kind === 'stepOutput' && t.step === step.ref) return jsPath(o, [...out.prefix, ...ref.path]);
          if (t.kind === 'item' && t.owner === node.ref) return jsPath('item', ref.path);
          if (t.kind === 'index' && t.owner === node.ref) return 'i';
          const c = contextIndex(ref);
          return c >= 0 ? jsPath(`$.context.c${c}`, ref.path) : undefined;
        },
      });
    };
  } else {
    const inside = ctx.withRefs((ref) => {
      const t = ref.target;
      if (t.kind === 'item' && t.owner === node.ref) return `\${workflow.input.item${pathText(ref.path)}}`;
      if (t.kind === 'index' && t.owner === node.ref) return '${workflow.input.index}';
      const c = contextIndex(ref);
      return c >= 0 ? `\${workflow.input.context.c${c}}` : undefined;
    });
    const definition = inside.subWorkflowDef(`${ctx.workflow.name}_${node.ref}`, node.body, node.result);
    forkTask = {
      name: `${ctx.workflow.name}_${node.ref}`,
      taskReferenceName: node.ref,
      type: 'SUB_WORKFLOW',
      inputParameters: { item: markers.mark('esc(item)'), index: markers.mark('i'), context: markers.mark('esc($.context)') },
      subWorkflowParam: { name: `${ctx.workflow.name}_${node.ref}`, version: 1, workflowDefinition: definition },
    };
    // A SUB_WORKFLOW task's output is the child's output plus the `subWorkflowId` Conductor
    // adds to it (seen on 3.32.3), so gathering it whole gave `{ result, subWorkflowId }` per
    // element. The element is what the body returned: its fields, or the value subWorkflowDef
    // wrapped in `result` when it is not an object.
    resultJs = (o) => {
      const result = node.result;
      if (!result) return 'null';
      if (result.kind !== 'object') return jsPath(o, ['result']);
      return `{${Object.keys(result.fields).map((k) => `${JSON.stringify(k)}: ${jsPath(o, [k])}`).join(', ')}}`;
    };
  }

  const template = splitSecretPlaceholders(markers.toJs({ ...forkTask, taskReferenceName: '\uE001' } as Json)).replace(
    JSON.stringify('\uE001'),
    `'${node.ref}_' + i`,
  );
  const build =
    `(function () { ${ESCAPE_FN} var items = $.items == null ? [] : $.items; var tasks = []; var inputs = {}; ` +
    `for (var i = 0; i < items.length; i++) { var item = items[i]; var t = ${template}; ` +
    `tasks.push(t); inputs[t.taskReferenceName] = {}; } return { tasks: tasks, inputs: inputs }; })()`;
  const gather =
    `(function () { var items = $.items == null ? [] : $.items; var out = []; ` +
    `for (var i = 0; i < items.length; i++) { var item = items[i]; var o = $.joined == null ? null : $.joined['${node.ref}_' + i]; ` +
    `out.push(${resultJs('o')}); } return out; })()`;
  const items = ctx.value(node.items);
  return [
    ctx.helper(tasksRef(node.ref), 'INLINE', {
      inputParameters: { items, context: contextParams, evaluatorType: 'graaljs', expression: escapeText(build) },
    }),
    ctx.task(node, node.ref, 'FORK_JOIN_DYNAMIC', {
      inputParameters: {
        dynamicTasks: `\${${tasksRef(node.ref)}.output.result.tasks}`,
        dynamicTasksInput: `\${${tasksRef(node.ref)}.output.result.inputs}`,
      },
      dynamicForkTasksParam: 'dynamicTasks',
      dynamicForkTasksInputParamName: 'dynamicTasksInput',
    }),
    ctx.helper(forkJoinRef(node.ref), 'JOIN', { inputParameters: {}, joinOn: [] }),
    ctx.helper(resultsRef(node.ref), 'INLINE', {
      inputParameters: {
        items,
        joined: `\${${forkJoinRef(node.ref)}.output}`,
        context: contextParams,
        evaluatorType: 'graaljs',
        expression: escapeText(gather),
      },
    }),
  ];
}

function pathText(path: readonly (string | number)[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
}

export const forEachType: TaskTypeModule<ForEachNode> = {
  kind: 'forEach',
  conductorTypes: ['FORK_JOIN_DYNAMIC', 'JOIN'],
  execution: 'control',
  blocks: (node): Block[] => [{ label: 'for-each body', mode: 'isolated', steps: node.body }],
  extraValues(node) {
    const values = [{ label: 'items', value: node.items, placement: { at: 'step' as const } }];
    if (node.result) values.push({ label: 'for-each result', value: node.result, placement: { at: 'endOfBlock', block: 0 } as never });
    return values;
  },
  check(node, ctx) {
    if (node.body.length === 0) {
      ctx.report(node.loc, 'for-each-empty', `for-each '${node.ref}' has an empty body`, 'add the step to run for every element');
    }
    const secret = isSingleTask(node) ? undefined : firstSecretIn(node.body);
    if (secret !== undefined) {
      reportSecret(
        ctx,
        node.loc,
        'secret-in-inline-definition',
        `for-each '${node.ref}' reads secret '${secret}' in a body of several steps, which runs as a child workflow whose definition Conductor would store with the secret's value in it`,
        'move the body into a workflow of its own and make b.subWorkflow(thatWorkflow, …) the for-each’s one step, or read the secret in a body of one step',
      );
    }
    if (node.items.kind === 'literal' || node.items.kind === 'template') {
      ctx.report(node.loc, 'for-each-items', `for-each '${node.ref}' walks over ${node.items.kind === 'literal' ? JSON.stringify(node.items.value) : 'a string'}`, 'pass a reference to a list');
    }
  },
  outputRef: (node) => ({ ref: resultsRef(node.ref), prefix: ['result'] }),
  lower: lowerForEach,
};

