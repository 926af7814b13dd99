/**
 * Reading Conductor's `${…}` expressions back into references. A string is plain text, one
 * expression, a mix of text and expressions, or something the importer keeps as it is (nested
 * expressions, `$${` escapes, JSONPath filters and functions). An expression is turned into a
 * reference only when baton would write that reference back as the very same text, so the
 * round trip never depends on how a path happened to be spelled.
 */
import { STEP_META_FIELDS, WORKFLOW_META_FIELDS, type PathSegment } from '../ir/value.js';
import { formatPath } from '../compiler/expressions.js';

export type ExprRoot =
  | { readonly kind: 'workflowInput' }
  | { readonly kind: 'variables' }
  | { readonly kind: 'workflowMeta'; readonly field: string }
  | { readonly kind: 'stepOutput'; readonly ref: string }
  | { readonly kind: 'stepInput'; readonly ref: string }
  | { readonly kind: 'stepMeta'; readonly ref: string; readonly field: string }
  | { readonly kind: 'taskId' }
  | { readonly kind: 'secret'; readonly name: string };

export interface ParsedRef {
  readonly root: ExprRoot;
  readonly path: readonly PathSegment[];
  /** The expression as written, `${…}` included. */
  readonly text: string;
}

export type ParsedString =
  /** No expression: a literal string. */
  | { readonly kind: 'text' }
  /** Text and references, every one of them readable as a reference. */
  | { readonly kind: 'expression'; readonly parts: readonly (string | ParsedRef)[] }
  /** Something to keep exactly as written. */
  | { readonly kind: 'opaque' };

const REF_NAME = /^[A-Za-z0-9_-]+$/;
const NAME = /^[A-Za-z0-9_$-]+/;

/** The path segments of `.a['b'][0]…`, or undefined when it is not that simple form. */
function parseSegments(text: string): PathSegment[] | undefined {
  const path: PathSegment[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '.') {
      const m = NAME.exec(text.slice(i + 1));
      if (!m) return undefined;
      path.push(m[0]);
      i += 1 + m[0].length;
    } else if (text[i] === '[') {
      const rest = text.slice(i);
      const index = /^\[(0|[1-9]\d*)\]/.exec(rest);
      if (index) {
        path.push(Number(index[1]));
        i += index[0].length;
        continue;
      }
      const quoted = /^\['((?:[^'\\]|\\.)*)'\]/.exec(rest);
      if (!quoted) return undefined;
      path.push(quoted[1]!.replace(/\\(.)/g, '$1'));
      i += quoted[0].length;
    } else {
      return undefined;
    }
  }
  return path;
}

function rootText(root: ExprRoot): string {
  switch (root.kind) {
    case 'workflowInput':
      return 'workflow.input';
    case 'variables':
      return 'workflow.variables';
    case 'workflowMeta':
      return `workflow.${root.field}`;
    case 'stepOutput':
      return `${root.ref}.output`;
    case 'stepInput':
      return `${root.ref}.input`;
    case 'stepMeta':
      return `${root.ref}.${root.field}`;
    case 'taskId':
      return 'CPEWF_TASK_ID';
    case 'secret':
      return `workflow.secrets.${root.name}`;
  }
}

/** The root of an expression body and the text after it. */
function splitRoot(body: string): { root: ExprRoot; rest: string } | undefined {
  if (body === 'CPEWF_TASK_ID') return { root: { kind: 'taskId' }, rest: '' };
  const head = /^([A-Za-z0-9_-]+)\.([A-Za-z]+)/.exec(body);
  if (!head) return undefined;
  const [whole, first, second] = head as unknown as [string, string, string];
  const rest = body.slice(whole.length);
  if (first === 'workflow') {
    if (second === 'input') return { root: { kind: 'workflowInput' }, rest };
    if (second === 'variables') return { root: { kind: 'variables' }, rest };
    if (second === 'secrets') {
      const name = /^\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(rest)?.[1];
      return name === undefined ? undefined : { root: { kind: 'secret', name }, rest: '' };
    }
    if ((WORKFLOW_META_FIELDS as readonly string[]).includes(second)) return { root: { kind: 'workflowMeta', field: second }, rest };
    return undefined;
  }
  if (!REF_NAME.test(first)) return undefined;
  if (second === 'output') return { root: { kind: 'stepOutput', ref: first }, rest };
  if (second === 'input') return { root: { kind: 'stepInput', ref: first }, rest };
  if ((STEP_META_FIELDS as readonly string[]).includes(second)) return { root: { kind: 'stepMeta', ref: first, field: second }, rest };
  return undefined;
}

/** One expression body (between `${` and `}`) as a reference, when baton writes it the same way. */
export function parseReference(body: string): ParsedRef | undefined {
  const split = splitRoot(body);
  if (!split) return undefined;
  const path = parseSegments(split.rest);
  if (!path) return undefined;
  const text = `\${${rootText(split.root)}${formatPath(path)}}`;
  if (text !== `\${${body}}`) return undefined;
  return { root: split.root, path, text };
}

export function parseString(value: string): ParsedString {
  if (!value.includes('${')) return { kind: 'text' };
  // `$${` is Conductor's escape for a literal `${`; keep such strings as they are.
  if (value.includes('$${')) return { kind: 'opaque' };
  const parts: (string | ParsedRef)[] = [];
  let i = 0;
  while (i < value.length) {
    const start = value.indexOf('${', i);
    if (start < 0) {
      parts.push(value.slice(i));
      break;
    }
    if (start > i) parts.push(value.slice(i, start));
    const end = value.indexOf('}', start + 2);
    if (end < 0) return { kind: 'opaque' };
    const body = value.slice(start + 2, end);
    if (body.includes('{') || body.includes('$')) return { kind: 'opaque' };
    const ref = parseReference(body);
    if (!ref) return { kind: 'opaque' };
    parts.push(ref);
    i = end + 1;
  }
  return { kind: 'expression', parts };
}

/** True when the string is exactly one expression and nothing else. */
export function isSingleReference(parsed: ParsedString): parsed is { kind: 'expression'; parts: readonly [ParsedRef] } {
  return parsed.kind === 'expression' && parsed.parts.length === 1 && typeof parsed.parts[0] !== 'string';
}
