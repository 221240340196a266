import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createServer, type RosterServer } from '../app/create-server.js';
import { loadConfig } from '../config/config.js';
import { issueCredential } from '../provisioning/credentials/manage-credentials.js';
import { findTenantBySlug } from '../provisioning/tenants/manage-tenants.js';
import { createTestDatabase, testEngines, type TestDatabase } from '../testing/databases.js';
import { main } from './main.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

for (const { engine, skip } of testEngines()) {
  describe(`preview commands on ${engine}`, { skip }, () => {
    let dir: string;
    let database: TestDatabase | undefined;
    let server: RosterServer;
    const saved = process.env.DATABASE_URL;
    const run = async (argv: string[]) => {
      const c = capture();
      const code = await main(argv, c.io);
      return { code, ...c };
    };

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'roster-preview-cli-'));
      if (engine === 'postgres') database = await createTestDatabase('postgres');
      process.env.DATABASE_URL = database?.url ?? join(dir, 'roster.db');
      server = await createServer(loadConfig({ DATABASE_URL: process.env.DATABASE_URL, LOG_LEVEL: 'silent' }));
    });
    after(async () => {
      await server?.close();
      await database?.dispose();
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
      rmSync(dir, { recursive: true, force: true });
    });

    it('creates a tenant in preview, discards what it stored, and takes it live', async () => {
      const created = await run(['tenant', 'create', 'cli-preview', '--preview', '--json']);
      assert.equal(created.code, 0, created.err.join('\n'));
      assert.equal(JSON.parse(created.out[0]!).mode, 'preview');
      const listed = await run(['tenant', 'list', '--json']);
      assert.equal((JSON.parse(listed.out[0]!) as { slug: string; mode: string }[]).find((t) => t.slug === 'cli-preview')?.mode, 'preview');

      const tenant = await findTenantBySlug(server.rt, 'cli-preview');
      const token = (await issueCredential(server.rt, tenant.id, 'bearer', 'idp')).secret;
      const created201 = await server.app.inject({
        method: 'POST',
        url: '/scim/v2/Users',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        payload: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'first@cli.example' },
      });
      assert.equal(created201.statusCode, 201);

      const discarded = await run(['tenant', 'discard-preview', 'cli-preview', '--yes', '--json']);
      assert.equal(discarded.code, 0, discarded.err.join('\n'));
      assert.deepEqual(JSON.parse(discarded.out[0]!), { tenant: 'cli-preview', mode: 'preview', removed: { people: 1, groups: 0, events: 1 } });

      const live = await run(['tenant', 'go-live', 'cli-preview', '--json']);
      assert.equal(live.code, 0, live.err.join('\n'));
      const answer = JSON.parse(live.out[0]!) as { mode: string; snapshotSeq: number; snapshot: string };
      assert.equal(answer.mode, 'live');
      assert.equal(answer.snapshotSeq, 2, 'the counter went on after the discarded event');
      assert.match(answer.snapshot, /\/host\/v1\/tenants\/cli-preview\/snapshot$/);

      const again = await run(['tenant', 'go-live', 'cli-preview']);
      assert.notEqual(again.code, 0, 'a live tenant cannot go live again');
      assert.match(again.err.join('\n'), /not in preview/);
    });
  });
}
