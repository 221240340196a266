/**
 * Shared by the robustness suites: sizing (short in `npm test`, long in `npm run soak`), the
 * `reliability:` figure lines docs/reliability.md is built from, databases on disk that a child
 * process and the test can both open, and direct SQL access for checking what was really stored.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { issueCredential } from '../../../src/provisioning/credentials/manage-credentials.js';
import { uuidv7, type ProvisioningRuntime } from '../../../src/provisioning/runtime.js';
import { createTenant, updateTenantSettings } from '../../../src/provisioning/tenants/manage-tenants.js';
import { openStore } from '../../../src/storage/open-store.js';
import { parsePostgresUrl } from '../../../src/storage/sql/dialects/postgres.js';
import { createTestDatabase, testEngines, type EngineName } from '../../../src/testing/databases.js';
export { seededRandom as seeded } from '../../../src/testing/seeded-random.js';

/** `npm run soak` sets ROSTER_SOAK=1: the same suites with longer loops. */
export const SOAK = process.env['ROSTER_SOAK'] === '1';

/** A loop bound: `short` in `npm test`, `soak` under `npm run soak`. */
export function sized(short: number, soak: number): number {
  return SOAK ? soak : short;
}

/** One line per proof with its figures; docs/reliability.md copies them. */
export function reliability(name: string, figures: Record<string, number | string | boolean | Record<string, number>>): void {
  console.log(`reliability: ${name} ${SOAK ? '[soak] ' : ''}${JSON.stringify(figures)}`);
}

export { testEngines, type EngineName };

/** A database both this process and a server child can open, removed by `dispose`. */
export interface FixtureDatabase {
  readonly engine: EngineName;
  readonly url: string;
  dispose(): Promise<void>;
}

export async function fixtureDatabase(engine: EngineName): Promise<FixtureDatabase> {
  if (engine === 'postgres') {
    const database = await createTestDatabase('postgres');
    return { engine, url: database.url, dispose: () => database.dispose() };
  }
  // A file (not :memory:), so a server in another process, and a restarted one, see the same data.
  const dir = mkdtempSync(join(tmpdir(), 'roster-robust-'));
  return {
    engine,
    url: join(dir, 'roster.db'),
    async dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface SeededTenant {
  readonly slug: string;
  readonly id: string;
  readonly token: string;
}

/**
 * Creates tenants with a bearer token each, through the provisioning use cases, then closes the
 * database. The mass-change guard (issue 7 item 5, tested elsewhere) is switched off for them: these
 * suites delete on purpose and check that every acknowledged delete really happened.
 */
export async function seedTenants(url: string, slugs: readonly string[]): Promise<SeededTenant[]> {
  const store = await openStore({ databaseUrl: url, poolSize: 2 });
  const rt: ProvisioningRuntime = { store, now: Date.now, newId: () => uuidv7() };
  try {
    const out: SeededTenant[] = [];
    for (const slug of slugs) {
      const tenant = await createTenant(rt, { slug });
      await guardOff(rt, slug);
      const issued = await issueCredential(rt, tenant.id, 'bearer', 'robustness');
      out.push({ slug, id: tenant.id, token: issued.secret });
    }
    return out;
  } finally {
    await store.close();
  }
}

/** Switches the mass-change guard off where the build has one (a tenant without the setting has no guard). */
export async function guardOff(rt: ProvisioningRuntime, slug: string): Promise<void> {
  try {
    await updateTenantSettings(rt, slug, { massChangeGuard: 'off' });
  } catch {
    // No such setting in this build: nothing to switch off.
  }
}

/** Direct SQL on the database a server wrote, for checks that must not go through Roster itself. */
export interface Inspector {
  /** `?` placeholders on both engines. */
  rows<T extends object = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function inspect(engine: EngineName, url: string): Promise<Inspector> {
  if (engine === 'sqlite') {
    const db = new Database(url, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    return {
      async rows<T extends object>(text: string, params: readonly unknown[] = []) {
        return db.prepare(text).all(...params) as T[];
      },
      async close() {
        db.close();
      },
    };
  }
  const { connectionString, schema } = parsePostgresUrl(url);
  const client = new pg.Client({ connectionString, ...(schema ? { options: `-c search_path="${schema}"` } : {}) });
  await client.connect();
  return {
    async rows<T extends object>(text: string, params: readonly unknown[] = []) {
      let n = 0;
      const result = await client.query(
        text.replace(/\?/g, () => `$${++n}`),
        [...params],
      );
      return result.rows as T[];
    },
    async close() {
      await client.end();
    },
  };
}

/** Runs `work` over `items` with at most `width` at a time; answers results in order. */
export async function pool<T, R>(items: readonly T[], width: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T, i);
    }
  });
  await Promise.all(lanes);
  return results;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
