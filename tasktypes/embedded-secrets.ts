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
import type { SourceLoc } from '../ir/source.js';
import type { StepBase } from '../ir/step.js';
import { type Value, forEachRef } from '../ir/value.js';
import type { WorkflowIR } from '../ir/workflow.js';
import { registryLookup } from './lookup.js';
import type { CheckContext } from './types.js';

const RAW_SECRETS = /\$\{workflow\.secrets\.([A-Za-z0-9_]+)/g;

/** Adds the secrets a value reads, through secret() or written into raw('…') text, in order. */
function collectSecrets(value: Value, into: Set<string>): void {
  forEachRef(
    value,
    (ref) => {
      if (ref.target.kind === 'secret') into.add(ref.target.name);
    },
    (raw) => {
      for (const m of raw.text.matchAll(RAW_SECRETS)) into.add(m[1]!);
    },
  );
}

/** The secrets these steps read (nested blocks and inline children included), in the order met. */
function secretsMet(steps: readonly StepBase[], into = new Set<string>()): Set<string> {
  for (const step of steps) {
    for (const placed of registryLookup().valuesOf(step)) collectSecrets(placed.value, into);
    for (const block of registryLookup().blocksOf(step)) secretsMet(block.steps, into);
    const inline = (step as { inlineDefinition?: WorkflowIR }).inlineDefinition;
    if (inline) secretsMet(inline.steps, into);
  }
  return into;
}

/** Every secret these steps read, sorted: what the server must provide. */
export function secretsIn(steps: readonly StepBase[]): string[] {
  return [...secretsMet(steps)].sort();
}

/** The first secret read anywhere in these steps, if any. */
export function firstSecretIn(steps: readonly StepBase[]): string | undefined {
  return secretsMet(steps).values().next().value;
}

/** The first secret read by these values (a step's input, say), if any. */
export function secretInValues(values: Readonly<Record<string, Value>>): string | undefined {
  const found = new Set<string>();
  for (const value of Object.values(values)) collectSecrets(value, found);
  return found.values().next().value;
}

/**
 * Reports a secret where Conductor would store its value: an error, or a warning on an imported
 * definition, which already runs this way and is built as it was.
 */
export function reportSecret(ctx: CheckContext, loc: SourceLoc, code: string, message: string, hint: string): void {
  ctx.report(loc, code, message, hint, ctx.workflow.preserveSettings ? 'warning' : 'error');
}
