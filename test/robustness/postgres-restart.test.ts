/**
 * Issue 7 item 2: PostgreSQL stopped and started under load — requests fail fast with a SCIM 503
 * and Retry-After, recover by themselves once the database is back, and nothing acknowledged is
 * lost. Runs against a PRIVATE cluster this test starts in a temporary directory on a free port;
 * the shared server on 5432 is never stopped.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type ChildServer } from './support/child.js';
import { inspect, reliability, seedTenants, sized, sleep, type Inspector, type SeededTenant } from './support/harness.js';
import { addMembers, call, must, type Outcome } from './support/http.js';
import { privatePostgresUnavailable, startPrivatePostgres, type PrivatePostgres } from './support/private-postgres.js';

type Json = Record<string, unknown>;
const parse = (data: unknown): Json => (typeof data === 'string' ? (JSON.parse(data) as Json) : (data as Json));

const unavailable = privatePostgresUnavailable();
if (unavailable) console.log(`reliability: postgres-restart SKIPPED: ${unavailable}`);

describe('PostgreSQL restarted under load (private cluster)', { skip: unavailable ?? false }, () => {
  let cluster: PrivatePostgres;
  let server: ChildServer;
  let tenant: SeededTenant;
  let sql: Inspector;

  before(async () => {
    cluster = await startPrivatePostgres();
    [tenant] = (await seedTenants(cluster.url, ['restart'])) as [SeededTenant];
    server = await startServer(cluster.url, { DB_POOL_SIZE: '4' });
  });
  after(async () => {
    await sql?.close().catch(() => {});
    await server?.destroy();
    cluster?.destroy();
  });

  it('fails fast with 503 + Retry-After while the database is down, recovers by itself, loses nothing acknowledged', async () => {
    const group = await must(server.base, 'POST', '/scim/v2/Groups', { token: tenant.token, body: { displayName: 'Restart group' } });
    const groupId = String(group.body['id']);
    const acknowledgedUsers = new Set<string>();
    const acknowledgedMembers = new Set<string>();
    const fates: Record<string, number> = {};
    let phase: 'up' | 'down' | 'recovering' = 'up';
    let requests = 0;
    let slowestWhileDown = 0;
    const badWhileDown: string[] = [];
    const unexpected: string[] = [];
    let stopping = false;
    const note = (o: Outcome, what: string) => {
      requests++;
      const key = `${phase}:${o.kind === 'response' ? o.status : o.kind}`;
      fates[key] = (fates[key] ?? 0) + 1;
      if (o.kind !== 'response') {
        unexpected.push(`${what}: ${o.kind} during ${phase}`);
        return;
      }
      if (o.status === 503) {
        if (o.headers.get('retry-after') === null || o.body['status'] !== '503' || !JSON.stringify(o.body['schemas']).includes('Error')) {
          badWhileDown.push(`${what}: 503 without Retry-After or SCIM error body: ${o.text}`);
        }
        if (phase === 'down') slowestWhileDown = Math.max(slowestWhileDown, o.ms);
      } else if (o.status >= 500) {
        unexpected.push(`${what}: ${o.status} during ${phase}: ${o.text.slice(0, 300)}`);
      }
    };
    const workers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; !stopping; i++) {
        const created = await call(server.base, 'POST', '/scim/v2/Users', {
          token: tenant.token,
          timeoutMs: 20_000,
          body: { userName: `w${w}-${i}@restart.example`, emails: [{ value: `w${w}-${i}@restart.example`, type: 'work' }] },
        });
        note(created, 'create');
        if (created.kind === 'response' && created.status === 201) {
          const id = String(created.body['id']);
          acknowledgedUsers.add(id);
          const added = await call(server.base, 'PATCH', `/scim/v2/Groups/${groupId}`, { token: tenant.token, timeoutMs: 20_000, body: addMembers([id]) });
          note(added, 'member');
          if (added.kind === 'response' && added.status === 204) acknowledgedMembers.add(id);
        } else {
          await sleep(20);
        }
      }
    });

    const outages = sized(2, 4);
    const downMs = sized(2500, 6000);
    const recoveries: number[] = [];
    try {
      for (let outage = 0; outage < outages; outage++) {
        const before = acknowledgedUsers.size;
        while (acknowledgedUsers.size < before + sized(150, 800)) await sleep(10);
        // Alternately a clean stop and a crash of PostgreSQL (recovery from WAL on the next start).
        phase = 'down';
        cluster.stop(outage % 2 === 0 ? 'fast' : 'immediate');
        await sleep(downMs);
        const readiness = await call(server.base, 'GET', '/readyz');
        assert.ok(
          readiness.kind === 'response' && readiness.status === 503,
          `readiness says the database is away: ${readiness.kind === 'response' ? `${readiness.status} ${readiness.text}` : readiness.kind}`,
        );
        cluster.start();
        phase = 'recovering';
        const restarted = Date.now();
        const acknowledgedAtRestart = acknowledgedUsers.size;
        while (acknowledgedUsers.size === acknowledgedAtRestart) {
          assert.ok(Date.now() - restarted < 30_000, 'Roster serves again within 30 s of the database coming back, without a restart');
          await sleep(10);
        }
        recoveries.push(Date.now() - restarted);
        phase = 'up';
      }
      stopping = true;
      await Promise.all(workers);
    } finally {
      stopping = true;
    }

    assert.deepEqual(unexpected, [], 'no 5xx other than 503, no hang, no dropped connection');
    assert.deepEqual(badWhileDown, [], 'every 503 is a SCIM error with Retry-After');
    assert.ok((fates['down:503'] ?? 0) > 0, 'requests were refused while the database was down');
    assert.ok(slowestWhileDown < 6000, `503s come fast (slowest ${slowestWhileDown} ms)`);

    sql = await inspect('postgres', cluster.url);
    const users = new Set((await sql.rows<{ id: string }>('select id from users where tenant_id = ?', [tenant.id])).map((r) => r.id));
    for (const id of acknowledgedUsers) assert.ok(users.has(id), `acknowledged person ${id} is stored`);
    const members = new Set(
      (await sql.rows<{ member_id: string }>('select member_id from group_members where tenant_id = ? and group_id = ?', [tenant.id, groupId])).map((r) => r.member_id),
    );
    for (const id of acknowledgedMembers) assert.ok(members.has(id), `acknowledged member ${id} is stored`);
    const created = new Set<string>();
    const announced = new Set<string>();
    for (const e of await sql.rows<{ type: string; data: unknown }>('select type, data from events where tenant_id = ? order by seq', [tenant.id])) {
      const data = parse(e.data);
      if (e.type === 'user.created') created.add(String((data['user'] as Json)['id']));
      if (e.type === 'group.members_added') for (const m of data['members'] as string[]) announced.add(m);
    }
    for (const id of acknowledgedUsers) assert.ok(created.has(id), `acknowledged person ${id} has its event`);
    for (const id of acknowledgedMembers) assert.ok(announced.has(id), `acknowledged member ${id} has its event`);
    assert.deepEqual(
      [...users].filter((id) => !created.has(id)),
      [],
      'no person without its event',
    );

    reliability('postgres-restart', {
      outages,
      downMsEach: downMs,
      requests,
      refusedWith503WhileDown: fates['down:503'] ?? 0,
      slowest503Ms: slowestWhileDown,
      recoveryMs: recoveries.join('/'),
      acknowledgedPeople: acknowledgedUsers.size,
      acknowledgedMembers: acknowledgedMembers.size,
      lost: 0,
    });
  });
});
