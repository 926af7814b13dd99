/**
 * References, string templates and input values: what the builders record (dsl/ref.ts,
 * dsl/template.ts, dsl/values.ts) and how the compiler writes it in Conductor's `${…}` syntax,
 * including the escaping of literal `${` (Conductor reads `$${` as a literal `${`).
 */
import { describe, expect, it } from 'vitest';
import { cast, isRef, raw, str, task, workflow, z } from '../../../dsl/index.js';
import { makeRef, refNode } from '../../../dsl/ref.js';
import type { RefValue } from '../../../ir/value.js';
import { toValue, toValueRecord, type ValueProblem } from '../../../dsl/values.js';
import { escapeText, expression, formatPath } from '../../../compiler/expressions.js';
import { compileOk, diagnosticsOf } from './helpers.js';

const input = () => makeRef<{ a: { b: string[] }; 'a b': number; list: { id: string }[] }>({ kind: 'workflowInput' });

describe('references', () => {
  it('record the path they were reached by, with array indexes as numbers', () => {
    const ref = input();
    expect(refNode(ref.a.b[0]!)).toEqual({ kind: 'ref', target: { kind: 'workflowInput' }, path: ['a', 'b', 0] });
    expect(refNode(ref.list[12]!.id)).toEqual({ kind: 'ref', target: { kind: 'workflowInput' }, path: ['list', 12, 'id'] });
    expect(refNode(ref)).toEqual({ kind: 'ref', target: { kind: 'workflowInput' }, path: [] });
  });

  it('keep odd keys as strings, and only canonical indexes as numbers', () => {
    const ref = input() as unknown as Record<string, unknown>;
    const path = (key: string) => (refNode(ref[key] as never) as RefValue).path;
    expect(path('a b')).toEqual(['a b']);
    expect(path('01')).toEqual(['01']);
    expect(path('-1')).toEqual(['-1']);
    expect(path('0')).toEqual([0]);
  });

  it('return the same child for the same field', () => {
    const ref = input();
    expect(ref.a.b).toBe(ref.a.b);
    expect(ref.a).not.toBe(ref.list);
  });

  it('look like nothing to promises, iteration and inspection', async () => {
    const ref = input() as unknown as Record<PropertyKey, unknown>;
    expect(ref.then).toBeUndefined();
    expect(ref[Symbol.iterator]).toBeUndefined();
    expect(ref[Symbol.toPrimitive]).toBeUndefined();
    expect(ref[Symbol.toStringTag]).toBeUndefined();
    // Awaiting a reference must not hang or unwrap it: it is not a thenable.
    expect(await Promise.resolve(ref)).toBe(ref);
    expect(Object.keys(ref)).toEqual([]);
    expect('a' in ref).toBe(false);
  });

  it('throw a clear error when used as a string, a number or JSON', () => {
    const ref = input().a;
    const message = /A baton reference was used as a string or number.*str`\.\.\.`/;
    expect(() => String(ref)).toThrow(message);
    expect(() => `${ref as unknown as string}`).toThrow(message);
    expect(() => (ref as unknown as number) + 1).toThrow(message);
    expect(() => JSON.stringify({ x: ref })).toThrow(/used as a JSON value/);
    expect(() => String(ref)).toThrow(TypeError);
  });

  it('refuse assignment', () => {
    const ref = input() as unknown as Record<string, unknown>;
    expect(() => {
      ref.a = 1;
    }).toThrow(/assignment target/);
    expect(() => delete ref.a).toThrow(/assignment target/);
  });

  it('are recognised by their brand, not by class', () => {
    expect(isRef(input().a)).toBe(true);
    expect(isRef(str`x`)).toBe(true);
    expect(isRef(raw('${x.output}'))).toBe(true);
    expect(isRef({})).toBe(false);
    expect(isRef(null)).toBe(false);
    expect(isRef('${workflow.input.a}')).toBe(false);
    // A brand from another copy of baton (same registered symbol) counts.
    expect(isRef({ [Symbol.for('baton.ref')]: { kind: 'literal', value: 1 } })).toBe(true);
  });

  it('cast changes only the type', () => {
    const ref = input().a;
    expect(cast<number>(ref)).toBe(ref);
  });
});

describe('the str template', () => {
  it('merges literal text and keeps references as parts', () => {
    const ref = input();
    const value = refNode(str`https://api.example/${ref.a.b[0]!}/x?n=${3}&ok=${true}`);
    expect(value).toEqual({
      kind: 'template',
      parts: ['https://api.example/', { kind: 'ref', target: { kind: 'workflowInput' }, path: ['a', 'b', 0] }, '/x?n=3&ok=true'],
    });
  });

  it('flattens a template interpolated into another', () => {
    const ref = input();
    const inner = str`<${ref.a.b[1]!}>`;
    const value = refNode(str`a${inner}b`);
    expect(value).toEqual({
      kind: 'template',
      parts: ['a<', { kind: 'ref', target: { kind: 'workflowInput' }, path: ['a', 'b', 1] }, '>b'],
    });
  });

  it('with no reference is plain text', () => {
    expect(refNode(str`plain ${'text'}`)).toEqual({ kind: 'template', parts: ['plain text'] });
    expect(refNode(str``)).toEqual({ kind: 'template', parts: [] });
  });

  it('refuses to interpolate raw expressions', () => {
    expect(() => str`a ${raw<string>('${x.output}')}`).toThrow(/str`...` can interpolate strings, numbers, booleans and references only/);
  });
});

