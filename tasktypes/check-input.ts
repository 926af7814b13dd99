/**
 * Checks the parts of a step's input that are known at build time against the step's zod
 * schema. References are unknown until run time, so problems at or below a reference are not
 * reported; everything else (a literal of the wrong type, a missing required field, a value out
 * of range) is.
 */
import type { z } from 'zod';
import type { SourceLoc } from '../ir/source.js';
import type { Value } from '../ir/value.js';
import type { CheckContext } from './types.js';

const UNKNOWN = Symbol('run-time value');

function probe(value: Value, unknownPaths: string[], path: (string | number)[]): unknown {
  switch (value.kind) {
    case 'literal':
      return value.value;
    case 'ref':
    case 'raw':
    case 'template':
      if (value.kind === 'template' && value.parts.every((p) => typeof p === 'string')) {
        return value.parts.join('');
      }
      unknownPaths.push(JSON.stringify(path));
      return UNKNOWN;
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value.fields)) out[k] = probe(v, unknownPaths, [...path, k]);
      return out;
    }
    case 'array':
      return value.items.map((v, i) => probe(v, unknownPaths, [...path, i]));
  }
}

function startsWith(path: readonly PropertyKey[], prefix: readonly PropertyKey[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => p === path[i]);
}

/** Issues to report, as `at: message`, for one schema and one sample. */
function literalIssues(schema: z.ZodType, sample: Record<string, unknown>, unknownPaths: readonly string[]): readonly string[] {
  const result = schema.safeParse(sample);
  if (result.success) return [];
  const unknown = unknownPaths.map((p) => JSON.parse(p) as (string | number)[]);
  const found: string[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path;
    if (unknown.some((u) => startsWith(path, u))) continue;
    // A union or custom check over a run-time value cannot be judged; only report issues whose
    // whole subtree is literal.
    if (unknown.some((u) => startsWith(u, path))) continue;
    found.push(`${path.length > 0 ? path.join('.') : '(input)'}: ${issue.message}`);
  }
  return found;
}

/**
 * The same task is called with the same shape of input again and again (all references, say),
 * and a failing parse is costly: results are kept per schema and sample. The key is the sample
 * as JSON, read straight off the values, with every string spelt with a prefix so that a literal
 * can never be mistaken for a run-time value (`"u"`).
 */
const issueCache = new WeakMap<z.ZodType, Map<string, readonly string[]>>();

const RUN_TIME = '"u"';

function valueKey(value: Value): string {
  switch (value.kind) {
    case 'literal':
      return JSON.stringify(typeof value.value === 'string' ? `s${value.value}` : value.value);
    case 'ref':
    case 'raw':
      return RUN_TIME;
    case 'template':
      return value.parts.every((p) => typeof p === 'string') ? JSON.stringify(`s${value.parts.join('')}`) : RUN_TIME;
    case 'object':
      return recordKey(value.fields);
    case 'array': {
      let key = '[';
      for (let i = 0; i < value.items.length; i++) key += `${i > 0 ? ',' : ''}${valueKey(value.items[i]!)}`;
      return `${key}]`;
    }
  }
}

function recordKey(fields: Readonly<Record<string, Value>>): string {
  let key = '{';
  let first = true;
  for (const name of Object.keys(fields)) {
    key += `${first ? '' : ','}${JSON.stringify(name)}:${valueKey(fields[name]!)}`;
    first = false;
  }
  return `${key}}`;
}

export function checkLiteralInput(
  schema: z.ZodType,
  input: Readonly<Record<string, Value>>,
  loc: SourceLoc,
  ctx: CheckContext,
  what: string,
  /** What the checked record is: the step's input, or a workflow's output. */
  noun: 'input' | 'output' = 'input',
): void {
  let bySample = issueCache.get(schema);
  if (!bySample) issueCache.set(schema, (bySample = new Map()));
  const key = recordKey(input);
  let issues = bySample.get(key);
  if (!issues) {
    const unknownPaths: string[] = [];
    const sample: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) sample[k] = probe(v, unknownPaths, [k]);
    bySample.set(key, (issues = literalIssues(schema, sample, unknownPaths)));
  }
  for (const issue of issues) {
    const hint = noun === 'output' ? 'fix the literal value to match the output schema' : 'fix the literal value to match the input schema';
    ctx.report(loc, noun === 'output' ? 'output-schema' : 'input-schema', `${what} ${noun} ${issue}`, hint);
  }
}
