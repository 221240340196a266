import { sql, type Kysely } from 'kysely';
import { secondsToWait, windowStart, type RateCounters, type RateLimitRequest, type WindowCount } from '../rate-counters.js';
import { uncounted } from './statement-count.js';
import type { RosterDatabase } from './tables.js';

/** Rows untouched for this many of their windows are deleted (they would count as empty anyway). */
const FORGET_AFTER_WINDOWS = 2;
const SWEEP_EVERY_MS = 60_000;

/**
 * PostgreSQL: the counters of every node in one table (migration 013), so N nodes allow the limit
 * once, not N times. Every limit a request is counted against is one row of a single upsert, one
 * round trip per request. The upsert decides under the row's lock, so concurrent requests from
 * several nodes are counted one after another and none is lost; a refused request is not counted,
 * so a client over its limit gets its rate back as soon as it slows down.
 */
export class SqlRateCounters implements RateCounters {
  private lastSweepMs = 0;

  constructor(private readonly db: Kysely<RosterDatabase>) {}

  async take(requests: readonly RateLimitRequest[], nowMs: number): Promise<number[]> {
    if (requests.length === 0) return [];
    const rows = requests.map(
      (r) => sql`(${r.key}, ${r.windowMs}::bigint, ${r.limit}::integer, ${windowStart(nowMs, r.windowMs)}::bigint, 1, 0, ${nowMs}::bigint, true)`,
    );
    // The previous window's weight: how much of it is still within one window of now.
    const weight = sql`(1.0 - (excluded.last_ms - excluded.window_start_ms)::float8 / excluded.window_ms)`;
    const current = sql`(case when r.window_start_ms = excluded.window_start_ms then r.current_count else 0 end)`;
    const previous = sql`(case when r.window_start_ms = excluded.window_start_ms then r.previous_count
      when r.window_start_ms = excluded.window_start_ms - excluded.window_ms then r.current_count else 0 end)`;
    const fits = sql`(${previous} * ${weight} + ${current} + 1 <= excluded.limit_count)`;
    const result = await sql<{ rate_key: string; window_start_ms: string | number; current_count: number; previous_count: number; allowed: boolean }>`
      insert into rate_windows as r (rate_key, window_ms, limit_count, window_start_ms, current_count, previous_count, last_ms, allowed)
      values ${sql.join(rows)}
      on conflict (rate_key) do update set
        window_ms = excluded.window_ms,
        limit_count = excluded.limit_count,
        window_start_ms = excluded.window_start_ms,
        previous_count = ${previous},
        current_count = ${current} + case when ${fits} then 1 else 0 end,
        last_ms = excluded.last_ms,
        allowed = ${fits}
      returning rate_key, window_start_ms, current_count, previous_count, allowed`.execute(this.db);
    const byKey = new Map<string, WindowCount>();
    for (const row of result.rows) {
      byKey.set(row.rate_key, {
        key: row.rate_key,
        windowStartMs: Number(row.window_start_ms),
        current: Number(row.current_count),
        previous: Number(row.previous_count),
        allowed: row.allowed,
      });
    }
    if (nowMs - this.lastSweepMs >= SWEEP_EVERY_MS) {
      this.lastSweepMs = nowMs;
      // Housekeeping the request does not wait for (nor count among its statements). A failed
      // sweep costs only some rows until the next one, a minute later.
      void uncounted(() => sql`delete from rate_windows where last_ms < ${nowMs}::bigint - window_ms * ${FORGET_AFTER_WINDOWS}`.execute(this.db)).catch(() => undefined);
    }
    return requests.map((request) => {
      const count = byKey.get(request.key);
      if (!count || count.allowed) return 0;
      return secondsToWait(count, request, nowMs);
    });
  }
}
