/**
 * 1,000 random and hostile tool calls over real HTTP: the server never fails with a 5xx or
 * dies, and no call whose arguments break the tool's advertised schema reaches Conductor.
 * The schema verdict comes from the SDK's own ajv validator, independent of the server's.
 */
import * as fc from 'fast-check';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyRing, generateKey, parseKeysEnv } from '../../../mcp/auth/keys.js';
import { HealthProbe } from '../../../mcp/health.js';
import { type HttpHandle, serveHttp } from '../../../mcp/http/server.js';
import type { McpServices } from '../../../mcp/server.js';
import { closeServices } from '../../../mcp/services.js';
import type { Conductor } from '../../../runtime/conductor.js';
import { type FixtureProject, fixtureProject } from './fixtures/project.js';
import { servicesFor, unreachableConductor } from './helpers.js';

const secret = generateKey();
const keys = new KeyRing(parseKeysEnv(`fuzzer:admin:${secret}`));
const CALLS = 1000;

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom('', ' ', '${workflow.input.secret}', "x' OR 1=1 --", '../../../etc/passwd', '\u0000', '__proto__', 'constructor', '<script>alert(1)</script>', 'a,b', '*'),
  fc.integer({ min: 0, max: 200_000 }).map((n) => 'x'.repeat(n)),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  hostileString,
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -1e308, 1e308, 0.5, -0, 2 ** 31, -(2 ** 31) - 1),
  fc.integer({ min: 1, max: 1000 }).map((depth) => {
    let v: unknown = 1;
    for (let i = 0; i < depth; i++) v = i % 2 ? { next: v } : [v];
    return v;
  }),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString'), fc.jsonValue()),
);

function argumentsFor(tools: readonly Tool[]): fc.Arbitrary<{ name: string; args: unknown }> {
  const names = tools.map((t) => t.name);
  const workflowCall = fc.record(
    {
      input: fc.oneof(hostileValue, fc.record({ message: hostileString, times: hostileValue, name: hostileString, count: hostileValue, orderId: hostileString }, { requiredKeys: [] })),
      waitSeconds: fc.oneof(fc.integer({ min: -5, max: 0 }), fc.constantFrom(51, 1e9, '5', 0.5)),
      correlationId: hostileString,
      idempotencyKey: hostileString,
      version: fc.oneof(fc.constant(2), fc.integer({ min: 3 }), fc.string()),
    },
    { requiredKeys: [] },
  );
  const runCall = fc.record(
    { executionId: hostileString, taskRef: hostileString, reason: hostileString, output: hostileValue, timeoutSeconds: fc.oneof(fc.integer({ min: -10, max: 0 }), fc.constant(99999)), cursor: hostileString, workflow: hostileString, status: hostileValue },
    { requiredKeys: [] },
  );
  return fc.record({
    name: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: hostileString }),
    args: fc.oneof({ weight: 4, arbitrary: workflowCall }, { weight: 4, arbitrary: runCall }, { weight: 2, arbitrary: hostileValue }),
  });
}

describe('fuzzing the tools over HTTP', () => {
  let project: FixtureProject;
  let services: McpServices;
  let conductor: Conductor;
  let http: HttpHandle;

  beforeAll(async () => {
    project = fixtureProject();
    conductor = unreachableConductor();
    services = servicesFor(project, conductor, []);
    http = await serveHttp(services, new HealthProbe(conductor), { host: '127.0.0.1', port: 0, keys, rateLimitPerMinute: 1_000_000 });
  });
  afterAll(async () => {
    await http.close();
    closeServices(services);
    project.remove();
  });

  async function rpc(id: number, method: string, params: unknown): Promise<{ status: number; body: { result?: Record<string, unknown>; error?: { code: number; message: string } } }> {
    const response = await fetch(http.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id, method, ...(params !== undefined && { params }) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as never) : {} };
  }

  it(`survives ${CALLS} random and hostile calls, and stops every invalid one before Conductor`, async () => {
    const listed = await rpc(0, 'tools/list', {});
    const tools = (listed.body.result as { tools: Tool[] }).tools;
    expect(tools.length).toBe(16);
    const oracle = new AjvJsonSchemaValidator();
    const validators = new Map(tools.map((t) => [t.name, oracle.getValidator(t.inputSchema as never)]));

    const samples = fc.sample(argumentsFor(tools), { numRuns: CALLS, seed: 20240611 });
    let invalid = 0;
    let reachedConductor = 0;
    for (const [i, { name, args }] of samples.entries()) {
      const before = Object.values(conductor.requests).reduce((a, b) => a + b, 0);
      const { status, body } = await rpc(i + 1, 'tools/call', { name, arguments: args });
      const after = Object.values(conductor.requests).reduce((a, b) => a + b, 0);
      expect(status, `call ${i}: ${name}`).toBeLessThan(500);
      const validator = validators.get(name);
      const isObject = args !== null && typeof args === 'object' && !Array.isArray(args);
      const valid = validator !== undefined && isObject && validator(args).valid;
      if (!valid) {
        invalid++;
        expect(after, `call ${i} to ${name} with invalid arguments reached Conductor: ${JSON.stringify(args).slice(0, 300)}`).toBe(before);
        // An unknown tool or non-object arguments are protocol errors; the rest are tool errors.
        if (validator && isObject) expect(body.result?.isError).toBe(true);
        else expect(body.error?.code, `call ${i}: ${name} ${JSON.stringify(args).slice(0, 200)} -> ${JSON.stringify(body).slice(0, 300)}`).toBe(-32602);
      } else if (after > before) {
        reachedConductor++;
      }
    }
    // The run really exercised both sides.
    expect(invalid).toBeGreaterThan(CALLS / 2);
    expect(reachedConductor).toBeGreaterThan(0);
    // Still alive and answering.
    const again = await rpc(CALLS + 1, 'tools/list', {});
    expect((again.body.result as { tools: Tool[] }).tools.length).toBe(16);
  }, 120_000);

  it('shrugs off arguments nested deeper than any stack', async () => {
    for (const depth of [10_000, 200_000]) {
      const before = Object.values(conductor.requests).reduce((a, b) => a + b, 0);
      const body = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"mcp_echo","arguments":{"input":${'['.repeat(depth)}${']'.repeat(depth)}}}}`;
      const response = await fetch(http.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body,
      });
      expect(response.status).toBeLessThan(500);
      await response.text();
      expect(Object.values(conductor.requests).reduce((a, b) => a + b, 0)).toBe(before);
    }
    const alive = await rpc(2, 'tools/list', {});
    expect((alive.body.result as { tools: Tool[] }).tools.length).toBe(16);
  });
});
