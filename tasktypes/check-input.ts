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

export function checkLiteralInput(
  schema: z.ZodType,
  input: Readonly<Record<string, Value>>,
  loc: SourceLoc,
  ctx: CheckContext,
  what: string,
): void {
  const unknownPaths: string[] = [];
  const sample: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) sample[k] = probe(v, unknownPaths, [k]);
  const result = schema.safeParse(sample);
  if (result.success) return;
  const unknown = unknownPaths.map((p) => JSON.parse(p) as (string | number)[]);
  for (const issue of result.error.issues) {
    const path = issue.path;
    if (unknown.some((u) => startsWith(path, u))) continue;
    // A union or custom check over a run-time value cannot be judged; only report issues whose
    // whole subtree is literal.
    if (unknown.some((u) => startsWith(u, path))) continue;
    const at = path.length > 0 ? path.join('.') : '(input)';
    ctx.report(loc, 'input-schema', `${what} input ${at}: ${issue.message}`, 'fix the literal value to match the task input schema');
  }
}
