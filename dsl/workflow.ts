/**
 * `workflow(name, options, body)`: a workflow as code. The body runs when the compiler builds
 * the workflow (not when the module is imported), recording steps into the IR; its return value
 * is the workflow's output. The returned object also carries the schemas, so clients and
 * sub-workflow calls are typed from it.
 */
import type { z } from 'zod';
import type { PolicyOverrides, WorkflowTimeoutPolicy } from '../ir/policy.js';
import type { SourceLoc } from '../ir/source.js';
import type { ExampleIR, ScheduleIR, ToolHintsIR, WorkflowIR } from '../ir/workflow.js';
import type { Json, Value } from '../ir/value.js';
import { captureCallSite, isOwn, mapLater, numberCallSites } from './callsite.js';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { In } from './input.js';
import { type PolicyOptions, pickPolicy } from './options.js';
import { type BuilderProblem, type LocationMapper, Recorder } from './recorder.js';
import type { RefBase } from './ref.js';
import { WorkflowScope } from './scope.js';
import { isStep } from './step.js';
import { type ValueProblem, toValue } from './values.js';
import { deepFreeze } from './freeze.js';

import { WORKFLOW } from './brands.js';
export { WORKFLOW };

export interface ScheduleOptions<I extends z.ZodType> {
  /** Schedule name (default `<workflow>_<n>`); unique on the server. */
  name?: string;
  /** Conductor's six-field cron: second minute hour day-of-month month day-of-week. */
  cron: string;
  /** IANA time zone (default UTC). */
  zone?: string;
  input?: z.input<I>;
  paused?: boolean;
  /** Run the runs missed while the scheduler was down. */
  catchUp?: boolean;
  startTime?: Date;
  endTime?: Date;
}

export interface ExampleOptions<I extends z.ZodType> {
  name: string;
  description?: string;
  input: z.input<I>;
}

export interface ToolOptions {
  /** Title shown by MCP clients. */
  title?: string;
  /** The workflow only reads (MCP readOnlyHint). */
  readOnly?: boolean;
  /** The workflow may destroy or overwrite things (MCP destructiveHint). */
  destructive?: boolean;
  /** Running it twice with the same input does no more than once (MCP idempotentHint). */
  idempotent?: boolean;
  /** It talks to the outside world (MCP openWorldHint). */
  openWorld?: boolean;
  /** false keeps this workflow out of the MCP tool list. */
  expose?: boolean;
}

export interface WorkflowOptions<I extends z.ZodType, O extends z.ZodType, V extends z.ZodObject> {
  version?: number;
  /** Defaults to the JSDoc comment above the workflow. */
  description?: string;
  input: I;
  output: O;
  /** Whole-workflow timeout (project default when left out). */
  timeoutSeconds?: number;
  timeoutPolicy?: WorkflowTimeoutPolicy;
  ownerEmail?: string;
  tags?: string[];
  /** Schema of the workflow variables set by setVariable and read as wf.variables. */
  variables?: V;
  /** Initial values of the variables. */
  initialVariables?: Partial<z.input<V>>;
  /** A workflow started when this one fails (after generated compensations). */
  failureWorkflow?: AnyWorkflow | string | { name: string; version?: number };
  restartable?: boolean;
  /** At most `concurrentExecLimit` runs with the same key at once. */
  rateLimit?: { key: string | RefBase<string>; concurrentExecLimit: number };
  statusListener?: { enabled: boolean; sink?: string };
  /** Input/output fields the server masks in its UI and API. */
  maskedFields?: string[];
  metadata?: Record<string, Json>;
  schedules?: ScheduleOptions<I>[];
  examples?: ExampleOptions<I>[];
  tool?: ToolOptions;
  /** Retry/timeout defaults for every task of this workflow. */
  defaults?: PolicyOptions;
  /** Named profile applied to every task of this workflow. */
  profile?: string;
  /**
   * Keep the settings exactly as written, as `baton import` does for a definition it read: no
   * retry/timeout defaults or profiles, no generated task definitions, no project ownerEmail;
   * what is left out gets the server's own defaults. Remove it to opt into the project policy.
   */
  preserveSettings?: boolean;
  /** WorkflowDef fields baton has no option for (`inputSchema`, `cacheConfig`, …), written as given. */
  fields?: Record<string, Json>;
}

export interface BuildResult {
  readonly ir: WorkflowIR;
  readonly problems: readonly BuilderProblem[];
}

export interface WorkflowDefinition {
  readonly name: string;
  readonly version: number;
  readonly loc: SourceLoc;
  /** True for workflows that exist on the server but are not built here. */
  readonly external: boolean;
  build(mapLoc?: LocationMapper): BuildResult;
}

