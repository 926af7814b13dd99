/**
 * Checks shared by every task type that ships JavaScript to the server (INLINE, SWITCH with a
 * script, DO_WHILE conditions, generated helpers): the text must parse, and a function must not
 * lean on variables from the file it was written in, which do not exist on the server.
 */
import { Script } from 'node:vm';
import type { SourceLoc } from '../ir/source.js';
import type { ExprIR } from '../dsl/expr.js';
import type { CheckContext } from './types.js';

export function syntaxError(source: string): string | undefined {
  try {
    new Script(source, { filename: 'conductor-script.js' });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Identifiers a server-side script may use without defining them. */
const SCRIPT_GLOBALS = new Set([
  '$', 'undefined', 'NaN', 'Infinity', 'Object', 'Array', 'String', 'Number', 'Boolean', 'Math', 'JSON',
  'Date', 'RegExp', 'Error', 'TypeError', 'RangeError', 'parseInt', 'parseFloat', 'isNaN', 'isFinite',
  'Map', 'Set', 'Symbol', 'BigInt', 'encodeURIComponent', 'decodeURIComponent', 'encodeURI', 'decodeURI',
  'Promise', 'Reflect', 'Proxy', 'Intl', 'WeakMap', 'WeakSet', 'globalThis', 'arguments', 'this',
  'true', 'false', 'null', 'console',
]);

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
    const free = freeIdentifiers(expr.fn);
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
 * reports identifiers that are neither declared in the function nor known globals.
 */
export function freeIdentifiers(source: string): string[] {
  const declared = new Set<string>();
  const used: string[] = [];
  const tokens = tokenize(source);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type !== 'id') continue;
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    if (prev?.type === 'punct' && (prev.text === '.' || prev.text === '?.')) continue;
    if (KEYWORDS.has(t.text)) continue;
    // Object literal keys `{ a: 1 }` are not reads.
    if (next?.type === 'punct' && next.text === ':' && prev?.type === 'punct' && (prev.text === '{' || prev.text === ',')) {
      if (!isInsideTernary(tokens, i)) continue;
    }
    if (prev?.type === 'id' && (prev.text === 'var' || prev.text === 'let' || prev.text === 'const' || prev.text === 'function')) {
      declared.add(t.text);
      continue;
    }
    if (next?.type === 'punct' && next.text === '=>') {
      declared.add(t.text);
      continue;
    }
    used.push(t.text);
  }
  // Parameters and destructured names: everything inside the parameter lists of arrow
  // functions and function declarations counts as declared.
  for (const name of parameterNames(tokens)) declared.add(name);
  const free = new Set<string>();
  for (const name of used) if (!declared.has(name) && !SCRIPT_GLOBALS.has(name)) free.add(name);
  return [...free];
}

function isInsideTernary(tokens: Token[], index: number): boolean {
  for (let j = index - 1; j >= 0; j--) {
    const t = tokens[j]!;
    if (t.type === 'punct' && t.text === '?') return true;
    if (t.type === 'punct' && (t.text === '{' || t.text === ';')) return false;
  }
  return false;
}

function parameterNames(tokens: Token[]): string[] {
  const names: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === 'punct' && t.text === '(') {
      // Find the matching ')' and see whether '=>' or '{' after 'function name(' follows.
      let depth = 0;
      let j = i;
      for (; j < tokens.length; j++) {
        const u = tokens[j]!;
        if (u.type === 'punct' && u.text === '(') depth++;
        if (u.type === 'punct' && u.text === ')') {
          depth--;
          if (depth === 0) break;
        }
      }
      const after = tokens[j + 1];
      const before = tokens[i - 1];
      const isArrow = after?.type === 'punct' && after.text === '=>';
      const isFunction =
        before?.type === 'id' && (before.text === 'function' || tokens[i - 2]?.text === 'function');
      if (isArrow || isFunction) {
        for (let k = i + 1; k < j; k++) {
          const u = tokens[k]!;
          const prev = tokens[k - 1]!;
          if (u.type === 'id' && !(prev.type === 'punct' && prev.text === '=')) names.push(u.text);
        }
      }
    }
  }
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
