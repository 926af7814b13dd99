/**
 * Late-bound access to the task type table for task types that walk nested steps of other
 * types (for-each collects the references its body makes). The table sets it when it loads, so
 * task type modules never import the table (which imports them).
 */
import type { Block, StepBase } from '../ir/step.js';
import type { PathSegment } from '../ir/value.js';
import type { PlacedValue, TaskTypeModule } from './types.js';

export interface RegistryLookup {
  moduleOf(step: StepBase): TaskTypeModule;
  /** node.input plus the type's extra values. */
  valuesOf(step: StepBase): readonly PlacedValue[];
  blocksOf(step: StepBase): readonly Block[];
  outputRefOf(step: StepBase): { readonly ref: string; readonly prefix: readonly PathSegment[] };
}

let current: RegistryLookup | undefined;

export function setRegistryLookup(lookup: RegistryLookup): void {
  current = lookup;
}

export function registryLookup(): RegistryLookup {
  if (!current) throw new Error('the task type table is not loaded; import tasktypes/registry.js first');
  return current;
}
