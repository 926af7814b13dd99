/**
 * Workflow unit tests without workers. `testWorkflow` compiles the workflow in-process, hands
 * the definition to Conductor's test endpoint (POST /api/workflow/test) with mocked results for
 * the tasks that would need a worker or the network, and returns the typed execution: the real
 * server evaluates every switch, loop, script and expression, so a test can assert that a
 * branch, a loop or a compensation behaves. Nothing is registered; the run is routed to a
 * throw-away task domain, so running workers never pick its tasks.
 *
 * Mocks are keyed by task reference name. A list gives one result per attempt (retries). For a
 * task inside a loop, one result stands for every pass and a list gives one result per pass;
 * `ref__3` addresses the third pass alone (a list there is again per attempt). For a for-each
 * (dynamic fork) `ref`, the same holds per element: the server names element i's task `ref_i`.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { type TaskDecl, isTaskDecl } from '../dsl/task.js';
import type { AnyWorkflow } from '../dsl/workflow.js';
import { Conductor, type ConnectionOptions } from './conductor.js';
import { checkInput } from './client.js';
import { type CompiledSet, type ConductorJson, compileWorkflows } from './compile-workflows.js';
import { type Execution, toExecution } from './execution.js';
import { issueLines, summarizeIssues } from './issues.js';

export type MockStatus = 'COMPLETED' | 'FAILED' | 'FAILED_WITH_TERMINAL_ERROR' | 'IN_PROGRESS';

/** One attempt's result, as the test endpoint applies it. */
export interface Mock {
  readonly status?: MockStatus;
  readonly output?: Record<string, unknown>;
  /** Pretend the attempt ran this long (sets its start time back). */
  readonly executionTimeMs?: number;
  /** Pretend the attempt waited this long in the queue. */
  readonly queueWaitTimeMs?: number;
}

export type Mocks = Readonly<Record<string, Mock | readonly Mock[]>>;

export interface SubWorkflowMocks {
  readonly mocks?: Mocks;
  readonly subWorkflows?: Readonly<Record<string, SubWorkflowMocks>>;
}

export interface TestOptions extends SubWorkflowMocks {
  /** Workflows this one runs as sub-workflows (their definitions are embedded in the test run). */
  readonly workflows?: readonly AnyWorkflow[];
  /** Server (default: CONDUCTOR_SERVER_URL). */
  readonly connection?: Conductor | ConnectionOptions;
  /** Project root, for baton.config.ts (default: the current directory). */
  readonly root?: string;
  /** Passes of a loop (or elements of a for-each) covered by a single mock (default 50). */
  readonly loopPasses?: number;
  /** A run whose tasks have not changed for this long is terminated and returned (default 10). */
  readonly stallSeconds?: number;
}

export type TestRun<O> = Execution<O> & {
  /**
   * Tasks left unfinished because nothing mocked them, as `ref` or `subWorkflowRef/ref`: why a
   * run is still RUNNING (or was TERMINATED after making no progress).
   */
  readonly unmocked: readonly string[];
};

/** A completed attempt whose output is checked against the task's declared output schema. */
export function completed<O extends z.ZodType>(task: TaskDecl<z.ZodType, O>, output: z.input<O>): Mock;
/** A completed attempt with this output (for HTTP, WAIT, HUMAN and other system tasks). */
export function completed(output?: Record<string, unknown>): Mock;
export function completed(first?: TaskDecl | Record<string, unknown>, second?: unknown): Mock {
  if (isTaskDecl(first)) {
    const task = first;
    const parsed = task.output.safeParse(second ?? {});
    if (!parsed.success) {
      throw new Error(`mock output for task '${task.name}' does not match its declaration: ${summarizeIssues(issueLines(parsed.error, 'output'))}`);
    }
    return { status: 'COMPLETED', output: parsed.data as Record<string, unknown> };
  }
  return { status: 'COMPLETED', output: (first as Record<string, unknown> | undefined) ?? {} };
}

