/**
 * The `str` tagged template: a string that mixes literal text with references, e.g.
 * str`https://api.example/cities/${wf.input.city}`. Literal text is kept as it is (a `${` in it
 * is escaped when compiled) and interpolated references become `${...}` expressions.
 */
import { type RefValue, type Value, templateValue } from '../ir/value.js';
import { type Ref, type RefBase, constantRef, isRef, refNode } from './ref.js';

type Interpolation = RefBase<string | number | boolean | null | undefined> | string | number | boolean;

export function str(strings: TemplateStringsArray, ...values: Interpolation[]): Ref<string> {
  const parts: (string | RefValue)[] = [];
  const pushText = (text: string) => {
    if (text === '') return;
    const last = parts[parts.length - 1];
    if (typeof last === 'string') parts[parts.length - 1] = last + text;
    else parts.push(text);
  };
  strings.raw.forEach((_, i) => {
    pushText(strings[i] ?? '');
    if (i >= values.length) return;
    const value = values[i];
    if (isRef(value)) {
      appendValue(refNode(value), parts, pushText);
    } else {
      pushText(String(value));
    }
  });
  return constantRef<string>(templateValue(parts));
}

function appendValue(value: Value, parts: (string | RefValue)[], pushText: (text: string) => void): void {
  switch (value.kind) {
    case 'ref':
      parts.push(value);
      return;
    case 'template':
      for (const part of value.parts) {
        if (typeof part === 'string') pushText(part);
        else parts.push(part);
      }
      return;
    case 'literal':
      pushText(String(value.value));
      return;
    default:
      throw new TypeError('str`...` can interpolate strings, numbers, booleans and references only.');
  }
}
