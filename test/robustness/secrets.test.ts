/**
 * Issue 7 item 4: secrets. A full sequence — tokens minted and rotated, a key/secret pair, SCIM
 * requests good and bad (wrong, truncated, revoked, other tenant's, wrong scheme), passwords sent by
 * the IdP, throttled failures and rate-limited credentials — with every log line captured; then every
 * log line, every HTTP response body and header, every outbox event, the provisioning log and every
 * other row of the database are scanned for the secrets. None may appear. Credentials are stored only
 * as hashes. Every response carries the security headers. On SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createServer, type RosterServer } from '../../src/app/create-server.js';
import { loadConfig } from '../../src/config/config.js';
import { issueCredential, revokeCredential } from '../../src/provisioning/credentials/manage-credentials.js';
import { hashSecret } from '../../src/provisioning/credentials/secrets.js';
import { createTenant } from '../../src/provisioning/tenants/manage-tenants.js';
import { fixtureDatabase, guardOff, inspect, reliability, testEngines, type FixtureDatabase } from './support/harness.js';
import { BULK_REQUEST, call, patchBody, type CallOptions, type Outcome } from './support/http.js';

const PASSWORD = 'Sync-Pa55word-from-the-IdP!';

/**
 * Every text that must never be seen outside the client that holds it, and every 16-character window
 * of its secret part (a truncated or partly masked secret is still a leak). A bearer token's first
 * 20 characters (`rst_` and the credential id) are public: the id is how the console names it.
 */
function needles(secrets: readonly string[]): string[] {
  const out = new Set<string>();
  for (const secret of secrets) {
    out.add(secret);
    const part = secret.startsWith('rst_') ? secret.slice(20) : secret;
    for (let i = 0; i + 16 <= part.length; i += 4) out.add(part.slice(i, i + 16));
  }
  return [...out];
}

