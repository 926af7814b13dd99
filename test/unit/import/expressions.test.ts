/**
 * Reading `${…}` expressions: only what baton would write back identically becomes a reference;
 * everything else is kept exactly as written.
 */
import { describe, expect, it } from 'vitest';
import { parseReference, parseString } from '../../../importer/expressions.js';

describe('parseReference', () => {
  it('reads workflow input, variables, metadata and task references with their paths', () => {
    expect(parseReference('workflow.input.order.items[0].sku')).toMatchObject({ root: { kind: 'workflowInput' }, path: ['order', 'items', 0, 'sku'] });
    expect(parseReference("workflow.input['odd key']")).toMatchObject({ root: { kind: 'workflowInput' }, path: ['odd key'] });
    expect(parseReference('workflow.variables.counter')).toMatchObject({ root: { kind: 'variables' }, path: ['counter'] });
    expect(parseReference('workflow.correlationId')).toMatchObject({ root: { kind: 'workflowMeta', field: 'correlationId' }, path: [] });
    expect(parseReference('charge-1.output.body.id')).toMatchObject({ root: { kind: 'stepOutput', ref: 'charge-1' }, path: ['body', 'id'] });
    expect(parseReference('charge.input.amount')).toMatchObject({ root: { kind: 'stepInput', ref: 'charge' }, path: ['amount'] });
    expect(parseReference('charge.status')).toMatchObject({ root: { kind: 'stepMeta', ref: 'charge', field: 'status' } });
    expect(parseReference('CPEWF_TASK_ID')).toMatchObject({ root: { kind: 'taskId' } });
    expect(parseReference('workflow.secrets.token')).toMatchObject({ root: { kind: 'secret', name: 'token' }, path: [] });
    expect(parseReference("a.output['it\\'s']")).toMatchObject({ path: ["it's"] });
  });

  it('declines spellings baton would write differently, and what is not a plain path', () => {
    // baton writes identifiers with a dot and other keys in brackets; any other spelling stays raw.
    expect(parseReference("workflow.input['id']")).toBeUndefined();
    expect(parseReference('workflow.input["id"]')).toBeUndefined();
    expect(parseReference('a.output.list.0')).toBeUndefined();
    expect(parseReference('a.output.items[?(@.qty > 1)]')).toBeUndefined();
    expect(parseReference('a.output.items.length()')).toBeUndefined();
    expect(parseReference('workflow.secrets.token.part')).toBeUndefined();
    expect(parseReference("workflow.secrets['token']")).toBeUndefined();
    expect(parseReference('workflow.env.region')).toBeUndefined();
    expect(parseReference('a')).toBeUndefined();
    expect(parseReference('a.outputs.x')).toBeUndefined();
    expect(parseReference('')).toBeUndefined();
  });
});

describe('parseString', () => {
  it('tells text, expressions and mixed strings apart', () => {
    expect(parseString('plain')).toEqual({ kind: 'text' });
    expect(parseString('${workflow.input.id}')).toMatchObject({ kind: 'expression', parts: [{ text: '${workflow.input.id}' }] });
    expect(parseString('Order ${workflow.input.id} for ${a.output.name}!')).toMatchObject({
      kind: 'expression',
      parts: ['Order ', { path: ['id'] }, ' for ', { path: ['name'] }, '!'],
    });
  });

  it('keeps escapes, nested expressions, unclosed and unreadable ones opaque', () => {
    expect(parseString('costs $${price}')).toEqual({ kind: 'opaque' });
    expect(parseString('${a.output.${workflow.input.key}}')).toEqual({ kind: 'opaque' });
    expect(parseString('${unclosed')).toEqual({ kind: 'opaque' });
    expect(parseString('x ${a.output.items[?(@.x)]} y')).toEqual({ kind: 'opaque' });
    expect(parseString('${}')).toEqual({ kind: 'opaque' });
  });
});
