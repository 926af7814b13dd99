import { describe, expect, it } from 'vitest';
import { jqSyntaxProblem } from '../../../tasktypes/jq.js';
import { workflow, z } from '../../../dsl/index.js';
import { diagnosticsOf, tasksOf } from './helpers.js';

const input = z.object({ items: z.array(z.object({ price: z.number() })) });

describe('jq (JSON_JQ_TRANSFORM)', () => {
  it('lowers the input next to queryExpression, runs in the decider, and types result from the schema', () => {
    const wf = workflow('jq_flow', { input, output: z.object({ total: z.number(), all: z.array(z.number()) }) }, (wf) => {
      const sum = wf.jq('sum_prices', { query: '.items | map(.price) | add', input: { items: wf.input.items }, output: z.number() });
      return { total: sum.output.result, all: sum.output.resultList };
    });
    const definition = tasksOf(wf);
    expect(definition).toEqual([
      {
        name: 'sum_prices',
        taskReferenceName: 'sum_prices',
        type: 'JSON_JQ_TRANSFORM',
        inputParameters: { items: '${workflow.input.items}', queryExpression: '.items | map(.price) | add' },
      },
    ]);
  });

  it('escapes a literal ${ in the program so Conductor does not substitute it', () => {
    const wf = workflow('jq_escape', { input, output: z.object({}) }, (wf) => {
      wf.jq('literal', { query: '"${not a reference}"', input: {} });
      return {};
    });
    expect(tasksOf(wf)[0]!.inputParameters).toEqual({ queryExpression: '"$${not a reference}"' });
  });

  it('reports an empty query', () => {
    const wf = workflow('jq_empty', { input, output: z.object({}) }, (wf) => {
      wf.jq('nothing', { query: '  ', input: {} });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      { code: 'jq-query', severity: 'error', message: "jq step 'nothing' has an empty query", hint: 'write the jq program, e.g. ".items | length"' },
    ]);
  });

  it('reports a program whose brackets do not balance', () => {
    const wf = workflow('jq_broken', { input, output: z.object({}) }, (wf) => {
      wf.jq('broken', { query: '.items | map(.price', input: {} });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      {
        code: 'jq-syntax',
        severity: 'error',
        message: "jq step 'broken' query does not parse: '(' is never closed",
        hint: 'fix the jq program; jq rejects it when the step runs',
      },
    ]);
  });

  it('reports an input named queryExpression', () => {
    const wf = workflow('jq_reserved', { input, output: z.object({}) }, (wf) => {
      wf.jq('clash', { query: '.', input: { queryExpression: 'x' } });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      {
        code: 'jq-reserved-input',
        severity: 'error',
        message: "jq step 'clash' has an input named 'queryExpression'",
        hint: 'Conductor reads the jq program from this input parameter; rename the input',
      },
    ]);
  });

  it('reports a reference to a field the result schema does not have', () => {
    const wf = workflow('jq_field', { input, output: z.object({ x: z.unknown() }) }, (wf) => {
      const step = wf.jq('shape', { query: '{a: 1}', input: {}, output: z.object({ a: z.number() }) });
      return { x: (step.output.result as unknown as Record<string, never>).b };
    });
    expect(diagnosticsOf(wf).map((d) => d.code)).toEqual(['ref-unknown-field']);
  });
});

describe('jqSyntaxProblem', () => {
  it('accepts balanced programs, strings with interpolation and comments', () => {
    for (const ok of ['.', '.a[0] | {b: .c}', '"total: \\(.items | length)"', '.a # trailing ) comment', '"a ) in a string"', '[.[] | select(.x == "]")]']) {
      expect(jqSyntaxProblem(ok), ok).toBeUndefined();
    }
  });

  it('names what is unbalanced', () => {
    expect(jqSyntaxProblem('.a]')).toBe("']' at position 3 has no matching opening bracket");
    expect(jqSyntaxProblem('{a: (1}')).toBe("'}' at position 7 has no matching opening bracket");
    expect(jqSyntaxProblem('"open')).toBe('a string is not closed (missing ")');
    expect(jqSyntaxProblem('"\\(.a"')).toBe('a string is not closed (missing ")');
    expect(jqSyntaxProblem('[1, 2')).toBe("'[' is never closed");
  });
});
