/**
 * `raw('${some_task.output.field}')`: a value written in Conductor's own expression syntax,
 * passed through as it is. For expressions a typed reference cannot say (imported definitions,
 * JSONPath filters); the type checker trusts the type you give it.
 */
import { rawValue } from '../ir/value.js';
import { type Ref, constantRef } from './ref.js';

export function raw<T = unknown>(text: string): Ref<T> {
  return constantRef<T>(rawValue(text));
}
