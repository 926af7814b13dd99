/**
 * The contract of a form: how one Conductor task is written in baton source. A planner looks at
 * a task and either returns a form (the builder call that lowers back to exactly that task) or
 * declines, and the next candidate is tried; the escape hatch `wf.task(…)` accepts everything.
 */
import type { BlockMode } from '../../ir/step.js';
import type { PathSegment } from '../../ir/value.js';
import type { Doc } from '../doc.js';
import type { ExprRoot } from '../expressions.js';
import type { Json, JsonObject } from '../json.js';
import type { CommonPlan } from './common.js';

export interface BlockPlan {
  readonly label: string;
  readonly mode: BlockMode;
  readonly tasks: readonly JsonObject[];
}

/** What a reference stands for, as far as the type checker and `str` are concerned. */
export type ValueType = 'any' | 'string' | 'number' | 'nullableString' | 'object';

/** How a reference into a step reads in TypeScript: `<handle><access><path>`. */
export interface Member {
  readonly access: string;
  readonly path: readonly PathSegment[];
  readonly type: ValueType;
  /**
   * How many leading path segments are keys the schema declares; the rest go through index
   * signatures (of `z.any()`, arrays, records) and get a `!` under noUncheckedIndexedAccess.
   */
  readonly named: number;
  /** Called when the reference is written typed, so schemas can grow the keys it reads. */
  readonly used?: () => void;
}

/** Where a value is used, which decides what kind of reference TypeScript accepts there. */
/**
 * Where a value is used: `any` takes whatever a reference holds, `string` a text, and `typed` an
 * option with a structured type (chat messages, say), which takes only a reference of unknown
 * type, or `raw<any>(…)`.
 */
export type Expect = 'any' | 'string' | 'typed';

export interface Form {
  /** The builder that writes the step, for the import report (`run`, `switch`, `task`, …). */
  readonly builder: string;
  readonly blocks: readonly BlockPlan[];
  /** The task after this one in the same list belongs to it (a FORK_JOIN's JOIN). */
  readonly consumesNext?: boolean;
  /** For a parallel: the key of each branch in the object the builder returns. */
  readonly branchNames?: readonly string[];
  /** The reference text for `${ref.output…}`/`${ref.input…}` into this step; absent: untyped. */
  member?(root: ExprRoot, path: readonly PathSegment[]): Member | undefined;
  render(w: StepWriter): Doc;
}

/** What the writer offers a form while it writes its builder call. */
export interface StepWriter {
  /** The scope variable the step is recorded in: `wf` or `b`. */
  readonly scope: string;
  /** A value, with typed references where they can be resolved. */
  value(json: Json, expect?: Expect): Doc;
  /** An object of values, e.g. a step's input. */
  record(object: JsonObject, expect?: Expect): Doc;
  /** JSON written exactly as given (fields, nested raw tasks). */
  json(json: Json): Doc;
  /** The callback of nested block `index`: `(b) => { … }`. */
  block(index: number): Doc;
  /** The options object: the form's own entries, then the common ones. */
  options(own: readonly (readonly [string, Doc])[], common: CommonPlan): Doc | undefined;
  /** True when a typed reference reads below the step's output (so it needs an output schema). */
  outputRead(): boolean;
  /** The TypeScript name of a worker task declaration (imported from the tasks module). */
  decl(name: string): string;
}

export interface FormContext {
  /** The next task in the same list, for forms that span two tasks. */
  readonly next: JsonObject | undefined;
  readonly batch: BatchView;
}

/** What forms may ask about the whole import. */
export interface BatchView {
  /** Records the use of a worker task, so its declaration is written. */
  useDecl(name: string, inputKeys: readonly string[]): DeclUse;
  /** A workflow to call as a sub-workflow: imported in this batch, inline, or declared external. */
  useChild(name: string, version: number | undefined, inline: JsonObject | undefined): ChildUse | undefined;
}

export interface DeclUse {
  readonly inputKeys: ReadonlySet<string>;
  /** Top-level output keys read as typed references anywhere. */
  readOutput(key: string): void;
}

export interface ChildUse {
  /** The TypeScript name of the workflow object. */
  readonly varName: string;
  /** Records an output key read by a typed reference, so the child's output schema lists it. */
  readOutput(key: string): void;
  /** Whether its output schema lists the keys read (an imported child) or is `z.any()`. */
  readonly declaredOutput: boolean;
  readonly version: number;
  /** The reference leaves the version out. */
  readonly latest: boolean;
  readonly inline: boolean;
}

export type Planner = (task: JsonObject, ctx: FormContext) => Form | undefined;