for (const { engine, skip } of testEngines()) {
  describe(`secrets never leave the client, on ${engine}`, { skip }, () => {
    let db: FixtureDatabase;
    let main: RosterServer;
    let limited: RosterServer;
    let mainBase = '';
    let limitedBase = '';
    const logs: string[] = [];
    const answers: { what: string; outcome: Outcome }[] = [];
    const secrets: string[] = [PASSWORD];

    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(
          ...chunk
            .toString('utf8')
            .split('\n')
            .filter((l) => l.length > 0),
        );
        done();
      },
    });

    const send = async (what: string, base: string, method: string, path: string, options: CallOptions = {}) => {
      const outcome = await call(base, method, path, options);
      answers.push({ what, outcome });
      return outcome;
    };
    const status = (o: Outcome) => (o.kind === 'response' ? o.status : -1);

    before(async () => {
      db = await fixtureDatabase(engine);
      const common = { DATABASE_URL: db.url, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'trace', WEBHOOK_DELIVERY: 'off', DB_POOL_SIZE: '4' };
      main = await createServer(loadConfig({ ...common, RATE_LIMIT_PER_CREDENTIAL: '0', RATE_LIMIT_PER_IP: '0', AUTH_FAILURES_PER_IP: '0' }), { logStream: sink });
      mainBase = await main.listen();
      // A second node on the same database with tight limits, for the 429 paths.
      limited = await createServer(loadConfig({ ...common, RATE_LIMIT_PER_CREDENTIAL: '1', AUTH_FAILURES_PER_IP: '0.1' }), { logStream: sink });
      limitedBase = await limited.listen();
    });
    after(async () => {
      await main?.close();
      await limited?.close();
      await db?.dispose();
    });

    it('runs a full sequence: minting, rotation, good and bad requests, basic auth, throttling', async () => {
      const rt = main.rt;
      const acme = await createTenant(rt, { slug: 'acme' });
      const other = await createTenant(rt, { slug: 'other' });
      await guardOff(rt, 'acme');
      const first = await issueCredential(rt, acme.id, 'bearer', 'okta');
      const second = await issueCredential(rt, acme.id, 'bearer', 'okta rotated');
      const basic = await issueCredential(rt, acme.id, 'basic', 'legacy app');
      const theirs = await issueCredential(rt, other.id, 'bearer', 'other idp');
      const t1 = first.secret;
      const t2 = second.secret;
      const key = basic.key ?? '';
      const basicHeader = `Basic ${Buffer.from(`${key}:${basic.secret}`).toString('base64')}`;
      // A well-formed token of ours that is not valid: a client's typo of a real one is as secret.
      const forged = `rst_${'0'.repeat(16)}${'A'.repeat(43)}`;
      secrets.push(t1, t2, basic.secret, theirs.secret, basicHeader.slice('Basic '.length), forged);

      // Good requests, bearer and basic, both URL forms; the IdP sends passwords.
      const auth = { token: t1 };
      assert.equal(status(await send('list', mainBase, 'GET', '/scim/v2/Users', auth)), 200);
      const created = await send('create with password', mainBase, 'POST', '/scim/v2/Users', {
        ...auth,
        body: { userName: 'secretive@acme.example', password: PASSWORD, emails: [{ value: 'secretive@acme.example', type: 'work' }] },
      });
      assert.equal(status(created), 201);
      const id = created.kind === 'response' ? String(created.body['id']) : '';
      assert.equal(
        status(
          await send('patch password', mainBase, 'PATCH', `/scim/v2/Users/${id}`, { token: t2, body: patchBody([{ op: 'replace', path: 'password', value: PASSWORD }]) }),
        ),
        200,
      );
      assert.equal(
        status(
          await send('put password', mainBase, 'PUT', `/scim/v2/Users/${id}`, {
            ...auth,
            body: { userName: 'secretive@acme.example', password: PASSWORD, title: 'Keeper' },
          }),
        ),
        200,
      );
      assert.equal(status(await send('basic auth', mainBase, 'GET', '/scim/v2/ServiceProviderConfig', { headers: { authorization: basicHeader } })), 200);
      assert.equal(status(await send('slug form', mainBase, 'GET', `/t/acme/scim/v2/Users/${id}`, auth)), 200);
      const group = await send('group', mainBase, 'POST', '/scim/v2/Groups', { ...auth, body: { displayName: 'Vault', members: [{ value: id }] } });
      assert.equal(status(group), 201);
      assert.equal(
        status(
          await send('bulk with password', mainBase, 'POST', '/scim/v2/Bulk', {
            ...auth,
            body: { schemas: [BULK_REQUEST], Operations: [{ method: 'POST', path: '/Users', bulkId: 'x', data: { userName: 'bulk@acme.example', password: PASSWORD } }] },
          }),
        ),
        200,
      );
      assert.equal(status(await send('token also in the query', mainBase, 'GET', `/scim/v2/Users?count=1&access_token=${encodeURIComponent(t2)}`, { token: t2 })), 200);
      assert.equal(
        status(
          await send('search', mainBase, 'POST', '/scim/v2/Users/.search', {
            ...auth,
            body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName sw "s"' },
          }),
        ),
        200,
      );

      // Bad requests: every one an indistinct 401 (or the right 4xx), none echoing what was presented.
      const bad: [string, Record<string, string>, string?][] = [
        ['forged token', { authorization: `Bearer ${forged}` }],
        ['truncated token', { authorization: `Bearer ${t1.slice(0, -1)}` }],
        ['token plus a character', { authorization: `Bearer ${t1}x` }],
        ['token upper-cased', { authorization: `Bearer ${t1.toUpperCase()}` }],
        ['token as basic password', { authorization: `Basic ${Buffer.from(`${key}:${t1}`).toString('base64')}` }],
        ['wrong basic secret', { authorization: `Basic ${Buffer.from(`${key}:${basic.secret.slice(1)}`).toString('base64')}` }],
        ['basic secret as bearer', { authorization: `Bearer ${basic.secret}` }],
        ['unknown scheme', { authorization: `Token ${t1}` }],
        ['other tenant in URL', { authorization: `Bearer ${theirs.secret}` }, '/t/acme/scim/v2/Users'],
        ['token in a cookie', { cookie: `session=${t1}` }],
        ['token in another header', { 'x-api-key': t1 }],
        // RFC 6750 §2.3 lets clients put the token in the query; Roster does not take it from there, nor log it.
        ['token in the query', {}, `/scim/v2/Users?access_token=${encodeURIComponent(t1)}&count=1`],
      ];
      for (const [what, headers, path] of bad) {
        assert.equal(status(await send(what, mainBase, 'GET', path ?? '/scim/v2/Users', { headers })), 401, what);
      }
      // Rotation: the old token is revoked and refused; the new one still works.
      await revokeCredential(rt, acme.id, first.credential.id);
      assert.equal(status(await send('revoked token', mainBase, 'GET', '/scim/v2/Users', { token: t1 })), 401);
      assert.equal(status(await send('rotated token', mainBase, 'GET', '/scim/v2/Users', { token: t2 })), 200);
      assert.equal(status(await send('not found', mainBase, 'GET', '/scim/v2/Users/nope', { token: t2 })), 404);
      assert.equal(status(await send('bad filter', mainBase, 'GET', '/scim/v2/Users?filter=userName%20eq', { token: t2 })), 400);
      assert.equal(status(await send('delete', mainBase, 'DELETE', `/scim/v2/Users/${id}`, { token: t2 })), 204);

      // Throttling on the tightly limited node: failed authentications, then one credential's rate.
      const failures: number[] = [];
      for (let i = 0; i < 24; i++)
        failures.push(status(await send('throttled failure', limitedBase, 'GET', '/scim/v2/Users', { headers: { authorization: `Bearer ${forged}` } })));
      assert.ok(failures.includes(429), 'failed authentication is throttled');
      const bursts: number[] = [];
      for (let i = 0; i < 8; i++) bursts.push(status(await send('rate limited', limitedBase, 'GET', '/scim/v2/Users', { token: t2 })));
      assert.ok(bursts.includes(429), 'a credential over its rate gets 429');
      for (const { outcome } of answers) if (outcome.kind === 'response' && outcome.status === 429) assert.match(outcome.headers.get('retry-after') ?? '', /^\d+$/);
    });

    it('no secret in any log line, response, event, provisioning-log entry or database row; credentials stored as hashes only', async () => {
      await main.close();
      await limited.close();
      const found: string[] = [];
      const search = (where: string, text: string) => {
        for (const needle of needles(secrets)) if (text.includes(needle)) found.push(`${where}: ${needle.slice(0, 6)}…`);
      };
      assert.ok(logs.length > 50, `logs were captured (${logs.length} lines)`);
      for (const [i, line] of logs.entries()) search(`log line ${i}`, line);
      for (const { what, outcome } of answers) {
        if (outcome.kind !== 'response') continue;
        search(`${what} body`, outcome.text);
        outcome.headers.forEach((value, name) => {
          search(`${what} header ${name}`, value);
        });
      }
      const sql = await inspect(engine, db.url);
      let rows = 0;
      try {
        const tables =
          engine === 'sqlite'
            ? (await sql.rows<{ name: string }>("select name from sqlite_master where type = 'table'")).map((r) => r.name)
            : (await sql.rows<{ name: string }>('select table_name as name from information_schema.tables where table_schema = current_schema()')).map((r) => r.name);
        assert.ok(tables.includes('events') && tables.includes('request_log') && tables.includes('credentials'));
        for (const table of tables) {
          for (const row of await sql.rows(`select * from ${table}`)) {
            rows++;
            search(`table ${table}`, JSON.stringify(row));
          }
        }
        const events = await sql.rows('select * from events');
        assert.ok(events.length >= 4, 'events were written and scanned');
        const logged = await sql.rows('select * from request_log');
        assert.ok(logged.length >= 10, `the provisioning log was written and scanned (${logged.length} entries)`);
        const stored = await sql.rows<{ secret_hash: string }>('select secret_hash from credentials');
        assert.equal(stored.length, 4);
        const expected = new Set([secrets[1], secrets[2], secrets[3], secrets[4]].map((s) => hashSecret(s?.startsWith('rst_') ? s.slice(20) : (s ?? ''))));
        for (const { secret_hash } of stored) assert.ok(expected.has(secret_hash), 'each credential is stored as the SHA-256 of its secret, nothing else');
      } finally {
        await sql.close();
      }
      assert.deepEqual(found, []);
      reliability('secrets.scan', {
        engine,
        secretsPlanted: secrets.length,
        requests: answers.length,
        logLines: logs.length,
        databaseRows: rows,
        leaks: found.length,
      });
    });

    it('every response carries the security headers', () => {
      let checked = 0;
      const missing: string[] = [];
      for (const { what, outcome } of answers) {
        if (outcome.kind !== 'response') continue;
        checked++;
        const h = outcome.headers;
        if (h.get('x-content-type-options') !== 'nosniff') missing.push(`${what}: x-content-type-options`);
        if (h.get('cache-control') !== 'no-store') missing.push(`${what}: cache-control`);
        if (h.get('x-powered-by') !== null || h.get('server') !== null) missing.push(`${what}: names its software`);
        if (outcome.text.length > 0 && !/^application\/scim\+json/.test(h.get('content-type') ?? '')) missing.push(`${what}: content-type ${h.get('content-type')}`);
        if (outcome.status === 401 && !/^Bearer realm=/.test(h.get('www-authenticate') ?? '')) missing.push(`${what}: www-authenticate`);
      }
      assert.deepEqual(missing, []);
      reliability('secrets.headers', { engine, responsesChecked: checked, missing: missing.length });
    });
  });
}
