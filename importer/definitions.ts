/**
 * What `baton import` reads: Conductor WorkflowDefs (one per file, or a list) and, optionally,
 * TaskDefs (files holding task definitions, as `GET /metadata/taskdefs` returns them), checked
 * for the shape the importer relies on, with errors that name the file and the place in it.
 */
import { readFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { type Json, type JsonObject, isObject } from './json.js';

export interface SourcedDefinition {
  readonly definition: JsonObject;
  /** Where it came from: a file path, or `server:<name>:<version>`. */
  readonly source: string;
}

export interface DefinitionSet {
  readonly workflows: readonly SourcedDefinition[];
  /** Registered task definitions by name. */
  readonly taskDefs: ReadonlyMap<string, JsonObject>;
}

export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

function checkTasks(tasks: Json | undefined, where: string, problems: string[]): void {
  if (!Array.isArray(tasks)) {
    problems.push(`${where} must be a list of tasks`);
    return;
  }
  tasks.forEach((task, i) => {
    const at = `${where}[${i}]`;
    if (!isObject(task)) {
      problems.push(`${at} must be an object`);
      return;
    }
    for (const key of ['name', 'taskReferenceName'] as const) {
      if (typeof task[key] !== 'string' || task[key] === '') problems.push(`${at}.${key} must be a non-empty string`);
    }
    if (task.type !== undefined && task.type !== null && typeof task.type !== 'string') problems.push(`${at}.type must be a string`);
    if (task.inputParameters !== undefined && task.inputParameters !== null && !isObject(task.inputParameters)) problems.push(`${at}.inputParameters must be an object`);
    const label = typeof task.taskReferenceName === 'string' ? `${at} ('${task.taskReferenceName}')` : at;
    const cases = task.decisionCases;
    if (isObject(cases ?? null)) for (const [key, list] of Object.entries(cases as JsonObject)) checkTasks(list, `${label}.decisionCases.${key}`, problems);
    for (const key of ['defaultCase', 'loopOver'] as const) if (task[key] !== undefined && task[key] !== null) checkTasks(task[key], `${label}.${key}`, problems);
    if (Array.isArray(task.forkTasks)) task.forkTasks.forEach((branch, b) => checkTasks(branch, `${label}.forkTasks[${b}]`, problems));
    const sub = task.subWorkflowParam;
    if (isObject(sub ?? null) && isObject((sub as JsonObject).workflowDefinition ?? null)) {
      problems.push(...workflowProblems((sub as JsonObject).workflowDefinition as JsonObject, `${label}.subWorkflowParam.workflowDefinition`));
    }
  });
}

/** What is wrong with a WorkflowDef's shape, as `where: problem` lines. */
export function workflowProblems(def: JsonObject, where = '$'): string[] {
  const problems: string[] = [];
  if (typeof def.name !== 'string' || def.name === '') problems.push(`${where}.name must be a non-empty string`);
  if (def.version !== undefined && def.version !== null && !Number.isInteger(def.version)) problems.push(`${where}.version must be a whole number`);
  checkTasks(def.tasks, `${where}.tasks`, problems);
  if (def.outputParameters !== undefined && def.outputParameters !== null && !isObject(def.outputParameters)) {
    problems.push(`${where}.outputParameters must be an object`);
  }
  if (def.inputParameters !== undefined && def.inputParameters !== null) {
    if (!Array.isArray(def.inputParameters) || def.inputParameters.some((p) => typeof p !== 'string')) problems.push(`${where}.inputParameters must be a list of names`);
  }
  return problems;
}

/** A WorkflowDef is recognised by its task list; anything else with a name is a TaskDef. */
function isWorkflowDef(value: JsonObject): boolean {
  return 'tasks' in value;
}

/** Sorts the JSON of one file into workflow and task definitions, or says why it cannot. */
export function definitionsFromJson(json: Json, source: string): { workflows: SourcedDefinition[]; taskDefs: JsonObject[] } {
  const items = Array.isArray(json) ? json : [json];
  const workflows: SourcedDefinition[] = [];
  const taskDefs: JsonObject[] = [];
  const problems: string[] = [];
  items.forEach((item, i) => {
    const where = Array.isArray(json) ? `$[${i}]` : '$';
    if (!isObject(item)) {
      problems.push(`${where} is not a WorkflowDef or TaskDef object`);
      return;
    }
    if (isWorkflowDef(item)) {
      const found = workflowProblems(item, where);
      if (found.length > 0) problems.push(...found);
      else workflows.push({ definition: item, source });
    } else if (typeof item.name === 'string' && item.name !== '') {
      taskDefs.push(item);
    } else {
      problems.push(`${where} is neither a WorkflowDef (it has no "tasks") nor a TaskDef (it has no "name")`);
    }
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, 10).map((p) => `  ${p}`).join('\n');
    const more = problems.length > 10 ? `\n  … and ${problems.length - 10} more` : '';
    throw new ImportError(`${source}: not a Conductor definition:\n${shown}${more}`);
  }
  return { workflows, taskDefs };
}

/**
 * Reads definition files (paths resolved against the current directory); each definition's
 * source is its path relative to `base` (the project root), as the generated modules cite it.
 */
export function readDefinitionFiles(paths: readonly string[], base = process.cwd()): DefinitionSet {
  const workflows: SourcedDefinition[] = [];
  const taskDefs = new Map<string, JsonObject>();
  for (const path of paths) {
    const absolute = resolve(path);
    const file = relative(base, absolute).split(sep).join('/') || absolute;
    let text: string;
    try {
      text = readFileSync(absolute, 'utf8');
    } catch (error) {
      throw new ImportError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    let json: Json;
    try {
      json = JSON.parse(text) as Json;
    } catch (error) {
      throw new ImportError(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    const found = definitionsFromJson(json, file);
    workflows.push(...found.workflows);
    for (const def of found.taskDefs) taskDefs.set(def.name as string, def);
  }
  return { workflows: dedupe(workflows), taskDefs };
}

/** The same name and version twice is an error: which one should win? */
export function dedupe(workflows: readonly SourcedDefinition[]): SourcedDefinition[] {
  const seen = new Map<string, string>();
  for (const w of workflows) {
    const key = `${String(w.definition.name)}@${String(w.definition.version ?? 1)}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new ImportError(`workflow '${String(w.definition.name)}' version ${String(w.definition.version ?? 1)} is defined twice (${first} and ${w.source}); import one of them`);
    }
    seen.set(key, w.source);
  }
  return [...workflows];
}
