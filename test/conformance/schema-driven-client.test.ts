/**
 * A strict, schema-driven client against a real, listening Roster on each engine. It knows nothing
 * of Roster beyond what discovery says: it reads /ServiceProviderConfig, /ResourceTypes and
 * /Schemas, then for every attribute of the User (core, enterprise and the tenant's own extension)
 * and Group schemas makes a value of the declared type (canonicalValues, referenceTypes,
 * sub-attributes and multiValued honoured), and checks that what the schema promises holds:
 * create and read back per `mutability` and `returned`, readOnly input ignored, writeOnly never
 * returned, `caseExact` as filters compare, PATCH add/replace/remove of every mutable attribute,
 * and PUT of the whole resource — each answering 2xx and reading back consistently.
 *
 * Values are realistic where Roster's value rules judge them (an email address, a language of the
 * tenant's list, an ISO 3166-1 alpha-2 country, an IANA zone, a yyyy-MM-dd hire date), so the test
 * holds whether the tenant enforces those rules or only reports them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createServer, type RosterServer } from '../../src/app/create-server.js';
import { loadConfig } from '../../src/config/config.js';
import type { JsonObject, JsonValue } from '../../src/json/json-value.js';
import { issueCredential } from '../../src/provisioning/credentials/manage-credentials.js';
import { createTenant, updateTenantSettings } from '../../src/provisioning/tenants/manage-tenants.js';
import { createTestDatabase, testEngines, type TestDatabase } from '../../src/testing/databases.js';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const TENANT_URN = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';

interface Attribute {
  readonly name: string;
  readonly type: string;
  readonly multiValued: boolean;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  readonly returned: 'always' | 'never' | 'default' | 'request';
  readonly uniqueness: string;
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
  readonly subAttributes?: readonly Attribute[];
}
interface Schema {
  readonly id: string;
  readonly attributes: readonly Attribute[];
}
interface ResourceType {
  readonly name: string;
  readonly endpoint: string;
  readonly schema: string;
  readonly schemaExtensions?: readonly { schema: string; required: boolean }[];
}
/** An attribute with where it lives: `urn` is set for extension attributes. */
interface Slot {
  readonly urn?: string;
  readonly attribute: Attribute;
}

/**
 * What a strict client still cannot do, by attribute, with the reason. Each entry must still trip
 * and nothing else may: the list is as short as the truth allows.
 */
const LIMITS: Record<string, string> = {
  'Group.members.display':
    'kept as sent when the member is added: a later PUT or PATCH naming the same member with another display keeps the first instead of answering 400 mutability (RFC 7644 §3.5.1)',
};

const slotName = (resource: string, slot: Slot) => `${resource}.${slot.urn ? `${slot.urn}:` : ''}${slot.attribute.name}`;

