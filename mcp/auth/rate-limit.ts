/**
 * Per-key rate limits: a token bucket per key that holds a minute's allowance and refills
 * continuously, so a client may burst up to its limit and then gets a steady rate, and a
 * refusal says exactly how long to wait (Retry-After).
 */

export interface RateDecision {
  readonly allowed: boolean;
  /** Whole seconds until one call is allowed again (0 when allowed). */
  readonly retryAfterSeconds: number;
  readonly remaining: number;
  readonly limit: number;
}

interface Bucket {
  tokens: number;
  updated: number;
  limit: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly defaultPerMinute: number, private readonly now: () => number = Date.now) {
    if (!Number.isInteger(defaultPerMinute) || defaultPerMinute < 1) throw new Error(`rate limit must be a positive integer of calls per minute (got ${defaultPerMinute})`);
  }

  take(key: string, perMinute = this.defaultPerMinute): RateDecision {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket || bucket.limit !== perMinute) {
      bucket = { tokens: perMinute, updated: now, limit: perMinute };
      this.buckets.set(key, bucket);
    }
    const perMs = perMinute / 60_000;
    bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.updated) * perMs);
    bucket.updated = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0, remaining: Math.floor(bucket.tokens), limit: perMinute };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)), remaining: 0, limit: perMinute };
  }
}
