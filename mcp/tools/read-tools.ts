/** Run tools that only read: get a run, wait for one, search runs, describe a workflow. */
import { readFileSync } from 'node:fs';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { genericEnvelopeSchema } from '../envelope.js';
import { ToolFailure, toToolFailure } from '../errors.js';
import { redact } from '../redact.js';
import { type ConductorRun, type ConductorTask, taskTypeOf } from '../runs.js';
import { summarise } from '../summarise.js';
import { SAFE_ID_PATTERN } from '../tool-schema.js';
import { type JsonSchema, lazyCheck } from '../validation.js';
import { progressMessage, waitForRun } from '../wait.js';
import { EXECUTION_ID, ISO_TIME, TASK_REF, envelopeFor, objectSchema, outputBudget, runAnswer, scopedRun } from './common.js';
import { TOOL } from './names.js';
import type { ServedTool, ToolServices } from './types.js';

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
const MAX_TASKS_SHOWN = 100;
const RUN_STATUSES = ['RUNNING', 'COMPLETED', 'FAILED', 'TIMED_OUT', 'TERMINATED', 'PAUSED'];

function define(name: string, title: string, description: string, inputSchema: Tool['inputSchema'], outputSchema: JsonSchema): Tool {
  return { name, title, description, inputSchema, outputSchema: outputSchema as Tool['outputSchema'], annotations: { title, ...READ_ONLY } };
}

function withProperties(schema: JsonSchema, properties: Record<string, JsonSchema>): JsonSchema {
  return { ...schema, properties: { ...(schema.properties as object), ...properties } };
}

// ---- get ----------------------------------------------------------------------------------

const TASK_ROW: JsonSchema = {
  type: 'object',
  properties: {
    taskRef: { type: 'string' },
    name: { type: 'string' },
    type: { type: 'string' },
    status: { type: 'string' },
    attempt: { type: 'integer' },
    startTime: { type: 'string' },
    endTime: { type: 'string' },
    reason: { type: 'string' },
  },
  required: ['taskRef', 'type', 'status'],
};

function taskRow(task: ConductorTask) {
  const start = ISO_TIME(task.startTime);
  const end = ISO_TIME(task.endTime);
  return {
    taskRef: task.referenceTaskName,
    ...(task.taskDefName && { name: task.taskDefName }),
    type: taskTypeOf(task),
    status: task.status,
    attempt: (task.retryCount ?? 0) + 1,
    ...(start && { startTime: start }),
    ...(end && { endTime: end }),
    ...(task.reasonForIncompletion && { reason: task.reasonForIncompletion.slice(0, 500) }),
  };
}

/** Reads `items[2].name` or `items.2.name` out of a value. */
export function readPath(value: unknown, path: string): { found: boolean; value?: unknown } {
  const segments = path.replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean);
  let current: unknown = value;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return { found: false };
    current = (current as Record<string, unknown>)[segment];
  }
  return { found: true, value: current };
}