export interface Workflow<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType, V extends z.ZodObject = z.ZodObject> {
  readonly [WORKFLOW]: WorkflowDefinition;
  readonly name: string;
  readonly version: number;
  readonly input: I;
  readonly output: O;
  readonly variables?: V;
}

// Loose on purpose: any workflow, whatever its schemas.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyWorkflow = Workflow<any, any, any>;

export function isWorkflow(value: unknown): value is AnyWorkflow {
  return typeof value === 'object' && value !== null && WORKFLOW in value;
}

export type WorkflowBody<I extends z.ZodType, O extends z.ZodType, V extends z.ZodObject> = (
  wf: WorkflowScope<z.output<I>, z.output<V>>,
) => In<z.input<O>>;

const identity: LocationMapper = (loc) => loc;

// The body's result is a `const` type parameter so `{ status: 'ok' }` stays the literal an enum
// output field needs: TypeScript widens literals returned into a still-generic type.
export function workflow<
  I extends z.ZodType,
  O extends z.ZodType,
  V extends z.ZodObject = z.ZodObject<{}>,
  const R extends In<z.input<O>> = In<z.input<O>>,
>(name: string, options: WorkflowOptions<I, O, V>, body: (wf: WorkflowScope<z.output<I>, z.output<V>>) => R): Workflow<I, O, V> {
  const loc = captureCallSite(undefined, name);
  const version = options.version ?? 1;
  const definition: WorkflowDefinition = {
    name,
    version,
    loc,
    external: false,
    build(mapLoc = identity) {
      return buildWorkflow(name, version, options, body, mapLater(loc, mapLoc), mapLoc);
    },
  };
  return Object.freeze({
    [WORKFLOW]: definition,
    name,
    version,
    input: options.input,
    output: options.output,
    ...(options.variables !== undefined && { variables: options.variables }),
  }) as Workflow<I, O, V>;
}

/** A workflow registered on the server by other means, callable as a typed sub-workflow. */
export function externalWorkflow<I extends z.ZodType, O extends z.ZodType>(
  name: string,
  options: { version?: number; input: I; output: O },
): Workflow<I, O> {
  const loc = captureCallSite(undefined, name);
  const version = options.version ?? 1;
  return Object.freeze({
    [WORKFLOW]: {
      name,
      version,
      loc,
      external: true,
      build(): BuildResult {
        throw new Error(`workflow '${name}' is external: it is registered on the server, not built here`);
      },
    },
    name,
    version,
    input: options.input,
    output: options.output,
  }) as Workflow<I, O>;
}

function failureTarget(value: WorkflowOptions<z.ZodType, z.ZodType, z.ZodObject>['failureWorkflow']) {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return { name: value };
  if (isWorkflow(value)) return { name: value.name, version: value.version };
  return value.version === undefined ? { name: value.name } : { name: value.name, version: value.version };
}

function toJson(value: unknown, problems: ValueProblem[], path: string): Json {
  const v = toValue(value, problems, path);
  const json = constantOf(v);
  if (json === undefined) problems.push({ path, message: 'must be plain data, not a reference' });
  return json ?? null;
}

function constantOf(v: Value): Json | undefined {
  switch (v.kind) {
    case 'literal':
      return v.value;
    case 'object': {
      const out: Record<string, Json> = {};
      for (const [k, f] of Object.entries(v.fields)) {
        const j = constantOf(f);
        if (j === undefined) return undefined;
        out[k] = j;
      }
      return out;
    }
    case 'array': {
      const out: Json[] = [];
      for (const item of v.items) {
        const j = constantOf(item);
        if (j === undefined) return undefined;
        out.push(j);
      }
      return out;
    }
    default:
      return undefined;
  }
}

