/**
 * The forms filter-plans.test.ts proves bounded give the answers RFC 7644 §3.4.2.2 asks for: every
 * filter shape (src/testing/filter-shapes.ts) is listed through the store on both engines and
 * compared with an in-memory reading of the same filter over the same people and groups, element
 * by element with the PATCH value-filter matcher (src/scim/patch/match-filter.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value.js';
import { uuidv7 } from '../../provisioning/runtime.js';
import { groupRecordFrom } from '../../provisioning/groups/group-record.js';
import { userRecordFrom } from '../../provisioning/users/user-record.js';
import type { Filter } from '../../scim/filter/ast.js';
import { parseFilter } from '../../scim/filter/parse-filter.js';
import { resolveFilter } from '../../scim/filter/resolve-filter.js';
import { matchesFilter } from '../../scim/patch/match-filter.js';
import type { AttributeDefinition } from '../../scim/schemas/attribute.js';
import { groupResourceSchema, resolvePath, userResourceSchema, type ResourceSchema } from '../../scim/schemas/registry.js';
import { openTestStore, testEngines } from '../../testing/databases.js';
import { filterShapes, type FilterTable } from '../../testing/filter-shapes.js';
import type { Store, TenantScope } from '../store.js';

/** An attribute as the element of a one-element list, so the element matcher reads it by name. */
function holder(attribute: AttributeDefinition): AttributeDefinition {
  return { ...attribute, name: '(resource)', type: 'complex', multiValued: false, subAttributes: [attribute] };
}

