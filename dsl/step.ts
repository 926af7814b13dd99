/**
 * Step handles: what a builder call returns. A handle gives typed references to the step's
 * output (and input), and lets the author attach a compensation.
 */
import type { z } from 'zod';
import type { CompensationIR, StepBase } from '../ir/step.js';
import type { Recorder } from './recorder.js';
import type { In } from './input.js';
import { pickPolicy, type PolicyOptions } from './options.js';
import { type Ref, makeRef } from './ref.js';
import { TASK, type TaskDecl } from './task.js';
import { type ValueProblem, toValueRecord } from './values.js';
import { captureCallSite } from './callsite.js';
import { WORKFLOW } from './brands.js';

export const STEP: unique symbol = Symbol.for('baton.step') as never;

export type TaskStatus =
  | 'IN_PROGRESS'
  | 'CANCELED'
  | 'FAILED'
  | 'FAILED_WITH_TERMINAL_ERROR'
  | 'COMPLETED'
  | 'COMPLETED_WITH_ERRORS'
  | 'SCHEDULED'
  | 'TIMED_OUT'
  | 'SKIPPED';

export interface Step<O> {
  readonly [STEP]: StepBase;
  /** Conductor's taskReferenceName of this step. */
  readonly ref: string;
  readonly output: Ref<O>;
  /** The task's status as Conductor records it (useful after an optional step). */
  readonly status: Ref<TaskStatus>;
  readonly taskId: Ref<string>;
  readonly reasonForIncompletion: Ref<string | null>;
}

/** The references a compensation mapping may read: the original step's input and output. */
export interface CompensationSource<I, O> {
  readonly input: Ref<I>;
  readonly output: Ref<O>;
}

export interface CompensableStep<I, O> extends Step<O> {
  readonly input: Ref<I>;
  /**
   * Declares how to undo this step. When a later step fails, the generated failure workflow
   * runs the undo of every completed compensable step, newest first, with this input. The undo
   * is a worker task, or another baton workflow run as a child (for an undo that is an HTTP
   * call, or takes several steps); the mapping is typed from its input schema. `options` set
   * the retries of the undo (of the child run as a whole, for a workflow).
   */
  compensate<UI extends z.ZodType, const M extends In<z.input<UI>>>(
    undo: TaskDecl<UI> | UndoWorkflow<UI>,
    // The mapping's result is a `const` type parameter so `reason: 'failed'` stays the literal
    // an enum field needs: TypeScript widens literals returned into a still-generic type.
    mapping: (done: CompensationSource<I, O>) => M,
    options?: PolicyOptions,
  ): this;
}

/** What `.compensate()` accepts besides a task: any baton workflow (or externalWorkflow()). */
export interface UndoWorkflow<I extends z.ZodType> {
  readonly [WORKFLOW]: { readonly external: boolean };
  readonly name: string;
  readonly version: number;
  readonly input: I;
}

function undoTarget(undo: TaskDecl | UndoWorkflow<z.ZodType>): CompensationIR['undo'] {
  if (TASK in undo) return undo[TASK];
  return Object.freeze({ kind: 'undoWorkflow', name: undo.name, version: undo.version, external: undo[WORKFLOW].external, input: undo.input });
}

export function isStep(value: unknown): value is Step<unknown> {
  return typeof value === 'object' && value !== null && STEP in value;
}

export function stepNode(step: Step<unknown>): StepBase {
  return step[STEP];
}

/** Builds the handle for a recorded step node. `output` may be remapped by the task type. */
export function makeStep<O>(node: StepBase): Step<O> {
  return {
    [STEP]: node,
    ref: node.ref,
    output: makeRef<O>({ kind: 'stepOutput', step: node.ref }),
    status: makeRef({ kind: 'stepMeta', step: node.ref, field: 'status' }),
    taskId: makeRef({ kind: 'stepMeta', step: node.ref, field: 'taskId' }),
    reasonForIncompletion: makeRef({ kind: 'stepMeta', step: node.ref, field: 'reasonForIncompletion' }),
  };
}

/** A handle that can carry a compensation; `node` must be the mutable recorded node. */
export function makeCompensableStep<I, O>(node: StepBase, recorder: Recorder): CompensableStep<I, O> {
  // makeStep's fields written out rather than spread: a build makes thousands of these.
  const handle: CompensableStep<I, O> = {
    [STEP]: node,
    ref: node.ref,
    output: makeRef<O>({ kind: 'stepOutput', step: node.ref }),
    status: makeRef({ kind: 'stepMeta', step: node.ref, field: 'status' }),
    taskId: makeRef({ kind: 'stepMeta', step: node.ref, field: 'taskId' }),
    reasonForIncompletion: makeRef({ kind: 'stepMeta', step: node.ref, field: 'reasonForIncompletion' }),
    input: makeRef<I>({ kind: 'stepInput', step: node.ref }),
    compensate(undo: TaskDecl | UndoWorkflow<z.ZodType>, mapping: (done: CompensationSource<I, O>) => unknown, options?: PolicyOptions) {
      const loc = captureCallSite(recorder.mapLoc, 'compensate');
      const problems: ValueProblem[] = [];
      const input = toValueRecord(mapping({ input: handle.input, output: handle.output }) as object, problems);
      for (const p of problems) {
        recorder.problem({ loc, code: 'invalid-input', message: `compensation input ${p.path}: ${p.message}` });
      }
      const compensation: CompensationIR = Object.freeze({
        undo: undoTarget(undo),
        input: Object.freeze(input),
        ...(options && { policy: pickPolicy(options) }),
        loc,
      });
      if (node.compensation) {
        recorder.problem({
          loc,
          code: 'duplicate-compensation',
          message: `step '${node.ref}' already has a compensation`,
          hint: 'a step is undone by one task or workflow; call .compensate() once',
        });
      }
      (node as { compensation?: CompensationIR }).compensation = compensation;
      return handle;
    },
  };
  return handle;
}
