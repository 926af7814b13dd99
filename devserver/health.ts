// Health probing. Conductor exposes its own `GET /health` (also `/api/health`),
// which answers `{"healthy":true,...}` once the web layer is up. Spring's
// `/actuator/health` aggregates every health indicator, and in the stock 3.32
// configuration it reports DOWN because an Elasticsearch client is on the
// classpath; we disable that indicator for servers we start, but use
// `/health` as the readiness signal because every Conductor server has it.
import { setTimeout as sleep } from 'node:timers/promises';

export const HEALTH_PATH = '/health';

export interface HealthResult {
  healthy: boolean;
  /** Why it is not healthy, or the body when it is; for error messages. */
  detail: string;
}

/** Base URL without a trailing slash or `/api` suffix (SDKs accept either form). */
export function normalizeServerUrl(url: string): string {
  return url.trim().replace(/\/+$/, '').replace(/\/api$/, '');
}

export async function probeHealth(baseUrl: string, timeoutMs = 2_000): Promise<HealthResult> {
  const url = `${normalizeServerUrl(baseUrl)}${HEALTH_PATH}`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.text();
    if (!response.ok) return { healthy: false, detail: `GET ${url} -> HTTP ${response.status}` };
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return { healthy: false, detail: `GET ${url} -> non-JSON body: ${body.slice(0, 200)}` };
    }
    const healthy = typeof parsed === 'object' && parsed !== null && (parsed as { healthy?: unknown }).healthy === true;
    return { healthy, detail: healthy ? body : `GET ${url} -> ${body.slice(0, 200)}` };
  } catch (error) {
    const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    return { healthy: false, detail: `GET ${url} failed: ${cause}` };
  }
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Aborted by the caller when waiting is pointless, e.g. the process died. */
  signal?: AbortSignal;
}

/** Polls `/health` until it is healthy; throws on timeout or abort. */
export async function waitForHealthy(baseUrl: string, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 500;
  let last: HealthResult = { healthy: false, detail: 'not probed yet' };
  for (;;) {
    options.signal?.throwIfAborted();
    // A JVM still booting on a starved CPU can take seconds to answer its first
    // request; a short probe timeout would turn that into a false "not ready".
    last = await probeHealth(baseUrl, 5_000);
    if (last.healthy) return;
    if (Date.now() >= deadline) break;
    options.signal?.throwIfAborted();
    await sleep(interval, undefined, { signal: options.signal }).catch(() => {});
  }
  throw new Error(`Conductor did not become healthy within ${Math.round(options.timeoutMs / 1000)} s (${last.detail})`);
}