/** Whether a resource (its document, with meta, groups and members filled in) matches a filter. */
function matchesResource(resource: JsonObject, filter: Filter, schema: ResourceSchema): boolean {
  switch (filter.kind) {
    case 'and':
      return matchesResource(resource, filter.left, schema) && matchesResource(resource, filter.right, schema);
    case 'or':
      return matchesResource(resource, filter.left, schema) || matchesResource(resource, filter.right, schema);
    case 'not':
      return !matchesResource(resource, filter.filter, schema);
    case 'valuePath': {
      const { attribute } = resolvePath(schema, filter.path)!;
      const elements = resource[attribute.name];
      return Array.isArray(elements) && elements.some((element) => matchesFilter(element, filter.filter, attribute));
    }
    case 'present':
    case 'compare': {
      const { attribute, subAttribute, extension } = resolvePath(schema, filter.path)!;
      const container = extension ? resource[extension.id] : resource;
      const value: JsonValue | undefined = isJsonObject(container ?? null) ? (container as JsonObject)[attribute.name] : undefined;
      const leaf = (path: { attribute: string }): Filter => (filter.kind === 'present' ? { kind: 'present', path } : { ...filter, path });
      if (attribute.multiValued) {
        // `emails co "x"` is about each email's value (RFC 7644 §3.4.2.2).
        const sub = subAttribute?.name ?? 'value';
        return Array.isArray(value) && value.some((element) => matchesFilter(element, leaf({ attribute: sub }), attribute));
      }
      if (subAttribute) return matchesFilter(value ?? {}, leaf({ attribute: subAttribute.name }), attribute);
      return matchesFilter({ [attribute.name]: value ?? null }, leaf({ attribute: attribute.name }), holder(attribute));
    }
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
const BASE_MS = Date.UTC(2024, 0, 1);

/** People whose stored form says exactly what their document says (every email has a value and an explicit primary). */
function peopleDocuments(): JsonObject[] {
  return Array.from(
    { length: 40 },
    (_, i): JsonObject => ({
      userName: i % 7 === 0 ? `Ada${i}@X.com` : `user${i}@example.com`,
      active: i % 5 !== 0,
      ...(i % 3 === 0 ? { title: i % 2 === 0 ? 'u5 Engineer' : 'Title 3' } : {}),
      ...(i % 4 === 0 ? { externalId: `ext-${i}` } : {}),
      ...(i % 6 !== 0 ? { displayName: `Person ${i}` } : {}),
      ...(i % 2 === 0 ? { name: { givenName: `u${i}` } } : {}),
      ...(i % 5 === 1 ? { 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: `u${i} dept` } } : {}),
      emails: [
        ...(i % 9 === 8 ? [] : [{ value: `u${i}@x.com`, primary: i % 3 !== 1, ...(i % 4 !== 3 ? { type: i % 2 === 0 ? 'work' : 'home' } : {}) } as JsonObject]),
        ...(i % 3 === 0 ? [{ value: `U${i + 1}@Home.org`, primary: false, type: 'other', display: `u${i} at home` }] : []),
      ],
      ...(i % 4 === 1 ? { phoneNumbers: [{ value: `+1 555 ${i}`, type: 'work' }] } : {}),
    }),
  );
}

for (const { engine, skip } of testEngines()) {
  describe(`filter results on ${engine}: the same people and groups as the in-memory reading`, { skip }, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    let scope: TenantScope;
    const resources: Record<FilterTable, Map<string, JsonObject>> = { users: new Map(), groups: new Map() };
    let member = '';

    before(async () => {
      ({ store, dispose } = await openTestStore(engine));
      const tenantId = uuidv7();
      await store.tenants.create({
        id: tenantId,
        slug: 'results',
        name: 'results',
        provisioningEnabled: true,
        settings: {},
        createdMs: 0,
        lastRequestMs: null,
        lastChangeMs: null,
      });
      scope = { tenantId };
      const people = peopleDocuments().map((document, i) =>
        userRecordFrom(document, { id: uuidv7(), version: 1, createdMs: BASE_MS + i, modifiedMs: BASE_MS + i * 1000, source: 'scim', managerId: null }),
      );
      const groups = Array.from({ length: 6 }, (_, g) =>
        groupRecordFrom({ displayName: [`alpha ${g}`, `eng ${g}`, `Group ${g}`][g % 3]! }, { id: uuidv7(), version: 1, createdMs: BASE_MS + g, modifiedMs: BASE_MS + g }),
      );
      member = people[3]!.id;
      const membersOf = (g: number) => people.filter((_, i) => i % (g + 2) === 0 || i === 3).map((p) => ({ id: p.id, type: 'User' as const }));
      await store.transaction(scope, async (r) => {
        for (const person of people) await r.users.insert(person);
        for (const group of groups) await r.groups.insert(group);
        for (const [g, group] of groups.entries()) {
          const nested = g === 1 ? [{ id: groups[0]!.id, type: 'Group' as const }] : [];
          await r.groups.addMembers(group.id, [...membersOf(g), ...nested], BASE_MS);
        }
      });
      // The documents as the in-memory reading sees them: what was stored, with meta, groups and members.
      const nameOf = new Map<string, string>([...people.map((p) => [p.id, p.userName] as const), ...groups.map((g) => [g.id, g.displayName] as const)]);
      for (const [g, group] of groups.entries()) {
        const members = [...membersOf(g), ...(g === 1 ? [{ id: groups[0]!.id, type: 'Group' }] : [])];
        resources.groups.set(group.id, {
          ...group.document,
          id: group.id,
          meta: { created: iso(group.createdMs), lastModified: iso(group.modifiedMs) },
          members: members.map((m) => ({ value: m.id, type: m.type, display: nameOf.get(m.id)! })),
        });
      }
      for (const person of people) {
        const direct = groups.filter((_, g) => membersOf(g).some((m) => m.id === person.id));
        resources.users.set(person.id, {
          ...person.document,
          id: person.id,
          active: person.active,
          meta: { created: iso(person.createdMs), lastModified: iso(person.modifiedMs) },
          groups: direct.map((g) => ({ value: g.id, display: g.displayName, type: 'direct' })),
        });
      }
    });
    after(async () => dispose?.());

    for (const table of ['users', 'groups'] as const) {
      it(`${table}: every filter shape`, async () => {
        const schema = table === 'users' ? userResourceSchema() : groupResourceSchema;
        const mismatches: string[] = [];
        let matchedSome = 0;
        for (const { filter: text } of filterShapes(table)) {
          const { filter } = parseFilter(text.replaceAll('{member}', member), { maxLength: 100_000 });
          const where = resolveFilter(schema, filter);
          const page = { kind: 'index' as const, offset: 0, limit: 1000 };
          const listed = await store.read(scope, async (r) =>
            table === 'users'
              ? (await r.users.listWithGroups({ where, page })).rows.map((row) => row.user.id)
              : (await r.groups.list({ where, page })).rows.map((row) => row.id),
          );
          const expected = [...resources[table]].filter(([, resource]) => matchesResource(resource, filter, schema)).map(([id]) => id);
          if (expected.length > 0 && expected.length < resources[table].size) matchedSome++;
          if (JSON.stringify([...listed].sort()) !== JSON.stringify(expected.sort())) {
            mismatches.push(`${text.slice(0, 120)}: listed ${listed.length}, expected ${expected.length}`);
          }
        }
        assert.deepEqual(mismatches, []);
        // The data tells shapes apart: most filters match some of the resources, not none or all.
        assert.ok(matchedSome > filterShapes(table).length / 4, `only ${matchedSome} shapes matched a strict subset`);
      });
    }
  });
}
