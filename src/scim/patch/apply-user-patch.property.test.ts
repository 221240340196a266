// Seeded random PATCH sequences: the engine only ever throws ScimError, never mutates its input,
// keeps the stored-document invariants, and applying ops together equals applying them one by one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { isJsonObject } from '../../json/json-value.js';
import { ScimError } from '../errors.js';
import { userResourceSchema } from '../schemas/registry.js';
import { applyPatch } from './apply-user-patch.js';
import { jsonEqual } from './attribute-value.js';
import { parsePatchRequest, type PatchOperation } from './patch-request.js';
import { seededRandom as random } from '../../testing/seeded-random.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATHS = [
  'userName',
  'displayName',
  'nickName',
  'title',
  'active',
  'externalId',
  'name',
  'name.givenName',
  'name.familyName',
  'emails',
  'emails[type eq "work"]',
  'emails[type eq "work"].value',
  'emails[primary eq true].type',
  'emails.display',
  'emails[type eq "home" or value co "x"]',
  'emails[not (type eq "work")].primary',
  'phoneNumbers[type eq "mobile"].value',
  'addresses[type eq "work"].locality',
  'addresses[type eq "work" and primary eq true].country',
  'addresses',
  `${ENTERPRISE}:department`,
  `${ENTERPRISE}:manager`,
  `${ENTERPRISE}:manager.value`,
  'manager',
  ENTERPRISE,
  'id',
  'meta.created',
  'groups',
  'password',
  'unknownThing',
  'name.unknown',
  'emails[bogus eq 1]',
  'emails[type gt true]',
];
const SCALARS: JsonValue[] = ['', 'work', 'home', 'x@example.com', 'True', true, false, 0, 1.5, null];

function value(next: () => number, depth = 0): JsonValue {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const roll = next();
  if (depth > 1 || roll < 0.5) return pick(SCALARS);
  if (roll < 0.75) return Array.from({ length: Math.floor(next() * 3) }, () => value(next, depth + 1));
  const keys = ['value', 'type', 'primary', 'givenName', 'display', 'department', 'locality', 'active', 'emails', 'id', 'Value'];
  const object: JsonObject = {};
  for (let i = Math.floor(next() * 3); i >= 0; i -= 1) object[pick(keys)] = value(next, depth + 1);
  return object;
}

/** A value that fits `path` (most of the time the generator should produce applicable operations). */
function fitting(path: string | undefined, next: () => number): JsonValue {
  const text = (): string => ['work', 'home', 'x@example.com', 'Tour', ''][Math.floor(next() * 5)] as string;
  const element = (): JsonObject => ({ value: text(), type: next() < 0.5 ? 'work' : 'home', ...(next() < 0.3 ? { primary: next() < 0.5 } : {}) });
  if (path === undefined) return { nickName: text(), active: next() < 0.5, name: { givenName: text() }, emails: [element()] };
  if (/(active|primary)$/.test(path)) return next() < 0.5;
  if (path === 'name') return { givenName: text(), middleName: null };
  if (path === 'emails' || path === 'addresses') return Array.from({ length: Math.floor(next() * 3) }, element);
  if (path.endsWith(']')) return element();
  if (/manager$/.test(path)) return { value: text() };
  if (path === ENTERPRISE) return { department: text(), costCenter: text() };
  return text();
}

function operation(next: () => number): JsonValue {
  const op = ['add', 'remove', 'replace', 'Replace'][Math.floor(next() * 4)] as string;
  const out: JsonObject = { op };
  const path = next() < 0.85 ? (PATHS[Math.floor(next() * PATHS.length)] as string) : undefined;
  if (path !== undefined) out['path'] = path;
  if (op !== 'remove' || next() < 0.05) out['value'] = next() < 0.8 ? fitting(path, next) : value(next);
  return out;
}

function start(): JsonObject {
  return {
    userName: 'bjensen',
    active: true,
    name: { givenName: 'Barbara', familyName: 'Jensen' },
    emails: [
      { value: 'b@example.com', type: 'work', primary: true },
      { value: 'h@example.com', type: 'home' },
    ],
    [ENTERPRISE]: { department: 'Tour' },
  };
}

function deepFreeze<T extends JsonValue>(item: T): T {
  if (typeof item === 'object' && item !== null) {
    for (const child of Object.values(item)) deepFreeze(child);
    Object.freeze(item);
  }
  return item;
}

/** Stored-document invariants: no nulls or empty lists/objects, no server-owned keys, one primary at most. */
function checkInvariants(document: JsonObject): void {
  for (const key of ['id', 'meta', 'schemas', 'password', 'groups']) assert.equal(key in document, false, key);
  const walk = (item: JsonValue, where: string): void => {
    assert.notEqual(item, null, `${where} is null`);
    if (Array.isArray(item)) {
      assert.ok(item.length > 0, `${where} is an empty list`);
      const primaries = item.filter((e) => isJsonObject(e) && e['primary'] === true).length;
      assert.ok(primaries <= 1, `${where} has ${primaries} primaries`);
      for (const [i, e] of item.entries()) walk(e, `${where}[${i}]`);
    } else if (isJsonObject(item)) {
      assert.ok(Object.keys(item).length > 0, `${where} is an empty object`);
      for (const [k, v] of Object.entries(item)) walk(v, `${where}.${k}`);
    }
  };
  for (const [k, v] of Object.entries(document)) walk(v, k);
}

describe('applyPatch under random operation sequences', () => {
  const schema = userResourceSchema();

  it('applying [] changes nothing', () => {
    const result = applyPatch(schema, deepFreeze(start()), []);
    assert.deepEqual(result.document, start());
    assert.deepEqual(result.changedPaths, []);
  });

  it('2,000 seeded sequences: only ScimError, input untouched, invariants kept, stepwise = together', () => {
    let applied = 0;
    for (let seed = 1; seed <= 2000; seed += 1) {
      const next = random(seed);
      const raw = Array.from({ length: 1 + Math.floor(next() * 6) }, () => operation(next));
      let ops: PatchOperation[];
      try {
        ops = parsePatchRequest({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: raw });
      } catch (error) {
        assert.ok(error instanceof ScimError, `seed ${seed}: parse threw ${String(error)}`);
        continue;
      }
      const input = deepFreeze(start());
      let result: ReturnType<typeof applyPatch>;
      try {
        result = applyPatch(schema, input, ops);
      } catch (error) {
        assert.ok(error instanceof ScimError, `seed ${seed}: ${JSON.stringify(raw)} threw ${String(error)}`);
        assert.deepEqual(input, start());
        continue;
      }
      applied += 1;
      checkInvariants(result.document);
      assert.deepEqual(input, start(), `seed ${seed} mutated its input`);
      assert.equal(result.changedPaths.length === 0, jsonEqual(result.document, input), `seed ${seed}: changedPaths`);
      const stepwise = ops.reduce((doc, op) => applyPatch(schema, doc, [op]).document, start());
      assert.deepEqual(stepwise, result.document, `seed ${seed}: stepwise differs`);
      assert.deepEqual(applyPatch(schema, result.document, []).changedPaths, []);
    }
    // Guard against a generator that only produces failures.
    assert.ok(applied > 400, `only ${applied} sequences applied`);
  });
});