for (const { engine, skip } of testEngines()) {
  describe(`a schema-driven strict client on ${engine}`, { skip }, () => {
    let database: TestDatabase | undefined;
    let server: RosterServer | undefined;
    let base = '';
    let token = '';
    let counter = 0;
    /** Every attribute PATCHed, to show the pass covered the schemas and was not vacuous. */
    const patched: string[] = [];
    const tripped = new Set<string>();
    const subPatched: string[] = [];
    const filtered: string[] = [];
    const sortedBy: string[] = [];

    before(async () => {
      database = await createTestDatabase(engine);
      server = await createServer(loadConfig({ LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: database.url }));
      const address = await server.listen();
      const tenant = await createTenant(server.rt, { slug: 'strict' });
      // The tenant publishes its own extension URN, as a host product does (README.md#the-directory-model).
      await updateTenantSettings(server.rt, tenant.slug, { extensionUrn: TENANT_URN });
      token = (await issueCredential(server.rt, tenant.id, 'bearer', 'strict client')).secret;
      base = `${address}/scim/v2`;
    });
    after(async () => {
      await server?.close();
      await database?.dispose();
    });

    const call = async (method: string, path: string, body?: JsonValue): Promise<{ status: number; body: JsonObject; text: string }> => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json', accept: 'application/scim+json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as JsonObject), text };
    };
    const ok = (response: { status: number; text: string }, what: string) =>
      assert.ok(response.status >= 200 && response.status < 300, `${what}: ${response.status} ${response.text}`);

    /** Discovery, as a strict client does it before anything else. */
    const discover = async () => {
      const config = await call('GET', '/ServiceProviderConfig');
      ok(config, 'GET /ServiceProviderConfig');
      const types = await call('GET', '/ResourceTypes');
      ok(types, 'GET /ResourceTypes');
      const schemas = await call('GET', '/Schemas');
      ok(schemas, 'GET /Schemas');
      const all = schemas.body['Resources'] as unknown as Schema[];
      const resourceTypes = types.body['Resources'] as unknown as ResourceType[];
      const slotsOf = (name: string): Slot[] => {
        const type = resourceTypes.find((r) => r.name === name);
        assert.ok(type, `/ResourceTypes has ${name}`);
        const schemaOf = (id: string) => {
          const found = all.find((s) => s.id === id);
          assert.ok(found, `/Schemas has ${id}, which /ResourceTypes names`);
          return found;
        };
        return [
          ...schemaOf(type.schema).attributes.map((attribute) => ({ attribute })),
          ...(type.schemaExtensions ?? []).flatMap((e) => schemaOf(e.schema).attributes.map((attribute) => ({ urn: e.schema, attribute }))),
        ];
      };
      return { config: config.body, types: resourceTypes, user: slotsOf('User'), group: slotsOf('Group') };
    };

    /** References the generator may point at: a real user for User references. */
    const someUserIds: string[] = [];

    /** A value valid for the declared type; `variant` gives a second, different value. */
    const generate = (attribute: Attribute, path: string, variant: number, index = 0): JsonValue => {
      if (attribute.multiValued) {
        // Two values, the first primary where the attribute has `primary` (RFC 7643 §2.4).
        const single = { ...attribute, multiValued: false };
        const [one, two] = [generate(single, path, variant, 0), generate(single, path, variant, 1)];
        const hasPrimary = attribute.type === 'complex' && isObject(one) && attribute.subAttributes?.some((s) => s.name === 'primary');
        return hasPrimary && isObject(one) ? [{ ...one, primary: true }, two] : [one, two];
      }
      const n = `${variant}${++counter}`;
      switch (attribute.type) {
        case 'complex': {
          const out: JsonObject = {};
          for (const sub of attribute.subAttributes ?? []) {
            // readOnly sub-attributes go in too: the server must ignore them (RFC 7643 §2.2).
            if (sub.name === 'primary') continue;
            out[sub.name] = sub.mutability === 'readOnly' ? `client-sent ${sub.name}` : generate(sub, `${path}.${sub.name}`, variant, index);
          }
          return out;
        }
        case 'boolean':
          return variant % 2 === 0;
        case 'integer':
          return 40 + variant;
        case 'decimal':
          return 1.5 + variant;
        case 'dateTime':
          return `202${variant}-01-31T10:00:00Z`;
        case 'binary':
          return Buffer.from(`certificate ${n}`).toString('base64');
        case 'reference': {
          const kinds = attribute.referenceTypes ?? [];
          assert.ok(kinds.length > 0, `${path} is a reference without referenceTypes`);
          if (kinds.includes('User')) return `${base}/Users/${someUserIds[index] ?? ''}`;
          if (kinds.includes('external')) return `https://example.com/${path}/${n}`;
          return `urn:example:${n}`;
        }
        default:
          return realistic(attribute, path, variant, n, index);
      }
    };
    const realistic = (attribute: Attribute, path: string, variant: number, n: string, index: number): string => {
      const known: Record<string, readonly string[]> = {
        userName: [`strict-a${n}@example.com`, `strict-b${n}@example.com`],
        'emails.value': [`mail-a${n}@example.com`, `mail-b${n}@example.com`],
        preferredLanguage: ['en', 'fr'],
        locale: ['en-GB', 'de-DE'],
        timezone: ['Europe/London', 'America/New_York'],
        'addresses.country': ['GB', 'DE'],
        'phoneNumbers.value': ['tel:+44-20-7946-0000', 'tel:+1-201-555-0123'],
        hireDate: ['2024-01-31', '2023-06-30'],
        // Identifiers of resources (RFC 7643 §4.2, §4.3): a client names a User that exists.
        'manager.value': [someUserIds[0] ?? '', someUserIds[0] ?? ''],
        'members.value': [someUserIds[index] ?? '', someUserIds[index] ?? ''],
        // The member's type is the type of the resource its value names.
        'members.type': ['User', 'User'],
      };
      const bare = path.slice(path.lastIndexOf(':') + 1);
      const chosen = known[bare]?.[variant % 2];
      if (chosen !== undefined) return chosen;
      const canonical = attribute.canonicalValues ?? [];
      if (canonical.length > 0) return canonical[(variant + index) % canonical.length] ?? '';
      return `${attribute.name} ${variant === 0 ? 'First' : 'Second'} ${n}`;
    };

    /** A whole resource body from the slots, for POST or PUT. */
    const body = (resource: string, slots: readonly Slot[], variant: number, extra: JsonObject = {}): JsonObject => {
      const out: JsonObject = {};
      const schemas = new Set<string>();
      for (const slot of slots) {
        if (slot.attribute.mutability === 'readOnly') continue;
        const value = generate(slot.attribute, slot.attribute.name, variant);
        if (slot.urn) {
          schemas.add(slot.urn);
          out[slot.urn] = { ...((out[slot.urn] as JsonObject | undefined) ?? {}), [slot.attribute.name]: value };
        } else out[slot.attribute.name] = value;
      }
      const core = resource === 'User' ? 'urn:ietf:params:scim:schemas:core:2.0:User' : 'urn:ietf:params:scim:schemas:core:2.0:Group';
      return { schemas: [core, ...schemas], ...out, ...extra };
    };

    /** Checks what came back against what was sent, per the attribute's declared characteristics. */
    const checkReadBack = (resource: string, slots: readonly Slot[], sent: JsonObject, got: JsonObject, step: string) => {
      for (const slot of slots) {
        const name = `${slotName(resource, slot)} (${step})`;
        const { attribute } = slot;
        const container = (doc: JsonObject) => (slot.urn ? ((doc[slot.urn] as JsonObject | undefined) ?? {}) : doc);
        const returned = container(got)[attribute.name];
        if (attribute.returned === 'never' || attribute.mutability === 'writeOnly') {
          assert.equal(returned, undefined, `${name}: returned "never" yet returned`);
          continue;
        }
        if (attribute.mutability === 'readOnly') continue;
        const expected = container(sent)[attribute.name];
        if (expected === undefined) continue;
        const kept = (sub: string) => tripped.add(`${slotName(resource, slot)}.${sub}`);
        const later = step === 'POST answer' || step === 'GET' ? undefined : kept;
        assert.ok(subsetOf(expected, returned, attribute, later), `${name}: sent ${JSON.stringify(expected)}, read back ${JSON.stringify(returned)}`);
      }
    };

    const patch = (...Operations: JsonObject[]) => ({ schemas: [PATCH_OP], Operations });
    const pathOf = (slot: Slot) => (slot.urn ? `${slot.urn}:${slot.attribute.name}` : slot.attribute.name);

    /**
     * PATCH each readWrite sub-attribute by its own path: `name.givenName` for a single complex
     * attribute, `emails[value eq "…"].display` for a multi-valued one (RFC 7644 §3.5.2).
     */
    const patchSubAttributes = async (endpoint: string, id: string, slot: Slot, current: JsonObject) => {
      const { attribute } = slot;
      if (attribute.type !== 'complex') return;
      const now = (slot.urn ? ((current[slot.urn] as JsonObject | undefined) ?? {}) : current)[attribute.name];
      const element = Array.isArray(now) ? now.find(isObject) : now;
      if (!isObject(element)) return;
      const key = ['value', 'type'].find((k) => typeof element[k] === 'string');
      if (attribute.multiValued && key === undefined) return;
      for (const sub of attribute.subAttributes ?? []) {
        if (sub.mutability !== 'readWrite' || sub.name === key || sub.name === 'primary') continue;
        const target = attribute.multiValued ? `${pathOf(slot)}[${key} eq ${JSON.stringify(element[key ?? ''])}].${sub.name}` : `${pathOf(slot)}.${sub.name}`;
        const value = generate(sub, `${attribute.name}.${sub.name}`, 1);
        const response = await call('PATCH', `${endpoint}/${id}`, patch({ op: 'replace', path: target, value }));
        ok(response, `PATCH replace ${target}`);
        subPatched.push(target);
        const read = (await call('GET', `${endpoint}/${id}`)).body;
        const after = (slot.urn ? ((read[slot.urn] as JsonObject | undefined) ?? {}) : read)[attribute.name];
        const elements = Array.isArray(after) ? after.filter(isObject) : isObject(after) ? [after] : [];
        const changed = attribute.multiValued ? elements.find((e) => e[key ?? ''] === element[key ?? '']) : elements[0];
        assert.ok(changed && subsetOf(value, changed[sub.name], sub), `${target}: read back ${JSON.stringify(after)}`);
      }
    };

    /** One full pass for a resource type: create, read, filter, PATCH each attribute, PUT. */
    const exercise = async (resource: 'User' | 'Group', slots: readonly Slot[], endpoint: string, extra: () => JsonObject) => {
      const sent = body(resource, slots, 0, extra());
      const created = await call('POST', endpoint, sent);
      ok(created, `POST ${endpoint}`);
      const id = String(created.body['id']);
      checkReadBack(resource, slots, sent, created.body, 'POST answer');
      const read = await call('GET', `${endpoint}/${id}`);
      ok(read, `GET ${endpoint}/${id}`);
      checkReadBack(resource, slots, sent, read.body, 'GET');

      // uniqueness "server": a second resource with the same value (in another case where caseExact
      // is false) is 409 uniqueness (RFC 7644 §3.3); required: a body without it is 400.
      for (const slot of slots) {
        const { attribute } = slot;
        if (slot.urn || attribute.type !== 'string') continue;
        const value = sent[attribute.name];
        if (attribute.uniqueness === 'server' && typeof value === 'string') {
          const again = body(resource, slots, 1, { ...extra(), [attribute.name]: attribute.caseExact ? value : value.toUpperCase() });
          const duplicate = await call('POST', endpoint, again);
          assert.equal(duplicate.status, 409, `${slotName(resource, slot)}: uniqueness server: ${duplicate.text}`);
          assert.equal(duplicate.body['scimType'], 'uniqueness');
        }
        if (attribute.required) {
          const without = body(resource, slots, 1, extra());
          delete without[attribute.name];
          const refused = await call('POST', endpoint, without);
          assert.equal(refused.status, 400, `${slotName(resource, slot)}: required: ${refused.text}`);
        }
      }

      // caseExact as filters compare it: a value written in another case matches only if caseExact is false.
      for (const slot of slots) {
        const { attribute } = slot;
        const value = (slot.urn ? (sent[slot.urn] as JsonObject) : sent)[attribute.name];
        if (attribute.type !== 'string' || attribute.multiValued || typeof value !== 'string' || value.toUpperCase() === value) continue;
        if (attribute.mutability === 'writeOnly' || attribute.returned === 'never') continue;
        const filter = `${pathOf(slot)} eq "${value.toUpperCase()}" and id eq "${id}"`;
        const found = await call('GET', `${endpoint}?filter=${encodeURIComponent(filter)}`);
        ok(found, `filter ${filter}`);
        assert.equal(found.body['totalResults'], attribute.caseExact ? 0 : 1, `${slotName(resource, slot)}: caseExact ${attribute.caseExact} as filters compare`);
      }

      // Every value written is found by `eq` on its own path (RFC 7644 §3.4.2.2), sub-attributes
      // of complex attributes included.
      for (const slot of slots) {
        const { attribute } = slot;
        if (attribute.mutability === 'writeOnly' || attribute.mutability === 'readOnly' || attribute.returned === 'never') continue;
        const value = (slot.urn ? (sent[slot.urn] as JsonObject) : sent)[attribute.name];
        const first = Array.isArray(value) ? value[0] : value;
        const leaves: [string, JsonValue][] = isObject(first)
          ? Object.entries(first)
              .filter(([sub]) => attribute.subAttributes?.find((d) => d.name === sub)?.mutability !== 'readOnly')
              .map(([sub, v]) => [`${pathOf(slot)}.${sub}`, v])
          : first === undefined
            ? []
            : [[pathOf(slot), first]];
        for (const [path, leaf] of leaves) {
          if (leaf === null || typeof leaf === 'object') continue;
          const filter = `${path} eq ${JSON.stringify(leaf)} and id eq "${id}"`;
          const found = await call('GET', `${endpoint}?filter=${encodeURIComponent(filter)}`);
          ok(found, `filter ${filter}`);
          assert.equal(found.body['totalResults'], 1, `filter ${filter}`);
          filtered.push(path);
        }
      }

      // sortBy on every simple path, sub-attributes included (RFC 7644 §3.4.2.3).
      for (const slot of slots) {
        const { attribute } = slot;
        if (attribute.mutability === 'writeOnly' || attribute.returned === 'never') continue;
        const paths =
          attribute.type === 'complex'
            ? (attribute.subAttributes ?? []).filter((sub) => sub.type !== 'complex').map((sub) => `${pathOf(slot)}.${sub.name}`)
            : [pathOf(slot)];
        for (const path of paths) {
          const sorted = await call('GET', `${endpoint}?sortBy=${encodeURIComponent(path)}&sortOrder=descending&count=2`);
          ok(sorted, `sortBy ${path}`);
          sortedBy.push(path);
        }
      }

      // A whole extension replaced by its URN, its value carrying its own "schemas" (RFC 7644 §3.5.2.3).
      for (const urn of new Set(slots.map((slot) => slot.urn).filter((u): u is string => u !== undefined))) {
        const inner =
          (body(
            resource,
            slots.filter((slot) => slot.urn === urn),
            1,
          )[urn] as JsonObject | undefined) ?? {};
        const replaced = await call('PATCH', `${endpoint}/${id}`, patch({ op: 'replace', path: urn, value: { schemas: [urn], ...inner } }));
        ok(replaced, `PATCH replace ${urn}`);
        checkReadBack(
          resource,
          slots.filter((slot) => slot.urn === urn),
          { [urn]: inner },
          (await call('GET', `${endpoint}/${id}`)).body,
          `PATCH ${urn}`,
        );
      }

      // PATCH: replace, add and remove each mutable attribute, reading back after each.
      for (const slot of slots) {
        const { attribute } = slot;
        if (attribute.mutability === 'readOnly' || attribute.mutability === 'immutable') continue;
        const name = slotName(resource, slot);
        const wrap = (value: JsonValue): JsonObject => (slot.urn ? { [slot.urn]: { [attribute.name]: value } } : { [attribute.name]: value });
        const replaced = generate(attribute, attribute.name, 1);
        const replace = await call(
          'PATCH',
          `${endpoint}/${id}?attributes=${encodeURIComponent(pathOf(slot))}`,
          patch({ op: 'replace', path: pathOf(slot), value: replaced }),
        );
        ok(replace, `${name}: PATCH replace`);
        patched.push(name);
        checkReadBack(resource, [slot], wrap(replaced), (await call('GET', `${endpoint}/${id}`)).body, 'PATCH replace');
        const added = generate(attribute, attribute.name, 0);
        const add = await call('PATCH', `${endpoint}/${id}`, patch({ op: 'add', path: pathOf(slot), value: added }));
        ok(add, `${name}: PATCH add`);
        const afterAdd = (await call('GET', `${endpoint}/${id}`)).body;
        checkReadBack(resource, [slot], wrap(added), afterAdd, 'PATCH add');
        await patchSubAttributes(endpoint, id, slot, afterAdd);
        // excludedAttributes leaves out what is not returned "always" (RFC 7644 §3.4.2.5).
        const excluded = await call('GET', `${endpoint}/${id}?excludedAttributes=${encodeURIComponent(pathOf(slot))}`);
        ok(excluded, `${name}: GET with excludedAttributes`);
        const shown = (slot.urn ? ((excluded.body[slot.urn] as JsonObject | undefined) ?? {}) : excluded.body)[attribute.name];
        assert.equal(shown !== undefined, attribute.returned === 'always', `${name}: excludedAttributes and returned "${attribute.returned}"`);
        const asked = await call('GET', `${endpoint}/${id}?attributes=${encodeURIComponent(pathOf(slot))}`);
        ok(asked, `${name}: GET with attributes`);
        const named = (slot.urn ? ((asked.body[slot.urn] as JsonObject | undefined) ?? {}) : asked.body)[attribute.name];
        const full = (await call('GET', `${endpoint}/${id}`)).body;
        assert.deepEqual(named, (slot.urn ? ((full[slot.urn] as JsonObject | undefined) ?? {}) : full)[attribute.name], `${name}: attributes=${pathOf(slot)}`);
        if (attribute.required) continue; // RFC 7644 §3.5.2.2: removing a required attribute is refused
        const remove = await call('PATCH', `${endpoint}/${id}`, patch({ op: 'remove', path: pathOf(slot) }));
        ok(remove, `${name}: PATCH remove`);
        const afterRemove = (await call('GET', `${endpoint}/${id}`)).body;
        const left = (slot.urn ? ((afterRemove[slot.urn] as JsonObject | undefined) ?? {}) : afterRemove)[attribute.name];
        // RFC 7643 §2.5: unassigned, null and an empty array are the same state.
        assert.ok(left === undefined || left === null || (Array.isArray(left) && left.length === 0), `${name}: still there after PATCH remove`);
      }

      // PUT the whole resource with different values; readOnly attributes sent are ignored.
      const replacement = body(resource, slots, 1, extra());
      const put = await call('PUT', `${endpoint}/${id}`, { ...replacement, id, meta: { resourceType: resource } });
      ok(put, `PUT ${endpoint}/${id}`);
      checkReadBack(resource, slots, replacement, (await call('GET', `${endpoint}/${id}`)).body, 'PUT');
      return id;
    };

    it('discovers, then creates, reads, filters, PATCHes and PUTs every User and Group attribute as the schemas declare', async () => {
      const found = await discover();
      assert.equal(field(found.config, 'patch', 'supported'), true);
      assert.equal(field(found.config, 'filter', 'supported'), true);
      const extensions = found.user.map((s) => s.urn).filter((u): u is string => u !== undefined);
      assert.ok(extensions.includes(TENANT_URN), "the tenant's own extension URN is discovered");
      // Something for User references to point at.
      for (const userName of ['reference-one@example.com', 'reference-two@example.com']) {
        const target = await call('POST', '/Users', { userName });
        ok(target, 'POST a reference target');
        someUserIds.push(String(target.body['id']));
      }

      const userEndpoint = found.types.find((t) => t.name === 'User')?.endpoint ?? '';
      const groupEndpoint = found.types.find((t) => t.name === 'Group')?.endpoint ?? '';
      // readOnly attributes sent on input are ignored (RFC 7643 §2.2): `groups` goes in with every body.
      const userId = await exercise('User', found.user, userEndpoint, () => ({ groups: [{ value: 'not-a-group' }] }));
      const reread = await call('GET', `${userEndpoint}/${userId}`);
      const groups = (reread.body['groups'] as JsonObject[] | undefined) ?? [];
      assert.ok(!groups.some((g) => g['value'] === 'not-a-group'), 'readOnly groups sent by the client were ignored');
      assert.equal(reread.body['password'], undefined, 'writeOnly password is never returned');
      await exercise('Group', found.group, groupEndpoint, () => ({}));
      const mutable = [...found.user.map((s) => ['User', s] as const), ...found.group.map((s) => ['Group', s] as const)]
        .filter(([, s]) => s.attribute.mutability === 'readWrite' || s.attribute.mutability === 'writeOnly')
        .map(([resource, s]) => slotName(resource, s));
      assert.deepEqual(patched, mutable);
      assert.ok(patched.length > 30, `${patched.length} attributes PATCHed`);
      assert.deepEqual([...tripped].sort(), Object.keys(LIMITS).sort(), 'what the strict client trips on is exactly what LIMITS lists');
      assert.ok(sortedBy.length > 50, `${sortedBy.length} paths sorted by`);
      assert.ok(filtered.length > 50, `${filtered.length} paths filtered`);
      assert.ok(subPatched.length > 20, `${subPatched.length} sub-attributes PATCHed: ${subPatched.join(', ')}`);
    });
  });
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function field(body: JsonValue | undefined, ...path: string[]): JsonValue | undefined {
  let current = body;
  for (const key of path) current = isObject(current) ? current[key] : undefined;
  return current;
}

