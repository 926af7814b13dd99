/**
 * Lowering: IR → Conductor JSON. A generic walk that asks each step's task type module to lower
 * it, turning references into `${…}` expressions and attaching explicit retry/timeout settings.
 */
import type { PolicyOverrides, TaskPolicy } from '../../ir/policy.js';
import { TASK_POLICY_KEYS } from '../../ir/policy.js';
import type { SourceLoc } from '../../ir/source.js';
import type { StepBase } from '../../ir/step.js';
import type { TaskDeclIR } from '../../ir/task-decl.js';
import type { Json, PathSegment, RefValue, Value } from '../../ir/value.js';
import type { WorkflowIR } from '../../ir/workflow.js';
import { executionOf, moduleOf, outputRefOf, walkSteps } from '../../tasktypes/registry.js';
import type { ConductorTask, JsEnv, LowerContext } from '../../tasktypes/types.js';
import { CONDUCTOR_TASK_POLICY } from '../conductor-defaults.js';
import { escapeText, formatPath, unsafeSegment } from '../expressions.js';
import { jsPath } from '../js-source.js';
import { type PolicyTable, type ResolvedPolicy, profileOf, resolvePolicy } from '../policy.js';
import { inputTemplate, topLevelKeys } from '../schema-info.js';

export type ConductorJson = { [key: string]: Json };

export interface LowerOptions {
  readonly policy: PolicyTable;
  readonly ownerEmail?: string;
  /** Reports a problem found while lowering (an alias path that leads nowhere, say). */
  readonly report: (loc: SourceLoc, code: string, message: string, hint?: string) => void;
}

const indexes = new WeakMap<readonly StepBase[], ReadonlyMap<string, StepBase>>();

/** Every step of a workflow by reference, nested ones included (made once per finished list). */
export function indexSteps(steps: readonly StepBase[]): ReadonlyMap<string, StepBase> {
  const index = indexes.get(steps);
  if (index) return index;
  const made = new Map<string, StepBase>();
  walkSteps(steps, (step) => {
    if (!made.has(step.ref)) made.set(step.ref, step);
  });
  if (Object.isFrozen(steps)) indexes.set(steps, made);
  return made;
}

type LayerTrie = { resolved?: ResolvedPolicy; next?: Map<PolicyOverrides | undefined, LayerTrie> };

/**
 * Resolved policies by table and layers. Thousands of steps share a few combinations of layers
 * (a declaration's policy, a profile, no step options), and layers are frozen IR data, so each
 * combination is resolved once. Keyed by the table first: a new configuration starts afresh.
 */
const resolvedByLayers = new WeakMap<PolicyTable, Map<number, LayerTrie>>();

function resolveOnce(table: PolicyTable, layers: readonly (PolicyOverrides | undefined)[]): ResolvedPolicy {
  let byLength = resolvedByLayers.get(table);
  if (!byLength) resolvedByLayers.set(table, (byLength = new Map()));
  let node: LayerTrie | undefined = byLength.get(layers.length);
  if (!node) byLength.set(layers.length, (node = {}));
  for (const layer of layers) {
    const next: Map<PolicyOverrides | undefined, LayerTrie> = (node.next ??= new Map());
    let child: LayerTrie | undefined = next.get(layer);
    if (!child) next.set(layer, (child = {}));
    node = child;
  }
  if (!node.resolved) {
    const { policy, conflicts } = resolvePolicy(table, layers);
    node.resolved = { policy, conflicts: Object.freeze(conflicts) };
  }
  return node.resolved;
}

/** The table a workflow that preserves its settings is judged by: the server's defaults. */
const preservedTables = new WeakMap<PolicyTable, PolicyTable>();

function preservedTable(table: PolicyTable): PolicyTable {
  let preserved = preservedTables.get(table);
  if (!preserved) preservedTables.set(table, (preserved = { ...table, defaults: CONDUCTOR_TASK_POLICY }));
  return preserved;
}

/** The resolved policy of a SIMPLE task's registered definition. */
export function declPolicy(table: PolicyTable, decl: TaskDeclIR): ResolvedPolicy {
  return resolveOnce(table, [profileOf(table, decl.profile), decl.policy]);
}

