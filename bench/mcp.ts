/**
 * `npm run bench:mcp`: what the MCP server adds to starting a workflow, and how big its tool
 * list is per workflow.
 *
 * Against a real Conductor (CONDUCTOR_SERVER_URL, else a fresh local one), with a generated/
 * compiled from a corpus of small workflows by the real compiler and registered on the server:
 *   mcp:  an MCP client (the SDK's) calls the workflow's tool on `baton mcp`, spawned over
 *         stdio exactly as Claude Desktop or Cursor would, and waits for the answer;
 *   rest: the same start as one direct POST /api/workflow with fetch.
 * Both start the same workflow (it terminates itself in its first task, so nothing is left
 * running); the two are interleaved so drift on a shared machine hits both alike, after a
 * warm-up of both. Overhead is the difference of the percentiles.
 *
 * Last line: `mcp_overhead_p50_ms=<x> mcp_overhead_p99_ms=<y> tools_list_bytes_per_workflow=<z>`.
 *
 *   npm run bench:mcp -- [--runs 400] [--workflows 20]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { compile } from '../compiler/compile.js';
import { resolveConfig } from '../compiler/config.js';
import { connectOrStartConductor } from '../devserver/server.js';
import { type AnyWorkflow, workflow, z } from '../dsl/index.js';

// npm runs scripts from the package root (this file itself runs from a bundle in .baton/cache).
const repo = process.cwd();

const { values } = parseArgs({ options: { runs: { type: 'string', default: '400' }, workflows: { type: 'string', default: '20' } } });
const RUNS = Number(values.runs);
const WORKFLOWS = Number(values.workflows);
const WARMUP = Math.max(30, Math.round(RUNS / 10));

/** Workflows shaped like real ones: a described tool with a handful of typed inputs. */
function corpus(prefix: string, count: number): AnyWorkflow[] {
  return Array.from({ length: count }, (_, i) =>
    workflow(
      `${prefix}_w${String(i).padStart(2, '0')}`,
      {
        version: 1,
        description: `Bench workflow ${i}: takes an order and a customer, and records them.`,
        input: z.object({
          orderId: z.string().min(1),
          customerId: z.string(),
          amountCents: z.number().int().positive(),
          currency: z.enum(['EUR', 'USD', 'GBP']),
          notes: z.string().max(500).optional(),
        }),
        output: z.object({ accepted: z.boolean() }),
        tool: { idempotent: true },
      },
      (wf) => {
        wf.terminate('done', { status: 'COMPLETED', output: { accepted: true } });
        return { accepted: true };
      },
    ),
  );
}

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99) };
}

const conductor = await connectOrStartConductor({ log: (line) => process.stderr.write(`${line}\n`) });
const root = mkdtempSync(join(tmpdir(), 'baton-bench-mcp-'));
let client: Client | undefined;
try {
  const prefix = `bench_mcp_${Date.now().toString(36)}`;
  const result = compile({ config: resolveConfig(root, { ownerEmail: 'bench@example.com' }), workflows: corpus(prefix, WORKFLOWS).map((w) => ({ workflow: w, file: join(root, 'workflows/bench.ts') })) });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => d.message).join('\n'));
  for (const [path, content] of result.files) {
    mkdirSync(dirname(join(root, 'generated', path)), { recursive: true });
    writeFileSync(join(root, 'generated', path), content);
  }
  const definitions = [...result.files].filter(([path]) => path.startsWith('workflows/')).map(([, text]) => JSON.parse(text) as unknown);
  const registered = await fetch(`${conductor.apiUrl}/metadata/workflow`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(definitions) });
  if (!registered.ok) throw new Error(`registering the bench workflows failed: ${registered.status} ${await registered.text()}`);

  client = new Client({ name: 'bench-mcp', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [join(repo, 'bin/baton.js'), 'mcp', '--root', root, '--audit-log', join(root, 'audit.jsonl'), '--log-level', 'warn', '--no-watch'],
      env: { ...process.env, CONDUCTOR_SERVER_URL: conductor.apiUrl } as Record<string, string>,
      stderr: 'inherit',
    }),
  );

  const listed = await client.listTools();
  const workflowTools = listed.tools.filter((t) => t.name.startsWith(prefix));
  if (workflowTools.length !== WORKFLOWS) throw new Error(`expected ${WORKFLOWS} workflow tools, got ${workflowTools.length}`);
  const bytesPerWorkflow = Math.round(workflowTools.reduce((sum, t) => sum + Buffer.byteLength(JSON.stringify(t)), 0) / workflowTools.length);
  const runTools = listed.tools.length - workflowTools.length;

  const name = workflowTools[0]!.name;
  const input = { orderId: 'o-1', customerId: 'c-1', amountCents: 1299, currency: 'EUR' };
  const viaMcp = async (): Promise<number> => {
    const started = performance.now();
    const answer = await client!.callTool({ name, arguments: { input } });
    const took = performance.now() - started;
    if (answer.isError) throw new Error(`MCP start failed: ${JSON.stringify(answer.content)}`);
    return took;
  };
  const viaRest = async (): Promise<number> => {
    const started = performance.now();
    const response = await fetch(`${conductor.apiUrl}/workflow`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/plain, application/json' },
      body: JSON.stringify({ name, version: 1, input }),
    });
    const id = await response.text();
    const took = performance.now() - started;
    if (!response.ok) throw new Error(`REST start failed: ${response.status} ${id}`);
    return took;
  };

  for (let i = 0; i < WARMUP; i++) {
    await viaMcp();
    await viaRest();
  }
  const mcp: number[] = [];
  const rest: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    // Alternate which goes first, so neither always follows the other.
    if (i % 2 === 0) {
      mcp.push(await viaMcp());
      rest.push(await viaRest());
    } else {
      rest.push(await viaRest());
      mcp.push(await viaMcp());
    }
  }
  const m = stats(mcp);
  const r = stats(rest);
  const fmt = (n: number) => n.toFixed(2);
  console.log(`conductor: ${conductor.url}${conductor.reused ? ' (reused)' : ''}; ${RUNS} starts each way after ${WARMUP} warm-up pairs`);
  console.log(`start via MCP (stdio):  p50 ${fmt(m.p50)} ms  p90 ${fmt(m.p90)} ms  p99 ${fmt(m.p99)} ms`);
  console.log(`start via REST:         p50 ${fmt(r.p50)} ms  p90 ${fmt(r.p90)} ms  p99 ${fmt(r.p99)} ms`);
  // Back-to-back pairs share whatever else the machine was doing; their median difference is
  // the steadiest single number on a busy machine (the last line keeps percentile differences).
  const paired = stats(mcp.map((x, i) => x - rest[i]!));
  console.log(`paired difference:      p50 ${fmt(paired.p50)} ms`);
  console.log(`tools/list: ${listed.tools.length} tools (${WORKFLOWS} workflows + ${runTools} run tools), ${Buffer.byteLength(JSON.stringify(listed))} bytes`);
  console.log(`mcp_overhead_p50_ms=${fmt(m.p50 - r.p50)} mcp_overhead_p99_ms=${fmt(m.p99 - r.p99)} tools_list_bytes_per_workflow=${bytesPerWorkflow}`);
} finally {
  await client?.close();
  rmSync(root, { recursive: true, force: true });
  await conductor.stop();
}
