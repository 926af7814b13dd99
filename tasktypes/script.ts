/**
 * Checks shared by every task type that ships JavaScript to the server (INLINE, SWITCH with a
 * script, DO_WHILE conditions, generated helpers): the text must parse, and a function must not
 * lean on variables from the file it was written in, which do not exist on the server.
 */
import { Script } from 'node:vm';
import type { SourceLoc } from '../ir/source.js';
import type { ExprIR } from '../dsl/expr.js';
import type { CheckContext } from './types.js';

/** Parsing is the costly part of these checks, and the same script text recurs: parse it once. */
const syntaxErrors = new Map<string, string | undefined>();

export function syntaxError(source: string): string | undefined {
  if (syntaxErrors.has(source)) return syntaxErrors.get(source);
  let error: string | undefined;
  try {
    new Script(source, { filename: 'conductor-script.js' });
  } catch (thrown) {
    error = thrown instanceof Error ? thrown.message : String(thrown);
  }
  syntaxErrors.set(source, error);
  return error;
}

/** Identifiers a server-side script may use without defining them. */
const SCRIPT_GLOBALS = new Set([
  '$', 'undefined', 'NaN', 'Infinity', 'Object', 'Array', 'String', 'Number', 'Boolean', 'Math', 'JSON',
  'Date', 'RegExp', 'Error', 'TypeError', 'RangeError', 'parseInt', 'parseFloat', 'isNaN', 'isFinite',
  'Map', 'Set', 'Symbol', 'BigInt', 'encodeURIComponent', 'decodeURIComponent', 'encodeURI', 'decodeURI',
  'Promise', 'Reflect', 'Proxy', 'Intl', 'WeakMap', 'WeakSet', 'globalThis', 'arguments', 'this',
  'true', 'false', 'null', 'console',
]);

const freeByText = new Map<string, readonly string[]>();

/** `freeIdentifiers`, remembered per function text (the same condition is often written twice). */
function freeIdentifiersOnce(fn: string): readonly string[] {
  let free = freeByText.get(fn);
  if (!free) freeByText.set(fn, (free = freeIdentifiers(fn)));
  return free;
}

export function checkExpr(expr: ExprIR, loc: SourceLoc, ctx: CheckContext, what: string): void {
  for (const p of expr.problems) {
    ctx.report(loc, 'invalid-input', `${what} parameter ${p.path.replace(/^\$\.?/, '')}: ${p.message}`);
  }
  const error = syntaxError(expr.source);
  if (error) {
    const hint = expr.fn
      ? 'pass an arrow function or a function expression, e.g. ($) => $.total > 100'
      : 'fix the JavaScript; it runs on the Conductor server with its inputs as $';
    ctx.report(loc, 'script-syntax', `${what} is not valid JavaScript: ${error}`, hint);
    return;
  }
  if (expr.fn) {
    const free = freeIdentifiersOnce(expr.fn);
    if (free.length > 0) {
      ctx.report(
        loc,
        'script-closure',
        `${what} uses ${free.map((f) => `'${f}'`).join(', ')} from outside the function; it runs on the Conductor server, where only $ exists`,
        `pass the value in through the parameters, e.g. when({ ${free[0]}: … }, ($) => … $.${free[0]} …)`,
        'warning',
      );
    }
  }
}

/**
 * A conservative scan for identifiers a function reads but does not declare. It tokenises the
 * text (skipping strings, template literals, comments and property names after a dot) and
 * reports identifiers that are neither declared anywhere in the function nor known globals.
 * Scopes are not modelled: a name declared anywhere counts as declared everywhere, so the scan
 * may miss a closure but does not cry wolf (a false warning teaches authors to ignore it).
 */
export function freeIdentifiers(source: string): string[] {
  const tokens = tokenize(source);
  const ternaryColons = ternaryColonPositions(tokens);
  const members = classMemberPositions(tokens);
  const declared = new Set<string>([...parameterNames(tokens), ...declarationNames(tokens)]);
  const used: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type !== 'id') continue;
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    if (isPunct(prev, '.') || isPunct(prev, '?.')) continue;
    if (KEYWORDS.has(t.text) || members.has(i)) continue;
    // `key: value` in an object literal and `label:` are not reads; `case x:` and `a ? x : y` are.
    if (isPunct(next, ':') && !ternaryColons.has(i + 1) && !isId(prev, 'case')) continue;
    // `break label` / `continue label`; `typeof x` is the safe way to ask whether x exists.
    if (isId(prev, 'break') || isId(prev, 'continue') || isId(prev, 'typeof')) continue;
    if (isId(prev, 'function') || isId(prev, 'class') || (isPunct(prev, '*') && isId(tokens[i - 2], 'function'))) {
      declared.add(t.text);
      continue;
    }
    // The name of a method `m() { … }`.
    if (isPunct(next, '(') && isPunct(tokens[matching(tokens, i + 1) + 1], '{')) continue;
    if (isPunct(next, '=>')) {
      declared.add(t.text);
      continue;
    }
    used.push(t.text);
  }
  const free = new Set<string>();
  for (const name of used) if (!declared.has(name) && !SCRIPT_GLOBALS.has(name)) free.add(name);
  return [...free];
}