/** A failed attempt; Conductor retries it per the task's policy unless `terminal`. */
export function failed(options: { terminal?: boolean; output?: Record<string, unknown> } = {}): Mock {
  return { status: options.terminal ? 'FAILED_WITH_TERMINAL_ERROR' : 'FAILED', output: options.output ?? {} };
}

/** The output of an HTTP task that got this response. */
export function httpResponse(body: unknown, options: { status?: number; headers?: Record<string, string> } = {}): Mock {
  const statusCode = options.status ?? 200;
  const output = { response: { body, statusCode, headers: options.headers ?? {}, reasonPhrase: '' } };
  // Conductor's HTTP task fails on a status outside 2xx; the mock says the same.
  return { status: statusCode >= 200 && statusCode < 300 ? 'COMPLETED' : 'FAILED', output };
}

/** Task types the test endpoint drives itself; they cannot be mocked. */
const OPERATORS = new Set(['JOIN', 'DO_WHILE', 'SET_VARIABLE', 'FORK', 'FORK_JOIN', 'INLINE', 'TERMINATE', 'DECISION', 'DYNAMIC', 'FORK_JOIN_DYNAMIC', 'SWITCH', 'SUB_WORKFLOW']);

interface TaskInfo {
  readonly type: string;
  readonly inLoop: boolean;
}

type Json = Record<string, unknown>;

function childTaskLists(task: Json): Json[][] {
  const lists: Json[][] = [];
  const add = (v: unknown) => {
    if (Array.isArray(v)) lists.push(v as Json[]);
  };
  add(task.loopOver);
  add(task.defaultCase);
  if (Array.isArray(task.forkTasks)) for (const branch of task.forkTasks) add(branch);
  if (task.decisionCases && typeof task.decisionCases === 'object') for (const c of Object.values(task.decisionCases as Json)) add(c);
  return lists;
}

function collectTasks(tasks: Json[], into: Map<string, TaskInfo>, inLoop = false): void {
  for (const task of tasks) {
    const type = String(task.type);
    into.set(String(task.taskReferenceName), { type, inLoop });
    for (const list of childTaskLists(task)) collectTasks(list, into, inLoop || type === 'DO_WHILE');
  }
}

/** Types whose tasks a worker runs, or that wait for the outside world: mocking is enough. */
const WORKER_LIKE = new Set(['SIMPLE', 'WAIT', 'HUMAN', 'YIELD']);

/**
 * A copy of a definition that runs without anything registered: task definitions embedded in
 * SIMPLE tasks, sub-workflows embedded by definition, and no failure workflow (a test run must
 * not start real ones; test the compensation with `testCompensation`).
 *
 * A mocked system task (HTTP, …) becomes a worker task of the same name and reference: the test
 * endpoint only keeps workers away (by a task domain), while the server's own system-task
 * threads would still run it for real and race the mock.
 */
function selfContained(def: ConductorJson, compiled: CompiledSet, seen: Set<string>, mocks: SubWorkflowMocks): ConductorJson {
  const copy = structuredClone(def) as Json;
  const mocked = new Set(Object.keys(mocks.mocks ?? {}).flatMap((key) => [key, key.replace(/__\d+$/, '')]));
  delete copy.failureWorkflow;
  const visit = (tasks: Json[]) => {
    for (const task of tasks) {
      const type = String(task.type);
      if (mocked.has(String(task.taskReferenceName)) && !WORKER_LIKE.has(type) && !OPERATORS.has(type)) {
        task.type = 'SIMPLE';
        task.taskDefinition = { ...((task.taskDefinition as Json | undefined) ?? { retryCount: 0, timeoutSeconds: 0, responseTimeoutSeconds: 3600 }), name: task.name };
      }
      if (task.type === 'SIMPLE' && !task.taskDefinition) {
        const taskDef = compiled.taskDefs.get(String(task.name));
        if (taskDef) task.taskDefinition = taskDef;
      }
      if (task.type === 'SUB_WORKFLOW') {
        const param = (task.subWorkflowParam ?? {}) as Json;
        const childMocks = mocks.subWorkflows?.[String(task.taskReferenceName)] ?? {};
        if (!param.workflowDefinition) {
          const name = String(param.name);
          const child = compiled.workflows.get(name);
          if (!child) throw new Error(`sub-workflow '${name}' is not known: pass it in options.workflows`);
          if (seen.has(name)) throw new Error(`sub-workflow '${name}' calls itself`);
          param.workflowDefinition = selfContained(child, compiled, new Set([...seen, name]), childMocks);
        } else {
          param.workflowDefinition = selfContained(param.workflowDefinition as Json, compiled, seen, childMocks);
        }
      }
      for (const list of childTaskLists(task)) visit(list);
    }
  };
  visit((copy.tasks ?? []) as Json[]);
  return copy;
}

