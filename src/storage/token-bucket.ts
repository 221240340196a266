/**
 * Token buckets per key (a credential, an IP): `ratePerSecond` sustained, `burst` at once.
 * In memory and per process: what SQLite (one process by design) counts with; PostgreSQL, where
 * several nodes share one database, counts in the database instead (rate-counters.ts).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedMs: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  /** Takes one token; answers 0 when allowed, else the whole seconds to wait (for Retry-After). */
  take(key: string): number {
    if (this.ratePerSecond <= 0) return 0;
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.evictIdle(now);
      bucket = { tokens: this.burst, updatedMs: now };
      this.buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updatedMs) / 1000) * this.ratePerSecond);
      bucket.updatedMs = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.ratePerSecond));
  }

  /** Drops buckets that have refilled completely (they would behave as new ones anyway). */
  private evictIdle(now: number): void {
    const full = (this.burst / this.ratePerSecond) * 1000;
    for (const [key, bucket] of this.buckets) if (now - bucket.updatedMs >= full) this.buckets.delete(key);
    if (this.buckets.size >= this.maxKeys) this.buckets.clear();
  }
}
