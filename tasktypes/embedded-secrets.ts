/**
 * Where a secret must not go, as seen on Conductor OSS 3.32.3. The server puts secrets into a
 * task's input when the task runs, and keeps the placeholder in the stored input; but what some
 * tasks do with that input is stored with the value: SET_VARIABLE's variables, the input of a
 * child started by SUB_WORKFLOW or START_WORKFLOW. (A workflow's output is not resolved at all.)
 *
 * Secrets in workflow definitions that travel inside a task's input: an inline sub-workflow
 * (SUB_WORKFLOW with `workflowDefinition`) and the per-element child workflow of a multi-step
 * for-each. Conductor puts secrets into a system task's input when it runs the task, and that
 * input holds the child's whole definition: the child would start with the secret's value
 * written into its tasks, stored in its execution history (seen on Conductor OSS 3.32.3).
 * A workflow called by reference, or a for-each with a single task, keeps the placeholder.
 */
import type { StepBase } from '../ir/step.js';
import type { Value } from '../ir/value.js';
import type { WorkflowIR } from '../ir/workflow.js';
import { registryLookup } from './lookup.js';

/** The name of the first secret read anywhere in these steps (nested blocks and inline children included). */
export function firstSecretIn(steps: readonly StepBase[]): string | undefined {
  for (const step of steps) {
    let found: string | undefined;
    for (const placed of registryLookup().valuesOf(step)) {
      found ??= secretIn(placed.value);
    }
    if (found !== undefined) return found;
    for (const block of registryLookup().blocksOf(step)) {
      found = firstSecretIn(block.steps);
      if (found !== undefined) return found;
    }
    const inline = (step as { inlineDefinition?: WorkflowIR }).inlineDefinition;
    if (inline) {
      found = firstSecretIn(inline.steps);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

const RAW_SECRET = /\$\{workflow\.secrets\.([A-Za-z0-9_]+)/;
const RAW_SECRETS = new RegExp(RAW_SECRET.source, 'g');

/** Every secret these steps read (nested blocks and inline children included), sorted. */
export function secretsIn(steps: readonly StepBase[]): string[] {
  const found = new Set<string>();
  const visit = (list: readonly StepBase[]) => {
    for (const step of list) {
      for (const placed of registryLookup().valuesOf(step)) collectSecrets(placed.value, found);
      for (const block of registryLookup().blocksOf(step)) visit(block.steps);
      const inline = (step as { inlineDefinition?: WorkflowIR }).inlineDefinition;
      if (inline) visit(inline.steps);
    }
  };
  visit(steps);
  return [...found].sort();
}

function collectSecrets(value: Value, into: Set<string>): void {
  switch (value.kind) {
    case 'literal':
      return;
    case 'raw':
      for (const m of value.text.matchAll(RAW_SECRETS)) into.add(m[1]!);
      return;
    case 'ref':
      if (value.target.kind === 'secret') into.add(value.target.name);
      else if (value.target.kind === 'alias') collectSecrets(value.target.value, into);
      return;
    case 'template':
      for (const part of value.parts) if (typeof part !== 'string') collectSecrets(part, into);
      return;
    case 'object':
      for (const field of Object.values(value.fields)) collectSecrets(field, into);
      return;
    case 'array':
      for (const item of value.items) collectSecrets(item, into);
      return;
  }
}

/** The first secret read by these values (a step's input, say). */
export function secretInValues(values: Readonly<Record<string, Value>>): string | undefined {
  for (const value of Object.values(values)) {
    const found = secretIn(value);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A secret read by this value: through secret(), or written into raw('…') text. */
function secretIn(value: Value): string | undefined {
  switch (value.kind) {
    case 'literal':
      return undefined;
    case 'raw':
      return RAW_SECRET.exec(value.text)?.[1];
    case 'ref':
      if (value.target.kind === 'secret') return value.target.name;
      return value.target.kind === 'alias' ? secretIn(value.target.value) : undefined;
    case 'template':
      for (const part of value.parts) {
        const found = typeof part === 'string' ? undefined : secretIn(part);
        if (found !== undefined) return found;
      }
      return undefined;
    case 'object':
      for (const field of Object.values(value.fields)) {
        const found = secretIn(field);
        if (found !== undefined) return found;
      }
      return undefined;
    case 'array':
      for (const item of value.items) {
        const found = secretIn(item);
        if (found !== undefined) return found;
      }
      return undefined;
  }
}
