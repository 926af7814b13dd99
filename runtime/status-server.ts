/**
 * The worker process's own HTTP endpoint, for whatever runs it (Kubernetes, a load balancer,
 * Prometheus): `GET /metrics`, the Conductor SDKs' worker metrics in Prometheus format, and
 * `GET /healthz`, 200 while tasks are being polled and 503 once the worker is stopping. Health
 * does not depend on Conductor being reachable: a server outage must not get every worker
 * restarted.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricsCollectorInterface } from '@io-orkes/conductor-javascript';
import type { WorkerPool } from './runner.js';

export interface StatusServerOptions {
  readonly pool: WorkerPool;
  readonly metrics: MetricsCollectorInterface;
  /** 0 picks a free port. */
  readonly port: number;
  readonly host: string;
}

export interface StatusServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function serveWorkerStatus(options: StatusServerOptions): Promise<StatusServer> {
  const { pool, metrics } = options;
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const reply = (status: number, type: string, body: string) => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return reply(405, 'text/plain', 'GET only\n');
    if (path === '/healthz') {
      const stopping = pool.stopping();
      const body = { status: stopping ? 'STOPPING' : 'UP', workerId: pool.workerId, tasks: pool.tasks, inFlight: pool.inFlight() };
      return reply(stopping ? 503 : 200, 'application/json', `${JSON.stringify(body)}\n`);
    }
    if (path === '/metrics') {
      metrics.toPrometheusTextAsync().then(
        (text) => reply(200, metrics.getContentType(), text),
        (error: unknown) => reply(500, 'text/plain', `metrics unavailable: ${error instanceof Error ? error.message : String(error)}\n`),
      );
      return;
    }
    reply(404, 'text/plain', 'not found; try /metrics or /healthz\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Scrapes keep connections open; they must not hold the process after the workers stopped.
  server.unref();
  const port = (server.address() as AddressInfo).port;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  return {
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