/**
 * Whether `sent` reads back in `got`: every sent (sub-)value present, strings compared per caseExact.
 * On a later write (`kept` given), an immutable sub-attribute that kept its first value is reported
 * to `kept` rather than failing: RFC 7644 §3.5.1 wants 400 there, which the caller checks against LIMITS.
 */
function subsetOf(sent: JsonValue, got: JsonValue | undefined, attribute: Attribute, kept?: (sub: string) => void): boolean {
  if (got === undefined) return false;
  if (Array.isArray(sent)) {
    if (!Array.isArray(got)) return false;
    const single = { ...attribute, multiValued: false };
    return sent.every((item) => {
      if (got.some((candidate) => subsetOf(item, candidate, single))) return true;
      // Not found as sent: on a later write, the element with the same value may have kept an immutable part.
      const same = got.find((candidate) => isObject(item) && isObject(candidate) && item['value'] !== undefined && candidate['value'] === item['value']);
      return kept !== undefined && same !== undefined && subsetOf(item, same, single, kept);
    });
  }
  if (isObject(sent)) {
    if (!isObject(got)) return false;
    return Object.entries(sent).every(([key, value]) => {
      const sub = attribute.subAttributes?.find((s) => s.name === key);
      if (sub?.mutability === 'readOnly') return got[key] !== value; // ignored on input
      if (sub?.mutability === 'immutable' && kept && got[key] !== undefined && !subsetOf(value, got[key], sub)) {
        kept(key);
        return true;
      }
      return sub ? subsetOf(value, got[key], sub) : JSON.stringify(value) === JSON.stringify(got[key]);
    });
  }
  if (typeof sent === 'string' && typeof got === 'string' && !attribute.caseExact) return sent.toLowerCase() === got.toLowerCase();
  return JSON.stringify(sent) === JSON.stringify(got);
}
