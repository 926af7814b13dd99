/**
 * The import plan: every workflow of the batch as a tree of steps, each with the form that
 * writes it, its position (which decides what it may reference, as compiler/passes/references.ts
 * does), and the declarations, modules and external workflows the source will need.
 */
import type { BlockMode } from '../ir/step.js';
import { type JsonObject, isObject, isTaskList } from './json.js';
import { Namer, moduleFileName } from './naming.js';
import { normalizeTaskDef } from './normalize.js';
import { planForm } from './forms/index.js';
import type { BatchView, ChildUse, DeclUse, Form } from './forms/types.js';

export interface Level {
  readonly owner: string | null;
  readonly block: number;
  readonly mode: BlockMode;
  readonly index: number;
}
export type Position = readonly Level[];

export interface PlannedStep {
  readonly task: JsonObject;
  readonly ref: string;
  readonly form: Form;
  readonly position: Position;
  readonly blocks: readonly (readonly PlannedStep[])[];
}

export interface Stats {
  typed: number;
  raw: number;
  escapeHatch: number;
  builders: number;
}

export interface WorkflowPlan {
  readonly key: string;
  readonly def: JsonObject;
  readonly source: string;
  readonly name: string;
  readonly version: number;
  readonly module: ModulePlan;
  /** An inline sub-workflow definition: a non-exported workflow in its parent's module. */
  readonly inline: boolean;
  readonly varName: string;
  steps: readonly PlannedStep[];
  readonly index: Map<string, PlannedStep>;
  /** Everything is written as raw expressions (the last fallback). */
  readonly untyped: boolean;
  /** What typed references read, collected while writing (see render.ts). */
  readonly inputKeys: Set<string>;
  readonly variableKeys: Set<string>;
  /** Output keys of this workflow read by its callers. */
  readonly outputReads: Set<string>;
  readonly handles: Map<string, string>;
  /** Tasks written as part of another step (a JOIN by its fork), by reference. */
  readonly consumed: Map<string, string>;
  /** Handles a fork branch returns, by fork reference and branch index. */
  readonly exports: Map<string, Map<number, Set<string>>>;
  readonly iterationParams: Map<string, string>;
  /** Steps whose output a typed reference reads below its top. */
  readonly outputRead: Set<string>;
  readonly stats: Stats;
}

export interface ModulePlan {
  /** File name without extension, relative to the output directory. */
  readonly file: string;
  readonly namer: Namer;
  main?: WorkflowPlan;
  readonly inlines: WorkflowPlan[];
  /** Names this module imports, by module specifier. */
  readonly imports: Map<string, Set<string>>;
  /** Workflows of other modules this module imports (their default export), by module specifier. */
  readonly defaultImports: Map<string, string>;
  /** The module's own workflow is called from within the module, so it needs a name. */
  selfReferenced: boolean;
}

export interface DeclPlan {
  readonly name: string;
  readonly varName: string;
  readonly inputKeys: Set<string>;
  readonly outputKeys: Set<string>;
  /** The registered definition, when the import found one (normalized). */
  readonly taskDef?: JsonObject;
  /** Write the definition entirely as `fields` (a fallback when options did not reproduce it). */
  readonly verbatim: boolean;
  used: boolean;
}

export interface ExternalPlan {
  readonly name: string;
  readonly version: number;
  readonly varName: string;
}

export interface ImportOptions {
  /** Task references to write with the escape hatch, by workflow key (`name@version`). */
  readonly escapeHatch?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Workflows (by key) to write without any typed reference. */
  readonly untyped?: ReadonlySet<string>;
  /** Task definitions (by name) to write entirely as `fields`. */
  readonly verbatimTaskDefs?: ReadonlySet<string>;
  /** File name of the task declarations module. */
  readonly tasksModule?: string;
  readonly externalModule?: string;
}

export interface Batch {
  readonly workflows: WorkflowPlan[];
  readonly modules: ModulePlan[];
  readonly decls: Map<string, DeclPlan>;
  readonly externals: Map<string, ExternalPlan>;
  readonly tasksModule: string;
  readonly externalModule: string;
}

