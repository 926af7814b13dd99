/**
 * Freezes a finished IR tree. Zod schemas are left alone: they are shared with the author's
 * module and zod caches inside them.
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  if ('_zod' in (value as object)) return value;
  Object.freeze(value);
  for (const child of Object.values(value as object)) deepFreeze(child);
  return value;
}
