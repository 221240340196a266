import { RateLimiter } from './token-bucket.js';

/**
 * One limit to count a request against: at most `limit` requests per `windowMs` for `key` (a
 * credential, a client address, a sign-in address), in bursts up to `limit`.
 */
export interface RateLimitRequest {
  readonly key: string;
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * Rate counting shared by every process on the database. Answers, per request and in order,
 * 0 when allowed (and counted) or the whole seconds to wait (for Retry-After; not counted).
 */
export interface RateCounters {
  take(requests: readonly RateLimitRequest[], nowMs: number): Promise<number[]>;
}

/**
 * The limit as a per-second rate with a burst, the way the settings speak of it
 * (RATE_LIMIT_PER_CREDENTIAL=200 with bursts of 5×: 1,000 per 5 s). A burst below one would
 * never allow anything, so it is at least one.
 */
export function perSecond(key: string, ratePerSecond: number, burst: number): RateLimitRequest | undefined {
  if (ratePerSecond <= 0) return undefined;
  const limit = Math.max(1, burst);
  return { key, limit, windowMs: Math.max(1, Math.round((limit / ratePerSecond) * 1000)) };
}

/** SQLite: token buckets in this process, one set per distinct limit. */
export class InProcessRateCounters implements RateCounters {
  private readonly limiters = new Map<string, { limiter: RateLimiter; clock: { now: number } }>();

  async take(requests: readonly RateLimitRequest[], nowMs: number): Promise<number[]> {
    return requests.map((request) => {
      const shape = `${request.limit}/${request.windowMs}`;
      let entry = this.limiters.get(shape);
      if (!entry) {
        const clock = { now: nowMs };
        entry = { limiter: new RateLimiter((request.limit * 1000) / request.windowMs, request.limit, () => clock.now), clock };
        this.limiters.set(shape, entry);
      }
      entry.clock.now = nowMs;
      return entry.limiter.take(request.key);
    });
  }
}

/** What the database answers for one key after counting (sliding-window-counters.ts). */
export interface WindowCount {
  readonly key: string;
  readonly windowStartMs: number;
  readonly current: number;
  readonly previous: number;
  readonly allowed: boolean;
}

/**
 * The sliding-window estimate: the previous fixed window's count weighted by how much of it still
 * lies within `windowMs` of now, plus the current window's. Smooth across window edges, so a
 * client cannot get twice the limit by straddling one.
 */
export function windowStart(nowMs: number, windowMs: number): number {
  return Math.floor(nowMs / windowMs) * windowMs;
}

/** Whole seconds until one more request would fit (at least 1), for a refused request. */
export function secondsToWait(count: WindowCount, request: RateLimitRequest, nowMs: number): number {
  const { windowMs, limit } = request;
  const start = count.windowStartMs;
  let readyMs: number;
  if (count.current + 1 <= limit && count.previous > 0) {
    // Later in this window, once enough of the previous one has slid out.
    const fraction = 1 - (limit - count.current - 1) / count.previous;
    readyMs = start + fraction * windowMs;
  } else {
    // Not in this window: in the next, this window's count slides out instead.
    const fraction = count.current > 0 ? Math.max(0, 1 - (limit - 1) / count.current) : 0;
    readyMs = start + windowMs + fraction * windowMs;
  }
  return Math.max(1, Math.ceil((readyMs - nowMs) / 1000));
}
