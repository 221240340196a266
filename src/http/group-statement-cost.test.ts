import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonObject, JsonValue } from '../json/json-value.js';
import { countStatements } from '../storage/sql/statement-count.js';
import { testEngines } from '../testing/databases.js';
import { MEMBER_SHAPE_LABELS, MEMBER_SHAPES, membersInShape, type MemberShape } from '../testing/member-shapes.js';
import { createTestServer, type TestResponse, type TestServer } from '../testing/test-server.js';

/**
 * docs/architecture.md#the-shape-that-carries-everything: a membership change costs a fixed number of SQL statements
 * whatever the number of members and whatever shape the identity provider gives them in, and a
 * page of groups is read in a fixed number whatever its size. Each case runs the same request
 * with 10 and with 500 members (or a page of 10 and of 100 groups) and compares the counts.
 */

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const patch = (...Operations: JsonObject[]) => ({ schemas: [PATCH], Operations });
const SIZES = [10, 500] as const;

/**
 * The credential lookup is served from memory while the PostgreSQL change listener vouches for
 * it (credential-cache.ts), which depends on the timing of its heartbeat, not on the request:
 * it is left out of the counts compared here.
 */
const isCredentialLookup = (text: string) => /\bfrom credentials\b/i.test(text);

for (const { engine, skip } of testEngines()) {
  describe(`statements per group request on ${engine}`, { skip, timeout: 240_000 }, () => {
    let t: TestServer;
    const people: string[] = [];
    let groupNumber = 0;

    before(async () => {
      t = await createTestServer(engine);
      for (let i = 0; i < 500; i++) {
        const r = await t.scim('POST', '/Users', { userName: `person${i}@example.com` });
        assert.equal(r.status, 201, r.raw);
        people.push(String(r.body['id']));
      }
    });
    after(async () => t?.close());

    /** Runs one request and answers it with the statements it ran (credential lookups aside). */
    async function cost(method: string, path: string, body?: JsonValue): Promise<{ response: TestResponse; statements: number; texts: string[] }> {
      const counted = await countStatements(() => t.scim(method, path, body));
      const texts = counted.texts.filter((text) => !isCredentialLookup(text));
      return { response: counted.value, statements: texts.length, texts };
    }

    const scope = () => ({ tenantId: t.tenant.id });
    const memberIds = async (groupId: string) => (await t.server.store.read(scope(), (r) => r.groups.members(groupId))).map((m) => m.id).sort();
    const pendingOf = async (groupId: string) =>
      (await t.server.store.read(scope(), (r) => r.pending.list(10_000, 0))).rows
        .filter((p) => p.subjectId === groupId)
        .map((p) => p.reference)
        .sort();
    const newGroup = async (members: JsonObject[] = []) => {
      const r = await t.scim('POST', '/Groups', { displayName: `Group ${++groupNumber}`, members });
      assert.equal(r.status, 201, r.raw);
      return String(r.body['id']);
    };
    /** `n` ids: people known to Roster, ids it has not seen, or half of each. */
    const idsFor = (mix: 'known' | 'unknown' | 'mixed', n: number, salt: string) => {
      const unknown = (i: number) => `not-yet-${salt}-${n}-${i}@example.com`;
      if (mix === 'known') return { ids: people.slice(0, n), known: people.slice(0, n), unknown: [] as string[] };
      if (mix === 'unknown') {
        const ids = Array.from({ length: n }, (_, i) => unknown(i));
        return { ids, known: [] as string[], unknown: ids };
      }
      const known = people.slice(0, n / 2);
      const strangers = Array.from({ length: n / 2 }, (_, i) => unknown(i));
      return { ids: [...known, ...strangers], known, unknown: strangers };
    };
    const sameForEverySize = (counts: number[], what: string, texts: string[][]) =>
      assert.equal(
        new Set(counts).size,
        1,
        `${what}: ${counts.join(' vs ')} statements for ${SIZES.join(' vs ')}\n${texts.map((x) => x.join('\n---\n')).join('\n=====\n')}`,
      );

    const addCases: { shape: MemberShape; mix: 'known' | 'unknown' | 'mixed' }[] = [
      ...MEMBER_SHAPES.map((shape) => ({ shape, mix: 'known' as const })),
      { shape: 'okta', mix: 'unknown' },
      { shape: 'minimal', mix: 'unknown' },
      { shape: 'okta', mix: 'mixed' },
      { shape: 'typed', mix: 'mixed' },
    ];
    for (const { shape, mix } of addCases) {
      it(`PATCH add of ${mix} members as ${MEMBER_SHAPE_LABELS[shape]} costs the same for 10 and 500`, async () => {
        const counts: number[] = [];
        const texts: string[][] = [];
        for (const n of SIZES) {
          const group = await newGroup();
          const { ids, known, unknown } = idsFor(mix, n, `add-${shape}`);
          const run = await cost('PATCH', `/Groups/${group}`, patch({ op: 'add', path: 'members', value: membersInShape(shape, ids) }));
          assert.equal(run.response.status, 204, run.response.raw);
          counts.push(run.statements);
          texts.push(run.texts);
          assert.deepEqual(await memberIds(group), [...known].sort());
          assert.deepEqual(await pendingOf(group), [...unknown].sort());
          // The same members again change nothing, for the same cost.
          const again = await cost('PATCH', `/Groups/${group}`, patch({ op: 'add', path: 'members', value: membersInShape(shape, ids) }));
          assert.equal(again.response.status, 204);
          assert.ok(again.statements <= run.statements, `naming the same members again: ${again.statements} statements, adding them: ${run.statements}`);
        }
        sameForEverySize(counts, `add ${shape}/${mix}`, texts);
      });
    }

    it('the real delta reaches the events: only the members really added, with their display kept', async () => {
      const group = await newGroup();
      await t.scim('PATCH', `/Groups/${group}`, patch({ op: 'add', path: 'members', value: membersInShape('okta', people.slice(0, 3)) }));
      const before = await t.server.store.read(scope(), (r) => r.events.lastSeq());
      const run = await cost('PATCH', `/Groups/${group}`, patch({ op: 'add', path: 'members', value: membersInShape('okta', people.slice(0, 5)) }));
      assert.equal(run.response.status, 204);
      await t.server.store.eventsSettled(scope());
      const events = await t.server.store.read(scope(), (r) => r.events.after(before, 100));
      assert.deepEqual(
        events.map((e) => [e.type, e.data['members']]),
        [['group.members_added', people.slice(3, 5)]],
      );
      const shown = await t.scim('GET', `/Groups/${group}`);
      const labels = (shown.body['members'] as JsonObject[]).map((m) => [m['value'], m['display']]);
      assert.deepEqual(
        labels,
        membersInShape('okta', people.slice(0, 5))
          .map((m) => [m['value'], m['display']])
          .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      );
    });

    it('PATCH remove of members (Entra remove-by-value and members[value eq …]) costs the same for 10 and 500', async () => {
      for (const form of ['entra', 'filter'] as const) {
        const counts: number[] = [];
        const texts: string[][] = [];
        for (const n of SIZES) {
          const group = await newGroup(membersInShape('minimal', people));
          const { ids, known } = idsFor('mixed', n, `remove-${form}`);
          const body =
            form === 'entra'
              ? patch({ op: 'Remove', path: 'members', value: membersInShape('entra', ids) })
              : patch(...ids.map((id) => ({ op: 'remove', path: `members[value eq "${id}"]` })));
          const run = await cost('PATCH', `/Groups/${group}`, body);
          assert.equal(run.response.status, 204, run.response.raw);
          counts.push(run.statements);
          texts.push(run.texts);
          assert.equal((await memberIds(group)).length, people.length - known.length);
        }
        sameForEverySize(counts, `remove ${form}`, texts);
      }
    });

    it('PATCH replace of members (Okta full membership push) costs the same for 10 and 500', async () => {
      const counts: number[] = [];
      const texts: string[][] = [];
      for (const n of SIZES) {
        // Starts with members outside the new list, so the replace both removes and adds.
        const group = await newGroup(membersInShape('minimal', people.slice(250, 260)));
        const { ids, known, unknown } = idsFor('mixed', n, 'replace');
        const run = await cost('PATCH', `/Groups/${group}`, patch({ op: 'replace', path: 'members', value: membersInShape('okta', ids) }));
        assert.equal(run.response.status, 204, run.response.raw);
        counts.push(run.statements);
        texts.push(run.texts);
        assert.deepEqual(await memberIds(group), [...known].sort());
        assert.deepEqual(await pendingOf(group), [...unknown].sort());
      }
      sameForEverySize(counts, 'replace', texts);
    });

    for (const method of ['POST', 'PUT'] as const) {
      it(`${method} /Groups with members costs the same for 10 and 500`, async () => {
        const counts: number[] = [];
        const texts: string[][] = [];
        for (const n of SIZES) {
          const { ids, known, unknown } = idsFor('mixed', n, method);
          const members = membersInShape('okta', ids);
          const group = method === 'PUT' ? await newGroup(membersInShape('minimal', people.slice(300, 305))) : undefined;
          const run =
            method === 'POST'
              ? await cost('POST', '/Groups', { displayName: `Posted ${++groupNumber}`, members })
              : await cost('PUT', `/Groups/${group}`, { displayName: `Put ${++groupNumber}`, members });
          assert.equal(run.response.status, method === 'POST' ? 201 : 200, run.response.raw);
          counts.push(run.statements);
          texts.push(run.texts);
          const id = String(run.response.body['id']);
          assert.deepEqual(await memberIds(id), [...known].sort());
          assert.deepEqual(await pendingOf(id), [...unknown].sort());
        }
        sameForEverySize(counts, method, texts);
      });
    }

    it('a PATCH inside /Bulk costs the same for 10 and 500 members', async () => {
      const counts: number[] = [];
      const texts: string[][] = [];
      for (const n of SIZES) {
        const group = await newGroup();
        const { ids, known } = idsFor('mixed', n, 'bulk');
        const data = patch({ op: 'add', path: 'members', value: membersInShape('okta', ids) });
        const run = await cost('POST', '/Bulk', { schemas: [BULK], Operations: [{ method: 'PATCH', path: `/Groups/${group}`, data }] });
        assert.equal(run.response.status, 200, run.response.raw);
        const [result] = run.response.body['Operations'] as JsonObject[];
        assert.equal(String(result?.['status']), '204', JSON.stringify(result));
        counts.push(run.statements);
        texts.push(run.texts);
        assert.deepEqual(await memberIds(group), [...known].sort());
      }
      sameForEverySize(counts, 'bulk', texts);
    });

    it('GET /Groups reads a page of groups with their members in the same statements for 10 and 100', async () => {
      while (groupNumber < 110) await newGroup(membersInShape('okta', people.slice(groupNumber, groupNumber + 3)));
      for (const query of ['', '&excludedAttributes=members', '&attributes=displayName']) {
        const counts: number[] = [];
        const texts: string[][] = [];
        for (const count of [10, 100]) {
          const run = await cost('GET', `/Groups?count=${count}${query}`);
          assert.equal(run.response.status, 200, run.response.raw);
          const resources = run.response.body['Resources'] as JsonObject[];
          assert.equal(resources.length, count);
          if (query === '')
            assert.ok(
              resources.some((g) => Array.isArray(g['members']) && g['members'].length > 0),
              'members are shown',
            );
          else
            assert.ok(
              resources.every((g) => g['members'] === undefined),
              'members are left out',
            );
          counts.push(run.statements);
          texts.push(run.texts);
          if (query !== '') assert.ok(!run.texts.some((text) => /group_members/i.test(text)), `${query}: no member is read\n${run.texts.join('\n')}`);
        }
        assert.equal(
          new Set(counts).size,
          1,
          `GET /Groups${query}: ${counts.join(' vs ')} statements for 10 vs 100\n${texts.map((x) => x.join('\n---\n')).join('\n=====\n')}`,
        );
      }
    });
  });
}
