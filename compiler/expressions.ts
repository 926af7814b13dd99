/**
 * Conductor's `${…}` expression syntax: how a reference path is written, and how literal text
 * that happens to contain `${` is protected from substitution (Conductor reads `$${` as a
 * literal `${`).
 */
import type { PathSegment } from '../ir/value.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Escapes literal text for a place where Conductor substitutes `${…}`. */
export function escapeText(text: string): string {
  // A replacer function, not a replacement string: in a string `$$` means one `$`.
  return text.includes('${') ? text.replaceAll('${', () => '$${') : text;
}

/** Appends a JSONPath-style path: `.field`, `['odd key']`, `[3]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += `.${segment}`;
    else out += `['${segment.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}']`;
  }
  return out;
}

/** A path segment that cannot be written inside `${…}`: braces end the expression early. */
export function unsafeSegment(path: readonly PathSegment[]): string | undefined {
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    if (typeof segment === 'string' && (segment.includes('{') || segment.includes('}'))) return segment;
  }
  return undefined;
}

export function expression(root: string, path: readonly PathSegment[] = []): string {
  return `\${${root}${formatPath(path)}}`;
}
