import type { z } from 'zod';
import type { PolicyOverrides } from './policy.js';
import type { SourceLoc } from './source.js';
import type { TaskDeclIR } from './task-decl.js';
import type { Json, Value } from './value.js';

/** Settings every step may carry, whatever its task type. */
export interface StepOptionsIR {
  readonly description?: string;
  /** The workflow goes on when this step fails (Conductor's `optional`). */
  readonly optional?: boolean;
  /** Seconds to wait before the task is scheduled. */
  readonly startDelaySeconds?: number;
  /** The task stays IN_PROGRESS until something external completes it. */
  readonly asyncComplete?: boolean;
  /** The workflow continues on failure and fails only at the end (Conductor's `permissive`). */
  readonly permissive?: boolean;
  readonly cache?: { readonly key: Value; readonly ttlSeconds: number };
  readonly profile?: string;
  readonly policy?: PolicyOverrides;
  readonly rateLimited?: boolean;
  /** The WorkflowTask's `name` when it differs from what the builder derives (imported tasks). */
  readonly conductorName?: string;
  /** WorkflowTask fields baton has no option for, written as given after the builder's own. */
  readonly fields?: Readonly<Record<string, Json>>;
}

/**
 * A workflow that undoes a step, run as a child by the generated failure workflow: for an undo
 * that is an HTTP call, or takes several steps.
 */
export interface UndoWorkflowIR {
  readonly kind: 'undoWorkflow';
  readonly name: string;
  readonly version: number;
  /** Declared with externalWorkflow(): registered by someone else. */
  readonly external: boolean;
  readonly input: z.ZodType;
}

/** The undo of a step, run by the generated failure workflow when a later step fails. */
export interface CompensationIR {
  /** A worker task, or a workflow run as a child. */
  readonly undo: TaskDeclIR | UndoWorkflowIR;
  /** Input of the undo; may reference the original step's input and output. */
  readonly input: Readonly<Record<string, Value>>;
  readonly policy?: PolicyOverrides;
  readonly loc: SourceLoc;
}

/**
 * The fields every step node has. Each task type (tasktypes/*.ts) extends this with its own
 * fields under its own `kind`.
 */
export interface StepBase {
  readonly kind: string;
  /** Conductor's taskReferenceName: unique in the workflow. */
  readonly ref: string;
  readonly loc: SourceLoc;
  readonly input: Readonly<Record<string, Value>>;
  readonly options: StepOptionsIR;
  readonly compensation?: CompensationIR;
}

/**
 * How a nested block runs relative to its owner, which decides what may be referenced from
 * outside: `always` blocks (fork branches) finish before the owner completes; `maybe` blocks
 * (switch cases) may not run at all; `repeat` blocks (loop bodies) run one or more times and are
 * read from outside only through the loop's own output; `isolated` blocks (for-each bodies) run
 * once per element in their own context.
 */
export type BlockMode = 'always' | 'maybe' | 'repeat' | 'isolated';

export interface Block {
  readonly label: string;
  readonly mode: BlockMode;
  readonly steps: readonly StepBase[];
}
