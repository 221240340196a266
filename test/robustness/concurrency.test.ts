/**
 * Issue 7 item 1: concurrency against a real `roster serve` child process on 127.0.0.1, with
 * concurrent HTTP clients, on SQLite and PostgreSQL. What was stored is checked with SQL on the
 * database itself, not through Roster.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonObject } from '../../src/json/json-value.js';
import { startServer, type ChildServer } from './support/child.js';
import {
  fixtureDatabase,
  inspect,
  pool,
  reliability,
  seedTenants,
  seeded,
  sized,
  testEngines,
  type FixtureDatabase,
  type Inspector,
  type SeededTenant,
} from './support/harness.js';
import { addMembers, call, must, patchBody, removeMembers, type Outcome } from './support/http.js';

const CLIENTS = 16;

function statusOf(outcome: Outcome): string {
  return outcome.kind === 'response' ? String(outcome.status) : outcome.kind;
}

for (const { engine, skip } of testEngines()) {
  describe(`concurrency on ${engine} (real server, concurrent clients)`, { skip }, () => {
    let db: FixtureDatabase;
    let server: ChildServer;
    let tenants: SeededTenant[];
    let sql: Inspector;

    before(async () => {
      db = await fixtureDatabase(engine);
      tenants = await seedTenants(db.url, ['north', 'south']);
      server = await startServer(db.url, { DB_POOL_SIZE: '8' });
      sql = await inspect(engine, db.url);
    });
    after(async () => {
      await sql?.close();
      await server?.destroy();
      await db?.dispose();
    });

    it('16 clients over two tenants creating, patching and deleting at once: zero rows in the wrong tenant', async () => {
      const perClient = sized(30, 200);
      const created = new Map<string, Set<string>>(tenants.map((t) => [t.id, new Set<string>()]));
      const deleted = new Map<string, Set<string>>(tenants.map((t) => [t.id, new Set<string>()]));
      const grouped = new Map<string, Set<string>>(tenants.map((t) => [t.id, new Set<string>()]));
      const groups = new Map<string, string>();
      for (const t of tenants) {
        const g = await must(server.base, 'POST', '/scim/v2/Groups', { token: t.token, body: { displayName: `${t.slug} everyone` } });
        assert.equal(g.status, 201);
        groups.set(t.id, String(g.body['id']));
      }
      const unexpected: string[] = [];
      let requests = 0;
      let probes = 0;
      const expect = (what: string, outcome: Outcome, ...wanted: number[]) => {
        requests++;
        if (outcome.kind !== 'response' || !wanted.includes(outcome.status)) {
          unexpected.push(`${what}: ${statusOf(outcome)} ${outcome.kind === 'response' ? outcome.text.slice(0, 200) : ''}`);
          return false;
        }
        return true;
      };

      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, c) => {
          const me = tenants[c % 2] as SeededTenant;
          const other = tenants[(c + 1) % 2] as SeededTenant;
          const random = seeded(1000 + c);
          // Half the clients name the tenant in the URL, half let the token decide.
          const prefix = c % 4 < 2 ? '/scim/v2' : `/t/${me.slug}/scim/v2`;
          const mine: string[] = [];
          for (let i = 0; i < perClient; i++) {
            const userName = `${me.slug}-c${c}-u${i}@${me.slug}.example`;
            const create = await call(server.base, 'POST', `${prefix}/Users`, {
              token: me.token,
              body: {
                userName,
                externalId: `${me.slug}-${c}-${i}`,
                name: { givenName: me.slug, familyName: `c${c}` },
                emails: [
                  { value: `${me.slug}.c${c}.${i}@${me.slug}.example`, type: 'work', primary: true },
                  { value: `${me.slug}.c${c}.${i}@home.${me.slug}.example`, type: 'home' },
                ],
              },
            });
            if (!expect(`create ${userName}`, create, 201) || create.kind !== 'response') continue;
            const id = String(create.body['id']);
            created.get(me.id)?.add(id);
            mine.push(id);
            const patch = await call(server.base, 'PATCH', `${prefix}/Users/${id}`, {
              token: me.token,
              body: patchBody([{ op: 'replace', path: 'displayName', value: `${me.slug} ${c} ${i}` }]),
            });
            expect(`patch ${id}`, patch, 200);
            if (i % 3 === 0) {
              const add = await call(server.base, 'PATCH', `${prefix}/Groups/${groups.get(me.id)}`, { token: me.token, body: addMembers([id]) });
              if (expect(`add member ${id}`, add, 204)) grouped.get(me.id)?.add(id);
            }
            if (i % 4 === 3 && mine.length > 1) {
              const victim = mine.splice(Math.floor(random() * (mine.length - 1)), 1)[0] as string;
              const removal = await call(server.base, 'DELETE', `${prefix}/Users/${victim}`, { token: me.token });
              if (expect(`delete ${victim}`, removal, 204)) deleted.get(me.id)?.add(victim);
            }
            if (i % 5 === 2) {
              // Reach for the other tenant's people with this tenant's token: nothing may be found.
              const theirs = [...(created.get(other.id) ?? [])];
              const target = theirs[Math.floor(random() * theirs.length)];
              if (target) {
                probes += 3;
                expect(`cross read ${target}`, await call(server.base, 'GET', `${prefix}/Users/${target}`, { token: me.token }), 404);
                expect(
                  `cross patch ${target}`,
                  await call(server.base, 'PATCH', `${prefix}/Users/${target}`, {
                    token: me.token,
                    body: patchBody([{ op: 'replace', path: 'displayName', value: 'stolen' }]),
                  }),
                  404,
                );
                expect(`cross delete ${target}`, await call(server.base, 'DELETE', `${prefix}/Users/${target}`, { token: me.token }), 404);
              }
              probes += 3;
              expect(`other slug`, await call(server.base, 'GET', `/t/${other.slug}/scim/v2/Users`, { token: me.token }), 401);
              expect(
                `cross group patch`,
                await call(server.base, 'PATCH', `${prefix}/Groups/${groups.get(other.id)}`, { token: me.token, body: addMembers(mine.slice(-1)) }),
                404,
              );
              const search = await call(server.base, 'GET', `${prefix}/Users?filter=${encodeURIComponent(`userName sw "${other.slug}-"`)}`, {
                token: me.token,
              });
              if (expect('cross search', search, 200) && search.kind === 'response' && search.body['totalResults'] !== 0) {
                unexpected.push(`search for ${other.slug} from ${me.slug} found ${String(search.body['totalResults'])}`);
              }
            }
          }
        }),
      );
      assert.deepEqual(unexpected.slice(0, 20), [], `${unexpected.length} unexpected answers`);

      // What is in the database, tenant by tenant.
      let rowsChecked = 0;
      let wrongTenant = 0;
      for (const t of tenants) {
        const other = tenants.find((x) => x.id !== t.id) as SeededTenant;
        const users = await sql.rows<{ id: string; user_name: string; data: unknown }>('select id, user_name, data from users where tenant_id = ?', [t.id]);
        const alive = [...(created.get(t.id) ?? [])].filter((id) => !deleted.get(t.id)?.has(id));
        assert.deepEqual(users.map((u) => u.id).sort(), alive.sort(), `${t.slug}: exactly the acknowledged creates minus the acknowledged deletes`);
        for (const u of users) {
          rowsChecked++;
          const text = typeof u.data === 'string' ? u.data : JSON.stringify(u.data);
          if (!u.user_name.startsWith(`${t.slug}-`) || text.includes(`${other.slug}.example`)) wrongTenant++;
        }
        const emails = await sql.rows<{ user_id: string; value: string }>('select user_id, value from user_emails where tenant_id = ?', [t.id]);
        assert.equal(emails.length, users.length * 2, `${t.slug}: two email rows per person`);
        for (const e of emails) {
          rowsChecked++;
          if (!e.value.endsWith(`${t.slug}.example`) || !alive.includes(e.user_id)) wrongTenant++;
        }
        const members = await sql.rows<{ member_id: string }>('select member_id from group_members where tenant_id = ? and group_id = ?', [t.id, groups.get(t.id)]);
        const expectedMembers = [...(grouped.get(t.id) ?? [])].filter((id) => !deleted.get(t.id)?.has(id));
        assert.deepEqual(members.map((m) => m.member_id).sort(), expectedMembers.sort(), `${t.slug}: group members`);
        rowsChecked += members.length;
        const crossMembers = await sql.rows<{ n: number }>(
          `select count(*) as n from group_members m where m.tenant_id = ? and not exists (select 1 from users u where u.tenant_id = m.tenant_id and u.id = m.member_id)`,
          [t.id],
        );
        wrongTenant += Number(crossMembers[0]?.n ?? 0);
        const events = await sql.rows<{ type: string; data: unknown }>('select type, data from events where tenant_id = ? order by seq', [t.id]);
        const theirIds = [...(created.get(other.id) ?? [])];
        for (const e of events) {
          rowsChecked++;
          const text = typeof e.data === 'string' ? e.data : JSON.stringify(e.data);
          if (text.includes(`${other.slug}-`) || theirIds.some((id) => text.includes(id))) wrongTenant++;
        }
        assert.equal(events.filter((e) => e.type === 'user.created').length, created.get(t.id)?.size, `${t.slug}: one user.created per acknowledged create`);
        assert.equal(events.filter((e) => e.type === 'user.deleted').length, deleted.get(t.id)?.size, `${t.slug}: one user.deleted per acknowledged delete`);
      }
      const owners = await sql.rows<{ id: string; tenant_id: string }>('select id, tenant_id from users');
      for (const row of owners) if (!created.get(row.tenant_id)?.has(row.id)) wrongTenant++;
      assert.equal(wrongTenant, 0, 'rows in the wrong tenant');
      reliability('concurrency.two-tenants', {
        engine,
        clients: CLIENTS,
        requests,
        created: [...created.values()].reduce((n, s) => n + s.size, 0),
        deleted: [...deleted.values()].reduce((n, s) => n + s.size, 0),
        crossTenantProbes: probes,
        rowsChecked,
        wrongTenantRows: wrongTenant,
      });
    });

    it('identical concurrent creates: exactly one 201, the rest 409 uniqueness, one row, one event', async () => {
      const [t] = tenants as [SeededTenant];
      const width = sized(24, 64);
      const rounds = sized(3, 20);
      let requests = 0;
      for (let round = 0; round < rounds; round++) {
        // Identical bodies, then spellings that fold to the same userName (case, full-width, NFKC).
        const base = `dup${round}@example.com`;
        const variants = [base, base.toUpperCase(), base.replace('dup', 'ＤＵＰ'), base.replace('d', 'D')];
        for (const [kind, names] of [
          ['identical', Array.from({ length: width }, () => `${base}.same`)],
          ['folded', Array.from({ length: width }, (_, i) => variants[i % variants.length] as string)],
        ] as const) {
          const answers = await Promise.all(names.map((userName) => call(server.base, 'POST', '/scim/v2/Users', { token: t.token, body: { userName } })));
          requests += answers.length;
          const statuses = answers.map(statusOf);
          assert.equal(statuses.filter((s) => s === '201').length, 1, `${kind} round ${round}: ${statuses.join(',')}`);
          assert.equal(statuses.filter((s) => s === '409').length, width - 1, `${kind} round ${round}: ${statuses.join(',')}`);
          for (const a of answers) if (a.kind === 'response' && a.status === 409) assert.equal(a.body['scimType'], 'uniqueness');
          const winner = answers.find((a) => a.kind === 'response' && a.status === 201);
          const id = winner?.kind === 'response' ? String(winner.body['id']) : '';
          const fold = (names[0] as string).normalize('NFKC').toLowerCase();
          const rows = await sql.rows<{ id: string }>('select id from users where tenant_id = ? and user_name_fold = ?', [t.id, fold]);
          assert.deepEqual(
            rows.map((r) => r.id),
            [id],
          );
          const events = await sql.rows<{ data: unknown }>("select data from events where tenant_id = ? and type = 'user.created'", [t.id]);
          assert.equal(events.filter((e) => (typeof e.data === 'string' ? e.data : JSON.stringify(e.data)).includes(id)).length, 1);
        }
        const groupAnswers = await Promise.all(
          Array.from({ length: width }, () => call(server.base, 'POST', '/scim/v2/Groups', { token: t.token, body: { displayName: `Team ${round}` } })),
        );
        requests += groupAnswers.length;
        const groupStatuses = groupAnswers.map(statusOf);
        assert.equal(groupStatuses.filter((s) => s === '201').length, 1, groupStatuses.join(','));
        assert.equal(groupStatuses.filter((s) => s === '409').length, width - 1, groupStatuses.join(','));
        const groupRows = await sql.rows<{ n: number }>('select count(*) as n from groups where tenant_id = ? and display_name_fold = ?', [t.id, `team ${round}`]);
        assert.equal(Number(groupRows[0]?.n), 1);
      }
      reliability('concurrency.identical-creates', { engine, rounds: rounds * 3, concurrentPerRound: width, requests, duplicatesStored: 0 });
    });

    it('concurrent member PATCHes on one group: no member lost or duplicated, one event per change', async () => {
      const [, t] = tenants as [SeededTenant, SeededTenant];
      const people = sized(160, 800);
      const ids = await pool(
        Array.from({ length: people }, (_, i) => i),
        16,
        async (i) => {
          const r = await must(server.base, 'POST', '/scim/v2/Users', { token: t.token, body: { userName: `member${i}@south.example` } });
          assert.equal(r.status, 201);
          return String(r.body['id']);
        },
      );
      const g = await must(server.base, 'POST', '/scim/v2/Groups', { token: t.token, body: { displayName: 'Contended' } });
      const groupId = String(g.body['id']);
      const slice = Math.ceil(people / CLIENTS);
      const removed = new Set<string>();
      let requests = 0;
      const failures: string[] = [];
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, c) => {
          const own = ids.slice(c * slice, (c + 1) * slice);
          const neighbour = ids.slice(((c + 1) % CLIENTS) * slice, (((c + 1) % CLIENTS) + 1) * slice).filter((_, i) => i % 5 !== 0);
          for (let i = 0; i < own.length; i += 4) {
            const batch = own.slice(i, i + 4);
            // Adds of one's own members, re-adds of a neighbour's (which must not duplicate), removals of some own.
            const steps: [string, JsonObject][] = [['add', addMembers(batch)]];
            if (neighbour.length > 0) steps.push(['re-add', addMembers(neighbour.slice(i % neighbour.length, (i % neighbour.length) + 2))]);
            const leaving = batch.filter((id) => (ids.indexOf(id) % slice) % 5 === 0);
            if (leaving.length > 0) steps.push(['remove', removeMembers(leaving)]);
            for (const [what, body] of steps) {
              const r = await call(server.base, 'PATCH', `/scim/v2/Groups/${groupId}`, { token: t.token, body });
              requests++;
              if (r.kind !== 'response' || r.status !== 204) failures.push(`${what}: ${statusOf(r)}`);
              else if (what === 'remove') for (const id of leaving) removed.add(id);
            }
          }
        }),
      );
      assert.deepEqual(failures, []);
      const expected = ids.filter((id) => !removed.has(id)).sort();
      const rows = await sql.rows<{ member_id: string }>('select member_id from group_members where tenant_id = ? and group_id = ?', [t.id, groupId]);
      const stored = rows.map((r) => r.member_id).sort();
      assert.equal(new Set(stored).size, stored.length, 'no member stored twice');
      assert.deepEqual(stored, expected, 'every member added and not removed is there, and only those');
      const listed = await must(server.base, 'GET', `/scim/v2/Groups/${groupId}`, { token: t.token });
      const members = (listed.body['members'] as JsonObject[] | undefined) ?? [];
      assert.deepEqual(members.map((m) => String(m['value'])).sort(), expected, 'the API shows the same members');
      // Replaying the events gives the same membership; each change bumped the version once.
      const events = await sql.rows<{ type: string; data: unknown }>(
        "select type, data from events where tenant_id = ? and type in ('group.members_added', 'group.members_removed') order by seq",
        [t.id],
      );
      const replay = new Set<string>();
      let changes = 0;
      for (const e of events) {
        const data = (typeof e.data === 'string' ? JSON.parse(e.data) : e.data) as { group: { id: string }; members: string[] };
        if (data.group.id !== groupId) continue;
        changes++;
        for (const id of data.members) {
          if (e.type === 'group.members_added') {
            assert.ok(!replay.has(id), `member ${id} announced as added twice without a removal`);
            replay.add(id);
          } else {
            assert.ok(replay.delete(id), `member ${id} announced as removed while not a member`);
          }
        }
      }
      assert.deepEqual([...replay].sort(), expected, 'the events replay to the stored membership');
      const version = await sql.rows<{ version: number }>('select version from groups where tenant_id = ? and id = ?', [t.id, groupId]);
      assert.equal(Number(version[0]?.version), 1 + changes, 'one version per change that changed something');
      reliability('concurrency.member-patches', { engine, clients: CLIENTS, patches: requests, members: people, removed: removed.size, lost: 0, duplicated: 0 });
    });

    it('concurrent writes with If-Match on the same version: exactly one wins, the rest 412', async () => {
      const [t] = tenants as [SeededTenant];
      const rounds = sized(4, 25);
      let requests = 0;
      for (let round = 0; round < rounds; round++) {
        const user = await must(server.base, 'POST', '/scim/v2/Users', { token: t.token, body: { userName: `contended${round}@example.com` } });
        const userId = String(user.body['id']);
        const etag = user.headers.get('etag') ?? '';
        assert.equal(etag, 'W/"1"');
        const writes = Array.from({ length: CLIENTS }, (_, c) =>
          c % 2 === 0
            ? call(server.base, 'PATCH', `/scim/v2/Users/${userId}`, {
                token: t.token,
                headers: { 'if-match': etag },
                body: patchBody([{ op: 'replace', path: 'displayName', value: `writer ${c}` }]),
              })
            : call(server.base, 'PUT', `/scim/v2/Users/${userId}`, {
                token: t.token,
                headers: { 'if-match': etag },
                body: { userName: `contended${round}@example.com`, displayName: `writer ${c}` },
              }),
        );
        const answers = await Promise.all(writes);
        requests += answers.length;
        const statuses = answers.map(statusOf);
        assert.equal(statuses.filter((s) => s === '200').length, 1, statuses.join(','));
        assert.equal(statuses.filter((s) => s === '412').length, CLIENTS - 1, statuses.join(','));
        const winner = answers.findIndex((a) => a.kind === 'response' && a.status === 200);
        const stored = await sql.rows<{ version: number; data: unknown }>('select version, data from users where tenant_id = ? and id = ?', [t.id, userId]);
        assert.equal(Number(stored[0]?.version), 2);
        const doc = (typeof stored[0]?.data === 'string' ? JSON.parse(stored[0].data) : stored[0]?.data) as { displayName?: string };
        assert.equal(doc.displayName, `writer ${winner}`, 'the stored document is the winner’s');

        const group = await must(server.base, 'POST', '/scim/v2/Groups', { token: t.token, body: { displayName: `If-Match ${round}` } });
        const groupId = String(group.body['id']);
        const groupAnswers = await Promise.all(
          Array.from({ length: CLIENTS }, (_, c) =>
            call(server.base, 'PATCH', `/scim/v2/Groups/${groupId}`, {
              token: t.token,
              headers: { 'if-match': group.headers.get('etag') ?? '' },
              body: patchBody([{ op: 'replace', path: 'displayName', value: `If-Match ${round} by ${c}` }]),
            }),
          ),
        );
        requests += groupAnswers.length;
        const groupStatuses = groupAnswers.map(statusOf);
        assert.equal(groupStatuses.filter((s) => s === '204').length, 1, groupStatuses.join(','));
        assert.equal(groupStatuses.filter((s) => s === '412').length, CLIENTS - 1, groupStatuses.join(','));

        // A delete racing writes on the same version: one wins; the others are refused (412, or 404 once it is gone).
        const doomed = await must(server.base, 'POST', '/scim/v2/Users', { token: t.token, body: { userName: `doomed${round}@example.com` } });
        const doomedId = String(doomed.body['id']);
        const race = await Promise.all(
          Array.from({ length: CLIENTS }, (_, c) =>
            c === 0
              ? call(server.base, 'DELETE', `/scim/v2/Users/${doomedId}`, { token: t.token, headers: { 'if-match': 'W/"1"' } })
              : call(server.base, 'PATCH', `/scim/v2/Users/${doomedId}`, {
                  token: t.token,
                  headers: { 'if-match': 'W/"1"' },
                  body: patchBody([{ op: 'replace', path: 'title', value: `t${c}` }]),
                }),
          ),
        );
        requests += race.length;
        const raceStatuses = race.map(statusOf);
        const wins = raceStatuses.filter((s) => s === '200' || s === '204').length;
        assert.equal(wins, 1, raceStatuses.join(','));
        assert.ok(
          raceStatuses.every((s) => ['200', '204', '412', '404'].includes(s)),
          raceStatuses.join(','),
        );
        const deleteWon = raceStatuses[0] === '204';
        if (!deleteWon)
          assert.ok(
            raceStatuses.slice(1).every((s) => s !== '404'),
            'while it exists, losers get 412',
          );
      }
      reliability('concurrency.if-match', { engine, rounds, concurrentWriters: CLIENTS, requests, doubleWins: 0 });
    });
  });
}