const getRunTool: ServedTool = {
  name: TOOL.getRun,
  role: 'viewer',
  writes: false,
  definition: define(
    TOOL.getRun,
    'Get a run',
    'A run of one of these workflows: status, output, failure. details: true adds its input and task list; taskRef shows one task\'s input and output; outputPath reads one part of a large output.',
    objectSchema(
      {
        executionId: EXECUTION_ID,
        details: { type: 'boolean', description: 'add input, timings and the task list' },
        taskRef: { ...TASK_REF, description: 'show this task\'s input and output' },
        outputPath: { type: 'string', maxLength: 512, description: 'part of the output to read, e.g. items[3].name' },
      },
      ['executionId'],
    ),
    withProperties(genericEnvelopeSchema(), {
      workflowVersion: { type: 'integer' },
      startTime: { type: 'string' },
      endTime: { type: 'string' },
      taskCounts: { type: 'object', additionalProperties: { type: 'integer' } },
      input: {},
      tasks: { type: 'array', items: TASK_ROW },
      tasksOmitted: { type: 'integer' },
      task: { type: 'object', properties: { ...(TASK_ROW.properties as object), input: {}, output: {} }, required: ['taskRef', 'type', 'status'] },
      outputPath: { type: 'string' },
      value: {},
      valueTruncated: { type: 'boolean' },
    }),
  ),
  check: undefined as never,
  async run(args, context, services) {
    const { executionId, details, taskRef, outputPath } = args as { executionId: string; details?: boolean; taskRef?: string; outputPath?: string };
    // Tasks always: the summary counts them and names the ones waiting for a signal.
    const run = await scopedRun(services, context, executionId, true);
    const envelope = envelopeFor(services, run);
    const masked = context.notes.maskedFields ?? [];
    const budget = outputBudget(services);
    const extra: Record<string, unknown> = {};
    if (run.workflowVersion !== undefined) extra.workflowVersion = run.workflowVersion;
    const start = ISO_TIME(run.startTime);
    const end = ISO_TIME(run.endTime);
    if (start) extra.startTime = start;
    if (end) extra.endTime = end;
    if (run.tasks) {
      const counts: Record<string, number> = {};
      for (const t of run.tasks) counts[t.status] = (counts[t.status] ?? 0) + 1;
      extra.taskCounts = counts;
    }
    if (details) {
      extra.input = summarise(redact(run.input ?? {}, masked), Math.floor(budget / 4)).value;
      const tasks = run.tasks ?? [];
      extra.tasks = tasks.slice(-MAX_TASKS_SHOWN).map(taskRow);
      if (tasks.length > MAX_TASKS_SHOWN) extra.tasksOmitted = tasks.length - MAX_TASKS_SHOWN;
    }
    if (taskRef !== undefined) {
      const task = [...(run.tasks ?? [])].reverse().find((t) => t.referenceTaskName === taskRef);
      if (!task) {
        const refs = [...new Set((run.tasks ?? []).map((t) => t.referenceTaskName))].slice(0, 20);
        throw new ToolFailure(`Run ${executionId} has no task '${taskRef}'${refs.length ? `; its tasks are: ${refs.join(', ')}` : ' yet'}.`, 'not_found');
      }
      extra.task = {
        ...taskRow(task),
        input: summarise(redact(task.inputData ?? {}, masked), Math.floor(budget / 4)).value,
        output: summarise(redact(task.outputData ?? {}, masked), Math.floor(budget / 4)).value,
      };
    }
    if (outputPath !== undefined) {
      if (run.status !== 'COMPLETED') throw new ToolFailure(`Run ${executionId} is ${run.status}; only a COMPLETED run has an output to read.`, 'conflict');
      const found = readPath(redact(run.output ?? {}, masked, { secrets: false }), outputPath);
      if (!found.found) throw new ToolFailure(`The output of run ${executionId} has nothing at '${outputPath}'.`, 'not_found');
      const part = summarise(found.value, budget);
      Object.assign(extra, { outputPath, value: part.value, valueTruncated: part.truncated });
    }
    return runAnswer(envelope, extra);
  },
};

// ---- wait ---------------------------------------------------------------------------------

