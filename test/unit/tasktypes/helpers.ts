/**
 * Compiles small workflows through the real pipeline (compile() with a config resolved from no
 * project file) and hands back what the task type tests assert on: the lowered WorkflowTasks,
 * or the diagnostics.
 */
import { expect } from 'vitest';
import type { CompileResult } from '../../../compiler/compile.js';
import type { AnyWorkflow } from '../../../dsl/index.js';
import { compileAll as compileList } from '../core/helpers.js';

export { defaultDef, externalDef, llmDef } from '../core/helpers.js';

export type JsonObject = { [key: string]: unknown };

export function compileAll(...workflows: AnyWorkflow[]): CompileResult {
  return compileList(workflows);
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

