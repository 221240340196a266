/**
 * Issue 7 item 2: crashes. `kill -9` of a `roster serve` child in the middle of creates, email
 * rewrites and member PATCHes, then a restart on the same database; and SIGTERM under load. On
 * SQLite (a file, WAL) and PostgreSQL. Checked with SQL on the database itself.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type ChildServer } from './support/child.js';
import {
  fixtureDatabase,
  inspect,
  reliability,
  seedTenants,
  seeded,
  sized,
  sleep,
  testEngines,
  type FixtureDatabase,
  type Inspector,
  type SeededTenant,
} from './support/harness.js';
import { BULK_REQUEST, addMembers, call, must, patchBody, type Outcome } from './support/http.js';

type Json = Record<string, unknown>;
const parse = (data: unknown): Json => (typeof data === 'string' ? (JSON.parse(data) as Json) : (data as Json));

/** What the clients were told, and what they tried without being told. */
interface Ledger {
  /** id → the email lists the person may have now: the last acknowledged one first, then later unacknowledged attempts. */
  readonly users: Map<string, string[][]>;
  /** Acknowledged memberships (group id, user id). */
  readonly members: { groupId: string; userId: string }[];
  requests: number;
  acknowledged: number;
}

/**
 * Workers creating people (two emails each), rewriting their emails, and adding them to groups,
 * until `stop()` or until the server stops answering. Answers when every worker has stopped.
 */
function runLoad(base: string, token: string, groupIds: readonly string[], ledger: Ledger, workers: number, tag: string) {
  let stopping = false;
  const fates: Record<string, number> = {};
  const note = (o: Outcome) => {
    ledger.requests++;
    const key = o.kind === 'response' ? String(o.status) : o.kind === 'refused' ? `refused:${o.code}` : o.kind;
    fates[key] = (fates[key] ?? 0) + 1;
    return o;
  };
  const done = Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      const random = seeded(w + tag.length * 100);
      for (let i = 0; !stopping; i++) {
        const userName = `${tag}-w${w}-${i}@crash.example`;
        const emails: [string, string] = [`${tag}.${w}.${i}@work.example`, `${tag}.${w}.${i}@home.example`];
        const created = note(
          await call(base, 'POST', '/scim/v2/Users', {
            token,
            timeoutMs: 15_000,
            body: {
              userName,
              emails: [
                { value: emails[0], type: 'work', primary: true },
                { value: emails[1], type: 'home' },
              ],
            },
          }),
        );
        // Refused (connection gone, or 503 while shutting down): this worker's run is over.
        if (created.kind !== 'response' || created.status === 503) return;
        if (created.status !== 201) throw new Error(`create answered ${created.status}: ${created.text}`);
        const id = String(created.body['id']);
        ledger.users.set(id, [emails]);
        ledger.acknowledged++;
        if (random() < 0.4) {
          const next = [`${tag}.${w}.${i}.v2@work.example`, `${tag}.${w}.${i}.v2@other.example`, `${tag}.${w}.${i}.v2@third.example`];
          ledger.users.get(id)?.push(next);
          const rewritten = note(
            await call(base, 'PATCH', `/scim/v2/Users/${id}`, {
              token,
              timeoutMs: 15_000,
              body: patchBody([{ op: 'replace', path: 'emails', value: next.map((value, k) => ({ value, type: 'work', primary: k === 0 })) }]),
            }),
          );
          if (rewritten.kind !== 'response' || rewritten.status === 503) return;
          if (rewritten.status !== 200) throw new Error(`email rewrite answered ${rewritten.status}: ${rewritten.text}`);
          ledger.users.set(id, [next]);
          ledger.acknowledged++;
        }
        const groupId = groupIds[Math.floor(random() * groupIds.length)] as string;
        const added = note(await call(base, 'PATCH', `/scim/v2/Groups/${groupId}`, { token, timeoutMs: 15_000, body: addMembers([id]) }));
        if (added.kind !== 'response' || added.status === 503) return;
        if (added.status !== 204) throw new Error(`member add answered ${added.status}: ${added.text}`);
        ledger.members.push({ groupId, userId: id });
        ledger.acknowledged++;
      }
    }),
  );
  return {
    done,
    fates,
    stop() {
      stopping = true;
    },
  };
}

