/**
 * Turns what an author passed as an input (plain data, references, templates, mixtures) into IR
 * values. Anything JSON cannot carry is reported, not silently dropped.
 */
import { type Value, arrayValue, literal, objectValue } from '../ir/value.js';
import { isRef, refNode } from './ref.js';

export type ValueProblem = { readonly path: string; readonly message: string };

export function toValue(input: unknown, problems: ValueProblem[], path = '$'): Value {
  if (input === null) return literal(null);
  switch (typeof input) {
    case 'string':
    case 'boolean':
      return literal(input);
    case 'number':
      if (!Number.isFinite(input)) {
        problems.push({ path, message: `${input} is not a JSON number` });
        return literal(null);
      }
      return literal(input);
    case 'undefined':
      problems.push({ path, message: 'undefined has no JSON form; leave the field out or pass null' });
      return literal(null);
    case 'bigint':
      problems.push({ path, message: 'a bigint has no JSON form; pass a number or a string' });
      return literal(null);
    case 'function':
      if (isRef(input)) return refNode(input);
      problems.push({ path, message: 'a function has no JSON form; compute the value in an inline step' });
      return literal(null);
    case 'symbol':
      problems.push({ path, message: 'a symbol has no JSON form' });
      return literal(null);
  }
  if (isRef(input)) return refNode(input);
  if (Array.isArray(input)) return arrayValue(input.map((item, i) => toValue(item, problems, `${path}[${i}]`)));
  if (input instanceof Date) return literal(input.toISOString());
  const proto = Object.getPrototypeOf(input);
  if (proto !== Object.prototype && proto !== null) {
    problems.push({ path, message: `a ${proto?.constructor?.name ?? 'class'} instance is not plain data` });
    return literal(null);
  }
  return objectValue(fieldValues(input as Record<string, unknown>, problems, path));
}

function fieldValues(input: Record<string, unknown>, problems: ValueProblem[], path: string): Record<string, Value> {
  const fields: Record<string, Value> = {};
  for (const key in input) {
    if (!Object.hasOwn(input, key)) continue;
    const field = input[key];
    // An optional field left undefined is simply absent, as in JSON.
    if (field === undefined) continue;
    fields[key] = toValue(field, problems, `${path}.${key}`);
  }
  return fields;
}

/** Converts a record of inputs (a step's inputParameters) field by field. */
export function toValueRecord(input: object | undefined, problems: ValueProblem[]): Record<string, Value> {
  if (input === undefined) return {};
  // The common case, a plain object of fields, converted straight into the record.
  if (input !== null && typeof input === 'object' && !isRef(input) && !Array.isArray(input)) {
    const proto = Object.getPrototypeOf(input);
    if (proto === Object.prototype || proto === null) return fieldValues(input as Record<string, unknown>, problems, '$');
  }
  const value = toValue(input, problems);
  if (value.kind !== 'object') {
    problems.push({ path: '$', message: 'inputs must be an object of named fields' });
    return {};
  }
  return { ...value.fields };
}
