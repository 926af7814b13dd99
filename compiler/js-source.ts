/**
 * Writes JavaScript source for generated server-side scripts: JSON data as literals, and
 * lowered WorkflowTask JSON whose strings hold markers for values the script computes.
 */
import type { Json } from '../ir/value.js';

/** A marker is a private-use character pair around a number; it never occurs in user text. */
const MARK = '\uE000';
const MARKER = new RegExp(`${MARK}(\\d+)${MARK}`, 'g');
const WHOLE_MARKER = new RegExp(`^${MARK}(\\d+)${MARK}$`);

export class MarkerTable {
  private readonly expressions: string[] = [];

  /** Registers a JS expression and returns the marker that stands for it inside a string. */
  mark(jsExpression: string): string {
    this.expressions.push(jsExpression);
    return `${MARK}${this.expressions.length - 1}${MARK}`;
  }

  /**
   * JS source building `json`, where a string that is exactly one marker becomes that value,
   * and a string mixing text and markers becomes a concatenation (as Conductor would render it).
   */
  toJs(json: Json | undefined): string {
    if (json === undefined) return 'undefined';
    if (json === null || typeof json !== 'object') {
      if (typeof json !== 'string') return JSON.stringify(json);
      return this.stringToJs(json);
    }
    if (Array.isArray(json)) return `[${json.map((item) => this.toJs(item)).join(', ')}]`;
    const entries = Object.entries(json as Record<string, Json>).map(([k, v]) => `${JSON.stringify(k)}: ${this.toJs(v)}`);
    return `{${entries.join(', ')}}`;
  }

  private stringToJs(text: string): string {
    const whole = WHOLE_MARKER.exec(text);
    if (whole) return `(${this.expressions[Number(whole[1])]})`;
    if (!text.includes(MARK)) return JSON.stringify(text);
    const parts: string[] = [];
    let last = 0;
    for (const match of text.matchAll(MARKER)) {
      if (match.index > last) parts.push(JSON.stringify(text.slice(last, match.index)));
      parts.push(`String(${this.expressions[Number(match[1])]})`);
      last = match.index + match[0].length;
    }
    if (last < text.length) parts.push(JSON.stringify(text.slice(last)));
    return `(${parts.join(' + ')})`;
  }
}

/** JS that reads a JSONPath-like path from an expression: `x['a'][0]`, null-safe. */
export function jsPath(base: string, path: readonly (string | number)[]): string {
  let out = base;
  for (const segment of path) {
    out = `(${out} == null ? null : ${out}[${JSON.stringify(segment)}])`;
  }
  return out;
}

/**
 * A function, inlined into generated scripts, that escapes `${` in every string of a value, so
 * data computed by a script is not substituted again when Conductor reads it as task input.
 */
export const ESCAPE_FN =
  "function esc(v) { if (typeof v === 'string') return v.split('${').join('$${'); " +
  "if (Array.isArray(v)) return v.map(esc); if (v !== null && typeof v === 'object') " +
  '{ var o = {}; for (var k in v) o[k] = esc(v[k]); return o; } return v; }';

/**
 * Conductor puts secrets into a system task's input when it runs it, script text included: a
 * `${workflow.secrets.…}` placeholder written into a script's string literals would be replaced
 * by the secret, which the script then copies into its output (and so into the execution
 * history). Split inside the literal, the placeholder is only assembled when the script runs,
 * and reaches the task that uses it still unresolved. `js` holds double-quoted literals only
 * where a placeholder can occur (they are written by JSON.stringify).
 */
export function splitSecretPlaceholders(js: string): string {
  return js.replaceAll('${workflow.secrets.', '$" + "{workflow.secrets.');
}