/** Every acknowledged write and its events are stored; nothing is half-written. Answers rows checked. */
async function checkIntegrity(sql: Inspector, tenant: SeededTenant, ledger: Ledger, groupIds: readonly string[]): Promise<number> {
  let checked = 0;
  const users = await sql.rows<{ id: string; data: unknown; version: number }>('select id, data, version from users where tenant_id = ?', [tenant.id]);
  const emailRows = await sql.rows<{ user_id: string; position: number; value: string }>(
    'select user_id, position, value from user_emails where tenant_id = ? order by user_id, position',
    [tenant.id],
  );
  const emailsOf = new Map<string, string[]>();
  for (const row of emailRows) emailsOf.set(row.user_id, [...(emailsOf.get(row.user_id) ?? []), row.value]);
  const events = await sql.rows<{ seq: number; type: string; data: unknown }>('select seq, type, data from events where tenant_id = ? order by seq', [tenant.id]);
  for (const [i, e] of events.entries()) assert.equal(Number(e.seq), i + 1, 'event numbers have no gap');
  const createdEvents = new Map<string, number>();
  const memberEvents = new Map<string, Set<string>>();
  const memberEventCount = new Map<string, number>();
  for (const e of events) {
    const data = parse(e.data);
    if (e.type === 'user.created') {
      const id = String((data['user'] as Json)['id']);
      createdEvents.set(id, (createdEvents.get(id) ?? 0) + 1);
    }
    if (e.type === 'group.members_added') {
      const groupId = String((data['group'] as Json)['id']);
      const set = memberEvents.get(groupId) ?? new Set<string>();
      for (const m of data['members'] as string[]) set.add(m);
      memberEvents.set(groupId, set);
      memberEventCount.set(groupId, (memberEventCount.get(groupId) ?? 0) + 1);
    }
  }
  const stored = new Map(users.map((u) => [u.id, u]));
  // Every acknowledged person is there, with one of the email lists they may have.
  for (const [id, allowed] of ledger.users) {
    const user = stored.get(id);
    assert.ok(user, `acknowledged person ${id} is stored`);
    const emails = emailsOf.get(id) ?? [];
    assert.ok(
      allowed.some((a) => JSON.stringify(a) === JSON.stringify(emails)),
      `person ${id} has acknowledged emails: ${emails.join(',')}`,
    );
    checked++;
  }
  // No person is half-written, acknowledged or not: email rows match the document; one created event each.
  for (const user of users) {
    const doc = parse(user.data);
    const documented = ((doc['emails'] as Json[] | undefined) ?? []).map((e) => String(e['value']));
    assert.deepEqual(emailsOf.get(user.id) ?? [], documented, `person ${user.id}: email rows match the document`);
    assert.equal(createdEvents.get(user.id), 1, `person ${user.id}: exactly one user.created event`);
    checked++;
  }
  for (const id of createdEvents.keys()) assert.ok(stored.has(id), `event user.created ${id} has its person`);
  // Every acknowledged membership is stored and announced; a group's version moved once per change.
  const memberRows = await sql.rows<{ group_id: string; member_id: string }>('select group_id, member_id from group_members where tenant_id = ?', [tenant.id]);
  const membersOf = new Map<string, Set<string>>();
  for (const row of memberRows) membersOf.set(row.group_id, (membersOf.get(row.group_id) ?? new Set()).add(row.member_id));
  for (const { groupId, userId } of ledger.members) {
    assert.ok(membersOf.get(groupId)?.has(userId), `acknowledged member ${userId} of ${groupId} is stored`);
    assert.ok(memberEvents.get(groupId)?.has(userId), `acknowledged member ${userId} of ${groupId} was announced`);
    checked++;
  }
  const groups = await sql.rows<{ id: string; version: number }>('select id, version from groups where tenant_id = ?', [tenant.id]);
  for (const g of groups) {
    if (!groupIds.includes(g.id)) continue;
    assert.equal(Number(g.version) - 1, memberEventCount.get(g.id) ?? 0, `group ${g.id}: one version per announced change`);
    assert.deepEqual([...(membersOf.get(g.id) ?? [])].sort(), [...(memberEvents.get(g.id) ?? [])].sort(), `group ${g.id}: members match their events`);
    checked++;
  }
  return checked;
}

