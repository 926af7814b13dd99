/**
 * Shared helpers of the core unit tests: compile workflows in memory through the real compiler
 * (no disk, no loader), and pick things out of the result.
 */
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import type { BatonConfig } from '../../../compiler/config-types.js';
import { compile, type CompileResult } from '../../../compiler/compile.js';
import { resolveConfig } from '../../../compiler/config.js';
import type { Diagnostic } from '../../../compiler/diagnostics.js';
import type { AnyWorkflow } from '../../../dsl/workflow.js';
import type { TaskDeclIR } from '../../../ir/task-decl.js';
import type { Json } from '../../../ir/value.js';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export type JsonObject = { [key: string]: Json };

export function compileAll(
  workflows: readonly AnyWorkflow[],
  config: BatonConfig = {},
  taskDecls: readonly { decl: TaskDeclIR; file: string }[] = [],
): CompileResult {
  return compile({
    config: resolveConfig(projectRoot, config),
    workflows: workflows.map((workflow) => ({ workflow, file: `${projectRoot}/workflows/${workflow.name}.ts` })),
    taskDecls,
  });
}

/** Compiles workflows and returns the definition of the first one, failing loudly on errors. */
export function compileOk(workflows: AnyWorkflow | readonly AnyWorkflow[], config: BatonConfig = {}) {
  const list = Array.isArray(workflows) ? workflows : [workflows as AnyWorkflow];
  const result = compileAll(list, config);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`unexpected errors:\n${errors.map((d) => `${d.code} ${d.message}`).join('\n')}`);
  const first = list[0]!;
  const compiled = result.workflows.find((w) => w.ir.name === first.name)!;
  return { result, definition: compiled.definition as JsonObject, compiled, tasks: compiled.definition.tasks as JsonObject[] };
}

/** The generated file's parsed JSON. */
export function fileJson(result: CompileResult, path: string): JsonObject {
  const text = result.files.get(path);
  if (text === undefined) throw new Error(`no generated file ${path}; have: ${[...result.files.keys()].join(', ')}`);
  return JSON.parse(text) as JsonObject;
}

/** Diagnostics as `code` strings (errors and warnings alike), for compact assertions. */
export function codes(diagnostics: readonly Diagnostic[], severity?: 'error' | 'warning'): string[] {
  return diagnostics.filter((d) => severity === undefined || d.severity === severity).map((d) => d.code);
}

export function diagnosticsOf(workflows: AnyWorkflow | readonly AnyWorkflow[], config: BatonConfig = {}): readonly Diagnostic[] {
  const list = Array.isArray(workflows) ? workflows : [workflows as AnyWorkflow];
  return compileAll(list, config).diagnostics;
}

/** Every WorkflowTask of a definition, nested ones included, depth first. */
export function allTasks(tasks: readonly Json[]): JsonObject[] {
  const out: JsonObject[] = [];
  const visit = (list: Json | undefined) => {
    if (!Array.isArray(list)) return;
    for (const item of list) {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
      const t = item as JsonObject;
      out.push(t);
      if (Array.isArray(t.forkTasks)) for (const branch of t.forkTasks) visit(branch);
      visit(t.loopOver);
      visit(t.defaultCase);
      if (t.decisionCases && typeof t.decisionCases === 'object' && !Array.isArray(t.decisionCases)) {
        for (const branch of Object.values(t.decisionCases)) visit(branch);
      }
    }
  };
  visit(tasks as Json);
  return out;
}

/**
 * The task definition baton embeds in a system task with the shipped defaults: 3 retries backing
 * off 2-4-8 s, 60 s timeouts, and a total budget of 4 × 60 + 14 + 60 s.
 */
export function defaultDef(name: string, overrides: Partial<JsonObject> = {}): JsonObject {
  return {
    name,
    retryCount: 3,
    retryLogic: 'EXPONENTIAL_BACKOFF',
    retryDelaySeconds: 2,
    backoffScaleFactor: 1,
    maxRetryDelaySeconds: 60,
    backoffJitterMs: 0,
    timeoutSeconds: 60,
    responseTimeoutSeconds: 60,
    totalTimeoutSeconds: 314,
    timeoutPolicy: 'RETRY',
    pollTimeoutSeconds: 0,
    rateLimitPerFrequency: 0,
    rateLimitFrequencyInSeconds: 1,
    concurrentExecLimit: 0,
    ...overrides,
  };
}

/** The same under the 'external' profile: 30 s timeouts, total 4 × 30 + 14 + 60 s. */
export function externalDef(name: string, overrides: Partial<JsonObject> = {}): JsonObject {
  return defaultDef(name, { timeoutSeconds: 30, responseTimeoutSeconds: 30, totalTimeoutSeconds: 194, ...overrides });
}

/** The same under the 'llm' profile (completions): 120 s timeouts, retries 5-10-20 s apart, total 4 × 120 + 35 + 120 s. */
export function llmDef(name: string, overrides: Partial<JsonObject> = {}): JsonObject {
  return defaultDef(name, { retryDelaySeconds: 5, timeoutSeconds: 120, responseTimeoutSeconds: 120, totalTimeoutSeconds: 635, ...overrides });
}