/** Names every generated module may use besides its own: imports from 'baton' and the scopes. */
export const BUILTIN_NAMES = ['workflow', 'task', 'externalWorkflow', 'z', 'raw', 'str', 'js', 'secret', 'wf', 'b'];

export const workflowKey = (name: string, version: number) => `${name}@${version}`;

function versionOf(def: JsonObject): number {
  return typeof def.version === 'number' ? def.version : 1;
}

/** Every task of a list, nested ones included, not entering inline sub-workflow definitions. */
function* allTasks(tasks: unknown): Generator<JsonObject> {
  if (!isTaskList(tasks as never)) return;
  for (const task of tasks as JsonObject[]) {
    yield task;
    if (isObject(task.decisionCases ?? null)) for (const list of Object.values(task.decisionCases as JsonObject)) yield* allTasks(list);
    yield* allTasks(task.defaultCase);
    yield* allTasks(task.loopOver);
    if (Array.isArray(task.forkTasks)) for (const branch of task.forkTasks) yield* allTasks(branch);
  }
}

/** Every task including those of inline definitions, for batch-wide facts (declaration inputs). */
function* everyTask(tasks: unknown): Generator<JsonObject> {
  for (const task of allTasks(tasks)) {
    yield task;
    const inline = isObject(task.subWorkflowParam ?? null) ? (task.subWorkflowParam as JsonObject).workflowDefinition : undefined;
    if (isObject(inline ?? null)) yield* everyTask((inline as JsonObject).tasks);
  }
}

/**
 * Sub-workflow calls that close a circle of imported workflows: baton rejects such cycles, so
 * these calls are written with the escape hatch (by workflow key, the references of the calls).
 */
function cycleCalls(defs: readonly JsonObject[]): Map<string, Set<string>> {
  const names = new Set(defs.map((d) => String(d.name)));
  const calls = new Map<string, { ref: string; target: string; key: string }[]>();
  for (const def of defs) {
    const key = workflowKey(String(def.name), versionOf(def));
    const list = calls.get(String(def.name)) ?? [];
    for (const task of allTasks(def.tasks)) {
      const param = task.subWorkflowParam;
      if (task.type !== 'SUB_WORKFLOW' || !isObject(param ?? null)) continue;
      const p = param as JsonObject;
      if (p.workflowDefinition !== undefined || typeof p.name !== 'string' || !names.has(p.name)) continue;
      list.push({ ref: String(task.taskReferenceName), target: p.name, key });
    }
    calls.set(String(def.name), list);
  }
  const cut = new Map<string, Set<string>>();
  const state = new Map<string, 'open' | 'done'>();
  const visit = (name: string) => {
    state.set(name, 'open');
    for (const call of calls.get(name) ?? []) {
      const s = state.get(call.target);
      if (s === 'open') {
        const set = cut.get(call.key) ?? new Set<string>();
        set.add(call.ref);
        cut.set(call.key, set);
      } else if (s === undefined) {
        visit(call.target);
      }
    }
    state.set(name, 'done');
  };
  for (const name of [...names].sort()) if (!state.has(name)) visit(name);
  return cut;
}

