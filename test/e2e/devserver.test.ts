// Boots the real Conductor server through devserver/ and drives one workflow
// through plain REST calls, so a failure here points at the server or our
// launcher, never at the SDK or the compiler.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPortOpen } from '../../devserver/port.js';
import { type RunningConductor, startConductor } from '../../devserver/server.js';

// Boot takes ~20-30 s on an idle 2-core machine but well over 100 s when other
// JVMs and builds compete for the cores, so be generous.
const BOOT_TIMEOUT_MS = 330_000;

const suffix = `${Date.now().toString(36)}_${process.pid}`;
const taskType = `baton_e2e_task_${suffix}`;
const workflowName = `baton_e2e_wf_${suffix}`;

async function call(
  server: RunningConductor,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string; json: () => unknown }> {
  const response = await fetch(`${server.apiUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) as unknown };
}

/** Retries `attempt` until it returns a value, for up to `timeoutMs` (loaded CI machines are slow). */
async function eventually<T>(attempt: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('devserver: a real local Conductor', () => {
  let server: RunningConductor;

  beforeAll(async () => {
    server = await startConductor({ startupTimeoutMs: BOOT_TIMEOUT_MS - 30_000 });
  }, BOOT_TIMEOUT_MS);

  // Safety net if a test below fails before the explicit stop; stop() is idempotent.
  afterAll(async () => {
    await server?.stop();
  }, 60_000);

  it('answers health on loopback and logs to its own file', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.apiUrl).toBe(`${server.url}/api`);
    const health = (await (await fetch(`${server.url}/health`)).json()) as { healthy: boolean };
    expect(health.healthy).toBe(true);
    const actuator = (await (await fetch(`${server.url}/actuator/health`)).json()) as { status: string };
    expect(actuator.status).toBe('UP');
    expect(readFileSync(server.logFile, 'utf8')).toContain('Started Conductor');
  });

  it('runs a one-task workflow end to end', async () => {
    const taskDef = { name: taskType, retryCount: 0, timeoutSeconds: 120, responseTimeoutSeconds: 60 };
    expect((await call(server, 'POST', '/metadata/taskdefs', [taskDef])).status).toBe(200);

    const workflowDef = {
      name: workflowName,
      version: 1,
      schemaVersion: 2,
      tasks: [{ name: taskType, taskReferenceName: 'only', type: 'SIMPLE', inputParameters: { n: '${workflow.input.n}' } }],
      outputParameters: { doubled: '${only.output.doubled}' },
    };
    expect((await call(server, 'PUT', '/metadata/workflow', [workflowDef])).status).toBe(200);

    const started = await call(server, 'POST', `/workflow/${workflowName}`, { n: 21 });
    expect(started.status).toBe(200);
    const workflowId = started.text.trim();
    expect(workflowId).toMatch(/^[0-9a-f-]{36}$/);

    // The task is queued asynchronously; poll until it shows up (204 = nothing yet).
    const task = await eventually(async () => {
      const polled = await call(server, 'GET', `/tasks/poll/${taskType}?workerid=e2e`);
      return polled.status === 200 && polled.text ? (polled.json() as { taskId: string; inputData: { n: number } }) : undefined;
    });
    expect(task?.inputData.n).toBe(21);

    const completed = await call(server, 'POST', '/tasks', {
      workflowInstanceId: workflowId,
      taskId: task?.taskId,
      status: 'COMPLETED',
      outputData: { doubled: 42 },
    });
    expect(completed.status).toBe(200);

    type Execution = { status: string; output: { doubled?: number } };
    let workflow: Execution | undefined;
    await eventually(async () => {
      workflow = (await call(server, 'GET', `/workflow/${workflowId}?includeTasks=false`)).json() as Execution;
      return workflow.status === 'RUNNING' ? undefined : workflow;
    });
    expect(workflow?.status).toBe('COMPLETED');
    expect(workflow?.output.doubled).toBe(42);
  }, 180_000);

  it('stops cleanly: process gone, port closed, temp folder removed', async () => {
    const port = Number(new URL(server.url).port);
    await server.stop();
    expect(isAlive(server.pid)).toBe(false);
    expect(await isPortOpen(port)).toBe(false);
    expect(existsSync(server.dataDir)).toBe(false);
  }, 60_000);
});
