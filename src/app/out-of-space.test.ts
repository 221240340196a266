import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { loadConfig } from '../config/config.js';
import { issueCredential } from '../provisioning/credentials/manage-credentials.js';
import { createTenant } from '../provisioning/tenants/manage-tenants.js';
import { openSqlite } from '../storage/sql/dialects/sqlite.js';
import type { SqlDatabase } from '../storage/sql/dialects/dialect.js';
import { migrateToLatest } from '../storage/sql/migrations/index.js';
import { SqlStore } from '../storage/sql/sql-store.js';
import { scratchDirectory } from '../testing/tls-certs.js';
import { waitUntil } from '../testing/wait-until.js';
import { createServer, type RosterServer } from './create-server.js';
import { renderError } from '../http/error-response.js';
import { classifyStorageError } from '../storage/sql/sql-errors.js';
import { StorageFullError } from '../storage/store.js';

const run = promisify(execFile);

/** Writes zeros into `file` until the filesystem has no byte left. */
async function fillUp(file: string): Promise<void> {
  const handle = await open(file, 'w');
  const chunk = Buffer.alloc(16 * 1024);
  try {
    for (;;) {
      try {
        await handle.write(chunk);
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOSPC') break;
        throw error;
      }
    }
    // The last partial block: a byte at a time is quick at this size.
    for (;;) {
      try {
        await handle.write(Buffer.alloc(512));
      } catch {
        break;
      }
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * The real thing is a small filesystem filled up: a tmpfs of 4 MiB, mounted by the test (root,
 * as here and in CI's container). Where mounting is not allowed, the test says so and simulates a
 * full disk with SQLite's max_page_count on the serving connection, which SQLite reports with the
 * same SQLITE_FULL.
 */
describe('out of space on SQLite', () => {
  let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
  let mounted = false;
  let database: SqlDatabase | undefined;
  let store: SqlStore | undefined;
  let server: RosterServer;
  let token: string;
  let makeFull: () => Promise<void>;
  let makeRoom: () => Promise<void>;

  before(async () => {
    scratch = await scratchDirectory('roster-full-');
    const mountPoint = join(scratch.path, 'disk');
    await run('mkdir', ['-p', mountPoint]);
    try {
      // ROSTER_TEST_NO_MOUNT=1 takes the fallback on purpose (to check it where mounting works).
      if (process.env.ROSTER_TEST_NO_MOUNT === '1') throw new Error('ROSTER_TEST_NO_MOUNT=1');
      await run('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint]);
      mounted = true;
    } catch (error) {
      process.stderr.write(`\n*** cannot mount a tmpfs (${String(error).split('\n')[0]}); simulating a full disk with PRAGMA max_page_count ***\n\n`);
    }
    const file = join(mountPoint, 'roster.db');
    const filler = join(mountPoint, 'filler');
    const env = { LOG_LEVEL: 'silent', DATABASE_URL: file, SQLITE_READ_WORKERS: '0', ACTIVITY_FLUSH_MS: '60000' };
    if (mounted) {
      server = await createServer(loadConfig(env));
      makeFull = () => fillUp(filler);
      makeRoom = () => rm(filler, { force: true });
    } else {
      database = openSqlite(file);
      await migrateToLatest(database.db, 'sqlite', undefined);
      store = new SqlStore(database);
      server = await createServer(loadConfig(env), { store });
      const db = database.db;
      makeFull = async () => {
        const pages = await sql<{ page_count: number }>`pragma page_count`.execute(db);
        await sql.raw(`pragma max_page_count = ${Number(pages.rows[0]!.page_count)}`).execute(db);
      };
      makeRoom = async () => void (await sql.raw('pragma max_page_count = 1073741823').execute(db));
    }
    const tenant = await createTenant(server.rt, { slug: 'acme' });
    token = (await issueCredential(server.rt, tenant.id, 'bearer', 'IdP')).secret;
  });
  after(async () => {
    await server?.close();
    await store?.close();
    if (mounted) await run('umount', ['-l', join(scratch.path, 'disk')]).catch(() => undefined);
    await scratch?.remove();
  });

  let created = 0;
  const createUser = () =>
    server.app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      // Some bulk per person, so the WAL must grow within a few writes once the disk is full.
      payload: JSON.stringify({ userName: `person${++created}@example.com`, title: 'x'.repeat(2000), nickName: 'y'.repeat(2000) }),
    });
  const ready = async () => (await server.app.inject({ method: 'GET', url: '/readyz' })).statusCode;

  it('answers writes 503 with Retry-After while the disk is full, and /readyz says not ready', async () => {
    assert.equal((await createUser()).statusCode, 201);
    assert.equal(await ready(), 200);
    await makeFull();
    // Writes that fit in space the database already holds may still succeed; the first one that
    // needs more must be a 503 (never a 500), and so must every one after it.
    let refused: Awaited<ReturnType<typeof createUser>> | undefined;
    for (let i = 0; i < 500 && !refused; i++) {
      const response = await createUser();
      assert.ok(response.statusCode === 201 || response.statusCode === 503, `a write answered ${response.statusCode}: ${response.body}`);
      if (response.statusCode === 503) refused = response;
    }
    assert.ok(refused, 'a write was refused once the disk was full');
    assert.match(String(refused.headers['retry-after']), /^\d+$/);
    assert.match(String(JSON.parse(refused.body).detail), /no space left/);
    assert.equal(await ready(), 503);
    const again = await createUser();
    assert.equal(again.statusCode, 503);
    const read = await server.app.inject({ method: 'GET', url: '/scim/v2/Users?count=1', headers: { authorization: `Bearer ${token}` } });
    assert.equal(read.statusCode, 200, 'reads go on');
  });

  it('recovers by itself once space returns', async () => {
    await makeRoom();
    await waitUntil(async () => (await ready()) === 200, '/readyz to report ready again');
    assert.equal((await createUser()).statusCode, 201);
  });
});

describe('a full disk on PostgreSQL', () => {
  it("is told by SQLSTATE 53100 (disk_full) and answered as SQLite's is", () => {
    // Filling a PostgreSQL server's disk is beyond a test; its error is mapped by the same path.
    const classified = classifyStorageError(Object.assign(new Error('could not extend file: No space left on device'), { code: '53100' }));
    assert.ok(classified instanceof StorageFullError);
    const rendered = renderError(classified);
    assert.equal(rendered.status, 503);
    assert.match(rendered.headers?.['retry-after'] ?? '', /^\d+$/);
  });
});
