/** The MCP server's small parts on their own: validation, summaries, redaction, metrics. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jsonSchema } from '../../../compiler/schema-info.js';
import { envelopeOf } from '../../../mcp/envelope.js';
import { McpMetrics } from '../../../mcp/metrics.js';
import { REDACTED, redact } from '../../../mcp/redact.js';
import type { ConductorRun } from '../../../mcp/runs.js';
import { jsonBytes, summarise } from '../../../mcp/summarise.js';
import { rebaseRefs, workflowToolInputSchema } from '../../../mcp/tool-schema.js';
import { compileSchema, formatProblems } from '../../../mcp/validation.js';
import { readPath } from '../../../mcp/tools/read-tools.js';

describe('argument schemas', () => {
  it('keeps a recursive workflow schema working under `input`', () => {
    const Node: z.ZodType<{ name: string; children: unknown[] }> = z.object({ name: z.string(), get children() { return z.array(Node); } });
    const input = jsonSchema(Node, 'input');
    expect(JSON.stringify(input)).toContain('"$ref":"#"');
    const wrapper = workflowToolInputSchema(input, { maxWaitSeconds: 50, versions: [1], inputOptional: false });
    const check = compileSchema(wrapper);
    expect(check({ input: { name: 'a', children: [{ name: 'b', children: [] }] } })).toEqual([]);
    expect(formatProblems(check({ input: { name: 'a', children: [{ name: 7, children: [] }] } }))).toBe('input.children[0].name: must be string');
  });

  it('rebases only local pointers', () => {
    expect(rebaseRefs({ $ref: '#/$defs/x', items: { $ref: '#' }, other: { $ref: 'https://example.com/s' }, enum: [{ $ref: '#' }] }, '/properties/input')).toEqual({
      $ref: '#/properties/input/$defs/x',
      items: { $ref: '#/properties/input' },
      other: { $ref: 'https://example.com/s' },
      enum: [{ $ref: '#' }],
    });
  });

  it('checks formats zod emits, and says where and why', () => {
    const schema = jsonSchema(z.object({ email: z.string().email(), url: z.string().url(), when: z.iso.datetime(), id: z.uuid() }), 'input');
    const check = compileSchema(schema);
    expect(check({ email: 'a@b.co', url: 'https://x.example/y', when: '2025-01-01T00:00:00Z', id: '0b6f2f0e-3c5c-4d8e-9b1a-2f6d7c8e9a10' })).toEqual([]);
    const problems = check({ email: 'nope', url: 'not a url', when: 'yesterday', id: 'x' });
    // One problem per field: a failed format hides the regular expression zod also emits.
    expect(problems.map((p) => p.path).sort()).toEqual(['email', 'id', 'url', 'when']);
    expect(problems.find((p) => p.path === 'email')?.message).toBe('must be a valid email');
    expect(problems.find((p) => p.path === 'url')?.message).toBe('must be a valid uri');
  });

  it('reports each problem once, skipping union-branch noise', () => {
    const simple = compileSchema(jsonSchema(z.object({ v: z.union([z.string(), z.number()]) }), 'input'));
    expect(simple({ v: true })).toEqual([{ path: 'v', message: 'must be string or number' }]);
    const shapes = compileSchema(jsonSchema(z.object({ v: z.union([z.object({ a: z.string() }), z.object({ b: z.number() })]) }), 'input'));
    expect(shapes({ v: {} })).toEqual([{ path: 'v', message: 'matches none of the allowed shapes' }]);
  });

  it('survives input nested past any reasonable depth', () => {
    const Node: z.ZodType = z.lazy(() => z.object({ next: Node.optional() }));
    const check = compileSchema(jsonSchema(z.object({ list: Node }), 'input'));
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 20000; i++) deep = { next: deep };
    const problems = check({ list: deep });
    expect(Array.isArray(problems)).toBe(true);
  });
});

describe('summaries', () => {
  it('leaves small values alone', () => {
    expect(summarise({ a: [1, 2] }, 100)).toEqual({ value: { a: [1, 2] }, truncated: false, originalBytes: 11 });
  });

  it('cuts large values to the budget and says what it cut', () => {
    const big = { rows: Array.from({ length: 5000 }, (_, i) => ({ i, text: 'x'.repeat(300) })) };
    const s = summarise(big, 4096);
    expect(s.truncated).toBe(true);
    expect(jsonBytes(s.value)).toBeLessThanOrEqual(4096);
    const rows = (s.value as { rows: unknown[] }).rows;
    expect(rows.at(-1)).toMatch(/^…\[\+\d+ more items\]$/);
    expect(JSON.stringify(rows[0])).toMatch(/…\[\+\d+ chars\]/);
  });

  it('falls back to a one-line description', () => {
    const s = summarise({ a: 'x'.repeat(100_000) }, 30);
    expect(s.value).toBe('[[object with 1 fields] of 97.7 KiB omitted]');
  });
});

describe('redaction', () => {
  it('hides masked fields by name anywhere, by dotted path from the top, and secret-looking names', () => {
    const value = { card: { number: '4111', brand: 'visa' }, nested: [{ ssn: '1', password: 'p' }], apiKey: 'k', email: 'e', note: 'n' };
    expect(redact(value, ['email', 'card.number'])).toEqual({
      card: { number: REDACTED, brand: 'visa' },
      nested: [{ ssn: REDACTED, password: REDACTED }],
      apiKey: REDACTED,
      email: REDACTED,
      note: 'n',
    });
    expect(redact(value, [], { secrets: false })).toEqual(value);
  });
});

describe('run envelopes', () => {
  const run = (over: Partial<ConductorRun>): ConductorRun => ({ workflowId: 'w-1', workflowName: 'wf', status: 'RUNNING', ...over });

  it('shows output only for a completed run, and withholds one that breaks its schema', () => {
    const checkOutput = compileSchema(jsonSchema(z.object({ total: z.number() }), 'output'));
    expect(envelopeOf(run({ status: 'COMPLETED', output: { total: 3 } }), { outputBudgetBytes: 1000, checkOutput })).toEqual({
      workflowId: 'w-1',
      workflowName: 'wf',
      status: 'COMPLETED',
      failure: null,
      output: { total: 3 },
      truncated: false,
    });
    const broken = envelopeOf(run({ status: 'COMPLETED', output: { total: 'three' } }), { outputBudgetBytes: 1000, checkOutput });
    expect(broken.output).toBeNull();
    expect(broken.outputPreview).toEqual({ total: 'three' });
    expect(broken.outputNote).toMatch(/does not match the workflow's declared output schema \(total: must be number\)/);
  });

  it('names the failed task, and the tasks a run waits on', () => {
    const failed = envelopeOf(
      run({
        status: 'FAILED',
        reasonForIncompletion: 'card declined',
        failedReferenceTaskNames: ['charge'],
        tasks: [{ taskId: 't', referenceTaskName: 'charge', taskType: 'SIMPLE', status: 'FAILED' }],
      }),
      { outputBudgetBytes: 1000 },
    );
    expect(failed.failure).toEqual({ reason: 'card declined', failedTask: 'charge', taskType: 'SIMPLE' });
    const waiting = envelopeOf(
      run({
        tasks: [
          { taskId: 'a', referenceTaskName: 'timer', taskType: 'WAIT', status: 'IN_PROGRESS', inputData: { duration: '1h' } },
          { taskId: 'b', referenceTaskName: 'approve', taskType: 'HUMAN', status: 'IN_PROGRESS' },
        ],
      }),
      { outputBudgetBytes: 1000 },
    );
    expect(waiting.waitingOn).toEqual([{ taskRef: 'approve', taskType: 'HUMAN' }]);
  });

  it('reads one part of an output by path', () => {
    const output = { items: [{ sku: 'a' }, { sku: 'b' }] };
    expect(readPath(output, 'items[1].sku')).toEqual({ found: true, value: 'b' });
    expect(readPath(output, 'items.0')).toEqual({ found: true, value: { sku: 'a' } });
    expect(readPath(output, 'items[5]')).toEqual({ found: false });
    expect(readPath(output, 'constructor')).toEqual({ found: false });
  });
});

describe('metrics', () => {
  it('renders Prometheus text with labels, histograms and escaping', () => {
    const m = new McpMetrics();
    m.toolCalls.inc({ tool: 'a"b', outcome: 'ok' });
    m.toolCalls.inc({ tool: 'a"b', outcome: 'ok' });
    m.toolDuration.observe(0.003, { tool: 'x' });
    const text = m.render();
    expect(text).toContain('# TYPE baton_mcp_tool_calls_total counter');
    expect(text).toContain('baton_mcp_tool_calls_total{outcome="ok",tool="a\\"b"} 2');
    expect(text).toContain('baton_mcp_tool_call_duration_seconds_bucket{tool="x",le="0.0025"} 0');
    expect(text).toContain('baton_mcp_tool_call_duration_seconds_bucket{tool="x",le="0.005"} 1');
    expect(text).toContain('baton_mcp_tool_call_duration_seconds_bucket{tool="x",le="+Inf"} 1');
    expect(text).toContain('baton_mcp_tool_call_duration_seconds_count{tool="x"} 1');
    expect(text.endsWith('\n')).toBe(true);
  });
});
