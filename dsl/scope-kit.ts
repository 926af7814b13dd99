/**
 * What task-type builders (tasktypes/*.ts) use to record a step into a scope: the call site,
 * a reference name, converted inputs and options, and child scopes for nested blocks. Kept apart
 * from the Scope class so task types never import it (Scope imports them).
 */
import type { SourceLoc } from '../ir/source.js';
import type { BlockMode, StepBase, StepOptionsIR } from '../ir/step.js';
import type { Value } from '../ir/value.js';
import { captureCallSite } from './callsite.js';
import { type StepOptions, toStepOptions } from './options.js';
import type { Recorder } from './recorder.js';
import { type ValueProblem, toValue, toValueRecord } from './values.js';

export const SCOPE: unique symbol = Symbol.for('baton.scope') as never;

export interface ScopeState {
  readonly recorder: Recorder;
  readonly steps: StepBase[];
  /** Makes an empty scope for a nested block (switch case, fork branch, loop body). */
  readonly child: (mode: BlockMode) => ScopeLike;
  readonly mode: BlockMode;
}

export interface ScopeLike {
  readonly [SCOPE]: ScopeState;
}

/** Everything a builder needs about the call being recorded. */
export interface Recording {
  readonly state: ScopeState;
  readonly recorder: Recorder;
  readonly loc: SourceLoc;
  readonly ref: string;
  readonly options: StepOptionsIR;
  /** Converts an input expression, reporting problems at this call. */
  value(input: unknown, what: string): Value;
  values(input: object | undefined, what: string): Record<string, Value>;
  problem(code: string, message: string, hint?: string, severity?: 'error' | 'warning'): void;
}

/**
 * Starts recording a builder call: captures the author's line, claims a reference name (the
 * explicit `ref` option, else `defaultRef`) and converts the common options.
 */
export function begin(scope: ScopeLike, defaultRef: string, options?: StepOptions): Recording {
  return new BuilderCall(scope[SCOPE], defaultRef, options);
}

/** One recording per step: its methods live on the prototype, not in closures per call. */
class BuilderCall implements Recording {
  readonly recorder: Recorder;
  readonly loc: SourceLoc;
  readonly options: StepOptionsIR;
  readonly ref: string;

  constructor(
    readonly state: ScopeState,
    defaultRef: string,
    options: StepOptions | undefined,
  ) {
    const recorder = state.recorder;
    this.recorder = recorder;
    this.loc = captureCallSite(recorder.mapLoc, defaultRef);
    const optionProblems: ValueProblem[] = [];
    this.options = toStepOptions(options, optionProblems);
    this.report(optionProblems, 'options');
    this.ref = recorder.claim(options?.ref ?? defaultRef, options?.ref !== undefined);
  }

  private report(problems: readonly ValueProblem[], what: string): void {
    for (const p of problems) {
      const where = p.path === '$' ? what : `${what} ${p.path.replace(/^\$\.?/, '')}`;
      this.recorder.problem({ loc: this.loc, code: 'invalid-input', message: `${where}: ${p.message}` });
    }
  }

  value(input: unknown, what: string): Value {
    const problems: ValueProblem[] = [];
    const v = toValue(input, problems);
    this.report(problems, what);
    return v;
  }

  values(input: object | undefined, what: string): Record<string, Value> {
    const problems: ValueProblem[] = [];
    const v = toValueRecord(input, problems);
    this.report(problems, what);
    return v;
  }

  problem(code: string, message: string, hint?: string, severity: 'error' | 'warning' = 'error'): void {
    this.recorder.problem({ loc: this.loc, code, message, ...(hint !== undefined && { hint }), severity });
  }
}

/** Appends a finished node to the scope it was recorded in. */
export function record<N extends StepBase>(recording: Recording, node: N): N {
  recording.state.steps.push(node);
  return node;
}

/** Runs a nested block's callback in a fresh child scope and returns its steps and result. */
export function nested<R>(
  recording: Recording,
  mode: BlockMode,
  body: (scope: ScopeLike) => R,
): { steps: StepBase[]; result: R } {
  const child = recording.state.child(mode);
  const result = body(child);
  return { steps: child[SCOPE].steps, result };
}
