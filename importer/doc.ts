/**
 * A small layout engine for the generated TypeScript: a document of text, groups (an object,
 * an array, call arguments) that print on one line when they fit and one item per line when
 * they do not, and blocks (function bodies) that always break. ts-morph then formats the text.
 */

export type Doc = string | Group | Block | Concat;

export interface Group {
  readonly kind: 'group';
  readonly open: string;
  readonly items: readonly Doc[];
  readonly close: string;
  /** Spaces inside the brackets when flat: `{ a }` rather than `[a]`. */
  readonly padded: boolean;
  /** Call arguments: the last one may open on the call's line (`f('x', {` … `})`). */
  readonly hug?: boolean;
}

export interface Block {
  readonly kind: 'block';
  readonly head: string;
  readonly lines: readonly Doc[];
  readonly tail: string;
}

export interface Concat {
  readonly kind: 'concat';
  readonly parts: readonly Doc[];
}

export const WIDTH = 110;

export const concat = (...parts: Doc[]): Doc => ({ kind: 'concat', parts });
export const objectDoc = (items: Doc[]): Doc => ({ kind: 'group', open: '{', items, close: '}', padded: true });
export const arrayDoc = (items: Doc[]): Doc => ({ kind: 'group', open: '[', items, close: ']', padded: false });
export const callDoc = (callee: string, args: Doc[]): Doc => ({ kind: 'group', open: `${callee}(`, items: args, close: ')', padded: false, hug: true });
export const blockDoc = (head: string, lines: Doc[], tail: string): Doc => ({ kind: 'block', head, lines, tail });

/** The one-line form, or undefined when the document cannot be flat (it holds a block). */
function flat(doc: Doc): string | undefined {
  if (typeof doc === 'string') return doc.includes('\n') ? undefined : doc;
  switch (doc.kind) {
    case 'block':
      return undefined;
    case 'concat': {
      let out = '';
      for (const part of doc.parts) {
        const f = flat(part);
        if (f === undefined) return undefined;
        out += f;
      }
      return out;
    }
    case 'group': {
      if (doc.items.length === 0) return `${doc.open}${doc.close}`;
      const items: string[] = [];
      for (const item of doc.items) {
        const f = flat(item);
        if (f === undefined) return undefined;
        items.push(f);
      }
      const pad = doc.padded ? ' ' : '';
      return `${doc.open}${pad}${items.join(', ')}${pad}${doc.close}`;
    }
  }
}

class Printer {
  out = '';

  private column(): number {
    return this.out.length - (this.out.lastIndexOf('\n') + 1);
  }

  /**
   * `f('name', {` … `})`: when every argument but the last is a short word and the last opens a
   * bracket, the call keeps its line and only the last argument breaks, as people write it.
   */
  private hug(doc: Group, indent: string): boolean {
    const items = doc.items;
    const last = items[items.length - 1];
    if (last === undefined || !opensBracket(last)) return false;
    // The bracketed tail: just the last argument, or options and a callback (`workflow(…)`).
    let start = items.length - 1;
    if (typeof last !== 'string' && last.kind === 'block') while (start > 0 && opensBracket(items[start - 1]!)) start--;
    const before = items.slice(0, start);
    if (!before.every((item) => typeof item === 'string' && !item.includes('\n') && !/[{([]/.test(item))) return false;
    const head = `${doc.open}${before.map((b) => `${b as string}, `).join('')}`;
    if (this.column() + head.length + 2 > WIDTH) return false;
    this.out += head;
    items.slice(start).forEach((item, i, tail) => {
      if (i > 0) this.out += ', ';
      this.print(item, indent, i === tail.length - 1 ? doc.close.length : 2);
    });
    this.out += doc.close;
    return true;
  }

  print(doc: Doc, indent: string, trailing = 0): void {
    if (typeof doc === 'string') {
      this.out += doc.replaceAll('\n', `\n${indent}`);
      return;
    }
    if (doc.kind === 'concat') {
      doc.parts.forEach((part, i) => {
        // What follows on the same line counts against the width of this part.
        const rest = doc.parts.slice(i + 1).map((p) => flat(p)?.length ?? 0).reduce((a, b) => a + b, 0);
        this.print(part, indent, i === doc.parts.length - 1 ? trailing : rest);
      });
      return;
    }
    const asLine = flat(doc);
    if (asLine !== undefined && this.column() + asLine.length + trailing <= WIDTH) {
      this.out += asLine;
      return;
    }
    const inner = `${indent}  `;
    if (doc.kind === 'block') {
      this.out += doc.head;
      for (const line of doc.lines) {
        this.out += `\n${inner}`;
        this.print(line, inner);
      }
      this.out += `\n${indent}${doc.tail}`;
      return;
    }
    if (doc.hug && this.hug(doc, indent)) return;
    this.out += doc.open;
    for (const item of doc.items) {
      this.out += `\n${inner}`;
      this.print(item, inner, 1);
      this.out += ',';
    }
    this.out += `\n${indent}${doc.close}`;
  }
}

/** Whether a document opens with a bracket, so it can start on the line before it breaks. */
function opensBracket(doc: Doc): boolean {
  return typeof doc !== 'string' && (doc.kind === 'block' || (doc.kind === 'group' && (doc.open === '{' || doc.open === '[')));
}

export function printDoc(doc: Doc, indent = ''): string {
  const printer = new Printer();
  printer.print(doc, indent);
  return printer.out;
}

/** A TypeScript string literal: single-quoted, or double-quoted when that avoids escapes. */
export function quote(text: string): string {
  const json = JSON.stringify(text);
  if (text.includes("'") && !text.includes('"')) return json;
  return `'${json.slice(1, -1).replaceAll('\\"', '"').replaceAll("'", "\\'")}'`;
}

const IDENTIFIER_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** An object literal key: bare when it can be, quoted otherwise; `__proto__` never sets a prototype. */
export function propertyKey(key: string): string {
  if (key === '__proto__') return `[${quote(key)}]`;
  return IDENTIFIER_KEY.test(key) ? key : quote(key);
}

/** `.name` or `['odd name']` or `[3]`: reading a member of a reference in TypeScript. */
export function accessor(segment: string | number): string {
  if (typeof segment === 'number') return `[${segment}]`;
  return IDENTIFIER_KEY.test(segment) ? `.${segment}` : `[${quote(segment)}]`;
}

/** The text of a template literal part: backquotes, backslashes and `${` escaped. */
export function templateText(text: string): string {
  return text
    .replaceAll('\\', '\\\\')
    .replaceAll('`', '\\`')
    .replaceAll('${', '\\${')
    .replaceAll('\r', '\\r')
    .replaceAll('\n', '\\n')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}
