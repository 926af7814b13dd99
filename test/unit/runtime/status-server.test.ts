/**
 * The worker's /metrics and /healthz over real HTTP: health follows the pool (503 once it is
 * stopping, so a load balancer or probe stops counting on it), metrics come from the SDK's
 * collector in Prometheus text format, anything else is 404 or 405.
 */
import { CanonicalMetricsCollector } from '@io-orkes/conductor-javascript';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkerPool } from '../../../runtime/runner.js';
import { type StatusServer, serveWorkerStatus } from '../../../runtime/status-server.js';

let server: StatusServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function pool(state: { stopping: boolean; inFlight: number }): WorkerPool {
  return {
    tasks: ['charge_card'],
    workerId: 'host-1',
    inFlight: () => state.inFlight,
    stopping: () => state.stopping,
    stop: () => Promise.resolve({ drained: true, abandoned: [] }),
  };
}

describe('worker status server', () => {
  it('answers /healthz with 200 while polling and 503 once stopping', async () => {
    const state = { stopping: false, inFlight: 2 };
    server = await serveWorkerStatus({ pool: pool(state), metrics: new CanonicalMetricsCollector(), port: 0, host: '127.0.0.1' });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const up = await fetch(`${server.url}/healthz`);
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({ status: 'UP', workerId: 'host-1', tasks: ['charge_card'], inFlight: 2 });
    state.stopping = true;
    const down = await fetch(`${server.url}/healthz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'STOPPING', inFlight: 2 });
  });

  it('serves what the collector counted as Prometheus text', async () => {
    const metrics = new CanonicalMetricsCollector();
    metrics.onPollCompleted({ taskType: 'charge_card', durationMs: 12, tasksReceived: 1, timestamp: new Date() });
    server = await serveWorkerStatus({ pool: pool({ stopping: false, inFlight: 0 }), metrics, port: 0, host: '127.0.0.1' });
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(metrics.getContentType());
    const text = await response.text();
    expect(text).toMatch(/^task_poll_time_seconds_count\{.*taskType="charge_card".*\} 1$/m);
  });

  it('refuses other paths and methods', async () => {
    server = await serveWorkerStatus({ pool: pool({ stopping: false, inFlight: 0 }), metrics: new CanonicalMetricsCollector(), port: 0, host: '127.0.0.1' });
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('says so when the port is taken', async () => {
    server = await serveWorkerStatus({ pool: pool({ stopping: false, inFlight: 0 }), metrics: new CanonicalMetricsCollector(), port: 0, host: '127.0.0.1' });
    await expect(serveWorkerStatus({ pool: pool({ stopping: false, inFlight: 0 }), metrics: new CanonicalMetricsCollector(), port: server.port, host: '127.0.0.1' })).rejects.toThrow(/EADDRINUSE/);
  });
});
