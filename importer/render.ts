/**
 * Writing the plan as TypeScript documents: values (literals, typed references, `str`
 * templates, `raw(…)`), step statements with their handles, nested blocks as callbacks, and
 * each workflow's `workflow(name, options, body)`. Rendering runs twice: the first pass learns
 * which handles, fork exports, schema keys and output schemas the references need; the second
 * writes the source with all of that known.
 */
import { type Doc, arrayDoc, blockDoc, concat, objectDoc, propertyKey, quote, templateText } from './doc.js';
import { type ParsedRef, parseString } from './expressions.js';
import type { CommonPlan } from './forms/common.js';
import type { Expect, StepWriter, ValueType } from './forms/types.js';
import { type Json, type JsonObject, isObject } from './json.js';
import type { PlannedStep, Position, WorkflowPlan } from './plan.js';
import { END, resolveReference } from './references.js';

/** JSON written exactly as given. */
export function jsonDoc(json: Json): Doc {
  if (typeof json === 'string') return quote(json);
  if (json === null || typeof json !== 'object') return JSON.stringify(json);
  if (Array.isArray(json)) return arrayDoc(json.map(jsonDoc));
  return objectDoc(Object.entries(json).map(([k, v]) => concat(`${propertyKey(k)}: `, jsonDoc(v))));
}

function fits(type: ValueType, expect: Expect | 'template'): boolean {
  if (expect === 'any') return true;
  if (expect === 'string') return type === 'any' || type === 'string';
  if (expect === 'typed') return type === 'any';
  return type !== 'object';
}

export class ValueWriter {
  constructor(
    readonly plan: WorkflowPlan,
    /** Declaration variable names by task name. */
    readonly decls: ReadonlyMap<string, string>,
  ) {}

  private raw(text: string, expect: Expect): Doc {
    this.plan.stats.raw++;
    if (expect === 'string') return `raw<string>(${quote(text)})`;
    return expect === 'typed' ? `raw<any>(${quote(text)})` : `raw(${quote(text)})`;
  }

  private reference(ref: ParsedRef, at: Position, expect: Expect | 'template'): string | undefined {
    const resolved = resolveReference(this.plan, ref, at);
    return resolved && fits(resolved.type, expect) ? resolved.text : undefined;
  }

  /** A string where no reference is in scope (workflow options): literal text or `raw(…)`. */
  detached(text: string, expect: Expect): Doc {
    return parseString(text).kind === 'text' ? quote(text) : this.raw(text, expect);
  }

  string(text: string, at: Position, expect: Expect): Doc {
    const parsed = parseString(text);
    if (parsed.kind === 'text') return quote(text);
    if (parsed.kind === 'opaque') return this.raw(text, expect);
    const [only] = parsed.parts;
    if (parsed.parts.length === 1 && typeof only !== 'string') {
      const typed = this.reference(only!, at, expect);
      if (typed === undefined) return this.raw(text, expect);
      this.plan.stats.typed++;
      return typed;
    }
    let out = '';
    for (const part of parsed.parts) {
      if (typeof part === 'string') {
        out += templateText(part);
        continue;
      }
      const typed = this.reference(part, at, 'template');
      if (typed === undefined) return this.raw(text, expect);
      out += `\${${typed}}`;
    }
    this.plan.stats.typed++;
    return `str\`${out}\``;
  }

  value(json: Json, at: Position, expect: Expect = 'any'): Doc {
    if (typeof json === 'string') return this.string(json, at, expect);
    if (json === null || typeof json !== 'object') return JSON.stringify(json);
    if (Array.isArray(json)) return arrayDoc(json.map((item) => this.value(item, at)));
    return this.record(json as JsonObject, at);
  }

  record(object: JsonObject, at: Position, expect: Expect = 'any'): Doc {
    return objectDoc(Object.entries(object).map(([k, v]) => concat(`${propertyKey(k)}: `, this.value(v, at, expect))));
  }
}

