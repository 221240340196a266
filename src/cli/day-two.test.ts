import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createServer, type RosterServer } from '../app/create-server.js';
import { loadConfig } from '../config/config.js';
import { issuePasswordReset } from '../provisioning/admins/password-reset.js';
import { deleteTenant } from '../provisioning/tenants/delete-tenant.js';
import { createTenant } from '../provisioning/tenants/manage-tenants.js';
import { issueCredential } from '../provisioning/credentials/manage-credentials.js';
import { createTestDatabase, testEngines, type TestDatabase } from '../testing/databases.js';
import { adminCommand } from './admin-command.js';
import { main } from './main.js';
import { tenantCommand } from './tenant-command.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

for (const { engine, skip } of testEngines()) {
  describe(`day-2 administration from the CLI on ${engine}`, { skip }, () => {
    let dir: string;
    let database: TestDatabase | undefined;
    let server: RosterServer;
    const saved = process.env.DATABASE_URL;

    const run = async (argv: string[]) => {
      const c = capture();
      const code = await main(argv, c.io);
      return { code, ...c };
    };
    const scim = (token: string, method: 'GET' | 'POST', url: string, payload?: object) =>
      server.app.inject({
        method,
        url: `/scim/v2${url}`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        ...(payload ? { payload } : {}),
      });
    const signIn = async (email: string, password: string) => {
      const response = await server.app.inject({ method: 'POST', url: '/admin/api/v1/session', payload: { email, password } });
      const cookie = String(response.headers['set-cookie'] ?? '').split(';')[0] ?? '';
      return { status: response.statusCode, cookie, body: response.body };
    };
    const whoAmI = (cookie: string) => server.app.inject({ method: 'GET', url: '/admin/api/v1/session', headers: { cookie } });

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'roster-day-two-'));
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

    it('deletes a tenant after confirmation, says what it removed, and leaves every other tenant whole', async () => {
      assert.equal((await run(['tenant', 'create', 'acme', '--name', 'Acme'])).code, 0);
      assert.equal((await run(['tenant', 'create', 'globex'])).code, 0);
      const tokens: Record<string, string> = {};
      for (const slug of ['acme', 'globex']) tokens[slug] = JSON.parse((await run(['token', 'create', slug, '--json'])).out[0]!).token as string;
      for (const slug of ['acme', 'globex']) {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          const created = await scim(tokens[slug]!, 'POST', '/Users', {
            schemas: [CORE_USER],
            userName: `p${i}@${slug}.example`,
            emails: [{ value: `p${i}@${slug}.example`, type: 'work' }],
          });
          assert.equal(created.statusCode, 201, created.body);
          ids.push(String(JSON.parse(created.body).id));
        }
        const group = await scim(tokens[slug]!, 'POST', '/Groups', { schemas: [CORE_GROUP], displayName: 'Everyone', members: ids.map((value) => ({ value })) });
        assert.equal(group.statusCode, 201, group.body);
      }
      assert.equal((await run(['webhook', 'add', 'acme', 'https://hooks.acme.example/roster'])).code, 0);
      assert.equal((await run(['admin', 'create', '--email', 'it@acme.example', '--tenant', 'acme'])).code, 0);

      // Not confirmed: nothing happens.
      const wrong = capture();
      assert.equal(await tenantCommand(['delete', 'acme'], wrong.io, async () => 'acme-typo'), 1);
      assert.match(wrong.err.join('\n'), /not confirmed; tenant acme is unchanged/);
      const noTerminal = capture();
      assert.equal(await main(['tenant', 'delete', 'acme'], noTerminal.io), 2, 'no terminal to ask and no --yes');
      assert.match(noTerminal.err[0]!, /pass --yes/);
      assert.equal((await scim(tokens['acme']!, 'GET', '/Users')).statusCode, 200, 'still there, provisioning still on');

      // Confirmed by typing the slug.
      const asked: string[] = [];
      const deleted = capture();
      assert.equal(
        await tenantCommand(['delete', 'acme', '--json'], deleted.io, async (q) => {
          asked.push(q);
          return 'acme';
        }),
        0,
      );
      assert.match(asked[0]!, /cannot be undone/);
      const report = JSON.parse(deleted.out[0]!) as { deleted: { slug: string }; removed: Record<string, number> };
      assert.equal(report.deleted.slug, 'acme');
      assert.equal(report.removed['people'], 5);
      assert.equal(report.removed['groups'], 1);
      assert.equal(report.removed['groupMemberships'], 5);
      assert.equal(report.removed['credentials'], 1);
      assert.equal(report.removed['webhooks'], 1);
      assert.equal(report.removed['tenantAdmins'], 1);
      assert.ok(report.removed['events']! >= 6, `events: ${report.removed['events']}`);

      assert.equal((await scim(tokens['acme']!, 'GET', '/Users')).statusCode, 401, 'its token is gone with it');
      const list = JSON.parse((await run(['tenant', 'list', '--json'])).out[0]!) as { slug: string }[];
      assert.deepEqual(
        list.map((t) => t.slug),
        ['globex'],
      );
      const globex = JSON.parse((await scim(tokens['globex']!, 'GET', '/Users')).body) as { totalResults: number };
      assert.equal(globex.totalResults, 5, 'the other tenant keeps every person');
      const admins = JSON.parse((await run(['admin', 'list', '--json'])).out[0]!) as unknown[];
      assert.equal(admins.length, 0, 'the tenant admin went with the tenant');
      const audit = await server.rt.store.admin.audit.latest(10);
      const entry = audit.find((e) => e.action === 'tenant.deleted');
      assert.ok(entry, 'recorded in the operator audit trail');
      assert.match(entry.subject, /^acme \(/);
      assert.equal((JSON.parse(entry.detail) as { removed: { users: number } }).removed.users, 5);

      // Text output names the counts.
      await run(['tenant', 'create', 'initech']);
      const text = await run(['tenant', 'delete', 'initech', '--yes']);
      assert.equal(text.code, 0);
      assert.match(text.out.join('\n'), /deleted tenant initech .*\n {2}it held nothing else/);
      assert.equal((await run(['tenant', 'delete', 'initech', '--yes'])).code, 1, 'a second delete finds no tenant');
    });

    it('deletes in chunks that yield: a request of another tenant is answered while a large tenant is being deleted, and a rerun finishes an interrupted delete', async () => {
      const big = await createTenant(server.rt, { slug: 'big' });
      const bigToken = (await issueCredential(server.rt, big.id, 'bearer', 'idp')).secret;
      const other = await createTenant(server.rt, { slug: 'other' });
      const otherToken = (await issueCredential(server.rt, other.id, 'bearer', 'idp')).secret;
      for (let i = 0; i < 60; i++) {
        assert.equal((await scim(bigToken, 'POST', '/Users', { schemas: [CORE_USER], userName: `u${i}@big.example` })).statusCode, 201);
      }
      // Interrupted after its first chunk of people.
      await assert.rejects(
        deleteTenant(server.rt, 'big', {
          actor: 'cli',
          chunkRows: 10,
          onProgress: (table) => {
            if (table === 'users') throw new Error('interrupted');
          },
        }),
        /interrupted/,
      );
      assert.equal((await scim(bigToken, 'GET', '/Users')).statusCode, 403, 'provisioning is off while the tenant is half deleted');
      const remaining = await server.rt.store.read({ tenantId: big.id }, async (r) => (await r.users.list({ page: { kind: 'index', offset: 0, limit: 0 } })).total);
      assert.equal(remaining, 50);

      // The other tenant's request is sent between two chunks of the rerun and answered before the
      // next chunk runs: no lock or transaction is held across chunks. Awaited inside the deletion,
      // so the order is the program's, not the machine's speed.
      let meanwhile: number | undefined;
      let chunksAfter = 0;
      const rerun = deleteTenant(server.rt, 'big', {
        actor: 'cli',
        chunkRows: 2,
        onProgress: async (table) => {
          if (meanwhile !== undefined) chunksAfter++;
          else if (table === 'users') meanwhile = (await scim(otherToken, 'GET', '/Users')).statusCode;
        },
      });
      const { removed } = await rerun;
      assert.equal(meanwhile, 200, 'the other tenant was answered in the middle of the deletion');
      assert.ok(chunksAfter > 0, 'the deletion went on after the other tenant was answered');
      assert.equal(removed.users, 50, 'the rerun removes what the first run left');
      assert.equal(await server.rt.store.tenants.findById(big.id), undefined);
    });

    it('renames a tenant and says what changes for the IdP', async () => {
      const token = JSON.parse((await run(['token', 'create', 'globex', '--json'])).out[0]!).token as string;
      const renamed = await run(['tenant', 'rename', 'globex', '--slug', 'globex-corp', '--name', 'Globex Corporation']);
      assert.equal(renamed.code, 0, renamed.err.join('\n'));
      const text = renamed.out.join('\n');
      assert.match(text, /slug: globex → globex-corp/);
      assert.match(text, /\/t\/globex-corp\/scim\/v2/);
      assert.match(text, /gets 401 until/);
      assert.match(text, /display name: globex → Globex Corporation/);
      const inPath = (slug: string) => server.app.inject({ method: 'GET', url: `/t/${slug}/scim/v2/Users`, headers: { authorization: `Bearer ${token}` } });
      assert.equal((await inPath('globex-corp')).statusCode, 200);
      assert.equal((await inPath('globex')).statusCode, 401);
      assert.equal((await scim(token, 'GET', '/Users')).statusCode, 200, '/scim/v2 is unaffected');
      const taken = await run(['tenant', 'rename', 'globex-corp', '--slug', 'other']);
      assert.equal(taken.code, 1);
      assert.match(taken.err[0]!, /exists/);
      const bad = await run(['tenant', 'rename', 'globex-corp', '--slug', 'Not A Slug']);
      assert.equal(bad.code, 1);
      assert.equal((await run(['tenant', 'rename', 'globex-corp'])).code, 2, 'nothing to change is a usage error');
      const json = JSON.parse((await run(['tenant', 'rename', 'globex-corp', '--name', 'Globex', '--json'])).out[0]!) as { after: { name: string } };
      assert.equal(json.after.name, 'Globex');
    });

    it('disables an admin (their sessions end, sign-in refused), enables, removes, and keeps one operator', async () => {
      const ops = JSON.parse((await run(['admin', 'create', '--email', 'ops@roster.example', '--json'])).out[0]!).password as string;
      const it2 = JSON.parse((await run(['admin', 'create', '--email', 'it@other.example', '--tenant', 'other', '--json'])).out[0]!).password as string;
      const session = await signIn('it@other.example', it2);
      assert.equal(session.status, 200);
      assert.equal((await whoAmI(session.cookie)).statusCode, 200);

      const disabled = await run(['admin', 'disable', '--email', 'IT@other.example', '--json']);
      assert.equal(disabled.code, 0, disabled.err.join('\n'));
      assert.equal(JSON.parse(disabled.out[0]!).sessionsEnded, 1);
      assert.equal((await whoAmI(session.cookie)).statusCode, 401, 'the open session ended');
      const refused = await signIn('it@other.example', it2);
      assert.equal(refused.status, 403);
      assert.match(refused.body, /disabled/);
      assert.equal((await signIn('it@other.example', 'wrong password!!')).status, 401, 'a wrong password learns nothing about the state');
      const listed = JSON.parse((await run(['admin', 'list', '--json'])).out[0]!) as { email: string; disabled: string | null }[];
      assert.ok(listed.find((a) => a.email === 'it@other.example')?.disabled);

      assert.equal((await run(['admin', 'enable', '--email', 'it@other.example'])).code, 0);
      assert.equal((await signIn('it@other.example', it2)).status, 200);

      const last = await run(['admin', 'disable', '--email', 'ops@roster.example']);
      assert.equal(last.code, 1);
      assert.match(last.err[0]!, /last enabled operator/);
      assert.equal((await run(['admin', 'remove', '--email', 'ops@roster.example', '--yes'])).code, 1);
      assert.equal((await signIn('ops@roster.example', ops)).status, 200);

      const removed = await run(['admin', 'remove', '--email', 'it@other.example', '--yes']);
      assert.equal(removed.code, 0, removed.err.join('\n'));
      assert.equal((await signIn('it@other.example', it2)).status, 401);
      const confirmNo = capture();
      assert.equal(await adminCommand(['remove', '--email', 'ops@roster.example'], confirmNo.io, process.stdin, async () => 'n'), 1);
      assert.equal((await run(['admin', 'remove', '--email', 'nobody@roster.example', '--yes'])).code, 1);
      const actions = (await server.rt.store.admin.audit.latest(50)).map((e) => e.action);
      for (const action of ['admin.disabled', 'admin.enabled', 'admin.removed']) assert.ok(actions.includes(action), action);
    });

    it('resets a password by a one-time link: the page is served, the link works once, ends other sessions, and an expired one says so', async () => {
      await run(['admin', 'create', '--email', 'ann@roster.example', '--json']);
      const annPassword = JSON.parse((await run(['admin', 'create', '--email', 'ann2@roster.example', '--json'])).out[0]!).password as string;
      const before = await signIn('ann2@roster.example', annPassword);
      assert.equal(before.status, 200);

      const issued = await run(['admin', 'reset-password', '--email', 'ann2@roster.example', '--expires', '30m', '--json']);
      assert.equal(issued.code, 0, issued.err.join('\n'));
      const { link, expires } = JSON.parse(issued.out[0]!) as { link: string; expires: string };
      const url = new URL(link);
      assert.equal(url.pathname, '/admin/reset-password');
      const token = new URLSearchParams(url.hash.slice(1)).get('token')!;
      assert.ok(token.length >= 40);
      const minutes = (Date.parse(expires) - Date.now()) / 60_000;
      assert.ok(minutes > 28 && minutes <= 30, `expires in ${minutes} min`);
      assert.equal((await server.app.inject({ method: 'GET', url: url.pathname })).statusCode !== 404, true, 'the console answers at the link');

      const post = (path: string, payload: object) => server.app.inject({ method: 'POST', url: `/admin/api/v1${path}`, payload });
      assert.equal(JSON.parse((await post('/password-reset/status', { token })).body).state, 'usable');
      const short = await post('/password-reset', { token, password: 'short' });
      assert.equal(short.statusCode, 400, 'a too-short password does not spend the link');
      const done = await post('/password-reset', { token, password: 'a brand new passphrase' });
      assert.equal(done.statusCode, 200, done.body);
      assert.equal(JSON.parse(done.body).sessionsEnded, 1);
      assert.equal((await whoAmI(before.cookie)).statusCode, 401, 'the other session ended');
      assert.equal((await signIn('ann2@roster.example', annPassword)).status, 401, 'the old password no longer works');
      assert.equal((await signIn('ann2@roster.example', 'a brand new passphrase')).status, 200);

      const again = await post('/password-reset', { token, password: 'yet another passphrase' });
      assert.equal(again.statusCode, 410);
      assert.match(again.body, /already used/);
      assert.equal(JSON.parse((await post('/password-reset/status', { token })).body).state, 'used');

      // An expired link: issued two hours ago for one hour.
      const past = { ...server.rt, now: () => Date.now() - 2 * 3_600_000 };
      const old = await issuePasswordReset(past, 'ann@roster.example', { actor: 'cli', ttlMs: 3_600_000 });
      const expired = await post('/password-reset', { token: old.token, password: 'too late for this one' });
      assert.equal(expired.statusCode, 410);
      assert.match(expired.body, /expired/);
      assert.equal((await post('/password-reset', { token: 'not-a-token', password: 'whatever it is here' })).statusCode, 404);

      const first = await run(['admin', 'reset-password', '--email', 'ann@roster.example', '--json']);
      const second = await run(['admin', 'reset-password', '--email', 'ann@roster.example', '--json']);
      const tokenOf = (r: { out: string[] }) => new URLSearchParams(new URL(JSON.parse(r.out[0]!).link as string).hash.slice(1)).get('token')!;
      assert.equal(JSON.parse((await post('/password-reset/status', { token: tokenOf(first) })).body).state, 'unknown', 'a newer link replaces the older');
      assert.equal(JSON.parse((await post('/password-reset/status', { token: tokenOf(second) })).body).state, 'usable');
      assert.equal((await run(['admin', 'reset-password', '--email', 'ann@roster.example', '--expires', 'soon'])).code, 2);
      assert.equal((await run(['admin', 'reset-password', '--email', 'ann@roster.example', '--expires', '30d'])).code, 1, 'at most 7 days');
    });
  });
}
