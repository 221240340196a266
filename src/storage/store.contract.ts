import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uuidv7 } from '../provisioning/runtime.js';
import { userRecordFrom } from '../provisioning/users/user-record.js';
import { groupRecordFrom } from '../provisioning/groups/group-record.js';
import { openTestStore, type EngineName } from '../testing/databases.js';
import type { JsonObject } from '../json/json-value.js';
import type { Condition, Field } from './query.js';
import { TENANT_PURGE_ORDER, type RequestLogEntry, type Store, type TenantScope } from './store.js';

const f = (path: string[], type: Field['type'] = 'string', caseExact = false): Field => ({ path, type, caseExact });

function person(userName: string, extra: JsonObject = {}) {
  const now = Date.now();
  return userRecordFrom({ userName, ...extra }, { id: uuidv7(), version: 1, createdMs: now, modifiedMs: now, source: 'scim', managerId: null });
}

/**
 * The storage contract: every engine must pass these cases, and every case checks that the other
 * tenant sees nothing of what was written.
 */
export function storeContract(engine: EngineName, skip: string | false): void {
  describe(`storage contract on ${engine}`, { skip }, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    let a: TenantScope;
    let b: TenantScope;

    before(async () => {
      const opened = await openTestStore(engine);
      store = opened.store;
      dispose = opened.dispose;
      for (const slug of ['tenant-a', 'tenant-b']) {
        await store.tenants.create({
          id: uuidv7(),
          slug,
          name: slug,
          provisioningEnabled: true,
          settings: {},
          createdMs: Date.now(),
          lastRequestMs: null,
          lastChangeMs: null,
        });
      }
      a = { tenantId: (await store.tenants.findBySlug('tenant-a'))!.id };
      b = { tenantId: (await store.tenants.findBySlug('tenant-b'))!.id };
    });
    after(async () => dispose?.());

    const countIn = (scope: TenantScope) => store.read(scope, async (r) => (await r.users.list({ page: { kind: 'index', offset: 0, limit: 0 } })).total);

    it('inserts a person, finds them by id and folded userName, and only in their tenant', async () => {
      const user = person('Ada.Lovelace@Example.com', { emails: [{ value: 'Ada@Example.com', type: 'work', primary: true }] });
      assert.equal(await store.transaction(a, (r) => r.users.insert(user)), true);
      const found = await store.read(a, (r) => r.users.findById(user.id));
      assert.equal(found?.userName, 'Ada.Lovelace@Example.com');
      assert.equal((await store.read(a, (r) => r.users.findByUserNameFold('ada.lovelace@example.com')))?.id, user.id);
      assert.equal(await store.read(b, (r) => r.users.findById(user.id)), undefined);
      assert.equal(await store.read(b, (r) => r.users.findByUserNameFold('ada.lovelace@example.com')), undefined);
    });

    it('refuses a second person with the same userName in any case, but allows it in another tenant', async () => {
      await store.transaction(a, (r) => r.users.insert(person('grace@example.com')));
      assert.equal(await store.transaction(a, (r) => r.users.insert(person('GRACE@EXAMPLE.COM'))), false);
      // Full-width letters fold to the same name (NFKC), on both engines alike.
      assert.equal(await store.transaction(a, (r) => r.users.insert(person('ＧＲＡＣＥ@example.com'))), false);
      assert.equal(await store.transaction(b, (r) => r.users.insert(person('grace@example.com'))), true);
      assert.equal(await countIn(b), 1);
    });

    it('rolls back everything a failed transaction wrote', async () => {
      const before = await countIn(a);
      await assert.rejects(
        store.transaction(a, async (r) => {
          await r.users.insert(person('rollback@example.com'));
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await countIn(a), before);
      assert.equal(await store.read(a, (r) => r.users.findByUserNameFold('rollback@example.com')), undefined);
    });

    it('undoes the writes after a savepoint and commits the rest of the transaction, in its tenant only', async () => {
      const kept = person('kept@savepoint.example');
      const undone = person('undone@savepoint.example');
      const later = person('later@savepoint.example');
      await store.transaction(a, async (r) => {
        await r.users.insert(kept);
        const point = await r.savepoint();
        await r.users.insert(undone);
        await point.rollback();
        // The transaction goes on after the rollback, and a second savepoint works as the first.
        await r.users.insert(later);
        const second = await r.savepoint();
        await second.rollback();
      });
      const found = async (scope: TenantScope, id: string) => (await store.read(scope, (r) => r.users.findById(id)))?.id;
      assert.deepEqual([await found(a, kept.id), await found(a, undone.id), await found(a, later.id)], [kept.id, undefined, later.id]);
      assert.deepEqual([await found(b, kept.id), await found(b, later.id)], [undefined, undefined]);
      await assert.rejects(
        store.read(a, (r) => r.savepoint()),
        /inside a write transaction/,
      );
    });

    it('compiles conditions to SQL: eq on folded columns, co/sw/ew, emails, JSON attributes, not, pr', async () => {
      const t = { tenantId: (await makeTenant(store, 'filters')).id };
      await store.transaction(t, async (r) => {
        await r.users.insert(person('alice@x.com', { name: { familyName: "O'Malley" }, emails: [{ value: 'alice@work.example', type: 'work' }], title: 'Engineer' }));
        await r.users.insert(person('bob@x.com', { active: false, emails: [{ value: 'bob@home.example', type: 'home' }], title: 'Manager' }));
        await r.users.insert(person('carol@y.com', { emails: [{ value: 'carol@work.example', type: 'work' }] }));
      });
      const names = async (where: Condition) =>
        (await store.read(t, (r) => r.users.list({ where, page: { kind: 'index', offset: 0, limit: 50 } }))).rows.map((u) => u.userName).sort();
      assert.deepEqual(await names({ kind: 'compare', field: f(['userName']), op: 'eq', value: 'ALICE@X.COM' }), ['alice@x.com']);
      assert.deepEqual(await names({ kind: 'compare', field: f(['userName']), op: 'ew', value: '@X.com' }), ['alice@x.com', 'bob@x.com']);
      assert.deepEqual(await names({ kind: 'compare', field: f(['userName']), op: 'sw', value: 'car' }), ['carol@y.com']);
      assert.deepEqual(await names({ kind: 'compare', field: f(['name', 'familyName']), op: 'co', value: "o'mal" }), ['alice@x.com']);
      assert.deepEqual(await names({ kind: 'compare', field: f(['active'], 'boolean'), op: 'eq', value: false }), ['bob@x.com']);
      const workEmail: Condition = {
        kind: 'any',
        collection: ['emails'],
        condition: {
          kind: 'and',
          left: { kind: 'compare', field: f(['type']), op: 'eq', value: 'work' },
          right: { kind: 'compare', field: f(['value']), op: 'co', value: 'WORK.example' },
        },
      };
      assert.deepEqual(await names(workEmail), ['alice@x.com', 'carol@y.com']);
      assert.deepEqual(await names({ kind: 'not', condition: { kind: 'present', field: f(['title']) } }), ['carol@y.com']);
      assert.deepEqual(await names({ kind: 'compare', field: f(['title']), op: 'ne', value: 'engineer' }), ['bob@x.com', 'carol@y.com']);
      assert.deepEqual(await names({ kind: 'compare', field: f(['title']), op: 'gt', value: 'F' }), ['bob@x.com']);
      // The other tenants' people never match.
      assert.deepEqual(await names({ kind: 'constant', value: true }), ['alice@x.com', 'bob@x.com', 'carol@y.com']);
    });

    it('answers a repeated one-comparison lookup from its own tenant, with the right total, whichever value it carries', async () => {
      // The first lookup of a shape is compiled; later ones reuse its SQL text with new parameters.
      const t = { tenantId: (await makeTenant(store, 'lookups')).id };
      const u = { tenantId: (await makeTenant(store, 'lookups-other')).id };
      const dana = person('dana@l.com', { externalId: 'ext-1', active: false });
      const erin = person('erin@l.com', { externalId: 'ext-2' });
      const danaElsewhere = person('dana@l.com', { externalId: 'ext-1' });
      await store.transaction(t, async (r) => {
        await r.users.insert(dana);
        await r.users.insert(erin);
      });
      await store.transaction(u, (r) => r.users.insert(danaElsewhere));
      const lookup = (scope: TenantScope, field: Field, value: string | boolean, page = { kind: 'index' as const, offset: 0, limit: 100 }) =>
        store.read(scope, (r) => r.users.listWithGroups({ where: { kind: 'compare', field, op: 'eq', value }, page }));
      const ids = (result: { rows: readonly { user: { id: string } }[] }) => result.rows.map((row) => row.user.id);

      for (let round = 0; round < 2; round++) {
        for (const [scope, value, expected] of [
          [t, 'DANA@l.com', [dana.id]],
          [t, 'erin@L.com', [erin.id]],
          [t, 'nobody@l.com', []],
          [u, 'dana@l.com', [danaElsewhere.id]],
          [u, 'erin@l.com', []],
        ] as const) {
          const found = await lookup(scope, f(['userName']), value);
          assert.deepEqual(ids(found), expected, `${value} in ${scope === t ? 'lookups' : 'lookups-other'}`);
          assert.equal(found.total, expected.length);
        }
        // externalId is case-exact; active is stored as 0/1.
        assert.deepEqual(ids(await lookup(t, f(['externalId'], 'string', true), 'ext-1')), [dana.id]);
        assert.deepEqual(ids(await lookup(t, f(['externalId'], 'string', true), 'EXT-1')), []);
        assert.deepEqual(ids(await lookup(u, f(['externalId'], 'string', true), 'ext-1')), [danaElsewhere.id]);
        assert.deepEqual(ids(await lookup(t, f(['active'], 'boolean'), false)), [dana.id]);
        assert.deepEqual(ids(await lookup(u, f(['active'], 'boolean'), false)), []);
        // A full page and a page past the end cannot tell their total: it is counted.
        const full = await lookup(t, f(['userName']), 'dana@l.com', { kind: 'index', offset: 0, limit: 1 });
        assert.deepEqual([ids(full), full.total], [[dana.id], 1]);
        const past = await lookup(t, f(['userName']), 'dana@l.com', { kind: 'index', offset: 5, limit: 10 });
        assert.deepEqual([ids(past), past.total], [[], 1]);
      }
    });

    it('pages by index with a total and by cursor without gaps or repeats', async () => {
      const t = { tenantId: (await makeTenant(store, 'paging')).id };
      await store.transaction(t, async (r) => {
        for (let i = 0; i < 25; i++) await r.users.insert(person(`user${String(i).padStart(2, '0')}@p.com`));
      });
      const page2 = await store.read(t, (r) => r.users.list({ page: { kind: 'index', offset: 10, limit: 10 } }));
      assert.equal(page2.total, 25);
      assert.equal(page2.rows.length, 10);
      const seen: string[] = [];
      let after: { id: string; sortValue: string | number | null } | undefined;
      for (;;) {
        const page = await store.read(t, (r) =>
          r.users.list({ sort: { field: f(['userName']), descending: true }, page: after ? { kind: 'cursor', after, limit: 7 } : { kind: 'cursor', limit: 7 } }),
        );
        seen.push(...page.rows.map((u) => u.userName));
        if (!page.next) break;
        after = page.next;
      }
      assert.equal(seen.length, 25);
      assert.equal(new Set(seen).size, 25);
      assert.deepEqual(seen, [...seen].sort().reverse());
      assert.equal(
        await store.read(b, async (r) => (await r.users.list({ page: { kind: 'cursor', limit: 100 } })).rows.some((u) => u.userName.endsWith('@p.com'))),
        false,
      );
    });

    it('adds and removes members as sets and reports the real delta', async () => {
      const t = { tenantId: (await makeTenant(store, 'members')).id };
      const users = Array.from({ length: 50 }, (_, i) => person(`m${i}@g.com`));
      const group = groupRecordFrom({ displayName: 'Engineering' }, { id: uuidv7(), version: 1, createdMs: 1, modifiedMs: 1 });
      await store.transaction(t, async (r) => {
        for (const u of users) await r.users.insert(u);
        assert.equal(await r.groups.insert(group), true);
      });
      const ids = users.map((u) => u.id);
      const added = await store.transaction(t, (r) =>
        r.groups.addMembers(
          group.id,
          ids.map((id) => ({ id, type: 'User' })),
          2,
        ),
      );
      assert.equal(added.length, 50);
      const again = await store.transaction(t, (r) =>
        r.groups.addMembers(
          group.id,
          ids.slice(0, 10).map((id) => ({ id, type: 'User' })),
          3,
        ),
      );
      assert.deepEqual(again, [], 'adding a member twice is harmless');
      const removed = await store.transaction(t, (r) => r.groups.removeMembers(group.id, [...ids.slice(0, 5), 'not-a-member']));
      assert.deepEqual(removed.sort(), ids.slice(0, 5).sort());
      const retained = await store.transaction(t, (r) => r.groups.retainMembers(group.id, ids.slice(5, 15)));
      assert.equal(retained.length, 35);
      assert.equal((await store.read(t, (r) => r.groups.members(group.id))).length, 10);
      const locked = await store.transaction(t, (r) => r.groups.lockForChange(group.id, { countMembers: true }));
      assert.deepEqual([locked?.group.id, locked?.group.displayName, locked?.memberCount], [group.id, 'Engineering', 10]);
      assert.equal((await store.transaction(t, (r) => r.groups.lockForChange(group.id, { countMembers: false })))?.memberCount, undefined);
      assert.equal(await store.transaction(b, (r) => r.groups.lockForChange(group.id, { countMembers: true })), undefined);
      const byType = await store.transaction(t, (r) =>
        r.groups.removeMembersWhere(group.id, { kind: 'compare', field: f(['value'], 'string', true), op: 'eq', value: ids[5]! }),
      );
      assert.deepEqual(byType, [ids[5]]);
      // Another tenant cannot see or touch the group.
      assert.equal(await store.read(b, (r) => r.groups.findById(group.id)), undefined);
      assert.deepEqual(await store.transaction(b, (r) => r.groups.removeAllMembers(group.id)), []);
      assert.equal((await store.read(t, (r) => r.groups.members(group.id))).length, 9);
    });

    it('adds people and groups with display labels in one set, reads several groups’ members at once, holds pending references as a set', async () => {
      const t = { tenantId: (await makeTenant(store, 'member-sets')).id };
      const [ann, bob] = [person('ann@s.com'), person('bob@s.com')] as [ReturnType<typeof person>, ReturnType<typeof person>];
      const mk = (name: string) => groupRecordFrom({ displayName: name }, { id: uuidv7(), version: 1, createdMs: 1, modifiedMs: 1 });
      const [outer, inner, empty] = [mk('Outer'), mk('Inner'), mk('Empty')];
      await store.transaction(t, async (r) => {
        for (const u of [ann, bob]) await r.users.insert(u);
        for (const g of [outer, inner, empty]) await r.groups.insert(g);
      });
      const added = await store.transaction(t, (r) =>
        r.groups.addMembers(
          outer.id,
          [
            { id: ann.id, type: 'User', display: 'Ann (from the IdP)' },
            { id: bob.id, type: 'User' },
            { id: inner.id, type: 'Group', display: 'Nested' },
          ],
          2,
        ),
      );
      assert.deepEqual(added.sort(), [ann.id, bob.id, inner.id].sort());
      // Named again, with another label: already a member, nothing added, the first label stays.
      assert.deepEqual(await store.transaction(t, (r) => r.groups.addMembers(outer.id, [{ id: ann.id, type: 'User', display: 'Other' }], 3)), []);
      await store.transaction(t, (r) => r.groups.addMembers(inner.id, [{ id: bob.id, type: 'User' }], 3));
      const byGroup = await store.read(t, (r) => r.groups.membersOf([outer.id, inner.id, empty.id]));
      const shown = (id: string) => (byGroup.get(id) ?? []).map((m) => [m.id, m.type, m.display]);
      assert.deepEqual(
        shown(outer.id),
        [
          [ann.id, 'User', 'Ann (from the IdP)'],
          [bob.id, 'User', 'bob@s.com'],
          [inner.id, 'Group', 'Nested'],
        ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
      );
      assert.deepEqual(shown(inner.id), [[bob.id, 'User', 'bob@s.com']]);
      assert.deepEqual(byGroup.get(empty.id), []);
      assert.deepEqual(await store.read(t, (r) => r.groups.members(outer.id)), byGroup.get(outer.id));

      const references = ['Late@s.com', 'later@s.com', 'LATE@S.COM'].map((reference) => ({ reference, fold: reference.toLowerCase() }));
      await store.transaction(t, (r) => r.pending.addAll('member', outer.id, references, 5));
      await store.transaction(t, (r) => r.pending.addAll('member', outer.id, references.slice(1), 6));
      const held = (await store.read(t, (r) => r.pending.list(100, 0))).rows;
      // One reference per folded value, the first one named; held again, it keeps its first time.
      assert.deepEqual(held.map((p) => [p.kind, p.subjectId, p.reference, p.createdMs]).sort(), [
        ['member', outer.id, 'Late@s.com', 5],
        ['member', outer.id, 'later@s.com', 5],
      ]);
      // Another tenant sees none of it.
      assert.deepEqual(
        await store.read(b, (r) => r.groups.membersOf([outer.id, inner.id])),
        new Map([
          [outer.id, []],
          [inner.id, []],
        ]),
      );
      assert.equal(
        (await store.read(b, (r) => r.pending.list(100, 0))).rows.some((p) => p.subjectId === outer.id),
        false,
      );
      // One subject's references by its key: the same two, none of another kind, none in another tenant.
      assert.deepEqual((await store.read(t, (r) => r.pending.forSubject('member', outer.id))).map((p) => p.reference).sort(), ['Late@s.com', 'later@s.com']);
      assert.deepEqual(await store.read(t, (r) => r.pending.forSubject('manager', outer.id)), []);
      assert.deepEqual(await store.read(b, (r) => r.pending.forSubject('member', outer.id)), []);
    });

    it('reads people with their direct groups in name order, the same as groupsOf, and only in their tenant', async () => {
      const t = { tenantId: (await makeTenant(store, 'withgroups')).id };
      const [ann, bob, cid] = ['ann@w.com', 'bob@w.com', 'cid@w.com'].map((n) => person(n)) as [
        ReturnType<typeof person>,
        ReturnType<typeof person>,
        ReturnType<typeof person>,
      ];
      const mk = (name: string) => groupRecordFrom({ displayName: name }, { id: uuidv7(), version: 1, createdMs: 1, modifiedMs: 1 });
      const [zeta, alpha, mid] = [mk('zeta'), mk('Alpha "quoted" ünïcode'), mk('Mid')];
      await store.transaction(t, async (r) => {
        for (const u of [ann, bob, cid]) await r.users.insert(u);
        for (const g of [zeta, alpha, mid]) await r.groups.insert(g);
        for (const g of [zeta, alpha, mid]) await r.groups.addMembers(g.id, [{ id: ann.id, type: 'User' }], 2);
        await r.groups.addMembers(mid.id, [{ id: bob.id, type: 'User' }], 3);
      });
      const names = (groups: readonly { displayName: string }[]) => groups.map((g) => g.displayName);
      const one = await store.read(t, (r) => r.users.findByIdWithGroups(ann.id));
      assert.equal(one?.user.userName, 'ann@w.com');
      assert.deepEqual(names(one?.groups ?? []), ['Alpha "quoted" ünïcode', 'Mid', 'zeta']);
      assert.deepEqual(one?.groups, (await store.read(t, (r) => r.users.groupsOf([ann.id]))).get(ann.id));
      assert.deepEqual((await store.read(t, (r) => r.users.findByIdWithGroups(cid.id)))?.groups, []);
      const page = await store.read(t, (r) =>
        r.users.listWithGroups({ sort: { field: f(['userName']), descending: false }, page: { kind: 'index', offset: 0, limit: 10 } }),
      );
      assert.equal(page.total, 3);
      assert.deepEqual(
        page.rows.map((row) => [row.user.userName, names(row.groups)]),
        [
          ['ann@w.com', ['Alpha "quoted" ünïcode', 'Mid', 'zeta']],
          ['bob@w.com', ['Mid']],
          ['cid@w.com', []],
        ],
      );
      assert.equal(await store.read(b, (r) => r.users.findByIdWithGroups(ann.id)), undefined);
      assert.equal(
        (await store.read(b, (r) => r.users.listWithGroups({ page: { kind: 'cursor', limit: 100 } }))).rows.some((row) => row.user.userName.endsWith('@w.com')),
        false,
      );
    });

    it('keeps group names unique per tenant, case-insensitively', async () => {
      const t = { tenantId: (await makeTenant(store, 'groupnames')).id };
      const mk = (name: string) => groupRecordFrom({ displayName: name }, { id: uuidv7(), version: 1, createdMs: 1, modifiedMs: 1 });
      assert.equal(await store.transaction(t, (r) => r.groups.insert(mk('Sales'))), true);
      assert.equal(await store.transaction(t, (r) => r.groups.insert(mk('SALES'))), false);
      assert.equal(await store.transaction(b, (r) => r.groups.insert(mk('Sales'))), true);
    });

    it('writes provisioning-log entries of several tenants in one batch, field for field, and only where they belong', async () => {
      const at = Date.now();
      const full: RequestLogEntry = {
        tenantId: a.tenantId,
        id: uuidv7(),
        atMs: at,
        method: 'PATCH',
        path: '/scim/v2/Users/x?attributes=name',
        status: 200,
        durationMs: 12,
        client: 'Okta SCIM Client 1.0.0',
        credentialId: 'cred-1',
        resourceType: 'User',
        resourceId: 'x',
        changed: true,
        notes: { changes: ['name.familyName: "Lovelace" → "Byron" 😀'], normalisers: ['entra-string-boolean'], nested: { quote: '"\\', n: 1.5, none: null } },
        error: null,
        event: 'user.updated',
        requestBody: '{"Operations":[{"op":"replace","path":"name.familyName","value":"Byron 😀 \\"q\\""}]}',
        responseBody: '{"id":"x","name":{"familyName":"Byron"}}',
        searchText: '/scim/v2/users/x?attributes=name\nentra-string-boolean',
      };
      const bare: RequestLogEntry = {
        tenantId: a.tenantId,
        id: uuidv7(),
        atMs: at + 1,
        method: 'GET',
        path: '/scim/v2/Users',
        status: 401,
        durationMs: 0,
        client: null,
        credentialId: null,
        resourceType: null,
        resourceId: null,
        changed: false,
        notes: {},
        error: 'Authentication failed',
        event: null,
        requestBody: null,
        responseBody: null,
        searchText: null,
      };
      // Text PostgreSQL's jsonb refuses (a lone surrogate, U+0000) is kept as U+FFFD rather than losing the batch.
      const odd: RequestLogEntry = { ...bare, id: uuidv7(), atMs: at + 2, error: 'bad \ud800 and \u0000 here', notes: { ignored: ['x\udc00'] } };
      const other: RequestLogEntry = { ...full, tenantId: b.tenantId, id: uuidv7() };
      await store.appendRequestLog([full, bare, odd, other]);
      await store.appendRequestLog([full]); // the same id again: ignored, not an error

      const mine = await store.read(a, (r) => r.requestLog.list({ limit: 10 }));
      assert.deepEqual(mine.map((e) => e.id).sort(), [full.id, bare.id, odd.id].sort(), 'each once');
      const byId = new Map(mine.map((e) => [e.id, e]));
      assert.deepEqual(byId.get(full.id), full);
      assert.deepEqual(byId.get(bare.id), bare);
      assert.equal(byId.get(odd.id)?.error, 'bad \ufffd and \ufffd here');
      assert.deepEqual(byId.get(odd.id)?.notes, { ignored: ['x\ufffd'] });
      const theirs = await store.read(b, (r) => r.requestLog.list({ limit: 10 }));
      assert.deepEqual(theirs, [other]);
    });

    it('prunes the provisioning log by age, a chunk at a time, and only in its tenant', async () => {
      const tenant = await makeTenant(store, 'log-retention');
      const other = await makeTenant(store, 'log-retention-other');
      const entry = (tenantId: string, atMs: number): RequestLogEntry => ({
        tenantId,
        id: uuidv7(),
        atMs,
        method: 'GET',
        path: '/scim/v2/Users',
        status: 200,
        durationMs: 1,
        client: null,
        credentialId: null,
        resourceType: null,
        resourceId: null,
        changed: false,
        notes: {},
        error: null,
      });
      await store.appendRequestLog([...[10, 20, 30, 40, 50].map((at) => entry(tenant.id, at)), entry(other.id, 10)]);
      const scope = { tenantId: tenant.id };
      assert.equal(await store.transaction(scope, (r) => r.requestLog.prune(45, 2)), 2, 'no more than the chunk');
      assert.equal(await store.transaction(scope, (r) => r.requestLog.prune(45, 2)), 2);
      assert.equal(await store.transaction(scope, (r) => r.requestLog.prune(45, 2)), 0, 'nothing newer than the cutoff');
      assert.deepEqual(
        (await store.read(scope, (r) => r.requestLog.list({ limit: 10 }))).map((e) => e.atMs),
        [50],
      );
      assert.equal((await store.read({ tenantId: other.id }, (r) => r.requestLog.list({ limit: 10 }))).length, 1, 'another tenant keeps its log');
    });

    it('prunes events from the oldest on, never one a webhook endpoint has not received, and remembers how far', async () => {
      const tenant = await makeTenant(store, 'event-retention');
      const other = await makeTenant(store, 'event-retention-other');
      const scope = { tenantId: tenant.id };
      const draft = (occurredMs: number) => ({ id: uuidv7(), type: 'test.event', occurredMs, data: {} });
      const append = (scopeOf: TenantScope, times: number[]) => store.transaction(scopeOf, (r) => r.events.append(times.map(draft)));
      await append(scope, [1000, 1000, 1000]);
      await append({ tenantId: other.id }, [1000]);
      // The endpoint's stream starts at seq 3: it has "received" 1…3 and waits for the rest.
      await store.delivery.createEndpoint({
        id: uuidv7(),
        tenantId: tenant.id,
        url: 'https://example.com/hook',
        label: 'x',
        secret: 's',
        retiringSecrets: [],
        createdMs: 1,
      });
      await append(scope, [5000, 1000, 1000]);
      assert.equal(await store.transaction(scope, (r) => r.events.prune(2000, 100)), 3, 'up to what the endpoint received');
      assert.equal(await store.read(scope, (r) => r.events.prunedThrough()), 3);
      assert.equal(await store.transaction(scope, (r) => r.events.prune(99_000, 100)), 0, 'seq 4 is not delivered yet');

      // The endpoint receives everything.
      const [claim] = await store.delivery.claimDue('owner', Date.now(), Date.now() + 60_000, 10);
      assert.ok(claim);
      const key = { endpointId: claim.endpoint.id, tenantId: tenant.id };
      for (const seq of [4, 5, 6])
        assert.equal(await store.delivery.recordSuccess(key, { owner: 'owner', token: claim.stream.leaseToken }, seq, Date.now(), Date.now() + 60_000), true);

      assert.equal(await store.transaction(scope, (r) => r.events.prune(2000, 100)), 0, 'seq 4 is newer than the cutoff, so 5 and 6 stay too');
      assert.equal(await store.transaction(scope, (r) => r.events.prune(99_000, 2)), 2, 'a chunk at a time');
      assert.deepEqual(
        (await store.read(scope, (r) => r.events.after(0, 10))).map((e) => e.seq),
        [6],
      );
      assert.equal(await store.read(scope, (r) => r.events.prunedThrough()), 5);
      assert.equal(await store.read(scope, (r) => r.events.lastSeq()), 6);
      assert.equal(await store.read({ tenantId: other.id }, (r) => r.events.prunedThrough()), 0);
      assert.equal((await store.read({ tenantId: other.id }, (r) => r.events.after(0, 10))).length, 1, 'another tenant keeps its events');
    });

    it('records credentials as hashes and moves bookkeeping forward only', async () => {
      const tenant = await makeTenant(store, 'creds');
      await store.credentials.create({ id: 'c1', tenantId: tenant.id, kind: 'bearer', label: 'x', secretHash: 'ab', createdMs: 1, lastUsedMs: null, revokedMs: null });
      await store.credentials.recordUse([{ id: 'c1', lastUsedMs: 100 }]);
      await store.credentials.recordUse([{ id: 'c1', lastUsedMs: 50 }]);
      assert.equal((await store.credentials.findById('c1'))?.lastUsedMs, 100);
      await store.tenants.recordActivity([{ tenantId: tenant.id, lastRequestMs: 10 }]);
      await store.tenants.recordActivity([{ tenantId: tenant.id, lastRequestMs: 5, lastChangeMs: 7 }]);
      const after = await store.tenants.findById(tenant.id);
      assert.equal(after?.lastRequestMs, 10);
      assert.equal(after?.lastChangeMs, 7);
      assert.equal(await store.credentials.revoke('other-tenant', 'c1', 5), false, 'a tenant cannot revoke another tenant’s credential');
      assert.equal(await store.credentials.revoke(tenant.id, 'c1', 5), true);
    });

    it('deletes a tenant table by table in bounded steps, touching no other tenant, and can be run again', async () => {
      const doomed = await makeTenant(store, 'doomed');
      const keep = await makeTenant(store, 'kept');
      const fill = async (tenantId: string) => {
        const scope = { tenantId };
        const people = Array.from({ length: 7 }, (_, i) => person(`p${i}@example.com`, { emails: [{ value: `p${i}@example.com`, type: 'work' }] }));
        const group = groupRecordFrom({ displayName: 'Everyone' }, { id: uuidv7(), version: 1, createdMs: 1, modifiedMs: 1 });
        await store.transaction(scope, async (r) => {
          for (const p of people) await r.users.insert(p);
          await r.groups.insert(group);
          await r.groups.addMembers(
            group.id,
            people.map((p) => ({ id: p.id, type: 'User' as const })),
            2,
          );
          await r.events.append(people.map((p) => ({ id: uuidv7(), type: 'user.created', occurredMs: 1, data: { id: p.id } })));
        });
        await store.credentials.create({ id: uuidv7(), tenantId, kind: 'bearer', label: 'x', secretHash: uuidv7(), createdMs: 1, lastUsedMs: null, revokedMs: null });
      };
      await fill(doomed.id);
      await fill(keep.id);
      const total = (scope: TenantScope) => store.read(scope, async (r) => (await r.users.list({ page: { kind: 'index', offset: 0, limit: 0 } })).total);

      // Each step removes at most the limit, from the one table named.
      assert.equal(await store.tenants.purgeRows(doomed.id, 'group_members', 3), 3);
      assert.equal(await store.tenants.purgeRows(doomed.id, 'group_members', 3), 3);
      assert.equal(await store.tenants.purgeRows(doomed.id, 'group_members', 3), 1);
      assert.equal(await store.tenants.purgeRows(doomed.id, 'group_members', 3), 0);
      assert.equal(await store.tenants.purgeRows(doomed.id, 'user_emails', 100), 7);
      assert.equal(await store.tenants.purgeRows(doomed.id, 'users', 4), 4);
      assert.equal(await total({ tenantId: doomed.id }), 3);
      // Interrupted here and started again: the rest is found by tenant id.
      const counts: Record<string, number> = {};
      for (const table of TENANT_PURGE_ORDER) {
        let n = 0;
        for (let step = await store.tenants.purgeRows(doomed.id, table, 2); step > 0; step = await store.tenants.purgeRows(doomed.id, table, 2)) n += step;
        counts[table] = n;
      }
      assert.equal(counts['users'], 3);
      assert.equal(counts['groups'], 1);
      assert.equal(counts['events'], 7);
      assert.equal(counts['credentials'], 1);
      assert.equal(await store.tenants.delete(doomed.id), true);
      assert.equal(await store.tenants.findById(doomed.id), undefined);
      assert.equal(await store.tenants.delete(doomed.id), false, 'a second delete finds nothing');
      assert.equal(await store.tenants.purgeRows(doomed.id, 'users', 10), 0);
      // A process that buffered log entries of the deleted tenant still writes the rest of its batch.
      const entry = (tenantId: string): RequestLogEntry => ({
        tenantId,
        id: uuidv7(),
        atMs: 1,
        method: 'GET',
        path: '/scim/v2/Users',
        status: 403,
        durationMs: 0,
        client: null,
        credentialId: null,
        resourceType: null,
        resourceId: null,
        changed: false,
        notes: {},
        error: null,
      });
      await store.appendRequestLog([entry(doomed.id), entry(keep.id)]);
      assert.equal((await store.read({ tenantId: keep.id }, (r) => r.requestLog.list({ limit: 10 }))).length, 1);

      // The other tenant has every row it had.
      const kept = { tenantId: keep.id };
      assert.equal(await total(kept), 7);
      assert.equal(await store.read(kept, (r) => r.events.lastSeq()), 7);
      assert.equal((await store.credentials.listForTenant(keep.id)).length, 1);
      const groups = await store.read(kept, (r) => r.groups.list({ page: { kind: 'index', offset: 0, limit: 10 } }));
      assert.equal((await store.read(kept, (r) => r.groups.members(groups.rows[0]!.id))).length, 7);
      assert.equal((await store.read(kept, (r) => r.users.findByEmailFold('p3@example.com'))).length, 1);
    });

    it('renames a tenant’s slug and display name, and refuses a slug another tenant has', async () => {
      const tenant = await makeTenant(store, 'old-name');
      await makeTenant(store, 'taken-name');
      assert.equal(await store.tenants.rename(tenant.id, { slug: 'new-name', name: 'New Name Inc.' }), 'renamed');
      assert.equal(await store.tenants.findBySlug('old-name'), undefined);
      const renamed = await store.tenants.findBySlug('new-name');
      assert.deepEqual([renamed?.id, renamed?.name], [tenant.id, 'New Name Inc.']);
      assert.equal(await store.tenants.rename(tenant.id, { slug: 'taken-name' }), 'slugTaken');
      assert.equal((await store.tenants.findById(tenant.id))?.slug, 'new-name', 'nothing written');
      assert.equal(await store.tenants.rename(tenant.id, { name: 'Only the name' }), 'renamed');
      assert.equal((await store.tenants.findById(tenant.id))?.slug, 'new-name');
      assert.equal(await store.tenants.rename('no-such-tenant', { name: 'x' }), 'notFound');
    });

    it('disables and removes admins, ends one admin’s sessions only, and spends a reset link once', async () => {
      const { admins, sessions, passwordResets, audit } = store.admin;
      const admin = (email: string) => ({
        id: uuidv7(),
        email,
        emailFold: email,
        passwordHash: 'scrypt$x',
        role: 'operator' as const,
        tenantId: null,
        createdMs: 1,
        lastSignInMs: null,
        disabledMs: null,
      });
      const ann = admin('ann@example.com');
      const bob = admin('bob@example.com');
      await admins.create(ann);
      await admins.create(bob);
      for (const [hash, who] of [
        ['s1', ann],
        ['s2', ann],
        ['s3', bob],
      ] as const) {
        await sessions.create({ idHash: hash, adminId: who.id, createdMs: 1, lastSeenMs: 1, expiresMs: Number.MAX_SAFE_INTEGER });
      }
      assert.equal(await admins.setDisabled(ann.id, 50), true);
      assert.equal((await admins.findById(ann.id))?.disabledMs, 50);
      assert.equal((await sessions.findWithAdmin('s1'))?.admin.disabledMs, 50, 'a session read carries the disable');
      assert.equal(await sessions.deleteForAdmin(ann.id, 's2'), 1, 'all but the one kept');
      assert.equal(await sessions.findWithAdmin('s1'), undefined);
      assert.ok(await sessions.findWithAdmin('s2'));
      assert.ok(await sessions.findWithAdmin('s3'), 'another admin’s session stays');
      assert.equal(await admins.setDisabled(ann.id, null), true);
      assert.equal((await admins.findById(ann.id))?.disabledMs, null);

      await passwordResets.create({ tokenHash: 'old', adminId: ann.id, createdMs: 1, expiresMs: 1000, usedMs: null });
      await passwordResets.create({ tokenHash: 'new', adminId: ann.id, createdMs: 2, expiresMs: 1000, usedMs: null });
      assert.equal(await passwordResets.find('old'), undefined, 'a newer link replaces the older one');
      assert.equal(await passwordResets.consume('new', 1000), undefined, 'expired at its expiry time');
      const [first, second] = await Promise.all([passwordResets.consume('new', 999), passwordResets.consume('new', 999)]);
      assert.deepEqual(
        [first, second].filter((x) => x !== undefined),
        [ann.id],
        'two uses at once: exactly one wins',
      );
      assert.equal((await passwordResets.find('new'))?.usedMs, 999);
      assert.equal(await admins.setPasswordHash(ann.id, 'scrypt$new'), true);
      assert.equal((await admins.findById(ann.id))?.passwordHash, 'scrypt$new');

      assert.equal(await admins.delete(ann.id), true);
      assert.equal(await admins.findById(ann.id), undefined);
      assert.equal(await sessions.findWithAdmin('s2'), undefined, 'sessions go with the admin');
      assert.equal(await passwordResets.find('new'), undefined, 'reset links go with the admin');
      assert.equal(await admins.delete(ann.id), false);
      assert.ok(await admins.findById(bob.id));

      await audit.record({ id: uuidv7(), atMs: 10, actor: 'cli', action: 'admin.removed', subject: 'ann@example.com', detail: '{}' });
      await audit.record({ id: uuidv7(), atMs: 20, actor: 'cli', action: 'tenant.deleted', subject: 'acme', detail: '{"removed":{}}' });
      assert.deepEqual((await audit.latest(10)).map((e) => e.action).slice(0, 2), ['tenant.deleted', 'admin.removed']);
    });

    it('numbers the events of changes committing side by side 1, 2, 3… with no gaps, each change’s together and in order', async () => {
      const tenant = { tenantId: (await makeTenant(store, 'outbox')).id };
      const draft = (change: number, part: number) => ({ id: uuidv7(), type: 'test.event', occurredMs: change, data: { change, part } });
      // 30 changes at once, of 1 to 3 events each; every fifth fails after appending.
      const outcomes = await Promise.allSettled(
        Array.from({ length: 30 }, (_, change) =>
          store.transaction(tenant, async (r) => {
            await r.events.append(Array.from({ length: (change % 3) + 1 }, (_, part) => draft(change, part)));
            if (change % 5 === 4) throw new Error(`change ${change} fails`);
          }),
        ),
      );
      const committed = new Set(outcomes.flatMap((o, change) => (o.status === 'fulfilled' ? [change] : [])));
      assert.equal(committed.size, 24);
      const events = await store.read(tenant, (r) => r.events.after(0, 1000));
      assert.deepEqual(
        events.map((e) => e.seq),
        events.map((_, i) => i + 1),
        'no gaps',
      );
      assert.equal(await store.read(tenant, (r) => r.events.lastSeq()), events.length);
      assert.deepEqual(new Set(events.map((e) => e.data['change'])), committed, 'exactly the committed changes');
      // Each change's events are consecutive, in the order appended.
      const runs: { change: unknown; parts: unknown[] }[] = [];
      for (const e of events) {
        if (runs.at(-1)?.change === e.data['change']) runs.at(-1)!.parts.push(e.data['part']);
        else runs.push({ change: e.data['change'], parts: [e.data['part']] });
      }
      assert.equal(runs.length, committed.size);
      for (const run of runs)
        assert.deepEqual(
          run.parts,
          run.parts.map((_, i) => i),
        );
      // A change made after another has committed comes after it.
      await store.transaction(tenant, (r) => r.events.append([draft(100, 0)]));
      await store.transaction(tenant, (r) => r.events.append([draft(101, 0)]));
      const tail = await store.read(tenant, (r) => r.events.after(events.length, 10));
      assert.deepEqual(
        tail.map((e) => [e.seq, e.data['change']]),
        [
          [events.length + 1, 100],
          [events.length + 2, 101],
        ],
      );
      assert.deepEqual(await store.read(b, (r) => r.events.after(0, 1000)), [], 'another tenant sees none of them');
      assert.equal(await store.read(b, (r) => r.events.lastSeq()), 0);
    });

    it('gives a snapshot that holds every event it counts and none it does not, while changes commit', async () => {
      const tenant = { tenantId: (await makeTenant(store, 'snapshots')).id };
      let writing = true;
      const writes = (async () => {
        for (let i = 0; i < 60; i += 3) {
          await Promise.all(
            [0, 1, 2].map((k) =>
              store.transaction(tenant, async (r) => {
                const user = person(`snap${i + k}@example.com`);
                await r.users.insert(user);
                await r.events.append([{ id: uuidv7(), type: 'user.created', occurredMs: 1, data: { id: user.id } }]);
              }),
            ),
          );
        }
        writing = false;
      })();
      let taken = 0;
      while (writing || taken === 0) {
        const { seq, people } = await store.snapshot(tenant, async (r) => ({
          seq: await r.events.lastSeq(),
          people: (await r.users.list({ page: { kind: 'index', offset: 0, limit: 0 } })).total,
        }));
        assert.equal(people, seq, `a snapshot at seq ${seq} holds ${people} people`);
        taken += 1;
        // SQLite answers without waiting on I/O: give the writers a turn of the event loop.
        await new Promise((resolve) => setImmediate(resolve));
      }
      await writes;
      assert.ok(taken > 1);
    });
  });
}

async function makeTenant(store: Store, slug: string) {
  const tenant = { id: uuidv7(), slug, name: slug, provisioningEnabled: true, settings: {}, createdMs: Date.now(), lastRequestMs: null, lastChangeMs: null };
  await store.tenants.create(tenant);
  return tenant;
}
