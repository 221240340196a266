/**
 * A fresh database per engine and run — SQLite files in a temp directory, PostgreSQL schemas named
 * bench_<random> — removed afterwards however the run ends (children: see child.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { killAllChildren } from './child.js';

/** The PostgreSQL server the bench uses unless told otherwise (`--pg-url`). */
export const DEFAULT_PG_URL = process.env['BENCH_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

const tempDirs = new Set<string>();
export const pendingCleanups = new Set<() => Promise<void>>();

process.on('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping the bench server and cleaning up…\n`);
    killAllChildren();
    void Promise.allSettled([...pendingCleanups].map((cleanup) => cleanup())).then(() => process.exit(130));
  });
}

export interface BenchDatabase {
  /** For the child server. */
  readonly serverUrl: string;
  /** For the raw-driver limits: a database of its own, with the same tables. */
  readonly rawUrl: string;
  readonly description: string;
  dispose(): Promise<void>;
}

export function sqliteDatabase(): BenchDatabase {
  const dir = mkdtempSync(join(os.tmpdir(), 'roster-bench-'));
  tempDirs.add(dir);
  return {
    serverUrl: join(dir, 'server.db'),
    rawUrl: join(dir, 'raw.db'),
    description: `files in ${dir} (WAL), deleted afterwards`,
    async dispose() {
      rmSync(dir, { recursive: true, force: true });
      tempDirs.delete(dir);
    },
  };
}

function withSchema(base: string, schema: string): string {
  return `${base}${base.includes('?') ? '&' : '?'}schema=${schema}`;
}

export async function postgresDatabase(base: string): Promise<BenchDatabase> {
  const probe = new pg.Client({ connectionString: base, connectionTimeoutMillis: 3000 });
  await probe.connect();
  await probe.end();
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const schemas = [schema, `${schema}_raw`];
  return {
    serverUrl: withSchema(base, schema),
    rawUrl: withSchema(base, `${schema}_raw`),
    description: `schemas ${schemas.join(' and ')} in ${base.replace(/\/\/[^@/]*@/, '//')}, dropped afterwards`,
    async dispose() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      try {
        for (const s of schemas) await client.query(`drop schema if exists "${s}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}
