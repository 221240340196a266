import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore } from '../storage/open-store.js';
import type { Store } from '../storage/store.js';

export type EngineName = 'sqlite' | 'postgres';

/** The engines a suite runs on, with the reason PostgreSQL is skipped when it is (never silently). */
export function testEngines(): { engine: EngineName; skip: string | false }[] {
  const pgOff = process.env.ROSTER_TEST_PG === 'off';
  return [
    { engine: 'sqlite', skip: false },
    { engine: 'postgres', skip: pgOff ? 'PostgreSQL not reachable (see the warning printed by npm test)' : false },
  ];
}

export function postgresTestUrl(): string {
  return process.env.ROSTER_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

/** A database of its own for one test: SQLite in memory, or a fresh PostgreSQL schema dropped afterwards. */
export interface TestDatabase {
  readonly url: string;
  dispose(): Promise<void>;
}

export async function createTestDatabase(engine: EngineName): Promise<TestDatabase> {
  if (engine === 'sqlite') return { url: ':memory:', dispose: async () => {} };
  const schema = `roster_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const base = postgresTestUrl();
  const url = `${base}${base.includes('?') ? '&' : '?'}schema=${schema}`;
  return {
    url,
    async dispose() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      try {
        await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

/** An open store on a fresh database; `dispose` closes it and drops the database. */
export async function openTestStore(engine: EngineName): Promise<{ store: Store; url: string; dispose(): Promise<void> }> {
  const database = await createTestDatabase(engine);
  const store = await openStore({ databaseUrl: database.url, poolSize: 4 });
  return {
    store,
    url: database.url,
    async dispose() {
      await store.close();
      await database.dispose();
    },
  };
}