function waitRunTool(maxWaitSeconds: number): ServedTool {
  return {
    name: TOOL.waitRun,
    role: 'operator',
    writes: false,
    definition: define(
      TOOL.waitRun,
      'Wait for a run',
      `Waits up to timeoutSeconds (at most ${maxWaitSeconds}) until a run finishes, is paused, or waits on a WAIT/HUMAN task (listed in waitingOn; complete it with ${TOOL.signalTask}), then answers with the run. Sends progress notifications when asked.`,
      objectSchema(
        {
          executionId: EXECUTION_ID,
          timeoutSeconds: { type: 'integer', minimum: 1, maximum: maxWaitSeconds, description: `default ${maxWaitSeconds}` },
        },
        ['executionId'],
      ),
      withProperties(genericEnvelopeSchema(), { timedOut: { type: 'boolean', description: 'the run was still going when the wait ended' } }),
    ),
    check: undefined as never,
    async run(args, context, services) {
      const { executionId, timeoutSeconds } = args as { executionId: string; timeoutSeconds?: number };
      const limit = timeoutSeconds ?? services.limits.maxWaitSeconds;
      const first = await scopedRun(services, context, executionId, true);
      let outcome;
      try {
        outcome = await waitForRun(
          services.runs,
          executionId,
          {
            timeoutMs: limit * 1000,
            signal: context.signal,
            ...(context.progress && {
              onProgress: (r: ConductorRun, elapsed: number) => context.progress!(Math.round(elapsed / 100) / 10, limit, progressMessage(r)),
            }),
          },
          first,
        );
      } catch (error) {
        throw toToolFailure(error, `wait for run ${executionId}`);
      }
      const lead = outcome.timedOut ? `Still ${outcome.run.status} after ${limit} s; wait again to keep following it.` : undefined;
      return runAnswer(envelopeFor(services, outcome.run), { timedOut: outcome.timedOut }, lead);
    },
  };
}

// ---- search -------------------------------------------------------------------------------

const SUMMARY_ROW: JsonSchema = {
  type: 'object',
  properties: {
    workflowId: { type: 'string' },
    workflowName: { type: 'string' },
    version: { type: 'integer' },
    status: { type: 'string' },
    correlationId: { type: 'string' },
    startTime: { type: 'string' },
    endTime: { type: 'string' },
    reason: { type: 'string' },
  },
  required: ['workflowId', 'workflowName', 'status'],
};

function encodeCursor(start: number): string {
  return Buffer.from(JSON.stringify({ start })).toString('base64url');
}

function decodeCursor(cursor: string): number {
  try {
    const { start } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { start?: unknown };
    if (typeof start === 'number' && Number.isInteger(start) && start >= 0 && start <= 100_000) return start;
  } catch {
    // fall through
  }
  throw new ToolFailure('cursor is not one this server gave out; start again without it.', 'invalid_input');
}

function timeArg(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ToolFailure(`${name} must be a date-time such as 2025-01-31T12:00:00Z`, 'invalid_input');
  return ms;
}

function resolveWorkflowName(services: ToolServices, name: string): string {
  const snapshot = services.catalogue.current;
  const tool = snapshot.byName.get(name);
  if (tool) return tool.workflowName;
  if (snapshot.workflowNames.has(name)) return name;
  const known = snapshot.tools.map((t) => t.name).slice(0, 20);
  throw new ToolFailure(`No workflow '${name}' here. Known: ${known.join(', ') || '(none)'}.`, 'not_found');
}

