/**
 * What a task type's `check` can know about a value at build time: the text of a literal (or of
 * a template without references), a literal number, and whether a step's input uses a name the
 * server reads or overwrites itself. Everything here answers "unknown" for run-time values, so a
 * check built on it never judges a reference.
 */
import type { SourceLoc } from '../ir/source.js';
import type { Value } from '../ir/value.js';
import type { CheckContext } from './types.js';

/** The string a value surely is, or undefined when it is not a string known at build time. */
export function literalText(value: Value | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.kind === 'literal') return typeof value.value === 'string' ? value.value : undefined;
  if (value.kind === 'template' && value.parts.every((p) => typeof p === 'string')) return value.parts.join('');
  return undefined;
}

/** The number a value surely is, or undefined. */
export function literalNumber(value: Value | undefined): number | undefined {
  return value?.kind === 'literal' && typeof value.value === 'number' ? value.value : undefined;
}

/** The literal text before the first reference of a string value (a URL's scheme and host, say). */
export function leadingText(value: Value | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.kind === 'literal') return typeof value.value === 'string' ? value.value : undefined;
  if (value.kind === 'template') {
    const first = value.parts[0];
    return typeof first === 'string' ? first : '';
  }
  return undefined;
}

/**
 * Reports input names that collide with names Conductor itself reads or writes in the same
 * inputParameters map: the author's value would be lost or misread at run time.
 */
export function checkReservedInputs(
  input: Readonly<Record<string, Value>>,
  reserved: Readonly<Record<string, string>>,
  loc: SourceLoc,
  ctx: CheckContext,
  code: string,
  what: string,
): void {
  for (const [name, why] of Object.entries(reserved)) {
    if (name in input) ctx.report(loc, code, `${what} has an input named '${name}'`, `${why}; rename the input`);
  }
}

/** Reports a literal that must be a whole number within bounds (a size, a count, a timeout). */
export function checkWholeNumber(
  value: Value | undefined,
  min: number,
  max: number,
  loc: SourceLoc,
  ctx: CheckContext,
  code: string,
  what: string,
): void {
  const n = literalNumber(value);
  if (n === undefined) return;
  if (!Number.isInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    ctx.report(loc, code, `${what} is ${n}`, `use a whole number ${range}`);
  }
}
