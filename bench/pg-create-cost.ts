/**
 * Where a create's cost goes on PostgreSQL: per create, the server's CPU, PostgreSQL's CPU (every
 * postgres process on the machine, read from /proc), the load generator's CPU, and what PostgreSQL
 * did for it (commits, WAL records, bytes and flushes, rows written per table).
 *
 *   node --import tsx bench/pg-create-cost.ts [rounds=3] [clients=8]
 *
 * Starts this checkout's bench server (dist/ built) on a fresh schema, warms it with 2,000 creates,
 * then runs rounds of 3,000 creates. Run it on a quiet machine: PostgreSQL's CPU is the machine's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { startServer } from './child.js';
import { DEFAULT_PG_URL, postgresDatabase } from './databases.js';
import { creates } from './scenarios.js';

const rounds = Number(process.argv[2] ?? 3);
const clients = Number(process.argv[3] ?? 8);
const PER_ROUND = 3000;
const TICK_MS = 10; // USER_HZ is 100 on Linux

const cpuTicks = (pid: number): number => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0; // the process ended meanwhile
  }
};
const postgresTicks = (): number =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres');
      } catch {
        return false;
      }
    })
    .reduce((sum, pid) => sum + cpuTicks(Number(pid)), 0);

const stats = new pg.Client({ connectionString: DEFAULT_PG_URL });
await stats.connect();
const database = await postgresDatabase(DEFAULT_PG_URL);
/** PostgreSQL's cumulative counters; backends report them about once a second, so wait that out. */
async function counters(): Promise<{ wal: number[]; tables: Map<string, number[]> }> {
  await delay(1_500);
  const wal = (
    await stats.query<{ c: string; r: string; b: string; s: string }>(
      `select (select xact_commit from pg_stat_database where datname = current_database())::text as c,
            wal_records::text as r, wal_bytes::text as b, wal_sync::text as s from pg_stat_wal`,
    )
  ).rows[0];
  const tables = await stats.query<{ relname: string; ins: string; upd: string; hot: string }>(
    'select relname, sum(n_tup_ins)::text as ins, sum(n_tup_upd)::text as upd, sum(n_tup_hot_upd)::text as hot from pg_stat_user_tables group by relname',
  );
  return {
    wal: [wal?.c, wal?.r, wal?.b, wal?.s].map(Number),
    tables: new Map(tables.rows.map((r) => [r.relname, [Number(r.ins), Number(r.upd), Number(r.hot)]])),
  };
}

const server = await startServer({
  databaseUrl: database.serverUrl,
  poolSize: 10,
  logLevel: 'warn',
  env: { RATE_LIMIT_PER_CREDENTIAL: '0', RATE_LIMIT_PER_IP: '0' },
  tenants: ['t'],
  cwd: process.cwd(),
});
try {
  await creates(server, 't', { prefix: 'warm', count: 2000, clients });
  for (let round = 0; round < rounds; round++) {
    const before = await counters();
    const serverBefore = cpuTicks(server.pid);
    const postgresBefore = postgresTicks();
    const ownBefore = process.cpuUsage();
    const started = Date.now();
    await creates(server, 't', { prefix: `r${round}`, count: PER_ROUND, clients });
    const wallMs = Date.now() - started;
    const own = process.cpuUsage(ownBefore);
    const serverMs = (cpuTicks(server.pid) - serverBefore) * TICK_MS;
    const postgresMs = (postgresTicks() - postgresBefore) * TICK_MS;
    const after = await counters();
    const per = (value: number) => (value / PER_ROUND).toFixed(3);
    const ownMs = (own.user + own.system) / 1000;
    console.log(
      `round ${round + 1}: ${Math.round((PER_ROUND * 1000) / wallMs)} creates/s from ${clients} clients; CPU ms per create: server ${per(serverMs)}, PostgreSQL ${per(postgresMs)}, load generator ${per(ownMs)}; cores busy ${((serverMs + postgresMs + ownMs) / wallMs).toFixed(2)}`,
    );
    const [commits, records, bytes, syncs] = after.wal.map((v, i) => v - (before.wal[i] ?? 0));
    console.log(
      `  per create: ${per(commits ?? 0)} commits, ${per(records ?? 0)} WAL records, ${Math.round((bytes ?? 0) / PER_ROUND)} WAL bytes, ${per(syncs ?? 0)} WAL flushes`,
    );
    const written = [...after.tables]
      .map(([table, [ins = 0, upd = 0, hot = 0]]) => {
        const [ins0 = 0, upd0 = 0, hot0 = 0] = before.tables.get(table) ?? [];
        return { table, ins: ins - ins0, upd: upd - upd0, hot: hot - hot0 };
      })
      .filter((t) => t.ins + t.upd > PER_ROUND / 100)
      .map((t) => `${t.table} +${per(t.ins)}${t.upd ? ` ~${per(t.upd)} (${per(t.hot)} HOT)` : ''}`);
    console.log(`  rows per create (+ inserted, ~ updated): ${written.join(', ')}`);
  }
} finally {
  await server.stop();
  await database.dispose();
  await stats.end();
}