const searchRunsTool: ServedTool = {
  name: TOOL.searchRuns,
  role: 'viewer',
  writes: false,
  definition: define(
    TOOL.searchRuns,
    'Search runs',
    'Lists runs of these workflows, newest first, filtered by workflow, status, correlation id and start time. Pass nextCursor back as cursor for the next page.',
    objectSchema({
      workflow: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.-]+$', description: 'workflow or tool name' },
      status: { type: 'array', items: { type: 'string', enum: RUN_STATUSES }, uniqueItems: true, maxItems: RUN_STATUSES.length },
      correlationId: { type: 'string', minLength: 1, maxLength: 128, pattern: SAFE_ID_PATTERN },
      startedAfter: { type: 'string', format: 'date-time' },
      startedBefore: { type: 'string', format: 'date-time' },
      limit: { type: 'integer', minimum: 1, maximum: 50, description: 'runs per page (default 20)' },
      cursor: { type: 'string', maxLength: 200 },
    }),
    {
      type: 'object',
      properties: { runs: { type: 'array', items: SUMMARY_ROW }, total: { type: 'integer' }, nextCursor: { type: 'string' } },
      required: ['runs', 'total'],
    },
  ),
  check: undefined as never,
  async run(args, _context, services) {
    const a = args as { workflow?: string; status?: string[]; correlationId?: string; startedAfter?: string; startedBefore?: string; limit?: number; cursor?: string };
    const snapshot = services.catalogue.current;
    const types = a.workflow !== undefined ? [resolveWorkflowName(services, a.workflow)] : [...snapshot.workflowNames].sort();
    if (types.length === 0) return { text: 'No workflows are served, so there are no runs to search.', structured: { runs: [], total: 0 } };
    const start = a.cursor !== undefined ? decodeCursor(a.cursor) : 0;
    const size = a.limit ?? 20;
    const startedAfter = timeArg(a.startedAfter, 'startedAfter');
    const startedBefore = timeArg(a.startedBefore, 'startedBefore');
    let found;
    try {
      found = await services.runs.search({
        workflowTypes: types,
        ...(a.status && { statuses: a.status }),
        ...(a.correlationId !== undefined && { correlationId: a.correlationId }),
        ...(startedAfter !== undefined && { startedAfter }),
        ...(startedBefore !== undefined && { startedBefore }),
        start,
        size,
      });
    } catch (error) {
      throw toToolFailure(error, 'search runs');
    }
    const runs = found.results.map((r) => ({
      workflowId: r.workflowId,
      workflowName: r.workflowType,
      ...(r.version !== undefined && { version: r.version }),
      status: r.status,
      ...(r.correlationId && { correlationId: r.correlationId }),
      ...(r.startTime && { startTime: r.startTime }),
      ...(r.endTime && { endTime: r.endTime }),
      ...(r.reasonForIncompletion && { reason: r.reasonForIncompletion.slice(0, 300) }),
    }));
    const next = start + runs.length < found.totalHits && runs.length > 0 ? encodeCursor(start + runs.length) : undefined;
    const structured = { runs, total: found.totalHits, ...(next && { nextCursor: next }) };
    const text = `${found.totalHits} run${found.totalHits === 1 ? '' : 's'} match; showing ${start + 1}-${start + runs.length}.${next ? ' Pass nextCursor as cursor for more.' : ''}`;
    return { text: runs.length === 0 ? 'No runs match.' : text, structured };
  },
};

// ---- describe -----------------------------------------------------------------------------

interface StepRow {
  ref: string;
  name: string;
  type: string;
  depth: number;
}

/** The definition's tasks in order, nested ones (branches, loops, forks) indented by depth. */
export function flattenSteps(tasks: readonly Record<string, unknown>[] | undefined, depth = 0, out: StepRow[] = []): StepRow[] {
  for (const task of tasks ?? []) {
    out.push({ ref: String(task.taskReferenceName ?? ''), name: String(task.name ?? ''), type: String(task.type ?? 'SIMPLE'), depth });
    const cases = task.decisionCases as Record<string, Record<string, unknown>[]> | undefined;
    for (const key of Object.keys(cases ?? {}).sort()) flattenSteps(cases![key], depth + 1, out);
    flattenSteps(task.defaultCase as Record<string, unknown>[] | undefined, depth + 1, out);
    for (const branch of (task.forkTasks as Record<string, unknown>[][] | undefined) ?? []) flattenSteps(branch, depth + 1, out);
    flattenSteps(task.loopOver as Record<string, unknown>[] | undefined, depth + 1, out);
  }
  return out;
}

