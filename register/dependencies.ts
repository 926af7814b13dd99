/**
 * Sub-workflows a project calls but neither defines nor finds on the server. Conductor accepts
 * such a definition (its validation does not look the sub-workflow up) and fails only when a
 * run reaches the call, so `register` warns and `validate --server` reports an error.
 */
import type { DefinitionSet } from './definitions.js';
import { type Json, type JsonObject, isObject } from './json.js';
import type { ServerState } from './server-state.js';

export interface MissingDependency {
  readonly workflow: string;
  readonly version: number;
  readonly ref: string;
  readonly target: string;
  /** Undefined: the call takes the latest version. */
  readonly targetVersion?: number;
}

export function missingDependencies(definitions: DefinitionSet, state: ServerState): MissingDependency[] {
  const ours = new Set(definitions.workflows.map((w) => `${w.name}@${w.version}`));
  const ourNames = new Set(definitions.workflows.map((w) => w.name));
  const out: MissingDependency[] = [];
  for (const w of definitions.workflows) {
    const failure = w.definition.failureWorkflow;
    if (typeof failure === 'string' && failure !== '' && !ourNames.has(failure) && !state.workflows.has(failure)) {
      out.push({ workflow: w.name, version: w.version, ref: 'failureWorkflow', target: failure });
    }
    for (const task of subWorkflowTasks(w.definition.tasks)) {
      const ref = String(task.taskReferenceName);
      const param = task.subWorkflowParam;
      if (!isObject(param) || typeof param.name !== 'string' || param.workflowDefinition) continue;
      const version = typeof param.version === 'number' ? param.version : undefined;
      const known =
        version === undefined
          ? ourNames.has(param.name) || state.workflows.has(param.name)
          : ours.has(`${param.name}@${version}`) || state.workflows.get(param.name)?.has(version) === true;
      if (!known) out.push({ workflow: w.name, version: w.version, ref, target: param.name, ...(version !== undefined && { targetVersion: version }) });
    }
  }
  return out;
}

/** SUB_WORKFLOW tasks anywhere in a task list (inside switches, forks and loops too). */
function* subWorkflowTasks(tasks: Json | undefined): Generator<JsonObject> {
  if (!Array.isArray(tasks)) return;
  for (const task of tasks) {
    if (!isObject(task)) continue;
    if (task.type === 'SUB_WORKFLOW') yield task;
    if (isObject(task.decisionCases)) for (const branch of Object.values(task.decisionCases)) yield* subWorkflowTasks(branch);
    yield* subWorkflowTasks(task.defaultCase);
    if (Array.isArray(task.forkTasks)) for (const branch of task.forkTasks) yield* subWorkflowTasks(branch);
    yield* subWorkflowTasks(task.loopOver);
  }
}