function buildWorkflow<I extends z.ZodType, O extends z.ZodType, V extends z.ZodObject>(
  name: string,
  version: number,
  options: WorkflowOptions<I, O, V>,
  body: WorkflowBody<I, O, V>,
  loc: SourceLoc,
  mapLoc: LocationMapper,
): BuildResult {
  const recorder = new Recorder(name, mapLoc);
  const scope = new WorkflowScope<z.output<I>, z.output<V>>(recorder);
  const problems: ValueProblem[] = [];
  let outputMapping: Record<string, Value> = {};
  try {
    // Locations of the body's calls are read only for diagnostics: see numberCallSites.
    const replay = () => void body(new WorkflowScope<z.output<I>, z.output<V>>(new Recorder(name, mapLoc)));
    const returned = numberCallSites(() => body(scope), replay, loc);
    if (returned !== undefined) {
      const value = isStep(returned) ? toValue(returned.output, problems, 'output') : toValue(returned, problems, 'output');
      if (value.kind === 'object') outputMapping = { ...value.fields };
      else problems.push({ path: 'output', message: 'the workflow body must return an object of output fields' });
    }
  } catch (error) {
    const where = error instanceof Error ? errorLoc(error, mapLoc) : undefined;
    recorder.problem({
      loc: where ?? loc,
      code: 'body-threw',
      message: `the body of workflow '${name}' threw: ${error instanceof Error ? error.message : String(error)}`,
      hint: 'a workflow body only records steps; it must not call services or read files',
    });
  }
  for (const p of problems) recorder.problem({ loc, code: 'invalid-output', message: `${p.path}: ${p.message}` });

  const schedules: ScheduleIR[] = (options.schedules ?? []).map((s, i) => {
    const sp: ValueProblem[] = [];
    const schedule: ScheduleIR = {
      name: s.name ?? `${name}_schedule${(options.schedules?.length ?? 0) > 1 ? `_${i + 1}` : ''}`,
      cron: s.cron,
      zoneId: s.zone ?? 'UTC',
      input: toJson(s.input ?? {}, sp, `schedules[${i}].input`),
      paused: s.paused ?? false,
      catchUp: s.catchUp ?? false,
      ...(s.startTime !== undefined && { startTime: s.startTime.getTime() }),
      ...(s.endTime !== undefined && { endTime: s.endTime.getTime() }),
      loc,
    };
    for (const p of sp) recorder.problem({ loc, code: 'invalid-schedule', message: `${p.path}: ${p.message}` });
    return schedule;
  });
  const examples: ExampleIR[] = (options.examples ?? []).map((e, i) => {
    const ep: ValueProblem[] = [];
    const example: ExampleIR = {
      name: e.name,
      ...(e.description !== undefined && { description: e.description }),
      input: toJson(e.input, ep, `examples[${i}].input`),
      loc,
    };
    for (const p of ep) recorder.problem({ loc, code: 'invalid-example', message: `${p.path}: ${p.message}` });
    return example;
  });
  const vp: ValueProblem[] = [];
  const variables = toJson(options.initialVariables ?? {}, vp, 'initialVariables') as Record<string, Json>;
  for (const p of vp) recorder.problem({ loc, code: 'invalid-variables', message: `${p.path}: ${p.message}` });
  const failure = failureTarget(options.failureWorkflow);
  const tool: ToolHintsIR = { ...options.tool };
  const policy: PolicyOverrides | undefined = options.defaults ? pickPolicy(options.defaults) : undefined;
  const rp: ValueProblem[] = [];
  const ir: WorkflowIR = {
    kind: 'workflow',
    name,
    version,
    ...(options.description !== undefined && { description: options.description }),
    input: options.input,
    output: options.output,
    steps: scope.steps(),
    outputMapping,
    ...(options.timeoutSeconds !== undefined && { timeoutSeconds: options.timeoutSeconds }),
    ...(options.timeoutPolicy !== undefined && { timeoutPolicy: options.timeoutPolicy }),
    ...(options.ownerEmail !== undefined && { ownerEmail: options.ownerEmail }),
    tags: [...(options.tags ?? [])],
    variables,
    ...(options.variables !== undefined && { variablesSchema: options.variables }),
    ...(failure !== undefined && { failureWorkflow: failure }),
    restartable: options.restartable ?? true,
    ...(options.rateLimit !== undefined && {
      rateLimit: { key: toValue(options.rateLimit.key, rp, 'rateLimit.key'), concurrentExecLimit: options.rateLimit.concurrentExecLimit },
    }),
    workflowStatusListenerEnabled: options.statusListener?.enabled ?? false,
    ...(options.statusListener?.sink !== undefined && { workflowStatusListenerSink: options.statusListener.sink }),
    maskedFields: [...(options.maskedFields ?? [])],
    metadata: options.metadata ?? {},
    schedules,
    examples,
    tool,
    ...(policy !== undefined && { policy }),
    ...(options.profile !== undefined && { profile: options.profile }),
    preserveSettings: options.preserveSettings ?? false,
    ...(options.fields !== undefined && { fields: { ...options.fields } }),
    loc,
  };
  for (const p of rp) recorder.problem({ loc, code: 'invalid-input', message: `${p.path}: ${p.message}` });
  return { ir: deepFreeze(ir), problems: recorder.problems };
}

/** The author's line in an error thrown from a workflow body. */
function errorLoc(error: Error, mapLoc: LocationMapper): SourceLoc | undefined {
  const stack = error.stack ?? '';
  for (const line of stack.split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?\/[^()]+?):(\d+):(\d+)\)?$/.exec(line.trim());
    if (!m) continue;
    const file = m[1]!.startsWith('file://') ? fileURLToPath(m[1]!) : m[1]!;
    if (isOwn(file) || file.includes(`${sep}node_modules${sep}`)) continue;
    return mapLoc({ file, line: Number(m[2]), column: Number(m[3]) });
  }
  return undefined;
}