interface ServerMock {
  status: MockStatus;
  output: Record<string, unknown>;
  executionTime?: number;
  queueWaitTime?: number;
}

function serverMock(mock: Mock): ServerMock {
  return {
    status: mock.status ?? 'COMPLETED',
    output: mock.output ?? {},
    ...(mock.executionTimeMs !== undefined && { executionTime: mock.executionTimeMs }),
    ...(mock.queueWaitTimeMs !== undefined && { queueWaitTime: mock.queueWaitTimeMs }),
  };
}

const asList = (value: Mock | readonly Mock[]): readonly Mock[] => (Array.isArray(value) ? value : [value as Mock]);

function serverMocks(workflow: string, tasks: Map<string, TaskInfo>, mocks: Mocks, passes: number): Record<string, ServerMock[]> {
  const out: Record<string, ServerMock[]> = {};
  for (const [key, value] of Object.entries(mocks)) {
    const element = /^(.*)_(\d+)$/.exec(key);
    if (!tasks.has(key) && element && tasks.get(element[1]!)?.type === 'FORK_JOIN_DYNAMIC') {
      out[key] = asList(value).map(serverMock);
      continue;
    }
    if (tasks.get(key)?.type === 'FORK_JOIN_DYNAMIC') {
      // A for-each: the server names the task it forks for element i `ref_i`.
      if (Array.isArray(value)) (value as Mock[]).forEach((mock, i) => (out[`${key}_${i}`] = [serverMock(mock)]));
      else for (let i = 0; i < passes; i++) out[`${key}_${i}`] = [serverMock(value as Mock)];
      continue;
    }
    const pass = /^(.*)__(\d+)$/.exec(key);
    const ref = pass && !tasks.has(key) ? pass[1]! : key;
    const info = tasks.get(ref);
    if (!info) {
      const known = [...tasks.entries()].filter(([, t]) => !OPERATORS.has(t.type)).map(([r]) => r);
      throw new Error(`mock for '${key}': workflow '${workflow}' has no task with that reference name (tasks to mock: ${known.join(', ') || 'none'})`);
    }
    if (OPERATORS.has(info.type)) {
      throw new Error(`mock for '${key}': '${ref}' is a ${info.type}, which the server runs itself; mock the tasks it leads to instead`);
    }
    if (pass && ref !== key) {
      out[key] = asList(value).map(serverMock);
    } else if (info.inLoop) {
      // Inside a loop the server names each pass `ref__n`.
      if (Array.isArray(value)) (value as Mock[]).forEach((mock, i) => (out[`${ref}__${i + 1}`] = [serverMock(mock)]));
      else for (let i = 1; i <= passes; i++) out[`${ref}__${i}`] = [serverMock(value as Mock)];
    } else {
      out[ref] = asList(value).map(serverMock);
    }
  }
  return out;
}

const KEEP_DRIVING = '__baton_test_keep_driving__';

interface TestRequest {
  name: string;
  version?: number;
  taskRefToMockOutput: Record<string, ServerMock[]>;
  subWorkflowTestRequest: Record<string, TestRequest>;
}

