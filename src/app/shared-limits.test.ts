import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAdmin } from '../provisioning/admins/manage-admins.js';
import { issueCredential } from '../provisioning/credentials/manage-credentials.js';
import { uuidv7 } from '../provisioning/runtime.js';
import { createTenant } from '../provisioning/tenants/manage-tenants.js';
import { openStore } from '../storage/open-store.js';
import type { Store } from '../storage/store.js';
import { startChildServer, type ChildServer } from '../testing/child-server.js';
import { createTestDatabase, testEngines, type TestDatabase } from '../testing/databases.js';
import { localRequest } from '../testing/local-request.js';

/** Tallies statuses: { 401: 4, 429: 36 }. */
function tally(statuses: readonly number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

// Every limit below is far from refilling while a test runs (windows of 60 s to 1,000 s: a sliding
// window lets one more through only once a whole share of it has passed), and every test sends its
// requests at once, half to each process: counted per process, each would allow its own full
// limit, so the totals would be twice what is asserted.
for (const { engine, skip } of testEngines().filter((e) => e.engine === 'postgres')) {
  describe(`rate limits and the sign-in throttle shared by two processes on one ${engine}`, { skip }, () => {
    let database: TestDatabase;
    let nodes: ChildServer[] = [];
    let store: Store;
    let token: string;

    before(async () => {
      database = await createTestDatabase('postgres');
      const env = {
        DATABASE_URL: database.url,
        PUBLIC_URL: 'http://roster.test',
        // 20 failed authentications per address per 1,000 s.
        AUTH_FAILURES_PER_IP: '0.02',
        // One request per credential per 100 s.
        RATE_LIMIT_PER_CREDENTIAL: '0.01',
        SIGN_IN_ATTEMPTS_PER_ADDRESS: '10',
      };
      nodes = await Promise.all([startChildServer(env, 'node A'), startChildServer(env, 'node B')]);
      store = await openStore({ databaseUrl: database.url, poolSize: 2 });
      const rt = { store, now: Date.now, newId: () => uuidv7() };
      const tenant = await createTenant(rt, { slug: 'acme' });
      token = (await issueCredential(rt, tenant.id, 'bearer', 'IdP')).secret;
      await createAdmin(rt, { email: 'ops@example.com', password: 'correct horse battery' });
    });
    after(async () => {
      const codes = await Promise.all(nodes.map((node) => node.stop()));
      await store?.close();
      await database?.dispose();
      assert.deepEqual(codes, [0, 0], 'both processes shut down cleanly on SIGTERM');
    });

    /** `count` requests at once, alternating between the two nodes. */
    const atOnce = (count: number, send: (base: string, i: number) => Promise<{ status: number }>) =>
      Promise.all(Array.from({ length: count }, (_, i) => send(nodes[i % 2]!.base, i).then((r) => r.status)));

    it('a credential gets its limit once across both nodes', async () => {
      const statuses = await atOnce(12, (base) => localRequest(`${base}/scim/v2/Users`, { headers: { authorization: `Bearer ${token}` } }));
      assert.deepEqual(tally(statuses), { 200: 1, 429: 11 });
    });

    it('failed authentications from one address are counted once across both nodes', async () => {
      const statuses = await atOnce(30, (base) => localRequest(`${base}/scim/v2/Users`, { from: '127.0.0.2', headers: { authorization: 'Bearer not-a-credential' } }));
      assert.deepEqual(tally(statuses), { 401: 20, 429: 10 });
    });

    it('40 sign-ins for one email at once are cut off as sequential ones are, before any password is hashed', async () => {
      const signIn = (base: string, password: string, from: string) =>
        localRequest(`${base}/admin/api/v1/session`, {
          method: 'POST',
          from,
          body: { email: 'ops@example.com', password },
          headers: { 'content-type': 'application/json' },
        });
      // One address sends all forty: ten pass its per-address limit (the rest are 429 at once),
      // and those ten race for the run of failures of this email and address.
      const statuses = await atOnce(40, (base) => signIn(base, 'wrong password', '127.0.0.3'));
      // Three failures are free and the fourth is evaluated (locking the pair for 1 s); every
      // attempt that reserved a later place while those were hashing is refused without hashing.
      // As with attempts sent one after another, one more is evaluated only if it arrives after
      // the lock ran out (1 s, then 2 s more): on a machine that slow, five or six; never ten.
      const counts = tally(statuses);
      assert.ok((counts[401] ?? 0) >= 4 && (counts[401] ?? 0) <= 6, `evaluated: ${JSON.stringify(counts)}`);
      assert.equal((counts[401] ?? 0) + (counts[429] ?? 0), 40);
      const elsewhere = await signIn(nodes[1]!.base, 'correct horse battery', '127.0.0.4');
      assert.equal(elsewhere.status, 200, 'the admin, from their own address, is not locked out');
    });

    it('one address may try only so many sign-ins a minute, across emails and nodes', async () => {
      const statuses = await atOnce(16, (base, i) =>
        localRequest(`${base}/admin/api/v1/session`, {
          method: 'POST',
          from: '127.0.0.5',
          body: { email: `guess${i}@example.com`, password: 'wrong password' },
          headers: { 'content-type': 'application/json' },
        }),
      );
      assert.deepEqual(tally(statuses), { 401: 10, 429: 6 });
    });
  });
}
