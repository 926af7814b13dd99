/**
 * The MCP server against a real Conductor, through the SDK's real Client over an in-memory
 * pair: every workflow tool behaviour and every run tool, end to end. (The SDK client checks
 * every structured answer against the tool's output schema on its own.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOL } from '../../mcp/tools/names.js';
import { Conductor } from '../../runtime/conductor.js';
import { BOOT_TIMEOUT_MS, type LiveFixture, actAsWorker, eventually, liveFixture } from '../unit/mcp/fixtures/conductor.js';
import { type Harness, connect, textOf } from '../unit/mcp/helpers.js';

type Envelope = {
  workflowId: string;
  workflowName?: string;
  status: string;
  output: unknown;
  failure: { reason: string; failedTask?: string; taskType?: string } | null;
  truncated: boolean;
  waitingOn?: { taskRef: string; taskType: string }[];
  outputPreview?: unknown;
  outputNote?: string;
  deduplicated?: boolean;
  [key: string]: unknown;
};

describe('mcp against a real Conductor', () => {
  let live: LiveFixture;
  let h: Harness;

  beforeAll(async () => {
    live = await liveFixture();
    h = await connect({ project: live.project, conductor: new Conductor({ serverUrl: live.server.apiUrl }) });
  }, BOOT_TIMEOUT_MS);
  afterAll(async () => {
    await h?.close();
    await live?.stop();
  }, 60_000);

  async function call(name: string, args: Record<string, unknown>) {
    const result = await h.client.callTool({ name, arguments: args });
    return { result, envelope: result.structuredContent as Envelope, text: textOf(result) };
  }

  async function startApproval(requestId: string) {
    const { envelope } = await call('mcp_approval', {
      input: { requestId, amountCents: 1250, cardNumber: '4111111111111111', customerEmail: 'ann@example.com' },
      correlationId: `${live.run}-${requestId}`,
      waitSeconds: 20,
    });
    expect(envelope.waitingOn).toEqual([{ taskRef: 'approval', taskType: 'WAIT' }]);
    return envelope.workflowId;
  }

  it('starts a workflow, waits for it, and answers with the structured run', async () => {
    const { result, envelope, text } = await call('mcp_echo', { input: { message: 'hi', times: 3 }, waitSeconds: 20 });
    expect(result.isError).toBeFalsy();
    expect(envelope).toMatchObject({ workflowName: 'mcp_echo', status: 'COMPLETED', output: { echoed: 'hihihi' }, failure: null, truncated: false });
    expect(envelope.workflowId).toMatch(/^[0-9a-f-]{36}$/);
    expect(text).toBe(`Run ${envelope.workflowId} of mcp_echo COMPLETED.\n${JSON.stringify(envelope)}`);
  });

  it('answers at once without a wait, and baton_wait_run fetches the result', async () => {
    const started = await call('mcp_echo', { input: { message: 'yo', times: 1 } });
    expect(started.envelope).toMatchObject({ status: 'RUNNING', output: null });
    expect(started.text).toContain(`Wait for its result with ${TOOL.waitRun}`);
    const waited = await call(TOOL.waitRun, { executionId: started.envelope.workflowId, timeoutSeconds: 20 });
    expect(waited.envelope).toMatchObject({ status: 'COMPLETED', output: { echoed: 'yo' }, timedOut: false });
  });

  it('stops waiting when the run needs a signal, then completes it through baton_signal_task', async () => {
    const id = await startApproval('sig');
    const compact = await call(TOOL.getRun, { executionId: id });
    expect(compact.envelope).toMatchObject({ status: 'RUNNING', waitingOn: [{ taskRef: 'approval', taskType: 'WAIT' }], taskCounts: { IN_PROGRESS: 1 } });
    expect(compact.envelope.input).toBeUndefined();
    const details = await call(TOOL.getRun, { executionId: id, details: true });
    // Masked fields never leave the server.
    expect(details.envelope.input).toEqual({ requestId: 'sig', amountCents: 1250, cardNumber: '[redacted]', customerEmail: '[redacted]' });
    expect(details.envelope.tasks).toEqual([expect.objectContaining({ taskRef: 'approval', type: 'WAIT', status: 'IN_PROGRESS', attempt: 1 })]);

    const wrong = await call(TOOL.signalTask, { executionId: id, taskRef: 'nope', output: {} });
    expect(wrong.result.isError).toBe(true);
    expect(wrong.text).toBe(`Run ${id} has no task 'nope' yet. It is waiting on: approval.`);

    const signalled = await call(TOOL.signalTask, { executionId: id, taskRef: 'approval', output: { approved: true, approver: 'ann' } });
    expect(signalled.result.isError).toBeFalsy();
    expect(signalled.text).toMatch(/^Task 'approval' is now COMPLETED\./);
    const done = await call(TOOL.waitRun, { executionId: id, timeoutSeconds: 20 });
    expect(done.envelope).toMatchObject({ status: 'COMPLETED', output: { approved: true, approver: 'ann' } });
    const again = await call(TOOL.signalTask, { executionId: id, taskRef: 'approval', output: {} });
    expect(again.text).toMatch(/Cannot signal a task of run .*: it is COMPLETED, and only RUNNING runs can be/);
  });

  it('sends progress notifications while waiting, and reports a wait that ran out', async () => {
    const started = await call('mcp_charge', { input: { orderId: `o-${live.run}-progress` } });
    const progress: { progress: number; total?: number; message?: string }[] = [];
    const result = await h.client.callTool({ name: TOOL.waitRun, arguments: { executionId: started.envelope.workflowId, timeoutSeconds: 2 } }, undefined, {
      onprogress: (p) => progress.push(p),
    });
    const envelope = result.structuredContent as Envelope;
    expect(envelope).toMatchObject({ status: 'RUNNING', timedOut: true });
    expect(textOf(result)).toMatch(/^Still RUNNING after 2 s; wait again to keep following it\./);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]).toMatchObject({ total: 2, message: expect.stringMatching(/0 of 1 scheduled tasks done; now: mcp_fixture_charge \(SIMPLE, SCHEDULED\)/) });
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.progress).toBeGreaterThan(progress[i - 1]!.progress);
    await call(TOOL.terminateRun, { executionId: started.envelope.workflowId, reason: 'test over' });
  });

  it('reports a failed run as a tool error naming the failed task, and retries it', async () => {
    const started = await call('mcp_charge', { input: { orderId: `o-${live.run}-retry` } });
    const id = started.envelope.workflowId;
    await actAsWorker(live.server.apiUrl, 'mcp_fixture_charge', id, { status: 'FAILED', reasonForIncompletion: 'card declined' });
    const failed = await call(TOOL.waitRun, { executionId: id, timeoutSeconds: 20 });
    expect(failed.result.isError).toBe(true);
    expect(failed.envelope.status).toBe('FAILED');
    expect(failed.envelope.failure).toEqual({ reason: expect.stringContaining('card declined'), failedTask: 'mcp_fixture_charge', taskType: 'SIMPLE' });
    expect(failed.text).toContain(`${TOOL.retryRun} {"executionId":"${id}"} retries it from the failed task`);

    const retried = await call(TOOL.retryRun, { executionId: id });
    expect(retried.result.isError).toBeFalsy();
    expect(retried.envelope.status).toBe('RUNNING');
    await actAsWorker(live.server.apiUrl, 'mcp_fixture_charge', id, { status: 'COMPLETED', outputData: { chargeId: 'ch_1' } });
    const done = await call(TOOL.waitRun, { executionId: id, timeoutSeconds: 20 });
    expect(done.envelope).toMatchObject({ status: 'COMPLETED', output: { chargeId: 'ch_1' } });
    const notAgain = await call(TOOL.retryRun, { executionId: id });
    expect(notAgain.text).toMatch(/it is COMPLETED, and only FAILED or TIMED_OUT or TERMINATED runs can be\. To run it again, use baton_restart_run\./);
  });

  it('restarts a finished run from the beginning', async () => {
    const first = await call('mcp_echo', { input: { message: 'again', times: 2 }, waitSeconds: 20 });
    const restarted = await call(TOOL.restartRun, { executionId: first.envelope.workflowId });
    expect(restarted.result.isError).toBeFalsy();
    expect(restarted.text).toMatch(/^Restarted from the beginning\./);
    const done = await call(TOOL.waitRun, { executionId: first.envelope.workflowId, timeoutSeconds: 20 });
    expect(done.envelope).toMatchObject({ status: 'COMPLETED', output: { echoed: 'againagain' } });
  });

  it('pauses and resumes a run, refusing what a paused run cannot do', async () => {
    const id = await startApproval('pause');
    const paused = await call(TOOL.pauseRun, { executionId: id });
    expect(paused.envelope.status).toBe('PAUSED');
    expect(paused.text).toContain(`${TOOL.resumeRun} {"executionId":"${id}"} resumes it`);
    expect((await call(TOOL.pauseRun, { executionId: id })).text).toMatch(/It is paused already\./);
    expect((await call(TOOL.signalTask, { executionId: id, taskRef: 'approval', output: {} })).text).toMatch(/Resume it first with baton_resume_run\./);
    const resumed = await call(TOOL.resumeRun, { executionId: id });
    expect(resumed.envelope).toMatchObject({ status: 'RUNNING', waitingOn: [{ taskRef: 'approval', taskType: 'WAIT' }] });
    expect((await call(TOOL.resumeRun, { executionId: id })).text).toMatch(/Only a paused run resumes\./);
  });

  it('terminates a run, which is what was asked for, not an error', async () => {
    const id = await startApproval('term');
    const terminated = await call(TOOL.terminateRun, { executionId: id, reason: 'customer cancelled' });
    expect(terminated.result.isError).toBeFalsy();
    expect(terminated.envelope).toMatchObject({ status: 'TERMINATED', failure: { reason: 'customer cancelled' } });
    const twice = await call(TOOL.terminateRun, { executionId: id, reason: 'again' });
    expect(twice.result.isError).toBe(true);
    expect(twice.text).toMatch(/It has already finished\./);
  });

  it('searches runs by correlation id and status, page by page', async () => {
    const tag = `${live.run}-search`;
    for (let i = 0; i < 3; i++) await call('mcp_echo', { input: { message: `s${i}`, times: 1 }, correlationId: tag, waitSeconds: 20 });
    const first = await eventually(async () => {
      const page = await call(TOOL.searchRuns, { workflow: 'mcp_echo', correlationId: tag, status: ['COMPLETED'], limit: 2 });
      return (page.envelope as unknown as { total: number }).total === 3 ? page : undefined;
    }, 'the search index');
    const runs = (first.envelope as unknown as { runs: { workflowId: string; correlationId: string; status: string }[]; nextCursor: string }).runs;
    expect(runs).toHaveLength(2);
    for (const r of runs) expect(r).toMatchObject({ correlationId: tag, status: 'COMPLETED' });
    const cursor = (first.envelope as unknown as { nextCursor: string }).nextCursor;
    expect(first.text.split('\n')[0]).toBe('3 runs match; showing 1-2. Pass nextCursor as cursor for more.');
    const second = await call(TOOL.searchRuns, { workflow: 'mcp_echo', correlationId: tag, status: ['COMPLETED'], limit: 2, cursor });
    const rest = (second.envelope as unknown as { runs: { workflowId: string }[]; nextCursor?: string });
    expect(rest.runs).toHaveLength(1);
    expect(rest.nextCursor).toBeUndefined();
    expect(new Set([...runs, ...rest.runs].map((r) => r.workflowId)).size).toBe(3);
    const none = await call(TOOL.searchRuns, { correlationId: tag, status: ['FAILED'] });
    expect(none.text).toBe('No runs match.\n{"runs":[],"total":0}');
  });

  it('starts one run per idempotency key, however often or concurrently it is called', async () => {
    const key = `${live.run}-once`;
    const args = { input: { message: 'once', times: 1 }, idempotencyKey: key };
    const [a, b] = await Promise.all([call('mcp_echo', args), call('mcp_echo', args)]);
    expect(a.envelope.workflowId).toBe(b.envelope.workflowId);
    const later = await call('mcp_echo', { ...args, waitSeconds: 20 });
    expect(later.envelope).toMatchObject({ workflowId: a.envelope.workflowId, deduplicated: true, status: 'COMPLETED', correlationId: key });
    expect(later.text).toMatch(/^This idempotency key already started a run; no new run was started\./);
    const both = await call('mcp_echo', { ...args, correlationId: 'other' });
    expect(both.text).toMatch(/Give correlationId or idempotencyKey, not both/);
  });

  it('reports a business failure as a tool error with the run', async () => {
    const { result, envelope, text } = await call('mcp_doomed', { input: { why: 'the moon is wrong' }, waitSeconds: 20 });
    expect(result.isError).toBe(true);
    expect(envelope).toMatchObject({ status: 'FAILED', failure: { reason: 'the moon is wrong' }, output: null });
    expect(text).toMatch(/FAILED: the moon is wrong\./);
  });

  it('summarises a large output, marks it, and reads parts of it on request', async () => {
    const { envelope } = await call('mcp_big', { input: { count: 3000 }, waitSeconds: 30 });
    expect(envelope).toMatchObject({ status: 'COMPLETED', output: null, truncated: true });
    expect(envelope.outputNote).toMatch(/the output is \d+ bytes, over this server's limit of \d+; outputPreview summarises it/);
    const rows = (envelope.outputPreview as { rows: unknown[] }).rows;
    expect(rows.at(-1)).toMatch(/^…\[\+\d+ more items\]$/);
    expect(Buffer.byteLength(JSON.stringify(envelope))).toBeLessThan(h.services.limits.maxResponseBytes);
    const part = await call(TOOL.getRun, { executionId: envelope.workflowId, outputPath: 'rows[2999].label' });
    expect(part.envelope).toMatchObject({ outputPath: 'rows[2999].label', value: 'row number 2999 of a long list', valueTruncated: false });
    const missing = await call(TOOL.getRun, { executionId: envelope.workflowId, outputPath: 'rows[3000]' });
    expect(missing.text).toBe(`The output of run ${envelope.workflowId} has nothing at 'rows[3000]'.`);
  });

  it("treats runs of other workflows on the same server as unknown", async () => {
    const foreign = await fetch(`${live.server.apiUrl}/metadata/workflow`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ name: 'mcp_foreign', version: 1, schemaVersion: 2, ownerEmail: 'x@example.com', tasks: [{ name: 'w', taskReferenceName: 'w', type: 'WAIT' }] }]),
    });
    expect(foreign.ok).toBe(true);
    const id = (await (await fetch(`${live.server.apiUrl}/workflow/mcp_foreign`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).text()).trim();
    for (const [tool, args] of [
      [TOOL.getRun, { executionId: id }],
      [TOOL.terminateRun, { executionId: id, reason: 'not yours' }],
    ] as const) {
      const answer = await call(tool, args);
      expect(answer.result.isError).toBe(true);
      expect(answer.text).toBe(`No run with id ${id} among this server's workflows. Check the id, or find runs with baton_search_runs.`);
    }
    const still = (await (await fetch(`${live.server.apiUrl}/workflow/${id}?includeTasks=false`)).json()) as { status: string };
    expect(still.status).toBe('RUNNING');
    await fetch(`${live.server.apiUrl}/workflow/${id}?reason=cleanup`, { method: 'DELETE' });
  });

  it('audits every write with who, what, which run and how it went', async () => {
    const lines = h.auditLines();
    const signal = lines.find((l) => l.tool === TOOL.signalTask && l.outcome === 'ok')!;
    expect(signal).toMatchObject({ keyId: 'local', role: 'admin', workflow: 'mcp_approval', transport: 'memory' });
    expect(signal.executionId).toMatch(/^[0-9a-f-]{36}$/);
    const start = lines.find((l) => l.tool === 'mcp_approval' && l.outcome === 'ok')!;
    expect(start.arguments).toMatchObject({ input: { cardNumber: '[redacted]', customerEmail: '[redacted]', requestId: 'sig' } });
    expect(lines.some((l) => l.tool === 'mcp_doomed' && l.outcome === 'run_failed')).toBe(true);
    expect(lines.some((l) => l.tool === TOOL.terminateRun && l.outcome === 'error')).toBe(true);
    expect(lines.some((l) => l.tool === TOOL.getRun)).toBe(false);
  });
});
