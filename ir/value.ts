/**
 * Values as the IR stores them: every input mapping, output mapping and template is a tree of
 * these nodes. A plain JSON object from a user can hold any keys (even `kind`), so user data is
 * always wrapped in `object`/`array`/`literal` nodes and never mistaken for a node.
 */
import { freeze } from './freeze.js';

export type Primitive = string | number | boolean | null;
export type Json = Primitive | readonly Json[] | { readonly [key: string]: Json };

/** A field name or an array index inside a referenced document. */
export type PathSegment = string | number;

/** What a reference points at, before the path into it. */
export type RefTarget =
  | { readonly kind: 'workflowInput' }
  | { readonly kind: 'variables' }
  | { readonly kind: 'workflowMeta'; readonly field: WorkflowMetaField }
  | { readonly kind: 'stepOutput'; readonly step: string }
  | { readonly kind: 'stepInput'; readonly step: string }
  | { readonly kind: 'stepMeta'; readonly step: string; readonly field: StepMetaField }
  /** The current element of a for-each, owned by the for-each step `owner`. */
  | { readonly kind: 'item'; readonly owner: string }
  /** The zero-based position of the current for-each element. */
  | { readonly kind: 'index'; readonly owner: string }
  /** The loop counter of a DO_WHILE (1 on the first pass). */
  | { readonly kind: 'iteration'; readonly owner: string }
  /** A value computed inside a scope (loop body) and read after it; lowered to that value. */
  | { readonly kind: 'alias'; readonly owner: string; readonly value: Value }
  /** The id of the task that is being executed (Conductor's CPEWF_TASK_ID). */
  | { readonly kind: 'taskId' }
  /** A secret the server puts in when the task runs (`${workflow.secrets.NAME}`). */
  | { readonly kind: 'secret'; readonly name: string };

export const WORKFLOW_META_FIELDS = [
  'workflowId',
  'correlationId',
  'workflowType',
  'version',
  'parentWorkflowId',
  'parentWorkflowTaskId',
  'status',
  'reasonForIncompletion',
  'output',
] as const;
export type WorkflowMetaField = (typeof WORKFLOW_META_FIELDS)[number];

export const STEP_META_FIELDS = [
  'status',
  'taskId',
  'retryCount',
  'reasonForIncompletion',
  'startTime',
  'endTime',
  'scheduledTime',
  'workerId',
] as const;
export type StepMetaField = (typeof STEP_META_FIELDS)[number];

export interface LiteralValue {
  readonly kind: 'literal';
  readonly value: Primitive;
}
export interface ObjectValue {
  readonly kind: 'object';
  readonly fields: Readonly<Record<string, Value>>;
}
export interface ArrayValue {
  readonly kind: 'array';
  readonly items: readonly Value[];
}
export interface RefValue {
  readonly kind: 'ref';
  readonly target: RefTarget;
  readonly path: readonly PathSegment[];
}
/** A string mixing literal text and references, from the `str` tagged template. */
export interface TemplateValue {
  readonly kind: 'template';
  readonly parts: readonly (string | RefValue)[];
}

/**
 * Text written in Conductor's own expression syntax, passed through untouched: what imported
 * definitions use where an expression cannot be turned into a typed reference.
 */
export interface RawValue {
  readonly kind: 'raw';
  readonly text: string;
}

export type Value = LiteralValue | ObjectValue | ArrayValue | RefValue | TemplateValue | RawValue;

export const literal = (value: Primitive): LiteralValue => freeze({ kind: 'literal', value });
export const objectValue = (fields: Record<string, Value>): ObjectValue =>
  freeze({ kind: 'object', fields: freeze(fields) });
export const arrayValue = (items: Value[]): ArrayValue => freeze({ kind: 'array', items: freeze(items) });
export const refValue = (target: RefTarget, path: readonly PathSegment[] = []): RefValue =>
  freeze({ kind: 'ref', target: freeze(target), path: freeze([...path]) });
export const rawValue = (text: string): RawValue => freeze({ kind: 'raw', text });
export const templateValue = (parts: (string | RefValue)[]): TemplateValue =>
  freeze({ kind: 'template', parts: freeze(parts) });

/**
 * Calls `visit` for every reference in a value tree, including those inside aliases, and
 * `visitRaw` (when given) for every `raw(…)` expression, whose text may hold references too.
 */
export function forEachRef(value: Value, visit: (ref: RefValue) => void, visitRaw?: (raw: RawValue) => void): void {
  switch (value.kind) {
    case 'literal':
      return;
    case 'raw':
      visitRaw?.(value);
      return;
    case 'ref':
      visit(value);
      if (value.target.kind === 'alias') forEachRef(value.target.value, visit, visitRaw);
      return;
    case 'template':
      for (const part of value.parts) if (typeof part !== 'string') forEachRef(part, visit, visitRaw);
      return;
    case 'object':
      for (const field of Object.values(value.fields)) forEachRef(field, visit, visitRaw);
      return;
    case 'array':
      for (const item of value.items) forEachRef(item, visit, visitRaw);
      return;
  }
}

/** True when the value holds no reference at all, so it is known at build time. */
export function isConstant(value: Value): boolean {
  return constantJson(value) !== undefined;
}

/** The plain JSON of a value with no references; undefined when it has any. */
export function constantJson(value: Value): Json | undefined {
  switch (value.kind) {
    case 'literal':
      return value.value;
    case 'ref':
      return undefined;
    case 'raw':
      return value.text.includes('${') ? undefined : value.text;
    case 'template': {
      if (value.parts.some((p) => typeof p !== 'string')) return undefined;
      return value.parts.join('');
    }
    case 'object': {
      const out: Record<string, Json> = {};
      for (const [key, field] of Object.entries(value.fields)) {
        const json = constantJson(field);
        if (json === undefined) return undefined;
        out[key] = json;
      }
      return out;
    }
    case 'array': {
      const out: Json[] = [];
      for (const item of value.items) {
        const json = constantJson(item);
        if (json === undefined) return undefined;
        out.push(json);
      }
      return out;
    }
  }
}
