/**
 * `baton mcp --http` as an operator runs it: the built CLI as a child process with a keys
 * file and an audit log, spoken to over real HTTP by the SDK's Streamable HTTP client and by
 * plain fetch, against a real Conductor. Keys, roles, rate limits, audit lines, health and
 * metrics, end to end.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, hashKey } from '../../mcp/auth/keys.js';
import { TOOL } from '../../mcp/tools/names.js';
import { BOOT_TIMEOUT_MS, type LiveFixture, liveFixture } from '../unit/mcp/fixtures/conductor.js';
import { REPO_ROOT } from '../unit/mcp/fixtures/project.js';
import { readAudit, textOf } from '../unit/mcp/helpers.js';

const secrets = { viewer: generateKey(), operator: generateKey(), admin: generateKey(), limited: generateKey() };

describe('baton mcp --http', () => {
  let live: LiveFixture;
  let child: ChildProcess;
  let url: string;
  let base: string;
  const stderr: string[] = [];
  const clients: Client[] = [];

  beforeAll(async () => {
    live = await liveFixture();
    writeFileSync(
      join(live.project.root, 'keys.json'),
      JSON.stringify({
        keys: [
          { id: 'vera', role: 'viewer', hash: hashKey(secrets.viewer) },
          { id: 'otto', role: 'operator', hash: hashKey(secrets.operator) },
          { id: 'ada', role: 'admin', hash: hashKey(secrets.admin) },
          { id: 'lim', role: 'operator', hash: hashKey(secrets.limited), rateLimitPerMinute: 2 },
        ],
      }),
    );
    child = spawn(process.execPath, [join(REPO_ROOT, 'bin/baton.js'), 'mcp', '--http', '--port', '0', '--root', live.project.root, '--keys-file', 'keys.json', '--audit-log', 'audit.jsonl'], {
      env: { ...process.env, CONDUCTOR_SERVER_URL: live.server.apiUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    url = await new Promise<string>((resolve, reject) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr.push(chunk.toString('utf8'));
        const match = /listening on (http:\/\/\S+)/.exec(stderr.join(''));
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`baton mcp --http exited with ${code}:\n${stderr.join('')}`)));
    });
    base = url.replace(/\/mcp$/, '');
  }, BOOT_TIMEOUT_MS);

  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await live?.stop();
  }, 60_000);

  async function as(secret: string): Promise<Client> {
    const c = new Client({ name: 'http-e2e', version: '1.0.0' });
    await c.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${secret}` } } }));
    clients.push(c);
    return c;
  }

  it('listens on loopback and reports Conductor reachable', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', conductor: { reachable: true }, tools: { workflows: 6 } });
  });

  it('turns away callers without a valid key', async () => {
    const error = await as('baton_not-a-real-key').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamableHTTPError);
    expect((error as StreamableHTTPError).code).toBe(401);
    expect((await fetch(url, { method: 'POST', body: '{}' })).status).toBe(401);
  });

  it('lets an operator run a human-in-the-loop workflow, and audits each write', async () => {
    const otto = await as(secrets.operator);
    const started = await otto.callTool({
      name: 'mcp_approval',
      arguments: { input: { requestId: 'http', amountCents: 900, cardNumber: '5555444433331111', customerEmail: 'otto@example.com' }, waitSeconds: 20, correlationId: `${live.run}-http` },
    });
    const run = started.structuredContent as { workflowId: string; waitingOn: unknown };
    expect(run.waitingOn).toEqual([{ taskRef: 'approval', taskType: 'WAIT' }]);
    const signalled = await otto.callTool({ name: TOOL.signalTask, arguments: { executionId: run.workflowId, taskRef: 'approval', output: { approved: false, approver: 'otto' } } });
    expect(signalled.structuredContent).toMatchObject({ status: 'COMPLETED', output: { approved: false, approver: 'otto' } });

    const audit = readAudit(join(live.project.root, 'audit.jsonl'));
    const start = audit.find((l) => l.tool === 'mcp_approval' && l.executionId === run.workflowId)!;
    expect(start).toMatchObject({ keyId: 'otto', role: 'operator', workflow: 'mcp_approval', outcome: 'ok', transport: 'http' });
    expect(start.arguments).toEqual({
      input: { requestId: 'http', amountCents: 900, cardNumber: '[redacted]', customerEmail: '[redacted]' },
      waitSeconds: 20,
      correlationId: `${live.run}-http`,
    });
    expect(Date.parse(start.time)).not.toBeNaN();
    expect(audit.find((l) => l.tool === TOOL.signalTask)).toMatchObject({ keyId: 'otto', executionId: run.workflowId, outcome: 'ok' });
  });

  it('keeps each role to its tools: 403 as an MCP error, and an audit line', async () => {
    const vera = await as(secrets.viewer);
    expect((await vera.listTools()).tools.map((t) => t.name)).toEqual([TOOL.getRun, TOOL.searchRuns, TOOL.describeWorkflow]);
    const denied = await vera.callTool({ name: 'mcp_echo', arguments: { input: { message: 'x', times: 1 } } }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(StreamableHTTPError);
    expect((denied as StreamableHTTPError).code).toBe(403);
    expect((denied as Error).message).toContain("Forbidden: API key 'vera' has the viewer role, and mcp_echo needs operator");

    const otto = await as(secrets.operator);
    const started = await otto.callTool({ name: 'mcp_approval', arguments: { input: { requestId: 'roles', amountCents: 1, cardNumber: '1', customerEmail: 'a@b.co' } } });
    const id = (started.structuredContent as { workflowId: string }).workflowId;
    const refused = await otto.callTool({ name: TOOL.terminateRun, arguments: { executionId: id, reason: 'nope' } }).catch((e: unknown) => e);
    expect((refused as StreamableHTTPError).code).toBe(403);

    const ada = await as(secrets.admin);
    const terminated = await ada.callTool({ name: TOOL.terminateRun, arguments: { executionId: id, reason: 'admin says so' } });
    expect(textOf(terminated)).toMatch(/^Terminated\./);
    // A viewer may still read the run.
    const read = await vera.callTool({ name: TOOL.getRun, arguments: { executionId: id } });
    expect(read.structuredContent).toMatchObject({ status: 'TERMINATED', failure: { reason: 'admin says so' } });

    const audit = readAudit(join(live.project.root, 'audit.jsonl'));
    expect(audit.filter((l) => l.outcome === 'forbidden').map((l) => [l.keyId, l.tool])).toEqual(
      expect.arrayContaining([
        ['vera', 'mcp_echo'],
        ['otto', TOOL.terminateRun],
      ]),
    );
    expect(audit.find((l) => l.tool === TOOL.terminateRun && l.outcome === 'ok')).toMatchObject({ keyId: 'ada', role: 'admin', executionId: id, workflow: 'mcp_approval' });
  });

  it('rate-limits per key with 429 and Retry-After', async () => {
    const call = () =>
      fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${secrets.limited}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: TOOL.describeWorkflow, arguments: { workflow: 'mcp_echo' } } }),
      });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 3; i++) {
      const response = await call();
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
      await response.text();
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('streams progress over HTTP when the client asks for it', async () => {
    const otto = await as(secrets.operator);
    const started = await otto.callTool({ name: 'mcp_charge', arguments: { input: { orderId: `${live.run}-http-progress` } } });
    const id = (started.structuredContent as { workflowId: string }).workflowId;
    const progress: number[] = [];
    const waited = await otto.callTool({ name: TOOL.waitRun, arguments: { executionId: id, timeoutSeconds: 2 } }, undefined, { onprogress: (p) => progress.push(p.progress) });
    expect(waited.structuredContent).toMatchObject({ status: 'RUNNING', timedOut: true });
    expect(progress.length).toBeGreaterThan(0);
    const ada = await as(secrets.admin);
    await ada.callTool({ name: TOOL.terminateRun, arguments: { executionId: id, reason: 'cleanup' } });
  });

  it('exports Prometheus metrics to any key', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${secrets.viewer}` } })).text();
    expect(text).toMatch(/baton_mcp_tool_calls_total\{outcome="ok",tool="mcp_approval"\} \d+/);
    expect(text).toMatch(/baton_mcp_tool_calls_total\{outcome="forbidden",tool="mcp_echo"\} 1/);
    expect(text).toMatch(/baton_mcp_tool_call_duration_seconds_count\{tool="baton_signal_task"\} 1/);
    expect(text).toMatch(/baton_mcp_rate_limited_total\{key="lim",tool="baton_describe_workflow"\} 1/);
    expect(text).toMatch(/baton_mcp_auth_failures_total\{reason="unknown"\} \d+/);
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const lines = stderr.join('').split('\n').filter((l) => l.startsWith('{'));
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });
});