/** The statements of a block and, for a fork branch, the handles it hands back. */
export function blockLines(writer: ValueWriter, steps: readonly PlannedStep[], scope: string, returns: readonly string[]): Doc[] {
  const lines: Doc[] = [];
  for (const step of steps) lines.push(stepStatement(writer, step, scope));
  if (returns.length > 0) lines.push(concat('return ', objectDoc([...returns]), ';'));
  return lines;
}

function stepStatement(writer: ValueWriter, step: PlannedStep, scope: string): Doc {
  const plan = writer.plan;
  const call = step.form.render(stepWriter(writer, step, scope));
  const exports = plan.exports.get(step.ref);
  if (exports && step.form.branchNames) {
    const names = step.form.branchNames;
    const parts = [...exports.entries()]
      .sort(([a], [b]) => a - b)
      .map(([branch, handles]) => concat(`${propertyKey(names[branch]!)}: `, objectDoc([...handles].sort())));
    return concat('const ', objectDoc(parts), ' = ', call, ';');
  }
  const handle = plan.handles.get(step.ref);
  return handle === undefined ? concat(call, ';') : concat(`const ${handle} = `, call, ';');
}

function stepWriter(writer: ValueWriter, step: PlannedStep, scope: string): StepWriter {
  const plan = writer.plan;
  const at = step.position;
  return {
    scope,
    value: (json, expect) => writer.value(json, at, expect),
    record: (object, expect) => writer.record(object, at, expect),
    json: jsonDoc,
    block(index) {
      const steps = step.blocks[index] ?? [];
      const returns = [...(plan.exports.get(step.ref)?.get(index) ?? [])].sort();
      const iteration = plan.iterationParams.get(step.ref);
      const params = iteration === undefined ? '(b)' : `(b, ${iteration})`;
      if (steps.length === 0) return '() => {}';
      return blockDoc(`${params} => {`, blockLines(writer, steps, 'b', returns), '}');
    },
    options: (own, common) => optionsDoc(own, common, (json) => writer.value(json, at, 'string')),
    outputRead: () => plan.outputRead.has(step.ref),
    decl(name) {
      const found = writer.decls.get(name);
      if (found === undefined) throw new Error(`internal: no declaration for task '${name}'`);
      return found;
    },
  };
}

/** The options object of a step: its own entries, then the settings every step shares. */
export function optionsDoc(own: readonly (readonly [string, Doc])[], common: CommonPlan, cacheKey: (json: Json) => Doc): Doc | undefined {
  const entries: Doc[] = [];
  const add = (key: string, value: Doc) => entries.push(concat(`${key}: `, value));
  if (common.ref !== undefined) add('ref', quote(common.ref));
  if (common.conductorName !== undefined) add('conductorName', quote(common.conductorName));
  for (const [key, value] of own) add(key, value);
  if (common.description !== undefined) add('description', quote(common.description));
  for (const flag of ['optional', 'permissive', 'asyncComplete', 'rateLimited'] as const) if (common[flag]) add(flag, 'true');
  if (common.startDelaySeconds !== undefined) add('startDelaySeconds', String(common.startDelaySeconds));
  if (common.cache) add('cache', objectDoc([concat('key: ', cacheKey(common.cache.key)), `ttlSeconds: ${common.cache.ttlSeconds}`]));
  for (const [key, value] of common.policy) add(key, jsonDoc(value));
  if (Object.keys(common.fields).length > 0) add('fields', jsonDoc(common.fields));
  return entries.length === 0 ? undefined : objectDoc(entries);
}

/** The body of a workflow: its steps, then the output it returns. */
export function workflowBody(writer: ValueWriter): Doc {
  const plan = writer.plan;
  const lines = blockLines(writer, plan.steps, 'wf', []);
  // The body's result is the output; a workflow without one returns `{}` (the DSL types it).
  const output = isObject(plan.def.outputParameters ?? null) ? (plan.def.outputParameters as JsonObject) : {};
  lines.push(concat('return ', writer.record(output, END), ';'));
  return blockDoc('(wf) => {', lines, '}');
}
