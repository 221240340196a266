/**
 * Issue 7 item 3: limits, each with a clear SCIM error (or, for page size, a capped page), and
 * nothing written by a refused request. On SQLite and PostgreSQL, over real TCP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonObject } from '../../src/json/json-value.js';
import { reliability, testEngines, type SeededTenant } from './support/harness.js';
import { BULK_REQUEST, addMembers, call, must, patchBody } from './support/http.js';
import { startInProcess, type LiveServer } from './support/in-process.js';

const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';

function expectError(outcome: Awaited<ReturnType<typeof call>>, status: number, scimType: string | undefined, detail: RegExp): void {
  assert.equal(outcome.kind, 'response');
  if (outcome.kind !== 'response') return;
  assert.equal(outcome.status, status, outcome.text.slice(0, 300));
  assert.deepEqual(outcome.body['schemas'], [ERROR_URN]);
  assert.equal(outcome.body['status'], String(status));
  assert.equal(outcome.body['scimType'], scimType);
  assert.match(String(outcome.body['detail']), detail);
  assert.match(outcome.headers.get('content-type') ?? '', /application\/scim\+json/);
}

for (const { engine, skip } of testEngines()) {
  describe(`limits on ${engine}`, { skip }, () => {
    let small: LiveServer;
    let standard: LiveServer;
    let t: SeededTenant;
    let s: SeededTenant;
    let checks = 0;
    const people = async (live: LiveServer, tenant: SeededTenant) =>
      Number((await live.sql.rows<{ n: number }>('select count(*) as n from users where tenant_id = ?', [tenant.id]))[0]?.n);

    before(async () => {
      small = await startInProcess(engine, ['small'], {
        BODY_LIMIT_BYTES: '4096',
        MAX_BULK_OPERATIONS: '5',
        MAX_MEMBERS_PER_PATCH: '10',
        MAX_RESULTS: '7',
        DEFAULT_PAGE_SIZE: '3',
      });
      standard = await startInProcess(engine, ['standard']);
      t = small.tenants[0] as SeededTenant;
      s = standard.tenants[0] as SeededTenant;
      for (let i = 0; i < 12; i++) await must(small.base, 'POST', '/scim/v2/Users', { token: t.token, body: { userName: `p${i}@limits.example` } });
    });
    after(async () => {
      await small?.close();
      await standard?.close();
    });

    it('the ServiceProviderConfig tells the truth about the limits', async () => {
      const spc = await must(small.base, 'GET', '/scim/v2/ServiceProviderConfig', { token: t.token });
      assert.equal((spc.body['bulk'] as JsonObject)['maxOperations'], 5);
      assert.equal((spc.body['bulk'] as JsonObject)['maxPayloadSize'], 4096);
      assert.equal((spc.body['filter'] as JsonObject)['maxResults'], 7);
      checks += 3;
    });

    it('body size: 413 with a SCIM error, nothing written (configured and default limit)', async () => {
      const before = await people(small, t);
      expectError(
        await call(small.base, 'POST', '/scim/v2/Users', { token: t.token, body: { userName: 'big@limits.example', title: 'x'.repeat(5000) } }),
        413,
        undefined,
        /larger than this server accepts/,
      );
      expectError(
        await call(small.base, 'POST', '/scim/v2/Bulk', {
          token: t.token,
          body: { schemas: [BULK_REQUEST], Operations: [{ method: 'POST', path: '/Users', data: { userName: 'bulkbig@limits.example', title: 'y'.repeat(5000) } }] },
        }),
        413,
        undefined,
        /larger/,
      );
      assert.equal(await people(small, t), before);
      expectError(
        await call(standard.base, 'POST', '/scim/v2/Users', { token: s.token, body: { userName: 'huge@limits.example', title: 'z'.repeat(1_100_000) } }),
        413,
        undefined,
        /larger/,
      );
      checks += 4;
    });

    it('filter length and depth: 400 invalidFilter, on GET and on POST .search', async () => {
      const long = `userName eq "${'a'.repeat(4100)}"`;
      expectError(await call(standard.base, 'GET', `/scim/v2/Users?filter=${encodeURIComponent(long)}`, { token: s.token }), 400, 'invalidFilter', /limit is 4096/);
      expectError(
        await call(standard.base, 'POST', '/scim/v2/Users/.search', {
          token: s.token,
          body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: long },
        }),
        400,
        'invalidFilter',
        /limit is 4096/,
      );
      const deep = `${'('.repeat(40)}userName pr${')'.repeat(40)}`;
      expectError(await call(standard.base, 'GET', `/scim/v2/Users?filter=${encodeURIComponent(deep)}`, { token: s.token }), 400, 'invalidFilter', /deeper than 32/);
      const notDeep = `${'not ('.repeat(40)}userName pr${')'.repeat(40)}`;
      expectError(await call(standard.base, 'GET', `/scim/v2/Groups?filter=${encodeURIComponent(notDeep)}`, { token: s.token }), 400, 'invalidFilter', /deeper than 32/);
      const ok = await call(standard.base, 'GET', `/scim/v2/Users?filter=${encodeURIComponent(`${'('.repeat(30)}userName pr${')'.repeat(30)}`)}`, { token: s.token });
      assert.ok(ok.kind === 'response' && ok.status === 200, 'within the limits a filter works');
      checks += 5;
    });

    it('Bulk over maxOperations: 413, and none of its operations applied', async () => {
      const before = await people(small, t);
      const operations = Array.from({ length: 6 }, (_, i) => ({ method: 'POST', path: '/Users', bulkId: `b${i}`, data: { userName: `bulk${i}@limits.example` } }));
      expectError(
        await call(small.base, 'POST', '/scim/v2/Bulk', { token: t.token, body: { schemas: [BULK_REQUEST], Operations: operations } }),
        413,
        undefined,
        /at most 5 operations/,
      );
      assert.equal(await people(small, t), before);
      const fits = await must(small.base, 'POST', '/scim/v2/Bulk', { token: t.token, body: { schemas: [BULK_REQUEST], Operations: operations.slice(0, 5) } });
      assert.equal(fits.status, 200);
      assert.equal(await people(small, t), before + 5);
      checks += 3;
    });

    it('members per request: 400 tooMany on PATCH, POST and PUT, and the group unchanged', async () => {
      const ids = (await small.sql.rows<{ id: string }>('select id from users where tenant_id = ? order by id', [t.id])).map((r) => r.id);
      const group = await must(small.base, 'POST', '/scim/v2/Groups', {
        token: t.token,
        body: { displayName: 'Limited', members: ids.slice(0, 2).map((value) => ({ value })) },
      });
      const groupId = String(group.body['id']);
      const eleven = ids.slice(0, 11);
      assert.equal(eleven.length, 11);
      expectError(await call(small.base, 'PATCH', `/scim/v2/Groups/${groupId}`, { token: t.token, body: addMembers(eleven) }), 400, 'tooMany', /at most 10 members/);
      expectError(
        await call(small.base, 'PATCH', `/scim/v2/Groups/${groupId}`, {
          token: t.token,
          body: patchBody([
            { op: 'add', path: 'members', value: eleven.slice(0, 6).map((value) => ({ value })) },
            { op: 'add', path: 'members', value: eleven.slice(6).map((value) => ({ value })) },
          ]),
        }),
        400,
        'tooMany',
        /at most 10 members/,
      );
      expectError(
        await call(small.base, 'POST', '/scim/v2/Groups', { token: t.token, body: { displayName: 'Too big', members: eleven.map((value) => ({ value })) } }),
        400,
        'tooMany',
        /at most 10/,
      );
      expectError(
        await call(small.base, 'PUT', `/scim/v2/Groups/${groupId}`, { token: t.token, body: { displayName: 'Limited', members: eleven.map((value) => ({ value })) } }),
        400,
        'tooMany',
        /at most 10/,
      );
      const members = await small.sql.rows<{ member_id: string }>('select member_id from group_members where tenant_id = ? and group_id = ?', [t.id, groupId]);
      assert.equal(members.length, 2, 'the refused requests changed nothing');
      const ten = await call(small.base, 'PATCH', `/scim/v2/Groups/${groupId}`, { token: t.token, body: addMembers(ids.slice(0, 10)) });
      assert.ok(ten.kind === 'response' && ten.status === 204, 'ten members are accepted');
      checks += 6;
    });

    it('operations per PATCH: 400 tooMany over 1,000', async () => {
      const [row] = await standard.sql.rows<{ id: string }>('select id from users where tenant_id = ? limit 1', [s.id]);
      const id = row?.id ?? String((await must(standard.base, 'POST', '/scim/v2/Users', { token: s.token, body: { userName: 'ops@limits.example' } })).body['id']);
      const ops = Array.from({ length: 1001 }, (_, i) => ({ op: 'replace', path: 'title', value: `t${i}` }));
      expectError(await call(standard.base, 'PATCH', `/scim/v2/Users/${id}`, { token: s.token, body: patchBody(ops) }), 400, 'tooMany', /at most 1000 operations/);
      checks += 1;
    });

    it('page size: count above the maximum is capped (not an error); negative is 0; huge startIndex is an empty page', async () => {
      const capped = await must(small.base, 'GET', '/scim/v2/Users?count=1000', { token: t.token });
      assert.equal(capped.status, 200);
      assert.equal(capped.body['itemsPerPage'], 7);
      assert.equal((capped.body['Resources'] as JsonObject[]).length, 7);
      assert.ok(Number(capped.body['totalResults']) > 7);
      const byDefault = await must(small.base, 'GET', '/scim/v2/Users', { token: t.token });
      assert.equal((byDefault.body['Resources'] as JsonObject[]).length, 3);
      const cursor = await must(small.base, 'GET', '/scim/v2/Users?count=100000&cursor=', { token: t.token });
      assert.equal((cursor.body['Resources'] as JsonObject[]).length, 7);
      const zero = await must(small.base, 'GET', '/scim/v2/Users?count=-5', { token: t.token });
      assert.equal(zero.status, 200);
      assert.equal((zero.body['Resources'] as JsonObject[] | undefined)?.length ?? 0, 0);
      for (const startIndex of ['99999999999999999999', '9007199254740993', '1e21']) {
        const far = await must(small.base, 'GET', `/scim/v2/Users?startIndex=${startIndex}`, { token: t.token });
        assert.equal(far.status, 200, `startIndex=${startIndex}: ${far.text.slice(0, 200)}`);
        assert.equal((far.body['Resources'] as JsonObject[] | undefined)?.length ?? 0, 0);
      }
      checks += 8;
    });

    it('nesting depth and large multi-valued attributes: a clear 400, or stored whole — never a 500', async () => {
      const deep = `{"userName":"deep@limits.example","title":${'['.repeat(5000)}${']'.repeat(5000)}}`;
      expectError(await call(standard.base, 'POST', '/scim/v2/Users', { token: s.token, rawBody: deep }), 400, 'invalidValue', /more than 64 levels/);
      const deepBulk = `{"schemas":["${BULK_REQUEST}"],"Operations":[{"method":"POST","path":"/Users","data":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}]}`;
      expectError(await call(standard.base, 'POST', '/scim/v2/Bulk', { token: s.token, rawBody: deepBulk }), 400, 'invalidValue', /levels/);
      const many = await must(standard.base, 'POST', '/scim/v2/Users', {
        token: s.token,
        body: { userName: 'many-emails@limits.example', emails: Array.from({ length: 12_000 }, (_, i) => ({ value: `m${i}@limits.example`, type: 'other' })) },
      });
      assert.equal(many.status, 201, many.text.slice(0, 300));
      const [rows] = await standard.sql.rows<{ n: number }>('select count(*) as n from user_emails where tenant_id = ? and user_id = ?', [s.id, String(many.body['id'])]);
      assert.equal(Number(rows?.n), 12_000, 'every email stored');
      const nul = await call(standard.base, 'POST', '/scim/v2/Users', { token: s.token, rawBody: '{"userName":"nul\\u0000@limits.example"}' });
      expectError(nul, 400, 'invalidValue', /U\+0000/);
      expectError(await call(standard.base, 'GET', '/scim/v2/Users/%00', { token: s.token }), 400, 'invalidValue', /U\+0000/);
      checks += 5;
      reliability('hostile.limits', { engine, limitChecks: checks, fiveHundreds: 0 });
    });
  });
}
