// The whole pipeline over every fixture: which normalisers fire, that a second pass fires none,
// and that random bodies never make a normaliser throw or mutate its input.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { JsonObject, JsonValue } from '../../json/json-value.js';
import type { ResourceTypeName } from '../schemas/registry.js';
import { normalisePatchBody, normaliseResourceBody, normalisers } from './index.js';

const fixture = (name: string): JsonValue => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as JsonValue;

/** Fixture → [stage, resource type, normalisers expected to fire]. */
const EXPECTED: Record<string, ['patch' | 'resource', ResourceTypeName, string[]]> = {
  'entra-update-user-multivalued': ['patch', 'User', ['entra-capitalised-op']],
  'entra-update-user-singlevalued': ['patch', 'User', ['entra-capitalised-op']],
  'entra-disable-user': ['patch', 'User', ['entra-capitalised-op']],
  'entra-update-group-displayname': ['patch', 'Group', ['entra-capitalised-op']],
  'entra-add-members': ['patch', 'Group', ['entra-capitalised-op', 'member-ref-cleanup']],
  'entra-remove-members': ['patch', 'Group', ['entra-capitalised-op', 'member-ref-cleanup', 'entra-member-remove-by-value']],
  'entra-set-manager-example5': ['patch', 'User', ['entra-capitalised-op', 'manager-shapes', 'entra-unqualified-manager']],
  'entra-disable-user-unflagged': ['patch', 'User', ['entra-capitalised-op', 'entra-string-boolean']],
  'entra-disable-user-flagged': ['patch', 'User', []],
  'entra-add-attribute-unflagged': ['patch', 'User', ['entra-capitalised-op']],
  'entra-add-attribute-flagged': ['patch', 'User', []],
  'entra-replace-multiple-unflagged': ['patch', 'User', ['entra-capitalised-op']],
  'entra-replace-multiple-flagged': ['patch', 'User', ['entra-dotted-keys']],
  'entra-remove-member-unflagged': ['patch', 'Group', ['entra-capitalised-op', 'entra-member-remove-by-value']],
  'entra-remove-member-flagged': ['patch', 'Group', []],
  'entra-manager-string-patch': ['patch', 'User', ['manager-shapes']],
  'entra-manager-string-post': ['resource', 'User', ['manager-shapes']],
  'entra-create-user-example2': ['resource', 'User', ['manager-shapes']],
  'okta-deactivate-user': ['patch', 'User', []],
  'okta-rename-group': ['patch', 'Group', ['okta-noop-id-in-value']],
  'okta-membership': ['patch', 'Group', []],
  'okta-full-membership-push': ['patch', 'Group', []],
  'postman-post-user-string-true': ['resource', 'User', ['entra-string-boolean']],
  'postman-group-add-member-string': ['patch', 'Group', ['member-ref-cleanup']],
  'postman-add-member-displayname': ['patch', 'Group', ['member-ref-cleanup']],
};

const normalise = (stage: 'patch' | 'resource', type: ResourceTypeName, body: JsonValue) =>
  stage === 'patch' ? normalisePatchBody(type, body) : normaliseResourceBody(type, body);

describe('quirk pipeline', () => {
  it('every fixture file is covered by this table', () => {
    // Single request bodies only; the whole exchanges under fixtures/replays/ are the replay suites' (test/conformance).
    const files = readdirSync(new URL('./fixtures/', import.meta.url))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.replace(/\.json$/, ''))
      .sort();
    assert.deepEqual(files, Object.keys(EXPECTED).sort());
  });

  for (const [name, [stage, type, expected]] of Object.entries(EXPECTED)) {
    it(`${name}: fires ${expected.join(', ') || 'nothing'}; a second pass fires nothing`, () => {
      const input = fixture(name);
      const first = normalise(stage, type, input);
      assert.deepEqual(first.fired, expected);
      assert.deepEqual(input, fixture(name), 'input not mutated');
      if (expected.length === 0) assert.equal(first.body, input, 'unchanged bodies are passed through as is');
      assert.deepEqual(normalise(stage, type, first.body).fired, []);
    });
  }

  it('every normaliser names its evidence, and every evidenced fixture exists', () => {
    const files = new Set(readdirSync(new URL('./fixtures/', import.meta.url)));
    for (const n of normalisers) {
      assert.ok(n.description.length > 20 && /docs\/idp-behaviors\.md#[a-z-]+/.test(n.evidence), n.name);
      for (const file of n.evidence.match(/[a-z0-9-]+\.json/g) ?? []) assert.ok(files.has(file), `${n.name}: ${file}`);
    }
  });

  it('random bodies: normalisers never throw and never mutate their input (seeded)', () => {
    let state = 12345;
    const next = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 4294967296;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const KEYS = [
      'op',
      'Op',
      'path',
      'value',
      'Operations',
      'schemas',
      'members',
      'manager',
      'active',
      'id',
      '$ref',
      'displayName',
      'name.givenName',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      'emails',
      'primary',
      'display',
    ];
    const SCALARS: JsonValue[] = ['Add', 'remove', 'Replace', 'members', 'manager', 'active', 'True', 'false', '', 'emails[type eq "work"].primary', '[', null, 3, true];
    const random = (depth: number): JsonValue => {
      const roll = next();
      if (depth > 3 || roll < 0.4) return pick(SCALARS);
      if (roll < 0.6) return Array.from({ length: Math.floor(next() * 4) }, () => random(depth + 1));
      const object: JsonObject = {};
      for (let i = Math.floor(next() * 4); i >= 0; i -= 1) object[pick(KEYS)] = random(depth + 1);
      return object;
    };
    for (let i = 0; i < 3000; i += 1) {
      const body = random(0);
      const snapshot = structuredClone(body);
      for (const type of ['User', 'Group'] as const) {
        normalisePatchBody(type, body);
        normalisePatchBody(type, { schemas: [], Operations: [random(1), random(1)] });
        normaliseResourceBody(type, body);
      }
      assert.deepEqual(body, snapshot);
    }
  });
});
