/**
 * The MCP server through the SDK's real Client over an in-memory pair: what tools/list
 * serves, argument checking that stops bad input before Conductor, protocol errors, roles,
 * reload notifications. Calls that need a live Conductor are in test/e2e/mcp.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { McpError, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORBIDDEN_ERROR_CODE } from '../../../mcp/server.js';
import { TOOL } from '../../../mcp/tools/names.js';
import { type Harness, connect, textOf } from './helpers.js';
import { echo, greetV1, greetV2 } from './fixtures/workflows.js';

const RUN_TOOLS = Object.values(TOOL);

describe('mcp server: tools/list', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await connect();
  });
  afterAll(() => h.close());

  it('lists one tool per exposed workflow, by name, then the run tools in a fixed order', async () => {
    const { tools, nextCursor } = await h.client.listTools();
    expect(nextCursor).toBeUndefined();
    expect(tools.map((t) => t.name)).toEqual(['mcp_approval', 'mcp_big', 'mcp_charge', 'mcp_doomed', 'mcp_echo', 'mcp_greet', ...RUN_TOOLS]);
  });

  it("passes each workflow's input schema through exactly, under `input`, next to the control fields", async () => {
    const compiled = JSON.parse(readFileSync(join(h.project.outDir, 'mcp/tools.json'), 'utf8')) as { tools: { name: string; inputSchema: Record<string, unknown>; outputSchema: Record<string, unknown> }[] };
    const { tools } = await h.client.listTools();
    const served = tools.find((t) => t.name === 'mcp_echo')!;
    const original = compiled.tools.find((t) => t.name === 'mcp_echo')!;
    const { $schema, ...withoutDialect } = original.inputSchema;
    expect(served.inputSchema.properties?.input).toEqual(withoutDialect);
    expect(served.inputSchema.$schema).toBe($schema);
    expect(Object.keys(served.inputSchema.properties ?? {})).toEqual(['input', 'waitSeconds', 'correlationId', 'idempotencyKey', 'version']);
    expect(served.inputSchema.required).toEqual(['input']);
    expect((served.inputSchema as Record<string, unknown>).additionalProperties).toBe(false);
    // The run envelope from tools.json, with baton's optional additions.
    for (const [key, value] of Object.entries(original.outputSchema.properties as object)) expect(served.outputSchema?.properties?.[key]).toEqual(value);
    expect(served.outputSchema?.required).toEqual(original.outputSchema.required);
  });

  it("carries the workflow's annotations and marks destructive run tools", async () => {
    const { tools } = await h.client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.get('mcp_echo')?.annotations).toMatchObject({ readOnlyHint: true, idempotentHint: true, title: 'Echo a message' });
    expect(byName.get('mcp_charge')?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, openWorldHint: true });
    expect(byName.get(TOOL.terminateRun)?.annotations?.destructiveHint).toBe(true);
    expect(byName.get(TOOL.restartRun)?.annotations?.destructiveHint).toBe(true);
    expect(byName.get(TOOL.getRun)?.annotations?.readOnlyHint).toBe(true);
    expect(byName.get(TOOL.terminateRun)?.description).toContain('admin');
  });

  it('offers every compiled version, validating against the newest by default', async () => {
    const { tools } = await h.client.listTools();
    const greet = tools.find((t) => t.name === 'mcp_greet')!;
    expect((greet.inputSchema.properties?.version as { enum: number[] }).enum).toEqual([1, 2]);
    expect((greet.inputSchema.properties?.input as { required: string[] }).required).toEqual(['name', 'punctuation']);
  });

  it('pages the list with an opaque cursor, same order', async () => {
    const paged = await connect({ pageSize: 4, project: h.project });
    try {
      const names: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await paged.client.listTools(cursor ? { cursor } : {});
        names.push(...page.tools.map((t) => t.name));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(4);
      expect(names).toEqual((await h.client.listTools()).tools.map((t) => t.name));
      await expect(paged.client.listTools({ cursor: 'not-a-cursor' })).rejects.toThrow(/Invalid cursor/);
    } finally {
      await paged.close();
    }
  });
});

describe('mcp server: arguments are checked before anything reaches Conductor', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await connect();
  });
  afterAll(() => h.close());

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['missing input', {}, /input: is required/],
    ['wrong type', { input: { message: 'hi', times: 'twice' } }, /input\.times: must be integer/],
    ['out of range', { input: { message: 'hi', times: 9 } }, /input\.times: must be <= 5/],
    ['unknown control field', { input: { message: 'hi', times: 1 }, wait: 5 }, /wait: is not an allowed field/],
    ['wait over the bound', { input: { message: 'hi', times: 1 }, waitSeconds: 3600 }, /waitSeconds: must be <= 50/],
    ['unknown version', { input: { message: 'hi', times: 1 }, version: 7 }, /version: must be one of 1/],
    ['hostile correlation id', { input: { message: 'hi', times: 1 }, correlationId: "x' OR status IN (RUNNING" }, /correlationId: must match/],
  ];
  for (const [what, args, message] of bad) {
    it(`refuses ${what} as an isError result, without calling Conductor`, async () => {
      const before = { ...h.conductor.requests };
      const result = await h.client.callTool({ name: 'mcp_echo', arguments: args });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(message);
      expect(textOf(result)).toMatch(/^Invalid arguments for mcp_echo: /);
      expect(h.conductor.requests).toEqual(before);
    });
  }

  it('checks an older version against its own schema', async () => {
    const before = { ...h.conductor.requests };
    // Valid for v1, not for v2 (the default): goes through, and then fails to reach Conductor.
    const v1 = await h.client.callTool({ name: 'mcp_greet', arguments: { input: { name: 'Ada' }, version: 1 } });
    expect(textOf(v1)).toMatch(/Conductor is not reachable/);
    expect(h.conductor.requests.POST).toBe((before.POST ?? 0) + 1);
    const after = { ...h.conductor.requests };
    const wrong = await h.client.callTool({ name: 'mcp_greet', arguments: { input: { name: 5 }, version: 1 } });
    expect(textOf(wrong)).toMatch(/^Invalid arguments for mcp_greet: input\.name: must be string/);
    const v2 = await h.client.callTool({ name: 'mcp_greet', arguments: { input: { name: 'Ada' } } });
    expect(textOf(v2)).toMatch(/input\.punctuation: is required/);
    expect(h.conductor.requests).toEqual(after);
  });

  it('checks run tool arguments too', async () => {
    const before = { ...h.conductor.requests };
    const result = await h.client.callTool({ name: TOOL.getRun, arguments: { executionId: '../../metadata/workflow' } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/executionId: must match/);
    const terminate = await h.client.callTool({ name: TOOL.terminateRun, arguments: { executionId: 'abc' } });
    expect(textOf(terminate)).toMatch(/reason: is required/);
    expect(h.conductor.requests).toEqual(before);
  });

  it('answers an unknown tool with a protocol error', async () => {
    const error = await h.client.callTool({ name: 'no_such_tool', arguments: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(-32602);
    expect((error as McpError).message).toMatch(/Unknown tool 'no_such_tool'/);
  });

  it('reports an unreachable Conductor as a tool error the agent can act on', async () => {
    const result = await h.client.callTool({ name: 'mcp_echo', arguments: { input: { message: 'hi', times: 1 } } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe('Could not start mcp_echo: Conductor is not reachable right now. Try again in a minute.');
  });

  it('writes refused and failed writes to the audit log, with masked fields redacted', async () => {
    await h.client.callTool({
      name: 'mcp_approval',
      arguments: { input: { requestId: 'r-1', amountCents: -1, cardNumber: '4111111111111111', customerEmail: 'ann@example.com' }, correlationId: 'audit-1' },
    });
    const line = h.auditLines().find((l) => l.tool === 'mcp_approval')!;
    expect(line).toMatchObject({ keyId: 'local', role: 'admin', workflow: 'mcp_approval', outcome: 'invalid_input', transport: 'memory' });
    expect(line.arguments).toEqual({ input: { requestId: 'r-1', amountCents: -1, cardNumber: '[redacted]', customerEmail: '[redacted]' }, correlationId: 'audit-1' });
    expect(line.error).toMatch(/input\.amountCents: must be > 0/);
    expect(typeof line.time).toBe('string');
    // Reads are not audited.
    await h.client.callTool({ name: TOOL.describeWorkflow, arguments: { workflow: 'mcp_echo' } });
    expect(h.auditLines().some((l) => l.tool === TOOL.describeWorkflow)).toBe(false);
  });
});

describe('mcp server: describe a workflow', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await connect();
  });
  afterAll(() => h.close());

  it('shows inputs, steps and the diagram, from generated/ alone', async () => {
    const result = await h.client.callTool({ name: TOOL.describeWorkflow, arguments: { workflow: 'mcp_greet', version: 1 } });
    expect(result.isError).toBeFalsy();
    const s = result.structuredContent as Record<string, unknown>;
    expect(s).toMatchObject({ tool: 'mcp_greet', workflowName: 'mcp_greet', version: 1, versions: [1, 2], truncated: false });
    expect(s.steps).toEqual([{ ref: 'greet', name: 'greet', type: 'INLINE', depth: 0 }]);
    expect(s.diagram).toBe(readFileSync(join(h.project.outDir, 'diagrams/mcp_greet.v1.mmd'), 'utf8'));
    expect((s.inputSchema as { required: string[] }).required).toEqual(['name']);
    expect(h.conductor.requests.GET ?? 0).toBe(0);
  });

  it('names the known workflows when asked for another', async () => {
    const result = await h.client.callTool({ name: TOOL.describeWorkflow, arguments: { workflow: 'mcp_nope' } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/No workflow tool 'mcp_nope'\. Known: mcp_approval, mcp_big/);
  });
});

describe('mcp server: roles', () => {
  it('shows a viewer only the tools it may call, and refuses the rest with an MCP error', async () => {
    const h = await connect({ principal: { keyId: 'reader', role: 'viewer' } });
    try {
      const { tools } = await h.client.listTools();
      expect(tools.map((t) => t.name)).toEqual([TOOL.getRun, TOOL.searchRuns, TOOL.describeWorkflow]);
      const error = (await h.client.callTool({ name: 'mcp_echo', arguments: { input: { message: 'a', times: 1 } } }).catch((e: unknown) => e)) as McpError;
      expect(error).toBeInstanceOf(McpError);
      expect(error.code).toBe(FORBIDDEN_ERROR_CODE);
      expect(error.message).toMatch(/API key 'reader' has the viewer role, and mcp_echo needs operator/);
      expect(h.conductor.requests.POST ?? 0).toBe(0);
      expect(h.auditLines().at(-1)).toMatchObject({ keyId: 'reader', role: 'viewer', tool: 'mcp_echo', outcome: 'forbidden' });
    } finally {
      await h.close();
    }
  });

  it('lets an operator start and signal but not terminate', async () => {
    const h = await connect({ principal: { keyId: 'ops', role: 'operator' } });
    try {
      const names = (await h.client.listTools()).tools.map((t) => t.name);
      expect(names).toContain('mcp_echo');
      expect(names).toContain(TOOL.signalTask);
      expect(names).toContain(TOOL.retryRun);
      expect(names).not.toContain(TOOL.terminateRun);
      expect(names).not.toContain(TOOL.restartRun);
      expect(names).not.toContain(TOOL.pauseRun);
      const error = (await h.client.callTool({ name: TOOL.terminateRun, arguments: { executionId: 'x', reason: 'r' } }).catch((e: unknown) => e)) as McpError;
      expect(error.code).toBe(FORBIDDEN_ERROR_CODE);
    } finally {
      await h.close();
    }
  });
});

describe('mcp server: reloading generated/', () => {
  it('serves what a rebuild produced and tells the client the list changed', async () => {
    const h = await connect();
    try {
      const changed = new Promise<void>((resolve) => h.client.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve()));
      h.project.rebuild([echo, greetV1, greetV2]);
      expect(h.services.catalogue.reload()).toBe(true);
      await changed;
      const names = (await h.client.listTools()).tools.map((t) => t.name);
      expect(names).toEqual(['mcp_echo', 'mcp_greet', ...RUN_TOOLS]);
      // A broken tools.json keeps the last good list.
      const { writeFileSync } = await import('node:fs');
      writeFileSync(join(h.project.outDir, 'mcp/tools.json'), '{ "tools": [');
      expect(h.services.catalogue.reload()).toBe(false);
      expect((await h.client.listTools()).tools.map((t) => t.name)).toEqual(names);
      expect(h.logs.some((l) => l.includes('reload of generated/ failed'))).toBe(true);
    } finally {
      await h.close();
    }
  });
});