export function planBatch(defs: readonly { definition: JsonObject; source: string }[], taskDefs: ReadonlyMap<string, JsonObject>, options: ImportOptions = {}): Batch {
  const global = new Namer(BUILTIN_NAMES);
  const tasksModule = options.tasksModule ?? 'tasks';
  const externalModule = options.externalModule ?? 'external';
  const batch: Batch = { workflows: [], modules: [], decls: new Map(), externals: new Map(), tasksModule, externalModule };
  const cut = cycleCalls(defs.map((d) => d.definition));
  const forced = (key: string): ReadonlySet<string> => {
    const own = options.escapeHatch?.get(key);
    const cycle = cut.get(key);
    return new Set([...(own ?? []), ...(cycle ?? [])]);
  };

  // Declarations: one per worker task name, with every input key any workflow passes.
  const declInputs = new Map<string, Set<string>>();
  for (const { definition } of defs) {
    for (const task of everyTask(definition.tasks)) {
      if ((task.type ?? 'SIMPLE') !== 'SIMPLE') continue;
      const keys = declInputs.get(String(task.name)) ?? new Set<string>();
      if (isObject(task.inputParameters ?? null)) for (const key of Object.keys(task.inputParameters as JsonObject)) keys.add(key);
      declInputs.set(String(task.name), keys);
    }
  }
  const declFor = (name: string): DeclPlan => {
    let decl = batch.decls.get(name);
    if (!decl) {
      const raw = taskDefs.get(name);
      const taskDef = raw ? normalizeTaskDef(raw) : undefined;
      const registered = (key: string) => (Array.isArray(taskDef?.[key]) ? (taskDef![key] as string[]) : []);
      decl = {
        name,
        varName: global.take(name, 'Task', 'task'),
        inputKeys: new Set([...registered('inputKeys'), ...(declInputs.get(name) ?? [])]),
        outputKeys: new Set(registered('outputKeys')),
        ...(taskDef !== undefined && { taskDef }),
        verbatim: options.verbatimTaskDefs?.has(name) ?? false,
        used: false,
      };
      batch.decls.set(name, decl);
    }
    return decl;
  };

  // Modules and variable names of the imported workflows, before any is planned (calls go both ways).
  const byKey = new Map<string, WorkflowPlan>();
  const latest = new Map<string, WorkflowPlan>();
  const versionsOf = new Map<string, number>();
  for (const { definition } of defs) versionsOf.set(String(definition.name), (versionsOf.get(String(definition.name)) ?? 0) + 1);
  const files = new Namer([tasksModule, externalModule]);
  const shells: { plan: WorkflowPlan; def: JsonObject }[] = [];
  for (const { definition, source } of defs) {
    const name = String(definition.name);
    const version = versionOf(definition);
    const several = (versionsOf.get(name) ?? 0) > 1;
    const fileBase = moduleFileName(several ? `${name}.v${version}` : name);
    // Compared without case: on macOS and Windows `Order.ts` and `order.ts` are the same file.
    let file = fileBase;
    for (let n = 2; files.has(file.toLowerCase()); n++) file = `${fileBase}_${n}`;
    files.reserve(file.toLowerCase());
    const module: ModulePlan = { file, namer: new Namer(), inlines: [], imports: new Map(), defaultImports: new Map(), selfReferenced: false };
    const plan = newPlan(definition, source, module, false, global.take(several ? `${name}_v${version}` : name, 'Workflow', 'workflow'), options);
    module.main = plan;
    batch.modules.push(module);
    batch.workflows.push(plan);
    byKey.set(plan.key, plan);
    const current = latest.get(name);
    if (!current || current.version < version) latest.set(name, plan);
    shells.push({ plan, def: definition });
  }

  const importName = (module: ModulePlan, specifier: string, name: string) => {
    const set = module.imports.get(specifier) ?? new Set<string>();
    set.add(name);
    module.imports.set(specifier, set);
  };

  const viewFor = (plan: WorkflowPlan): BatchView => ({
    useDecl(name): DeclUse {
      const decl = declFor(name);
      decl.used = true;
      importName(plan.module, `./${tasksModule}.js`, decl.varName);
      return { inputKeys: decl.inputKeys, readOutput: (key) => decl.outputKeys.add(key) };
    },
    useChild(name, version, inline): ChildUse | undefined {
      if (inline) {
        const child = newPlan(inline, plan.source, plan.module, true, plan.module.namer.take(`${name}_inline`, 'Workflow', 'workflow'), options);
        plan.module.inlines.push(child);
        child.steps = planSteps(child, inline.tasks, viewFor(child), new Set());
        return { varName: child.varName, readOutput: (key) => child.outputReads.add(key), declaredOutput: true, version: child.version, latest: false, inline: true };
      }
      const target = version === undefined ? latest.get(name) : byKey.get(workflowKey(name, version));
      if (target) {
        if (target.module !== plan.module) plan.module.defaultImports.set(`./${target.module.file}.js`, target.varName);
        else plan.module.selfReferenced = true;
        return { varName: target.varName, readOutput: (key) => target.outputReads.add(key), declaredOutput: true, version: target.version, latest: version === undefined, inline: false };
      }
      const key = `${name}@${version ?? 'latest'}`;
      let external = batch.externals.get(key);
      if (!external) {
        external = { name, version: version ?? 1, varName: global.take(version === undefined ? name : `${name}_v${version}`, 'Workflow', 'workflow') };
        batch.externals.set(key, external);
      }
      importName(plan.module, `./${externalModule}.js`, external.varName);
      return { varName: external.varName, readOutput: () => undefined, declaredOutput: false, version: external.version, latest: version === undefined, inline: false };
    },
  });

  for (const { plan, def } of shells) plan.steps = planSteps(plan, def.tasks, viewFor(plan), forced(plan.key));
  // Failure workflows must be known to the build: imported, or declared external.
  for (const plan of batch.workflows) {
    const failure = plan.def.failureWorkflow;
    if (typeof failure !== 'string' || failure === '' || latest.has(failure)) continue;
    const key = `${failure}@failure`;
    // Referred to by name; declaring it in the external module is what makes it known.
    if (!batch.externals.has(key)) batch.externals.set(key, { name: failure, version: 1, varName: global.take(failure, 'Workflow', 'workflow') });
  }
  // Every module may use any batch-wide name; its own names must not shadow them.
  for (const module of batch.modules) {
    for (const name of [...BUILTIN_NAMES, ...[...batch.decls.values()].map((d) => d.varName), ...batch.workflows.map((w) => w.varName), ...[...batch.externals.values()].map((e) => e.varName)]) {
      module.namer.reserve(name);
    }
  }
  return batch;
}

