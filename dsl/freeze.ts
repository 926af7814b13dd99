import { isRef } from './ref.js';

/**
 * Freezes a finished IR tree. Zod schemas are left alone: they are shared with the author's
 * module and zod caches inside them; so are references that strayed into plain data (their
 * proxies answer for themselves, and the compiler reports them where JSON is written).
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  if ('_zod' in (value as object) || isRef(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
  } else {
    // Own enumerable properties, as Object.values lists them, without the array it makes.
    const record = value as Record<string, unknown>;
    for (const key in record) if (Object.hasOwn(record, key)) deepFreeze(record[key]);
  }
  return value;
}
