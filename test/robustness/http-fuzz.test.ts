/**
 * Issue 7 item 3: random request bodies (JSON schemas of Users, Groups, PATCH, Bulk, SearchRequest),
 * malformed bodies and random query parameters against a real listening server, on SQLite and
 * PostgreSQL: 0 crashes, 0 5xx, every error a SCIM error, and nothing changes in another tenant.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { JsonValue } from '../../src/json/json-value.js';
import { anyBody, bulkBody, listQuery, patchBody, scimObject, searchBody } from './support/arbitraries.js';
import { reliability, sized, testEngines, type SeededTenant } from './support/harness.js';
import { call, must, type Outcome } from './support/http.js';
import { startInProcess, type LiveServer } from './support/in-process.js';

const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** Everything stored for a tenant, as one comparable text. */
export async function tenantDigest(live: LiveServer, tenantId: string): Promise<string> {
  const parts: unknown[] = [];
  for (const table of ['users', 'user_emails', 'groups', 'group_members', 'events']) {
    parts.push(await live.sql.rows(`select * from ${table} where tenant_id = ? order by 1, 2, 3`, [tenantId]));
  }
  return JSON.stringify(parts);
}

for (const { engine, skip } of testEngines()) {
  describe(`hostile bodies and query parameters on ${engine}`, { skip }, () => {
    let live: LiveServer;
    let me: SeededTenant;
    let other: SeededTenant;
    const ids: string[] = [];
    let otherDigest = '';
    const statuses: Record<string, number> = {};
    let inputs = 0;

    /** The answer must be complete, below 500, and an error must be a SCIM error. */
    function check(outcome: Outcome, what: string): void {
      inputs++;
      assert.equal(outcome.kind, 'response', `${what}: ${outcome.kind}`);
      if (outcome.kind !== 'response') return;
      statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1;
      assert.ok(outcome.status < 500, `${what} → ${outcome.status} ${outcome.text.slice(0, 400)}`);
      // A Bulk answers 200 with a status per operation: none of those may be a 5xx either.
      const operations = outcome.body['Operations'];
      if (Array.isArray(operations)) {
        for (const op of operations) {
          const status = typeof op === 'object' && op !== null && !Array.isArray(op) ? Number(op['status']) : 0;
          statuses[`bulk ${status}`] = (statuses[`bulk ${status}`] ?? 0) + 1;
          assert.ok(status < 500, `${what} → Bulk operation ${JSON.stringify(op).slice(0, 400)}`);
        }
      }
      if (outcome.status >= 400) {
        assert.ok(
          Array.isArray(outcome.body['schemas']) && (outcome.body['schemas'] as JsonValue[]).includes(ERROR_URN),
          `${what}: SCIM error body: ${outcome.text.slice(0, 200)}`,
        );
        assert.equal(outcome.body['status'], String(outcome.status));
      }
    }

    before(async () => {
      live = await startInProcess(engine, ['fuzz', 'bystander']);
      [me, other] = live.tenants as [SeededTenant, SeededTenant];
      for (let i = 0; i < 3; i++) {
        const u = await must(live.base, 'POST', '/scim/v2/Users', {
          token: me.token,
          body: { userName: `seed${i}@fuzz.example`, emails: [{ value: `seed${i}@fuzz.example`, type: 'work' }] },
        });
        ids.push(String(u.body['id']));
      }
      const g = await must(live.base, 'POST', '/scim/v2/Groups', { token: me.token, body: { displayName: 'Fuzz group', members: ids.map((value) => ({ value })) } });
      ids.push(String(g.body['id']));
      const theirs = await must(live.base, 'POST', '/scim/v2/Users', { token: other.token, body: { userName: 'bystander@other.example' } });
      ids.push(String(theirs.body['id']));
      await must(live.base, 'POST', '/scim/v2/Groups', { token: other.token, body: { displayName: 'Bystanders', members: [{ value: String(theirs.body['id']) }] } });
      otherDigest = await tenantDigest(live, other.id);
    });
    after(async () => {
      await live?.close();
    });

    it('random resource, PATCH, Bulk and SearchRequest bodies: no 5xx, every error a SCIM error', async () => {
      const runs = sized(400, 5000);
      const target = fc.constantFrom(
        'POST /Users',
        'POST /Groups',
        'PUT /Users/:user',
        'PUT /Groups/:group',
        'PATCH /Users/:user',
        'PATCH /Groups/:group',
        'POST /Bulk',
        'POST /Users/.search',
        'POST /Groups/.search',
        'PATCH /Users/:other',
      );
      await fc.assert(
        fc.asyncProperty(
          target,
          fc.nat(2),
          fc.boolean(),
          anyBody,
          scimObject,
          patchBody,
          bulkBody(ids),
          searchBody,
          async (t, which, shaped, any, resource, patch, bulk, search) => {
            const [method, template] = t.split(' ') as [string, string];
            const path = template
              .replace(':user', ids[which] as string)
              .replace(':group', ids[3] as string)
              .replace(':other', ids[4] as string);
            const body = method === 'PATCH' ? patch : path.endsWith('/Bulk') ? bulk : path.endsWith('.search') ? search : shaped ? resource : any;
            check(await call(live.base, method, `/scim/v2${path}`, { token: me.token, body }), `${t} ${JSON.stringify(body).slice(0, 300)}`);
          },
        ),
        { numRuns: runs, seed: 7643 },
      );
    });

    it('malformed and mistyped bodies: 4xx with a clear SCIM error', async () => {
      const runs = sized(150, 2000);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('POST /Users', 'PATCH /Users/:user', 'POST /Bulk', 'POST /Groups/.search', 'PUT /Groups/:group'),
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 40 }),
            fc.constantFrom(
              '{',
              '[',
              '{"userName":',
              '{"a":1}{',
              'null',
              '"text"',
              '1e999',
              '{"userName":"\\ud800"}',
              '\u0000',
              '{"__proto__":{"admin":true},"userName":"p"}',
            ),
          ),
          fc.constantFrom(
            'application/scim+json',
            'application/json',
            'text/json',
            'text/plain',
            'application/xml',
            'multipart/form-data; boundary=x',
            'application/scim+json; charset=latin1',
          ),
          async (t, raw, type) => {
            const [method, template] = t.split(' ') as [string, string];
            const path = template.replace(':user', ids[0] as string).replace(':group', ids[3] as string);
            check(
              await call(live.base, method, `/scim/v2${path}`, { token: me.token, rawBody: raw, headers: { 'content-type': type } }),
              `${t} ${type} ${JSON.stringify(raw)}`,
            );
          },
        ),
        { numRuns: runs, seed: 7644 },
      );
    });

    it('random query parameters and ids on reads: no 5xx', async () => {
      const runs = sized(400, 5000);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('/Users', '/Groups', '/Users/:user', '/Groups/:group', '/Users/:junk', '/Groups/:junk', '/ResourceTypes/:junk', '/Schemas/:junk'),
          listQuery,
          fc.string({ unit: 'binary', maxLength: 16 }),
          async (template, query, junk) => {
            const path = template
              .replace(':user', ids[0] as string)
              .replace(':group', ids[3] as string)
              .replace(':junk', encodeURIComponent(junk.replace(/[\ud800-\udfff]/g, '?')) || 'x');
            check(await call(live.base, 'GET', `/scim/v2${path}?${query}`, { token: me.token }), `GET ${path}?${query}`);
          },
        ),
        { numRuns: runs, seed: 9865 },
      );
    });

    it('afterwards: the server still serves, and the other tenant is exactly as it was', async () => {
      assert.equal((await must(live.base, 'GET', '/scim/v2/Users?count=1', { token: me.token })).status, 200);
      assert.equal(await tenantDigest(live, other.id), otherDigest);
      const fiveHundreds = Object.entries(statuses)
        .filter(([s]) => Number(s.replace('bulk ', '')) >= 500)
        .reduce((n, [, v]) => n + v, 0);
      reliability('hostile.http-fuzz', { engine, inputs, fiveHundreds, statuses, otherTenantChanged: false });
    });
  });
}