function newPlan(def: JsonObject, source: string, module: ModulePlan, inline: boolean, varName: string, options: ImportOptions): WorkflowPlan {
  const name = String(def.name);
  const version = versionOf(def);
  const key = workflowKey(name, version);
  return {
    key,
    def,
    source,
    name,
    version,
    module,
    inline,
    varName,
    steps: [],
    index: new Map(),
    untyped: options.untyped?.has(key) ?? false,
    inputKeys: new Set(),
    variableKeys: new Set(),
    outputReads: new Set(),
    handles: new Map(),
    consumed: new Map(),
    exports: new Map(),
    iterationParams: new Map(),
    outputRead: new Set(),
    stats: { typed: 0, raw: 0, escapeHatch: 0, builders: 0 },
  };
}

function planSteps(plan: WorkflowPlan, tasks: unknown, batch: BatchView, forced: ReadonlySet<string>): PlannedStep[] {
  const walk = (list: readonly JsonObject[], owner: string | null, block: number, mode: BlockMode, prefix: Position): PlannedStep[] => {
    const steps: PlannedStep[] = [];
    for (let i = 0; i < list.length; i++) {
      const task = list[i]!;
      const ref = String(task.taskReferenceName);
      const form = planForm(task, { next: list[i + 1], batch }, forced.has(ref) || plan.untyped);
      if (form.consumesNext) {
        i++;
        plan.consumed.set(String(list[i]!.taskReferenceName), ref);
      }
      const position: Position = [...prefix, { owner, block, mode, index: steps.length }];
      const blocks = form.blocks.map((b, bi) => walk(b.tasks, ref, bi, b.mode, position));
      const step: PlannedStep = { task, ref, form, position, blocks };
      if (!plan.index.has(ref)) plan.index.set(ref, step);
      if (form.builder === 'task') plan.stats.escapeHatch++;
      else plan.stats.builders++;
      steps.push(step);
    }
    return steps;
  };
  return walk(isTaskList(tasks as never) ? (tasks as JsonObject[]) : [], null, 0, 'always', []);
}
