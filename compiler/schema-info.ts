/**
 * What the compiler reads from zod schemas: top-level field names, defaults, JSON Schema, and
 * whether a path into a value of that schema exists (to catch a misspelt field in a reference
 * that the type checker did not see, e.g. in a JavaScript workflow file).
 */
import { z } from 'zod';
import type { Json, PathSegment } from '../ir/value.js';

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional', 'success']);

/** The schema under optional/nullable/default/… wrappers and pipes. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let i = 0; i < 20; i++) {
    const def = defOf(current);
    if (WRAPPERS.has(def.type)) current = def.innerType as z.ZodType;
    else if (def.type === 'pipe') current = def.in as z.ZodType;
    else if (def.type === 'lazy') current = (def.getter as () => z.ZodType)();
    else return current;
  }
  return current;
}

export function topLevelKeys(schema: z.ZodType): string[] {
  const inner = unwrap(schema);
  return defOf(inner).type === 'object' ? Object.keys((inner as z.ZodObject).shape) : [];
}

/** Top-level defaults of an object schema, for Conductor's WorkflowDef.inputTemplate. */
export function inputTemplate(schema: z.ZodType): Record<string, Json> {
  const inner = unwrap(schema);
  if (defOf(inner).type !== 'object') return {};
  const out: Record<string, Json> = {};
  for (const [key, field] of Object.entries((inner as z.ZodObject).shape)) {
    const def = defOf(field as z.ZodType);
    if (def.type === 'default') {
      const value = typeof def.defaultValue === 'function' ? (def.defaultValue as () => unknown)() : def.defaultValue;
      if (value !== undefined) out[key] = JSON.parse(JSON.stringify(value)) as Json;
    }
  }
  return out;
}

export type JsonSchema = { [key: string]: Json };

/**
 * Converted schemas as JSON text, per schema object: a build asks for each workflow's schemas
 * twice (schema files, MCP tool), and schemas shared between workflows are converted once.
 * Every caller gets its own copy.
 */
const converted = new WeakMap<z.ZodType, { input?: string; output?: string }>();

/** JSON Schema of what a caller sends (`io: 'input'`) or what a value holds (`output`). */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  let entry = converted.get(schema);
  if (!entry) converted.set(schema, (entry = {}));
  let text = entry[io];
  if (text === undefined) {
    let result: JsonSchema;
    try {
      result = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
    } catch {
      result = { $schema: 'https://json-schema.org/draft/2020-12/schema' };
    }
    entry[io] = text = JSON.stringify(result);
  }
  return JSON.parse(text) as JsonSchema;
}

export type PathCheck = { ok: true } | { ok: false; at: number; known: string[] };

/** Whether `path` can exist in a value of `schema`; unknown and open schemas accept any path. */
export function checkPath(schema: z.ZodType, path: readonly PathSegment[]): PathCheck {
  let current: z.ZodType = schema;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const inner = unwrap(current);
    const def = defOf(inner);
    switch (def.type) {
      case 'object': {
        const shape = (inner as z.ZodObject).shape as Record<string, z.ZodType>;
        const key = String(segment);
        if (key in shape) {
          current = shape[key]!;
          continue;
        }
        const catchall = def.catchall as z.ZodType | undefined;
        if (catchall && defOf(catchall).type !== 'never') {
          current = catchall;
          continue;
        }
        return { ok: false, at: i, known: Object.keys(shape) };
      }
      case 'record':
        current = def.valueType as z.ZodType;
        continue;
      case 'array':
        if (typeof segment !== 'number') return { ok: false, at: i, known: [] };
        current = def.element as z.ZodType;
        continue;
      case 'tuple': {
        const items = def.items as z.ZodType[];
        if (typeof segment !== 'number' || segment >= items.length) return { ok: false, at: i, known: [] };
        current = items[segment]!;
        continue;
      }
      case 'union':
      case 'discriminatedUnion': {
        const options = def.options as z.ZodType[];
        return options.some((o) => checkPath(o, path.slice(i)).ok) ? { ok: true } : { ok: false, at: i, known: [] };
      }
      case 'intersection': {
        const left = checkPath(def.left as z.ZodType, path.slice(i));
        return left.ok ? left : checkPath(def.right as z.ZodType, path.slice(i));
      }
      default:
        // unknown, any, custom, string (a JSONPath into a string is the author's business)…
        return { ok: true };
    }
  }
  return { ok: true };
}