function testRequest(def: Json, options: SubWorkflowMocks, passes: number): TestRequest {
  const tasks = new Map<string, TaskInfo>();
  collectTasks((def.tasks ?? []) as Json[], tasks);
  const subs: Record<string, TestRequest> = {};
  for (const [ref, sub] of Object.entries(options.subWorkflows ?? {})) {
    const info = tasks.get(ref);
    if (!info || info.type !== 'SUB_WORKFLOW') throw new Error(`subWorkflows['${ref}']: workflow '${String(def.name)}' has no sub-workflow step with that reference name`);
    const childDef = findTask((def.tasks ?? []) as Json[], ref);
    const child = ((childDef?.subWorkflowParam as Json | undefined)?.workflowDefinition ?? {}) as Json;
    subs[ref] = testRequest(child, sub, passes);
  }
  return {
    name: String(def.name),
    ...(typeof def.version === 'number' && { version: def.version }),
    taskRefToMockOutput: {
      ...serverMocks(String(def.name), tasks, options.mocks ?? {}, passes),
      // The endpoint stops driving the run as soon as its mock table is empty, even while
      // joins, sub-workflows or system tasks are still on their way; a mock for a reference no
      // task has keeps it going until the run ends (or waits on an unmocked task).
      [KEEP_DRIVING]: [],
    },
    subWorkflowTestRequest: subs,
  };
}

function findTask(tasks: Json[], ref: string): Json | undefined {
  for (const task of tasks) {
    if (task.taskReferenceName === ref) return task;
    for (const list of childTaskLists(task)) {
      const found = findTask(list, ref);
      if (found) return found;
    }
  }
  return undefined;
}

const TERMINAL_TASK = new Set(['COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED', 'FAILED_WITH_TERMINAL_ERROR', 'TIMED_OUT', 'CANCELED', 'SKIPPED']);

/** Unfinished tasks that only a mock could finish, as `ref` or `subWorkflowRef/ref`. */
async function unmockedTasks(conductor: Conductor, raw: Json, prefix = ''): Promise<string[]> {
  const found: string[] = [];
  for (const task of (raw.tasks ?? []) as Json[]) {
    if (TERMINAL_TASK.has(String(task.status))) continue;
    const ref = `${prefix}${String(task.referenceTaskName)}`;
    if (task.taskType === 'SUB_WORKFLOW' && typeof task.subWorkflowId === 'string' && task.subWorkflowId) {
      const child = await conductor.get<Json>(`/workflow/${task.subWorkflowId}`, { query: { includeTasks: true } });
      found.push(...(await unmockedTasks(conductor, child, `${ref}/`)));
    } else if (!OPERATORS.has(String(task.taskType))) {
      found.push(ref);
    }
  }
  return found;
}

/**
 * Conductor's test endpoint drives the run in a loop that only stops when the run ends or a
 * worker task without a mock is pending in the run itself. A sub-workflow stuck on an unmocked
 * task keeps it looping for minutes; so while waiting we watch the run (found by a unique
 * correlation id) and terminate it when nothing has changed for `stallSeconds`.
 */
function watchForStall(conductor: Conductor, name: string, correlationId: string, stallSeconds: number) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let last = '';
  let since = Date.now();
  const fingerprint = async (raw: Json): Promise<string> => {
    const parts: string[] = [];
    for (const task of (raw.tasks ?? []) as Json[]) {
      parts.push(`${String(task.taskId)}:${String(task.status)}`);
      if (task.taskType === 'SUB_WORKFLOW' && typeof task.subWorkflowId === 'string' && task.subWorkflowId && !TERMINAL_TASK.has(String(task.status))) {
        parts.push(`[${await fingerprint(await conductor.get<Json>(`/workflow/${task.subWorkflowId}`, { query: { includeTasks: true } }))}]`);
      }
    }
    return parts.join(',');
  };
  const check = async () => {
    if (stopped) return;
    try {
      const runs = await conductor.get<Json[]>(`/workflow/${encodeURIComponent(name)}/correlated/${encodeURIComponent(correlationId)}`, {
        query: { includeClosed: true, includeTasks: true },
      });
      const run = runs[0];
      if (run && String(run.status) === 'RUNNING') {
        const now = await fingerprint(run);
        if (now !== last) {
          last = now;
          since = Date.now();
        } else if (Date.now() - since >= stallSeconds * 1000) {
          const pending = await unmockedTasks(conductor, run);
          await conductor.delete(`/workflow/${String(run.workflowId)}`, {
            query: { reason: `baton test run made no progress for ${stallSeconds} s; waiting on: ${pending.join(', ') || 'nothing mockable'}` },
          });
          return;
        }
      }
    } catch {
      // The watch is best effort; the test request itself reports real failures.
    }
    if (!stopped) timer = setTimeout(() => void check(), 1000);
  };
  timer = setTimeout(() => void check(), 1000);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