describe('input values', () => {
  const convert = (value: unknown) => {
    const problems: ValueProblem[] = [];
    return { value: toValue(value, problems), problems };
  };

  it('wrap plain data so user keys never look like IR nodes', () => {
    expect(convert({ kind: 'ref', n: [1, 'a', null, false] }).value).toEqual({
      kind: 'object',
      fields: {
        kind: { kind: 'literal', value: 'ref' },
        n: {
          kind: 'array',
          items: [
            { kind: 'literal', value: 1 },
            { kind: 'literal', value: 'a' },
            { kind: 'literal', value: null },
            { kind: 'literal', value: false },
          ],
        },
      },
    });
  });

  it('drop undefined object fields but report what JSON cannot carry', () => {
    expect(convert({ a: undefined, b: 1 }).value).toEqual({ kind: 'object', fields: { b: { kind: 'literal', value: 1 } } });
    expect(convert(Number.NaN).problems).toEqual([{ path: '$', message: 'NaN is not a JSON number' }]);
    expect(convert({ x: [Infinity] }).problems).toEqual([{ path: '$.x[0]', message: 'Infinity is not a JSON number' }]);
    expect(convert(undefined).problems[0]!.message).toMatch(/undefined has no JSON form/);
    expect(convert(10n).problems[0]!.message).toMatch(/bigint/);
    expect(convert(() => 1).problems[0]!.message).toMatch(/a function has no JSON form/);
    expect(convert(Symbol('s')).problems[0]!.message).toMatch(/symbol/);
    expect(convert(new Map()).problems[0]!.message).toBe('a Map instance is not plain data');
  });

  it('turn dates into ISO strings and accept null-prototype objects', () => {
    expect(convert(new Date(Date.UTC(2026, 0, 2, 3, 4, 5))).value).toEqual({ kind: 'literal', value: '2026-01-02T03:04:05.000Z' });
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    expect(convert(bare).problems).toEqual([]);
  });

  it('require an object of named fields for step inputs', () => {
    const problems: ValueProblem[] = [];
    expect(toValueRecord([1] as unknown as object, problems)).toEqual({});
    expect(problems).toEqual([{ path: '$', message: 'inputs must be an object of named fields' }]);
  });
});

describe('Conductor expression text', () => {
  it('writes paths with dots, brackets for odd keys, and indexes', () => {
    expect(formatPath(['a', 0, 'b c', "it's", 'x\\y', '_ok9'])).toBe(".a[0]['b c']['it\\'s']['x\\\\y']._ok9");
    expect(expression('workflow.input', ['list', 2])).toBe('${workflow.input.list[2]}');
  });

  it('escapes a literal ${ as $${ (and leaves other dollars alone)', () => {
    expect(escapeText('cost ${x} and ${y}')).toBe('cost $${x} and $${y}');
    expect(escapeText('$5 and $$ and {x}')).toBe('$5 and $$ and {x}');
    // Conductor turns `$${` back into `${`, so already-escaped text survives one round.
    expect(escapeText('$${x}')).toBe('$$${x}');
  });
});

describe('lowered values', () => {
  const echo = task('echo', {
    input: z.object({ text: z.string(), data: z.unknown().optional() }),
    output: z.object({ text: z.string() }),
  });

  it('write references, templates, escaped literals and raw expressions', () => {
    const wf = workflow(
      'lowered_values',
      { input: z.object({ id: z.string(), 'odd key': z.number(), items: z.array(z.object({ name: z.string() })) }), output: z.object({ text: z.string() }) },
      (wf) => {
        const first = wf.run(echo, {
          text: str`https://api.example/${wf.input.id}/\${not a ref}?n=${wf.input['odd key']}`,
          data: {
            plain: 'price: ${amount}',
            raw: raw('${workflow.input.items[0].name}'),
            name: wf.input.items[3]!.name,
            nested: [wf.input.id, 'text ${x} and $$ {y}'],
            number: 1.5,
          },
        });
        wf.run(echo, { text: str`${'${'}literal interpolated` }, { ref: 'second' });
        return { text: first.output.text };
      },
    );
    const { tasks, definition } = compileOk(wf);
    expect(tasks[0]!.inputParameters).toEqual({
      text: "https://api.example/${workflow.input.id}/$${not a ref}?n=${workflow.input['odd key']}",
      data: {
        plain: 'price: $${amount}',
        raw: '${workflow.input.items[0].name}',
        name: '${workflow.input.items[3].name}',
        nested: ['${workflow.input.id}', 'text $${x} and $$ {y}'],
        number: 1.5,
      },
    });
    expect(tasks[1]!.inputParameters).toEqual({ text: '$${literal interpolated' });
    expect(definition.outputParameters).toEqual({ text: '${echo.output.text}' });
  });

  it('report inputs JSON cannot carry at the builder call', () => {
    const wf = workflow('bad_values', { input: z.object({}), output: z.object({}) }, (wf) => {
      wf.run(echo, { text: 'a', data: { n: Number.NaN, when: 5n } as never });
      return {};
    });
    const found = diagnosticsOf(wf).filter((d) => d.code === 'invalid-input');
    expect(found.map((d) => d.message)).toEqual([
      'input data.n: NaN is not a JSON number',
      'input data.when: a bigint has no JSON form; pass a number or a string',
    ]);
  });
});
