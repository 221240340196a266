import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAdmin } from '../provisioning/admins/manage-admins.js';
import { createTestServer, type TestServer } from '../testing/test-server.js';
import { testEngines } from '../testing/databases.js';

const API = '/admin/api/v1/session';

for (const { engine, skip } of testEngines()) {
  describe(`console sign-in throttling on ${engine}`, { skip }, () => {
    let t: TestServer;
    before(async () => {
      t = await createTestServer(engine, { SIGN_IN_ATTEMPTS_PER_ADDRESS: '12' });
      await createAdmin(t.server.rt, { email: 'ops@example.com', password: 'correct horse battery' });
    });
    after(async () => t?.close());

    const signIn = (email: string, password: string, remoteAddress: string) =>
      t.server.app.inject({ method: 'POST', url: API, payload: { email, password }, remoteAddress }).then((r) => r.statusCode);

    it('reserves each attempt before hashing: ten at once for one email, four are evaluated', async () => {
      const statuses = await Promise.all(Array.from({ length: 10 }, () => signIn('ops@example.com', 'wrong password', '10.0.0.1')));
      assert.equal(statuses.filter((s) => s === 401).length, 4, `three free failures and the one that locks: ${statuses.join(' ')}`);
      assert.equal(statuses.filter((s) => s === 429).length, 6);
      assert.equal(await signIn('ops@example.com', 'correct horse battery', '10.0.0.2'), 200, 'another address is not locked out');
    });

    it('limits the attempts of one address across emails', async () => {
      // At once: the limit refills (12 a minute), and hashing fourteen passwords one after another
      // on a busy machine can take long enough for that to show.
      const statuses = await Promise.all(Array.from({ length: 14 }, (_, i) => signIn(`guess${i}@example.com`, 'wrong password', '10.0.0.3')));
      assert.equal(statuses.filter((s) => s === 401).length, 12);
      assert.equal(statuses.filter((s) => s === 429).length, 2);
    });
  });
}
