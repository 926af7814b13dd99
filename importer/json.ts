/**
 * Plain JSON as the importer reads it from files and servers: Conductor definitions are loose
 * maps, so they are handled as JSON objects with a few typed accessors, never trusted shapes.
 */
import type { Json } from '../ir/value.js';

export type { Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isTaskList(value: Json | undefined): value is JsonObject[] {
  return Array.isArray(value) && value.every((item) => isObject(item));
}

export function stringField(object: JsonObject, key: string): string | undefined {
  const value = object[key];
  return typeof value === 'string' ? value : undefined;
}

export function numberField(object: JsonObject, key: string): number | undefined {
  const value = object[key];
  return typeof value === 'number' ? value : undefined;
}

export function objectField(object: JsonObject, key: string): JsonObject | undefined {
  const value = object[key];
  return isObject(value) ? value : undefined;
}

/** Deep equality of JSON values; key order of objects does not matter, array order does. */
export function sameJson(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => sameJson(item, b[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b as JsonObject);
  if (ka.length !== kb.length) return false;
  return ka.every((key) => Object.hasOwn(b, key) && sameJson((a as JsonObject)[key], (b as JsonObject)[key]));
}

/** Where two JSON values differ, as JSON-pointer-like paths (first few only). */
export function jsonDifferences(a: Json | undefined, b: Json | undefined, limit = 20, path = ''): string[] {
  const out: string[] = [];
  const walk = (x: Json | undefined, y: Json | undefined, at: string) => {
    if (out.length >= limit || sameJson(x, y)) return;
    if (isObject(x ?? null) && isObject(y ?? null)) {
      const keys = new Set([...Object.keys(x as JsonObject), ...Object.keys(y as JsonObject)]);
      for (const key of keys) walk((x as JsonObject)[key], (y as JsonObject)[key], `${at}/${key}`);
      return;
    }
    if (Array.isArray(x) && Array.isArray(y) && x.length === y.length) {
      x.forEach((item, i) => walk(item, y[i], `${at}/${i}`));
      return;
    }
    out.push(`${at || '/'}: ${brief(x)} ≠ ${brief(y)}`);
  };
  walk(a, b, path);
  return out;
}

function brief(value: Json | undefined): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** A deep copy, so the importer never changes what it was given. */
export function cloneJson<T extends Json>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