const isPunct = (t: Token | undefined, text: string): boolean => t?.type === 'punct' && t.text === text;
const isId = (t: Token | undefined, text: string): boolean => t?.type === 'id' && t.text === text;
const OPENERS = new Set(['(', '[', '{']);
const CLOSERS = new Set([')', ']', '}']);

/** The index of the bracket closing the one at `open` (or the last token when unbalanced). */
function matching(tokens: Token[], open: number): number {
  let depth = 0;
  for (let j = open; j < tokens.length; j++) {
    const u = tokens[j]!;
    if (u.type !== 'punct') continue;
    if (OPENERS.has(u.text)) depth++;
    else if (CLOSERS.has(u.text) && --depth === 0) return j;
  }
  return tokens.length - 1;
}

/** Positions of the names of fields and methods declared directly in a class body. */
function classMemberPositions(tokens: Token[]): Set<number> {
  const members = new Set<number>();
  tokens.forEach((t, i) => {
    if (!isId(t, 'class')) return;
    let open = i + 1;
    while (open < tokens.length && !isPunct(tokens[open], '{')) open++;
    const close = matching(tokens, open);
    let depth = 0;
    for (let k = open + 1; k < close; k++) {
      const u = tokens[k]!;
      if (u.type === 'punct' && OPENERS.has(u.text)) depth++;
      else if (u.type === 'punct' && CLOSERS.has(u.text)) depth--;
      else if (depth === 0 && u.type === 'id' && startsMember(tokens[k - 1]) && ['=', ';', '(', '}'].some((p) => isPunct(tokens[k + 1], p))) {
        members.add(k);
      }
    }
  });
  return members;
}

const startsMember = (prev: Token | undefined): boolean =>
  ['{', ';', '}', '*'].some((p) => isPunct(prev, p)) || ['static', 'get', 'set', 'async'].some((k) => isId(prev, k));

/** Positions of the `:` that belong to a `? :` ternary (at the same bracket depth as the `?`). */
function ternaryColonPositions(tokens: Token[]): Set<number> {
  const colons = new Set<number>();
  const pending: number[] = [0];
  tokens.forEach((t, i) => {
    if (t.type !== 'punct') return;
    if (OPENERS.has(t.text)) pending.push(0);
    else if (CLOSERS.has(t.text)) {
      if (pending.length > 1) pending.pop();
    } else if (t.text === '?') pending[pending.length - 1]!++;
    else if (t.text === ':' && pending[pending.length - 1]! > 0) {
      pending[pending.length - 1]!--;
      colons.add(i);
    }
  });
  return colons;
}

/**
 * Names bound by a binding pattern between `from` and `to` (exclusive): plain names, the values
 * of `key: name` pairs and rest elements; not keys, nor anything inside a default value.
 */
function patternNames(tokens: Token[], from: number, to: number): string[] {
  const names: string[] = [];
  // Bracket depths at which a default value (`= …`) is open: names inside one are reads.
  const defaults: number[] = [];
  let depth = 0;
  for (let k = from; k < to; k++) {
    const u = tokens[k]!;
    if (u.type === 'punct') {
      if (OPENERS.has(u.text)) depth++;
      else if (CLOSERS.has(u.text)) {
        depth--;
        while (defaults.length > 0 && defaults[defaults.length - 1]! > depth) defaults.pop();
      } else if (u.text === '=') defaults.push(depth);
      else if (u.text === ',' && defaults[defaults.length - 1] === depth) defaults.pop();
      continue;
    }
    if (u.type !== 'id' || defaults.length > 0 || KEYWORDS.has(u.text) || isPunct(tokens[k + 1], ':')) continue;
    names.push(u.text);
  }
  return names;
}

/** Parameter names of arrow functions, functions, methods and `catch (e)` clauses. */
function parameterNames(tokens: Token[]): string[] {
  const names: string[] = [];
  tokens.forEach((t, i) => {
    if (!isPunct(t, '(')) return;
    const close = matching(tokens, i);
    const after = tokens[close + 1];
    const before = tokens[i - 1];
    const isArrow = isPunct(after, '=>');
    // `name(…) {` is a function, a method or a catch clause; `if (…) {` and the like are not.
    const isDefinition = isPunct(after, '{') && before?.type === 'id' && !CONTROL.has(before.text);
    const isFunctionKeyword = isId(before, 'function') || (isPunct(before, '*') && isId(tokens[i - 2], 'function'));
    if (isArrow || isDefinition || isFunctionKeyword) names.push(...patternNames(tokens, i + 1, close));
  });
  return names;
}

const CONTROL = new Set(['if', 'for', 'while', 'switch', 'with', 'return', 'typeof', 'void', 'delete', 'await', 'yield', 'in', 'of', 'new']);
const STATEMENT_START = new Set(['var', 'let', 'const', 'return', 'if', 'for', 'while', 'do', 'switch', 'try', 'throw', 'function', 'class', 'break', 'continue']);