const describeWorkflowTool: ServedTool = {
  name: TOOL.describeWorkflow,
  role: 'viewer',
  writes: false,
  definition: define(
    TOOL.describeWorkflow,
    'Describe a workflow',
    'What a workflow tool does: its input and output schemas, its steps in order, and a Mermaid diagram.',
    objectSchema(
      {
        workflow: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.-]+$', description: 'tool or workflow name' },
        version: { type: 'integer', minimum: 1 },
      },
      ['workflow'],
    ),
    {
      type: 'object',
      properties: {
        tool: { type: 'string' },
        workflowName: { type: 'string' },
        version: { type: 'integer' },
        versions: { type: 'array', items: { type: 'integer' } },
        title: { type: 'string' },
        description: { type: 'string' },
        inputSchema: { type: 'object' },
        outputSchema: { type: 'object' },
        steps: { type: 'array', items: { type: 'object', properties: { ref: { type: 'string' }, name: { type: 'string' }, type: { type: 'string' }, depth: { type: 'integer' } } } },
        diagram: { type: 'string', description: 'Mermaid flowchart' },
        truncated: { type: 'boolean' },
      },
      required: ['tool', 'workflowName', 'version', 'versions', 'inputSchema', 'steps', 'truncated'],
    },
  ),
  check: undefined as never,
  async run(args, context, services) {
    const { workflow, version } = args as { workflow: string; version?: number };
    const snapshot = services.catalogue.current;
    const tool = snapshot.byName.get(workflow) ?? snapshot.tools.find((t) => t.workflowName === workflow);
    if (!tool) throw new ToolFailure(`No workflow tool '${workflow}'. Known: ${snapshot.tools.map((t) => t.name).join(', ') || '(none)'}.`, 'not_found');
    context.notes.workflow = tool.workflowName;
    const chosen = tool.versions.get(version ?? tool.latest);
    if (!chosen) throw new ToolFailure(`${tool.name} has versions ${[...tool.versions.keys()].join(', ')}, not ${version}.`, 'not_found');
    const steps = flattenSteps(chosen.definition?.tasks);
    let diagram: string | undefined;
    if (chosen.diagramFile) {
      try {
        diagram = readFileSync(chosen.diagramFile, 'utf8');
      } catch {
        diagram = undefined; // a rebuild may have moved it; the rest still answers
      }
    }
    const budget = outputBudget(services);
    const structured: Record<string, unknown> = {
      tool: tool.name,
      workflowName: tool.workflowName,
      version: chosen.version,
      versions: [...tool.versions.keys()].sort((a, b) => a - b),
      ...(tool.tool.title && { title: tool.tool.title }),
      ...(chosen.definition?.description && { description: chosen.definition.description }),
      inputSchema: chosen.inputSchema,
      ...(chosen.outputSchema && { outputSchema: chosen.outputSchema }),
      steps,
      ...(diagram !== undefined && { diagram }),
      truncated: false,
    };
    // Too big: drop the diagram first, then cut the step list.
    if (Buffer.byteLength(JSON.stringify(structured)) > budget && diagram !== undefined) {
      delete structured.diagram;
      structured.truncated = true;
    }
    while (Buffer.byteLength(JSON.stringify(structured)) > budget && (structured.steps as StepRow[]).length > 10) {
      structured.steps = (structured.steps as StepRow[]).slice(0, Math.floor((structured.steps as StepRow[]).length / 2));
      structured.truncated = true;
    }
    const text = `${tool.name} runs workflow ${tool.workflowName} v${chosen.version} in ${steps.length} steps: ${steps
      .filter((s) => s.depth === 0)
      .map((s) => `${s.ref} (${s.type})`)
      .slice(0, 20)
      .join(' → ')}.${structured.truncated ? ' (Answer shortened to fit: diagram or later steps left out.)' : ''}`;
    return { text, structured };
  },
};

function compiled(tool: ServedTool): ServedTool {
  return { ...tool, check: lazyCheck(tool.definition.inputSchema as JsonSchema, 'refuse') };
}

export function readTools(maxWaitSeconds: number): ServedTool[] {
  return [getRunTool, waitRunTool(maxWaitSeconds), searchRunsTool, describeWorkflowTool].map(compiled);
}
