import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonValue } from '../../json/json-value.js';
import { attr, type SchemaDefinition } from '../schemas/attribute.js';
import { coreUserSchema } from '../schemas/core-user.js';
import { enterpriseUserSchema } from '../schemas/enterprise-user.js';
import { findAttribute, groupResourceSchema, userResourceSchema } from '../schemas/registry.js';
import { URN } from '../schemas/urns.js';
import { ScimError } from '../errors.js';
import { canonicaliseValue, parseResource, type IgnoredAttribute } from './parse-resource.js';

const ENT = URN.enterpriseUser;
const ACME = 'urn:example:params:scim:schemas:extension:acme:2.0:User';

/** A test extension with an attribute of each remaining RFC 7643 §2.3 type. */
const acmeSchema: SchemaDefinition = {
  id: ACME,
  name: 'AcmeUser',
  description: 'Test-only extension',
  attributes: [
    attr('businessUnit', 'string', 'Business unit.'),
    attr('startedAt', 'dateTime', 'Start.'),
    attr('level', 'integer', 'Level.'),
    attr('score', 'decimal', 'Score.'),
    attr('badge', 'binary', 'Badge photo.'),
    attr('homepage', 'reference', 'Homepage.'),
    attr('costCenter', 'string', 'Also in the enterprise extension.'),
  ],
};
const users = userResourceSchema([enterpriseUserSchema, acmeSchema]);

function rejects(body: JsonValue, scimType: string, ...detailParts: string[]): void {
  assert.throws(
    () => parseResource(users, body),
    (error: unknown) => {
      assert.ok(error instanceof ScimError);
      assert.equal(error.status, 400);
      assert.equal(error.scimType, scimType);
      for (const part of detailParts) assert.ok(error.detail.includes(part), `"${error.detail}" lacks ${part}`);
      return true;
    },
  );
}

describe('parseResource: types (400 invalidValue naming path, value and type)', () => {
  it('rejects a body that is not an object with invalidSyntax', () => {
    rejects([], 'invalidSyntax');
    rejects('user', 'invalidSyntax');
    rejects(null, 'invalidSyntax');
  });

  it('string', () => rejects({ userName: 42 }, 'invalidValue', '"userName"', '42', 'a string'));
  it('boolean: string booleans are not booleans here', () => rejects({ userName: 'u', active: 'true' }, 'invalidValue', '"active"', '"true"', 'boolean'));
  it('integer', () => rejects({ userName: 'u', [ACME]: { level: 1.5 } }, 'invalidValue', `${ACME}:level`, '1.5', 'integer'));
  it('decimal', () => rejects({ userName: 'u', [ACME]: { score: '1' } }, 'invalidValue', `${ACME}:score`, 'a number'));
  it('dateTime: impossible date and free text', () => {
    rejects({ userName: 'u', [ACME]: { startedAt: '2024-02-30T00:00:00Z' } }, 'invalidValue', 'startedAt', 'dateTime');
    rejects({ userName: 'u', [ACME]: { startedAt: 'yesterday' } }, 'invalidValue', 'startedAt');
  });
  it('dateTime: seven fractional digits and an offset are fine (Microsoft)', () => {
    const { document } = parseResource(users, { userName: 'u', [ACME]: { startedAt: '2015-10-10T14:38:21.8617979-07:00' } });
    assert.deepEqual(document[ACME], { startedAt: '2015-10-10T14:38:21.8617979-07:00' });
  });
  it('reference', () => rejects({ userName: 'u', profileUrl: 5 }, 'invalidValue', '"profileUrl"', 'reference'));
  it('binary', () => rejects({ userName: 'u', [ACME]: { badge: true } }, 'invalidValue', 'badge', 'base64'));
  it('complex', () => rejects({ userName: 'u', name: 'Joy Young' }, 'invalidValue', '"name"', 'an object'));
  it('complex sub-attribute', () => rejects({ userName: 'u', emails: [{ value: 'a', primary: 'yes' }] }, 'invalidValue', '"emails.primary"'));
  it('multi-valued: a string is not a list', () => rejects({ userName: 'u', emails: 'a@x' }, 'invalidValue', '"emails"', 'array'));
  it('multi-valued: an array for a single-valued attribute is rejected', () => rejects({ userName: ['u'] }, 'invalidValue', '"userName"'));
  it('an extension key that is not an object', () => rejects({ userName: 'u', [ENT]: 'x' }, 'invalidValue', ENT));

  it('multi-valued complex: one object is taken as a list of one', () => {
    const { document } = parseResource(users, { userName: 'u', emails: { value: 'a@x', type: 'work' } });
    assert.deepEqual(document['emails'], [{ value: 'a@x', type: 'work' }]);
  });

  it('truncates a long received value in the detail', () => {
    const long = 'x'.repeat(500);
    assert.throws(
      () => parseResource(users, { userName: 'u', active: long }),
      (error: unknown) => {
        assert.ok(error instanceof ScimError);
        assert.ok(error.detail.length < 200);
        assert.ok(error.detail.includes('…'));
        return true;
      },
    );
  });

  it('never type-checks (so never echoes) a password', () => {
    const parsed = parseResource(users, { userName: 'u', password: 12345 });
    assert.deepEqual(parsed.ignored, [{ path: 'password', reason: 'password' }]);
  });

  it('at most one primary per multi-valued attribute', () => {
    rejects(
      {
        userName: 'u',
        emails: [
          { value: 'a', primary: true },
          { value: 'b', primary: true },
        ],
      },
      'invalidValue',
      '"emails"',
      'primary',
    );
  });
});

describe('parseResource: required attributes', () => {
  it('userName missing, null or blank → invalidValue', () => {
    rejects({ name: { givenName: 'G' } }, 'invalidValue', '"userName"', 'required');
    rejects({ userName: null }, 'invalidValue', '"userName"');
    rejects({ userName: '   ' }, 'invalidValue', '"userName"');
  });

  it('group displayName missing → invalidValue', () => {
    assert.throws(
      () => parseResource(groupResourceSchema, { members: [] }),
      (error: unknown) => {
        assert.ok(error instanceof ScimError);
        assert.equal(error.scimType, 'invalidValue');
        assert.ok(error.detail.includes('"displayName"'));
        return true;
      },
    );
  });
});

describe('canonicaliseValue (shared with PATCH)', () => {
  it('canonicalises a PATCH value for a multi-valued attribute', () => {
    const emails = findAttribute(coreUserSchema.attributes, 'emails');
    assert.ok(emails);
    const ignored: IgnoredAttribute[] = [];
    const value = canonicaliseValue(emails, [{ Value: 'a@x', Primary: true, Bogus: 1 }], 'emails', ignored);
    assert.deepEqual(value, [{ value: 'a@x', primary: true }]);
    assert.deepEqual(ignored, [{ path: 'emails.Bogus', reason: 'unknownAttribute' }]);
  });

  it('returns undefined for null, [] and an object of nulls', () => {
    const name = findAttribute(coreUserSchema.attributes, 'name');
    const emails = findAttribute(coreUserSchema.attributes, 'emails');
    assert.ok(name && emails);
    assert.equal(canonicaliseValue(name, null, 'name', []), undefined);
    assert.equal(canonicaliseValue(emails, [], 'emails', []), undefined);
    assert.equal(canonicaliseValue(name, { givenName: null }, 'name', []), undefined);
  });
});