/** The settings written explicitly, in TaskDef order, without any default filled in. */
function explicitPolicy(policy: PolicyOverrides | undefined): ConductorJson {
  const out: ConductorJson = {};
  for (const key of TASK_POLICY_KEYS) if (policy?.[key] !== undefined) out[key] = policy[key];
  return out;
}

/** The resolved policy of one step, from least to most specific layer. */
export function stepPolicy(table: PolicyTable, workflow: WorkflowIR, step: StepBase): ResolvedPolicy {
  // Preserved settings run with the server's own defaults, so they are judged against those.
  if (workflow.preserveSettings) return resolveOnce(preservedTable(table), [step.options.policy]);
  const decl = (step as { task?: TaskDeclIR }).task;
  const typeProfile = decl?.profile ?? moduleOf(step).defaultProfile;
  return resolveOnce(table, [
    profileOf(table, workflow.profile),
    workflow.policy,
    profileOf(table, typeProfile),
    decl?.policy,
    profileOf(table, step.options.profile),
    step.options.policy,
  ]);
}

/**
 * The registered TaskDef of a worker task declaration: baton's resolved policy, or, for a
 * declaration that preserves its settings, exactly what it says.
 */
export function declTaskDefJson(table: PolicyTable, decl: TaskDeclIR, extra: { description?: string; ownerEmail?: string } = {}): ConductorJson {
  const inputKeys = topLevelKeys(decl.input);
  const outputKeys = topLevelKeys(decl.output);
  if (!decl.preserveSettings) return taskDefJson(decl.name, declPolicy(table, decl).policy, { ...extra, inputKeys, outputKeys });
  const json: ConductorJson = { name: decl.name };
  if (extra.description) json.description = extra.description;
  Object.assign(json, explicitPolicy(decl.policy), { inputKeys, outputKeys });
  if (decl.ownerEmail) json.ownerEmail = decl.ownerEmail;
  if (decl.fields) Object.assign(json, decl.fields);
  return json;
}

export function taskDefJson(name: string, policy: TaskPolicy, extra: { description?: string; ownerEmail?: string; inputKeys?: string[]; outputKeys?: string[] } = {}): ConductorJson {
  const json: ConductorJson = { name };
  if (extra.description) json.description = extra.description;
  Object.assign(json, {
    retryCount: policy.retryCount,
    retryLogic: policy.retryLogic,
    retryDelaySeconds: policy.retryDelaySeconds,
    backoffScaleFactor: policy.backoffScaleFactor,
    maxRetryDelaySeconds: policy.maxRetryDelaySeconds,
    backoffJitterMs: policy.backoffJitterMs,
    timeoutSeconds: policy.timeoutSeconds,
    responseTimeoutSeconds: policy.responseTimeoutSeconds,
    totalTimeoutSeconds: policy.totalTimeoutSeconds,
    timeoutPolicy: policy.timeoutPolicy,
    pollTimeoutSeconds: policy.pollTimeoutSeconds,
    rateLimitPerFrequency: policy.rateLimitPerFrequency,
    rateLimitFrequencyInSeconds: policy.rateLimitFrequencyInSeconds,
    concurrentExecLimit: policy.concurrentExecLimit,
  });
  if (extra.inputKeys) json.inputKeys = extra.inputKeys;
  if (extra.outputKeys) json.outputKeys = extra.outputKeys;
  if (extra.ownerEmail) json.ownerEmail = extra.ownerEmail;
  return json;
}

/** Whether two resolved policies serialise alike (field by field first: they mostly agree). */
function samePolicy(a: TaskPolicy, b: TaskPolicy): boolean {
  if (a === b || TASK_POLICY_KEYS.every((key) => a[key] === b[key])) return true;
  return JSON.stringify(a) === JSON.stringify(b);
}

type RefOverride = (ref: RefValue) => string | undefined;

class Lowering implements LowerContext {
  constructor(
    readonly workflow: WorkflowIR,
    private readonly steps: ReadonlyMap<string, StepBase>,
    private readonly options: LowerOptions,
    private readonly override?: RefOverride,
  ) {}

  /** The step being lowered, so problems found while lowering point at the author's line. */
  private current: SourceLoc | undefined;

  private here(): SourceLoc {
    return this.current ?? this.workflow.loc;
  }

