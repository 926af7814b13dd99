/**
 * Whether Conductor answers, checked at most every few seconds however often a load balancer
 * asks, so health checks cannot become load on Conductor.
 */
import type { Conductor } from '../runtime/conductor.js';

export interface ConductorHealth {
  readonly reachable: boolean;
  readonly latencyMs: number;
  readonly checkedAt: string;
}

export class HealthProbe {
  private last: { at: number; result: ConductorHealth } | undefined;
  private pending: Promise<ConductorHealth> | undefined;

  constructor(private readonly conductor: Conductor, private readonly ttlMs = 3000) {}

  check(): Promise<ConductorHealth> {
    if (this.last && Date.now() - this.last.at < this.ttlMs) return Promise.resolve(this.last.result);
    this.pending ??= (async () => {
      const started = Date.now();
      const reachable = await this.conductor.healthy();
      const result = { reachable, latencyMs: Date.now() - started, checkedAt: new Date().toISOString() };
      this.last = { at: Date.now(), result };
      this.pending = undefined;
      return result;
    })();
    return this.pending;
  }
}
