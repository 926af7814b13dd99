/**
 * Compiles small workflows through the real pipeline (compile() with a config resolved from no
 * project file) and hands back what the task type tests assert on: the lowered WorkflowTasks,
 * or the diagnostics.
 */
import { expect } from 'vitest';
import { compile, type CompileResult } from '../../../compiler/compile.js';
import { resolveConfig } from '../../../compiler/config.js';
import type { AnyWorkflow } from '../../../dsl/index.js';

export type JsonObject = { [key: string]: unknown };

const root = process.cwd();

export function compileAll(...workflows: AnyWorkflow[]): CompileResult {
  return compile({ config: resolveConfig(root, {}), workflows: workflows.map((workflow) => ({ workflow, file: `${root}/workflows/${workflow.name}.ts` })) });
}

/** The diagnostics of a build, without locations. */
export function diagnosticsOf(...workflows: AnyWorkflow[]): { code: string; message: string; severity: string; hint?: string }[] {
  return compileAll(...workflows).diagnostics.map((d) => ({ code: d.code, message: d.message, severity: d.severity, ...(d.hint !== undefined && { hint: d.hint }) }));
}

/** The lowered tasks of the first workflow; fails the test when the build has errors. */
export function tasksOf(...workflows: AnyWorkflow[]): JsonObject[] {
  const result = compileAll(...workflows);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  expect(errors.map((d) => `${d.code}: ${d.message}`)).toEqual([]);
  const first = result.workflows.find((w) => w.ir.name === workflows[0]!.name);
  return (first!.definition.tasks ?? []) as JsonObject[];
}

/** The workflow definition of the first workflow. */
export function definitionOf(...workflows: AnyWorkflow[]): JsonObject {
  const result = compileAll(...workflows);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.workflows.find((w) => w.ir.name === workflows[0]!.name)!.definition as JsonObject;
}

/**
 * The task definition baton embeds in a system task with the shipped defaults: 3 retries backing
 * off 2-4-8 s, 60 s timeouts, and a total budget of 4 × 60 + 14 + 60 s.
 */
export function defaultDef(name: string, overrides: JsonObject = {}): JsonObject {
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
export function externalDef(name: string, overrides: JsonObject = {}): JsonObject {
  return defaultDef(name, { timeoutSeconds: 30, responseTimeoutSeconds: 30, totalTimeoutSeconds: 194, ...overrides });
}

/** The same under the 'llm' profile (completions): 120 s timeouts, retries 5-10-20 s apart, total 4 × 120 + 35 + 120 s. */
export function llmDef(name: string, overrides: JsonObject = {}): JsonObject {
  return defaultDef(name, { retryDelaySeconds: 5, timeoutSeconds: 120, responseTimeoutSeconds: 120, totalTimeoutSeconds: 635, ...overrides });
}