  report(loc: SourceLoc, code: string, message: string, hint?: string): void {
    this.options.report(loc, code, message, hint);
  }

  withRefs(override: RefOverride): LowerContext {
    const outer = this.override;
    const derived = new Lowering(this.workflow, this.steps, this.options, (ref) => override(ref) ?? outer?.(ref));
    derived.current = this.current;
    return derived;
  }

  /** Follows an alias (a value read from a loop's result) down the path. */
  private resolveAlias(ref: RefValue): Value | undefined {
    if (ref.target.kind !== 'alias') return ref;
    let value: Value = ref.target.value;
    const path = [...ref.path];
    while (path.length > 0) {
      const segment = path[0]!;
      if (value.kind === 'object' && typeof segment === 'string' && segment in value.fields) {
        value = value.fields[segment]!;
        path.shift();
      } else if (value.kind === 'array' && typeof segment === 'number' && segment < value.items.length) {
        value = value.items[segment]!;
        path.shift();
      } else if (value.kind === 'ref') {
        const extended: RefValue = { kind: 'ref', target: value.target, path: [...value.path, ...path] };
        return this.resolveAlias(extended);
      } else {
        return undefined;
      }
    }
    return value.kind === 'ref' ? this.resolveAlias(value) : value;
  }

  /** The `${…}` text of a plain reference (not an alias). */
  refText(ref: RefValue): string {
    const custom = this.override?.(ref);
    if (custom !== undefined) return custom;
    const t = ref.target;
    const path = ref.path;
    const unsafe = unsafeSegment(path);
    if (unsafe !== undefined) {
      this.report(this.here(), 'ref-unsafe-key', `the field name '${unsafe}' contains a brace, which ends a Conductor \${…} expression early`, 'rename the field, or read it in an inline step');
    }
    switch (t.kind) {
      case 'workflowInput':
        return `\${workflow.input${formatPath(path)}}`;
      case 'variables':
        return `\${workflow.variables${formatPath(path)}}`;
      case 'workflowMeta':
        return `\${workflow.${t.field}${formatPath(path)}}`;
      case 'secret':
        return `\${workflow.secrets.${t.name}}`;
      case 'stepOutput': {
        const step = this.steps.get(t.step);
        const out = step ? outputRefOf(step) : { ref: t.step, prefix: [] };
        return `\${${out.ref}.output${formatPath(out.prefix)}${formatPath(path)}}`;
      }
      case 'stepInput':
        return `\${${t.step}.input${formatPath(path)}}`;
      case 'stepMeta':
        return `\${${t.step}.${t.field}${formatPath(path)}}`;
      case 'iteration':
        return `\${${t.owner}.output.iteration}`;
      case 'item':
      case 'index': {
        const owner = this.steps.get(t.owner);
        const at = owner ? moduleOf(owner).itemRef?.(owner, t.kind) : undefined;
        if (!at) return 'null';
        const suffix: PathSegment[] = t.kind === 'item' ? [...path] : [];
        return `\${${at.ref}.output${formatPath([...at.prefix, ...suffix])}}`;
      }
      case 'taskId':
        return '${CPEWF_TASK_ID}';
      case 'alias':
        throw new Error('aliases are resolved before their text is taken');
    }
  }

  value(value: Value): Json {
    switch (value.kind) {
      case 'literal':
        return typeof value.value === 'string' ? escapeText(value.value) : value.value;
      case 'raw':
        return value.text;
      case 'object': {
        const out: { [key: string]: Json } = {};
        const keys = Object.keys(value.fields);
        for (let i = 0; i < keys.length; i++) out[keys[i]!] = this.value(value.fields[keys[i]!]!);
        return out;
      }
      case 'array':
        return value.items.map((v) => this.value(v));
      case 'template': {
        let text = '';
        for (const part of value.parts) {
          if (typeof part === 'string') {
            text += escapeText(part);
            continue;
          }
          const resolved = this.resolveAlias(part);
          if (resolved?.kind === 'ref') {
            // Conductor reads `$${` as a literal `${`: a `$` right before a reference would
            // swallow it, and there is no way to escape that `$`.
            if (text.endsWith('$')) {
              this.report(this.here(), 'template-dollar', 'a string template has a `$` right before a reference, which Conductor would read as a literal `${`', 'put a character between the `$` and the reference, or build the string in an inline step');
            }
            text += this.refText(resolved);
          } else if (resolved?.kind === 'literal') {
            text += escapeText(String(resolved.value));
          } else {
            this.report(this.here(), 'template-value', 'a string template interpolates a loop result that is not a single value', 'interpolate a single field of the result');
          }
        }
        return text;
      }
      case 'ref': {
        if (value.target.kind === 'alias') {
          const resolved = this.resolveAlias(value);
          if (!resolved) {
            this.report(this.here(), 'alias-path', `a loop result has no field ${formatPath(value.path).slice(1) || '(root)'}`);
            return null;
          }
          return this.value(resolved);
        }
        return this.refText(value);
      }
    }
  }