for (const { engine, skip } of testEngines()) {
  describe(`crashes on ${engine}`, { skip }, () => {
    let db: FixtureDatabase;
    let tenant: SeededTenant;
    let sql: Inspector;
    const servers: ChildServer[] = [];

    before(async () => {
      db = await fixtureDatabase(engine);
      [tenant] = (await seedTenants(db.url, ['crash'])) as [SeededTenant];
      sql = await inspect(engine, db.url);
    });
    after(async () => {
      await sql?.close();
      for (const s of servers) await s.destroy();
      await db?.dispose();
    });

    it('kill -9 in the middle of creates and member PATCHes: after restart every acknowledged write and its events are there, nothing half-written', async () => {
      const cycles = sized(2, 4);
      const perCycle = sized(700, 2500);
      let server = await startServer(db.url, { DB_POOL_SIZE: '8' });
      servers.push(server);
      const groupIds: string[] = [];
      for (let g = 0; g < 4; g++) {
        const r = await must(server.base, 'POST', '/scim/v2/Groups', { token: tenant.token, body: { displayName: `Crash group ${g}` } });
        groupIds.push(String(r.body['id']));
      }
      const ledger: Ledger = { users: new Map(), members: [], requests: 0, acknowledged: 0 };
      let kills = 0;
      let checked = 0;
      const fates: Record<string, number> = {};
      for (let cycle = 0; cycle < cycles; cycle++) {
        const load = runLoad(server.base, tenant.token, groupIds, ledger, 12, `k${cycle}`);
        const target = ledger.acknowledged + perCycle;
        const deadline = Date.now() + sized(20_000, 90_000);
        while (ledger.acknowledged < target && Date.now() < deadline) await sleep(20);
        // Mid-flight: twelve clients have requests open at this moment.
        server.kill('SIGKILL');
        kills++;
        const exit = await server.exited;
        assert.equal(exit.signal, 'SIGKILL');
        await load.done;
        for (const [k, v] of Object.entries(load.fates)) fates[k] = (fates[k] ?? 0) + v;
        server = await startServer(db.url, { DB_POOL_SIZE: '8' });
        servers.push(server);
        checked += await checkIntegrity(sql, tenant, ledger, groupIds);
        // The restarted server answers, and the people it reports are the stored ones.
        const sample = [...ledger.users.keys()].slice(-20);
        for (const id of sample) assert.equal((await must(server.base, 'GET', `/scim/v2/Users/${id}`, { token: tenant.token })).status, 200);
      }
      assert.equal(fates['hang'] ?? 0, 0, 'no request hung');
      assert.equal(fates['truncated'] ?? 0, 0, 'no response was cut off mid-body');
      server.kill('SIGTERM');
      assert.equal((await server.exited).code, 0);
      reliability('crash.kill-9', {
        engine,
        kills,
        requests: ledger.requests,
        acknowledgedWrites: ledger.acknowledged,
        people: ledger.users.size,
        memberships: ledger.members.length,
        interruptedRequests: Object.entries(fates)
          .filter(([k]) => k.startsWith('refused'))
          .reduce((n, [, v]) => n + v, 0),
        rowsChecked: checked,
        lost: 0,
        halfWritten: 0,
      });
    });

    it('SIGTERM under load: in-flight requests complete, new ones are refused cleanly, nothing acknowledged is lost', async () => {
      const server = await startServer(db.url, { DB_POOL_SIZE: '8', SHUTDOWN_GRACE_MS: '30000' });
      servers.push(server);
      const g = await must(server.base, 'POST', '/scim/v2/Groups', { token: tenant.token, body: { displayName: 'Shutdown group' } });
      const groupIds = [String(g.body['id'])];
      const ledger: Ledger = { users: new Map(), members: [], requests: 0, acknowledged: 0 };
      const load = runLoad(server.base, tenant.token, groupIds, ledger, 8, 'term');
      while (ledger.acknowledged < sized(150, 1500)) await sleep(10);
      // A long Bulk: the request that is certainly in flight when SIGTERM arrives.
      const bulkSize = sized(300, 1000);
      const bulk = call(server.base, 'POST', '/scim/v2/Bulk', {
        token: tenant.token,
        timeoutMs: 60_000,
        body: {
          schemas: [BULK_REQUEST],
          Operations: Array.from({ length: bulkSize }, (_, i) => ({ method: 'POST', path: '/Users', bulkId: `b${i}`, data: { userName: `bulk-${i}@crash.example` } })),
        },
      });
      // SIGTERM once the Bulk is being processed (some of its people are committed, not all).
      const deadline = Date.now() + 30_000;
      for (;;) {
        const [row] = await sql.rows<{ n: number }>("select count(*) as n from users where tenant_id = ? and user_name like 'bulk-%'", [tenant.id]);
        if (Number(row?.n) > 0 || Date.now() > deadline) break;
        await sleep(5);
      }
      const [before] = await sql.rows<{ n: number }>("select count(*) as n from users where tenant_id = ? and user_name like 'bulk-%'", [tenant.id]);
      assert.ok(Number(before?.n) > 0 && Number(before?.n) < bulkSize, `the Bulk is in flight (${Number(before?.n)} of ${bulkSize} done)`);
      const signalled = Date.now();
      server.kill('SIGTERM');
      const bulkOutcome = await bulk;
      // New requests after the signal: refused (connection refused, or 503 on a kept-alive connection).
      const late: Outcome[] = [];
      const exit = server.exited;
      let exited = false;
      void exit.then(() => {
        exited = true;
      });
      while (!exited && late.length < 200) {
        late.push(await call(server.base, 'GET', '/scim/v2/Users?count=1', { token: tenant.token, timeoutMs: 10_000 }));
        await sleep(10);
      }
      late.push(await call(server.base, 'GET', '/scim/v2/Users?count=1', { token: tenant.token, timeoutMs: 10_000 }));
      const { code } = await exit;
      const shutdownMs = Date.now() - signalled;
      load.stop();
      await load.done;

      assert.equal(bulkOutcome.kind, 'response', `the in-flight Bulk got an answer (${bulkOutcome.kind})`);
      if (bulkOutcome.kind === 'response') {
        assert.equal(bulkOutcome.status, 200);
        const ops = bulkOutcome.body['Operations'] as { status: string }[];
        assert.equal(ops.length, bulkSize);
        assert.ok(
          ops.every((o) => o.status === '201'),
          'every operation of the in-flight Bulk completed',
        );
      }
      assert.equal(code, 0, 'the server exited cleanly');
      const fates = { ...load.fates };
      for (const o of late) {
        const key = o.kind === 'response' ? String(o.status) : o.kind === 'refused' ? `refused:${o.code}` : o.kind;
        fates[key] = (fates[key] ?? 0) + 1;
      }
      assert.equal(fates['hang'] ?? 0, 0, 'no request hung');
      assert.equal(fates['truncated'] ?? 0, 0, 'no half response');
      for (const key of Object.keys(fates)) assert.match(key, /^(200|201|204|503|refused:(ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET|EPIPE))$/, `fate ${key}`);
      // A request the server read before it handled the signal may still be served in full; once it
      // refuses one, it refuses every later one, and it refuses at least one before it exits.
      const firstRefusal = late.findIndex((o) => o.kind === 'refused' || (o.kind === 'response' && o.status === 503));
      const described = late.map((o) => (o.kind === 'response' ? `${o.status} ${o.ms}ms` : `${o.kind} ${o.ms}ms`)).join(', ');
      assert.ok(firstRefusal >= 0, `new requests are refused before the server exits: ${described}`);
      assert.ok(
        late.slice(firstRefusal).every((o) => o.kind === 'refused' || (o.kind === 'response' && o.status === 503)),
        `once refusing, always refusing: ${described}`,
      );
      assert.ok(
        late.slice(0, firstRefusal).every((o) => o.kind === 'response' && o.status === 200),
        `before that, complete answers: ${described}`,
      );
      for (const o of late) if (o.kind === 'response') assert.ok(o.headers.get('content-type')?.includes('json') || o.text === '' || o.status === 503);
      const [stored] = await sql.rows<{ n: number }>("select count(*) as n from users where tenant_id = ? and user_name like 'bulk-%'", [tenant.id]);
      assert.equal(Number(stored?.n), bulkSize, 'the Bulk’s people are all stored');
      const checked = await checkIntegrity(sql, tenant, ledger, groupIds);
      reliability('crash.sigterm', {
        engine,
        requests: ledger.requests + late.length + 1,
        inFlightBulkOperations: bulkSize,
        completedAfterSignal: bulkSize - Number(before?.n),
        servedAfterSignal: firstRefusal,
        refusedAfterSignal: late.length - firstRefusal,
        shutdownMs,
        rowsChecked: checked,
        hangs: 0,
        halfResponses: 0,
        lost: 0,
      });
    });
  });
}
