import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import * as wire from 'roster-scim-webhooks';
import { z } from 'zod';
import { isJsonObject, type JsonValue } from '../json/json-value.js';
import type { EventBuffer } from '../provisioning/events/event-buffer.js';
import { upsertSsoLogin } from '../provisioning/sso/upsert-sso-login.js';
import { createTenant } from '../provisioning/tenants/manage-tenants.js';
import { goLive } from '../provisioning/tenants/tenant-preview.js';
import { testEngines } from '../testing/databases.js';
import { createTestServer, type TestServer } from '../testing/test-server.js';
import { EVENT_PAYLOADS, EVENT_TYPES, eventPayloadProblems, type EventPayloads, type EventType, type RosterEvent } from './event-types.js';

/** True only when A and B are assignable both ways. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// The receivers' package declares the events on its own (it installs without the server). These
// fail to type-check (`npm run typecheck`, and test/tsconfig.json in typecheck.test.ts) the moment
// the server's event shapes and the package's differ.
const sameTypes: Same<EventType, wire.EventType> = true;
const samePayloads: Same<EventPayloads, wire.EventPayloads> = true;
const sameEvents: Same<RosterEvent, wire.RosterEvent> = true;

/**
 * Never called: each write below is wrong, so each must fail the type-check, and an
 * `@ts-expect-error` with no error under it fails the type-check itself.
 */
function wrongWrites(events: EventBuffer): void {
  // @ts-expect-error a field missing: the members
  events.push('group.members_added', { group: { id: 'g1' } });
  // @ts-expect-error a field of the wrong type
  events.push('user.deleted', { user: { id: 1 } });
  // @ts-expect-error a field the type does not declare
  events.push('user.deactivated', { user: { id: 'u1', userName: 'a@example.com' }, reason: 'left' });
  // @ts-expect-error a type that does not exist
  events.push('user.renamed', { user: { id: 'u1' } });
  // @ts-expect-error schemaVersion is the buffer's to write
  events.push('user.deleted', { schemaVersion: 2, user: { id: 'u1' } });
  // @ts-expect-error a folder named in a group's event
  events.pushMembers('group.members_added', { id: 'f1', kind: 'department', value: 'Sales' }, ['u1']);
}
void wrongWrites;

describe('the roster-scim-webhooks package and the server agree on events', () => {
  it('has the same event types', () => {
    assert.deepEqual([...wire.EVENT_TYPES].sort(), [...EVENT_TYPES].sort());
    assert.deepEqual([sameTypes, samePayloads, sameEvents], [true, true, true]);
  });
});

/** The schema under optional, nullable and readonly wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return unwrap(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodReadonly) return unwrap(schema.def.innerType as z.ZodType);
  return schema;
}

/** Every field a payload declares, as paths (`user.id`, `changes[].attribute`); opaque JSON is not gone into. */
function declaredFields(schema: z.ZodType, prefix = '', out = new Set<string>()): Set<string> {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) {
    for (const [key, field] of Object.entries(inner.shape as Record<string, z.ZodType>)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      out.add(path);
      declaredFields(field, path, out);
    }
  } else if (inner instanceof z.ZodArray) {
    declaredFields(inner.element as z.ZodType, `${prefix}[]`, out);
  }
  return out;
}

/**
 * The fields an example shows, walked beside the declaration: a key the declaration lacks is a
 * problem, and the values of opaque fields (a profile, a value before or after) are not fields.
 */
function documentedFields(example: JsonValue, schema: z.ZodType | undefined, prefix: string, out: Set<string>, problems: string[]): void {
  const inner = schema && unwrap(schema);
  if (Array.isArray(example)) {
    if (inner instanceof z.ZodArray) for (const item of example) documentedFields(item, inner.element as z.ZodType, `${prefix}[]`, out, problems);
    return;
  }
  if (typeof example !== 'object' || example === null || !(inner instanceof z.ZodObject)) return;
  const shape = inner.shape as Record<string, z.ZodType>;
  for (const [key, value] of Object.entries(example)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (!Object.hasOwn(shape, key)) problems.push(`${path} is documented but not declared`);
    else {
      out.add(path);
      documentedFields(value, shape[key], path, out, problems);
    }
  }
}

/** The event sections of docs/events.md: the types each heading names and the JSON examples under it. */
function documentedEvents(): { types: string[]; examples: JsonValue[] }[] {
  const text = readFileSync(new URL('../../docs/events.md', import.meta.url), 'utf8');
  const start = text.indexOf('\n## Event types');
  const end = text.indexOf('\n## ', start + 1);
  assert.ok(start >= 0 && end > start, 'docs/events.md has an "Event types" section');
  return text
    .slice(start, end)
    .split(/\n### /)
    .slice(1)
    .map((section) => {
      const heading = section.slice(0, section.indexOf('\n'));
      const types = [...heading.matchAll(/`([a-z_]+\.[a-z_]+)`/g)].map((m) => m[1]!);
      const examples = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as JsonValue);
      return { types, examples };
    });
}

