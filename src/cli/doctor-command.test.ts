import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { issueCredential } from '../provisioning/credentials/manage-credentials.js';
import { judgeTenant } from '../provisioning/operations/sync-health.js';
import { uuidv7 } from '../provisioning/runtime.js';
import { createTenant } from '../provisioning/tenants/manage-tenants.js';
import { openStore } from '../storage/open-store.js';
import type { RequestLogEntry, TenantRecord } from '../storage/store.js';
import { createTestDatabase, testEngines } from '../testing/databases.js';
import { doctorCommand, explainDatabaseError } from './doctor-command.js';

const HOUR = 3_600_000;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err, text: () => [...out, ...err].join('\n') };
}

/** Runs `roster doctor` with these environment settings (restored afterwards). */
async function doctor(env: Record<string, string>, argv: string[] = []) {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  const c = capture();
  try {
    const code = await doctorCommand(argv, c.io);
    return { code, text: c.text(), out: c.out };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

function logEntry(tenantId: string, atMs: number, status: number, client: string | null, error: string | null = null): RequestLogEntry {
  return {
    tenantId,
    id: uuidv7(atMs),
    atMs,
    method: 'GET',
    path: '/scim/v2/Users?filter=userName%20eq%20%22x%22',
    status,
    durationMs: 3,
    client,
    credentialId: null,
    resourceType: null,
    resourceId: null,
    changed: false,
    notes: {},
    error,
  };
}

describe('roster doctor on a SQLite file', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'roster-doctor-'));
    file = join(dir, 'roster.db');
  });

  /** A database with tenants in the given states, made by a "server" that has since stopped. */
  async function prepare(states: ('healthy' | 'stopped' | 'okta-quiet' | 'never' | 'fresh' | 'failing' | 'disabled')[]) {
    const store = await openStore({ databaseUrl: file });
    const now = Date.now();
    try {
      for (const state of states) {
        const rt = { store, now: () => now, newId: () => uuidv7(now) };
        const tenant = await createTenant(rt, { slug: state });
        const old = { ...rt, now: () => now - 30 * HOUR };
        await issueCredential(state === 'fresh' ? rt : old, tenant.id, 'bearer', 'IdP');
        const last = state === 'healthy' ? now - 10 * 60_000 : state === 'stopped' || state === 'okta-quiet' ? now - 5 * HOUR : state === 'failing' ? now - 60_000 : null;
        if (last !== null) {
          await store.tenants.recordActivity([{ tenantId: tenant.id, lastRequestMs: last }]);
          const client = state === 'okta-quiet' ? 'Okta SCIM Client 1.0.0' : null;
          const entries = Array.from({ length: 6 }, (_, i) =>
            logEntry(tenant.id, last - i * 1000, state === 'failing' ? 400 : 200, client, state === 'failing' ? 'hireDate "31/12/2024" is not yyyy-MM-dd' : null),
          );
          await store.appendRequestLog(entries);
        }
        if (state === 'disabled') await store.tenants.setProvisioningEnabled(tenant.id, false);
      }
    } finally {
      await store.close();
    }
  }

  it('passes a healthy installation with exit code 0', async () => {
    await prepare(['healthy', 'fresh', 'disabled']);
    const result = await doctor({ DATABASE_URL: file });
    assert.equal(result.code, 0, result.text);
    assert.match(result.text, /tenant healthy: last SCIM request 10 min ago/);
    assert.match(result.text, /tenant fresh: waiting for the first SCIM request/);
    assert.match(result.text, /tenant disabled: provisioning is switched off/);
    assert.match(result.text, /migrations: the schema is up to date/);
    assert.match(result.text, /Nothing wrong/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('catches a stopped sync, a tenant whose IdP never called, and an IdP whose requests all fail', async () => {
    await prepare(['healthy', 'stopped', 'never', 'failing']);
    const result = await doctor({ DATABASE_URL: file });
    assert.equal(result.code, 1, result.text);
    assert.match(result.text, /PROBLEM {2}tenant stopped: no SCIM request for 5 h \(threshold 2 h\)/);
    assert.match(result.text, /Entra ID: about every 40 minutes/);
    assert.match(result.text, /PROBLEM {2}tenant never: has had a credential for 30 h but its identity provider has never called/);
    assert.match(result.text, /PROBLEM {2}tenant failing: .*each of the last 6 requests failed.*400.*hireDate/);
    assert.doesNotMatch(result.text, /PROBLEM {2}tenant healthy/);
    assert.match(result.text, /3 problems above/);

    const json = await doctor({ DATABASE_URL: file }, ['--json']);
    const parsed = JSON.parse(json.out[0]!) as { ok: boolean; problems: number; findings: { severity: string; subject: string }[] };
    assert.equal(parsed.ok, false);
    assert.equal(parsed.problems, 3);

    const lenient = await doctor({ DATABASE_URL: file, SYNC_STALE_AFTER_MINUTES: String(6 * 60) });
    assert.doesNotMatch(lenient.text, /tenant stopped: no SCIM request/, 'the threshold is a setting');
    rmSync(dir, { recursive: true, force: true });
  });

  it('treats silence from an event-driven IdP (Okta) as a warning, not a failure', async () => {
    await prepare(['okta-quiet']);
    const result = await doctor({ DATABASE_URL: file });
    assert.equal(result.code, 0, result.text);
    assert.match(result.text, /WARNING {2}tenant okta-quiet: no SCIM request for 5 h .* from Okta\. Okta calls only when something changes/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports migrations not applied yet, without applying them', async () => {
    await prepare(['healthy']);
    const raw = new Database(file);
    const last = raw.prepare('select name from kysely_migration order by name desc limit 1').get() as { name: string };
    raw.prepare('delete from kysely_migration where name = ?').run(last.name);
    raw.close();
    const result = await doctor({ DATABASE_URL: file });
    assert.match(result.text, new RegExp(`WARNING {2}migrations: 1 migration not applied yet \\(${last.name}\\)`));
    const check = new Database(file);
    assert.equal((check.prepare('select count(*) as n from kysely_migration where name = ?').get(last.name) as { n: number }).n, 0, 'doctor did not migrate');
    check.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('roster doctor on a bad configuration or database', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'roster-doctor-bad-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every configuration problem at once', async () => {
    const result = await doctor({ DATABASE_URL: join(dir, 'x.db'), PORT: 'eighty', LOG_LEVEL: 'loud' });
    assert.equal(result.code, 1);
    assert.match(result.text, /PROBLEM {2}configuration: PORT="eighty"/);
    assert.match(result.text, /PROBLEM {2}configuration: LOG_LEVEL="loud"/);
  });

  it('says in plain words that nothing listens at a PostgreSQL address', async () => {
    const result = await doctor({ DATABASE_URL: 'postgres://roster:secret-pw@127.0.0.1:9/roster' });
    assert.equal(result.code, 1, result.text);
    assert.match(result.text, /PROBLEM {2}database: nothing accepts connections at 127\.0\.0\.1:9 — is PostgreSQL running there, and is the port right\?/);
    assert.doesNotMatch(result.text, /secret-pw/, 'the password is never printed');
    assert.doesNotMatch(result.text, /\n\s+at /, 'no stack trace');
  });

  it('says a SQLite path points into a folder that does not exist, and creates nothing', async () => {
    const result = await doctor({ DATABASE_URL: join(dir, 'missing-folder', 'roster.db') });
    assert.equal(result.code, 1);
    assert.match(result.text, /PROBLEM {2}database: the folder .*missing-folder does not exist/);
    const noFile = await doctor({ DATABASE_URL: join(dir, 'not-yet.db') });
    assert.equal(noFile.code, 0);
    assert.match(noFile.text, /WARNING {2}database: no SQLite file at .*not-yet\.db yet/);
  });

  it('recognises a file that is not a database', async () => {
    writeFileSync(join(dir, 'notes.db'), 'these are not the tables you are looking for');
    const result = await doctor({ DATABASE_URL: join(dir, 'notes.db') });
    assert.equal(result.code, 1);
    assert.match(result.text, /notes\.db exists but is not a SQLite database/);
  });

  it('translates PostgreSQL refusals', () => {
    const url = 'postgres://roster:pw@db.internal:5433/roster';
    const err = (code: string, message = 'x') => Object.assign(new Error(message), { code });
    assert.match(explainDatabaseError(err('28P01'), url), /refused the password of user "roster"/);
    assert.match(explainDatabaseError(err('3D000'), url), /the database "roster" does not exist on db\.internal:5433 — create it/);
    assert.match(explainDatabaseError(err('ENOTFOUND'), url), /host name "db\.internal" does not resolve/);
    assert.match(explainDatabaseError(new Error('timeout after 10000 ms'), url), /no answer from db\.internal:5433/);
  });
});

for (const { engine, skip } of testEngines().filter((e) => e.engine === 'postgres')) {
  describe(`roster doctor on ${engine}`, { skip }, () => {
    it('checks a PostgreSQL schema and its tenants', async () => {
      const database = await createTestDatabase('postgres');
      try {
        const store = await openStore({ databaseUrl: database.url, poolSize: 2 });
        const now = Date.now();
        const rt = { store, now: () => now - 3 * HOUR, newId: () => uuidv7() };
        const tenant = await createTenant(rt, { slug: 'pg-stopped' });
        await issueCredential(rt, tenant.id, 'bearer', 'Entra');
        await store.tenants.recordActivity([{ tenantId: tenant.id, lastRequestMs: now - 3 * HOUR }]);
        await store.close();
        const result = await doctor({ DATABASE_URL: database.url });
        assert.equal(result.code, 1, result.text);
        assert.match(result.text, /ok {7}database: reachable \(PostgreSQL postgres@/);
        assert.match(result.text, /PROBLEM {2}tenant pg-stopped: no SCIM request for 3 h/);
      } finally {
        await database.dispose();
      }
    });
  });
}

describe('judging one tenant', () => {
  const tenant = (over: Partial<TenantRecord>): TenantRecord => ({
    id: 't1',
    slug: 'acme',
    name: 'Acme',
    provisioningEnabled: true,
    settings: {},
    createdMs: 0,
    lastRequestMs: null,
    lastChangeMs: null,
    mode: 'live',
    ...over,
  });
  const credential = { id: 'c1', tenantId: 't1', kind: 'bearer' as const, label: 'x', secretHash: 'h', createdMs: 0, lastUsedMs: null, revokedMs: null };

  it('knows Entra syncs on a schedule and says a tenant without a live credential cannot authenticate', () => {
    const now = 10 * HOUR;
    const entra = judgeTenant(tenant({ lastRequestMs: now - 3 * HOUR }), [credential], [logEntry('t1', now - 3 * HOUR, 200, 'Azure AD SCIM Provisioning')], now, {
      staleAfterMs: 2 * HOUR,
    });
    assert.equal(entra[0]?.severity, 'problem');
    assert.match(entra[0]!.message, /from Microsoft Entra ID\. Entra ID runs a sync cycle about every 40 minutes/);
    const revoked = judgeTenant(tenant({}), [{ ...credential, revokedMs: 1 }], [], now, { staleAfterMs: 2 * HOUR });
    assert.equal(revoked[0]?.severity, 'warning');
    assert.match(revoked[0]!.message, /no live credential/);
  });
});