  values(values: Readonly<Record<string, Value>>): { [key: string]: Json } {
    const out: { [key: string]: Json } = {};
    const keys = Object.keys(values);
    for (let i = 0; i < keys.length; i++) out[keys[i]!] = this.value(values[keys[i]!]!);
    return out;
  }

  block(steps: readonly StepBase[]): ConductorTask[] {
    const tasks: ConductorTask[] = [];
    const outer = this.current;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      this.current = step.loc;
      const lowered = moduleOf(step).lower(step, this);
      for (let j = 0; j < lowered.length; j++) tasks.push(lowered[j]!);
    }
    this.current = outer;
    return tasks;
  }

  policy(node: StepBase): TaskPolicy {
    return stepPolicy(this.options.policy, this.workflow, node).policy;
  }

  task(node: StepBase, name: string, type: string, fields: ConductorTask): ConductorTask {
    const o = node.options;
    const taskName = o.conductorName ?? name;
    const task: ConductorTask = { name: taskName, taskReferenceName: node.ref, type };
    if (node.options.description) task.description = node.options.description;
    Object.assign(task, fields);
    if (o.optional) task.optional = true;
    if (o.permissive) task.permissive = true;
    if (o.startDelaySeconds) task.startDelay = o.startDelaySeconds;
    if (o.asyncComplete) task.asyncComplete = true;
    if (o.rateLimited) task.rateLimited = true;
    if (o.cache) task.cacheConfig = { key: this.value(o.cache.key), ttlInSecond: o.cache.ttlSeconds };
    const execution = executionOf(node);
    if (this.workflow.preserveSettings) {
      // Only what the step says; the server's defaults fill the rest, as they did before import.
      const own = explicitPolicy(o.policy);
      if (Object.keys(own).length > 0) task.taskDefinition = { name: taskName, ...own };
    } else if (execution === 'system') {
      task.taskDefinition = taskDefJson(taskName, this.policy(node), this.ownerEmail());
    } else if (execution === 'worker') {
      const decl = (node as { task?: TaskDeclIR }).task;
      const own = this.policy(node);
      if (!decl || !samePolicy(own, declPolicy(this.options.policy, decl).policy)) {
        task.taskDefinition = taskDefJson(taskName, own, this.ownerEmail());
      }
    }
    if (o.fields) Object.assign(task, o.fields);
    return task;
  }

  private ownerEmail(): { ownerEmail?: string } {
    const email = this.workflow.ownerEmail ?? (this.workflow.preserveSettings ? undefined : this.options.ownerEmail);
    return email ? { ownerEmail: email } : {};
  }

  helper(ref: string, type: string, fields: ConductorTask, name?: string): ConductorTask {
    return { name: name ?? ref, taskReferenceName: ref, type, ...fields };
  }

  js(value: Value, env?: JsEnv): string {
    switch (value.kind) {
      case 'literal':
        return JSON.stringify(value.value);
      case 'raw':
        return JSON.stringify(value.text);
      case 'object':
        return `{${Object.entries(value.fields)
          .map(([k, v]) => `${JSON.stringify(k)}: ${this.js(v, env)}`)
          .join(', ')}}`;
      case 'array':
        return `[${value.items.map((v) => this.js(v, env)).join(', ')}]`;
      case 'template':
        return `(${value.parts.map((p) => (typeof p === 'string' ? JSON.stringify(p) : `String(${this.js(p, env)})`)).join(' + ') || '""'})`;
      case 'ref': {
        if (value.target.kind === 'alias') {
          const resolved = this.resolveAlias(value);
          return resolved ? this.js(resolved, env) : 'null';
        }
        const found = env?.ref?.(value);
        if (found !== undefined) return found;
        this.report(this.here(), 'script-reference', `a generated script cannot read ${this.refText(value)}`);
        return jsPath('null', []);
      }
    }
  }

  subWorkflowDef(name: string, steps: readonly StepBase[], output: Value | undefined): ConductorJson {
    const outputParameters = output === undefined ? {} : output.kind === 'object' ? this.values(output.fields) : { result: this.value(output) };
    return {
      name,
      version: 1,
      schemaVersion: 2,
      tasks: this.block(steps),
      outputParameters,
      timeoutPolicy: this.workflowPolicy().timeoutPolicy,
      timeoutSeconds: this.workflowPolicy().timeoutSeconds,
      ...this.ownerEmail(),
    };
  }

  inlineWorkflow(child: WorkflowIR): ConductorJson {
    return lowerWorkflow(child, this.options);
  }

  workflowPolicy() {
    return {
      timeoutSeconds: this.workflow.timeoutSeconds ?? this.options.policy.workflow.timeoutSeconds,
      timeoutPolicy: this.workflow.timeoutPolicy ?? this.options.policy.workflow.timeoutPolicy,
    };
  }
}