describe('docs/events.md describes the declared events', () => {
  const sections = documentedEvents();

  it('gives every declared event type a section, and documents no other', () => {
    const documented = sections.flatMap((s) => s.types);
    assert.deepEqual([...documented].sort(), [...EVENT_TYPES].sort());
    assert.equal(new Set(documented).size, documented.length, 'each type in one section');
  });

  it('shows exactly the declared fields of each type in its examples', () => {
    const problems: string[] = [];
    for (const { types, examples } of sections) {
      for (const type of types.filter((t): t is EventType => (EVENT_TYPES as readonly string[]).includes(t))) {
        if (examples.length === 0) problems.push(`${type}: no example`);
        const shown = new Set<string>();
        const undeclared: string[] = [];
        for (const example of examples) documentedFields(example, EVENT_PAYLOADS[type], '', shown, undeclared);
        problems.push(...undeclared.map((p) => `${type}: ${p}`));
        for (const field of declaredFields(EVENT_PAYLOADS[type])) if (!shown.has(field)) problems.push(`${type}: ${field} is declared but no example shows it`);
        for (const example of examples) for (const problem of eventPayloadProblems(type, example)) problems.push(`${type} example: ${problem}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('the check finds a field missing on either side', () => {
    const problems: string[] = [];
    const shown = new Set<string>();
    documentedFields({ schemaVersion: 1, user: { id: 'u1', nickname: 'x' } }, EVENT_PAYLOADS['user.deleted'], '', shown, problems);
    assert.deepEqual(problems, ['user.nickname is documented but not declared']);
    const declared = declaredFields(EVENT_PAYLOADS['user.updated']);
    assert.ok(declared.has('valueFlags[].rule') && declared.has('changes[].before') && !declared.has('changes[].before.x'));
  });
});

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

for (const { engine, skip } of testEngines()) {
  describe(`every event the app writes matches its declaration on ${engine}`, { skip }, () => {
    let t: TestServer;
    before(async () => {
      t = await createTestServer(engine);
    });
    after(async () => t?.close());

    it('writes each declared type, each payload exactly as declared', async () => {
      const ok = (status: number, expected: number, raw: string) => assert.equal(status, expected, raw);
      // A report names a manager who is not there yet, in a department, with a country that breaks a rule.
      const report = await t.scim('POST', '/Users', {
        userName: 'report@events.example',
        addresses: [{ type: 'work', country: 'Germany' }],
        [ENTERPRISE]: { department: 'Sales', manager: { value: 'boss@events.example' } },
      });
      ok(report.status, 201, report.raw);
      const reportId = String(report.body['id']);
      // The manager arrives: user.manager_linked.
      const boss = await t.scim('POST', '/Users', { userName: 'boss@events.example' });
      ok(boss.status, 201, boss.raw);
      // A move between departments, a deactivation and a reactivation.
      ok(
        (await t.scim('PATCH', `/Users/${reportId}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: `${ENTERPRISE}:department`, value: 'Ops' }] })).status,
        200,
        '',
      );
      ok((await t.scim('PATCH', `/Users/${reportId}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] })).status, 200, '');
      ok((await t.scim('PATCH', `/Users/${reportId}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: true } }] })).status, 200, '');
      // An SSO profile that a SCIM create adopts: user.updated with adopted.
      await upsertSsoLogin(t.server.rt, t.tenant, { userName: 'jit@events.example' });
      ok((await t.scim('POST', '/Users', { userName: 'jit@events.example', title: 'Engineer' })).status, 201, '');
      // A group: created with a member, renamed, a member removed, deleted.
      const group = await t.scim('POST', '/Groups', { displayName: 'Events', members: [{ value: reportId }, { value: String(boss.body['id']) }] });
      ok(group.status, 201, group.raw);
      const groupId = String(group.body['id']);
      ok((await t.scim('PATCH', `/Groups/${groupId}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'Events 2' }] })).status, 204, '');
      ok((await t.scim('PATCH', `/Groups/${groupId}`, { schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${reportId}"]` }] })).status, 204, '');
      ok((await t.scim('DELETE', `/Users/${String(boss.body['id'])}`)).status, 204, '');
      ok((await t.scim('DELETE', `/Groups/${groupId}`)).status, 204, '');

      await t.server.store.eventsSettled({ tenantId: t.tenant.id });
      const events = await t.server.store.read({ tenantId: t.tenant.id }, (r) => r.events.after(0, 1000));
      // A tenant in preview goes live: tenant.live (docs/events.md "Preview before go-live").
      const preview = await createTenant(t.server.rt, { slug: 'events-preview', mode: 'preview' });
      await goLive(t.server.rt, preview, { base: 'http://roster.test', actor: 'cli' });
      const wentLive = await t.server.store.read({ tenantId: preview.id }, (r) => r.events.after(0, 10));
      const written = [...events, ...wentLive];
      assert.deepEqual([...new Set(written.map((e) => e.type))].sort(), [...EVENT_TYPES].sort(), 'every type written');
      const problems = written.flatMap((e) => eventPayloadProblems(e.type, e.data).map((p) => `${e.type} #${e.seq}: ${p}`));
      assert.deepEqual(problems, []);
      const adopted = events.find((e) => e.type === 'user.updated' && e.data['adopted'] === true);
      assert.ok(adopted, 'the adoption is a user.updated with adopted: true');
      const created = events.find((e) => e.type === 'user.created' && isJsonObject(e.data['user']) && e.data['user']['id'] === reportId);
      assert.ok(created && Array.isArray(created.data['valueFlags']) && created.data['valueFlags'].length === 1, 'the country is flagged');
    });

    it('the runtime check refuses a payload that breaks the declaration', () => {
      assert.deepEqual(eventPayloadProblems('user.deleted', { schemaVersion: 1, user: { id: 'u1' } }), []);
      assert.equal(eventPayloadProblems('user.deleted', { schemaVersion: 1, user: { id: 'u1' }, extra: true }).length, 1);
      assert.equal(eventPayloadProblems('group.members_added', { schemaVersion: 1, group: { id: 'g1' } }).length, 1);
      assert.deepEqual(eventPayloadProblems('user.renamed', {}), ['unknown event type "user.renamed"']);
      assert.deepEqual(eventPayloadProblems('toString', {}), ['unknown event type "toString"']);
    });
  });
}