/** Names declared by `var`/`let`/`const`, with several declarators and destructuring patterns. */
function declarationNames(tokens: Token[]): string[] {
  const names: string[] = [];
  tokens.forEach((t, i) => {
    if (!(isId(t, 'var') || isId(t, 'let') || isId(t, 'const'))) return;
    let k = i + 1;
    while (k < tokens.length) {
      const target = tokens[k]!;
      if (target.type === 'id') {
        names.push(target.text);
        k++;
      } else if (isPunct(target, '{') || isPunct(target, '[')) {
        const close = matching(tokens, k);
        names.push(...patternNames(tokens, k + 1, close));
        k = close + 1;
      } else {
        return;
      }
      if (!isPunct(tokens[k], '=')) {
        if (isPunct(tokens[k], ',')) {
          k++;
          continue;
        }
        return;
      }
      // Skip the initializer: up to a `,` at its own depth, or the end of the statement.
      let depth = 0;
      for (k++; k < tokens.length; k++) {
        const u = tokens[k]!;
        if (u.type === 'punct' && OPENERS.has(u.text)) depth++;
        else if (u.type === 'punct' && CLOSERS.has(u.text)) {
          if (--depth < 0) return;
        } else if (depth === 0 && (isPunct(u, ';') || (u.type === 'id' && STATEMENT_START.has(u.text)))) return;
        else if (depth === 0 && isPunct(u, ',')) break;
      }
      k++;
    }
  });
  return names;
}

const KEYWORDS = new Set([
  'var', 'let', 'const', 'function', 'return', 'if', 'else', 'for', 'while', 'do', 'break', 'continue',
  'new', 'typeof', 'instanceof', 'in', 'of', 'delete', 'void', 'switch', 'case', 'default', 'try',
  'catch', 'finally', 'throw', 'async', 'await', 'yield', 'class', 'extends', 'super', 'true', 'false',
  'null', 'this', 'get', 'set', 'static',
]);

type Token = { type: 'id' | 'punct' | 'literal'; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '/' && source[i + 1] === '/') {
      while (i < n && source[i] !== '\n') i++;
    } else if (c === '/' && source[i + 1] === '*') {
      i = source.indexOf('*/', i + 2);
      i = i < 0 ? n : i + 2;
    } else if (c === '"' || c === "'") {
      i = skipString(source, i, c);
      tokens.push({ type: 'literal', text: 's' });
    } else if (c === '`') {
      i = skipTemplate(source, i, tokens);
    } else if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w$]/.test(source[j]!)) j++;
      tokens.push({ type: 'id', text: source.slice(i, j) });
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w.]/.test(source[j]!)) j++;
      tokens.push({ type: 'literal', text: source.slice(i, j) });
      i = j;
    } else {
      const three = source.slice(i, i + 3);
      const two = source.slice(i, i + 2);
      if (three === '...' || three === '===' || three === '!==') {
        tokens.push({ type: 'punct', text: three });
        i += 3;
      } else if (['=>', '?.', '==', '!=', '<=', '>=', '&&', '||', '??', '++', '--'].includes(two)) {
        tokens.push({ type: 'punct', text: two });
        i += 2;
      } else if (c === '/' && isRegexStart(tokens)) {
        i = skipRegex(source, i);
        tokens.push({ type: 'literal', text: 're' });
      } else {
        tokens.push({ type: 'punct', text: c });
        i++;
      }
    }
  }
  return tokens;
}

function isRegexStart(tokens: Token[]): boolean {
  const prev = tokens[tokens.length - 1];
  if (!prev) return true;
  if (prev.type === 'literal') return false;
  if (prev.type === 'id') return KEYWORDS.has(prev.text) && prev.text !== 'this';
  return !(prev.text === ')' || prev.text === ']' || prev.text === '}');
}

function skipString(source: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < source.length && source[i] !== quote) i += source[i] === '\\' ? 2 : 1;
  return i + 1;
}

function skipRegex(source: string, start: number): number {
  let i = start + 1;
  let inClass = false;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\\') i += 2;
    else if (c === '[') (inClass = true), i++;
    else if (c === ']') (inClass = false), i++;
    else if (c === '/' && !inClass) break;
    else i++;
  }
  i++;
  while (i < source.length && /[a-z]/i.test(source[i]!)) i++;
  return i;
}

/** Skips a template literal, tokenising the code inside `${…}` so its identifiers count. */
function skipTemplate(source: string, start: number, tokens: Token[]): number {
  let i = start + 1;
  while (i < source.length && source[i] !== '`') {
    if (source[i] === '\\') {
      i += 2;
    } else if (source[i] === '$' && source[i + 1] === '{') {
      let depth = 1;
      let j = i + 2;
      while (j < source.length && depth > 0) {
        if (source[j] === '{') depth++;
        else if (source[j] === '}') depth--;
        if (depth > 0) j++;
      }
      tokens.push({ type: 'punct', text: '(' });
      tokens.push(...tokenize(source.slice(i + 2, j)));
      tokens.push({ type: 'punct', text: ')' });
      i = j + 1;
    } else {
      i++;
    }
  }
  tokens.push({ type: 'literal', text: 't' });
  return i + 1;
}