async function runTest(def: Json, input: Record<string, unknown>, options: TestOptions, outputSchema: z.ZodType | undefined) {
  const conductor = options.connection instanceof Conductor ? options.connection : new Conductor(options.connection);
  const correlationId = `baton-test-${randomUUID()}`;
  const request = {
    ...testRequest(def, options, options.loopPasses ?? 50),
    input,
    correlationId,
    workflowDef: def,
  };
  const stopWatching = watchForStall(conductor, String(def.name), correlationId, options.stallSeconds ?? 10);
  let raw: Json;
  try {
    raw = await conductor.post<Json>('/workflow/test', request, { timeoutMs: 600_000 });
  } finally {
    stopWatching();
  }
  const execution = toExecution(raw, outputSchema);
  const unmocked = await unmockedTasks(conductor, raw);
  return Object.assign(execution, { unmocked });
}

/** Runs `workflow` on the server's test endpoint with mocked task results; nothing needs a worker. */
export async function testWorkflow<W extends AnyWorkflow>(
  workflow: W,
  input: z.input<W['input']>,
  options: TestOptions = {},
): Promise<TestRun<z.output<W['output']>>> {
  const compiled = await compileWorkflows([workflow, ...(options.workflows ?? [])], options.root === undefined ? {} : { root: options.root });
  const def = compiled.workflows.get(workflow.name);
  if (!def) throw new Error(`workflow '${workflow.name}' did not compile`);
  const run = await runTest(selfContained(def, compiled, new Set([workflow.name]), options), checkInput(workflow, input) as Record<string, unknown>, options, workflow.output);
  return run as TestRun<z.output<W['output']>>;
}

/** What baton's generated compensation workflow reports. */
export interface CompensationOutput {
  readonly workflowId: string;
  readonly reason: string | null;
  readonly compensated: readonly { step: string; task: string; input: Record<string, unknown> }[];
}

/**
 * Runs the compensation workflow generated for `workflow` on the test endpoint, as Conductor
 * would start it after `failedRun` (a FAILED, TIMED_OUT or TERMINATED run, e.g. from
 * testWorkflow), with mocked results for the undo tasks.
 */
export async function testCompensation<W extends AnyWorkflow>(
  workflow: W,
  failedRun: Execution<unknown>,
  options: TestOptions = {},
): Promise<TestRun<CompensationOutput>> {
  const compiled = await compileWorkflows([workflow, ...(options.workflows ?? [])], options.root === undefined ? {} : { root: options.root });
  const def = compiled.compensations.get(workflow.name);
  if (!def) throw new Error(`workflow '${workflow.name}' has no compensation: none of its steps calls .compensate()`);
  // The input Conductor gives a failure workflow: the failed run's input plus these fields.
  const input = {
    ...failedRun.input,
    workflowId: failedRun.workflowId,
    reason: failedRun.reason ?? null,
    failureStatus: failedRun.status,
    ...(failedRun.failedTask && { failureTaskId: failedRun.failedTask.taskId }),
    failedWorkflow: failedRun.raw,
  };
  return (await runTest(selfContained(def, compiled, new Set([String(def.name)]), options), input, options, undefined)) as TestRun<CompensationOutput>;
}
