/**
 * Reading definitions from a live Conductor server (through runtime/conductor.ts, so the same
 * address, authentication and retries as every other command): the chosen workflows, and the
 * registered task definitions of the worker tasks they use.
 */
import { ConductorError, type Conductor } from '../runtime/conductor.js';
import { type DefinitionSet, ImportError, type SourcedDefinition, dedupe, workflowProblems } from './definitions.js';
import { type JsonObject, isObject, isTaskList } from './json.js';

export type ServerSelection =
  | { readonly kind: 'names'; readonly names: readonly { readonly name: string; readonly version?: number }[] }
  /** The newest version of every workflow on the server. */
  | { readonly kind: 'latest' }
  /** Every version of every workflow. */
  | { readonly kind: 'all-versions' };

/** `name` or `name:version`, as the command line takes them. */
export function parseSelector(text: string): { name: string; version?: number } {
  const m = /^(.+?)(?::(\d+))?$/.exec(text.trim());
  if (!m || m[1]!.trim() === '') throw new ImportError(`'${text}' is not a workflow name (write name or name:version)`);
  return m[2] === undefined ? { name: m[1]! } : { name: m[1]!, version: Number(m[2]) };
}

function asDefinition(value: unknown, what: string): JsonObject {
  if (!isObject(value as never)) throw new ImportError(`the server answered ${what} with something that is not a workflow definition`);
  const def = value as JsonObject;
  const problems = workflowProblems(def);
  if (problems.length > 0) throw new ImportError(`the server's ${what} is not a definition baton can read: ${problems.slice(0, 5).join('; ')}`);
  return def;
}

async function fetchWorkflows(conductor: Conductor, selection: ServerSelection): Promise<JsonObject[]> {
  if (selection.kind === 'names') {
    const out: JsonObject[] = [];
    for (const { name, version } of selection.names) {
      const what = `workflow '${name}'${version === undefined ? '' : ` version ${version}`}`;
      try {
        const def = await conductor.get(`/metadata/workflow/${encodeURIComponent(name)}`, { query: { version } });
        out.push(asDefinition(def, what));
      } catch (error) {
        if (error instanceof ConductorError && error.status === 404) throw new ImportError(`the server has no ${what}`);
        throw error;
      }
    }
    return out;
  }
  const path = selection.kind === 'latest' ? '/metadata/workflow/latest-versions' : '/metadata/workflow';
  const list = await conductor.get<unknown>(path);
  if (!Array.isArray(list)) throw new ImportError(`the server answered ${path} with something that is not a list`);
  return list.map((def, i) => asDefinition(def, `definition #${i + 1}`));
}

/** Names of the worker tasks a definition uses, nested and inline ones included. */
export function workerTaskNames(tasks: unknown, into = new Set<string>()): Set<string> {
  if (!isTaskList(tasks as never)) return into;
  for (const task of tasks as JsonObject[]) {
    if ((task.type ?? 'SIMPLE') === 'SIMPLE' && typeof task.name === 'string') into.add(task.name);
    if (isObject(task.decisionCases ?? null)) for (const list of Object.values(task.decisionCases as JsonObject)) workerTaskNames(list, into);
    workerTaskNames(task.defaultCase, into);
    workerTaskNames(task.loopOver, into);
    if (Array.isArray(task.forkTasks)) for (const branch of task.forkTasks) workerTaskNames(branch, into);
    const inline = isObject(task.subWorkflowParam ?? null) ? (task.subWorkflowParam as JsonObject).workflowDefinition : undefined;
    if (isObject(inline ?? null)) workerTaskNames((inline as JsonObject).tasks, into);
  }
  return into;
}

export async function fetchDefinitions(conductor: Conductor, selection: ServerSelection): Promise<DefinitionSet> {
  const defs = await fetchWorkflows(conductor, selection);
  const workflows: SourcedDefinition[] = defs.map((definition) => ({
    definition,
    source: `server:${String(definition.name)}:${String(definition.version ?? 1)}`,
  }));
  const names = new Set<string>();
  for (const def of defs) workerTaskNames(def.tasks, names);
  const taskDefs = new Map<string, JsonObject>();
  for (const name of [...names].sort()) {
    try {
      const def = await conductor.get(`/metadata/taskdefs/${encodeURIComponent(name)}`);
      if (isObject(def as never)) taskDefs.set(name, def as JsonObject);
    } catch (error) {
      // A worker task without a registered definition is imported without one.
      if (!(error instanceof ConductorError && error.status === 404)) throw error;
    }
  }
  return { workflows: dedupe(workflows), taskDefs };
}