/** The Conductor WorkflowDef for a workflow (without its compensation workflow). */
export function lowerWorkflow(workflow: WorkflowIR, options: LowerOptions, extra: { failureWorkflow?: string } = {}): ConductorJson {
  const ctx = new Lowering(workflow, indexSteps(workflow.steps), options);
  const policy = ctx.workflowPolicy();
  const def: ConductorJson = { name: workflow.name };
  if (workflow.description) def.description = workflow.description;
  def.version = workflow.version;
  def.schemaVersion = 2;
  def.tasks = ctx.block(workflow.steps);
  def.inputParameters = topLevelKeys(workflow.input);
  def.outputParameters = ctx.values(workflow.outputMapping);
  const template = inputTemplate(workflow.input);
  if (Object.keys(template).length > 0) def.inputTemplate = template;
  const failure = extra.failureWorkflow ?? workflow.failureWorkflow?.name;
  if (failure) {
    def.failureWorkflow = failure;
    if (!extra.failureWorkflow && workflow.failureWorkflow?.version !== undefined) def.failureWorkflowVersion = workflow.failureWorkflow.version;
  }
  def.restartable = workflow.restartable;
  def.workflowStatusListenerEnabled = workflow.workflowStatusListenerEnabled;
  if (workflow.workflowStatusListenerSink) def.workflowStatusListenerSink = workflow.workflowStatusListenerSink;
  const email = workflow.ownerEmail ?? (workflow.preserveSettings ? undefined : options.ownerEmail);
  if (email) def.ownerEmail = email;
  if (!workflow.preserveSettings || workflow.timeoutPolicy !== undefined) def.timeoutPolicy = policy.timeoutPolicy;
  if (!workflow.preserveSettings || workflow.timeoutSeconds !== undefined) def.timeoutSeconds = policy.timeoutSeconds;
  def.variables = { ...workflow.variables };
  if (workflow.rateLimit) {
    def.rateLimitConfig = { rateLimitKey: ctx.value(workflow.rateLimit.key), concurrentExecLimit: workflow.rateLimit.concurrentExecLimit };
  }
  if (workflow.maskedFields.length > 0) def.maskedFields = [...workflow.maskedFields];
  const metadata: { [key: string]: Json } = { ...workflow.metadata };
  if (workflow.tags.length > 0) metadata.tags = [...workflow.tags];
  if (Object.keys(metadata).length > 0) def.metadata = metadata;
  if (workflow.fields) Object.assign(def, workflow.fields);
  return def;
}

/** A value as JavaScript, for scripts generated outside a workflow's own tasks (compensation). */
export function lowerWorkflowValueJs(workflow: WorkflowIR, value: Value, ref: (ref: RefValue) => string | undefined, options: LowerOptions): string {
  return new Lowering(workflow, indexSteps(workflow.steps), options).js(value, { ref });
}
