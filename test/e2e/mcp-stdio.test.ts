/**
 * `baton mcp` as an MCP client launches it: the built CLI as a child process, spoken to over
 * stdio by the SDK's real StdioClientTransport, against a real Conductor.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOL } from '../../mcp/tools/names.js';
import { BOOT_TIMEOUT_MS, type LiveFixture, liveFixture } from '../unit/mcp/fixtures/conductor.js';
import { REPO_ROOT } from '../unit/mcp/fixtures/project.js';
import { echo, approval } from '../unit/mcp/fixtures/workflows.js';
import { readAudit, textOf } from '../unit/mcp/helpers.js';

const BATON = join(REPO_ROOT, 'bin/baton.js');

describe('baton mcp over stdio', () => {
  let live: LiveFixture;
  let client: Client;
  let transport: StdioClientTransport;
  const stderr: string[] = [];

  beforeAll(async () => {
    live = await liveFixture();
    transport = new StdioClientTransport({
      command: process.execPath,
      args: [BATON, 'mcp', '--root', live.project.root, '--audit-log', 'audit.jsonl', '--log-level', 'debug'],
      env: { ...process.env, CONDUCTOR_SERVER_URL: live.server.apiUrl } as Record<string, string>,
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
    client = new Client({ name: 'stdio-e2e', version: '1.0.0' });
    await client.connect(transport);
  }, BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await client?.close();
    await live?.stop();
  }, 60_000);

  it('lists the tools and runs a workflow to completion', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('mcp_echo');
    expect(tools.map((t) => t.name)).toContain(TOOL.terminateRun);
    const result = await client.callTool({ name: 'mcp_echo', arguments: { input: { message: 'stdio', times: 2 }, waitSeconds: 20 } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ status: 'COMPLETED', output: { echoed: 'stdiostdio' }, truncated: false });
  });

  it('follows a run with the run tools, as the local user', async () => {
    const started = await client.callTool({ name: 'mcp_approval', arguments: { input: { requestId: 'stdio', amountCents: 5, cardNumber: '4242', customerEmail: 'a@b.co' } } });
    const id = (started.structuredContent as { workflowId: string }).workflowId;
    const waited = await client.callTool({ name: TOOL.waitRun, arguments: { executionId: id, timeoutSeconds: 20 } });
    expect(waited.structuredContent).toMatchObject({ status: 'RUNNING', waitingOn: [{ taskRef: 'approval', taskType: 'WAIT' }] });
    const terminated = await client.callTool({ name: TOOL.terminateRun, arguments: { executionId: id, reason: 'stdio test' } });
    expect(textOf(terminated)).toMatch(/^Terminated\./);
    const audit = readAudit(join(live.project.root, 'audit.jsonl'));
    expect(audit.find((l) => l.tool === TOOL.terminateRun)).toMatchObject({ keyId: 'local', role: 'admin', executionId: id, outcome: 'ok', transport: 'stdio' });
  });

  it('reloads generated/ when it is rebuilt and tells the client', async () => {
    const changed = new Promise<void>((resolve) => client.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve()));
    live.project.rebuild([echo, approval]);
    await changed;
    const names = (await client.listTools()).tools.map((t) => t.name).filter((n) => !n.startsWith('baton_'));
    expect(names).toEqual(['mcp_approval', 'mcp_echo']);
  });

  it('logs JSON lines on stderr', () => {
    const lines = stderr.join('').split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    expect(lines.some((l) => (JSON.parse(l) as { msg: string }).msg === 'serving MCP over stdio')).toBe(true);
    expect(lines.some((l) => (JSON.parse(l) as { msg: string }).msg === 'tools reloaded')).toBe(true);
  });
});

describe('baton mcp stdout', () => {
  let live: LiveFixture;
  beforeAll(async () => {
    live = await liveFixture();
  }, BOOT_TIMEOUT_MS);
  afterAll(() => live?.stop(), 60_000);

  it('carries nothing but JSON-RPC, and the process ends when its client goes', async () => {
    const child = spawn(process.execPath, [BATON, 'mcp', '--root', live.project.root, '--audit-log', 'off'], {
      env: { ...process.env, CONDUCTOR_SERVER_URL: live.server.apiUrl },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'mcp_echo', arguments: { input: { message: 'raw', times: 1 }, waitSeconds: 20 } } });
    while (!stdout.includes('"id":3')) await new Promise((resolve) => setTimeout(resolve, 50));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.stdin.end();
    expect(await exited).toBe(0);
    const messages = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { jsonrpc: string; id?: number; result?: { structuredContent?: { output?: unknown } } });
    expect(messages.every((m) => m.jsonrpc === '2.0')).toBe(true);
    expect(messages.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(messages[2]?.result?.structuredContent?.output).toEqual({ echoed: 'raw' });
  });
});
