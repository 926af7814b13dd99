/**
 * The Streamable HTTP transport over real HTTP on loopback, with the SDK's real client:
 * API keys, roles, rate limits, Host/Origin checks, health, metrics, sessions. Conductor is
 * unreachable here (see helpers.ts); runs against a live server are in test/e2e/mcp-http.test.ts.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyRing, generateKey, hashKey, parseKeysFile } from '../../../mcp/auth/keys.js';
import { HealthProbe } from '../../../mcp/health.js';
import { type HttpHandle, serveHttp } from '../../../mcp/http/server.js';
import type { McpServices } from '../../../mcp/server.js';
import { closeServices } from '../../../mcp/services.js';
import { TOOL } from '../../../mcp/tools/names.js';
import { type FixtureProject, fixtureProject } from './fixtures/project.js';
import { echo } from './fixtures/workflows.js';
import { readAudit, servicesFor, unreachableConductor } from './helpers.js';
import { join } from 'node:path';

const secrets = { viewer: generateKey(), operator: generateKey(), admin: generateKey(), limited: generateKey() };
const keys = new KeyRing(
  parseKeysFile(
    JSON.stringify({
      keys: [
        { id: 'vera', role: 'viewer', hash: hashKey(secrets.viewer) },
        { id: 'otto', role: 'operator', hash: hashKey(secrets.operator) },
        { id: 'ada', role: 'admin', hash: hashKey(secrets.admin) },
        { id: 'lim', role: 'admin', hash: hashKey(secrets.limited), rateLimitPerMinute: 3 },
      ],
    }),
    'keys.json',
  ),
);

async function client(url: string, secret?: string): Promise<Client> {
  const c = new Client({ name: 'http-tests', version: '1.0.0' });
  await c.connect(new StreamableHTTPClientTransport(new URL(url), secret ? { requestInit: { headers: { Authorization: `Bearer ${secret}` } } } : {}));
  return c;
}

function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };

describe('mcp over HTTP (stateless)', () => {
  let project: FixtureProject;
  let services: McpServices;
  let http: HttpHandle;
  const logs: string[] = [];

  beforeAll(async () => {
    project = fixtureProject();
    const conductor = unreachableConductor();
    services = servicesFor(project, conductor, logs);
    http = await serveHttp(services, new HealthProbe(conductor), { host: '127.0.0.1', port: 0, keys, rateLimitPerMinute: 1000 });
  });
  afterAll(async () => {
    await http.close();
    closeServices(services);
    project.remove();
  });

  it('binds to loopback and refuses a missing or unknown key with 401', async () => {
    expect(http.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const missing = await post(http.url, initialize);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer realm="baton-mcp", error="invalid_token"/);
    expect(await missing.json()).toEqual({ error: 'invalid_token', error_description: 'Missing Authorization header: send Authorization: Bearer <API key>' });
    expect((await post(http.url, initialize, { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await post(http.url, initialize, { authorization: `Basic ${secrets.admin}` })).status).toBe(401);
    const error = await client(http.url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamableHTTPError);
    expect((error as StreamableHTTPError).code).toBe(401);
  });

  it('serves each key the tools its role allows', async () => {
    const viewer = await client(http.url, secrets.viewer);
    const operator = await client(http.url, secrets.operator);
    const admin = await client(http.url, secrets.admin);
    try {
      expect((await viewer.listTools()).tools.map((t) => t.name)).toEqual([TOOL.getRun, TOOL.searchRuns, TOOL.describeWorkflow]);
      const operatorTools = (await operator.listTools()).tools.map((t) => t.name);
      expect(operatorTools).toContain('mcp_echo');
      expect(operatorTools).not.toContain(TOOL.terminateRun);
      expect((await admin.listTools()).tools.map((t) => t.name)).toContain(TOOL.terminateRun);
      const described = await viewer.callTool({ name: TOOL.describeWorkflow, arguments: { workflow: 'mcp_echo' } });
      expect((described.structuredContent as { tool: string }).tool).toBe('mcp_echo');
    } finally {
      await Promise.all([viewer.close(), operator.close(), admin.close()]);
    }
  });

  it('answers a tool the role may not call with 403 and a JSON-RPC error, and audits the attempt', async () => {
    const response = await post(
      http.url,
      { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'mcp_approval', arguments: { input: { requestId: 'r', amountCents: 1, cardNumber: '4111', customerEmail: 'a@b.co' } } } },
      { authorization: `Bearer ${secrets.viewer}` },
    );
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      jsonrpc: '2.0',
      id: 7,
      error: { code: -32003, message: "Forbidden: API key 'vera' has the viewer role, and mcp_approval needs operator. Ask the operator for a key with that role." },
    });
    const line = readAudit(join(project.root, 'audit.jsonl')).at(-1)!;
    expect(line).toMatchObject({ keyId: 'vera', role: 'viewer', tool: 'mcp_approval', outcome: 'forbidden', transport: 'http' });
    expect(line.arguments).toEqual({ input: { requestId: 'r', amountCents: 1, cardNumber: '[redacted]', customerEmail: '[redacted]' } });

    const viewer = await client(http.url, secrets.viewer);
    try {
      const error = await viewer.callTool({ name: TOOL.terminateRun, arguments: { executionId: 'x', reason: 'r' } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StreamableHTTPError);
      expect((error as StreamableHTTPError).code).toBe(403);
      expect((error as Error).message).toMatch(/Forbidden: API key 'vera' has the viewer role, and baton_terminate_run needs admin/);
    } finally {
      await viewer.close();
    }
  });

  it('limits each key to its calls per minute, answering 429 with Retry-After', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const response = await post(http.url, { ...initialize, id: i }, { authorization: `Bearer ${secrets.limited}` });
      statuses.push(response.status);
      if (response.status === 429) {
        retryAfter = response.headers.get('retry-after');
        expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/Rate limit of 3 calls per minute reached for key 'lim'; retry in \d+ s/);
      } else {
        await response.body?.cancel();
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    // Other keys are not affected.
    const other = await post(http.url, initialize, { authorization: `Bearer ${secrets.admin}` });
    expect(other.status).toBe(200);
    await other.body?.cancel();
    const metrics = await (await fetch(http.url.replace('/mcp', '/metrics'), { headers: { authorization: `Bearer ${secrets.admin}` } })).text();
    expect(metrics).toContain('baton_mcp_rate_limited_total{key="lim",tool="initialize"} 2');
  });

  it('refuses foreign Host and Origin headers (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(http.url, { method: 'POST', headers: { host: 'attacker.example:80', authorization: `Bearer ${secrets.admin}`, 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(JSON.stringify(initialize));
    });
    expect(status).toBe(403);
    const origin = await post(http.url, initialize, { authorization: `Bearer ${secrets.admin}`, origin: 'https://evil.example' });
    expect(origin.status).toBe(403);
    expect(((await origin.json()) as { error: { message: string } }).error.message).toMatch(/Origin 'https:\/\/evil\.example' is not allowed/);
  });

  it('answers bad HTTP with 4xx, never 5xx', async () => {
    const auth = { authorization: `Bearer ${secrets.admin}` };
    expect((await post(http.url, '{not json', auth)).status).toBe(400);
    expect((await post(http.url, '[]', auth)).status).toBe(400);
    expect((await post(http.url, 'x'.repeat(1024 * 1024 + 10), auth)).status).toBe(413);
    expect((await fetch(http.url, { headers: auth })).status).toBe(405);
    expect((await fetch(http.url.replace('/mcp', '/elsewhere'))).status).toBe(404);
  });

  it('reports health without a key (503 while Conductor is unreachable) and metrics with one', async () => {
    const health = await fetch(http.url.replace('/mcp', '/healthz'));
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'degraded', conductor: { url: 'http://127.0.0.1:9', reachable: false }, tools: { workflows: 6 } });
    expect((await fetch(http.url.replace('/mcp', '/metrics'))).status).toBe(401);
    const metrics = await fetch(http.url.replace('/mcp', '/metrics'), { headers: { authorization: `Bearer ${secrets.viewer}` } });
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await metrics.text();
    expect(text).toContain('baton_mcp_tool_calls_total{outcome="ok",tool="baton_describe_workflow"}');
    expect(text).toContain('baton_mcp_auth_failures_total{reason="missing"}');
    expect(text).toContain('baton_mcp_tools 16');
    expect(text).toMatch(/baton_mcp_http_requests_total\{path="\/mcp",status="403"\} \d+/);
  });
});

describe('mcp over HTTP: other settings', () => {
  it('will not serve beyond loopback without keys', async () => {
    const project = fixtureProject([echo]);
    const conductor = unreachableConductor();
    const services = servicesFor(project, conductor, []);
    try {
      await expect(serveHttp(services, new HealthProbe(conductor), { host: '0.0.0.0', port: 0, keys: null, rateLimitPerMinute: 10 })).rejects.toThrow(/refusing to serve HTTP on 0\.0\.0\.0 without API keys/);
    } finally {
      closeServices(services);
      project.remove();
    }
  });

  it('keeps sessions in stateful mode, pushes list changes, and keeps keys out of each other\'s sessions', async () => {
    const project = fixtureProject([echo]);
    const conductor = unreachableConductor();
    const services = servicesFor(project, conductor, []);
    const http = await serveHttp(services, new HealthProbe(conductor), { host: '127.0.0.1', port: 0, keys, rateLimitPerMinute: 1000, stateful: true });
    const c = new Client({ name: 'stateful', version: '1' });
    const transport = new StreamableHTTPClientTransport(new URL(http.url), { requestInit: { headers: { Authorization: `Bearer ${secrets.admin}` } } });
    try {
      await c.connect(transport);
      expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
      const changed = new Promise<void>((resolve) => c.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve()));
      // Open the server-to-client stream the notification travels on: a ping round trip after
      // connect is enough for the SDK client to have issued its GET.
      await c.ping();
      project.rebuild([]);
      services.catalogue.reload();
      await changed;
      expect((await c.listTools()).tools.filter((t) => !t.name.startsWith('baton_'))).toEqual([]);
      const stolen = await post(http.url, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { authorization: `Bearer ${secrets.viewer}`, 'mcp-session-id': transport.sessionId! });
      expect(stolen.status).toBe(404);
    } finally {
      await c.close();
      await http.close();
      closeServices(services);
      project.remove();
    }
  });
});
