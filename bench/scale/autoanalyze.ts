/**
 * A stand-in for autovacuum's auto-ANALYZE, for PostgreSQL servers that run with `autovacuum = off`
 * (as the bench machine's does).
 *
 * Why it matters: PostgreSQL caches the plan of each foreign-key check per connection. Planned while
 * `users` is still empty and never analyzed, the check of a new user_emails row picks an index on
 * `tenant_id` alone and filters on `id` (`Index Scan using users_missing … Filter: (id = $2)`), so
 * every insert then reads all of the tenant's people: an initial sync slows down as it goes, and
 * never recovers, because only new statistics (ANALYZE) invalidate the cached plan. A production
 * server analyzes a table once 10% of it changed (autovacuum_analyze_scale_factor, threshold 50);
 * this does the same for the bench's schema, checking every `intervalMs`, so the scale numbers
 * describe a normally configured server. The run reports that it was needed and how often it ran.
 */
import pg from 'pg';

export interface AutoAnalyzeReport {
  /** Whether the server had autovacuum off (else this stand-in did nothing). */
  readonly autovacuumOff: boolean;
  /** ANALYZE runs by table. */
  readonly analyzed: Readonly<Record<string, number>>;
}

export class AutoAnalyze {
  private readonly analyzed: Record<string, number> = {};
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  private constructor(
    private readonly client: pg.Client | undefined,
    private readonly intervalMs: number,
  ) {}

  /** Starts watching the schema of `databaseUrl` (`?schema=`) when the server has autovacuum off. */
  static async start(databaseUrl: string, intervalMs: number): Promise<AutoAnalyze> {
    const parsed = new URL(databaseUrl);
    const schema = parsed.searchParams.get('schema');
    parsed.searchParams.delete('schema');
    const client = new pg.Client({ connectionString: parsed.toString(), ...(schema ? { options: `-c search_path="${schema}" -c statement_timeout=120000` } : {}) });
    await client.connect();
    const setting = (await client.query<{ autovacuum: string }>('show autovacuum')).rows[0]?.autovacuum;
    if (setting !== 'off') {
      await client.end();
      return new AutoAnalyze(undefined, intervalMs);
    }
    const watcher = new AutoAnalyze(client, intervalMs);
    watcher.schedule();
    return watcher;
  }

  async stop(): Promise<AutoAnalyzeReport> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.client?.end().catch(() => {});
    return { autovacuumOff: this.client !== undefined, analyzed: { ...this.analyzed } };
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pass()
        .catch((error: unknown) => {
          process.stderr.write(`  auto-analyze stand-in: ${String(error)}\n`);
        })
        .finally(() => this.schedule());
    }, this.intervalMs);
    this.timer.unref();
  }

  /** ANALYZE every table of the schema with more changes since its last analysis than autovacuum would tolerate. */
  private async pass(): Promise<void> {
    const client = this.client;
    if (!client || this.stopped) return;
    const { rows } = await client.query<{ relname: string }>(
      `select s.relname from pg_stat_user_tables s join pg_class c on c.oid = s.relid
       where s.schemaname = current_schema() and s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)`,
    );
    for (const { relname } of rows) {
      if (this.stopped || !/^[a-z_][a-z0-9_]*$/.test(relname)) continue;
      await client.query(`analyze ${relname}`);
      this.analyzed[relname] = (this.analyzed[relname] ?? 0) + 1;
    }
  }
}
